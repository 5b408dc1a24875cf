//! WAL checkpoints on a side connection, so the writer never pauses to copy
//! pages into the database file.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc as std_mpsc;

use rusqlite::{Connection, InterruptHandle};

use super::StoreError;

/// A background pass stops chasing the writer once fewer frames than this
/// were added while it ran; the writer copies that small rest itself.
const CATCH_UP_FRAMES: i64 = 256;
/// Passes per nudge, in case the writer outpaces the copying.
const MAX_PASSES: usize = 8;
/// Rows committed between two nudges to the background pass (about 10 MB
/// of WAL for 1 KB webhooks).
const CHECKPOINT_EVERY: usize = 4_000;
/// Rows committed without a WAL restart after which the writer stops
/// waiting for a starved background pass and copies the WAL itself (about
/// 30 MB of WAL for 1 KB webhooks; one stall of a few tens of ms).
const STARVED_AFTER: usize = 3 * CHECKPOINT_EVERY;
/// Rows for which the writer then keeps checkpointing itself, every
/// `CHECKPOINT_EVERY` rows, before the background gets another chance: a
/// busy machine tends to stay busy for a while.
const STAND_DOWN_ROWS: usize = 10 * CHECKPOINT_EVERY;

/// Runs passive checkpoints on its own connection, so the writer never
/// pauses to copy the bulk of the WAL into the database (this halves tail
/// latency under load compared with SQLite's built-in autocheckpoint).
///
/// A passive checkpoint alone never lets the WAL restart while commits keep
/// coming, so the WAL would grow without bound. After the bulk is copied the
/// writer finishes the few remaining frames itself (`after_commit`), and its
/// next commit starts writing the WAL from the beginning again.
///
/// The thread runs as `SCHED_IDLE` on Linux: it then only takes CPU nobody
/// else wants, and the scheduler counts a core running nothing but it as
/// free, so the HTTP clients the capture thread wakes get that core instead
/// of queueing behind the capture thread (6 % more captures per second under
/// `scripts/bench-capture.sh`, better in 9 of 12 paired rounds). On a
/// machine busy with other work it can starve, and a starved pass may hold
/// SQLite's checkpoint lock. The writer then interrupts it and checkpoints
/// on its own connection for a while (`after_commit`), so the WAL stays
/// bounded either way.
pub(super) struct Checkpointer {
    nudges: Option<std_mpsc::SyncSender<()>>,
    shared: Arc<Shared>,
    since_nudge: usize,
    since_restart: usize,
    /// Rows left before the background may checkpoint again (0: it may).
    standing_down_for: usize,
    /// Stops the background pass's statement, releasing the checkpoint lock.
    interrupt: InterruptHandle,
}

struct Shared {
    /// A background pass copied the bulk; the writer may finish.
    caught_up: AtomicBool,
    /// The writer checkpoints itself; the background does nothing.
    stand_down: AtomicBool,
}

impl Checkpointer {
    pub(super) fn start(path: &Path) -> Result<Checkpointer, StoreError> {
        let conn = Connection::open(path).map_err(|e| StoreError::sqlite(path, e))?;
        let interrupt = conn.get_interrupt_handle();
        // fsync flushes the file's pages whichever descriptor wrote them.
        let db_file = std::fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
        let mut wal_path = path.as_os_str().to_owned();
        wal_path.push("-wal");
        let (tx, rx) = std_mpsc::sync_channel::<()>(1);
        let shared = Arc::new(Shared {
            caught_up: AtomicBool::new(false),
            stand_down: AtomicBool::new(false),
        });
        let state = shared.clone();
        // Not joined on drop: at idle priority the thread may wait long for
        // the CPU it needs to notice, and it holds nothing by then.
        std::thread::Builder::new()
            .name("store-checkpoint".into())
            .spawn(move || {
                run_at_idle_priority();
                while rx.recv().is_ok() {
                    if state.stand_down.load(Ordering::Acquire) {
                        continue;
                    }
                    // Flushing the copied pages and the frames written during
                    // the pass here leaves the writer's own checkpoint only
                    // the last few to sync: under load each of its syncs
                    // then takes ~1.6 ms instead of ~2.4 (and ~5.5 with
                    // nothing flushed beforehand).
                    let flushed = copy_bulk(&conn, &state.stand_down)
                        && db_file.sync_data().is_ok()
                        && std::fs::File::open(&wal_path)
                            .and_then(|f| f.sync_data())
                            .is_ok();
                    if flushed {
                        state.caught_up.store(true, Ordering::Release);
                    }
                }
            })
            .map_err(|e| StoreError::io(path, e))?;
        Ok(Checkpointer {
            nudges: Some(tx),
            shared,
            since_nudge: 0,
            since_restart: 0,
            standing_down_for: 0,
            interrupt,
        })
    }

    /// Called by the writer after each commit of `rows` rows: nudges the
    /// background pass, finishes what it copied, or takes over when it
    /// starves.
    pub(super) fn after_commit(&mut self, writer: &Connection, rows: usize) {
        self.since_nudge += rows;
        self.since_restart += rows;
        if self.shared.caught_up.swap(false, Ordering::Acquire) {
            // The bulk is copied: the rest is quick, and the WAL restarts at
            // the next commit. A failure leaves the WAL as it was; the next
            // pass retries.
            let _ = writer.execute_batch("PRAGMA wal_checkpoint(PASSIVE)");
            self.since_restart = 0;
        }
        let standing_down = self.standing_down_for > 0;
        let limit = if standing_down {
            CHECKPOINT_EVERY
        } else {
            STARVED_AFTER
        };
        if self.since_restart >= limit && self.take_over(writer) {
            self.since_restart = 0;
            if !standing_down {
                tracing::debug!("background checkpoints starved; the writer takes them over");
                self.standing_down_for = STAND_DOWN_ROWS;
            }
        }
        if standing_down {
            self.standing_down_for = self.standing_down_for.saturating_sub(rows);
            if self.standing_down_for == 0 {
                self.shared.stand_down.store(false, Ordering::Release);
            }
        }
        if self.since_nudge >= CHECKPOINT_EVERY && self.standing_down_for == 0 {
            self.since_nudge = 0;
            if let Some(tx) = &self.nudges {
                // A nudge already pending covers this one too.
                let _ = tx.try_send(());
            }
        }
    }

    /// Stops the background pass and copies the whole WAL on the writer's
    /// connection; true once a checkpoint got every frame, so the WAL can
    /// restart.
    fn take_over(&self, writer: &Connection) -> bool {
        self.shared.stand_down.store(true, Ordering::Release);
        // A pass under way holds the checkpoint lock (the writer's attempt
        // is then busy): SQLite checks for an interrupt between pages and
        // lets go of it as soon as the pass runs again.
        self.interrupt.interrupt();
        writer
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .is_ok_and(|(busy, log, copied)| busy == 0 && log == copied)
    }
}

/// Copies WAL frames into the database until the writer adds only a few
/// per pass; true when it got there.
fn copy_bulk(conn: &Connection, stand_down: &AtomicBool) -> bool {
    let mut last_log = None;
    for _ in 0..MAX_PASSES {
        if stand_down.load(Ordering::Acquire) {
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

/// Lowers the calling thread to `SCHED_IDLE` (never needs privileges). Where
/// that is not possible the checkpointer simply competes like any thread.
fn run_at_idle_priority() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::{
            NormalThreadSchedulePolicy, ThreadPriority, ThreadSchedulePolicy,
            set_thread_priority_and_policy, thread_native_id,
        };
        if let Err(e) = set_thread_priority_and_policy(
            thread_native_id(),
            ThreadPriority::Min,
            ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle),
        ) {
            tracing::debug!("checkpointer keeps normal priority: {e:?}");
        }
    }
}

impl Drop for Checkpointer {
    /// Ends the thread once it runs again; a pass under way gives up, and
    /// releases the checkpoint lock the writer's last checkpoint needs.
    fn drop(&mut self) {
        self.nudges = None;
        self.shared.stand_down.store(true, Ordering::Release);
        self.interrupt.interrupt();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Commits `rows` rows of 1 KB in batches of 100, reporting each batch.
    fn write(writer: &Connection, checkpointer: &mut Checkpointer, rows: usize) {
        let body = vec![b'x'; 1000];
        for _ in 0..rows / 100 {
            writer.execute_batch("BEGIN").expect("begin");
            for _ in 0..100 {
                writer
                    .execute("INSERT INTO t (body) VALUES (?1)", [&body])
                    .expect("insert");
            }
            writer.execute_batch("COMMIT").expect("commit");
            checkpointer.after_commit(writer, 100);
        }
    }

    #[test]
    fn the_writer_takes_over_from_a_starved_background_pass_and_hands_back_later() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("captures.sqlite3");
        let writer = Connection::open(&path).expect("open");
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
                 CREATE TABLE t (body BLOB NOT NULL);",
            )
            .expect("schema");
        let mut checkpointer = Checkpointer::start(&path).expect("checkpointer");
        // A background thread that never gets the CPU copies nothing.
        checkpointer
            .shared
            .stand_down
            .store(true, Ordering::Release);
        let rows = 10 * CHECKPOINT_EVERY;
        write(&writer, &mut checkpointer, rows);
        let wal = std::fs::metadata(path.with_extension("sqlite3-wal"))
            .expect("wal")
            .len();
        // Never restarted, the WAL would hold every row written.
        let data = (rows * 1000) as u64;
        assert!(
            wal < data / 2,
            "WAL reached {wal} bytes for {data} bytes of rows"
        );
        assert!(
            checkpointer.standing_down_for > 0,
            "the writer has taken over"
        );
        write(&writer, &mut checkpointer, STAND_DOWN_ROWS);
        assert_eq!(checkpointer.standing_down_for, 0);
        assert!(
            !checkpointer.shared.stand_down.load(Ordering::Acquire),
            "the background gets another chance"
        );
    }
}
