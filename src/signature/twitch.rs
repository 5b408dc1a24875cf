//! Twitch EventSub (webhook transport): `sha256=` + hex HMAC-SHA256 of message id + RFC 3339
//! timestamp (as sent) + body, within ±600 s; plus the callback-verification challenge answer.

use super::mac::{self, HmacAlgorithm};
use super::provider::Status;
use super::report::{Ctx, HandshakeResponse, Stamp, Verification, Window, finish_hmac_sha256_hex};
use super::request::{Fault, shown};
use super::sign::{SignError, SignInput};

const ID: &str = "Twitch-Eventsub-Message-Id";
const TIMESTAMP: &str = "Twitch-Eventsub-Message-Timestamp";
const SIGNATURE: &str = "Twitch-Eventsub-Message-Signature";
const TYPE: &str = "Twitch-Eventsub-Message-Type";

fn parse(ctx: &Ctx, v: &mut Verification) -> Result<(Vec<u8>, Vec<u8>, Stamp), Fault> {
    let [sig, id, ts] = ctx.req.require_all([SIGNATURE, ID, TIMESTAMP])?;
    v.field("id", id);
    v.field("timestamp", ts);
    v.field(SIGNATURE, sig);
    v.receive(sig);
    let hex = sig.strip_prefix("sha256=").ok_or_else(|| {
        Fault::Malformed(format!(
            "{SIGNATURE} must start with sha256=, got {}",
            shown(sig)
        ))
    })?;
    let digest = mac::hex_digest(hex, 32).ok_or_else(|| {
        Fault::Malformed(format!(
            "{SIGNATURE} digest is not 64 lowercase hex characters"
        ))
    })?;
    let when: jiff::Timestamp = ts.parse().map_err(|_| {
        Fault::Malformed(format!(
            "{TIMESTAMP} {} is not an RFC 3339 timestamp",
            shown(ts)
        ))
    })?;
    let stamp = Stamp {
        unix_ms: when.as_nanosecond().div_euclid(1_000_000),
    };
    let signed = [id.as_bytes(), ts.as_bytes(), ctx.req.body].concat();
    Ok((digest, signed, stamp))
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let mut v = ctx.verdict();
    let (received, signed, stamp) = match parse(ctx, &mut v) {
        Ok(p) => p,
        Err(f) => return v.fault(f),
    };
    let mut v = finish_hmac_sha256_hex(
        ctx,
        v,
        || signed,
        &[received],
        "sha256",
        stamp,
        Window::Symmetric,
    );
    if v.status == Status::Valid {
        v.handshake = challenge_answer(ctx);
    }
    v
}

/// `webhook_callback_verification` must be answered 200 with the raw challenge as text/plain.
fn challenge_answer(ctx: &Ctx) -> Option<HandshakeResponse> {
    if ctx.req.header_text(TYPE)? != "webhook_callback_verification" {
        return None;
    }
    let event: serde_json::Value = serde_json::from_slice(ctx.req.body).ok()?;
    Some(HandshakeResponse {
        status: 200,
        content_type: "text/plain".to_string(),
        body: event.get("challenge")?.as_str()?.to_string(),
    })
}

pub(crate) fn sign(secret: &str, input: &SignInput) -> Result<Vec<(String, String)>, SignError> {
    let ts = jiff::Timestamp::from_second(input.now)
        .map_err(|e| SignError::Request(format!("cannot write {} as RFC 3339: {e}", input.now)))?
        .to_string();
    let signed = [input.message_id.as_bytes(), ts.as_bytes(), input.body].concat();
    let d = mac::hmac(HmacAlgorithm::Sha256, secret.as_bytes(), &[&signed]);
    Ok(vec![
        (ID.to_string(), input.message_id.to_string()),
        (TIMESTAMP.to_string(), ts),
        (SIGNATURE.to_string(), format!("sha256={}", mac::to_hex(&d))),
    ])
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check, headers};
    use super::super::{ProviderId, Status};
    use super::*;

    fn status(ts: &str, now: i64) -> Status {
        let signed = [b"m1".as_slice(), ts.as_bytes(), b"{}"].concat();
        let d = mac::hmac(HmacAlgorithm::Sha256, b"twitch-secret-123", &[&signed]);
        let sig = format!("sha256={}", mac::to_hex(&d));
        let h = headers(&[(ID, "m1"), (TIMESTAMP, ts), (SIGNATURE, &sig)]);
        check(ProviderId::Twitch, &h, b"{}", "twitch-secret-123", now).status
    }

    #[test]
    fn nanosecond_timestamps_and_window() {
        let ts = "2025-01-19T11:50:00.123456789Z";
        let at = 1737287400;
        assert_eq!(status(ts, at + 600), Status::Valid);
        assert_eq!(status(ts, at + 601), Status::Expired);
        assert_eq!(status(ts, at - 599), Status::Valid);
        assert_eq!(status("1737287400", at), Status::MalformedHeader);
    }
}
