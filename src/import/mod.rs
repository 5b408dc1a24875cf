//! Requests captured elsewhere, brought into a capture file: HAR files from
//! browsers, proxies, or hookscope's own `export`.

mod har;

pub use har::{HarError, read_har};

use crate::store::ImportedRequest;
use crate::verifier::Verifier;

/// Completes a request read from a HAR file as a capture would have it: its
/// event type found and, unless hookscope recorded one on capture, its
/// signature checked with `verifier` as of the moment it was received (a
/// timestamped signature is as old as the request).
pub fn complete(mut r: ImportedRequest, verifier: &Verifier) -> ImportedRequest {
    r.event_type = crate::classify::event_type(&r.headers, &r.body);
    if r.sig_status.is_none() {
        let v = verifier.verdict_as_of(
            r.received_at_us.div_euclid(1_000_000),
            &r.method,
            &r.target,
            &r.headers,
            &r.body,
        );
        r.sig_provider = v.provider.map(|p| p.as_str().to_owned());
        r.sig_status = Some(v.status.as_str().to_owned());
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::model::Answer;
    use crate::signature::{ProviderId, SignInput, sign};

    fn stripe_request(signed_at: i64, received_at: i64) -> ImportedRequest {
        let body = br#"{"type":"payment_intent.succeeded"}"#.to_vec();
        let input = SignInput {
            url: "",
            body: &body,
            now: signed_at,
            message_id: "",
            content_type: None,
        };
        let mut headers: crate::model::HeaderList =
            sign(ProviderId::Stripe, "whsec_k", &input, None)
                .expect("signs")
                .into_iter()
                .map(|(n, v)| (n, v.into_bytes()))
                .collect();
        headers.push(("content-type".into(), b"application/json".to_vec()));
        ImportedRequest {
            received_at_us: received_at * 1_000_000,
            method: "POST".into(),
            target: "/stripe".into(),
            http_version: "HTTP/1.1".into(),
            remote_addr: "imported".into(),
            headers,
            body_size: body.len() as u64,
            body: body.into(),
            body_truncated: false,
            event_type: None,
            sig_provider: None,
            sig_status: None,
            answer: Answer {
                status: 200,
                headers: Vec::new(),
                body: Vec::new(),
            },
        }
    }

    fn verifier() -> Verifier {
        Verifier::new(
            &Config::default(),
            &[(ProviderId::Stripe, "whsec_k".to_owned())],
            |_| None,
        )
        .expect("verifier")
    }

    #[test]
    fn a_signature_is_judged_as_of_when_the_request_was_received() {
        // Signed and received in 2023: valid then, though years past Stripe's window now.
        let stored = complete(stripe_request(1_700_000_000, 1_700_000_030), &verifier());
        assert_eq!(stored.sig_provider.as_deref(), Some("stripe"));
        assert_eq!(stored.sig_status.as_deref(), Some("valid"));
        assert_eq!(
            stored.event_type.as_deref(),
            Some("payment_intent.succeeded")
        );
        // Received an hour after it was signed: late, as it was then.
        let late = complete(stripe_request(1_700_000_000, 1_700_003_600), &verifier());
        assert_eq!(late.sig_status.as_deref(), Some("expired"));
    }

    #[test]
    fn a_verdict_hookscope_recorded_is_kept() {
        let mut r = stripe_request(1_700_000_000, 1_700_000_030);
        r.sig_provider = Some("stripe".into());
        r.sig_status = Some("unverified".into());
        let stored = complete(r, &verifier());
        assert_eq!(stored.sig_status.as_deref(), Some("unverified"));
    }
}
