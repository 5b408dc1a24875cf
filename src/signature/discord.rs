//! Discord interactions and webhook events: hex Ed25519 signature in `X-Signature-Ed25519` over
//! `X-Signature-Timestamp` + body, checked with the application's public key; no window.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::provider::Status;
use super::report::{
    Ctx, HandshakeResponse, KeyResult, Stamp, Verification, Window, finish, try_keys,
};
use super::request::{Fault, parse_unix, shown};
use super::sign::{SignError, SignInput};

const SIGNATURE: &str = "X-Signature-Ed25519";
const TIMESTAMP: &str = "X-Signature-Timestamp";

fn hex_bytes<const N: usize>(text: &str) -> Option<[u8; N]> {
    let bytes = hex::decode(text.trim()).ok()?;
    bytes.try_into().ok()
}

/// Key bytes: the application's 32-byte public key, from 64 hex characters.
pub(crate) fn key(secret: &str) -> Result<Vec<u8>, String> {
    hex_bytes::<32>(secret)
        .map(|k| k.to_vec())
        .ok_or_else(|| "not a 64-hex-character Ed25519 public key".to_string())
}

fn parse(ctx: &Ctx, v: &mut Verification) -> Result<(Signature, String, i64), Fault> {
    let [sig, ts] = ctx.req.require_all([SIGNATURE, TIMESTAMP])?;
    v.field("timestamp", ts);
    v.field(SIGNATURE, sig);
    v.receive(sig);
    let bytes = hex_bytes::<64>(sig).ok_or_else(|| {
        Fault::Malformed(format!(
            "{SIGNATURE} is not 128 hex characters (a 64-byte Ed25519 signature), got {} characters",
            sig.len()
        ))
    })?;
    let secs = parse_unix(ts).ok_or_else(|| {
        Fault::Malformed(format!(
            "{TIMESTAMP} must be integer unix seconds, got {}",
            shown(ts)
        ))
    })?;
    Ok((Signature::from_bytes(&bytes), ts.to_string(), secs))
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let mut v = ctx.verdict();
    let (signature, ts, secs) = match parse(ctx, &mut v) {
        Ok(p) => p,
        Err(f) => return v.fault(f),
    };
    let signed = [ts.as_bytes(), ctx.req.body].concat();
    v.set_signed(&signed);
    let outcome = try_keys(ctx, &mut v, |key| {
        let bytes: [u8; 32] = key
            .try_into()
            .map_err(|_| "not a 32-byte public key".to_string())?;
        let public = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| "not a valid Ed25519 public key".to_string())?;
        Ok(KeyResult {
            matched: public.verify_strict(&signed, &signature).is_ok(),
            expected: None,
        })
    });
    let mut v = finish(
        ctx,
        v,
        outcome,
        "Ed25519 signature",
        Some(Stamp::seconds(secs)),
        Window::Symmetric,
    );
    if v.status == Status::Valid {
        v.handshake = ping_answer(ctx.req.body);
    }
    if v.status == Status::InvalidSignature {
        v.note("Discord deliberately sends bad signatures to check that the endpoint answers 401");
        v.handshake = Some(HandshakeResponse {
            status: 401,
            content_type: "text/plain".to_string(),
            body: "invalid request signature".to_string(),
        });
    }
    v
}

/// A PING (`"type": 1`) must be answered `{"type":1}`.
fn ping_answer(body: &[u8]) -> Option<HandshakeResponse> {
    let event: serde_json::Value = serde_json::from_slice(body).ok()?;
    (event.get("type")?.as_i64()? == 1).then(|| HandshakeResponse {
        status: 200,
        content_type: "application/json".to_string(),
        body: r#"{"type":1}"#.to_string(),
    })
}

/// Signs with an Ed25519 private key: 64 hex characters (seed) or 128 (seed + public key).
pub(crate) fn sign(secret: &str, input: &SignInput) -> Result<Vec<(String, String)>, SignError> {
    let bad = |reason: &str| SignError::BadKey {
        expected: "Ed25519 private key (64 hex characters)",
        reason: reason.to_string(),
    };
    let bytes = hex::decode(secret.trim()).map_err(|_| bad("not hex"))?;
    let seed: [u8; 32] = match bytes.len() {
        32 | 64 => bytes[..32].try_into().map_err(|_| bad("wrong length"))?,
        _ => {
            return Err(bad(
                "a private key has 32 bytes (or 64 with the public key)",
            ));
        }
    };
    let signing = SigningKey::from_bytes(&seed);
    if bytes.len() == 64 && bytes[32..] != signing.verifying_key().to_bytes() {
        return Err(bad("the public half does not belong to the private half"));
    }
    let ts = input.now.to_string();
    let sig = signing.sign(&[ts.as_bytes(), input.body].concat());
    Ok(vec![
        (TIMESTAMP.to_string(), ts),
        (SIGNATURE.to_string(), hex::encode(sig.to_bytes())),
    ])
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check, headers};
    use super::super::{ProviderId, Status};
    use super::*;

    /// RFC 8032 section 7.1, test 1: empty message.
    const RFC_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const RFC_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    #[test]
    fn rfc8032_key_pair_signs_and_verifies() {
        let input = SignInput {
            url: "",
            body: br#"{"type":1}"#,
            now: 1_700_000_000,
            message_id: "",
            content_type: None,
        };
        let signed = sign(RFC_SEED, &input).expect("sign");
        let pairs: Vec<(&str, &str)> = signed
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let v = check(
            ProviderId::Discord,
            &headers(&pairs),
            input.body,
            RFC_PUBLIC,
            input.now + 999_999,
        );
        assert_eq!(v.status, Status::Valid, "{}", v.detail);
        assert_eq!(
            v.handshake.map(|h| h.body).as_deref(),
            Some(r#"{"type":1}"#)
        );
        assert!(!v.notes.is_empty(), "stale timestamp is noted");
        let v = check(
            ProviderId::Discord,
            &headers(&pairs),
            b"{}",
            RFC_PUBLIC,
            input.now,
        );
        assert_eq!(v.status, Status::InvalidSignature);
    }

    #[test]
    fn rfc8032_signature_of_empty_message() {
        let seed: [u8; 32] = hex_bytes(RFC_SEED).expect("seed");
        let sig = SigningKey::from_bytes(&seed).sign(b"");
        assert!(hex::encode(sig.to_bytes()).starts_with("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"));
    }

    #[test]
    fn bad_keys() {
        assert!(key("zz").is_err());
        assert!(matches!(
            sign(
                "abcd",
                &SignInput {
                    url: "",
                    body: b"",
                    now: 0,
                    message_id: "",
                    content_type: None
                }
            ),
            Err(SignError::BadKey { .. })
        ));
    }
}
