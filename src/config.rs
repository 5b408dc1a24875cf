//! Configuration: defaults, then the config file, then command-line flags.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::capture::CaptureConfig;
use crate::cli::ListenArgs;
use crate::model::AnswerTemplate;

/// The file as written by the user; every key is optional.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub bind: IpAddr,
    pub port: u16,
    /// Capture file; relative paths are relative to the working directory.
    pub db: Option<PathBuf>,
    /// Largest body stored in full, in bytes; written as bytes or as the
    /// flag takes it (`"16MiB"`).
    #[serde(deserialize_with = "size")]
    pub max_body: u64,
    /// Seconds a client may take to send its request head.
    pub header_timeout: u64,
    /// Seconds a client may take to send its body.
    pub body_timeout: u64,
    pub response: ResponseConfig,
    /// The URL providers call, when it differs from what arrives here (a
    /// tunnel): Twilio and Square sign it.
    pub public_url: Option<String>,
    /// Overrides every provider's freshness window, in seconds.
    pub signature_tolerance: Option<i64>,
    /// Secrets by provider id; several per provider model rotation.
    pub secrets: BTreeMap<String, SecretList>,
    /// Per-path provider and secret settings, first match wins.
    pub routes: Vec<RouteConfig>,
    /// The scheme used by the `generic` provider.
    pub generic_hmac: Option<crate::signature::GenericHmac>,
    /// Send every captured request on to this URL (or origin, keeping the
    /// captured path) and answer with the app's answer.
    pub forward: Option<String>,
    /// Seconds the app may take to answer a forward or resend.
    pub forward_timeout: u64,
    /// Accept any TLS certificate when forwarding or resending (self-signed local HTTPS).
    pub insecure: bool,
}

/// One secret or several.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum SecretList {
    One(String),
    Many(Vec<String>),
}

impl SecretList {
    pub fn list(&self) -> &[String] {
        match self {
            SecretList::One(s) => std::slice::from_ref(s),
            SecretList::Many(v) => v,
        }
    }
}

/// `[[routes]] path = "/hooks/stripe/*" provider = "stripe" secret_env = "STRIPE_WEBHOOK_SECRET"`
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteConfig {
    /// Glob over the request path (`*` matches within and across segments).
    pub path: String,
    pub provider: Option<String>,
    pub secret: Option<String>,
    /// Environment variable holding the secret.
    pub secret_env: Option<String>,
}

/// How captured requests are answered.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResponseConfig {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    /// `{id}` is replaced with the stored id.
    pub body: String,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8765,
            db: None,
            max_body: 16 << 20,
            header_timeout: 10,
            body_timeout: 30,
            response: ResponseConfig::default(),
            public_url: None,
            signature_tolerance: None,
            secrets: BTreeMap::new(),
            routes: Vec::new(),
            generic_hmac: None,
            forward: None,
            forward_timeout: 30,
            insecure: false,
        }
    }
}

impl Default for ResponseConfig {
    fn default() -> ResponseConfig {
        ResponseConfig {
            status: 200,
            headers: BTreeMap::from([("content-type".to_owned(), "application/json".to_owned())]),
            body: r#"{"id":{id},"stored":true}"#.to_owned(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    // Causes are in the messages and not also `source`s: printed as a chain,
    // the error would say the same thing twice.
    #[error("cannot read config file {}: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("config file {}: {error}", path.display())]
    Parse {
        path: PathBuf,
        error: Box<toml::de::Error>,
    },
    #[error("{0}")]
    Invalid(String),
}

impl Config {
    /// Loads `explicit` if given (it must exist), else `./hookscope.toml`, else
    /// `$XDG_CONFIG_HOME/hookscope/config.toml`, else defaults.
    pub fn load(explicit: Option<&Path>) -> Result<(Config, Option<PathBuf>), ConfigError> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => Self::candidates().into_iter().find(|p| p.is_file()),
        };
        let Some(path) = path else {
            return Ok((Config::default(), None));
        };
        let text = std::fs::read_to_string(&path).map_err(|error| ConfigError::Read {
            path: path.clone(),
            error,
        })?;
        let config = Config::parse(&text).map_err(|e| match e {
            ConfigError::Parse { error, .. } => ConfigError::Parse {
                path: path.clone(),
                error,
            },
            ConfigError::Invalid(why) => {
                ConfigError::Invalid(format!("config file {}: {why}", path.display()))
            }
            other => other,
        })?;
        Ok((config, Some(path)))
    }

    fn candidates() -> Vec<PathBuf> {
        let mut paths = vec![PathBuf::from("hookscope.toml")];
        if let Some(dirs) = directories::BaseDirs::new() {
            paths.push(dirs.config_dir().join("hookscope").join("config.toml"));
        }
        paths
    }

    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: PathBuf::new(),
            error: Box::new(e),
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        // `http` takes any three digits; a sender knows only these classes.
        if !(100..=599).contains(&self.response.status) {
            return Err(ConfigError::Invalid(format!(
                "response status {} is not an HTTP status code (100 to 599)",
                self.response.status
            )));
        }
        if let Some(generic) = &self.generic_hmac {
            generic
                .validate()
                .map_err(|e| ConfigError::Invalid(format!("[generic_hmac]: {e}")))?;
        }
        if self.signature_tolerance.is_some_and(|t| t < 0) {
            return Err(ConfigError::Invalid(
                "signature_tolerance is a number of seconds, 0 or more".into(),
            ));
        }
        for (name, value) in &self.response.headers {
            if http::HeaderName::from_bytes(name.as_bytes()).is_err()
                || http::HeaderValue::from_str(value).is_err()
            {
                return Err(ConfigError::Invalid(format!(
                    "response header `{name}: {value}` is not a valid header"
                )));
            }
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError::Invalid(format!(
                "public_url `{url}` must start with http:// or https://"
            )));
        }
        if let Some(url) = &self.forward {
            crate::resend::parse_url(url)
                .map_err(|e| ConfigError::Invalid(format!("forward: {e}")))?;
        }
        let providers = self.secrets.keys().map(|name| ("[secrets]", name)).chain(
            self.routes
                .iter()
                .filter_map(|r| Some(("[[routes]]", r.provider.as_ref()?))),
        );
        for (section, name) in providers {
            name.parse::<crate::signature::ProviderId>()
                .map_err(|e| ConfigError::Invalid(format!("{section}: {e}")))?;
        }
        if self.header_timeout == 0 || self.body_timeout == 0 || self.forward_timeout == 0 {
            return Err(ConfigError::Invalid(
                "timeouts must be at least 1 second".into(),
            ));
        }
        Ok(())
    }

    /// Applies command-line flags, which win over the file.
    pub fn apply(&mut self, args: &ListenArgs) -> Result<(), ConfigError> {
        if let Some(bind) = args.bind {
            self.bind = bind;
        }
        if let Some(port) = args.port {
            self.port = port;
        }
        if let Some(db) = &args.db {
            self.db = Some(db.clone());
        }
        if let Some(max_body) = args.max_body {
            self.max_body = max_body;
        }
        if let Some(t) = args.header_timeout {
            self.header_timeout = t;
        }
        if let Some(t) = args.body_timeout {
            self.body_timeout = t;
        }
        if let Some(status) = args.status {
            self.response.status = status;
        }
        if let Some(body) = &args.response_body {
            self.response.body = body.clone();
        }
        if let Some(url) = &args.forward {
            self.forward = Some(url.clone());
        }
        if args.insecure {
            self.insecure = true;
        }
        if let Some(url) = &args.public_url {
            self.public_url = Some(url.clone());
        }
        if !args.response_headers.is_empty() {
            self.response.headers = args.response_headers.iter().cloned().collect();
        }
        self.validate()
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::new(self.bind, self.port)
    }

    pub fn db_path(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(crate::store::default_path)
    }

    /// Timeout and TLS choice for resends and forwards.
    pub fn client_options(&self) -> crate::resend::ClientOptions {
        crate::resend::ClientOptions {
            timeout: Duration::from_secs(self.forward_timeout),
            accept_invalid_certs: self.insecure,
        }
    }

    /// The client for resends and forwards, with this config's timeout and TLS choice.
    pub fn client(&self) -> Result<crate::resend::Client, crate::resend::SendError> {
        crate::resend::Client::new(self.client_options())
    }

    pub fn capture(
        &self,
        verifier: crate::verifier::SharedVerifier,
    ) -> Result<CaptureConfig, crate::resend::SendError> {
        let forward = match &self.forward {
            Some(target) => Some(crate::capture::Forward {
                target: target.clone(),
                client: self.client()?,
            }),
            None => None,
        };
        Ok(CaptureConfig {
            verifier,
            forward,
            max_body: self.max_body,
            header_timeout: Duration::from_secs(self.header_timeout),
            body_timeout: Duration::from_secs(self.body_timeout),
            answer: Arc::new(AnswerTemplate {
                status: self.response.status,
                headers: self
                    .response
                    .headers
                    .iter()
                    .map(|(n, v)| (n.clone(), v.clone()))
                    .collect(),
                body: self.response.body.clone(),
            }),
        })
    }
}

/// A size as a number of bytes or a string such as `"512KiB"`.
fn size<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    struct Size;
    impl serde::de::Visitor<'_> for Size {
        type Value = u64;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a size: bytes, or a string such as \"16MiB\" or \"512KiB\"")
        }

        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<u64, E> {
            Ok(n)
        }

        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<u64, E> {
            u64::try_from(n).map_err(|_| E::custom(format!("a size cannot be negative: {n}")))
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<u64, E> {
            crate::cli::parse_size(text).map_err(E::custom)
        }
    }
    d.deserialize_any(Size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_body_is_written_in_bytes_or_as_the_flag_takes_it() {
        for (text, bytes) in [("1024", 1024), ("\"1KiB\"", 1024), ("\"16MiB\"", 16 << 20)] {
            let config = Config::parse(&format!("max_body = {text}")).expect(text);
            assert_eq!(config.max_body, bytes, "{text}");
        }
        for bad in ["-1", "\"ten\"", "1.5"] {
            let err = Config::parse(&format!("max_body = {bad}")).expect_err(bad);
            assert!(err.to_string().contains("max_body"), "{err}");
        }
    }

    #[test]
    fn shipped_default_config_equals_the_built_in_defaults() {
        let text = include_str!("../assets/default-config.toml");
        assert_eq!(Config::parse(text).expect("parses"), Config::default());
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_name() {
        let err = Config::parse("prot = 1").expect_err("unknown key");
        assert!(err.to_string().contains("prot"), "{err}");
    }

    #[test]
    fn bad_values_are_rejected() {
        assert!(Config::parse("[response]\nstatus = 1000").is_err());
        // Three digits `http` takes, but no sender knows.
        assert!(Config::parse("[response]\nstatus = 999").is_err());
        assert!(Config::parse("[response]\nstatus = 599").is_ok());
        assert!(Config::parse("signature_tolerance = -5").is_err());
        assert!(Config::parse("signature_tolerance = 0").is_ok());
        for generic in [
            "header = \"X-Sig\"\ntemplate = \"{timestamp}.{body}\"",
            "header = \"\"",
            "header = \"X-Sig\"\ntemplate = \"{bdy}\"",
        ] {
            let err = Config::parse(&format!("[generic_hmac]\n{generic}")).expect_err(generic);
            assert!(err.to_string().contains("[generic_hmac]: "), "{err}");
        }
        assert!(Config::parse("[response.headers]\n\"bad name\" = \"x\"").is_err());
        assert!(Config::parse("body_timeout = 0").is_err());
    }

    #[test]
    fn a_bad_value_is_named_with_its_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("hookscope.toml");
        for (text, names) in [
            (
                "[secrets]\nnope = \"x\"",
                "[secrets]: unknown provider 'nope'",
            ),
            (
                "[[routes]]\npath = \"/a\"\nprovider = \"nope\"",
                "[[routes]]: unknown provider 'nope'",
            ),
            ("body_timeout = 0", "timeouts must be at least 1 second"),
        ] {
            std::fs::write(&path, text).expect("write");
            let err = Config::load(Some(&path)).expect_err(text).to_string();
            assert!(
                err.starts_with(&format!("config file {}: ", path.display()))
                    && err.contains(names),
                "{err}"
            );
        }
    }

    #[test]
    fn flags_win_over_the_file() {
        let mut config = Config::parse("port = 9000\nmax_body = 10").expect("parses");
        let args = ListenArgs {
            port: Some(1234),
            ..ListenArgs::default()
        };
        config.apply(&args).expect("valid");
        assert_eq!(config.port, 1234);
        assert_eq!(config.max_body, 10);
    }
}
