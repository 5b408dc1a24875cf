//! WAL checkpoints on a side connection, so the writer never pauses to copy
//! pages into the database file.

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use rusqlite::Connection;

use super::{FileId, StoreError};

/// Rows committed between two nudges to the checkpointer (about 10 MB of
/// WAL for 1 KB webhooks).
const CHECKPOINT_EVERY: usize = 4_000;
/// Rows after which the writer copies the rest itself even if no pass has
/// caught up. A writer fed faster than the passes copy (rows stored
/// straight into it, as the WAL test does in a release build) would
/// otherwise grow the WAL with every row: 93-233 MB for a 122 MB file there,
/// against 14-40 MB with the take-over, whose copying holds the writer back.
const TAKE_OVER_AFTER: usize = 3 * CHECKPOINT_EVERY;
/// Rows between two take-over attempts while a reader's snapshot keeps the
/// WAL from being copied in full: each attempt may sync twice.
const RETRY_EVERY: usize = 512;
/// A background pass stops chasing the writer once fewer frames than this
/// were added while it ran; the writer copies that small rest itself.
const CATCH_UP_FRAMES: i64 = 256;
/// Passes per nudge, in case the writer outpaces the copying.
const MAX_PASSES: usize = 8;

/// Runs passive checkpoints on its own connection, so the writer never
/// pauses to copy the bulk of the WAL into the database (this halves tail
/// latency under load compared with SQLite's built-in autocheckpoint).
///
/// A passive checkpoint alone never lets the WAL restart while commits keep
/// coming, so the WAL would grow without bound. After the bulk is copied the
/// writer finishes the few remaining frames itself (`committed`), and its
/// next commit starts writing the WAL from the beginning again.
pub(super) struct Checkpointer {
    nudges: Option<std_mpsc::SyncSender<()>>,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    since_nudge: usize,
    /// Rows since the WAL could last restart, and when the writer takes over.
    since_finish: usize,
    take_over_at: usize,
}

/// What the writer and the background thread tell each other.
#[derive(Default)]
struct Shared {
    /// A background round copied the bulk and synced it: the writer finishes.
    caught_up: AtomicBool,
    /// The writer is overdue and copies the rest itself: the background
    /// stops, or it would keep the checkpoint lock from the writer.
    writer_takes_over: AtomicBool,
}

impl Checkpointer {
    pub(super) fn start(path: &Path) -> Result<Checkpointer, StoreError> {
        let conn = Connection::open(path).map_err(|e| StoreError::sqlite(path, e))?;
        // fsync flushes the file's pages whichever descriptor wrote them.
        let db_file = kept_open(path).map_err(|e| StoreError::io(path, e))?;
        let mut wal_path = path.as_os_str().to_owned();
        wal_path.push("-wal");
        let (tx, rx) = std_mpsc::sync_channel::<()>(1);
        let shared = Arc::new(Shared::default());
        let flags = shared.clone();
        let thread = std::thread::Builder::new()
            .name("store-checkpoint".into())
            .spawn(move || {
                while rx.recv().is_ok() {
                    // The writer has yet to finish: a new round would only
                    // take the checkpoint lock from it.
                    if flags.caught_up.load(Ordering::Acquire)
                        || flags.writer_takes_over.load(Ordering::Acquire)
                    {
                        continue;
                    }
                    // Flushing the copied pages and the frames written during
                    // the pass here leaves the writer's own checkpoint, on
                    // the capture thread, little to sync: under load that
                    // thread then spends 0.30-0.36 s of every 8 s in fsync,
                    // against 0.47-0.53 s with only the pages flushed (and
                    // ~5.5 ms per WAL restart with nothing flushed first).
                    let flushed = copy_bulk(&conn, &flags.writer_takes_over)
                        && db_file.sync_data().is_ok()
                        // SQLite locks the database and `-shm` files, never
                        // the WAL, so this descriptor may come and go.
                        && std::fs::File::open(&wal_path)
                            .and_then(|f| f.sync_data())
                            .is_ok();
                    if flushed {
                        flags.caught_up.store(true, Ordering::Release);
                    }
                }
            })
            .map_err(|e| StoreError::io(path, e))?;
        Ok(Checkpointer {
            nudges: Some(tx),
            shared,
            thread: Some(thread),
            since_nudge: 0,
            since_finish: 0,
            take_over_at: TAKE_OVER_AFTER,
        })
    }

    /// Called by the writer after each commit of `rows` rows: nudges the
    /// background now and then, and once a pass has caught up (or the
    /// background has fallen too far behind) checkpoints the rest on the
    /// writer's own connection.
    pub(super) fn committed(&mut self, writer: &Connection, rows: usize) {
        self.since_nudge += rows;
        self.since_finish += rows;
        // A round that caught up gets one attempt; if a reader prevents it,
        // the next round or the take-over tries again.
        let caught_up = self.shared.caught_up.swap(false, Ordering::AcqRel);
        let overdue = self.since_finish >= self.take_over_at;
        if overdue {
            self.shared.writer_takes_over.store(true, Ordering::Release);
        }
        if caught_up || overdue {
            if copy_rest(writer) {
                self.shared
                    .writer_takes_over
                    .store(false, Ordering::Release);
                self.since_finish = 0;
                self.take_over_at = TAKE_OVER_AFTER;
            } else if overdue {
                self.take_over_at = self.since_finish + RETRY_EVERY;
            }
        }
        if self.since_nudge >= CHECKPOINT_EVERY {
            self.since_nudge = 0;
            if let Some(tx) = &self.nudges {
                // A nudge already pending covers this one too.
                let _ = tx.try_send(());
            }
        }
    }
}

/// A descriptor of the capture file at `path` that stays open until the
/// process exits. Closing one would drop every POSIX lock the process holds
/// on the file, SQLite's included, and another process closing its
/// connection could then delete the WAL under the writer (see
/// `check_openable`). One per file, however often a writer opens it; the
/// open descriptor also keeps its inode number from going to another file.
fn kept_open(path: &Path) -> std::io::Result<Arc<File>> {
    static OPEN: Mutex<Vec<(FileId, Arc<File>)>> = Mutex::new(Vec::new());
    let id = FileId::of(path)?;
    let mut open = OPEN.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, file)) = open.iter().find(|(known, _)| *known == id) {
        return Ok(file.clone());
    }
    let file = Arc::new(File::open(path)?);
    open.push((id, file.clone()));
    Ok(file)
}

/// Copies every remaining frame; true when all were copied, so the next
/// commit restarts the WAL. Not when the background holds the checkpoint
/// lock, or a reader's snapshot still needs old frames.
fn copy_rest(writer: &Connection) -> bool {
    // (busy, frames in the WAL, frames copied)
    let copied = writer.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    });
    matches!(copied, Ok((0, log, done)) if log == done)
}

/// Copies WAL frames into the database until the writer adds only a few
/// per pass; true when it got there, false if the writer took over.
fn copy_bulk(conn: &Connection, writer_takes_over: &AtomicBool) -> bool {
    let mut last_log = None;
    for _ in 0..MAX_PASSES {
        if writer_takes_over.load(Ordering::Acquire) {
            return false;
        }
        let Ok(log) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1))
        else {
            return false;
        };
        if last_log.is_some_and(|last| log - last < CATCH_UP_FRAMES) {
            return true;
        }
        last_log = Some(log);
    }
    false
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.nudges = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer connection on a fresh WAL file with one row in table `t`,
    /// and a checkpointer whose background never runs: only the writer's
    /// own checkpoints copy.
    fn writer_alone(dir: &tempfile::TempDir) -> (std::path::PathBuf, Connection, Checkpointer) {
        let path = dir.path().join("c.sqlite3");
        let writer = Connection::open(&path).expect("opens");
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
                 CREATE TABLE t (b BLOB); INSERT INTO t VALUES (1);",
            )
            .expect("schema");
        let mut checkpointer = Checkpointer::start(&path).expect("starts");
        checkpointer.nudges = None;
        (path, writer, checkpointer)
    }

    fn insert(writer: &Connection, rows: usize) {
        for _ in 0..rows {
            writer
                .execute("INSERT INTO t VALUES (zeroblob(4000))", [])
                .expect("insert");
        }
    }

    /// Frames in the WAL since it last restarted (this also checkpoints them).
    fn wal_frames(path: &Path) -> i64 {
        Connection::open(path)
            .expect("opens")
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
            .expect("checkpoint")
    }

    #[test]
    fn an_overdue_writer_copies_the_rest_itself_and_the_wal_restarts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (path, writer, mut checkpointer) = writer_alone(&dir);

        insert(&writer, 200);
        checkpointer.committed(&writer, 200);
        assert_eq!(
            checkpointer.since_finish, 200,
            "not due yet: nothing copied"
        );

        insert(&writer, 1);
        checkpointer.committed(&writer, TAKE_OVER_AFTER);
        assert_eq!(checkpointer.since_finish, 0, "the writer copied the rest");
        assert!(
            !checkpointer
                .shared
                .writer_takes_over
                .load(Ordering::Acquire)
        );

        // Everything was copied, so the next commit writes the WAL from its start.
        insert(&writer, 1);
        assert!(wal_frames(&path) <= 4, "the WAL restarted");
    }

    #[test]
    fn a_reader_holding_old_frames_spaces_out_the_take_over_attempts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (path, writer, mut checkpointer) = writer_alone(&dir);
        let reader = Connection::open(&path).expect("opens");
        reader
            .execute_batch("BEGIN; SELECT count(*) FROM t;")
            .expect("snapshot");
        insert(&writer, 1);

        checkpointer.committed(&writer, TAKE_OVER_AFTER);
        assert_eq!(
            checkpointer.since_finish, TAKE_OVER_AFTER,
            "the reader pins the WAL"
        );
        assert_eq!(checkpointer.take_over_at, TAKE_OVER_AFTER + RETRY_EVERY);

        reader.execute_batch("COMMIT").expect("snapshot released");
        checkpointer.committed(&writer, RETRY_EVERY - 1);
        assert_ne!(
            checkpointer.since_finish, 0,
            "no attempt before the retry is due"
        );
        checkpointer.committed(&writer, 1);
        assert_eq!(checkpointer.since_finish, 0, "the retry copied the rest");
        assert_eq!(checkpointer.take_over_at, TAKE_OVER_AFTER);
    }
}
