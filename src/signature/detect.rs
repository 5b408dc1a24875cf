//! Provider detection: signature headers first, then headers only an always-signing provider
//! sends (so a stripped signature reads as `missing_header`), then Mailgun's signed body fields.

use super::mailgun;
use super::provider::ProviderId;
use super::request::RequestView;

/// Headers that carry a signature, in the order they are looked for.
const SIGNATURE_HEADERS: [(&str, ProviderId); 17] = [
    ("webhook-signature", ProviderId::StandardWebhooks),
    ("svix-signature", ProviderId::Svix),
    ("Stripe-Signature", ProviderId::Stripe),
    ("X-Hub-Signature-256", ProviderId::Github),
    ("X-Hub-Signature", ProviderId::GithubSha1),
    ("X-Shopify-Hmac-Sha256", ProviderId::Shopify),
    ("shopify-hmac-sha256", ProviderId::Shopify),
    ("X-Slack-Signature", ProviderId::Slack),
    (
        "X-Twilio-Email-Event-Webhook-Signature",
        ProviderId::Sendgrid,
    ),
    ("X-Twilio-Signature", ProviderId::Twilio),
    ("X-Signature-Ed25519", ProviderId::Discord),
    ("Paddle-Signature", ProviderId::Paddle),
    ("x-square-hmacsha256-signature", ProviderId::Square),
    ("x-square-signature", ProviderId::Square),
    ("x-zm-signature", ProviderId::Zoom),
    ("Linear-Signature", ProviderId::Linear),
    ("Twitch-Eventsub-Message-Signature", ProviderId::Twitch),
];

/// Headers sent only by providers that always sign: their presence without a signature
/// means the signature was lost, not that the delivery is unsigned.
const COMPANION_HEADERS: [(&str, ProviderId); 12] = [
    ("webhook-id", ProviderId::StandardWebhooks),
    ("svix-id", ProviderId::Svix),
    ("X-Shopify-Webhook-Id", ProviderId::Shopify),
    ("shopify-webhook-id", ProviderId::Shopify),
    ("X-Slack-Request-Timestamp", ProviderId::Slack),
    (
        "X-Twilio-Email-Event-Webhook-Timestamp",
        ProviderId::Sendgrid,
    ),
    ("I-Twilio-Idempotency-Token", ProviderId::Twilio),
    ("X-Signature-Timestamp", ProviderId::Discord),
    ("Square-Environment", ProviderId::Square),
    ("x-zm-request-timestamp", ProviderId::Zoom),
    ("Linear-Delivery", ProviderId::Linear),
    ("Twitch-Eventsub-Message-Id", ProviderId::Twitch),
];

fn json(req: &RequestView) -> Option<serde_json::Value> {
    serde_json::from_slice(req.body).ok()
}

/// Clerk delivers through Svix with identical headers; its events carry `instance_id`
/// (`ins_…`) or `event_attributes`.
fn clerk_body(req: &RequestView) -> bool {
    let Some(event) = json(req) else {
        return false;
    };
    let instance = event
        .get("instance_id")
        .and_then(|v| v.as_str())
        .is_some_and(|s| s.starts_with("ins_"));
    instance || event.get("event_attributes").is_some_and(|v| v.is_object())
}

fn user_agent(req: &RequestView) -> String {
    req.header_text("user-agent")
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Intercom reuses GitHub's `X-Hub-Signature`; it is told apart by its user agent or its
/// `notification_event` bodies, and never sends `X-GitHub-Event`.
fn intercom_markers(req: &RequestView) -> Option<&'static str> {
    if req.has_header("X-GitHub-Event") || req.has_header("X-GitHub-Delivery") {
        return None;
    }
    if user_agent(req).contains("intercom") {
        return Some("an Intercom User-Agent");
    }
    let body_type = json(req).and_then(|e| e.get("type")?.as_str().map(str::to_string));
    (body_type.as_deref() == Some("notification_event")).then_some("a notification_event body")
}

/// Refines the provider for schemes shared by several providers.
fn refine(req: &RequestView, provider: ProviderId, mut reason: String) -> (ProviderId, String) {
    match provider {
        ProviderId::Svix if clerk_body(req) => {
            reason.push_str(", and the body is a Clerk event (instance_id / event_attributes)");
            (ProviderId::Clerk, reason)
        }
        ProviderId::GithubSha1 => match intercom_markers(req) {
            Some(marker) => {
                reason.push_str(&format!(" with {marker}"));
                (ProviderId::Intercom, reason)
            }
            None => (provider, reason),
        },
        _ => (provider, reason),
    }
}

/// Which provider a request looks like, and why (e.g. "header Stripe-Signature present").
pub fn detect(req: &RequestView) -> Option<(ProviderId, String)> {
    if let Some((name, p)) = SIGNATURE_HEADERS.iter().find(|(n, _)| req.has_header(n)) {
        return Some(refine(req, *p, format!("header {name} present")));
    }
    if req.has_header("X-Gitlab-Token") {
        return Some((
            ProviderId::Gitlab,
            "header X-Gitlab-Token present".to_string(),
        ));
    }
    if mailgun::looks_signed(req) {
        return Some((
            ProviderId::Mailgun,
            "body carries Mailgun's signature fields (timestamp, token, signature)".to_string(),
        ));
    }
    let companion = COMPANION_HEADERS
        .iter()
        .find(|(n, _)| req.has_header(n))
        .map(|(n, p)| {
            (
                *p,
                format!("header {n} present (this provider always signs)"),
            )
        });
    let by_agent = || {
        let ua = user_agent(req);
        if ua.starts_with("stripe/") {
            Some((
                ProviderId::Stripe,
                "Stripe User-Agent (Stripe always signs)".to_string(),
            ))
        } else if ua.contains("intercom") {
            Some((
                ProviderId::Intercom,
                "Intercom User-Agent (Intercom always signs)".to_string(),
            ))
        } else {
            None
        }
    };
    let (p, reason) = companion.or_else(by_agent)?;
    Some(refine(req, p, reason))
}

/// For a request no scheme matched: which provider it resembles, when that provider
/// signs only if the user configured a secret.
pub(crate) fn unsigned_guess(req: &RequestView) -> Option<(ProviderId, &'static str)> {
    if req.has_header("X-GitHub-Event") {
        Some((
            ProviderId::Github,
            "it looks like GitHub (X-GitHub-Event), which signs only when the webhook has a secret",
        ))
    } else if req.has_header("X-Gitlab-Event") {
        Some((
            ProviderId::Gitlab,
            "it looks like GitLab (X-Gitlab-Event), which sends X-Gitlab-Token only when the webhook has a secret token",
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::headers;
    use super::*;

    fn detect_with(pairs: &[(&str, &str)], body: &[u8]) -> Option<ProviderId> {
        let h = headers(pairs);
        let req = RequestView {
            method: "POST",
            url: "https://x/",
            headers: &h,
            body,
        };
        detect(&req).map(|(p, _)| p)
    }

    #[test]
    fn shared_schemes_are_told_apart() {
        let clerk = br#"{"data":{},"instance_id":"ins_1","object":"event","type":"user.created"}"#;
        assert_eq!(
            detect_with(&[("svix-signature", "v1,x")], clerk),
            Some(ProviderId::Clerk)
        );
        assert_eq!(
            detect_with(&[("svix-signature", "v1,x")], b"{}"),
            Some(ProviderId::Svix)
        );
        let sig = [("X-Hub-Signature", "sha1=00")];
        assert_eq!(
            detect_with(&sig, br#"{"type":"notification_event"}"#),
            Some(ProviderId::Intercom)
        );
        assert_eq!(detect_with(&sig, b"{}"), Some(ProviderId::GithubSha1));
        let both = [
            ("X-Hub-Signature", "sha1=00"),
            ("X-Hub-Signature-256", "sha256=00"),
        ];
        assert_eq!(detect_with(&both, b"{}"), Some(ProviderId::Github));
    }

    #[test]
    fn companions_and_unsigned() {
        assert_eq!(
            detect_with(&[("X-Slack-Request-Timestamp", "1")], b""),
            Some(ProviderId::Slack)
        );
        assert_eq!(
            detect_with(&[("User-Agent", "Stripe/1.0")], b""),
            Some(ProviderId::Stripe)
        );
        assert_eq!(detect_with(&[("X-GitHub-Event", "push")], b""), None);
        assert_eq!(detect_with(&[], b"hello"), None);
    }
}
