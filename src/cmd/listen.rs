//! `hookscope listen`: runs the capture server until Ctrl-C, printing a line
//! per captured request in headless mode.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::capture;
use crate::cli::ListenArgs;
use crate::config::Config;
use crate::human;
use crate::model::RequestSummary;
use crate::sanitize::visible;
use crate::store::{StoreEvent, Writer};

/// How long queued commits get to finish after the server stopped.
const WRITER_GRACE: Duration = Duration::from_secs(10);

pub fn run(args: &ListenArgs) -> anyhow::Result<ExitCode> {
    let (mut config, config_path) = Config::load(args.config.as_deref())?;
    config.apply(args)?;
    if !args.headless {
        anyhow::bail!(
            "the terminal UI is not part of this build yet; run `hookscope listen --headless` to capture without it"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(headless(config, config_path))
}

async fn headless(
    config: Config,
    config_path: Option<std::path::PathBuf>,
) -> anyhow::Result<ExitCode> {
    let path = config.db_path();
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let (writer, handle) = Writer::start(&path, events_tx)?;
    let listener = TcpListener::bind(config.addr())
        .await
        .with_context(|| format!("cannot listen on {}", config.addr()))?;
    let addr = listener
        .local_addr()
        .context("cannot read the bound address")?;
    if capture::is_exposed(&addr) {
        eprintln!(
            "warning: listening on {addr}, which is not loopback: anyone who can reach this machine can send requests and read their answers"
        );
    }
    if let Some(p) = &config_path {
        println!("config: {}", p.display());
    }
    println!(
        "hookscope listening on http://{addr} (capture file {}); Ctrl-C stops",
        path.display()
    );
    flush();

    let server = tokio::spawn(capture::serve(
        listener,
        config.capture(),
        handle,
        shutdown_signal(),
    ));
    let printer = tokio::spawn(async move {
        let mut captured = 0u64;
        while let Some(event) = events.recv().await {
            match event {
                StoreEvent::Captured(rows) => {
                    captured += rows.len() as u64;
                    let mut out = std::io::stdout().lock();
                    for row in &rows {
                        let _ = writeln!(out, "{}", log_line(row));
                    }
                    let _ = out.flush();
                }
                StoreEvent::Failed(reason) => {
                    eprintln!("error: could not store requests (answered 503): {reason}");
                }
            }
        }
        captured
    });
    server.await.context("the capture server failed")?;
    eprintln!("stopping: storing what is still queued");
    let finished = tokio::task::spawn_blocking(move || writer.finish());
    if tokio::time::timeout(WRITER_GRACE, finished).await.is_err() {
        eprintln!("warning: the store did not finish within {WRITER_GRACE:?}");
        return Ok(ExitCode::FAILURE);
    }
    let captured = printer.await.unwrap_or(0);
    println!(
        "stopped; {captured} requests captured in {}",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `#12  07:41:11.123  POST /hooks/stripe?x=1  → 200  1.2 KiB  application/json  push`
pub fn log_line(row: &RequestSummary) -> String {
    let mut line = format!(
        "#{}  {}  {} {}  → {}  {}",
        row.id,
        human::time_of_day(row.received_at_us),
        visible(&row.method),
        visible(&row.target),
        row.status,
        human::size(row.body_size),
    );
    if row.body_truncated {
        line.push_str(" (truncated)");
    }
    for extra in [&row.content_type, &row.event_type].into_iter().flatten() {
        line.push_str("  ");
        line.push_str(&visible(extra));
    }
    line
}

fn flush() {
    let _ = std::io::stdout().flush();
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = term => {}
    }
}
