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
/// Linear's timestamp is in the signed body: a body re-signed `now` (unix
/// seconds) gets `now` as its `webhookTimestamp`, the digits replaced in
/// place so nothing else in the body changes. A body without one cannot
/// be made fresh, and is refused with what to add.
pub fn refresh_timestamp(body: &[u8], now: i64) -> Result<Vec<u8>, String> {
    let current = match body_timestamp(body) {
        Some(Ok(ms)) => ms.to_string(),
        Some(Err(text)) => {
            return Err(format!(
                "Linear signs the body's webhookTimestamp, and this one ({}) is not integer \
                 milliseconds",
                shown(&text)
            ));
        }
        None => {
            return Err(
                "Linear signs the body's webhookTimestamp (unix milliseconds), and \
                        this body has none: add \"webhookTimestamp\": 0 to the JSON object, \
                        and re-signing sets it"
                    .to_owned(),
            );
        }
    };
    const KEY: &[u8] = b"\"webhookTimestamp\"";
    let mut from = 0;
    while let Some(at) = body[from..].windows(KEY.len()).position(|w| w == KEY) {
        let mut i = from + at + KEY.len();
        let skip = |i: &mut usize| {
            while body.get(*i).is_some_and(u8::is_ascii_whitespace) {
                *i += 1;
            }
        };
        skip(&mut i);
        if body.get(i) == Some(&b':') {
            i += 1;
            skip(&mut i);
            let digits = body[i..]
                .iter()
                .take_while(|b| b.is_ascii_digit() || **b == b'-')
                .count();
            if body[i..i + digits] == *current.as_bytes() {
                let mut out = body[..i].to_vec();
                out.extend_from_slice((now * 1000).to_string().as_bytes());
                out.extend_from_slice(&body[i + digits..]);
                return Ok(out);
            }
        }
        from += at + KEY.len();
    }
    Err("Linear's webhookTimestamp could not be found in the body's text to update".to_owned())
}

pub(crate) fn sign(secret: &str, input: &SignInput) -> Vec<(String, String)> {
    let d = mac::hmac(HmacAlgorithm::Sha256, secret.as_bytes(), &[input.body]);
    vec![(HEADER.to_string(), mac::to_hex(&d))]
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check, headers};
    use super::super::{ProviderId, Status};
    use super::*;

    #[test]
    fn re_signing_sets_the_body_timestamp_in_place() {
        let body = b"{\n  \"data\": {\"webhookTimestamp\": 5},\n  \"webhookTimestamp\" : 1700000000000,\n  \"x\": 1\n}";
        let fresh = refresh_timestamp(body, 1_800_000_000).expect("refreshed");
        assert_eq!(
            String::from_utf8(fresh).unwrap(),
            "{\n  \"data\": {\"webhookTimestamp\": 5},\n  \"webhookTimestamp\" : 1800000000000,\n  \"x\": 1\n}",
            "only the top-level digits change"
        );
        let e = refresh_timestamp(br#"{"type":"Issue"}"#, 1).unwrap_err();
        assert!(e.contains("add \"webhookTimestamp\""), "{e}");
        assert!(refresh_timestamp(br#"{"webhookTimestamp":"soon"}"#, 1).is_err());
    }

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
