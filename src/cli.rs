//! Command-line interface (clap derive). `listen` is the default command.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "hookscope",
    version,
    about = "Capture, inspect, verify and resend webhooks",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `listen`, the default command.
    #[command(flatten)]
    pub listen: ListenArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Capture requests into a file and show them live (the default)
    Listen(ListenArgs),
    /// List captured requests, newest first
    Ls(LsArgs),
    /// Show one captured request
    Show(ShowArgs),
    /// Open a capture file (or a HAR file) in the UI, read-only, without a server
    Open(OpenArgs),
    /// Check a raw request's signature, or re-check every request in a capture file
    Verify(VerifyArgs),
    /// Send a captured request again, as captured, edited or re-signed
    Resend(ResendArgs),
    /// Send a sample event (or a JSON sample file), signed like the provider does
    Send(SendArgs),
    /// Write captured requests to a file to share: FILE.har, FILE.ndjson or FILE.md
    Export(ExportArgs),
    /// Add the requests of a HAR file (a browser's, a proxy's, or `export`'s) to a capture file
    Import(ImportArgs),
    /// Print a shell completion script (e.g. `hookscope completions bash > ~/.local/share/bash-completion/completions/hookscope`)
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// File to write; its extension picks the format: .har (HTTP Archive 1.2), .ndjson (one JSON object per request) or .md (Markdown)
    pub file: PathBuf,
    /// Capture file to read
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Only requests matching this filter, as in `ls --filter`
    // A filter may start with `-` (negation): it is a value, not a flag.
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub filter: Option<String>,
    /// Replace the values of credential headers (Authorization, Cookie, API keys, tokens) with [redacted]
    #[arg(long)]
    pub redact: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// HAR file to read
    pub file: PathBuf,
    /// Capture file to add the requests to (created if need be)
    #[arg(long)]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when the answer is 2xx, as providers count a delivery; 1 otherwise."
)]
pub struct ResendArgs {
    /// Id of the request (see `hookscope ls`)
    pub id: i64,
    /// Target: a full URL, or an origin (http://localhost:3000) to keep the captured path
    #[arg(long)]
    pub to: String,
    /// Edit the request in $EDITOR (as an HTTP message file) before sending
    #[arg(long)]
    pub edit: bool,
    /// Re-sign with the provider's secret: fresh timestamp and id, signature over the sent body
    #[arg(long)]
    pub resign: bool,
    /// Secret for --resign, PROVIDER=SECRET (else the configured one)
    #[arg(long = "secret", value_name = "PROVIDER=SECRET", value_parser = SecretFlag)]
    pub secrets: Vec<(crate::signature::ProviderId, String)>,
    /// Accept any TLS certificate (self-signed local HTTPS)
    #[arg(long)]
    pub insecure: bool,
    /// Capture file to read (and to store the attempt in)
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Configuration file (secrets)
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when the last attempt is answered 2xx, as providers count a delivery; 1 otherwise."
)]
pub struct SendArgs {
    /// Sample name (see --list) or a sample JSON file
    #[arg(required_unless_present = "list")]
    pub sample: Option<String>,
    /// Target URL, or an origin to use the sample's path
    #[arg(long, required_unless_present = "list")]
    pub to: Option<String>,
    /// Sign as this provider (ids as in `verify --provider`)
    #[arg(long, requires = "secret")]
    pub sign: Option<crate::signature::ProviderId>,
    /// Secret for --sign
    #[arg(long, requires = "sign")]
    pub secret: Option<String>,
    /// Retries on connection errors, timeouts and 5xx, waiting 1 s, 10 s, 60 s, 300 s
    #[arg(long, default_value_t = 0)]
    pub retries: usize,
    /// Waits between retries instead of the default, e.g. 10ms,50ms,1s
    #[arg(long, value_name = "DELAYS", value_delimiter = ',', value_parser = parse_duration)]
    pub retry_delays: Vec<std::time::Duration>,
    /// Accept any TLS certificate (self-signed local HTTPS)
    #[arg(long)]
    pub insecure: bool,
    /// List the samples
    #[arg(long)]
    pub list: bool,
}

/// Parses `10ms`, `1s`, `5m`.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (try 10ms, 1s, 5m)"))?;
    match unit {
        "ms" => Ok(std::time::Duration::from_millis(n)),
        "s" | "" => Ok(std::time::Duration::from_secs(n)),
        "m" => Ok(std::time::Duration::from_secs(n * 60)),
        other => Err(format!("unknown duration unit `{other}` (use ms, s or m)")),
    }
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Provider id (e.g. stripe, github, standard_webhooks) or `auto` to detect it
    #[arg(long, default_value = "auto")]
    pub provider: String,
    /// Secret (repeatable: rotation). With --db: PROVIDER=SECRET, added to the configured ones
    #[arg(long = "secret", value_name = "SECRET")]
    pub secrets: Vec<String>,
    /// Unix time to verify at, instead of now
    #[arg(long, value_name = "UNIX")]
    pub now: Option<i64>,
    /// Freshness window in seconds, instead of the provider's
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(i64).range(0..))]
    pub tolerance: Option<i64>,
    /// The URL the provider signed (Twilio, Square); default http://HOST/TARGET from the request
    #[arg(long)]
    pub url: Option<String>,
    /// Re-check every request stored in this capture file and store the new verdicts
    #[arg(long, conflicts_with_all = ["file", "now", "url", "provider"])]
    pub db: Option<PathBuf>,
    /// Configuration file (secrets, routes) for --db
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// A raw HTTP/1.1 request (e.g. from `hookscope show ID --raw`); stdin if absent
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// Capture file (.sqlite3; new rows appear live if another hookscope writes it), or a HAR file to look through
    pub file: PathBuf,
}

#[derive(Clone, Debug, Default, Args)]
pub struct ListenArgs {
    /// Port to listen on (0 picks a free one) [default: 8765]
    #[arg(long, short)]
    pub port: Option<u16>,
    /// Address to bind; anything but loopback exposes your captures to the network [default: 127.0.0.1]
    #[arg(long)]
    pub bind: Option<IpAddr>,
    /// Capture file [default: $XDG_DATA_HOME/hookscope/captures.sqlite3]
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Largest body stored in full, e.g. 16MiB, 512KiB, 1000000; larger ones are truncated and answered 413
    #[arg(long, value_parser = parse_size)]
    pub max_body: Option<u64>,
    /// Seconds a client may take to send its request head
    #[arg(long, value_name = "SECONDS")]
    pub header_timeout: Option<u64>,
    /// Seconds a client may take to send its body
    #[arg(long, value_name = "SECONDS")]
    pub body_timeout: Option<u64>,
    /// Status code of the answer to captured requests [default: 200]
    #[arg(long)]
    pub status: Option<u16>,
    /// Body of the answer; `{id}` becomes the stored id
    #[arg(long, value_name = "TEXT")]
    pub response_body: Option<String>,
    /// Extra answer header, "Name: value" (repeatable; replaces the configured ones)
    #[arg(long = "response-header", value_name = "HEADER", value_parser = parse_header)]
    pub response_headers: Vec<(String, String)>,
    /// No terminal UI: print a line per captured request
    #[arg(long)]
    pub headless: bool,
    /// Secret to verify signatures with, PROVIDER=SECRET (repeatable; several per provider = rotation)
    #[arg(long = "secret", value_name = "PROVIDER=SECRET", value_parser = SecretFlag)]
    pub secrets: Vec<(crate::signature::ProviderId, String)>,
    /// The public URL providers call (e.g. your tunnel); Twilio and Square sign it
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Send every captured request on to your app (a URL, or an origin to keep each captured path) and answer with its answer
    #[arg(long, value_name = "URL")]
    pub forward: Option<String>,
    /// Accept any TLS certificate when forwarding (self-signed local HTTPS)
    #[arg(long)]
    pub insecure: bool,
    /// Configuration file [default: ./hookscope.toml, else $XDG_CONFIG_HOME/hookscope/config.toml]
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// Capture file to read
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// One JSON object per line instead of a table
    #[arg(long)]
    pub json: bool,
    /// Only requests matching this filter, e.g. 'method:POST path:/hooks/* -status:2xx'
    // A filter may start with `-` (negation): it is a value, not a flag.
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub filter: Option<String>,
    /// Show at most this many requests (0 = all)
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Id of the request (see `hookscope ls`)
    pub id: i64,
    /// Capture file to read
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// The request exactly as received, as an HTTP/1.1 message
    #[arg(long, conflicts_with_all = ["json", "curl"])]
    pub raw: bool,
    /// The request as a JSON object
    #[arg(long, conflicts_with = "curl")]
    pub json: bool,
    /// A curl command that sends the same request
    #[arg(long)]
    pub curl: bool,
}

/// Parses sizes like `16MiB`, `512KiB`, `10MB`, `1000`.
/// Parses `--secret PROVIDER=SECRET` with errors that never repeat the
/// value: clap's own start with "invalid value '…'", and a value missing
/// its `PROVIDER=` is the bare secret.
#[derive(Clone, Copy, Debug)]
pub struct SecretFlag;

impl clap::builder::TypedValueParser for SecretFlag {
    type Value = (crate::signature::ProviderId, String);

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Self::Value, clap::Error> {
        let refuse = |message: String| {
            clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("{message}\n"))
                .with_cmd(cmd)
        };
        let text = value
            .to_str()
            .ok_or_else(|| refuse("`--secret` is not UTF-8 text".into()))?;
        crate::verifier::parse_secret_flag(text).map_err(refuse)
    }
}

pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size (try 16MiB, 512KiB or a byte count)"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        other => {
            return Err(format!(
                "unknown size unit `{other}` (use B, KiB, MiB, GiB, KB, MB, GB)"
            ));
        }
    };
    n.checked_mul(factor)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// Parses `Name: value`.
pub fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("`{text}` is not a header; write it as \"Name: value\""))?;
    let name = name.trim();
    http::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid header name"))?;
    let value = value.trim();
    http::HeaderValue::from_str(value)
        .map_err(|_| format!("`{value}` is not a valid header value"))?;
    Ok((name.to_owned(), value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("512 KiB"), Ok(512 << 10));
        assert_eq!(parse_size("10MB"), Ok(10_000_000));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("1XB").is_err());
        assert!(parse_size("99999999999GiB").is_err());
    }

    #[test]
    fn headers() {
        assert_eq!(parse_header("X-A:  b c "), Ok(("X-A".into(), "b c".into())));
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: x").is_err());
    }

    #[test]
    fn a_filter_may_start_with_a_negation() {
        for args in [
            &["hookscope", "ls", "--filter", "-status:2xx"][..],
            &["hookscope", "export", "x.md", "--filter", "-method:GET"],
        ] {
            let cli = Cli::try_parse_from(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            let filter = match cli.command {
                Some(Command::Ls(a)) => a.filter,
                Some(Command::Export(a)) => a.filter,
                _ => None,
            };
            assert_eq!(filter.as_deref(), args.last().copied());
        }
    }

    #[test]
    fn listen_is_the_default_command() {
        let cli = Cli::try_parse_from(["hookscope", "--headless", "--port", "0"]).expect("parses");
        assert!(cli.command.is_none());
        assert!(cli.listen.headless);
        assert_eq!(cli.listen.port, Some(0));
    }
}
