//! Stripe: `Stripe-Signature: t=<ts>,v1=<hex>[,v1=…]`, hex HMAC-SHA256 of `{t}.{body}` keyed
//! with the whole `whsec_…` string; the window only rejects old timestamps.

use super::mac::{self, HmacAlgorithm};
use super::report::{Ctx, Stamp, Verification, Window, finish_hmac_sha256_hex};
use super::request::{Fault, parse_unix, shown};
use super::sign::SignInput;

const HEADER: &str = "Stripe-Signature";

struct Parsed<'a> {
    t: &'a str,
    secs: i64,
    v1: Vec<Vec<u8>>,
}

fn parse<'a>(ctx: &Ctx<'a>, v: &mut Verification) -> Result<Parsed<'a>, Fault> {
    let [header] = ctx.req.require_all([HEADER])?;
    let mut t = None;
    let mut v1 = Vec::new();
    for item in header.split(',') {
        let Some((k, val)) = item.split_once('=') else {
            return Err(Fault::Malformed(format!(
                "{HEADER} item {} is not key=value",
                shown(item)
            )));
        };
        let (k, val) = (k.trim(), val.trim());
        v.field(k, val);
        match k {
            "t" if t.is_none() => t = Some(val),
            "v1" => {
                v.receive(format_args!("v1={val}"));
                let d = mac::hex_digest(val, 32).ok_or_else(|| {
                    Fault::Malformed(format!(
                        "v1 value {} is not 64 lowercase hex characters",
                        shown(val)
                    ))
                })?;
                v1.push(d);
            }
            _ => {}
        }
    }
    let t = t.ok_or_else(|| Fault::Malformed(format!("{HEADER} has no t= timestamp")))?;
    let secs = parse_unix(t)
        .ok_or_else(|| Fault::Malformed(format!("t={} is not integer unix seconds", shown(t))))?;
    if v1.is_empty() {
        return Err(Fault::Malformed(format!(
            "{HEADER} has no v1= signature (v0 is test-mode only and ignored)"
        )));
    }
    Ok(Parsed { t, secs, v1 })
}

fn signed_bytes(t: &str, body: &[u8]) -> Vec<u8> {
    [t.as_bytes(), b".", body].concat()
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
        || signed_bytes(p.t, ctx.req.body),
        &p.v1,
        "v1",
        Stamp::seconds(p.secs),
        Window::PastOnly,
    )
}

pub(crate) fn sign(secret: &str, input: &SignInput) -> Vec<(String, String)> {
    let t = input.now.to_string();
    let digest = mac::hmac(
        HmacAlgorithm::Sha256,
        secret.as_bytes(),
        &[&signed_bytes(&t, input.body)],
    );
    vec![(
        HEADER.to_string(),
        format!("t={t},v1={}", mac::to_hex(&digest)),
    )]
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check, headers};
    use super::super::{ProviderId, Status};
    use super::*;

    const SECRET: &str = "whsec_test_secret";

    fn header_for(t: i64, body: &[u8]) -> String {
        let d = mac::hmac(
            HmacAlgorithm::Sha256,
            SECRET.as_bytes(),
            &[&signed_bytes(&t.to_string(), body)],
        );
        format!("t={t},v1={}", mac::to_hex(&d))
    }

    fn status(header: &str, now: i64) -> Status {
        check(
            ProviderId::Stripe,
            &headers(&[(HEADER, header)]),
            b"{}",
            SECRET,
            now,
        )
        .status
    }

    #[test]
    fn past_only_window() {
        let h = header_for(1000, b"{}");
        assert_eq!(status(&h, 1300), Status::Valid);
        assert_eq!(status(&h, 1301), Status::Expired);
        assert_eq!(status(&h, 1), Status::Valid, "future timestamps pass");
    }

    #[test]
    fn rotation_and_v0() {
        let good = header_for(1000, b"{}");
        let v1 = good
            .split_once(",v1=")
            .map(|(_, v)| v.to_string())
            .unwrap_or_default();
        let rotated = format!("t=1000,v1={},v1={v1},v0=abc", "0".repeat(64));
        assert_eq!(status(&rotated, 1000), Status::Valid);
    }

    #[test]
    fn malformed_forms() {
        let good = header_for(1000, b"{}");
        let v1 = good
            .split_once(",v1=")
            .map(|(_, v)| v.to_string())
            .unwrap_or_default();
        for bad in [
            format!("v1={v1}"),
            "t=1000".to_string(),
            format!("t=1000,v1={}", v1.to_uppercase()),
            format!("t=1000,v1=sha256={v1}"),
            format!("t=abc,v1={v1}"),
            format!("t=1000;v1={v1}"),
            format!("t=1000,v0={v1}"),
        ] {
            assert_eq!(status(&bad, 1000), Status::MalformedHeader, "{bad}");
        }
        assert_eq!(
            status(&format!("t=1001,v1={v1}"), 1001),
            Status::InvalidSignature
        );
    }
}
