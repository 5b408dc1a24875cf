//! Slack and Zoom, which share one scheme: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`
//! with a timestamp header; plus Zoom's `endpoint.url_validation` answer.

use super::mac::{self, HmacAlgorithm};
use super::provider::{ProviderId, Status};
use super::report::{Ctx, HandshakeResponse, Stamp, Verification, Window, finish_hmac_sha256_hex};
use super::request::{Fault, parse_unix, shown};
use super::sign::SignInput;

struct Spec {
    signature: &'static str,
    timestamp: &'static str,
}

fn spec(provider: ProviderId) -> Spec {
    match provider {
        ProviderId::Slack => Spec {
            signature: "X-Slack-Signature",
            timestamp: "X-Slack-Request-Timestamp",
        },
        _ => Spec {
            signature: "x-zm-signature",
            timestamp: "x-zm-request-timestamp",
        },
    }
}

fn signed_bytes(ts: &str, body: &[u8]) -> Vec<u8> {
    [b"v0:", ts.as_bytes(), b":", body].concat()
}

fn parse(ctx: &Ctx, spec: &Spec, v: &mut Verification) -> Result<(Vec<u8>, String, i64), Fault> {
    let [sig, ts] = ctx.req.require_all([spec.signature, spec.timestamp])?;
    v.field("timestamp", ts);
    v.field(spec.signature, sig);
    v.receive(sig);
    let hex = sig.strip_prefix("v0=").ok_or_else(|| {
        Fault::Malformed(format!(
            "{} must start with v0=, got {}",
            spec.signature,
            shown(sig)
        ))
    })?;
    let digest = mac::hex_digest(hex, 32).ok_or_else(|| {
        Fault::Malformed(format!(
            "{} digest is not 64 lowercase hex characters",
            spec.signature
        ))
    })?;
    let secs = parse_unix(ts).ok_or_else(|| {
        Fault::Malformed(format!(
            "{} must be integer unix seconds, got {}",
            spec.timestamp,
            shown(ts)
        ))
    })?;
    Ok((digest, ts.to_string(), secs))
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let spec = spec(ctx.provider);
    let mut v = ctx.verdict();
    let (received, ts, secs) = match parse(ctx, &spec, &mut v) {
        Ok(p) => p,
        Err(f) => return v.fault(f),
    };
    let mut v = finish_hmac_sha256_hex(
        ctx,
        v,
        || signed_bytes(&ts, ctx.req.body),
        &[received],
        "v0",
        Stamp::seconds(secs),
        Window::Symmetric,
    );
    if v.status == Status::Valid {
        v.handshake = match ctx.provider {
            ProviderId::Zoom => zoom_validation(ctx, &v),
            _ => slack_challenge(ctx.req.body),
        };
    }
    v
}

/// For `endpoint.url_validation`: `{"plainToken": p, "encryptedToken": hex(HMAC(secret, p))}`,
/// keyed with the secret that verified the request.
fn zoom_validation(ctx: &Ctx, v: &Verification) -> Option<HandshakeResponse> {
    let event: serde_json::Value = serde_json::from_slice(ctx.req.body).ok()?;
    if event.get("event")?.as_str()? != "endpoint.url_validation" {
        return None;
    }
    let plain = event.get("payload")?.get("plainToken")?.as_str()?;
    let key = ctx.keys.get(v.matched_key?)?.material.as_ref().ok()?;
    let encrypted = mac::to_hex(&mac::hmac(HmacAlgorithm::Sha256, key, &[plain.as_bytes()]));
    let plain_json = serde_json::Value::from(plain).to_string();
    Some(HandshakeResponse {
        status: 200,
        content_type: "application/json".to_string(),
        body: format!(r#"{{"plainToken":{plain_json},"encryptedToken":"{encrypted}"}}"#),
    })
}

/// Slack's `url_verification` must be answered with its `challenge`.
fn slack_challenge(body: &[u8]) -> Option<HandshakeResponse> {
    let event: serde_json::Value = serde_json::from_slice(body).ok()?;
    if event.get("type")?.as_str()? != "url_verification" {
        return None;
    }
    Some(HandshakeResponse {
        status: 200,
        content_type: "text/plain".to_string(),
        body: event.get("challenge")?.as_str()?.to_string(),
    })
}

pub(crate) fn sign(provider: ProviderId, secret: &str, input: &SignInput) -> Vec<(String, String)> {
    let spec = spec(provider);
    let ts = input.now.to_string();
    let d = mac::hmac(
        HmacAlgorithm::Sha256,
        secret.as_bytes(),
        &[&signed_bytes(&ts, input.body)],
    );
    vec![
        (spec.timestamp.to_string(), ts),
        (
            spec.signature.to_string(),
            format!("v0={}", mac::to_hex(&d)),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check, headers};
    use super::super::{ProviderId, Status};

    const DOCS_BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    fn slack(sig: &str, now: i64) -> Status {
        let h = headers(&[
            ("X-Slack-Request-Timestamp", "1531420618"),
            ("X-Slack-Signature", sig),
        ]);
        check(
            ProviderId::Slack,
            &h,
            DOCS_BODY,
            "8f742231b10e8888abcd99yyyzzz85a5",
            now,
        )
        .status
    }

    #[test]
    fn slack_docs_vector() {
        let sig = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
        assert_eq!(slack(sig, 1531420618), Status::Valid);
        assert_eq!(slack(sig, 1531420918), Status::Valid);
        assert_eq!(slack(sig, 1531420919), Status::Expired);
        assert_eq!(
            slack(&sig.replace("v0=", "v1="), 1531420618),
            Status::MalformedHeader
        );
    }

    #[test]
    fn zoom_handshake_and_no_window() {
        let body = br#"{"payload":{"plainToken":"Q1QnCacSY1WFgaHiAD4JLV"},"event_ts":1736769637007,"event":"endpoint.url_validation"}"#;
        let h = headers(&[
            ("x-zm-request-timestamp", "1736769637"),
            (
                "x-zm-signature",
                "v0=004f998702caf357036f55db9bb94db034825e68aaaf53ab37b19e8a45a7cdeb",
            ),
        ]);
        let v = check(
            ProviderId::Zoom,
            &h,
            body,
            "5nzh3vuQ0O6vYO5egUnvCq",
            1736769637 + 86_400,
        );
        assert_eq!(v.status, Status::Valid, "{}", v.detail);
        let hs = v.handshake.expect("url_validation answer");
        assert_eq!(
            hs.body,
            r#"{"plainToken":"Q1QnCacSY1WFgaHiAD4JLV","encryptedToken":"207b53db397becee4c057df318628535b5e82268f0c2f540b13628b81306d013"}"#
        );
    }
}
