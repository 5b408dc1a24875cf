//! GitHub (`X-Hub-Signature-256: sha256=<hex>`), its legacy SHA-1 header and Intercom, which
//! reuses `X-Hub-Signature: sha1=<hex>`: hex HMAC of the raw body, no timestamp.

use super::mac::{self, HmacAlgorithm};
use super::provider::ProviderId;
use super::report::{Ctx, Verification, Window, finish, try_macs};
use super::request::{Fault, shown};
use super::sign::SignInput;

const SHA256_HEADER: &str = "X-Hub-Signature-256";
const SHA1_HEADER: &str = "X-Hub-Signature";

struct Spec {
    header: &'static str,
    prefix: &'static str,
    alg: HmacAlgorithm,
}

fn spec(provider: ProviderId) -> Spec {
    match provider {
        ProviderId::Github => Spec {
            header: SHA256_HEADER,
            prefix: "sha256=",
            alg: HmacAlgorithm::Sha256,
        },
        _ => Spec {
            header: SHA1_HEADER,
            prefix: "sha1=",
            alg: HmacAlgorithm::Sha1,
        },
    }
}

fn parse(ctx: &Ctx, spec: &Spec, v: &mut Verification) -> Result<Vec<u8>, Fault> {
    let [value] = ctx.req.require_all([spec.header]).map_err(|f| {
        if ctx.provider == ProviderId::Github && ctx.req.has_header(SHA1_HEADER) {
            Fault::Missing(format!(
                "{SHA256_HEADER} is missing; only the legacy {SHA1_HEADER} is present (verify as github_sha1)"
            ))
        } else {
            f
        }
    })?;
    v.field(spec.header, value);
    v.receive(value);
    let hex = value.strip_prefix(spec.prefix).ok_or_else(|| {
        Fault::Malformed(format!(
            "{} must start with {}, got {}",
            spec.header,
            spec.prefix,
            shown(value)
        ))
    })?;
    let len = spec.alg.output_len();
    mac::hex_digest(hex, len).ok_or_else(|| {
        Fault::Malformed(format!(
            "{} digest is not {} lowercase hex characters",
            spec.header,
            len * 2
        ))
    })
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let spec = spec(ctx.provider);
    let mut v = ctx.verdict();
    let received = match parse(ctx, &spec, &mut v) {
        Ok(r) => r,
        Err(f) => return v.fault(f),
    };
    let body = ctx.req.body;
    v.set_signed(body);
    if body.is_empty() && ctx.provider != ProviderId::Intercom {
        v.note("the body is empty: @octokit/webhooks-methods refuses empty payloads, and GitHub never sends one");
    }
    let outcome = try_macs(
        ctx,
        &mut v,
        &[received],
        |key| mac::hmac(spec.alg, key, &[body]),
        |d| format!("{}{}", spec.prefix, mac::to_hex(d)),
    );
    let what = format!("{} signature", spec.prefix.trim_end_matches('='));
    finish(ctx, v, outcome, &what, None, Window::Symmetric)
}

pub(crate) fn sign(provider: ProviderId, secret: &str, input: &SignInput) -> Vec<(String, String)> {
    let mut specs = vec![spec(provider)];
    if provider == ProviderId::Github {
        specs.push(spec(ProviderId::GithubSha1));
    }
    specs
        .into_iter()
        .map(|s| {
            let d = mac::hmac(s.alg, secret.as_bytes(), &[input.body]);
            (
                s.header.to_string(),
                format!("{}{}", s.prefix, mac::to_hex(&d)),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check, headers};
    use super::super::{ProviderId, Status};

    const DOCS_SECRET: &str = "It's a Secret to Everybody";

    #[test]
    fn github_docs_vector() {
        let h = headers(&[(
            "x-hub-signature-256",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        )]);
        let v = check(ProviderId::Github, &h, b"Hello, World!", DOCS_SECRET, 0);
        assert_eq!(v.status, Status::Valid, "{}", v.detail);
        assert_eq!(v.expected, v.received);
        let v = check(ProviderId::Github, &h, b"Hello, World?", DOCS_SECRET, 0);
        assert_eq!(v.status, Status::InvalidSignature);
    }

    #[test]
    fn sha1_and_intercom_prefixes() {
        let h = headers(&[(
            "X-Hub-Signature",
            "sha256=01fa2b0e64e9a0d7e2fd5f0a6b09f6f5e2a1b0c3",
        )]);
        for p in [ProviderId::GithubSha1, ProviderId::Intercom] {
            assert_eq!(check(p, &h, b"x", "s", 0).status, Status::MalformedHeader);
        }
        let v = check(ProviderId::Github, &h, b"x", "s", 0);
        assert_eq!(v.status, Status::MissingHeader);
        assert!(v.detail.contains("github_sha1"));
    }
}
