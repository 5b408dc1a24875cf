//! The verdict (`Verification`) and the steps every scheme shares to fill it: trying each
//! configured secret, then applying the freshness window, with one-sentence details.

use super::generic::GenericHmac;
use super::provider::{ProviderId, Status};
use super::request::{Fault, RequestView};

/// Full verdict with everything the UI's Signature tab shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Verification {
    pub provider: Option<ProviderId>,
    /// Why this provider (detected from header X / forced by caller).
    pub reason_chosen: String,
    pub status: Status,
    /// One human sentence explaining the verdict.
    pub detail: String,
    /// Parsed signature header fields, e.g. `[("t","1735..."),("v1","ab..")]`.
    pub header: Vec<(String, String)>,
    /// Exact signed bytes; serialised as lossy UTF-8 `signed_content`
    /// (converted only when shown: every capture is verified).
    #[serde(rename = "signed_content", serialize_with = "lossy_utf8")]
    pub signed_bytes: Option<Vec<u8>>,
    /// Expected signature(s), one per secret, written as they appear in the header.
    pub expected: Vec<String>,
    /// Signature(s) found on the request, written as they appear in the header.
    pub received: Vec<String>,
    /// Signed timestamp, unix seconds.
    pub timestamp: Option<i64>,
    /// `now - timestamp`; negative when the timestamp is in the future.
    pub age_seconds: Option<i64>,
    /// Window applied, in seconds (`None`: the scheme has none).
    pub tolerance: Option<i64>,
    /// `sha256:xxxxxxxx` of each configured secret; never the secret itself.
    pub secret_fingerprints: Vec<String>,
    /// Fingerprint of the secret that verified.
    pub matched_secret: Option<String>,
    /// Alternatives that would verify, as actionable sentences (only for failures).
    pub hints: Vec<String>,
    /// Facts worth knowing whatever the verdict (unsigned fields, stale but accepted timestamps…).
    pub notes: Vec<String>,
    /// What the endpoint must answer instead of its usual answer: a
    /// handshake (Slack's and Zoom's URL checks, Twitch's challenge, Discord's
    /// PING), or Discord's probe with a bad signature, which must get 401.
    pub handshake: Option<HandshakeResponse>,
    /// Index of the configured secret that verified.
    #[serde(skip)]
    pub(crate) matched_key: Option<usize>,
    /// Only the verdict is wanted (every capture is checked, and only
    /// provider and status are stored): the explanations are not built.
    #[serde(skip)]
    brief: bool,
}

fn lossy_utf8<S: serde::Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    match bytes {
        Some(b) => s.serialize_some(&String::from_utf8_lossy(b)),
        None => s.serialize_none(),
    }
}

/// Response an endpoint must send to a provider's handshake or challenge message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HandshakeResponse {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Verification {
    /// An empty verdict for `provider`, to be filled by a scheme.
    pub(crate) fn new(provider: Option<ProviderId>) -> Self {
        Verification {
            provider,
            reason_chosen: String::new(),
            status: Status::Unverified,
            detail: String::new(),
            header: Vec::new(),
            signed_bytes: None,
            expected: Vec::new(),
            received: Vec::new(),
            timestamp: None,
            age_seconds: None,
            tolerance: None,
            secret_fingerprints: Vec::new(),
            matched_secret: None,
            hints: Vec::new(),
            notes: Vec::new(),
            handshake: None,
            matched_key: None,
            brief: false,
        }
    }

    /// Whether explanations are left out (see [`Ctx::verdict`]).
    pub(crate) fn is_brief(&self) -> bool {
        self.brief
    }

    pub(crate) fn conclude(mut self, status: Status, detail: impl Into<String>) -> Self {
        self.status = status;
        if !self.brief {
            self.detail = detail.into();
        }
        self
    }

    /// Ends with `missing_header` or `malformed_header`.
    pub(crate) fn fault(self, fault: Fault) -> Self {
        match fault {
            Fault::Missing(d) => self.conclude(Status::MissingHeader, d),
            Fault::Malformed(d) => self.conclude(Status::MalformedHeader, d),
        }
    }

    pub(crate) fn field(&mut self, name: &str, value: &str) {
        if !self.brief {
            self.header.push((name.to_string(), value.to_string()));
        }
    }

    /// A signature found on the request, written as in the header.
    pub(crate) fn receive(&mut self, signature: impl std::fmt::Display) {
        if !self.brief {
            self.received.push(signature.to_string());
        }
    }

    /// Records the signed bytes; copied only when the report is wanted.
    pub(crate) fn set_signed(&mut self, bytes: &[u8]) {
        if !self.brief {
            self.signed_bytes = Some(bytes.to_vec());
        }
    }

    pub(crate) fn note(&mut self, note: impl Into<String>) {
        if !self.brief {
            self.notes.push(note.into());
        }
    }
}

/// A configured secret, turned into the key material its provider uses.
#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub fingerprint: String,
    /// Key bytes, or why this secret cannot be used with this provider.
    pub material: Result<Vec<u8>, String>,
}

/// Everything a scheme needs to judge one request.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub provider: ProviderId,
    pub req: &'a RequestView<'a>,
    /// URL the provider signed: `public_url` when given, else the request URL.
    pub url: &'a str,
    pub now: i64,
    /// Window in force: the caller's override, else the provider's default.
    pub tolerance: Option<i64>,
    pub keys: &'a [Key],
    /// The configured secret strings behind `keys` (hints derive alternative keys from them).
    pub secrets: &'a [String],
    pub generic: Option<&'a GenericHmac>,
    /// Verdict only, without explanations ([`super::VerifyOptions::verdict_only`]).
    pub brief: bool,
}

impl Ctx<'_> {
    /// The empty verdict a scheme fills for this request.
    pub(crate) fn verdict(&self) -> Verification {
        Verification {
            brief: self.brief,
            ..Verification::new(Some(self.provider))
        }
    }
}

/// Result of trying every key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyOutcome {
    NoSecrets,
    /// No key matched; `unusable` keys could not even be tried.
    NoMatch {
        unusable: usize,
    },
    Matched,
}

/// How one key fared: whether it matched, and the expected signature to show (HMAC schemes).
pub(crate) struct KeyResult {
    pub matched: bool,
    pub expected: Option<String>,
}

/// Tries every key with `check`, recording fingerprints, expected signatures and the first match.
pub(crate) fn try_keys(
    ctx: &Ctx,
    v: &mut Verification,
    mut check: impl FnMut(&[u8]) -> Result<KeyResult, String>,
) -> KeyOutcome {
    if ctx.keys.is_empty() {
        return KeyOutcome::NoSecrets;
    }
    let mut unusable = 0;
    for (index, key) in ctx.keys.iter().enumerate() {
        if !v.brief {
            v.secret_fingerprints.push(key.fingerprint.clone());
        }
        let result = match &key.material {
            Ok(bytes) => check(bytes),
            Err(e) => Err(e.clone()),
        };
        match result {
            Ok(r) => {
                if let Some(e) = r.expected.filter(|_| !v.brief) {
                    v.expected.push(e);
                }
                if r.matched && v.matched_key.is_none() {
                    v.matched_key = Some(index);
                    if !v.brief {
                        v.matched_secret = Some(key.fingerprint.clone());
                    }
                }
            }
            Err(why) => {
                unusable += 1;
                if !v.brief {
                    v.expected
                        .push(format!("(secret {} unusable: {why})", key.fingerprint));
                }
            }
        }
    }
    if v.matched_key.is_some() {
        KeyOutcome::Matched
    } else {
        KeyOutcome::NoMatch { unusable }
    }
}

/// HMAC variant of [`try_keys`]: `compute` gives the digest for a key, `show` writes it as
/// in the header, and a key matches when its digest equals any received one.
pub(crate) fn try_macs(
    ctx: &Ctx,
    v: &mut Verification,
    received: &[Vec<u8>],
    compute: impl Fn(&[u8]) -> Vec<u8>,
    show: impl Fn(&[u8]) -> String,
) -> KeyOutcome {
    let brief = v.brief;
    try_keys(ctx, v, |key| {
        let digest = compute(key);
        let mut matched = false;
        for r in received {
            matched |= super::mac::ct_eq(&digest, r);
        }
        Ok(KeyResult {
            matched,
            expected: (!brief).then(|| show(&digest)),
        })
    })
}

/// A signed timestamp, in unix milliseconds (wide enough for any parsed header).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stamp {
    pub unix_ms: i128,
}

impl Stamp {
    pub(crate) fn seconds(secs: i64) -> Self {
        Stamp {
            unix_ms: i128::from(secs) * 1000,
        }
    }
}

/// Which side of `now` the window covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Window {
    /// Too old or too far in the future.
    Symmetric,
    /// Only too old (Stripe).
    PastOnly,
}

fn saturate(x: i128) -> i64 {
    i64::try_from(x).unwrap_or(if x < 0 { i64::MIN } else { i64::MAX })
}

/// "301 s old", "6 s in the future", "600.3 s old".
pub(crate) fn describe_age(age_ms: i128) -> String {
    let abs = age_ms.abs();
    let amount = if abs % 1000 == 0 {
        format!("{} s", abs / 1000)
    } else {
        format!("{}.{} s", abs / 1000, (abs % 1000) / 100)
    };
    if age_ms < 0 {
        format!("{amount} in the future")
    } else {
        format!("{amount} old")
    }
}

fn records_stamp(ctx: &Ctx, v: &mut Verification, stamp: Option<Stamp>) -> Option<i128> {
    let stamp = stamp?;
    v.tolerance = ctx.tolerance;
    let age_ms = i128::from(ctx.now) * 1000 - stamp.unix_ms;
    v.timestamp = Some(saturate(stamp.unix_ms.div_euclid(1000)));
    v.age_seconds = Some(saturate(age_ms.div_euclid(1000)));
    Some(age_ms)
}

fn secrets_phrase(n: usize) -> String {
    if n == 1 {
        "the configured secret".to_string()
    } else {
        format!("any of {n} secrets")
    }
}

/// The common tail of the timestamped hex HMAC-SHA256 schemes (Stripe,
/// Paddle, Slack, Zoom, Twitch): records the signed bytes, tries every
/// secret against the received `{tag}=<hex>` values, and decides with the
/// timestamp and window.
///
/// `signed` builds the signed bytes (a copy of the body) only when a secret
/// is tried or the report shows them: a verdict without secrets, as most
/// captures are, never needs them.
pub(crate) fn finish_hmac_sha256_hex(
    ctx: &Ctx,
    mut v: Verification,
    signed: impl FnOnce() -> Vec<u8>,
    received: &[Vec<u8>],
    tag: &str,
    stamp: Stamp,
    window: Window,
) -> Verification {
    use super::mac::{self, HmacAlgorithm};
    if ctx.keys.is_empty() && v.brief {
        return finish(ctx, v, KeyOutcome::NoSecrets, "", Some(stamp), window);
    }
    let signed = signed();
    let outcome = try_macs(
        ctx,
        &mut v,
        received,
        |key| mac::hmac(HmacAlgorithm::Sha256, key, &[&signed]),
        |d| format!("{tag}={}", mac::to_hex(d)),
    );
    v.set_signed(&signed);
    let what = if v.brief {
        String::new()
    } else {
        format!("{tag} signature")
    };
    finish(ctx, v, outcome, &what, Some(stamp), window)
}

/// Turns a key outcome into the verdict: `unverified`, `invalid_signature`, or (after the
/// window check) `expired` / `valid`. `what` names the signature (`"v1 signature"`).
pub(crate) fn finish(
    ctx: &Ctx,
    mut v: Verification,
    outcome: KeyOutcome,
    what: &str,
    stamp: Option<Stamp>,
    window: Window,
) -> Verification {
    let age_ms = records_stamp(ctx, &mut v, stamp);
    // Age, window and whether the age is inside it, if the scheme has both
    // a timestamp and a window.
    let timing = age_ms.zip(ctx.tolerance).map(|(age, tol)| {
        let tol = tol.max(0);
        let limit = i128::from(tol) * 1000;
        let fresh = match window {
            Window::Symmetric => age.abs() <= limit,
            Window::PastOnly => age <= limit,
        };
        (age, tol, fresh)
    });
    if v.brief {
        let status = match outcome {
            KeyOutcome::NoSecrets => Status::Unverified,
            KeyOutcome::NoMatch { .. } => Status::InvalidSignature,
            KeyOutcome::Matched if timing.is_some_and(|(_, _, fresh)| !fresh) => Status::Expired,
            KeyOutcome::Matched => Status::Valid,
        };
        return v.conclude(status, String::new());
    }
    match outcome {
        KeyOutcome::NoSecrets => {
            let d = format!(
                "the request carries a {} {what}, but no secret is configured to check it",
                ctx.provider.display_name()
            );
            v.conclude(Status::Unverified, d)
        }
        KeyOutcome::NoMatch { unusable } => {
            let mut d = format!("no {what} matches {}", secrets_phrase(ctx.keys.len()));
            if unusable > 0 {
                d.push_str(&format!(" ({unusable} of them could not be used as a key)"));
            }
            v.conclude(Status::InvalidSignature, d)
        }
        KeyOutcome::Matched => {
            let matched = v.matched_secret.clone().unwrap_or_default();
            let base = format!("{what} matches secret {matched}");
            match (timing, age_ms) {
                (Some((age, tol, fresh)), _) => {
                    let range = match window {
                        Window::Symmetric => format!("±{tol} s"),
                        Window::PastOnly => format!("{tol} s, past only"),
                    };
                    if fresh {
                        let d = format!("{base}; timestamp {} (window {range})", describe_age(age));
                        v.conclude(Status::Valid, d)
                    } else {
                        let d = format!(
                            "{base}, but the timestamp is {}, outside the {range} window",
                            describe_age(age)
                        );
                        v.conclude(Status::Expired, d)
                    }
                }
                (None, Some(age)) => {
                    if age.abs() > 3_600_000 {
                        v.note(format!(
                            "the timestamp is {}; {} enforces no freshness window, so check for replays yourself",
                            describe_age(age),
                            ctx.provider.display_name()
                        ));
                    }
                    let d = format!("{base}; timestamp {} (no window)", describe_age(age));
                    v.conclude(Status::Valid, d)
                }
                (None, None) => v.conclude(Status::Valid, base),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(describe_age(301_000), "301 s old");
        assert_eq!(describe_age(-6_000), "6 s in the future");
        assert_eq!(describe_age(600_311), "600.3 s old");
    }

    #[test]
    fn saturates() {
        assert_eq!(saturate(i128::MAX), i64::MAX);
        assert_eq!(saturate(i128::MIN), i64::MIN);
        assert_eq!(saturate(-5), -5);
    }
}
