//! Shared primitives: HMAC over SHA-1/256/512, constant-time comparison, the strict digest
//! encodings (lowercase hex, canonical base64) and secret fingerprints.

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Digest;
use subtle::ConstantTimeEq;

/// Hash function under an HMAC.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum HmacAlgorithm {
    Sha1,
    #[default]
    Sha256,
    Sha512,
}

impl HmacAlgorithm {
    /// Digest length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            HmacAlgorithm::Sha1 => 20,
            HmacAlgorithm::Sha256 => 32,
            HmacAlgorithm::Sha512 => 64,
        }
    }
}

/// Text encoding of a digest in a header.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    #[default]
    Hex,
    Base64,
}

fn mac_with<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac =
        <M as KeyInit>::new_from_slice(key).expect("invariant: HMAC accepts keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// HMAC of the concatenation of `parts`.
pub(crate) fn hmac(alg: HmacAlgorithm, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    match alg {
        HmacAlgorithm::Sha1 => mac_with::<Hmac<sha1::Sha1>>(key, parts),
        HmacAlgorithm::Sha256 => mac_with::<Hmac<sha2::Sha256>>(key, parts),
        HmacAlgorithm::Sha512 => mac_with::<Hmac<sha2::Sha512>>(key, parts),
    }
}

/// Constant-time equality (the length itself is not secret).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Plain SHA-256.
pub(crate) fn sha256(data: &[u8]) -> Vec<u8> {
    sha2::Sha256::digest(data).to_vec()
}

/// Short, non-reversible id of a secret: `sha256:` and the first 8 hex chars of its SHA-256.
pub(crate) fn fingerprint(secret: &str) -> String {
    let digest = hex::encode(sha256(secret.as_bytes()));
    format!("sha256:{}", &digest[..8])
}

/// Lowercase hex.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Standard base64 with padding.
pub(crate) fn to_b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes lowercase hex of exactly `len` bytes; anything else (upper case, prefix, wrong length) is `None`.
pub(crate) fn hex_digest(text: &str, len: usize) -> Option<Vec<u8>> {
    if text.len() != len * 2 {
        return None;
    }
    // Checked and decoded in one pass (`hex` also takes upper case, so it
    // needed a pass of its own first): this runs on every captured request
    // that carries a hex signature, 1,930 → 850 instructions for SHA-256 (callgrind).
    let mut digest = Vec::with_capacity(len);
    for pair in text.as_bytes().chunks_exact(2) {
        digest.push(lower_hex(pair[0])? << 4 | lower_hex(pair[1])?);
    }
    Some(digest)
}

fn lower_hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Decodes canonical standard base64 (with padding) of exactly `len` bytes.
pub(crate) fn b64_digest(text: &str, len: usize) -> Option<Vec<u8>> {
    STANDARD.decode(text).ok().filter(|d| d.len() == len)
}

/// Canonical standard base64 of any length.
pub(crate) fn b64_strict(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text).ok()
}

const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Standard base64 as secret strings are written: padding optional, trailing bits tolerated.
pub(crate) fn b64_lenient(text: &str) -> Option<Vec<u8>> {
    LENIENT.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2() {
        let mac = hmac(
            HmacAlgorithm::Sha256,
            b"Jefe",
            &[b"what do ya want ", b"for nothing?"],
        );
        assert_eq!(
            to_hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let mac = hmac(
            HmacAlgorithm::Sha1,
            b"Jefe",
            &[b"what do ya want for nothing?"],
        );
        assert_eq!(to_hex(&mac), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
        let mac = hmac(
            HmacAlgorithm::Sha512,
            b"Jefe",
            &[b"what do ya want for nothing?"],
        );
        assert!(
            to_hex(&mac)
                .starts_with("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554")
        );
    }

    #[test]
    fn strict_decoders() {
        let d = [0xabu8; 20];
        assert_eq!(hex_digest(&to_hex(&d), 20), Some(d.to_vec()));
        assert_eq!(hex_digest(&to_hex(&d).to_uppercase(), 20), None);
        assert_eq!(hex_digest(&to_hex(&d), 32), None);
        assert_eq!(b64_digest(&to_b64(&d), 20), Some(d.to_vec()));
        assert_eq!(b64_digest(to_b64(&d).trim_end_matches('='), 20), None);
        assert_eq!(
            b64_lenient("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").map(|k| k.len()),
            Some(24)
        );
        assert_eq!(b64_lenient("YWJj").as_deref(), Some(&b"abc"[..]));
        assert_eq!(b64_lenient("YWI"), Some(b"ab".to_vec()));
        assert_eq!(b64_lenient("a_-b"), None);
        assert_eq!(b64_lenient("no spaces"), None);
    }

    #[test]
    fn fingerprint_is_short_and_stable() {
        let f = fingerprint("whsec_abc");
        assert!(f.starts_with("sha256:") && f.len() == 15);
        assert_eq!(f, fingerprint("whsec_abc"));
        assert_ne!(f, fingerprint("whsec_abd"));
    }

    #[test]
    fn constant_time_eq() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }

    proptest::proptest! {
        /// The one-pass decoder takes exactly the lowercase hex of `len`
        /// bytes, and decodes it as the `hex` crate does.
        #[test]
        fn hex_digest_takes_only_lowercase_hex_of_the_length(
            text in "[0-9a-fA-Fx -]{0,12}",
            len in 0usize..6,
        ) {
            let lowercase = text.len() == len * 2
                && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
            let want = lowercase.then(|| hex::decode(&text).expect("lowercase hex"));
            proptest::prop_assert_eq!(hex_digest(&text, len), want);
        }

        #[test]
        fn hex_digest_reads_back_any_digest(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..70)) {
            proptest::prop_assert_eq!(hex_digest(&to_hex(&bytes), bytes.len()), Some(bytes));
        }
    }
}
