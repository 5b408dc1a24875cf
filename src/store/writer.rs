//! The single writer: owns the write connection, commits whatever is queued
//! in one transaction, and only then acknowledges each request. It is a task
//! that runs where its caller puts it: on the capture thread while listening,
//! or on a thread of its own (`Writer`).

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::thread::JoinHandle;

use rusqlite::{Connection, params};
use tokio::sync::{mpsc, oneshot};

use super::checkpoint::Checkpointer;
use super::{FileId, StoreError, codec};
use crate::model::{
    Answer, AnswerFor, NewAttempt, NewRequest, RequestId, RequestSummary, header_value,
};

/// Requests waiting for the writer; a flood makes senders wait instead of
/// growing memory without bound.
const QUEUE_DEPTH: usize = 1024;
/// Upper bound of requests per transaction, so one commit never stalls long.
const MAX_BATCH: usize = 512;

/// What the writer tells the rest of the program after each commit.
#[derive(Clone, Debug)]
pub enum StoreEvent {
    Captured(Vec<RequestSummary>),
    Deleted(Vec<RequestId>),
    Reverified(Vec<SignatureVerdict>),
    /// An attempt (resend, forward) of this request was stored; `answered`
    /// is the status its sender got instead of the configured one, when the
    /// attempt replaced it (forward mode answers with the app's answer).
    Attempted {
        id: RequestId,
        answered: Option<u16>,
    },
    /// A batch could not be stored; its senders were answered 503.
    Failed(String),
    /// Another process committed to the file (an import, a second listener,
    /// `verify --db`), so what was read from it before may be stale.
    ChangedElsewhere,
}

/// The outcome for one request: its id and the answer to send.
#[derive(Clone, Debug)]
pub struct Stored {
    pub id: RequestId,
    pub answer: Answer,
}

struct Job {
    request: NewRequest,
    ack: oneshot::Sender<Delivery>,
}

type Outcome = Result<Stored, String>;

/// What the writer sends to one waiting request. Waking a task from another
/// thread costs a syscall, so the writer wakes only one request per batch
/// and hands it the others' outcomes to pass on from inside.
struct Delivery {
    outcome: Outcome,
    others: Vec<(oneshot::Sender<Delivery>, Outcome)>,
}

impl Delivery {
    /// Passes the other outcomes on; returns this request's own.
    fn settle(mut self) -> Outcome {
        self.pass_on();
        std::mem::replace(&mut self.outcome, Err(String::new()))
    }

    fn pass_on(&mut self) {
        for (ack, outcome) in self.others.drain(..) {
            let _ = ack.send(Delivery {
                outcome,
                others: Vec::new(),
            });
        }
    }
}

impl Drop for Delivery {
    /// A request that stopped waiting (its sender hung up) still passes the
    /// others on: they are stored and must not be answered 503.
    fn drop(&mut self) {
        self.pass_on();
    }
}

/// Sends every outcome of a batch with a single wake-up from this thread:
/// the first request still waiting gets them all.
fn deliver(acks: Vec<(oneshot::Sender<Delivery>, Outcome)>) {
    let mut rest = acks.into_iter();
    while let Some((ack, outcome)) = rest.next() {
        let others = rest.collect();
        match ack.send(Delivery { outcome, others }) {
            Ok(()) => return,
            // That sender hung up (its row is stored anyway): try the next.
            Err(mut returned) => rest = std::mem::take(&mut returned.others).into_iter(),
        }
    }
}

/// Work for the writer; captures are batched, deletes run alone.
// Captures are the hot path; boxing them would cost an allocation each,
// while the small variant is rare.
#[allow(clippy::large_enum_variant)]
enum Task {
    Capture(Job),
    Delete {
        ids: Vec<RequestId>,
        ack: oneshot::Sender<Result<(), String>>,
    },
    SetSignatures {
        verdicts: Vec<SignatureVerdict>,
        ack: oneshot::Sender<Result<(), String>>,
    },
    /// Report `ChangedElsewhere` if another process committed since the
    /// last look. Asked for by the UI's reader now and then, so the capture
    /// thread keeps no timer of its own for it.
    LookForOthers,
    Attempt {
        attempt: Box<NewAttempt>,
        /// Replaces the request's stored answer (forward mode answers with the app's).
        answer: Option<Answer>,
        ack: oneshot::Sender<Result<i64, String>>,
    },
}

/// A request's signature provider and status after re-verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureVerdict {
    pub id: RequestId,
    pub provider: Option<String>,
    pub status: String,
}

/// Cheap handle the capture service uses to store a request.
#[derive(Clone)]
pub struct WriterHandle {
    jobs: mpsc::Sender<Task>,
}

impl WriterHandle {
    /// Stores one request; resolves once its row is committed.
    pub async fn store(&self, request: NewRequest) -> Result<Stored, StoreError> {
        let (ack, done) = oneshot::channel();
        self.jobs
            .send(Task::Capture(Job { request, ack }))
            .await
            .map_err(|_| StoreError::Closed)?;
        match done.await.map(Delivery::settle) {
            Ok(Ok(stored)) => Ok(stored),
            Ok(Err(reason)) => Err(StoreError::Failed(reason)),
            Err(_) => Err(StoreError::Closed),
        }
    }

    /// Stores a resend, forward or send; with `answer`, also what the
    /// original sender was finally answered. Returns the attempt's id.
    pub async fn record_attempt(
        &self,
        attempt: NewAttempt,
        answer: Option<Answer>,
    ) -> Result<i64, StoreError> {
        let (ack, done) = oneshot::channel();
        self.jobs
            .send(Task::Attempt {
                attempt: Box::new(attempt),
                answer,
                ack,
            })
            .await
            .map_err(|_| StoreError::Closed)?;
        match done.await {
            Ok(result) => result.map_err(StoreError::Failed),
            Err(_) => Err(StoreError::Closed),
        }
    }

    /// Stores new signature verdicts (after secrets changed).
    pub async fn set_signatures(&self, verdicts: Vec<SignatureVerdict>) -> Result<(), StoreError> {
        let (ack, done) = oneshot::channel();
        self.jobs
            .send(Task::SetSignatures { verdicts, ack })
            .await
            .map_err(|_| StoreError::Closed)?;
        match done.await {
            Ok(result) => result.map_err(StoreError::Failed),
            Err(_) => Err(StoreError::Closed),
        }
    }

    /// Deletes requests with their data and attempts.
    /// Asks the writer to look for other processes' commits (see
    /// `StoreEvent::ChangedElsewhere`). Never waits: a full queue means the
    /// writer is busy, and the next ask comes soon.
    pub fn look_for_others(&self) {
        let _ = self.jobs.try_send(Task::LookForOthers);
    }

    pub async fn delete(&self, ids: Vec<RequestId>) -> Result<(), StoreError> {
        let (ack, done) = oneshot::channel();
        self.jobs
            .send(Task::Delete { ids, ack })
            .await
            .map_err(|_| StoreError::Closed)?;
        match done.await {
            Ok(result) => result.map_err(StoreError::Failed),
            Err(_) => Err(StoreError::Closed),
        }
    }
}

/// The writer, ready to run on the runtime that is to do the committing.
pub struct WriterTask {
    state: WriterState,
    tasks: mpsc::Receiver<Task>,
}

impl WriterTask {
    /// Opens `path` for writing. Every commit is reported on `events`.
    pub fn open(
        path: &Path,
        events: mpsc::UnboundedSender<StoreEvent>,
    ) -> Result<(WriterTask, WriterHandle), StoreError> {
        let conn = super::open_write(path)?;
        conn.execute_batch("PRAGMA wal_autocheckpoint = 0")
            .map_err(|e| StoreError::sqlite(path, e))?;
        let file_id = FileId::of(path).map_err(|e| StoreError::io(path, e))?;
        let checkpointer = Checkpointer::start(path)?;
        // Taken now: a commit made by someone else right after the writer
        // opened is after what the UI first reads.
        let data_version = data_version(&conn);
        let (jobs_tx, tasks) = mpsc::channel(QUEUE_DEPTH);
        let state = WriterState {
            conn,
            path: path.to_path_buf(),
            file_id,
            events,
            checkpointer,
            data_version,
        };
        Ok((WriterTask { state, tasks }, WriterHandle { jobs: jobs_tx }))
    }

    /// Commits until every handle is dropped or `closing` resolves, then
    /// commits what is still queued and folds the WAL into the database.
    ///
    /// Commits run synchronously on the calling thread. On the capture
    /// thread that is the point: the writer commits once the connections
    /// that were ready have queued their requests, so one transaction takes
    /// a whole round of them, and no request crosses threads.
    pub async fn run(self, closing: impl Future<Output = ()>) {
        self.state.run(self.tasks, closing).await;
    }
}

/// The writer on a thread of its own, for commands that store without
/// serving captures. Dropping every `WriterHandle` and calling `finish`
/// drains the queue, commits it and checkpoints the file.
pub struct Writer {
    thread: JoinHandle<()>,
}

impl Writer {
    /// Opens `path` for writing and starts the writer thread. Every commit is
    /// reported on `events`.
    pub fn start(
        path: &Path,
        events: mpsc::UnboundedSender<StoreEvent>,
    ) -> Result<(Writer, WriterHandle), StoreError> {
        let (task, handle) = WriterTask::open(path, events)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| StoreError::io(path, e))?;
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || runtime.block_on(task.run(std::future::pending())))
            .map_err(|e| StoreError::io(path, e))?;
        Ok((Writer { thread }, handle))
    }

    /// Waits until every queued request is committed. Call after all handles
    /// are dropped, or this waits forever.
    pub fn finish(self) {
        // A panic in the writer has already been reported by the panic hook.
        let _ = self.thread.join();
    }
}

/// Waits for the next task: `None` once every handle is dropped, or once
/// `closing` has resolved and what was queued before is taken.
async fn next_task(
    tasks: &mut mpsc::Receiver<Task>,
    closing: Pin<&mut impl Future<Output = ()>>,
    open: &mut bool,
) -> Option<Task> {
    if *open {
        tokio::select! {
            biased;
            task = tasks.recv() => return task,
            () = closing => {
                *open = false;
                // Senders still alive (a connection past its grace time) get
                // an error instead of waiting for a commit that never comes.
                tasks.close();
            }
        }
    }
    tasks.recv().await
}

fn data_version(conn: &Connection) -> Option<i64> {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0)).ok()
}

/// Moves queued captures into `batch`; returns a delete that has to wait
/// for the batch's commit, so the order of requests is kept.
fn drain(tasks: &mut mpsc::Receiver<Task>, batch: &mut Vec<Job>) -> Option<Task> {
    while batch.len() < MAX_BATCH {
        match tasks.try_recv() {
            Ok(Task::Capture(job)) => batch.push(job),
            Ok(delete) => return Some(delete),
            Err(_) => break,
        }
    }
    None
}

struct WriterState {
    conn: Connection,
    path: PathBuf,
    file_id: FileId,
    events: mpsc::UnboundedSender<StoreEvent>,
    checkpointer: Checkpointer,
    /// `PRAGMA data_version` of the write connection, which changes only
    /// when another connection commits: never for the writer's own commits.
    data_version: Option<i64>,
}

impl WriterState {
    async fn run(mut self, mut tasks: mpsc::Receiver<Task>, closing: impl Future<Output = ()>) {
        let mut closing = std::pin::pin!(closing);
        let mut open = true;
        let mut batch = Vec::with_capacity(MAX_BATCH);
        let mut pending = None;
        // Commit whatever is queued right away: waiting to fill a batch costs
        // far more throughput than it saves.
        loop {
            let first = match pending.take() {
                Some(task) => task,
                None => match next_task(&mut tasks, closing.as_mut(), &mut open).await {
                    Some(task) => task,
                    None => break,
                },
            };
            let first = match first {
                Task::Capture(job) => job,
                Task::Delete { ids, ack } => {
                    let _ = ack.send(self.delete(&ids));
                    continue;
                }
                Task::LookForOthers => {
                    self.look_for_others();
                    continue;
                }
                Task::Attempt {
                    attempt,
                    answer,
                    ack,
                } => {
                    let path = self.path.clone();
                    let result = self.same_file().map_err(|e| e.to_string()).and_then(|()| {
                        super::insert_attempt(&mut self.conn, &attempt, answer.as_ref())
                            .map_err(|e| StoreError::sqlite(&path, e).to_string())
                    });
                    if result.is_ok()
                        && let Some(id) = attempt.request_id
                    {
                        let answered = answer.as_ref().map(|a| a.status);
                        let _ = self.events.send(StoreEvent::Attempted { id, answered });
                    }
                    let _ = ack.send(result);
                    continue;
                }
                Task::SetSignatures { verdicts, ack } => {
                    let path = self.path.clone();
                    let result = self.same_file().map_err(|e| e.to_string()).and_then(|()| {
                        super::set_signatures(&mut self.conn, &verdicts)
                            .map_err(|e| StoreError::sqlite(&path, e).to_string())
                    });
                    if result.is_ok() {
                        let _ = self.events.send(StoreEvent::Reverified(verdicts));
                    }
                    let _ = ack.send(result);
                    continue;
                }
            };
            batch.push(first);
            pending = drain(&mut tasks, &mut batch);
            if pending.is_none() {
                // Let the handlers that are ready enqueue first: a yield
                // costs far less than a commit per request.
                tokio::task::yield_now().await;
                pending = drain(&mut tasks, &mut batch);
            }

            let rows = batch.len();
            self.commit(&mut batch);
            self.checkpointer.committed(&self.conn, rows);
        }
        // Leave a self-contained file behind: fold the WAL into the database.
        drop(self.checkpointer);
        let _ = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
    }

    /// Tells the UI when another process has committed since the last look.
    fn look_for_others(&mut self) {
        let now = data_version(&self.conn);
        if now.is_some() && std::mem::replace(&mut self.data_version, now) != now {
            let _ = self.events.send(StoreEvent::ChangedElsewhere);
        }
    }

    fn commit(&mut self, batch: &mut Vec<Job>) {
        match self.insert_all(batch) {
            Ok(rows) => {
                let mut acks = Vec::with_capacity(rows.len());
                let mut summaries = Vec::with_capacity(rows.len());
                for (job, (id, answer, content_type)) in batch.drain(..).zip(rows) {
                    summaries.push(summary(job.request, id, content_type));
                    acks.push((job.ack, Ok(Stored { id, answer })));
                }
                // Reported before anyone is answered: once a sender has its
                // answer, its request is on the event channel too.
                let _ = self.events.send(StoreEvent::Captured(summaries));
                deliver(acks);
            }
            Err(e) => {
                let reason = e.to_string();
                deliver(
                    batch
                        .drain(..)
                        .map(|job| (job.ack, Err(reason.clone())))
                        .collect(),
                );
                let _ = self.events.send(StoreEvent::Failed(reason));
            }
        }
    }

    /// The file still at the path is the one the writer opened: SQLite would
    /// go on writing into a deleted file as if nothing happened.
    fn same_file(&self) -> Result<(), StoreError> {
        if FileId::of(&self.path).ok() == Some(self.file_id) {
            Ok(())
        } else {
            Err(StoreError::Replaced {
                path: self.path.clone(),
            })
        }
    }

    fn delete(&mut self, ids: &[RequestId]) -> Result<(), String> {
        self.same_file().map_err(|e| e.to_string())?;
        let path = self.path.clone();
        let sqlite = |e| StoreError::sqlite(&path, e).to_string();
        let tx = self.conn.transaction().map_err(sqlite)?;
        {
            // Attempts and request_data go with their request (ON DELETE CASCADE).
            let mut stmt = tx
                .prepare_cached("DELETE FROM requests WHERE id = ?1")
                .map_err(sqlite)?;
            for id in ids {
                stmt.execute([id.0]).map_err(sqlite)?;
            }
        }
        tx.commit().map_err(sqlite)?;
        let _ = self.events.send(StoreEvent::Deleted(ids.to_vec()));
        Ok(())
    }

    /// Inserts the batch in one transaction; per request its id, answer
    /// and content type.
    fn insert_all(
        &mut self,
        batch: &[Job],
    ) -> Result<Vec<(RequestId, Answer, Option<String>)>, StoreError> {
        self.same_file()?;
        in_transaction(&self.conn, |conn| {
            let mut statements = RowStatements::prepare(conn)?;
            let mut rows = Vec::with_capacity(batch.len());
            for job in batch {
                let (id, answer, content_type) = statements.insert(&job.request)?;
                rows.push((id, answer, content_type));
            }
            Ok(rows)
        })
        .map_err(|e| StoreError::sqlite(&self.path, e))
    }
}

/// The two inserts that store a request: its list row, then its headers
/// and bodies beside its answer's.
pub(super) struct RowStatements<'c> {
    summary: rusqlite::CachedStatement<'c>,
    data: rusqlite::CachedStatement<'c>,
}

impl<'c> RowStatements<'c> {
    pub(super) fn prepare(conn: &'c Connection) -> rusqlite::Result<RowStatements<'c>> {
        Ok(RowStatements {
            summary: conn.prepare_cached(
                "INSERT INTO requests (received_at, method, target, http_version, remote_addr,
                    content_type, body_size, body_truncated, status, event_type, sig_provider, sig_status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?,
            data: conn.prepare_cached(
                "INSERT INTO request_data (request_id, headers, body, response_headers, response_body)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
        })
    }

    /// Stores `row`, answered with what its answer makes of its new id (a
    /// configured answer may name it); returns the id, the answer and the
    /// content type listed for the row.
    pub(super) fn insert<A: AnswerFor>(
        &mut self,
        row: &NewRequest<A>,
    ) -> rusqlite::Result<(RequestId, Answer, Option<String>)> {
        let content_type = header_value(&row.headers, "content-type")
            .map(|v| String::from_utf8_lossy(v).into_owned());
        let id = RequestId(self.summary.insert(params![
            row.received_at_us,
            row.method,
            row.target,
            row.http_version,
            row.remote_addr,
            content_type,
            i64::try_from(row.body_size).unwrap_or(i64::MAX),
            row.body_truncated,
            row.answer.status(),
            row.event_type,
            row.sig_provider,
            row.sig_status,
        ])?);
        let answer = row.answer.for_id(id);
        self.data.execute(params![
            id.0,
            codec::encode_headers(&row.headers),
            &row.body[..],
            codec::encode_headers(&answer.headers),
            answer.body,
        ])?;
        Ok((id, answer, content_type))
    }
}

/// Runs `body` in a transaction. BEGIN and COMMIT are cached statements:
/// the writer runs thousands of transactions a second.
fn in_transaction<T>(
    conn: &Connection,
    body: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached("BEGIN")?.execute([])?;
    let result = body(conn).and_then(|value| {
        conn.prepare_cached("COMMIT")?.execute([])?;
        Ok(value)
    });
    if result.is_err() && !conn.is_autocommit() {
        // Nothing of a failed batch may stay behind half-written.
        let _ = conn.execute_batch("ROLLBACK");
    }
    result
}

/// The list row of a stored request, built from its parts without copying.
fn summary(request: NewRequest, id: RequestId, content_type: Option<String>) -> RequestSummary {
    RequestSummary {
        id,
        received_at_us: request.received_at_us,
        method: request.method,
        target: request.target,
        http_version: request.http_version,
        remote_addr: request.remote_addr,
        content_type,
        body_size: request.body_size,
        body_truncated: request.body_truncated,
        status: request.answer.status,
        event_type: request.event_type,
        sig_provider: request.sig_provider,
        sig_status: request.sig_status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AnswerTemplate;

    fn stored(id: i64) -> Outcome {
        Ok(Stored {
            id: RequestId(id),
            answer: AnswerTemplate {
                status: 200,
                headers: Vec::new(),
                body: String::new(),
            }
            .render(RequestId(id)),
        })
    }

    #[test]
    fn every_waiting_request_gets_its_own_outcome_from_one_delivery() {
        let (txs, rxs): (Vec<_>, Vec<_>) = (0..4).map(|_| oneshot::channel::<Delivery>()).unzip();
        let mut rxs = rxs.into_iter();
        // The first sender hung up: the next one has to take the lead.
        drop(rxs.next());
        deliver(
            txs.into_iter()
                .zip(1..)
                .map(|(tx, id)| (tx, stored(id)))
                .collect(),
        );
        let leader = rxs
            .next()
            .expect("second")
            .try_recv()
            .expect("the lead is woken");
        assert_eq!(leader.others.len(), 2, "it carries the others' outcomes");
        let own = leader.settle();
        assert_eq!(own.expect("stored").id, RequestId(2));
        for (mut rx, id) in rxs.zip(3..) {
            let delivery = rx.try_recv().expect("passed on by the lead");
            assert!(delivery.others.is_empty());
            assert_eq!(delivery.settle().expect("stored").id, RequestId(id));
        }
    }

    #[test]
    fn a_lead_that_stops_waiting_still_passes_the_others_on() {
        let (txs, rxs): (Vec<_>, Vec<_>) = (0..3).map(|_| oneshot::channel::<Delivery>()).unzip();
        deliver(
            txs.into_iter()
                .zip(1..)
                .map(|(tx, id)| (tx, stored(id)))
                .collect(),
        );
        let mut rxs = rxs.into_iter();
        // The lead's request is dropped with the delivery still unread.
        drop(rxs.next());
        for (mut rx, id) in rxs.zip(2..) {
            let delivery = rx.try_recv().expect("passed on when the lead was dropped");
            assert_eq!(delivery.settle().expect("stored").id, RequestId(id));
        }
    }

    #[test]
    fn a_failed_batch_reaches_every_sender() {
        let (txs, rxs): (Vec<_>, Vec<_>) = (0..3).map(|_| oneshot::channel::<Delivery>()).unzip();
        deliver(
            txs.into_iter()
                .map(|tx| (tx, Err("disk full".to_owned())))
                .collect(),
        );
        let mut rxs = rxs.into_iter();
        let lead = rxs.next().expect("first").try_recv().expect("woken");
        assert_eq!(lead.settle().err().as_deref(), Some("disk full"));
        for mut rx in rxs {
            let delivery = rx.try_recv().expect("passed on");
            assert_eq!(delivery.settle().err().as_deref(), Some("disk full"));
        }
    }
}
