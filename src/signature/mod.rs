//! Webhook signature verification, detection and signing for 19 provider schemes plus a
//! configurable HMAC. Entry points: [`detect`], [`verify`], [`evaluate`] and [`sign`].
//!
//! Everything works on the raw request as received ([`RequestView`]); the clock is injected
//! through [`VerifyOptions::now`], and secrets are only ever shown as fingerprints.

mod detect;
mod discord;
mod generic;
mod github;
mod gitlab;
mod hints;
mod linear;
pub use linear::refresh_timestamp as refresh_linear_timestamp;
mod mac;
mod mailgun;
mod paddle;
mod provider;
mod reformat;
mod report;
mod request;
mod sendgrid;
mod shopify;
mod sign;
mod slack_zoom;
mod square;
mod standard;
mod stripe;
mod twilio;
mod twitch;

#[cfg(test)]
mod tests_support;

pub use detect::detect;
pub use generic::GenericHmac;
pub use mac::{Encoding, HmacAlgorithm};
pub use mailgun::mailgun_signature;
pub use provider::{ProviderId, Status, UnknownProvider};
pub use report::{HandshakeResponse, Verification};
pub use request::RequestView;
pub use sign::{SignError, SignInput, companion_headers, sign};

use report::{Ctx, Key};

/// How to verify: secrets, clock, window and URL overrides.
#[derive(Clone, Copy, Debug)]
pub struct VerifyOptions<'a> {
    /// Several = rotation (any may match); empty => `Unverified` when the request is signed.
    pub secrets: &'a [String],
    /// Current time, unix seconds (the module never reads the clock).
    pub now: i64,
    /// Overrides the provider's window (seconds).
    pub tolerance: Option<i64>,
    /// URL the provider signed if it differs from [`RequestView::url`] (tunnels); used by
    /// Twilio and Square, and by hints.
    pub public_url: Option<&'a str>,
    /// Configuration for [`ProviderId::Generic`].
    pub generic: Option<&'a GenericHmac>,
    /// Only provider, status and handshake are wanted (as for every
    /// capture): details, fingerprints and hints are left empty.
    pub verdict_only: bool,
}

impl<'a> VerifyOptions<'a> {
    /// A full report with these secrets at `now`, in the provider's own
    /// window, for the request's own URL.
    pub fn new(secrets: &'a [String], now: i64) -> Self {
        VerifyOptions {
            secrets,
            now,
            tolerance: None,
            public_url: None,
            generic: None,
            verdict_only: false,
        }
    }
}

/// Why `secret` can never be a key for `provider` (a Discord public key that
/// is not hex, a Standard Webhooks secret that is not base64), if it cannot;
/// named by its fingerprint, never by its value.
pub fn unusable_secret(provider: ProviderId, secret: &str) -> Option<String> {
    derive_key(provider, secret).err().map(|reason| {
        format!(
            "the {} secret {} cannot be used: {reason}",
            provider.as_str(),
            mac::fingerprint(secret)
        )
    })
}

/// The key material a provider derives from a configured secret string.
fn derive_key(provider: ProviderId, secret: &str) -> Result<Vec<u8>, String> {
    match provider {
        ProviderId::StandardWebhooks | ProviderId::Svix | ProviderId::Clerk => {
            standard::key(secret)
        }
        ProviderId::Discord => discord::key(secret),
        ProviderId::Sendgrid => sendgrid::key(secret),
        _ => Ok(secret.as_bytes().to_vec()),
    }
}

/// Runs one scheme, without hints.
pub(crate) fn run(ctx: &Ctx) -> Verification {
    match ctx.provider {
        ProviderId::StandardWebhooks | ProviderId::Svix | ProviderId::Clerk => {
            standard::verify(ctx)
        }
        ProviderId::Stripe => stripe::verify(ctx),
        ProviderId::Github | ProviderId::GithubSha1 | ProviderId::Intercom => github::verify(ctx),
        ProviderId::Shopify => shopify::verify(ctx),
        ProviderId::Slack | ProviderId::Zoom => slack_zoom::verify(ctx),
        ProviderId::Twilio => twilio::verify(ctx),
        ProviderId::Discord => discord::verify(ctx),
        ProviderId::Paddle => paddle::verify(ctx),
        ProviderId::Square => square::verify(ctx),
        ProviderId::Linear => linear::verify(ctx),
        ProviderId::Mailgun => mailgun::verify(ctx),
        ProviderId::Sendgrid => sendgrid::verify(ctx),
        ProviderId::Gitlab => gitlab::verify(ctx),
        ProviderId::Twitch => twitch::verify(ctx),
        ProviderId::Generic => generic::verify(ctx),
    }
}

/// Verify `req` as `provider` signs it. Never panics, whatever the request holds.
pub fn verify(provider: ProviderId, req: &RequestView, opts: &VerifyOptions) -> Verification {
    let mut v = verify_as(provider, req, opts);
    v.reason_chosen = format!("{} chosen by the caller", provider.display_name());
    v
}

fn verify_as(provider: ProviderId, req: &RequestView, opts: &VerifyOptions) -> Verification {
    let keys: Vec<Key> = opts
        .secrets
        .iter()
        .map(|s| Key {
            fingerprint: if opts.verdict_only {
                String::new()
            } else {
                mac::fingerprint(s)
            },
            material: derive_key(provider, s),
        })
        .collect();
    let default_window = match provider {
        ProviderId::Generic => opts.generic.and_then(|g| g.tolerance),
        _ => provider.default_tolerance(),
    };
    let ctx = Ctx {
        provider,
        req,
        url: opts.public_url.unwrap_or(req.url),
        now: opts.now,
        tolerance: opts.tolerance.or(default_window),
        keys: &keys,
        secrets: opts.secrets,
        generic: opts.generic,
        brief: opts.verdict_only,
    };
    let mut v = run(&ctx);
    if ctx.brief {
        return v;
    }
    match v.status {
        Status::InvalidSignature => v.hints = hints::for_invalid(&ctx),
        Status::Expired => v.hints = hints::for_expired(&ctx, &v),
        _ => {}
    }
    v
}

/// Detect (or use `forced`) then verify; `Unsigned` when no provider matches;
/// `Unverified` when signed but `opts.secrets` is empty.
///
/// A configured generic HMAC whose header is present wins over detection.
pub fn evaluate(
    forced: Option<ProviderId>,
    req: &RequestView,
    opts: &VerifyOptions,
) -> Verification {
    evaluate_choice(choose(forced, req, opts.generic), req, opts)
}

/// Which provider's scheme applies, and why: the caller's choice, else the
/// configured generic scheme when its header is present, else detection.
pub fn choose(
    forced: Option<ProviderId>,
    req: &RequestView,
    generic: Option<&GenericHmac>,
) -> Option<(ProviderId, String)> {
    if let Some(p) = forced {
        return Some((p, format!("{} forced by the caller", p.display_name())));
    }
    let generic = generic.filter(|g| req.has_header(&g.header)).map(|g| {
        (
            ProviderId::Generic,
            format!("header {} (configured generic HMAC) present", g.header),
        )
    });
    generic.or_else(|| detect(req))
}

/// `evaluate` for a choice already made with `choose`.
pub fn evaluate_choice(
    chosen: Option<(ProviderId, String)>,
    req: &RequestView,
    opts: &VerifyOptions,
) -> Verification {
    let Some((provider, reason)) = chosen else {
        let mut v = Verification::new(None);
        if opts.verdict_only {
            return v.conclude(Status::Unsigned, String::new());
        }
        let mut detail = "no known signature header or signed body fields found".to_string();
        if let Some((_, guess)) = detect::unsigned_guess(req) {
            detail.push_str("; ");
            detail.push_str(guess);
        }
        v.reason_chosen = "no provider detected".to_string();
        return v.conclude(Status::Unsigned, detail);
    };
    let mut v = verify_as(provider, req, opts);
    v.reason_chosen = reason;
    v
}

#[cfg(test)]
mod hint_tests;
#[cfg(test)]
mod roundtrip_tests;
