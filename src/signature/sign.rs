//! Signing a request as its provider would (re-signing edited resends, signed sample events):
//! the input, the errors, and the dispatch to each scheme's signer.

use super::generic::{self, GenericHmac};
use super::provider::ProviderId;
use super::{discord, github, gitlab, linear, paddle, sendgrid, shopify, slack_zoom, square};
use super::{standard, stripe, twilio, twitch};

/// What a signature covers besides the secret.
#[derive(Clone, Copy, Debug)]
pub struct SignInput<'a> {
    /// Full URL the request goes to (Twilio and Square sign it).
    pub url: &'a str,
    pub body: &'a [u8],
    /// Unix seconds to put in the timestamp.
    pub now: i64,
    /// Message id for schemes that sign one (Standard Webhooks, Svix, Clerk, Twitch).
    pub message_id: &'a str,
    /// Content-Type of the body (Twilio signs form parameters, or binds JSON through the URL).
    pub content_type: Option<&'a str>,
}

/// Why a request cannot be signed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("{provider} requests cannot be signed here: {reason}")]
    Unsupported {
        provider: &'static str,
        reason: &'static str,
    },
    #[error("the secret is not a usable {expected}: {reason}")]
    BadKey {
        expected: &'static str,
        reason: String,
    },
    #[error(
        "generic HMAC signing needs a generic configuration (header, algorithm, encoding, template)"
    )]
    MissingGeneric,
    #[error("the generic HMAC configuration is invalid: {0}")]
    BadGeneric(String),
    #[error("{0}")]
    Request(String),
}

/// Sign a request as the provider would. Returns the headers to set, replacing any existing
/// ones with the same names (case-insensitively).
///
/// Discord takes an Ed25519 private key (hex) and SendGrid a P-256 PKCS#8 key (base64 DER) as
/// the secret. Mailgun's signature lives in the body: see [`super::mailgun_signature`].
pub fn sign(
    provider: ProviderId,
    secret: &str,
    input: &SignInput,
    generic: Option<&GenericHmac>,
) -> Result<Vec<(String, String)>, SignError> {
    match provider {
        ProviderId::StandardWebhooks | ProviderId::Svix | ProviderId::Clerk => {
            standard::sign(provider, secret, input)
        }
        ProviderId::Stripe => Ok(stripe::sign(secret, input)),
        ProviderId::Github | ProviderId::GithubSha1 | ProviderId::Intercom => {
            Ok(github::sign(provider, secret, input))
        }
        ProviderId::Shopify => Ok(shopify::sign(secret, input)),
        ProviderId::Slack | ProviderId::Zoom => Ok(slack_zoom::sign(provider, secret, input)),
        ProviderId::Twilio => twilio::sign(secret, input),
        ProviderId::Discord => discord::sign(secret, input),
        ProviderId::Paddle => Ok(paddle::sign(secret, input)),
        ProviderId::Square => Ok(square::sign(secret, input)),
        ProviderId::Linear => Ok(linear::sign(secret, input)),
        ProviderId::Mailgun => Err(SignError::Unsupported {
            provider: "mailgun",
            reason: "the signature lives in the body (signature.timestamp, token, signature); compute it with mailgun_signature and edit the body",
        }),
        ProviderId::Sendgrid => sendgrid::sign(secret, input),
        ProviderId::Gitlab => Ok(gitlab::sign(secret, input)),
        ProviderId::Twitch => twitch::sign(secret, input),
        ProviderId::Generic => generic::sign(secret, input, generic),
    }
}

/// Headers to set beside the signature so that the request is one the
/// provider would send, for a request that is not already (`send SAMPLE
/// --sign shopify` of a sample from elsewhere): what its SDK requires
/// (Shopify), or what tells it apart from a scheme it shares (Intercom).
pub fn companion_headers(
    provider: ProviderId,
    input: &SignInput,
    headers: &[(String, Vec<u8>)],
) -> Vec<(String, String)> {
    match provider {
        ProviderId::Shopify => shopify::companions(input, headers),
        // GitHub signs `X-Hub-Signature` the same way; Intercom's agent says which.
        ProviderId::Intercom
            if !crate::model::header_value(headers, "user-agent")
                .is_some_and(|ua| ua.to_ascii_lowercase().windows(8).any(|w| w == b"intercom")) =>
        {
            vec![("User-Agent".into(), "Intercom-Webhooks".into())]
        }
        _ => Vec::new(),
    }
}
