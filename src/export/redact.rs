//! `--redact`: credentials out of an export, so a capture can be shared.

use crate::model::RequestDetail;

/// Headers that carry a credential or a shared secret as is (GitLab and
/// Asana send the webhook's secret itself). Signature headers stay: a
/// signature does not reveal its key, and verifying needs it.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "x-access-token",
    "x-gitlab-token",
    "x-hook-secret",
];

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Replaces the value of every credential header, in the request and in
/// the answer, keeping the header itself so its presence still shows.
pub fn redact(detail: &mut RequestDetail) {
    for (name, value) in detail
        .headers
        .iter_mut()
        .chain(detail.answer.headers.iter_mut())
    {
        if CREDENTIAL_HEADERS
            .iter()
            .any(|c| name.eq_ignore_ascii_case(c))
        {
            *value = REDACTED.as_bytes().to_vec();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::detail;

    #[test]
    fn credentials_go_and_everything_else_stays() {
        let mut d = detail(
            &[
                ("Authorization", b"Bearer sk_live_123"),
                ("x-gitlab-token", b"s3cret"),
                ("Stripe-Signature", b"t=1,v1=ab"),
                ("content-type", b"application/json"),
            ],
            b"{}",
        );
        d.answer.headers = vec![("set-cookie".into(), b"session=abc".to_vec())];
        redact(&mut d);
        let values: Vec<&[u8]> = d.headers.iter().map(|(_, v)| v.as_slice()).collect();
        assert_eq!(
            values,
            [
                REDACTED.as_bytes(),
                REDACTED.as_bytes(),
                b"t=1,v1=ab",
                b"application/json"
            ]
        );
        assert_eq!(d.answer.headers[0].1, REDACTED.as_bytes());
        assert_eq!(d.headers[0].0, "Authorization", "names are kept");
    }
}
