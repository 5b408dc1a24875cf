//! `hookscope listen`: runs the capture server with the terminal UI, or
//! headless with a line per captured request, until the user stops it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::{mpsc, oneshot};

use crate::capture;
use crate::cli::ListenArgs;
use crate::config::Config;
use crate::human;
use crate::model::RequestSummary;
use crate::sanitize::visible;
use crate::store::{StoreEvent, WriterTask};
use crate::tui::{self, UiOptions, app::Source};
use crate::verifier::{SharedVerifier, Verifier};

/// How long the store gets to close the file after the server stopped.
const WRITER_GRACE: Duration = Duration::from_secs(10);
/// Headless log lines are written at most this often.
const PRINT_INTERVAL: Duration = Duration::from_millis(20);

pub fn run(args: &ListenArgs) -> anyhow::Result<ExitCode> {
    let (mut config, config_path) = Config::load(args.config.as_deref())?;
    config.apply(args)?;
    super::init_tracing(args.headless);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // What the verifier refuses (routes, secrets from the environment)
    // comes from the config file: say which.
    let verifier =
        Verifier::new(&config, &args.secrets, |name| std::env::var(name).ok()).map_err(|e| {
            match &config_path {
                Some(path) => anyhow::anyhow!("config file {}: {e}", path.display()),
                None => e.into(),
            }
        })?;
    let reload = {
        let overrides = args.clone();
        move || -> Result<Verifier, String> {
            let (mut config, _) =
                Config::load(overrides.config.as_deref()).map_err(|e| e.to_string())?;
            config.apply(&overrides).map_err(|e| e.to_string())?;
            Verifier::new(&config, &overrides.secrets, |name| std::env::var(name).ok())
                .map_err(|e| e.to_string())
        }
    };
    runtime.block_on(listen(
        config,
        config_path,
        args.headless,
        verifier,
        Box::new(reload),
    ))
}

async fn listen(
    config: Config,
    config_path: Option<PathBuf>,
    headless: bool,
    verifier: Verifier,
    reload: tui::Reload,
) -> anyhow::Result<ExitCode> {
    let path = config.db_path();
    let secrets_note = if verifier.has_secrets() {
        "signatures are checked with the configured secrets"
    } else {
        "no secrets configured: signed requests show as unverified (add --secret PROVIDER=SECRET)"
    };
    let verifier = SharedVerifier::new(verifier);
    let (events_tx, events) = mpsc::unbounded_channel();
    let (store, handle) = WriterTask::open(&path, events_tx)?;
    let listener = std::net::TcpListener::bind(config.addr())
        .with_context(|| format!("cannot listen on {}", config.addr()))?;
    let addr = listener
        .local_addr()
        .context("cannot read the bound address")?;
    if capture::is_exposed(&addr) {
        eprintln!(
            "warning: listening on {addr}, which is not loopback: anyone who can reach this machine can send requests and read their answers"
        );
    }
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let mut server = capture::spawn(
        listener,
        config
            .capture(verifier.clone())
            .context("cannot set up forwarding")?,
        store,
        handle.clone(),
        async {
            tokio::select! {
                () = shutdown_signal() => {}
                _ = stop_rx => {}
            }
        },
    )
    .context("cannot start the capture server")?;
    let url = format!("http://{addr}");
    let captured = if headless {
        if let Some(p) = &config_path {
            let _ = say!("config: {}", p.display());
        }
        let _ = say!(
            "hookscope listening on {url} (capture file {}); Ctrl-C stops",
            path.display()
        );
        let _ = say!("{secrets_note}");
        if let Some(target) = &config.forward {
            let _ = say!("forwarding every request to {target}; senders get its answers");
        }
        flush();
        drop(handle);
        let (flush_printer, flush_requests) = mpsc::channel(1);
        let forwarding = config.forward.is_some();
        let printer = tokio::spawn(print_events(events, flush_requests, forwarding));
        server.served().await.context("the capture server failed")?;
        // Every answered request is stored by now: its line goes out before
        // the stop message.
        let (flushed, printed) = oneshot::channel();
        if flush_printer.send(flushed).await.is_ok() {
            let _ = printed.await;
        }
        Some(printer)
    } else {
        let options = UiOptions {
            source: Source::Listening {
                url,
                file: path.display().to_string(),
            },
            db: path.clone(),
            writer: Some(handle),
            store_events: Some(events),
            verifier,
            reload: Some(reload),
            client: config.client_options(),
        };
        let ui = tokio::select! {
            result = tui::run(options) => result,
            () = shutdown_signal() => Ok(()),
        };
        let _ = stop_tx.send(());
        server.served().await.context("the capture server failed")?;
        ui?;
        None
    };
    eprintln!("stopping: closing the capture file");
    match tokio::time::timeout(WRITER_GRACE, server.stored()).await {
        Ok(stored) => stored.context("the store failed to close the capture file")?,
        Err(_) => {
            eprintln!("warning: the store did not finish within {WRITER_GRACE:?}");
            return Ok(ExitCode::FAILURE);
        }
    }
    let n = match captured {
        Some(printer) => Some(printer.await.unwrap_or(0)),
        None => None,
    };
    if !path.exists() {
        let _ = say!(
            "stopped; {} was deleted while hookscope ran: what was captured before is gone \
             with it, and requests after that were answered 503",
            path.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    // A closed stdout must not stop the shutdown: the rows are stored.
    let _ = match n {
        Some(n) => say!("stopped; {n} requests captured in {}", path.display()),
        None => say!("stopped; captures are in {}", path.display()),
    };
    Ok(ExitCode::SUCCESS)
}

/// Prints a line per captured request; returns how many there were. A
/// request on `flush` has everything stored so far printed at once, and is
/// answered when it is written.
async fn print_events(
    mut events: mpsc::UnboundedReceiver<StoreEvent>,
    mut flush: mpsc::Receiver<oneshot::Sender<()>>,
    forwarding: bool,
) -> u64 {
    let mut captured = 0u64;
    let mut last_write: Option<tokio::time::Instant> = None;
    loop {
        let mut flushed = None;
        let first = tokio::select! {
            event = events.recv() => match event {
                Some(event) => Some(event),
                None => break,
            },
            Some(ack) = flush.recv() => {
                flushed = Some(ack);
                None
            }
        };
        // Under load the lines of several commits go out together: waking
        // this task for every commit cost more CPU than formatting the lines.
        // A request arriving after a quiet spell is printed at once.
        if let Some(due) = last_write.map(|at| at + PRINT_INTERVAL)
            && due > tokio::time::Instant::now()
            && flushed.is_none()
        {
            tokio::select! {
                () = tokio::time::sleep_until(due) => {}
                Some(ack) = flush.recv() => flushed = Some(ack),
            }
        }
        let mut text = String::new();
        let mut next = first.or_else(|| events.try_recv().ok());
        while let Some(event) = next {
            match event {
                StoreEvent::Captured(rows) => {
                    captured += rows.len() as u64;
                    for row in &rows {
                        text.push_str(&log_line(row, forwarding));
                        text.push('\n');
                    }
                }
                // The sender's answer is the app's, known once it answered.
                StoreEvent::Attempted {
                    id,
                    answered: Some(status),
                } => {
                    text.push_str(&format!("#{id}  forwarded  → {status}\n"));
                }
                StoreEvent::Deleted(_)
                | StoreEvent::Reverified(_)
                | StoreEvent::Attempted { answered: None, .. }
                | StoreEvent::ChangedElsewhere => {}
                StoreEvent::Failed(reason) => {
                    eprintln!("error: could not store requests (answered 503): {reason}");
                }
            }
            next = events.try_recv().ok();
        }
        if !text.is_empty() {
            // One write for all of them: stdout is line-buffered, and a write
            // per line costs a syscall per request.
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            last_write = Some(tokio::time::Instant::now());
        }
        if let Some(ack) = flushed {
            let _ = ack.send(());
        }
    }
    captured
}

/// `#12  07:41:11.123  POST /hooks/stripe?x=1  → 200  1.2 KiB  application/json  push`;
/// when forwarding, the answer is not known yet: `→ forwarding`, and a
/// `#12  forwarded  → 404` line follows.
pub fn log_line(row: &RequestSummary, forwarding: bool) -> String {
    let status: &dyn std::fmt::Display = if forwarding {
        &"forwarding"
    } else {
        &row.status
    };
    let mut line = format!(
        "#{}  {}  {} {}  → {status}  {}",
        row.id,
        human::time_of_day(row.received_at_us),
        visible(&row.method),
        visible(&row.target),
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

/// `hookscope open FILE`: the UI on a capture file, read-only, no server.
pub fn open(path: &Path) -> anyhow::Result<ExitCode> {
    // A HAR file is imported into a capture file of its own, gone when the
    // UI closes; the HAR itself is only read.
    let imported;
    let (db, shown) = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("har"))
    {
        imported = tempfile::tempdir().context("cannot make a temporary directory")?;
        let db = imported.path().join("imported.sqlite3");
        super::import::import_file(path, &db)?;
        (db, format!("{} (imported)", path.display()))
    } else {
        (path.to_path_buf(), path.display().to_string())
    };
    let path = db.as_path();
    // Fail before the terminal switches screens, with the store's message.
    crate::store::Reader::open(path)?;
    let (config, _) = Config::load(None)?;
    let verifier = Verifier::new(&config, &[], |name| std::env::var(name).ok())?;
    super::init_tracing(false);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let ui = tui::run(UiOptions {
        source: Source::Offline { file: shown },
        db: path.to_path_buf(),
        writer: None,
        store_events: None,
        verifier: SharedVerifier::new(verifier),
        reload: None,
        client: config.client_options(),
    });
    // Dropping the UI on a signal gives the terminal back, as quitting does.
    runtime.block_on(async {
        tokio::select! {
            result = ui => result,
            () = shutdown_signal() => Ok(()),
        }
    })?;
    Ok(ExitCode::SUCCESS)
}
