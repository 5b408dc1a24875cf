//! Test helpers shared by the scheme modules' unit tests: header lists and one-call verification.

use super::{ProviderId, RequestView, Verification, VerifyOptions, verify};

/// Header list from `(name, value)` pairs.
pub(crate) fn headers(pairs: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
        .collect()
}

/// Verifies with one secret at `now`, provider defaults, URL `https://inspector.example/hook`.
pub(crate) fn check(
    provider: ProviderId,
    headers: &[(String, Vec<u8>)],
    body: &[u8],
    secret: &str,
    now: i64,
) -> Verification {
    run(
        provider,
        headers,
        body,
        secret,
        now,
        "https://inspector.example/hook",
    )
}

/// Like [`check`] with a given URL and `now = 0`.
pub(crate) fn check_url(
    provider: ProviderId,
    headers: &[(String, Vec<u8>)],
    body: &[u8],
    secret: &str,
    url: &str,
) -> Verification {
    run(provider, headers, body, secret, 0, url)
}

/// Like [`check`] with only a Content-Type header.
pub(crate) fn check_with_type(
    provider: ProviderId,
    content_type: &str,
    body: &[u8],
    secret: &str,
    now: i64,
) -> Verification {
    let h = headers(&[("Content-Type", content_type)]);
    check(provider, &h, body, secret, now)
}

fn run(
    provider: ProviderId,
    headers: &[(String, Vec<u8>)],
    body: &[u8],
    secret: &str,
    now: i64,
    url: &str,
) -> Verification {
    let req = RequestView {
        method: "POST",
        url,
        headers,
        body,
    };
    let secrets = [secret.to_string()];
    let opts = VerifyOptions::new(&secrets, now);
    verify(provider, &req, &opts)
}
