//! The reader thread: owns a read connection, answers `StoreCmd`s with
//! messages, and watches for commits by other processes: itself for a file
//! opened offline, through the writer while listening.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use super::msg::{Msg, StoreCmd, StoreReply};
use crate::store::{Reader, StoreError, WriterHandle};

/// How often the file is checked for writes by other processes.
const POLL: Duration = Duration::from_millis(300);

/// Starts the thread; it ends when the command sender is dropped. With a
/// `writer`, the writer looks for other processes' commits: this reader's
/// view of the file also changes with every commit of the writer's own.
pub fn start(
    path: PathBuf,
    writer: Option<WriterHandle>,
    msgs: UnboundedSender<Msg>,
) -> Result<mpsc::Sender<StoreCmd>, StoreError> {
    let reader = Reader::open(&path)?;
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("store-reader".into())
        .spawn(move || serve(&reader, &rx, writer.as_ref(), &msgs))
        .map_err(|e| StoreError::Io { path, error: e })?;
    Ok(tx)
}

fn serve(
    reader: &Reader,
    cmds: &mpsc::Receiver<StoreCmd>,
    writer: Option<&WriterHandle>,
    msgs: &UnboundedSender<Msg>,
) {
    let mut version = reader.data_version().ok();
    // Looked for on time even while commands keep coming.
    let mut next_look = Instant::now() + POLL;
    loop {
        match cmds.recv_timeout(next_look.saturating_duration_since(Instant::now())) {
            Ok(cmd) => {
                if msgs.send(answer(reader, cmd).into()).is_err() {
                    return;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
        if Instant::now() < next_look {
            continue;
        }
        next_look = Instant::now() + POLL;
        match writer {
            Some(writer) => writer.look_for_others(),
            None => {
                let now = reader.data_version().ok();
                if now != version {
                    version = now;
                    let _ = msgs.send(Msg::FileChanged);
                }
            }
        }
    }
}

fn answer(reader: &Reader, cmd: StoreCmd) -> StoreReply {
    let failed = |what, e: StoreError| StoreReply::Failed {
        what,
        error: e.to_string(),
    };
    match cmd {
        StoreCmd::LoadWindow {
            generation,
            filter,
            anchor,
            dir,
            limit,
            placement,
        } => match reader.window(&filter.to_sql(), anchor, dir, limit) {
            Ok(rows) => StoreReply::Window {
                generation,
                rows,
                placement,
            },
            Err(e) => failed("loading the list", e),
        },
        StoreCmd::LoadDetail(id) => {
            match reader
                .detail(id)
                .and_then(|d| Ok((d, reader.attempts(id)?)))
            {
                Ok((detail, attempts)) => StoreReply::Detail {
                    id,
                    detail: detail.map(Box::new),
                    attempts,
                },
                Err(e) => failed("loading the request", e),
            }
        }
        StoreCmd::Count { generation, filter } => {
            let counts = reader.count().and_then(|total| {
                let matching = if filter.is_empty() {
                    total
                } else {
                    reader.count_matching(&filter.to_sql())?
                };
                Ok((total, matching))
            });
            match counts {
                Ok((total, matching)) => StoreReply::Count {
                    generation,
                    total,
                    matching,
                },
                Err(e) => failed("counting", e),
            }
        }
        StoreCmd::Export {
            filter,
            path,
            redact,
        } => {
            let result = crate::export::write_file(reader, &filter, &path, redact)
                .map_err(|e| format!("{e:#}"));
            StoreReply::Exported { path, result }
        }
    }
}
