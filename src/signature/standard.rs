//! Standard Webhooks and the providers built on it (Svix, Clerk): base64 HMAC-SHA256 of
//! `{id}.{timestamp}.{body}` in space-separated `v1,<sig>` entries, keyed with the decoded `whsec_` secret.

use super::mac::{self, HmacAlgorithm};
use super::provider::{ProviderId, Status};
use super::report::{Ctx, Stamp, Verification, Window, finish, try_macs};
use super::request::{Fault, parse_unix, shown};
use super::sign::{SignError, SignInput};

const WEBHOOK: [&str; 3] = ["webhook-id", "webhook-timestamp", "webhook-signature"];
const SVIX: [&str; 3] = ["svix-id", "svix-timestamp", "svix-signature"];

/// Header names for `provider`: its own spelling first, the other one as fallback
/// (the Svix libraries accept both).
fn spellings(provider: ProviderId) -> ([&'static str; 3], [&'static str; 3]) {
    match provider {
        ProviderId::StandardWebhooks => (WEBHOOK, SVIX),
        _ => (SVIX, WEBHOOK),
    }
}

/// Key bytes: the secret without `whsec_`, base64-decoded (padding optional).
pub(crate) fn key(secret: &str) -> Result<Vec<u8>, String> {
    let body = secret.strip_prefix("whsec_").unwrap_or(secret);
    match mac::b64_lenient(body) {
        Some(k) if !k.is_empty() => Ok(k),
        _ => Err("not base64 after the whsec_ prefix".to_string()),
    }
}

struct Parsed {
    id: String,
    timestamp: String,
    secs: i64,
    v1: Vec<Vec<u8>>,
}

fn parse(ctx: &Ctx, v: &mut Verification) -> Result<Parsed, Fault> {
    let (own, other) = spellings(ctx.provider);
    let names = if ctx.req.has_header(own[2]) || !ctx.req.has_header(other[2]) {
        own
    } else {
        other
    };
    let [id, ts, sig] = ctx.req.require_all(names)?;
    v.field("id", id);
    v.field("timestamp", ts);
    let mut v1 = Vec::new();
    let mut others = Vec::new();
    for entry in sig.split(' ').filter(|e| !e.is_empty()) {
        v.receive(entry);
        let Some((version, value)) = entry.split_once(',') else {
            return Err(Fault::Malformed(format!(
                "{} entry {} is not '<version>,<base64>'",
                names[2],
                shown(entry)
            )));
        };
        v.field(version, value);
        if version == "v1" {
            let digest = mac::b64_digest(value, 32).ok_or_else(|| {
                Fault::Malformed(format!(
                    "v1 entry {} is not base64 of a 32-byte HMAC-SHA256",
                    shown(value)
                ))
            })?;
            v1.push(digest);
        } else {
            others.push(version.to_string());
        }
    }
    let secs = parse_unix(ts).ok_or_else(|| {
        Fault::Malformed(format!(
            "{} must be integer unix seconds, got {}",
            names[1],
            shown(ts)
        ))
    })?;
    if v1.is_empty() {
        let found = if others.is_empty() {
            "it is empty".to_string()
        } else {
            format!("found only {}", others.join(", "))
        };
        return Err(Fault::Malformed(format!(
            "{} has no v1 entry: {found}",
            names[2]
        )));
    }
    Ok(Parsed {
        id: id.to_string(),
        timestamp: ts.to_string(),
        secs,
        v1,
    })
}

fn signed_bytes(id: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
    let mut s = Vec::with_capacity(id.len() + timestamp.len() + body.len() + 2);
    s.extend_from_slice(id.as_bytes());
    s.push(b'.');
    s.extend_from_slice(timestamp.as_bytes());
    s.push(b'.');
    s.extend_from_slice(body);
    s
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let mut v = ctx.verdict();
    let p = match parse(ctx, &mut v) {
        Ok(p) => p,
        Err(f) => return v.fault(f),
    };
    let signed = signed_bytes(&p.id, &p.timestamp, ctx.req.body);
    v.set_signed(&signed);
    let outcome = try_macs(
        ctx,
        &mut v,
        &p.v1,
        |key| mac::hmac(HmacAlgorithm::Sha256, key, &[&signed]),
        |d| format!("v1,{}", mac::to_b64(d)),
    );
    let mut v = finish(
        ctx,
        v,
        outcome,
        "v1 signature",
        Some(Stamp::seconds(p.secs)),
        Window::Symmetric,
    );
    if ctx.req.body.is_empty() && v.status == Status::Valid {
        v.note("the body is empty: Clerk's verifyWebhook() and the svix npm package JSON-parse the body after verifying, so they reject this request");
    }
    v
}

pub(crate) fn sign(
    provider: ProviderId,
    secret: &str,
    input: &SignInput,
) -> Result<Vec<(String, String)>, SignError> {
    let key = key(secret).map_err(|reason| SignError::BadKey {
        expected: "whsec_ secret (base64 key)",
        reason,
    })?;
    let names = spellings(provider).0;
    let ts = input.now.to_string();
    let digest = mac::hmac(
        HmacAlgorithm::Sha256,
        &key,
        &[&signed_bytes(input.message_id, &ts, input.body)],
    );
    Ok(vec![
        (names[0].to_string(), input.message_id.to_string()),
        (names[1].to_string(), ts),
        (names[2].to_string(), format!("v1,{}", mac::to_b64(&digest))),
    ])
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check, headers};
    use super::super::{ProviderId, Status};

    const KEY: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn published(sig: &str, ts: &str, now: i64) -> Status {
        let h = headers(&[
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", ts),
            ("webhook-signature", sig),
        ]);
        check(
            ProviderId::StandardWebhooks,
            &h,
            br#"{"test": 2432232314}"#,
            KEY,
            now,
        )
        .status
    }

    #[test]
    fn published_vector_and_window_edges() {
        let sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert_eq!(published(sig, "1614265330", 1614265330), Status::Valid);
        assert_eq!(published(sig, "1614265330", 1614265630), Status::Valid);
        assert_eq!(published(sig, "1614265330", 1614265631), Status::Expired);
        assert_eq!(published(sig, "1614265330", 1614265030), Status::Valid);
        assert_eq!(published(sig, "1614265330", 1614265029), Status::Expired);
    }

    #[test]
    fn entries_and_versions() {
        let good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let now = 1614265330;
        assert_eq!(
            published(&format!("v1a,abc {good}"), "1614265330", now),
            Status::Valid
        );
        assert_eq!(
            published("v1a,abc", "1614265330", now),
            Status::MalformedHeader
        );
        assert_eq!(
            published("g0hM9SsE", "1614265330", now),
            Status::MalformedHeader
        );
        assert_eq!(
            published("v1,AAAA", "1614265330", now),
            Status::MalformedHeader
        );
        assert_eq!(
            published(good, "1614265330.0", now),
            Status::MalformedHeader
        );
        let other = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        assert_eq!(
            published(other, "1614265330", now),
            Status::InvalidSignature
        );
    }

    #[test]
    fn svix_accepts_webhook_spelling() {
        let h = headers(&[
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", "1614265330"),
            (
                "webhook-signature",
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            ),
        ]);
        let v = check(
            ProviderId::Svix,
            &h,
            br#"{"test": 2432232314}"#,
            KEY,
            1614265330,
        );
        assert_eq!(v.status, Status::Valid);
        let v = check(ProviderId::Svix, &headers(&[]), b"", KEY, 1614265330);
        assert_eq!(v.status, Status::MissingHeader);
        assert!(v.detail.contains("svix-id"), "{}", v.detail);
    }
}
