//! Realistic sample events to send to an app under development, built in
//! (from `assets/samples/*.json`) or read from a JSON file in the same format.

use std::path::Path;

use bytes::Bytes;

use crate::resend::message_file::is_token_byte;
use crate::resend::ordered_json::OrderedJson;
use crate::resend::outgoing::{OutgoingRequest, ResendError, resolve_url, validate_method};

macro_rules! sample_file {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/samples/",
            $name,
            ".json"
        ))
    };
}

/// The built-in samples' JSON, in listing order.
const BUILT_IN: [&str; 9] = [
    sample_file!("lead.captured"),
    sample_file!("conversation.ended"),
    sample_file!("intent.detected"),
    sample_file!("booking.created"),
    sample_file!("new_order"),
    sample_file!("stripe.payment_intent.succeeded"),
    sample_file!("github.push"),
    sample_file!("slack.app_mention"),
    sample_file!("standard_webhooks.contact.created"),
];

/// One sample event. Its file is this struct as JSON:
/// `{"name", "description", "provider", "method", "path", "headers": [[name, value], ...], "body"}`.
///
/// Headers are the provider's usual ones without signatures: signing is a
/// separate step that adds its headers to the request.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    pub name: String,
    pub description: String,
    /// `stripe`, `github`, `slack`, `standard_webhooks`, ... or null.
    pub provider: Option<String>,
    pub method: String,
    /// Path and query the provider would post to, e.g. `/hooks/stripe`.
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The JSON body, members in file order.
    pub body: OrderedJson,
}

/// Why a sample cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    // The cause is in the message, not also a `source` that a chain would repeat.
    #[error("cannot read sample file {path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{origin} is not a valid sample: {reason}")]
    Invalid { origin: String, reason: String },
    #[error("no sample named '{name}' and no such file; samples: {}", available.join(", "))]
    NotFound {
        name: String,
        available: Vec<String>,
    },
}

/// All built-in samples, in listing order.
pub fn all() -> Vec<Sample> {
    BUILT_IN
        .iter()
        .filter_map(|text| Sample::from_json(text, "built-in sample").ok())
        .collect()
}

/// The built-in sample called `name`, also found as `provider.name`
/// (e.g. `github.push` as well as `push`).
pub fn find(name: &str) -> Option<Sample> {
    all().into_iter().find(|s| {
        s.name == name
            || s.provider
                .as_deref()
                .and_then(|p| name.strip_prefix(p))
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|rest| rest == s.name)
    })
}

/// A built-in sample by name, else a sample file at that path.
pub fn resolve(name_or_path: &str) -> Result<Sample, SampleError> {
    if let Some(sample) = find(name_or_path) {
        return Ok(sample);
    }
    let path = Path::new(name_or_path);
    // Anything there is read, so a directory or an unreadable file is
    // reported as such rather than as "no such file".
    if path.exists() {
        return Sample::from_file(path);
    }
    Err(SampleError::NotFound {
        name: name_or_path.to_owned(),
        available: all().into_iter().map(|s| s.name).collect(),
    })
}

impl Sample {
    /// Reads and checks a sample file.
    pub fn from_file(path: &Path) -> Result<Sample, SampleError> {
        let text = std::fs::read_to_string(path).map_err(|error| SampleError::Io {
            path: path.display().to_string(),
            error,
        })?;
        Sample::from_json(&text, &path.display().to_string())
    }

    /// Parses and checks sample JSON; `origin` names it in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<Sample, SampleError> {
        let invalid = |reason: String| SampleError::Invalid {
            origin: origin.to_owned(),
            reason,
        };
        let sample: Sample = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        sample.check().map_err(invalid)?;
        Ok(sample)
    }

    fn check(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("its name is empty".to_owned());
        }
        validate_method(&self.method).map_err(|e| e.to_string())?;
        if !self.path.starts_with('/') || self.path.contains(|c: char| c.is_whitespace()) {
            return Err(format!(
                "path '{}' must start with / and contain no spaces",
                self.path
            ));
        }
        for (name, value) in &self.headers {
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                return Err(format!(
                    "'{}' is not a valid header name",
                    crate::sanitize::visible(name)
                ));
            }
            if http::HeaderValue::from_str(value).is_err() {
                return Err(format!(
                    "the value of header '{name}' contains control characters"
                ));
            }
        }
        Ok(())
    }

    /// The body as sent: pretty-printed with two spaces for Stripe (as
    /// Stripe sends it), compact JSON for everyone else.
    pub fn body_bytes(&self) -> Bytes {
        let text = if self.provider.as_deref() == Some("stripe") {
            self.body.to_pretty()
        } else {
            self.body.to_compact()
        };
        Bytes::from(text)
    }

    /// The request for this sample, aimed at `url` with the same rule as a
    /// resend: an origin-only URL gets the sample's path appended.
    pub fn to_outgoing(&self, url: &str) -> Result<OutgoingRequest, ResendError> {
        Ok(OutgoingRequest {
            method: self.method.clone(),
            url: resolve_url(url, &self.path)?,
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.as_bytes().to_vec()))
                .collect(),
            body: self.body_bytes(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_sample_loads_under_a_unique_name() {
        let samples = all();
        assert_eq!(samples.len(), BUILT_IN.len());
        for text in BUILT_IN {
            Sample::from_json(text, "built-in").unwrap();
        }
        let mut names: Vec<_> = samples.iter().map(|s| s.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), samples.len());
    }

    #[test]
    fn find_accepts_provider_prefixed_names() {
        assert_eq!(find("push").unwrap().provider.as_deref(), Some("github"));
        assert_eq!(find("github.push").unwrap().name, "push");
        assert_eq!(
            find("slack.app_mention").unwrap().provider.as_deref(),
            Some("slack")
        );
        assert_eq!(
            find("stripe.payment_intent.succeeded").unwrap().name,
            "payment_intent.succeeded"
        );
        assert!(find("nope").is_none());
        assert!(find("stripe.").is_none());
    }

    #[test]
    fn stripe_bodies_are_pretty_and_others_compact() {
        let stripe = find("payment_intent.succeeded").unwrap().body_bytes();
        assert!(stripe.starts_with(b"{\n  \"id\": \"evt_"), "{stripe:?}");
        let github = find("push").unwrap().body_bytes();
        assert!(
            github.starts_with(b"{\"ref\":\"refs/heads/main\""),
            "{github:?}"
        );
    }

    #[test]
    fn bad_files_say_why() {
        let err = Sample::from_json(r#"{"name":"x"}"#, "x.json").unwrap_err();
        assert!(
            err.to_string().starts_with("x.json is not a valid sample"),
            "{err}"
        );
        let text = r#"{"name":"x","description":"","provider":null,"method":"POST",
                       "path":"hooks","headers":[],"body":{}}"#;
        assert!(
            Sample::from_json(text, "x")
                .unwrap_err()
                .to_string()
                .contains("path")
        );
        let err = resolve("definitely-not-a-sample").unwrap_err();
        assert!(err.to_string().contains("lead.captured"), "{err}");
        let dir = tempfile::tempdir().expect("tempdir");
        let err = resolve(dir.path().to_str().expect("utf-8 path")).unwrap_err();
        assert!(
            err.to_string().starts_with("cannot read sample file"),
            "{err}"
        );
    }
}
