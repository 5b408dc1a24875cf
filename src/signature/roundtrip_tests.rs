//! Sign → verify round trips for every provider that supports signing, detection of the
//! signed requests, and the guarantee that secrets never appear in a verdict.

use p256::pkcs8::{EncodePrivateKey, EncodePublicKey};

use super::tests_support::headers;
use super::{
    Encoding, GenericHmac, HmacAlgorithm, ProviderId, RequestView, SignError, SignInput, Status,
    VerifyOptions, detect, evaluate, mailgun_signature, sign, verify,
};

const NOW: i64 = 1_735_732_800;
const URL: &str = "https://inspector.example/hooks/x?a=1";

/// (secret used to sign, secret the receiver configures).
fn secrets(provider: ProviderId) -> (String, String) {
    match provider {
        ProviderId::StandardWebhooks | ProviderId::Svix | ProviderId::Clerk => {
            let s = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_string();
            (s.clone(), s)
        }
        ProviderId::Discord => {
            let seed = [7u8; 32];
            let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
            (hex::encode(seed), hex::encode(public.to_bytes()))
        }
        ProviderId::Sendgrid => {
            let key = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).expect("scalar");
            let private = key.to_pkcs8_der().expect("pkcs8");
            let public = key.verifying_key().to_public_key_der().expect("spki");
            (
                super::mac::to_b64(private.as_bytes()),
                super::mac::to_b64(public.as_bytes()),
            )
        }
        _ => ("s3cr3t-Value_42".to_string(), "s3cr3t-Value_42".to_string()),
    }
}

fn body_for(provider: ProviderId) -> Vec<u8> {
    match provider {
        ProviderId::Linear => {
            format!(r#"{{"action":"create","webhookTimestamp":{}}}"#, NOW * 1000).into_bytes()
        }
        ProviderId::Twilio => b"From=%2B15005550006&Body=Caf%C3%A9+ok&To=%2B1".to_vec(),
        _ => br#"{"type":"event.created","n":1}"#.to_vec(),
    }
}

fn generic_config() -> GenericHmac {
    GenericHmac {
        header: "X-Acme-Signature".to_string(),
        algorithm: HmacAlgorithm::Sha512,
        encoding: Encoding::Base64,
        prefix: "v1=".to_string(),
        template: "{timestamp}:{url}:{body}".to_string(),
        timestamp_header: Some("X-Acme-Timestamp".to_string()),
        tolerance: Some(30),
    }
}

/// Signs like the provider and returns the full header list of the request.
fn signed_request(provider: ProviderId, body: &[u8]) -> Vec<(String, Vec<u8>)> {
    let (signing, _) = secrets(provider);
    let content_type = match provider {
        ProviderId::Twilio => "application/x-www-form-urlencoded",
        _ => "application/json",
    };
    let input = SignInput {
        url: URL,
        body,
        now: NOW,
        message_id: "msg_1",
        content_type: Some(content_type),
    };
    let cfg = generic_config();
    let mut out = sign(provider, &signing, &input, Some(&cfg)).expect("sign");
    out.push(("Content-Type".to_string(), content_type.to_string()));
    if provider == ProviderId::Shopify {
        for (n, v) in [
            ("X-Shopify-Topic", "orders/create"),
            ("X-Shopify-Shop-Domain", "a.myshopify.com"),
            ("X-Shopify-API-Version", "2024-10"),
            ("X-Shopify-Webhook-Id", "w1"),
        ] {
            out.push((n.to_string(), v.to_string()));
        }
    }
    let pairs: Vec<(&str, &str)> = out.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    headers(&pairs)
}

fn signable() -> impl Iterator<Item = ProviderId> {
    ProviderId::ALL
        .into_iter()
        .filter(|p| *p != ProviderId::Mailgun)
}

#[test]
fn every_signable_provider_round_trips() {
    let cfg = generic_config();
    for provider in signable() {
        let body = body_for(provider);
        let h = signed_request(provider, &body);
        let req = RequestView {
            method: "POST",
            url: URL,
            headers: &h,
            body: &body,
        };
        let configured = [secrets(provider).1];
        let opts = VerifyOptions {
            secrets: &configured,
            now: NOW,
            tolerance: None,
            public_url: None,
            generic: Some(&cfg),
            verdict_only: false,
        };
        let v = verify(provider, &req, &opts);
        assert_eq!(v.status, Status::Valid, "{provider}: {}", v.detail);
        assert!(v.hints.is_empty(), "{provider}: {:?}", v.hints);
        let tampered = [body.as_slice(), b" "].concat();
        let req = RequestView {
            body: &tampered,
            ..req
        };
        let v = verify(provider, &req, &opts);
        if provider != ProviderId::Gitlab {
            assert_ne!(v.status, Status::Valid, "{provider}: tampering is caught");
        }
    }
}

#[test]
fn signed_requests_are_detected_as_their_provider() {
    for provider in signable().filter(|p| !matches!(p, ProviderId::Generic | ProviderId::Clerk)) {
        let body = body_for(provider);
        let h = signed_request(provider, &body);
        let req = RequestView {
            method: "POST",
            url: URL,
            headers: &h,
            body: &body,
        };
        let detected = detect(&req).map(|(p, _)| p);
        let expected = match provider {
            ProviderId::Github => ProviderId::Github,
            ProviderId::Intercom => ProviderId::GithubSha1,
            p => p,
        };
        assert_eq!(detected, Some(expected), "{provider}");
    }
}

#[test]
fn generic_wins_in_evaluate_when_configured() {
    let cfg = generic_config();
    let body = body_for(ProviderId::Generic);
    let h = signed_request(ProviderId::Generic, &body);
    let req = RequestView {
        method: "POST",
        url: URL,
        headers: &h,
        body: &body,
    };
    let configured = [secrets(ProviderId::Generic).1];
    let opts = VerifyOptions {
        secrets: &configured,
        now: NOW + 31,
        tolerance: None,
        public_url: None,
        generic: Some(&cfg),
        verdict_only: false,
    };
    let v = evaluate(None, &req, &opts);
    assert_eq!(v.provider, Some(ProviderId::Generic));
    assert_eq!(v.status, Status::Expired, "{}", v.detail);
    let opts = VerifyOptions {
        generic: None,
        ..opts
    };
    assert_eq!(evaluate(None, &req, &opts).status, Status::Unsigned);
}

#[test]
fn mailgun_signs_through_its_body() {
    let input = SignInput {
        url: URL,
        body: b"{}",
        now: NOW,
        message_id: "m",
        content_type: None,
    };
    assert!(matches!(
        sign(ProviderId::Mailgun, "k", &input, None),
        Err(SignError::Unsupported { .. })
    ));
    let sig = mailgun_signature("key-1", "1735732800", "tok");
    let body = format!(
        r#"{{"signature":{{"timestamp":"1735732800","token":"tok","signature":"{sig}"}}}}"#
    );
    let req = RequestView {
        method: "POST",
        url: URL,
        headers: &[],
        body: body.as_bytes(),
    };
    let configured = ["key-1".to_string()];
    let opts = VerifyOptions::new(&configured, NOW);
    assert_eq!(evaluate(None, &req, &opts).status, Status::Valid);
}

#[test]
fn generic_needs_a_valid_configuration() {
    let input = SignInput {
        url: URL,
        body: b"{}",
        now: NOW,
        message_id: "m",
        content_type: None,
    };
    assert_eq!(
        sign(ProviderId::Generic, "k", &input, None),
        Err(SignError::MissingGeneric)
    );
    let bad = GenericHmac {
        template: "{nope}".to_string(),
        ..generic_config()
    };
    assert!(matches!(
        sign(ProviderId::Generic, "k", &input, Some(&bad)),
        Err(SignError::BadGeneric(_))
    ));
    let req = RequestView {
        method: "POST",
        url: URL,
        headers: &[],
        body: b"",
    };
    let opts = VerifyOptions {
        secrets: &[],
        now: NOW,
        tolerance: None,
        public_url: None,
        generic: Some(&bad),
        verdict_only: false,
    };
    assert_eq!(
        verify(ProviderId::Generic, &req, &opts).status,
        Status::Unverified
    );
}

#[test]
fn verdicts_never_contain_the_secret() {
    for provider in signable() {
        let body = body_for(provider);
        let h = signed_request(provider, &body);
        let req = RequestView {
            method: "POST",
            url: URL,
            headers: &h,
            body: &body,
        };
        let cfg = generic_config();
        let configured = [secrets(provider).1, "another-secret-value".to_string()];
        let opts = VerifyOptions {
            secrets: &configured,
            now: NOW,
            tolerance: None,
            public_url: None,
            generic: Some(&cfg),
            verdict_only: false,
        };
        let v = verify(provider, &req, &opts);
        let json = serde_json::to_string(&v).expect("serialize");
        let provider_field = format!(r#""provider":"{}""#, provider.as_str());
        assert!(
            json.contains(&provider_field) && json.contains(r#""status":"valid""#),
            "{json}"
        );
        for s in &configured {
            assert!(
                !json.contains(s.as_str()),
                "{provider} leaks a secret: {json}"
            );
        }
        assert_eq!(v.secret_fingerprints.len(), 2);
        assert!(
            v.secret_fingerprints
                .iter()
                .all(|f| f.starts_with("sha256:") && f.len() == 15)
        );
        assert_eq!(
            v.matched_secret.as_ref(),
            v.secret_fingerprints.first(),
            "{provider}"
        );
        assert!(!json.contains("signed_bytes"));
        // Schemes that report what they signed show it as text.
        if let Some(signed) = v.signed_bytes.as_deref() {
            let shown = serde_json::json!(String::from_utf8_lossy(signed)).to_string();
            assert!(
                json.contains(&format!(r#""signed_content":{shown}"#)),
                "{json}"
            );
        }
    }
}
