//! GitLab: `X-Gitlab-Token` carries the configured secret token verbatim; compared in constant
//! time. Nothing is signed, so the body has no integrity protection.

use super::mac;
use super::provider::Status;
use super::report::{Ctx, KeyResult, Verification, Window, finish, try_keys};
use super::sign::SignInput;

const HEADER: &str = "X-Gitlab-Token";

/// Shows a token by fingerprint only: a received token that matches *is* the secret.
fn token_id(token: &[u8]) -> String {
    let digest = mac::to_hex(&mac::sha256(token));
    format!("sha256:{}", &digest[..8])
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let mut v = ctx.verdict();
    let token = match ctx.req.require_all([HEADER]) {
        Ok([t]) => t,
        Err(f) => return v.fault(f),
    };
    if !v.is_brief() {
        let id = token_id(token.as_bytes());
        v.field(
            HEADER,
            &format!("{id} ({} characters)", token.chars().count()),
        );
        v.receive(id);
    }
    let received = mac::sha256(token.as_bytes());
    let brief = v.is_brief();
    let outcome = try_keys(ctx, &mut v, |secret| {
        Ok(KeyResult {
            matched: mac::ct_eq(&mac::sha256(secret), &received),
            expected: (!brief).then(|| token_id(secret)),
        })
    });
    let mut v = finish(ctx, v, outcome, "token", None, Window::Symmetric);
    if matches!(v.status, Status::Valid | Status::Unverified) {
        v.note("GitLab's token authenticates the sender only: the body is not signed, so its integrity is not checked");
    }
    v
}

pub(crate) fn sign(secret: &str, _input: &SignInput) -> Vec<(String, String)> {
    vec![(HEADER.to_string(), secret.to_string())]
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check, headers};
    use super::super::{ProviderId, Status};

    #[test]
    fn token_equality_only() {
        let h = headers(&[("x-gitlab-token", "glwh-secret")]);
        let v = check(ProviderId::Gitlab, &h, b"anything", "glwh-secret", 0);
        assert_eq!(v.status, Status::Valid);
        assert!(
            !format!("{v:?}").contains("glwh-secret"),
            "the token never appears"
        );
        assert_eq!(
            check(ProviderId::Gitlab, &h, b"", "glwh-other", 0).status,
            Status::InvalidSignature
        );
        let h = headers(&[("x-gitlab-token", "Bearer glwh-secret")]);
        assert_eq!(
            check(ProviderId::Gitlab, &h, b"", "glwh-secret", 0).status,
            Status::InvalidSignature
        );
    }
}
