//! Shopify: base64 HMAC-SHA256 of the raw body in `X-Shopify-Hmac-Sha256` (Events deliveries:
//! `shopify-hmac-sha256`), plus the topic/shop/API-version/webhook-id headers the SDK requires.

use super::mac::{self, HmacAlgorithm};
use super::provider::Status;
use super::report::{Ctx, Verification, Window, finish, try_macs};
use super::request::{Fault, missing_sentence, shown, text};
use super::sign::SignInput;

const SIGNATURE: [&str; 2] = ["X-Shopify-Hmac-Sha256", "shopify-hmac-sha256"];
const REQUIRED: [[&str; 2]; 4] = [
    ["X-Shopify-Topic", "shopify-topic"],
    ["X-Shopify-Shop-Domain", "shopify-shop-domain"],
    ["X-Shopify-API-Version", "shopify-api-version"],
    ["X-Shopify-Webhook-Id", "shopify-webhook-id"],
];

fn parse(ctx: &Ctx, v: &mut Verification) -> Result<Vec<u8>, Fault> {
    let sig = ctx.req.first_of(&SIGNATURE);
    let mut missing = Vec::new();
    if sig.is_none() {
        missing.push(SIGNATURE[0]);
    }
    for names in REQUIRED {
        match ctx.req.first_of(&names) {
            Some((name, value)) => v.field(name, &String::from_utf8_lossy(value)),
            None => missing.push(names[0]),
        }
    }
    let Some((name, raw)) = sig.filter(|_| missing.is_empty()) else {
        return Err(Fault::Missing(missing_sentence(&missing)));
    };
    let value = text(name, raw)?;
    v.field(name, value);
    v.receive(value);
    mac::b64_digest(value, 32).ok_or_else(|| {
        Fault::Malformed(format!(
            "{name} {} is not base64 of a 32-byte HMAC-SHA256",
            shown(value)
        ))
    })
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let mut v = ctx.verdict();
    let received = match parse(ctx, &mut v) {
        Ok(r) => r,
        Err(f) => return v.fault(f),
    };
    let body = ctx.req.body;
    v.set_signed(body);
    if body.is_empty() {
        v.note("the body is empty: @shopify/shopify-api rejects such deliveries (MissingBody)");
    }
    let outcome = try_macs(
        ctx,
        &mut v,
        &[received],
        |key| mac::hmac(HmacAlgorithm::Sha256, key, &[body]),
        mac::to_b64,
    );
    let mut v = finish(ctx, v, outcome, "HMAC", None, Window::Symmetric);
    if v.status == Status::InvalidSignature {
        v.note("webhooks created by hand in the Shopify admin are signed with the store's notification secret, not the app's client secret");
    }
    v
}

/// What `@shopify/shopify-api` requires beside the HMAC, where the request
/// has none of its own (either spelling): the event as the topic, a test
/// shop, a recent API version and the message id as the webhook id.
pub(crate) fn companions(
    input: &SignInput,
    headers: &[(String, Vec<u8>)],
) -> Vec<(String, String)> {
    let topic = crate::classify::event_type(headers, input.body);
    let values = [
        topic.as_deref().unwrap_or("hookscope/sample"),
        "hookscope-test.myshopify.com",
        "2025-01",
        input.message_id,
    ];
    REQUIRED
        .iter()
        .zip(values)
        .filter(|(names, _)| {
            !headers
                .iter()
                .any(|(n, _)| names.iter().any(|name| n.eq_ignore_ascii_case(name)))
        })
        .map(|(names, value)| (names[0].to_owned(), value.to_owned()))
        .collect()
}

pub(crate) fn sign(secret: &str, input: &SignInput) -> Vec<(String, String)> {
    let d = mac::hmac(HmacAlgorithm::Sha256, secret.as_bytes(), &[input.body]);
    vec![(SIGNATURE[0].to_string(), mac::to_b64(&d))]
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check, headers};
    use super::super::{ProviderId, Status};
    use super::*;

    fn full(sig: &str, events: bool) -> Vec<(String, Vec<u8>)> {
        let pairs = vec![
            ("topic", "orders/create"),
            ("shop-domain", "a.myshopify.com"),
            ("api-version", "2024-10"),
            ("webhook-id", "w1"),
            ("hmac-sha256", sig),
        ];
        let named: Vec<(String, &str)> = pairs
            .into_iter()
            .map(|(n, v)| {
                (
                    if events {
                        format!("shopify-{n}")
                    } else {
                        format!("X-Shopify-{n}")
                    },
                    v,
                )
            })
            .collect();
        let refs: Vec<(&str, &str)> = named.iter().map(|(n, v)| (n.as_str(), *v)).collect();
        headers(&refs)
    }

    #[test]
    fn both_header_spellings() {
        let body = br#"{"id":1}"#;
        let sig = mac::to_b64(&mac::hmac(HmacAlgorithm::Sha256, b"shpss_x", &[body]));
        for events in [false, true] {
            let v = check(ProviderId::Shopify, &full(&sig, events), body, "shpss_x", 0);
            assert_eq!(v.status, Status::Valid, "{}", v.detail);
        }
    }

    #[test]
    fn required_headers_and_format() {
        let h = headers(&[("X-Shopify-Hmac-Sha256", "abc=")]);
        let v = check(ProviderId::Shopify, &h, b"{}", "s", 0);
        assert_eq!(v.status, Status::MissingHeader);
        assert!(v.detail.contains("X-Shopify-Topic"), "{}", v.detail);
        let hex = "91d873d89f9ecea6e5d896ddad943bb0d776da6c5337ad7303d742a1ba08b22e";
        assert_eq!(
            check(ProviderId::Shopify, &full(hex, false), b"{}", "s", 0).status,
            Status::MalformedHeader
        );
    }
}
