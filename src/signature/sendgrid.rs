//! SendGrid Event Webhook: base64 DER ECDSA P-256/SHA-256 signature over timestamp header + body,
//! checked with the base64 SPKI public key from Mail Settings; no window.

use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey};

use super::mac;
use super::report::{Ctx, KeyResult, Stamp, Verification, Window, finish, try_keys};
use super::request::{Fault, parse_unix, shown};
use super::sign::{SignError, SignInput};

const SIGNATURE: &str = "X-Twilio-Email-Event-Webhook-Signature";
const TIMESTAMP: &str = "X-Twilio-Email-Event-Webhook-Timestamp";

/// DER bytes of a key given as base64, with or without PEM armour and line breaks.
fn der_from_text(secret: &str) -> Option<Vec<u8>> {
    let b64: String = secret
        .lines()
        .filter(|l| !l.trim_start().starts_with("-----"))
        .flat_map(|l| l.split_whitespace())
        .collect();
    mac::b64_lenient(&b64).filter(|d| !d.is_empty())
}

/// Key bytes: the SPKI DER of the verification key.
pub(crate) fn key(secret: &str) -> Result<Vec<u8>, String> {
    let der = der_from_text(secret).ok_or_else(|| "not a base64 SPKI public key".to_string())?;
    VerifyingKey::from_public_key_der(&der)
        .map_err(|_| "not a P-256 public key (base64 SPKI DER)".to_string())?;
    Ok(der)
}

fn parse(ctx: &Ctx, v: &mut Verification) -> Result<(Signature, String, i64), Fault> {
    let [sig, ts] = ctx.req.require_all([SIGNATURE, TIMESTAMP])?;
    v.field("timestamp", ts);
    v.field(SIGNATURE, sig);
    v.receive(sig);
    let signature = mac::b64_strict(sig)
        .and_then(|der| Signature::from_der(&der).ok())
        .ok_or_else(|| {
            Fault::Malformed(format!(
                "{SIGNATURE} {} is not a base64 DER ECDSA signature",
                shown(sig)
            ))
        })?;
    let secs = parse_unix(ts).ok_or_else(|| {
        Fault::Malformed(format!(
            "{TIMESTAMP} must be integer unix seconds, got {}",
            shown(ts)
        ))
    })?;
    Ok((signature, ts.to_string(), secs))
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let mut v = ctx.verdict();
    let (signature, ts, secs) = match parse(ctx, &mut v) {
        Ok(p) => p,
        Err(f) => return v.fault(f),
    };
    let signed = [ts.as_bytes(), ctx.req.body].concat();
    v.set_signed(&signed);
    let outcome = try_keys(ctx, &mut v, |der| {
        let public = VerifyingKey::from_public_key_der(der)
            .map_err(|_| "not a P-256 SPKI public key".to_string())?;
        Ok(KeyResult {
            matched: public.verify(&signed, &signature).is_ok(),
            expected: None,
        })
    });
    finish(
        ctx,
        v,
        outcome,
        "ECDSA signature",
        Some(Stamp::seconds(secs)),
        Window::Symmetric,
    )
}

/// Signs with a P-256 private key given as base64 PKCS#8 DER (PEM accepted).
pub(crate) fn sign(secret: &str, input: &SignInput) -> Result<Vec<(String, String)>, SignError> {
    let bad = |reason: &str| SignError::BadKey {
        expected: "P-256 private key (base64 PKCS#8 DER)",
        reason: reason.to_string(),
    };
    let der = der_from_text(secret).ok_or_else(|| bad("not base64"))?;
    let key = SigningKey::from_pkcs8_der(&der).map_err(|_| bad("not a PKCS#8 P-256 key"))?;
    let ts = input.now.to_string();
    let signature: Signature = key.sign(&[ts.as_bytes(), input.body].concat());
    Ok(vec![
        (TIMESTAMP.to_string(), ts),
        (
            SIGNATURE.to_string(),
            mac::to_b64(signature.to_der().as_bytes()),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check, headers};
    use super::super::{ProviderId, Status};
    use super::*;

    const SPEC_KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
    const SPEC_SIG: &str = "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=";
    const SPEC_BODY: &str = "[{\"email\":\"hello@world.com\",\"event\":\"dropped\",\"reason\":\"Bounced Address\",\"sg_event_id\":\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\",\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\",\"smtp-id\":\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>\",\"timestamp\":1600112492}]\r\n";

    fn spec(body: &str, key: &str) -> Status {
        let h = headers(&[(TIMESTAMP, "1600112502"), (SIGNATURE, SPEC_SIG)]);
        check(ProviderId::Sendgrid, &h, body.as_bytes(), key, 1600112502).status
    }

    #[test]
    fn published_spec_vector() {
        assert_eq!(spec(SPEC_BODY, SPEC_KEY), Status::Valid);
        let pem = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n{}\n-----END PUBLIC KEY-----\n",
            &SPEC_KEY[..64],
            &SPEC_KEY[64..]
        );
        assert_eq!(spec(SPEC_BODY, &pem), Status::Valid);
        assert_eq!(
            spec(SPEC_BODY.trim_end(), SPEC_KEY),
            Status::InvalidSignature,
            "the CRLF is signed"
        );
        assert_eq!(spec(SPEC_BODY, "bm90IGEga2V5"), Status::InvalidSignature);
    }
}
