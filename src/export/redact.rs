//! `--redact`: credentials out of an export, so a capture can be shared.

use crate::model::{Attempt, RequestDetail};

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
    redact_headers(
        detail
            .headers
            .iter_mut()
            .chain(detail.answer.headers.iter_mut()),
    );
}

/// The same for the answers resends and forwards got (a `Set-Cookie`).
pub fn redact_attempts(attempts: &mut [Attempt]) {
    redact_headers(
        attempts
            .iter_mut()
            .flat_map(|a| a.response_headers.iter_mut()),
    );
}

fn redact_headers<'a>(headers: impl Iterator<Item = &'a mut (String, Vec<u8>)>) {
    for (name, value) in headers {
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
    fn what_a_resend_was_answered_is_redacted_too() {
        let mut attempts = vec![Attempt {
            id: 1,
            kind: "resend".into(),
            method: "POST".into(),
            url: "http://localhost:3000/".into(),
            started_at_us: 0,
            duration_us: Some(1),
            response_status: Some(200),
            response_headers: vec![
                ("Set-Cookie".into(), b"session=abc".to_vec()),
                ("content-type".into(), b"text/plain".to_vec()),
            ],
            response_body: b"ok".to_vec(),
            error: None,
        }];
        redact_attempts(&mut attempts);
        assert_eq!(
            attempts[0].response_headers,
            [
                ("Set-Cookie".to_owned(), REDACTED.as_bytes().to_vec()),
                ("content-type".to_owned(), b"text/plain".to_vec()),
            ]
        );
    }

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
