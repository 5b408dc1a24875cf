//! Signature checking as configured: which provider applies to a request
//! (a route's setting, else detection), which secrets (config file,
//! `--secret`, environment), the clock, and the public URL providers signed.
//! Secrets live only in memory; only verdicts are stored.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use globset::{Glob, GlobMatcher};

use crate::config::{Config, ConfigError};
use crate::model::header_value;
use crate::signature::{
    self, GenericHmac, ProviderId, RequestView, Status, Verification, VerifyOptions,
};

/// Where "now" comes from; fixed in tests and in `verify --now`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    #[default]
    System,
    Fixed(i64),
}

impl Clock {
    pub fn now(self) -> i64 {
        match self {
            Clock::Fixed(t) => t,
            Clock::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
        }
    }
}

#[derive(Debug)]
struct Route {
    pattern: GlobMatcher,
    provider: Option<ProviderId>,
    secrets: Vec<String>,
}

/// Everything needed to check a captured request's signature.
#[derive(Debug, Default)]
pub struct Verifier {
    secrets: HashMap<ProviderId, Vec<String>>,
    routes: Vec<Route>,
    public_url: Option<String>,
    tolerance: Option<i64>,
    generic: Option<GenericHmac>,
    clock: Clock,
}

impl Verifier {
    /// Builds the verifier from the config and `--secret PROVIDER=SECRET`
    /// flags; `env` reads the variables routes name in `secret_env`.
    pub fn new(
        config: &Config,
        flags: &[(ProviderId, String)],
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Verifier, ConfigError> {
        let mut secrets: HashMap<ProviderId, Vec<String>> = HashMap::new();
        for (name, values) in &config.secrets {
            let provider = parse_provider(name)?;
            secrets
                .entry(provider)
                .or_default()
                .extend(values.list().iter().cloned());
        }
        for (provider, secret) in flags {
            secrets.entry(*provider).or_default().push(secret.clone());
        }
        let mut routes = Vec::with_capacity(config.routes.len());
        for route in &config.routes {
            let pattern = Glob::new(&route.path)
                .map_err(|e| ConfigError::Invalid(format!("route path `{}`: {e}", route.path)))?
                .compile_matcher();
            let provider = route.provider.as_deref().map(parse_provider).transpose()?;
            let mut route_secrets = route.secret.iter().cloned().collect::<Vec<_>>();
            if let Some(var) = &route.secret_env {
                match env(var) {
                    Some(value) if !value.is_empty() => route_secrets.push(value),
                    value => {
                        let state = if value.is_some() { "empty" } else { "not set" };
                        return Err(ConfigError::Invalid(format!(
                            "route `{}` reads its secret from ${var}, which is {state}",
                            route.path
                        )));
                    }
                }
            }
            routes.push(Route {
                pattern,
                provider,
                secrets: route_secrets,
            });
        }
        if config.generic_hmac.is_none() && secrets.contains_key(&ProviderId::Generic) {
            return Err(ConfigError::Invalid(
                "a secret for `generic` needs a [generic_hmac] section describing the scheme"
                    .into(),
            ));
        }
        // A secret that can never verify would only show up later, as every
        // delivery judged invalid.
        let named = secrets
            .iter()
            .flat_map(|(p, list)| list.iter().map(move |s| (*p, s)))
            .chain(routes.iter().flat_map(|r| {
                r.provider
                    .into_iter()
                    .flat_map(move |p| r.secrets.iter().map(move |s| (p, s)))
            }));
        for (provider, secret) in named {
            if let Some(why) = crate::signature::unusable_secret(provider, secret) {
                return Err(ConfigError::Invalid(why));
            }
        }
        Ok(Verifier {
            secrets,
            routes,
            public_url: config.public_url.clone(),
            tolerance: config.signature_tolerance,
            generic: config.generic_hmac.clone(),
            clock: Clock::System,
        })
    }

    /// Overrides every provider's window (seconds).
    #[must_use]
    pub fn with_tolerance(mut self, seconds: i64) -> Verifier {
        self.tolerance = Some(seconds);
        self
    }

    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Verifier {
        self.clock = clock;
        self
    }

    /// The URL the sender most likely signed: the configured public URL
    /// (tunnels) or the Host the request arrived with, plus the target.
    pub fn url_for(&self, target: &str, headers: &[(String, Vec<u8>)]) -> String {
        if target.starts_with("http://") || target.starts_with("https://") {
            return target.to_owned();
        }
        let base = match &self.public_url {
            Some(base) => base.trim_end_matches('/').to_owned(),
            None => {
                let host = header_value(headers, "host")
                    .or_else(|| header_value(headers, ":authority"))
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .unwrap_or("localhost");
                format!("http://{host}")
            }
        };
        format!("{base}{target}")
    }

    /// Checks one request as received, with everything the Signature tab
    /// explains.
    pub fn check(
        &self,
        method: &str,
        target: &str,
        headers: &[(String, Vec<u8>)],
        body: &[u8],
    ) -> Verification {
        self.judge(method, target, headers, body, self.clock.now(), false)
    }

    /// Provider, status and handshake answer only: what is stored for every
    /// capture, without building the explanations.
    pub fn verdict(
        &self,
        method: &str,
        target: &str,
        headers: &[(String, Vec<u8>)],
        body: &[u8],
    ) -> Verification {
        self.judge(method, target, headers, body, self.clock.now(), true)
    }

    /// The verdict a capture at `received_at` (unix seconds) would have
    /// got: for requests imported from elsewhere, whose timestamps are as
    /// old as they are.
    pub fn verdict_as_of(
        &self,
        received_at: i64,
        method: &str,
        target: &str,
        headers: &[(String, Vec<u8>)],
        body: &[u8],
    ) -> Verification {
        self.judge(method, target, headers, body, received_at, true)
    }

    fn judge(
        &self,
        method: &str,
        target: &str,
        headers: &[(String, Vec<u8>)],
        body: &[u8],
        now: i64,
        verdict_only: bool,
    ) -> Verification {
        let path = target.split('?').next().unwrap_or(target);
        let route = self.routes.iter().find(|r| r.pattern.is_match(path));
        let forced = route.and_then(|r| r.provider);
        // Chosen once: the secrets to try depend on which scheme applies.
        // Detection reads headers and body only, so the URL is built after,
        // and for a verdict only when the scheme signs it.
        let headers_and_body = RequestView {
            method,
            url: "",
            headers,
            body,
        };
        let chosen = signature::choose(forced, &headers_and_body, self.generic.as_ref());
        let url = if !verdict_only || chosen.as_ref().is_some_and(|(p, _)| p.signs_url()) {
            self.url_for(target, headers)
        } else {
            String::new()
        };
        let view = RequestView {
            url: &url,
            ..headers_and_body
        };
        let for_route = route.map_or(&[][..], |r| r.secrets.as_slice());
        let global = chosen
            .as_ref()
            .and_then(|(p, _)| self.secrets.get(p))
            .map_or(&[][..], Vec::as_slice);
        let both;
        let secrets = match (for_route.is_empty(), global.is_empty()) {
            (_, true) => for_route,
            (true, false) => global,
            (false, false) => {
                both = [for_route, global].concat();
                &both[..]
            }
        };
        let options = VerifyOptions {
            secrets,
            now,
            tolerance: self.tolerance,
            public_url: None,
            generic: self.generic.as_ref(),
            verdict_only,
        };
        let mut verification = signature::evaluate_choice(chosen, &view, &options);
        if forced.is_some() && !verdict_only {
            verification.reason_chosen = format!("route matching {path} names this provider");
        }
        verification
    }

    /// The first secret configured for `provider` (routes' secrets are
    /// per path and not considered), for signing outgoing requests.
    pub fn secret_for(&self, provider: ProviderId) -> Option<&str> {
        self.secrets.get(&provider)?.first().map(String::as_str)
    }

    pub fn generic(&self) -> Option<&GenericHmac> {
        self.generic.as_ref()
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// Whether any secret is configured (for messages such as "no secrets: all unverified").
    pub fn has_secrets(&self) -> bool {
        !self.secrets.is_empty() || self.routes.iter().any(|r| !r.secrets.is_empty())
    }
}

fn parse_provider(name: &str) -> Result<ProviderId, ConfigError> {
    name.parse::<ProviderId>()
        .map_err(|e| ConfigError::Invalid(e.to_string()))
}

/// Parses `PROVIDER=SECRET` from the command line.
pub fn parse_secret_flag(text: &str) -> Result<(ProviderId, String), String> {
    let (provider, secret) = text
        .split_once('=')
        // The value is not echoed: it may well be the secret itself.
        .ok_or("`--secret` takes PROVIDER=SECRET, e.g. stripe=whsec_…; this value has no `=`")?;
    let provider = provider
        .trim()
        .parse::<ProviderId>()
        .map_err(|e| e.to_string())?;
    if secret.is_empty() {
        return Err(format!("the secret for {} is empty", provider.as_str()));
    }
    Ok((provider, secret.to_owned()))
}

/// The verifier in use, replaceable while the server runs (secrets reloaded
/// from the UI). Readers take a cheap `Arc` clone; the lock is never held
/// across other work.
#[derive(Clone, Debug, Default)]
pub struct SharedVerifier(std::sync::Arc<std::sync::RwLock<std::sync::Arc<Verifier>>>);

impl SharedVerifier {
    pub fn new(verifier: Verifier) -> SharedVerifier {
        SharedVerifier(std::sync::Arc::new(std::sync::RwLock::new(
            std::sync::Arc::new(verifier),
        )))
    }

    pub fn get(&self) -> std::sync::Arc<Verifier> {
        match self.0.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn set(&self, verifier: Verifier) {
        let verifier = std::sync::Arc::new(verifier);
        match self.0.write() {
            Ok(mut guard) => *guard = verifier,
            Err(poisoned) => *poisoned.into_inner() = verifier,
        }
    }
}

/// Checks every stored request again, each as of when it was received, and
/// returns the verdicts that changed. A request its provider's secret is
/// missing for now keeps a verdict reached with one (the listener may have
/// had `--secret`, which is never stored): "unverified" knows less. Reads
/// in id order, one page at a time, so memory stays flat.
pub fn reverify(
    reader: &crate::store::Reader,
    verifier: &Verifier,
) -> Result<(u64, Vec<crate::store::SignatureVerdict>), crate::store::StoreError> {
    let mut changed = Vec::new();
    let mut checked = 0;
    let mut after = crate::model::RequestId(0);
    loop {
        let ids = reader.ids_after(after, 500)?;
        let Some(last) = ids.last() else { break };
        after = *last;
        for id in ids {
            let Some(d) = reader.detail(id)? else {
                continue;
            };
            checked += 1;
            // As of its arrival: a secret added today must not make every
            // timestamped signature older than its window read "expired".
            let v = verifier.verdict_as_of(
                d.summary.received_at_us.div_euclid(1_000_000),
                &d.summary.method,
                &d.summary.target,
                &d.headers,
                &d.body,
            );
            let provider = v.provider.map(|p| p.as_str().to_owned());
            let status = v.status.as_str().to_owned();
            let judged_before = [Status::Valid, Status::InvalidSignature, Status::Expired]
                .iter()
                .any(|s| d.summary.sig_status.as_deref() == Some(s.as_str()));
            if v.status == Status::Unverified && judged_before && d.summary.sig_provider == provider
            {
                continue;
            }
            if d.summary.sig_provider != provider
                || d.summary.sig_status.as_deref() != Some(status.as_str())
            {
                changed.push(crate::store::SignatureVerdict {
                    id,
                    provider,
                    status,
                });
            }
        }
    }
    Ok((checked, changed))
}
