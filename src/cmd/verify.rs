//! `hookscope verify`: the signature verdict for one raw request (exit code
//! 0 only when valid), or new verdicts for every request in a capture file.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::VerifyArgs;
use crate::config::Config;
use crate::signature::{self, ProviderId, RequestView, Status, VerifyOptions};
use crate::store::{self, Reader};
use crate::verifier::{self, Clock, Verifier};

pub fn run(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let (config, _) = Config::load(args.config.as_deref())?;
    if let Some(db) = &args.db {
        return reverify_file(db, &config, args);
    }
    let raw = match &args.file {
        Some(path) => {
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?
        }
        None => {
            let mut raw = Vec::new();
            std::io::stdin()
                .read_to_end(&mut raw)
                .context("cannot read the request from stdin")?;
            raw
        }
    };
    let request = RawRequest::parse(&raw)?;
    let forced = match args.provider.as_str() {
        "auto" => None,
        id => Some(id.parse::<ProviderId>()?),
    };
    let url = match &args.url {
        Some(url) => url.clone(),
        None => Verifier::default().url_for(&request.target, &request.headers),
    };
    let view = RequestView {
        method: &request.method,
        url: &url,
        headers: &request.headers,
        body: &request.body,
    };
    let options = VerifyOptions {
        secrets: &args.secrets,
        now: args.now.unwrap_or_else(|| Clock::System.now()),
        tolerance: args.tolerance,
        public_url: None,
        generic: config.generic_hmac.as_ref(),
        verdict_only: false,
    };
    let verification = signature::evaluate(forced, &view, &options);
    say!("{}", crate::export::json_text(&verification, true))?;
    Ok(if verification.status == Status::Valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Re-checks every stored request with the configured secrets plus
/// `--secret PROVIDER=SECRET`, and stores the verdicts that changed.
fn reverify_file(db: &Path, config: &Config, args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let flags = args
        .secrets
        .iter()
        .map(|s| verifier::parse_secret_flag(s).map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut verifier = Verifier::new(config, &flags, |name| std::env::var(name).ok())?;
    if let Some(t) = args.tolerance {
        verifier = verifier.with_tolerance(t);
    }
    let reader = Reader::open(db)?;
    let (checked, changed) = verifier::reverify(&reader, &verifier)?;
    drop(reader);
    let mut conn = store::open_write(db)?;
    store::set_signatures(&mut conn, &changed).map_err(|e| store::StoreError::sqlite(db, e))?;
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for v in &changed {
        *counts.entry(v.status.as_str()).or_default() += 1;
    }
    say!(
        "checked {checked} requests in {}; {} verdicts changed",
        db.display(),
        changed.len()
    )?;
    for (status, n) in counts {
        say!("  now {status}: {n}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// One HTTP/1.x request as raw bytes.
struct RawRequest {
    method: String,
    target: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl RawRequest {
    fn parse(raw: &[u8]) -> anyhow::Result<RawRequest> {
        let mut slots = vec![httparse::EMPTY_HEADER; 256];
        let mut parsed = httparse::Request::new(&mut slots);
        let head_len = match parsed.parse(raw) {
            Ok(httparse::Status::Complete(n)) => n,
            Ok(httparse::Status::Partial) => {
                anyhow::bail!(
                    "the request ends before its headers do (a blank line must follow them)"
                )
            }
            Err(e) => anyhow::bail!("not an HTTP/1.x request: {e}"),
        };
        let headers: Vec<(String, Vec<u8>)> = parsed
            .headers
            .iter()
            .map(|h| (h.name.to_owned(), h.value.to_vec()))
            .collect();
        let mut body = raw[head_len..].to_vec();
        if crate::export::is_chunked(&headers) {
            // Providers sign the body, not its chunk framing.
            body = crate::export::dechunk(&body).context(
                "the request is chunked (Transfer-Encoding: chunked) but its chunks are broken or cut short",
            )?;
        }
        // An editor may add a final newline to a saved file: Content-Length says what was sent.
        let length = crate::model::header_value(&headers, "content-length")
            .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<usize>().ok());
        match length {
            Some(length) if length < body.len() => body.truncate(length),
            Some(length) if length > body.len() => anyhow::bail!(
                "the body is cut short: Content-Length says {length} bytes, and {} follow the \
                 head",
                body.len()
            ),
            _ => {}
        }
        Ok(RawRequest {
            method: parsed.method.unwrap_or("GET").to_owned(),
            target: parsed.path.unwrap_or("/").to_owned(),
            headers,
            body,
        })
    }
}
