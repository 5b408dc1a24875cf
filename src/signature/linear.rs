//! Linear: hex HMAC-SHA256 of the body in `Linear-Signature` (no prefix); freshness comes from
//! the signed body's `webhookTimestamp` (unix milliseconds), within ±60 s.

use super::mac::{self, HmacAlgorithm};
use super::report::{Ctx, Stamp, Verification, Window, finish, try_macs};
use super::request::{Fault, shown};
use super::sign::SignInput;

const HEADER: &str = "Linear-Signature";

/// The body's `webhookTimestamp`: `None` when absent (or the body is not a JSON object),
/// `Some(Err(text))` when present but not an integer.
pub(crate) fn body_timestamp(body: &[u8]) -> Option<Result<i64, String>> {
    let event: serde_json::Value = serde_json::from_slice(body).ok()?;
    let ts = event.as_object()?.get("webhookTimestamp")?;
    Some(ts.as_i64().ok_or_else(|| ts.to_string()))
}

fn parse(ctx: &Ctx, v: &mut Verification) -> Result<(Vec<u8>, i64), Fault> {
    let [sig] = ctx.req.require_all([HEADER])?;
    v.field(HEADER, sig);
    v.receive(sig);
    let Some(ts) = body_timestamp(ctx.req.body) else {
        return Err(Fault::Missing(
            "the body has no webhookTimestamp field, which Linear's freshness check needs"
                .to_string(),
        ));
    };
    let digest = mac::hex_digest(sig, 32).ok_or_else(|| {
        Fault::Malformed(format!(
            "{HEADER} {} is not 64 lowercase hex characters (Linear sends no prefix)",
            shown(sig)
        ))
    })?;
    let ms = ts.map_err(|t| {
        Fault::Malformed(format!(
            "webhookTimestamp {} is not integer milliseconds",
            shown(&t)
        ))
    })?;
    v.field("webhookTimestamp", &ms.to_string());
    Ok((digest, ms))
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let mut v = ctx.verdict();
    let (received, ms) = match parse(ctx, &mut v) {
        Ok(p) => p,
        Err(f) => return v.fault(f),
    };
    let body = ctx.req.body;
    v.set_signed(body);
    let outcome = try_macs(
        ctx,
        &mut v,
        &[received],
        |key| mac::hmac(HmacAlgorithm::Sha256, key, &[body]),
        mac::to_hex,
    );
    let stamp = Stamp {
        unix_ms: i128::from(ms),
    };
    finish(ctx, v, outcome, "signature", Some(stamp), Window::Symmetric)
}

/// Signs the body as is: its `webhookTimestamp` is part of it and is not rewritten.
pub(crate) fn sign(secret: &str, input: &SignInput) -> Vec<(String, String)> {
    let d = mac::hmac(HmacAlgorithm::Sha256, secret.as_bytes(), &[input.body]);
    vec![(HEADER.to_string(), mac::to_hex(&d))]
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check, headers};
    use super::super::{ProviderId, Status};
    use super::*;

    fn status(body: &str, now: i64) -> Status {
        let input = SignInput {
            url: "",
            body: body.as_bytes(),
            now,
            message_id: "",
            content_type: None,
        };
        let (name, sig) = sign("lin_wh_x", &input).swap_remove(0);
        check(
            ProviderId::Linear,
            &headers(&[(&name, &sig)]),
            body.as_bytes(),
            "lin_wh_x",
            now,
        )
        .status
    }

    #[test]
    fn millisecond_window() {
        let body = r#"{"action":"create","webhookTimestamp":1736856000000}"#;
        assert_eq!(status(body, 1736856060), Status::Valid);
        assert_eq!(status(body, 1736856061), Status::Expired);
        assert_eq!(status(body, 1736855940), Status::Valid);
        assert_eq!(status(body, 1736855939), Status::Expired);
    }

    #[test]
    fn timestamp_must_be_present_and_integer() {
        assert_eq!(status(r#"{"action":"create"}"#, 0), Status::MissingHeader);
        assert_eq!(status("", 0), Status::MissingHeader);
        assert_eq!(
            status(r#"{"webhookTimestamp":"soon"}"#, 0),
            Status::MalformedHeader
        );
        assert_eq!(
            status(r#"{"webhookTimestamp":1.5}"#, 0),
            Status::MalformedHeader
        );
    }
}
