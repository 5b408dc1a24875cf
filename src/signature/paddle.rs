//! Paddle Billing: `Paddle-Signature: ts=<ts>;h1=<hex>[;h1=…]`, hex HMAC-SHA256 of
//! `{ts}:{body}` keyed with the `pdl_ntfset_…` secret, within ±5 s.

use super::mac::{self, HmacAlgorithm};
use super::report::{Ctx, Stamp, Verification, Window, finish_hmac_sha256_hex};
use super::request::{Fault, parse_unix, shown};
use super::sign::SignInput;

const HEADER: &str = "Paddle-Signature";

struct Parsed {
    ts: String,
    secs: i64,
    h1: Vec<Vec<u8>>,
}

fn parse(ctx: &Ctx, v: &mut Verification) -> Result<Parsed, Fault> {
    let [header] = ctx.req.require_all([HEADER])?;
    let mut ts = None;
    let mut h1 = Vec::new();
    for item in header.split(';') {
        let Some((k, val)) = item.split_once('=') else {
            return Err(Fault::Malformed(format!(
                "{HEADER} item {} is not key=value",
                shown(item)
            )));
        };
        let (k, val) = (k.trim(), val.trim());
        v.field(k, val);
        match k {
            "ts" if ts.is_none() => ts = Some(val),
            "h1" => {
                v.receive(format_args!("h1={val}"));
                h1.push(mac::hex_digest(val, 32).ok_or_else(|| {
                    Fault::Malformed(format!(
                        "h1 value {} is not 64 lowercase hex characters",
                        shown(val)
                    ))
                })?);
            }
            _ => {}
        }
    }
    let ts = ts.ok_or_else(|| Fault::Malformed(format!("{HEADER} has no ts= timestamp")))?;
    let secs = parse_unix(ts)
        .ok_or_else(|| Fault::Malformed(format!("ts={} is not integer unix seconds", shown(ts))))?;
    if h1.is_empty() {
        return Err(Fault::Malformed(format!("{HEADER} has no h1= signature")));
    }
    Ok(Parsed {
        ts: ts.to_string(),
        secs,
        h1,
    })
}

fn signed_bytes(ts: &str, body: &[u8]) -> Vec<u8> {
    [ts.as_bytes(), b":", body].concat()
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let mut v = ctx.verdict();
    let p = match parse(ctx, &mut v) {
        Ok(p) => p,
        Err(f) => return v.fault(f),
    };
    finish_hmac_sha256_hex(
        ctx,
        v,
        || signed_bytes(&p.ts, ctx.req.body),
        &p.h1,
        "h1",
        Stamp::seconds(p.secs),
        Window::Symmetric,
    )
}

pub(crate) fn sign(secret: &str, input: &SignInput) -> Vec<(String, String)> {
    let ts = input.now.to_string();
    let d = mac::hmac(
        HmacAlgorithm::Sha256,
        secret.as_bytes(),
        &[&signed_bytes(&ts, input.body)],
    );
    vec![(
        HEADER.to_string(),
        format!("ts={ts};h1={}", mac::to_hex(&d)),
    )]
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check, headers};
    use super::super::{ProviderId, Status};
    use super::*;

    const SECRET: &str = "pdl_ntfset_01_test";

    fn status(header: &str, now: i64) -> Status {
        check(
            ProviderId::Paddle,
            &headers(&[(HEADER, header)]),
            b"{}",
            SECRET,
            now,
        )
        .status
    }

    #[test]
    fn five_second_window_both_ways() {
        let input = SignInput {
            url: "",
            body: b"{}",
            now: 100,
            message_id: "",
            content_type: None,
        };
        let h = sign(SECRET, &input).swap_remove(0).1;
        assert_eq!(status(&h, 105), Status::Valid);
        assert_eq!(status(&h, 106), Status::Expired);
        assert_eq!(status(&h, 95), Status::Valid);
        assert_eq!(status(&h, 94), Status::Expired);
    }

    #[test]
    fn rotation_and_format() {
        let input = SignInput {
            url: "",
            body: b"{}",
            now: 100,
            message_id: "",
            content_type: None,
        };
        let h = sign(SECRET, &input).swap_remove(0).1;
        let h1 = h
            .split_once(";h1=")
            .map(|(_, s)| s.to_string())
            .unwrap_or_default();
        assert_eq!(
            status(&format!("ts=100;h1={};h1={h1}", "a".repeat(64)), 100),
            Status::Valid
        );
        assert_eq!(
            status(&format!("ts=100,h1={h1}"), 100),
            Status::MalformedHeader
        );
        assert_eq!(status(&format!("h1={h1}"), 100), Status::MalformedHeader);
        assert_eq!(status("ts=100", 100), Status::MalformedHeader);
    }
}
