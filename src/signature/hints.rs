//! Hints for failed verifications: alternative secrets, bodies, URLs and tokens are re-checked,
//! and a hint is given only when the alternative really verifies; plus ms/s timestamp mix-ups.

use super::provider::{ProviderId, Status};
use super::report::{Ctx, Key, Verification};
use super::request::{
    RequestView, swap_scheme, toggle_trailing_slash, with_default_port, without_default_port,
};
use super::{linear, mac, reformat, run};

/// The fingerprint of the secret that verified, if the alternative context verifies.
fn verifies(ctx: &Ctx) -> Option<String> {
    let v = run(ctx);
    matches!(v.status, Status::Valid | Status::Expired)
        .then(|| v.matched_secret.unwrap_or_default())
}

/// Hints for an `invalid_signature` verdict.
pub(crate) fn for_invalid(ctx: &Ctx) -> Vec<String> {
    let mut hints = Vec::new();
    secret_hints(ctx, &mut hints);
    body_hints(ctx, &mut hints);
    url_hints(ctx, &mut hints);
    token_hints(ctx, &mut hints);
    hints
}

#[derive(Clone, Copy)]
enum SecretAlt {
    PlainText,
    PlainWithoutPrefix,
    WithoutPrefix,
    WithPrefix,
    Base64Decoded,
    HexDecoded,
}

impl SecretAlt {
    fn key(self, secret: &str) -> Option<Vec<u8>> {
        let bare = secret.strip_prefix("whsec_");
        match self {
            SecretAlt::PlainText => Some(secret.as_bytes().to_vec()),
            SecretAlt::PlainWithoutPrefix | SecretAlt::WithoutPrefix => {
                bare.map(|b| b.as_bytes().to_vec())
            }
            SecretAlt::WithPrefix => bare
                .is_none()
                .then(|| format!("whsec_{secret}").into_bytes()),
            SecretAlt::Base64Decoded => {
                mac::b64_lenient(bare.unwrap_or(secret)).filter(|k| !k.is_empty())
            }
            SecretAlt::HexDecoded => hex::decode(secret).ok().filter(|k| !k.is_empty()),
        }
    }

    fn hint(self, fp: &str) -> String {
        match self {
            SecretAlt::PlainText => format!(
                "The signature verifies when secret {fp} is used as plain text instead of being base64-decoded: the sender does not decode its whsec_ secret as Standard Webhooks requires."
            ),
            SecretAlt::PlainWithoutPrefix => format!(
                "The signature verifies with secret {fp} minus its whsec_ prefix, used as plain text: the sender keys its HMAC with the raw string."
            ),
            SecretAlt::WithoutPrefix => format!(
                "The signature verifies with secret {fp} without its whsec_ prefix: configure the secret without the prefix."
            ),
            SecretAlt::WithPrefix => format!(
                "The signature verifies with 'whsec_' added in front of secret {fp}: configure the full secret including its whsec_ prefix."
            ),
            SecretAlt::Base64Decoded => format!(
                "The signature verifies with secret {fp} base64-decoded: the sender uses the decoded bytes as the HMAC key."
            ),
            SecretAlt::HexDecoded => format!(
                "The signature verifies with secret {fp} hex-decoded: the sender uses the decoded bytes as the HMAC key."
            ),
        }
    }
}

fn secret_alternatives(provider: ProviderId) -> &'static [SecretAlt] {
    match provider {
        ProviderId::StandardWebhooks | ProviderId::Svix | ProviderId::Clerk => {
            &[SecretAlt::PlainText, SecretAlt::PlainWithoutPrefix]
        }
        ProviderId::Discord | ProviderId::Sendgrid | ProviderId::Gitlab => &[],
        _ => &[
            SecretAlt::WithoutPrefix,
            SecretAlt::WithPrefix,
            SecretAlt::Base64Decoded,
            SecretAlt::HexDecoded,
        ],
    }
}

fn secret_hints(ctx: &Ctx, hints: &mut Vec<String>) {
    for alt in secret_alternatives(ctx.provider) {
        let keys: Vec<Key> = ctx
            .secrets
            .iter()
            .map(|s| Key {
                fingerprint: mac::fingerprint(s),
                material: alt.key(s).ok_or_else(String::new),
            })
            .collect();
        if keys.iter().all(|k| k.material.is_err()) {
            continue;
        }
        if let Some(fp) = verifies(&Ctx {
            keys: &keys,
            ..*ctx
        }) {
            hints.push(alt.hint(&fp));
        }
    }
}

fn body_alternatives(body: &[u8]) -> Vec<(Vec<u8>, &'static str)> {
    let mut alts: Vec<(Vec<u8>, &'static str)> = Vec::new();
    if let Some(b) = body.strip_suffix(b"\r\n") {
        alts.push((b.to_vec(), "The signature matches the body without its trailing CRLF: a line break was added after signing (proxy, editor or copy-paste); verify the bytes exactly as sent."));
    } else if let Some(b) = body.strip_suffix(b"\n") {
        alts.push((b.to_vec(), "The signature matches the body without its trailing newline: a newline was added after signing (proxy, editor or copy-paste); verify the bytes exactly as sent."));
    } else {
        alts.push(([body, b"\n"].concat(), "The signature matches the body with a trailing \\n added: the sender signed a newline that was lost in transit or editing."));
        alts.push(([body, b"\r\n"].concat(), "The signature matches the body with a trailing \\r\\n added: the sender signed a line break that was lost in transit or editing."));
    }
    let json = [
        (
            reformat::compact(body),
            "The signature matches the body re-serialized as compact JSON: the body was re-formatted after signing; sign and verify the raw bytes.",
        ),
        (
            reformat::pretty(body),
            "The signature matches the body re-serialized as 2-space pretty JSON: the body was re-formatted after signing; sign and verify the raw bytes.",
        ),
        (
            reformat::sorted_keys(body),
            "The signature matches the body re-serialized as JSON with sorted keys: the body was re-encoded after signing; sign and verify the raw bytes.",
        ),
    ];
    for (alt, hint) in json {
        if let Some(alt) = alt
            && alt != body
            && !alts.iter().any(|(a, _)| *a == alt)
        {
            alts.push((alt, hint));
        }
    }
    alts
}

fn body_hints(ctx: &Ctx, hints: &mut Vec<String>) {
    if matches!(ctx.provider, ProviderId::Gitlab | ProviderId::Mailgun) {
        return;
    }
    for (body, hint) in body_alternatives(ctx.req.body) {
        let req = RequestView {
            body: &body,
            ..*ctx.req
        };
        if verifies(&Ctx { req: &req, ..*ctx }).is_some() {
            hints.push(hint.to_string());
        }
    }
}

fn url_hints(ctx: &Ctx, hints: &mut Vec<String>) {
    if !matches!(ctx.provider, ProviderId::Twilio | ProviderId::Square) {
        return;
    }
    let name = ctx.provider.display_name();
    let mut alts: Vec<(String, String)> = Vec::new();
    if ctx.url != ctx.req.url {
        let h = format!(
            "The signature verifies for the request's own URL {}, not for the public URL given: correct or drop the public URL.",
            ctx.req.url
        );
        alts.push((ctx.req.url.to_string(), h));
    }
    let mut variants = vec![swap_scheme(ctx.url), toggle_trailing_slash(ctx.url)];
    if ctx.provider == ProviderId::Square {
        variants.push(with_default_port(ctx.url));
        variants.push(without_default_port(ctx.url));
    }
    for alt in variants.into_iter().flatten() {
        if !alts.iter().any(|(a, _)| *a == alt) {
            let h = format!(
                "The signature verifies for URL {alt}: {name} signed that exact URL; set it as the public URL."
            );
            alts.push((alt, h));
        }
    }
    for (url, hint) in alts {
        if verifies(&Ctx { url: &url, ..*ctx }).is_some() {
            hints.push(hint);
        }
    }
}

fn token_hints(ctx: &Ctx, hints: &mut Vec<String>) {
    const HEADER: &str = "X-Gitlab-Token";
    if ctx.provider != ProviderId::Gitlab {
        return;
    }
    let Some(token) = ctx.req.header_text(HEADER) else {
        return;
    };
    let bearer = token
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("bearer "))
        .map(|_| token[7..].to_string());
    let alts = [
        (
            bearer,
            "The token matches after removing the 'Bearer ' prefix: GitLab sends the bare token in X-Gitlab-Token; fix whatever adds the prefix.",
        ),
        (
            Some(token.trim().to_string()).filter(|t| t != token),
            "The token matches after trimming whitespace: remove the stray spaces or line break from the sender's token.",
        ),
    ];
    for (alt, hint) in alts {
        let Some(alt) = alt else { continue };
        let headers: Vec<(String, Vec<u8>)> = ctx
            .req
            .headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case(HEADER))
            .cloned()
            .chain([(HEADER.to_string(), alt.into_bytes())])
            .collect();
        let req = RequestView {
            headers: &headers,
            ..*ctx.req
        };
        if verifies(&Ctx { req: &req, ..*ctx }).is_some() {
            hints.push(hint.to_string());
        }
    }
}

/// Hints for an `expired` verdict: a timestamp that would be fresh in the other unit.
pub(crate) fn for_expired(ctx: &Ctx, v: &Verification) -> Vec<String> {
    let Some(tol) = ctx.tolerance else {
        return Vec::new();
    };
    let within =
        |secs: i64| (i128::from(ctx.now) - i128::from(secs)).abs() <= i128::from(tol.max(0));
    if ctx.provider == ProviderId::Linear {
        if let Some(Ok(raw)) = linear::body_timestamp(ctx.req.body)
            && within(raw)
        {
            return vec![format!(
                "webhookTimestamp {raw} is within the window if read as seconds: the sender writes seconds, but Linear's field is in milliseconds."
            )];
        }
        return Vec::new();
    }
    match v.timestamp {
        Some(secs) if within(secs.div_euclid(1000)) => vec![format!(
            "The timestamp {secs} is within the window if read as milliseconds: the sender writes milliseconds, but {} expects unix seconds.",
            ctx.provider.display_name()
        )],
        _ => Vec::new(),
    }
}
