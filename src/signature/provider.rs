//! Provider identifiers and verdict statuses: their stable snake_case ids, display
//! names, default freshness windows and parsing from text.

use std::fmt;
use std::str::FromStr;

/// A webhook signature scheme, named after the provider that uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderId {
    StandardWebhooks,
    Svix,
    Clerk,
    Stripe,
    Github,
    GithubSha1,
    Shopify,
    Slack,
    Twilio,
    Discord,
    Paddle,
    Square,
    Zoom,
    Linear,
    Intercom,
    Mailgun,
    Sendgrid,
    Gitlab,
    Twitch,
    Generic,
}

impl ProviderId {
    /// Every provider, in a stable order.
    pub const ALL: [ProviderId; 20] = [
        ProviderId::StandardWebhooks,
        ProviderId::Svix,
        ProviderId::Clerk,
        ProviderId::Stripe,
        ProviderId::Github,
        ProviderId::GithubSha1,
        ProviderId::Shopify,
        ProviderId::Slack,
        ProviderId::Twilio,
        ProviderId::Discord,
        ProviderId::Paddle,
        ProviderId::Square,
        ProviderId::Zoom,
        ProviderId::Linear,
        ProviderId::Intercom,
        ProviderId::Mailgun,
        ProviderId::Sendgrid,
        ProviderId::Gitlab,
        ProviderId::Twitch,
        ProviderId::Generic,
    ];

    /// Stable id, as used in the vectors, the config and the CLI (`"github_sha1"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderId::StandardWebhooks => "standard_webhooks",
            ProviderId::Svix => "svix",
            ProviderId::Clerk => "clerk",
            ProviderId::Stripe => "stripe",
            ProviderId::Github => "github",
            ProviderId::GithubSha1 => "github_sha1",
            ProviderId::Shopify => "shopify",
            ProviderId::Slack => "slack",
            ProviderId::Twilio => "twilio",
            ProviderId::Discord => "discord",
            ProviderId::Paddle => "paddle",
            ProviderId::Square => "square",
            ProviderId::Zoom => "zoom",
            ProviderId::Linear => "linear",
            ProviderId::Intercom => "intercom",
            ProviderId::Mailgun => "mailgun",
            ProviderId::Sendgrid => "sendgrid",
            ProviderId::Gitlab => "gitlab",
            ProviderId::Twitch => "twitch",
            ProviderId::Generic => "generic",
        }
    }

    /// Human name for the UI (`"GitHub (SHA-1)"`).
    pub fn display_name(self) -> &'static str {
        match self {
            ProviderId::StandardWebhooks => "Standard Webhooks",
            ProviderId::Svix => "Svix",
            ProviderId::Clerk => "Clerk",
            ProviderId::Stripe => "Stripe",
            ProviderId::Github => "GitHub",
            ProviderId::GithubSha1 => "GitHub (SHA-1)",
            ProviderId::Shopify => "Shopify",
            ProviderId::Slack => "Slack",
            ProviderId::Twilio => "Twilio",
            ProviderId::Discord => "Discord",
            ProviderId::Paddle => "Paddle",
            ProviderId::Square => "Square",
            ProviderId::Zoom => "Zoom",
            ProviderId::Linear => "Linear",
            ProviderId::Intercom => "Intercom",
            ProviderId::Mailgun => "Mailgun",
            ProviderId::Sendgrid => "SendGrid",
            ProviderId::Gitlab => "GitLab",
            ProviderId::Twitch => "Twitch EventSub",
            ProviderId::Generic => "Generic HMAC",
        }
    }

    /// Whether the scheme signs the URL the request was sent to (a generic
    /// scheme may, through its template).
    pub fn signs_url(self) -> bool {
        matches!(
            self,
            ProviderId::Twilio | ProviderId::Square | ProviderId::Generic
        )
    }

    /// Freshness window of the provider's official SDK (or docs), in seconds;
    /// `None` when the scheme has none. Generic HMAC takes its window from its configuration.
    pub fn default_tolerance(self) -> Option<i64> {
        match self {
            ProviderId::StandardWebhooks
            | ProviderId::Svix
            | ProviderId::Clerk
            | ProviderId::Stripe
            | ProviderId::Slack => Some(300),
            ProviderId::Paddle => Some(5),
            ProviderId::Linear => Some(60),
            ProviderId::Mailgun => Some(900),
            ProviderId::Twitch => Some(600),
            ProviderId::Github
            | ProviderId::GithubSha1
            | ProviderId::Shopify
            | ProviderId::Twilio
            | ProviderId::Discord
            | ProviderId::Square
            | ProviderId::Zoom
            | ProviderId::Intercom
            | ProviderId::Sendgrid
            | ProviderId::Gitlab
            | ProviderId::Generic => None,
        }
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error of [`ProviderId::from_str`]; its message lists the valid ids.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown provider '{given}'; valid providers: {}", valid_ids())]
pub struct UnknownProvider {
    pub given: String,
}

fn valid_ids() -> String {
    ProviderId::ALL
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for ProviderId {
    type Err = UnknownProvider;

    /// Accepts the ids of [`ProviderId::as_str`], ignoring ASCII case and treating `-` as `_`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        ProviderId::ALL
            .into_iter()
            .find(|p| p.as_str() == wanted)
            .ok_or_else(|| UnknownProvider {
                given: s.to_string(),
            })
    }
}

/// The verdict on a request's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Valid,
    InvalidSignature,
    Expired,
    MalformedHeader,
    MissingHeader,
    /// Signed, but no secret is configured, so the signature could not be checked.
    Unverified,
    /// No known signature scheme found on the request.
    Unsigned,
}

impl Status {
    /// Every status, in a stable order.
    pub const ALL: [Status; 7] = [
        Status::Valid,
        Status::InvalidSignature,
        Status::Expired,
        Status::MalformedHeader,
        Status::MissingHeader,
        Status::Unverified,
        Status::Unsigned,
    ];

    /// Stable snake_case id (`"invalid_signature"`), as in the vectors' `expected` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::InvalidSignature => "invalid_signature",
            Status::Expired => "expired",
            Status::MalformedHeader => "malformed_header",
            Status::MissingHeader => "missing_header",
            Status::Unverified => "unverified",
            Status::Unsigned => "unsigned",
        }
    }

    /// Inverse of [`Status::as_str`].
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for p in ProviderId::ALL {
            assert_eq!(p.as_str().parse::<ProviderId>(), Ok(p));
            let json = serde_json::to_string(&p).expect("serialize");
            assert_eq!(json, format!("\"{}\"", p.as_str()));
        }
        assert_eq!(
            "GitHub-SHA1".parse::<ProviderId>(),
            Ok(ProviderId::GithubSha1)
        );
    }

    #[test]
    fn unknown_provider_lists_ids() {
        let err = "stripey".parse::<ProviderId>().expect_err("unknown");
        let msg = err.to_string();
        assert!(msg.contains("stripey") && msg.contains("standard_webhooks, svix"));
    }

    #[test]
    fn statuses_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).expect("serialize");
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert_eq!(Status::parse("nope"), None);
    }
}
