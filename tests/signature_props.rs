//! Property tests: a single-byte change to a signed body, a signature header or the secret
//! makes a valid request not valid; arbitrary bytes never panic detection, verification or signing;
//! a verdict-only check always agrees with the full one.

use base64::Engine;
use proptest::prelude::*;
use proptest::sample::{Index, select};

use hookscope::signature::{
    Encoding, GenericHmac, HandshakeResponse, HmacAlgorithm, ProviderId, RequestView, SignInput,
    Status, Verification, VerifyOptions, detect, evaluate, sign, verify,
};

const NOW: i64 = 1_735_732_800;
const URL: &str = "https://inspector.example/hooks/prop";

fn generic() -> GenericHmac {
    GenericHmac {
        header: "X-Prop-Signature".to_string(),
        algorithm: HmacAlgorithm::Sha256,
        encoding: Encoding::Base64,
        prefix: "sig=".to_string(),
        template: "{timestamp}.{body}".to_string(),
        timestamp_header: Some("X-Prop-Timestamp".to_string()),
        tolerance: Some(300),
    }
}

/// A signed request, ready to verify.
struct Signed {
    provider: ProviderId,
    url: String,
    headers: Vec<(String, Vec<u8>)>,
    /// How many of the leading headers are covered by the signature check.
    signed_headers: usize,
    body: Vec<u8>,
    secret: String,
}

impl Signed {
    fn new(provider: ProviderId, secret: &str, payload: &[u8]) -> Signed {
        let (body, url, content_type) = match provider {
            ProviderId::Linear => {
                let b64 = base64::engine::general_purpose::STANDARD.encode(payload);
                let body = format!(r#"{{"webhookTimestamp":{},"data":"{b64}"}}"#, NOW * 1000);
                (body.into_bytes(), URL.to_string(), "application/json")
            }
            ProviderId::Twilio => {
                let hash = hex::encode(sha256(payload));
                (
                    payload.to_vec(),
                    format!("{URL}?bodySHA256={hash}"),
                    "application/json",
                )
            }
            _ => (payload.to_vec(), URL.to_string(), "application/json"),
        };
        let input = SignInput {
            url: &url,
            body: &body,
            now: NOW,
            message_id: "msg_prop",
            content_type: Some(content_type),
        };
        let cfg = generic();
        let mut headers: Vec<(String, Vec<u8>)> = sign(provider, secret, &input, Some(&cfg))
            .expect("sign")
            .into_iter()
            .map(|(k, v)| (k, v.into_bytes()))
            .collect();
        let signed_headers = if provider == ProviderId::Github {
            1
        } else {
            headers.len()
        };
        headers.push(("Content-Type".to_string(), content_type.as_bytes().to_vec()));
        if provider == ProviderId::Shopify {
            for n in [
                "X-Shopify-Topic",
                "X-Shopify-Shop-Domain",
                "X-Shopify-API-Version",
                "X-Shopify-Webhook-Id",
            ] {
                headers.push((n.to_string(), b"x".to_vec()));
            }
        }
        Signed {
            provider,
            url,
            headers,
            signed_headers,
            body,
            secret: secret.to_string(),
        }
    }

    fn status(&self) -> Status {
        let req = RequestView {
            method: "POST",
            url: &self.url,
            headers: &self.headers,
            body: &self.body,
        };
        let secrets = [self.secret.clone()];
        let cfg = generic();
        let opts = VerifyOptions {
            secrets: &secrets,
            now: NOW,
            tolerance: None,
            public_url: None,
            generic: Some(&cfg),
            verdict_only: false,
        };
        let full = verify(self.provider, &req, &opts);
        assert_eq!(
            brief(&full),
            brief(&verify(self.provider, &req, &opts.verdict_only()))
        );
        full.status
    }
}

/// What a capture stores and answers with: the same whether or not the
/// explanations are built.
fn brief(v: &Verification) -> (Option<ProviderId>, Status, Option<HandshakeResponse>) {
    (v.provider, v.status, v.handshake.clone())
}

trait VerdictOnly {
    fn verdict_only(self) -> Self;
}

impl VerdictOnly for VerifyOptions<'_> {
    fn verdict_only(self) -> Self {
        VerifyOptions {
            verdict_only: true,
            ..self
        }
    }
}

fn sha256(data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(data).to_vec()
}

/// Providers whose whole body is signed.
const BODY_SIGNED: [ProviderId; 17] = [
    ProviderId::StandardWebhooks,
    ProviderId::Svix,
    ProviderId::Clerk,
    ProviderId::Stripe,
    ProviderId::Github,
    ProviderId::GithubSha1,
    ProviderId::Shopify,
    ProviderId::Slack,
    ProviderId::Twilio,
    ProviderId::Paddle,
    ProviderId::Square,
    ProviderId::Zoom,
    ProviderId::Linear,
    ProviderId::Intercom,
    ProviderId::Twitch,
    ProviderId::Generic,
    ProviderId::Sendgrid,
];

/// HMAC/token providers keyed with the secret string as is.
const TEXT_KEYED: [ProviderId; 15] = [
    ProviderId::Stripe,
    ProviderId::Github,
    ProviderId::GithubSha1,
    ProviderId::Shopify,
    ProviderId::Slack,
    ProviderId::Twilio,
    ProviderId::Paddle,
    ProviderId::Square,
    ProviderId::Zoom,
    ProviderId::Linear,
    ProviderId::Intercom,
    ProviderId::Twitch,
    ProviderId::Generic,
    ProviderId::Gitlab,
    ProviderId::StandardWebhooks,
];

fn secret_for(provider: ProviderId, raw: &[u8]) -> String {
    match provider {
        ProviderId::StandardWebhooks | ProviderId::Svix | ProviderId::Clerk => {
            format!(
                "whsec_{}",
                base64::engine::general_purpose::STANDARD.encode(raw)
            )
        }
        ProviderId::Sendgrid => {
            use p256::pkcs8::EncodePrivateKey;
            let key = p256::ecdsa::SigningKey::from_slice(&[9u8; 32]).expect("scalar");
            let der = key.to_pkcs8_der().expect("pkcs8");
            base64::engine::general_purpose::STANDARD.encode(der.as_bytes())
        }
        _ => raw.iter().map(|b| char::from(b'!' + b % 94)).collect(),
    }
}

/// The public key configured by the receiver, for the asymmetric schemes.
fn receiver_secret(provider: ProviderId, signing: &str) -> String {
    if provider == ProviderId::Sendgrid {
        use p256::pkcs8::EncodePublicKey;
        let key = p256::ecdsa::SigningKey::from_slice(&[9u8; 32]).expect("scalar");
        let der = key.verifying_key().to_public_key_der().expect("spki");
        return base64::engine::general_purpose::STANDARD.encode(der.as_bytes());
    }
    signing.to_string()
}

fn signed(provider: ProviderId, raw_secret: &[u8], payload: &[u8]) -> Signed {
    let signing = secret_for(provider, raw_secret);
    let mut s = Signed::new(provider, &signing, payload);
    s.secret = receiver_secret(provider, &signing);
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn body_byte_change_invalidates(
        provider in select(BODY_SIGNED.to_vec()),
        raw_secret in prop::collection::vec(any::<u8>(), 24..=24),
        payload in prop::collection::vec(any::<u8>(), 1..120),
        at in any::<Index>(),
        delta in 1u8..=255,
    ) {
        let mut s = signed(provider, &raw_secret, &payload);
        prop_assert_eq!(s.status(), Status::Valid);
        let i = at.index(s.body.len());
        s.body[i] ^= delta;
        prop_assert_ne!(s.status(), Status::Valid);
    }

    #[test]
    fn signature_header_byte_change_invalidates(
        provider in select(BODY_SIGNED.iter().copied().chain([ProviderId::Gitlab]).collect::<Vec<_>>()),
        raw_secret in prop::collection::vec(any::<u8>(), 24..=24),
        payload in prop::collection::vec(any::<u8>(), 0..80),
        which in any::<Index>(),
        at in any::<Index>(),
        delta in 1u8..=255,
    ) {
        let mut s = signed(provider, &raw_secret, &payload);
        prop_assert_eq!(s.status(), Status::Valid);
        let h = which.index(s.signed_headers);
        let value = &mut s.headers[h].1;
        let i = at.index(value.len());
        value[i] ^= delta;
        prop_assert_ne!(s.status(), Status::Valid);
    }

    #[test]
    fn secret_byte_change_invalidates(
        provider in select(TEXT_KEYED.to_vec()),
        raw_secret in prop::collection::vec(any::<u8>(), 24..=24),
        payload in prop::collection::vec(any::<u8>(), 0..80),
        at in any::<Index>(),
        replacement in 0x21u8..0x7f,
    ) {
        let mut s = signed(provider, &raw_secret, &payload);
        prop_assert_eq!(s.status(), Status::Valid);
        let mut bytes = s.secret.clone().into_bytes();
        let i = at.index(bytes.len());
        prop_assume!(bytes[i] != replacement);
        bytes[i] = replacement;
        s.secret = String::from_utf8(bytes).expect("ascii");
        prop_assert_ne!(s.status(), Status::Valid);
    }
}

const HEADER_NAMES: [&str; 34] = [
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "Stripe-Signature",
    "X-Hub-Signature-256",
    "X-Hub-Signature",
    "X-Shopify-Hmac-Sha256",
    "shopify-hmac-sha256",
    "X-Shopify-Topic",
    "X-Slack-Signature",
    "X-Slack-Request-Timestamp",
    "X-Twilio-Signature",
    "X-Twilio-Webhooks-Signature-Settings",
    "X-Signature-Ed25519",
    "X-Signature-Timestamp",
    "Paddle-Signature",
    "x-square-hmacsha256-signature",
    "x-zm-signature",
    "x-zm-request-timestamp",
    "Linear-Signature",
    "X-Twilio-Email-Event-Webhook-Signature",
    "X-Twilio-Email-Event-Webhook-Timestamp",
    "X-Gitlab-Token",
    "Twitch-Eventsub-Message-Id",
    "Twitch-Eventsub-Message-Timestamp",
    "Twitch-Eventsub-Message-Signature",
    "Twitch-Eventsub-Message-Type",
    "Content-Type",
    "User-Agent",
    "X-Prop-Signature",
    "X-Prop-Timestamp",
];

fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        "[ -~]{0,80}".prop_map(String::into_bytes),
        "(t|v1|ts|h1|sha256|sha1|v0|key|algorithm)[=,;:]?[0-9a-fA-F+/=]{0,70}"
            .prop_map(String::into_bytes),
        "[0-9]{1,20}".prop_map(String::into_bytes),
        Just(b"multipart/form-data; boundary=XX".to_vec()),
        Just(b"application/x-www-form-urlencoded".to_vec()),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        "[ -~]{0,120}".prop_map(String::into_bytes),
        ("[ -~]{0,12}", "[ -~]{0,12}", "[ -~]{0,70}").prop_map(|(t, k, s)| {
            serde_json::json!({"signature": {"timestamp": t, "token": k, "signature": s}, "webhookTimestamp": t, "event": "endpoint.url_validation", "payload": {"plainToken": k}, "type": 1}).to_string().into_bytes()
        }),
        "--XX\r\nContent-Disposition: form-data; name=\"(timestamp|token|signature)\"\r\n\r\n[ -~]{0,20}\r\n(--XX--)?".prop_map(String::into_bytes),
        "(timestamp|token|signature|a)=[ -~]{0,20}(&[a-z]=[%0-9A-F]{0,9}){0,3}".prop_map(String::into_bytes),
    ]
}

fn secret() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,40}",
        "whsec_[A-Za-z0-9+/=]{0,44}",
        "[0-9a-f]{64}",
        "[0-9a-f]{128}",
        ".{0,10}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_requests_never_panic(
        headers in prop::collection::vec((prop_oneof![select(HEADER_NAMES.to_vec()).prop_map(str::to_string), "[A-Za-z-]{1,12}"], header_value()), 0..10),
        body in body(),
        url in prop_oneof![Just(URL.to_string()), "[ -~]{0,60}", "https?://[a-z.\\[\\]:0-9@]{0,20}(/[ -~]{0,20})?"],
        secrets in prop::collection::vec(secret(), 0..3),
        now in prop_oneof![Just(NOW), any::<i64>()],
        tolerance in prop::option::of(any::<i64>()),
        public_url in prop::option::of("[ -~]{0,40}"),
    ) {
        let req = RequestView { method: "POST", url: &url, headers: &headers, body: &body };
        let cfg = generic();
        let opts = VerifyOptions { secrets: &secrets, now, tolerance, public_url: public_url.as_deref(), generic: Some(&cfg), verdict_only: false };
        let _ = detect(&req);
        let v = evaluate(None, &req, &opts);
        prop_assert_eq!(brief(&v), brief(&evaluate(None, &req, &opts.verdict_only())));
        for provider in ProviderId::ALL {
            let v = verify(provider, &req, &opts);
            prop_assert!(!v.detail.is_empty(), "{provider} gave an empty detail");
            prop_assert_eq!(brief(&v), brief(&verify(provider, &req, &opts.verdict_only())), "{}", provider);
            let _ = serde_json::to_string(&v).expect("serialize");
            let _ = evaluate(Some(provider), &req, &opts);
            let secret = secrets.first().map(String::as_str).unwrap_or("");
            let input = SignInput { url: &url, body: &body, now, message_id: "m", content_type: None };
            let _ = sign(provider, secret, &input, Some(&cfg));
        }
    }

    #[test]
    fn detection_never_panics(
        headers in prop::collection::vec(("[ -~]{0,24}", prop::collection::vec(any::<u8>(), 0..40)), 0..12),
        body in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let req = RequestView { method: "GET", url: "", headers: &headers, body: &body };
        if let Some((p, reason)) = detect(&req) {
            prop_assert!(!reason.is_empty(), "{p} without a reason");
        }
    }
}
