//! One test per hint: each failing request is built with `sign` so that exactly one
//! alternative (secret, body, URL, token or timestamp unit) makes it verify.

use super::mac::to_b64;
use super::{
    ProviderId, RequestView, SignInput, Status, Verification, VerifyOptions, sign, verify,
};

const NOW: i64 = 1_735_732_800;
const URL: &str = "https://inspector.example/hooks/x";

struct Case<'a> {
    provider: ProviderId,
    signing_secret: &'a str,
    configured: &'a str,
    signed_body: &'a [u8],
    sent_body: &'a [u8],
    signed_url: &'a str,
    request_url: &'a str,
    public_url: Option<&'a str>,
    signed_at: i64,
}

impl Default for Case<'_> {
    fn default() -> Self {
        Case {
            provider: ProviderId::Stripe,
            signing_secret: "whsec_abc123",
            configured: "whsec_abc123",
            signed_body: br#"{"a":1}"#,
            sent_body: br#"{"a":1}"#,
            signed_url: URL,
            request_url: URL,
            public_url: None,
            signed_at: NOW,
        }
    }
}

fn run(c: &Case, extra: &[(&str, &str)]) -> Verification {
    let input = SignInput {
        url: c.signed_url,
        body: c.signed_body,
        now: c.signed_at,
        message_id: "msg_1",
        content_type: Some(match c.provider {
            ProviderId::Twilio => "application/x-www-form-urlencoded",
            _ => "application/json",
        }),
    };
    let mut headers: Vec<(String, Vec<u8>)> = sign(c.provider, c.signing_secret, &input, None)
        .expect("sign")
        .into_iter()
        .map(|(k, v)| (k, v.into_bytes()))
        .collect();
    headers.extend(
        extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec())),
    );
    let req = RequestView {
        method: "POST",
        url: c.request_url,
        headers: &headers,
        body: c.sent_body,
    };
    let secrets = [c.configured.to_string()];
    let opts = VerifyOptions {
        secrets: &secrets,
        now: NOW,
        tolerance: None,
        public_url: c.public_url,
        generic: None,
        verdict_only: false,
    };
    verify(c.provider, &req, &opts)
}

fn assert_hint(v: &Verification, needle: &str) {
    assert!(
        v.hints.iter().any(|h| h.contains(needle)),
        "expected a hint containing {needle:?}; status {}, hints {:?}",
        v.status,
        v.hints
    );
}

fn failing(c: &Case) -> Verification {
    let v = run(c, &[]);
    assert_eq!(v.status, Status::InvalidSignature, "{}", v.detail);
    v
}

#[test]
fn secret_base64_decoded() {
    let configured = to_b64(b"secret-key");
    let v = failing(&Case {
        provider: ProviderId::Github,
        signing_secret: "secret-key",
        configured: &configured,
        ..Case::default()
    });
    assert_hint(&v, "base64-decoded");
}

#[test]
fn secret_hex_decoded() {
    let v = failing(&Case {
        provider: ProviderId::Slack,
        signing_secret: "abcde",
        configured: "6162636465",
        ..Case::default()
    });
    assert_hint(&v, "hex-decoded");
}

#[test]
fn secret_without_whsec_prefix() {
    let v = failing(&Case {
        signing_secret: "abc123",
        configured: "whsec_abc123",
        ..Case::default()
    });
    assert_hint(&v, "without its whsec_ prefix");
}

#[test]
fn secret_with_whsec_prefix_added() {
    let v = failing(&Case {
        signing_secret: "whsec_abc123",
        configured: "abc123",
        ..Case::default()
    });
    assert_hint(&v, "'whsec_' added");
}

#[test]
fn standard_webhooks_secret_used_as_plain_text() {
    let configured = "whsec_not/base64!";
    let signing = format!("whsec_{}", to_b64(configured.as_bytes()));
    let v = failing(&Case {
        provider: ProviderId::Svix,
        signing_secret: &signing,
        configured,
        ..Case::default()
    });
    assert_hint(&v, "used as plain text instead of being base64-decoded");
}

#[test]
fn standard_webhooks_secret_without_prefix_as_plain_text() {
    let configured = "whsec_c2VjcmV0";
    let signing = format!("whsec_{}", to_b64(b"c2VjcmV0"));
    let v = failing(&Case {
        provider: ProviderId::StandardWebhooks,
        signing_secret: &signing,
        configured,
        ..Case::default()
    });
    assert_hint(&v, "minus its whsec_ prefix");
}

#[test]
fn body_newline_added_or_lost() {
    let v = failing(&Case {
        sent_body: b"{\"a\":1}\n",
        ..Case::default()
    });
    assert_hint(&v, "without its trailing newline");
    let v = failing(&Case {
        sent_body: b"{\"a\":1}\r\n",
        ..Case::default()
    });
    assert_hint(&v, "without its trailing CRLF");
    let v = failing(&Case {
        signed_body: b"{\"a\":1}\n",
        ..Case::default()
    });
    assert_hint(&v, "trailing \\n added");
    let v = failing(&Case {
        signed_body: b"{\"a\":1}\r\n",
        ..Case::default()
    });
    assert_hint(&v, "trailing \\r\\n added");
}

#[test]
fn body_reserialized_json() {
    let pretty = b"{\n  \"b\": 1,\n  \"a\": [\n    1\n  ]\n}";
    let compact = br#"{"b":1,"a":[1]}"#;
    let v = failing(&Case {
        signed_body: compact,
        sent_body: pretty,
        ..Case::default()
    });
    assert_hint(&v, "compact JSON");
    let v = failing(&Case {
        signed_body: pretty,
        sent_body: compact,
        ..Case::default()
    });
    assert_hint(&v, "2-space pretty JSON");
    let v = failing(&Case {
        signed_body: br#"{"a":[1],"b":1}"#,
        sent_body: compact,
        ..Case::default()
    });
    assert_hint(&v, "sorted keys");
}

#[test]
fn url_scheme_slash_and_port() {
    let base = Case {
        provider: ProviderId::Square,
        signing_secret: "sq",
        configured: "sq",
        ..Case::default()
    };
    let v = failing(&Case {
        signed_url: "https://inspector.example/hooks/x/",
        ..base
    });
    assert_hint(&v, "for URL https://inspector.example/hooks/x/:");
    let base = Case {
        provider: ProviderId::Square,
        signing_secret: "sq",
        configured: "sq",
        ..Case::default()
    };
    let v = failing(&Case {
        signed_url: "https://inspector.example:443/hooks/x",
        ..base
    });
    assert_hint(&v, "for URL https://inspector.example:443/hooks/x:");
    let twilio = Case {
        provider: ProviderId::Twilio,
        signing_secret: "tok",
        configured: "tok",
        signed_body: b"",
        sent_body: b"",
        ..Case::default()
    };
    let v = run(
        &Case {
            signed_url: "http://inspector.example/hooks/x",
            ..twilio
        },
        &[("Content-Type", "application/x-www-form-urlencoded")],
    );
    assert_eq!(v.status, Status::InvalidSignature);
    assert_hint(&v, "for URL http://inspector.example/hooks/x:");
}

#[test]
fn url_public_vs_request() {
    let v = failing(&Case {
        provider: ProviderId::Square,
        signing_secret: "sq",
        configured: "sq",
        public_url: Some("https://tunnel.example/hooks/x"),
        ..Case::default()
    });
    assert_hint(&v, "request's own URL");
    let v = failing(&Case {
        provider: ProviderId::Square,
        signing_secret: "sq",
        configured: "sq",
        signed_url: "https://tunnel.example/hooks/x/",
        public_url: Some("https://tunnel.example/hooks/x"),
        ..Case::default()
    });
    assert_hint(&v, "https://tunnel.example/hooks/x/");
    let ok = run(
        &Case {
            provider: ProviderId::Square,
            signing_secret: "sq",
            configured: "sq",
            signed_url: "https://tunnel.example/p",
            public_url: Some("https://tunnel.example/p"),
            ..Case::default()
        },
        &[],
    );
    assert_eq!(ok.status, Status::Valid, "{}", ok.detail);
}

#[test]
fn gitlab_token_prefix_and_whitespace() {
    for (sent, needle) in [
        ("Bearer glwh-1", "'Bearer ' prefix"),
        ("glwh-1 \n", "trimming whitespace"),
    ] {
        let h = [("X-Gitlab-Token".to_string(), sent.as_bytes().to_vec())];
        let req = RequestView {
            method: "POST",
            url: URL,
            headers: &h,
            body: b"",
        };
        let secrets = ["glwh-1".to_string()];
        let opts = VerifyOptions::new(&secrets, NOW);
        let v = verify(ProviderId::Gitlab, &req, &opts);
        assert_eq!(v.status, Status::InvalidSignature);
        assert_hint(&v, needle);
    }
}

#[test]
fn timestamp_in_milliseconds() {
    let v = run(
        &Case {
            provider: ProviderId::Slack,
            signed_at: NOW * 1000,
            ..Case::default()
        },
        &[],
    );
    assert_eq!(v.status, Status::Expired, "{}", v.detail);
    assert_hint(&v, "read as milliseconds");
}

#[test]
fn linear_timestamp_in_seconds() {
    let body = format!(r#"{{"webhookTimestamp":{NOW}}}"#);
    let v = run(
        &Case {
            provider: ProviderId::Linear,
            signed_body: body.as_bytes(),
            sent_body: body.as_bytes(),
            ..Case::default()
        },
        &[],
    );
    assert_eq!(v.status, Status::Expired, "{}", v.detail);
    assert_hint(&v, "read as seconds");
}

#[test]
fn no_hint_without_a_working_alternative() {
    let v = failing(&Case {
        signing_secret: "something-else",
        ..Case::default()
    });
    assert!(v.hints.is_empty(), "{:?}", v.hints);
    let v = run(
        &Case {
            provider: ProviderId::Slack,
            signed_at: NOW - 301,
            ..Case::default()
        },
        &[],
    );
    assert_eq!(v.status, Status::Expired);
    assert!(v.hints.is_empty(), "{:?}", v.hints);
}
