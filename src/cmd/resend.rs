//! `hookscope resend ID --to URL`: sends a captured request again (as
//! captured, edited in `$EDITOR`, or re-signed) and stores the attempt.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::ResendArgs;
use crate::config::Config;
use crate::delivery;
use crate::model::RequestId;
use crate::resend::{self, OutgoingRequest};
use crate::sanitize::{visible, visible_bytes};
use crate::signature::ProviderId;
use crate::store::{Reader, Writer};
use crate::verifier::{Clock, Verifier};

pub fn run(args: &ResendArgs) -> anyhow::Result<ExitCode> {
    let (mut config, _) = Config::load(args.config.as_deref())?;
    if args.insecure {
        config.insecure = true;
    }
    let path = match &args.db {
        Some(p) => p.clone(),
        None => config.db_path(),
    };
    let detail = Reader::open(&path)?
        .detail(RequestId(args.id))?
        .with_context(|| format!("no request with id {} in {}", args.id, path.display()))?;
    let mut req = OutgoingRequest::from_capture(&detail, &args.to)?;
    if args.edit {
        req = edit(&req)?;
    }
    if args.resign {
        let verifier = Verifier::new(&config, &args.secrets, |name| std::env::var(name).ok())?;
        let s = &detail.summary;
        let provider = s
            .sig_provider
            .as_deref()
            .and_then(|p| p.parse::<ProviderId>().ok())
            .or_else(|| {
                verifier
                    .check(&s.method, &s.target, &detail.headers, &detail.body)
                    .provider
            })
            .context("cannot re-sign: the request is not signed by a known provider")?;
        let secret = verifier.secret_for(provider).with_context(|| {
            format!("cannot re-sign: give --secret {}=SECRET", provider.as_str())
        })?;
        delivery::resign(
            &mut req,
            provider,
            secret,
            verifier.generic(),
            Clock::System,
        )?;
    }
    let client = config.client()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let (events, _ignored) = tokio::sync::mpsc::unbounded_channel();
    let (writer, handle) = Writer::start(&path, events)?;
    let attempt = runtime.block_on(delivery::send_recorded(
        &client,
        Some(&handle),
        Some(detail.summary.id),
        "resend",
        &req,
        &[],
    ));
    drop(handle);
    writer.finish();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} {} → {}",
        req.method,
        visible(&req.url),
        delivery::describe(&attempt)
    )?;
    if let Ok(response) = &attempt.outcome {
        for (name, value) in &response.headers {
            writeln!(out, "{}: {}", visible(name), visible_bytes(value))?;
        }
        if !response.body.is_empty() {
            writeln!(out, "\n{}", visible_bytes(&response.body))?;
        }
    }
    Ok(if delivery::delivered(&attempt) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The request as an HTTP message file in `$VISUAL`/`$EDITOR`; returns what was saved.
fn edit(req: &OutgoingRequest) -> anyhow::Result<OutgoingRequest> {
    let file = tempfile::Builder::new()
        .prefix("hookscope-")
        .suffix(".http")
        .tempfile()
        .context("cannot create a temporary file")?;
    std::fs::write(file.path(), resend::to_message_file(req))?;
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_owned());
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .with_context(|| format!("cannot start {editor}"))?;
    anyhow::ensure!(
        status.success(),
        "{editor} exited with {status}; nothing sent"
    );
    let text = std::fs::read(file.path())?;
    Ok(resend::parse_message_file(&text)?)
}
