//! `hookscope send NAME|FILE --to URL`: fires a sample event, signed like
//! its provider signs, with retries on failure.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use crate::cli::SendArgs;
use crate::config::Config;
use crate::delivery;
use crate::resend::{self, DEFAULT_SCHEDULE};
use crate::sanitize::visible;
use crate::verifier::Clock;

pub fn run(args: &SendArgs) -> anyhow::Result<ExitCode> {
    if args.list {
        let mut out = std::io::stdout().lock();
        for sample in resend::samples::all() {
            let provider = sample.provider.as_deref().unwrap_or("-");
            writeln!(
                out,
                "{:<28} {:<18} {}",
                sample.name, provider, sample.description
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (mut config, _) = Config::load(None)?;
    if args.insecure {
        config.insecure = true;
    }
    let name = args
        .sample
        .as_deref()
        .context("name a sample (see --list) or a sample file")?;
    let to = args.to.as_deref().context("--to URL is required")?;
    let sample = resend::samples::resolve(name)?;
    let mut req = sample.to_outgoing(to)?;
    if let (Some(provider), Some(secret)) = (args.sign, &args.secret) {
        delivery::resign(
            &mut req,
            provider,
            secret,
            config.generic_hmac.as_ref(),
            Clock::System,
        )?;
    }
    let delays: Vec<Duration> = if args.retry_delays.is_empty() {
        DEFAULT_SCHEDULE.to_vec()
    } else {
        args.retry_delays.clone()
    };
    let schedule: Vec<Duration> = (0..args.retries)
        .map(|i| delays.get(i).or(delays.last()).copied().unwrap_or_default())
        .collect();
    let client = config.client()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let last = runtime.block_on(resend::deliver(&client, &req, &schedule, |attempt| {
        let next = schedule
            .get(attempt.number - 1)
            .filter(|_| attempt.is_retryable())
            .map(|d| format!("; retrying in {}", resend::human_duration(*d)))
            .unwrap_or_default();
        // A closed stdout stops the report, not the delivery.
        let _ = say!(
            "attempt {}: {} {} → {}{next}",
            attempt.number,
            req.method,
            visible(&req.url),
            delivery::describe(attempt)
        );
    }));
    Ok(if delivery::delivered(&last) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
