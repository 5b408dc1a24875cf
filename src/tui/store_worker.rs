//! The reader thread: owns a read connection, answers `StoreCmd`s with
//! messages, and (for files written by another process) watches for commits.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::msg::{Msg, StoreCmd, StoreReply};
use crate::store::{Reader, StoreError};

/// How often a watched file is checked for writes by other processes.
const POLL: Duration = Duration::from_millis(300);

/// Starts the thread; it ends when the command sender is dropped.
pub fn start(
    path: PathBuf,
    watch: bool,
    msgs: UnboundedSender<Msg>,
) -> Result<mpsc::Sender<StoreCmd>, StoreError> {
    let reader = Reader::open(&path)?;
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("store-reader".into())
        .spawn(move || serve(&reader, &rx, watch, &msgs))
        .map_err(|e| StoreError::Io { path, error: e })?;
    Ok(tx)
}

fn serve(
    reader: &Reader,
    cmds: &mpsc::Receiver<StoreCmd>,
    watch: bool,
    msgs: &UnboundedSender<Msg>,
) {
    let mut version = reader.data_version().ok();
    loop {
        let cmd = match cmds.recv_timeout(POLL) {
            Ok(cmd) => cmd,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if watch {
                    let now = reader.data_version().ok();
                    if now != version {
                        version = now;
                        let _ = msgs.send(Msg::FileChanged);
                    }
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        let reply = answer(reader, cmd);
        if msgs.send(reply.into()).is_err() {
            return;
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
