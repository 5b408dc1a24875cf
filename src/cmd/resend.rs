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
use crate::store::{Reader, Writer};
use crate::verifier::Verifier;

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
        delivery::resign_as_captured(&mut req, &detail, &verifier).map_err(anyhow::Error::msg)?;
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
    let text =
        delivery::edit_in_editor(&resend::to_message_file(req)).map_err(anyhow::Error::msg)?;
    Ok(resend::parse_message_file(&text)?)
}
