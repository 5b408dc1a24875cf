//! Square: base64 HMAC-SHA256 of `{notification URL}{body}` in `x-square-hmacsha256-signature`
//! (legacy subscriptions: SHA-1 in `x-square-signature`); no timestamp.

use super::mac::{self, HmacAlgorithm};
use super::provider::Status;
use super::report::{Ctx, Verification, Window, finish, try_macs};
use super::request::{Fault, shown, text};
use super::sign::SignInput;

const SHA256_HEADER: &str = "x-square-hmacsha256-signature";
const SHA1_HEADER: &str = "x-square-signature";

fn parse(ctx: &Ctx, v: &mut Verification) -> Result<(Vec<u8>, HmacAlgorithm), Fault> {
    let Some((name, raw)) = ctx.req.first_of(&[SHA256_HEADER, SHA1_HEADER]) else {
        return Err(Fault::Missing(format!(
            "required header {SHA256_HEADER} is missing"
        )));
    };
    let alg = if name == SHA256_HEADER {
        HmacAlgorithm::Sha256
    } else {
        HmacAlgorithm::Sha1
    };
    let sig = text(name, raw)?;
    v.field(name, sig);
    v.receive(sig);
    let digest = mac::b64_digest(sig, alg.output_len()).ok_or_else(|| {
        Fault::Malformed(format!(
            "{name} {} is not base64 of a {}-byte HMAC",
            shown(sig),
            alg.output_len()
        ))
    })?;
    Ok((digest, alg))
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let mut v = ctx.verdict();
    let (received, alg) = match parse(ctx, &mut v) {
        Ok(p) => p,
        Err(f) => return v.fault(f),
    };
    let signed = [ctx.url.as_bytes(), ctx.req.body].concat();
    v.set_signed(&signed);
    if ctx.req.body.is_empty() {
        v.note("the body is empty: the squareup Python SDK rejects such requests while the npm SDK accepts them");
    }
    let outcome = try_macs(
        ctx,
        &mut v,
        &[received],
        |key| mac::hmac(alg, key, &[&signed]),
        mac::to_b64,
    );
    let mut v = finish(ctx, v, outcome, "signature", None, Window::Symmetric);
    if v.status == Status::InvalidSignature {
        v.note("Square signs the notification URL exactly as registered (scheme, host, path, trailing slash): set the public URL if it differs");
    }
    v
}

pub(crate) fn sign(secret: &str, input: &SignInput) -> Vec<(String, String)> {
    let signed = [input.url.as_bytes(), input.body].concat();
    let d = mac::hmac(HmacAlgorithm::Sha256, secret.as_bytes(), &[&signed]);
    vec![(SHA256_HEADER.to_string(), mac::to_b64(&d))]
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check_url, headers};
    use super::super::{ProviderId, Status};
    use super::*;

    const URL: &str = "https://example.com/webhook";

    #[test]
    fn url_is_signed() {
        let body = br#"{"merchant_id":"M"}"#;
        let input = SignInput {
            url: URL,
            body,
            now: 0,
            message_id: "",
            content_type: None,
        };
        let (name, sig) = sign("key", &input).swap_remove(0);
        let h = headers(&[(&name, &sig)]);
        assert_eq!(
            check_url(ProviderId::Square, &h, body, "key", URL).status,
            Status::Valid
        );
        let other = check_url(
            ProviderId::Square,
            &h,
            body,
            "key",
            "https://example.com/webhook/",
        );
        assert_eq!(other.status, Status::InvalidSignature);
    }

    #[test]
    fn legacy_sha1_header() {
        let body = b"{}";
        let sig = mac::to_b64(&mac::hmac(
            HmacAlgorithm::Sha1,
            b"key",
            &[URL.as_bytes(), body],
        ));
        let h = headers(&[(SHA1_HEADER, &sig)]);
        assert_eq!(
            check_url(ProviderId::Square, &h, body, "key", URL).status,
            Status::Valid
        );
    }
}
