//! The store writer on its own: background checkpoints must let the WAL
//! restart under sustained writing, or it grows by every byte ever written;
//! and `closing` ends the writer even while handles are still held (a
//! connection past its grace time keeps one).

mod common;

use std::future::Future;
use std::task::{Context, Waker};
use std::time::Duration;

use common::holds_lock;
use hookscope::model::{AnswerTemplate, NewRequest};
use hookscope::store::{StoreError, Stored, Writer, WriterTask};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

fn request(n: usize, body: Vec<u8>) -> NewRequest {
    NewRequest {
        received_at_us: 1_735_732_800_000_000 + n as i64,
        method: "POST".into(),
        target: format!("/hooks/{n}"),
        http_version: "HTTP/1.1".into(),
        remote_addr: "127.0.0.1:40000".into(),
        headers: vec![("content-type".into(), b"application/json".to_vec())],
        body_size: body.len() as u64,
        body: bytes::Bytes::from(body),
        body_truncated: false,
        event_type: None,
        sig_provider: None,
        sig_status: None,
        answer: std::sync::Arc::new(AnswerTemplate {
            status: 200,
            headers: Vec::new(),
            body: "{id}".into(),
        }),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_stays_bounded_while_requests_keep_coming() {
    const ROWS: usize = 100_000;
    const IN_FLIGHT: usize = 64;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("captures.sqlite3");
    let (events, _keep) = mpsc::unbounded_channel();
    let (writer, handle) = Writer::start(&db, events).expect("store opens");
    let mut tasks: JoinSet<Result<Stored, StoreError>> = JoinSet::new();
    let mut largest_wal = 0;
    for n in 0..ROWS {
        if tasks.len() == IN_FLIGHT {
            tasks
                .join_next()
                .await
                .expect("task")
                .expect("joined")
                .expect("stored");
            if n % 1000 == 0 {
                let wal =
                    std::fs::metadata(db.with_extension("sqlite3-wal")).map_or(0, |m| m.len());
                largest_wal = largest_wal.max(wal);
            }
        }
        let handle = handle.clone();
        tasks.spawn(async move { handle.store(request(n, vec![b'x'; 1000])).await });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("joined").expect("stored");
    }
    let data = std::fs::metadata(&db).expect("db").len();
    drop(handle);
    tokio::task::spawn_blocking(move || writer.finish())
        .await
        .expect("writer finished");
    // Without restarts the WAL holds every frame ever written, which is more
    // than the database itself; restarted, it holds a few thousand rows.
    assert!(
        largest_wal < data / 2,
        "WAL reached {largest_wal} bytes for a {data}-byte database"
    );
}

#[tokio::test]
async fn closing_commits_what_was_queued_and_turns_later_senders_away() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("captures.sqlite3");
    let (events, _keep) = mpsc::unbounded_channel();
    let (task, handle) = WriterTask::open(&db, events).expect("store opens");

    // Three requests wait in the queue before the writer runs at all.
    let mut queued: Vec<_> = (1..=3)
        .map(|n| Box::pin(handle.store(request(n, format!("{{\"n\":{n}}}").into_bytes()))))
        .collect();
    let mut cx = Context::from_waker(Waker::noop());
    for store in &mut queued {
        assert!(
            store.as_mut().poll(&mut cx).is_pending(),
            "waits for its commit"
        );
    }
    let (close, closing) = oneshot::channel::<()>();
    close.send(()).expect("writer side alive");
    let writer = tokio::spawn(task.run(async {
        let _ = closing.await;
    }));
    for (store, n) in queued.into_iter().zip(1..) {
        let stored = store.await.expect("queued before closing, so stored");
        assert_eq!(stored.id.0, n);
        assert_eq!(stored.answer.body, n.to_string().into_bytes());
    }
    // `handle` is still held: only `closing` can have ended the writer.
    tokio::time::timeout(Duration::from_secs(30), writer)
        .await
        .expect("the writer ends on closing")
        .expect("writer task");
    assert!(matches!(
        handle.store(request(4, Vec::new())).await,
        Err(StoreError::Closed)
    ));

    let conn = rusqlite::Connection::open(&db).expect("opens");
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
        .expect("count");
    assert_eq!(rows, 3);
    let wal = std::fs::metadata(db.with_extension("sqlite3-wal")).map_or(0, |m| m.len());
    assert_eq!(wal, 0, "the log is folded into the file on the way out");
}

/// Another process reads the file (an export to `har`) and adds to it
/// (an import of that export).
fn export_and_import_elsewhere(db: &std::path::Path, har: &std::path::Path) {
    for command in ["export", "import"] {
        elsewhere(&[command.as_ref(), har.as_ref(), "--db".as_ref(), db.as_ref()]);
    }
}

/// Runs `hookscope ARGS` as another process would.
fn elsewhere(args: &[&std::ffi::OsStr]) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hookscope"))
        .args(args)
        .output()
        .expect("hookscope runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// SQLite keeps a lock on the capture file while a connection is open; a
/// process that closes a connection and finds no other lock takes itself
/// for the last user, folds the WAL in and deletes it (the `sqlite3` shell
/// and Python's module do), while the writer keeps committing into the
/// deleted file: rows answered as stored would be lost. Closing any
/// descriptor of the file drops every POSIX lock the process holds on it,
/// so nothing in this process but SQLite may open the file while the
/// writer runs: not the UI opening its readers, nor the checkpointer. Other
/// processes reading and adding to the file meanwhile leave the lock held.
#[tokio::test]
async fn the_writers_lock_on_the_file_holds_while_readers_come_and_go() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("captures.sqlite3");
    let har = dir.path().join("one.har");
    let (events, _keep) = mpsc::unbounded_channel();
    let (writer, handle) = Writer::start(&db, events).expect("store opens");
    handle
        .store(request(1, b"{}".to_vec()))
        .await
        .expect("stored");
    assert!(
        holds_lock(std::process::id(), &db),
        "a connection holds its lock"
    );

    let reader = hookscope::store::Reader::open(&db).expect("reader opens");
    assert!(
        holds_lock(std::process::id(), &db),
        "opening a reader dropped the writer's lock"
    );
    drop(reader);
    export_and_import_elsewhere(&db, &har);
    // Enough rows for the checkpointer to copy and sync in the background.
    for n in 3..9_000 {
        handle
            .store(request(n, b"{}".to_vec()))
            .await
            .expect("stored");
    }
    assert!(
        holds_lock(std::process::id(), &db),
        "checkpointing dropped the writer's lock"
    );
    drop(handle);
    writer.finish();
}

/// A listening UI learns of its own rows from the writer's events; rows
/// another process adds (an import, a second listener) reach it only if the
/// writer, asked by the UI now and then, notices that someone else
/// committed, which its own commits and checkpoints never count as.
#[tokio::test]
async fn the_writer_reports_commits_made_by_another_process_and_not_its_own() {
    use hookscope::store::StoreEvent;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("captures.sqlite3");
    let har = dir.path().join("one.har");
    let (events, mut seen) = mpsc::unbounded_channel();
    let (writer, handle) = Writer::start(&db, events).expect("store opens");
    let mut n = 0;
    // Asks the writer to look, then waits for a commit queued behind the
    // ask: the look is done by then. Says whether it saw another's commit.
    let mut look = async |seen: &mut mpsc::UnboundedReceiver<StoreEvent>| {
        handle.look_for_others();
        n += 1;
        handle
            .store(request(100_000 + n, b"{}".to_vec()))
            .await
            .expect("stored");
        let mut elsewhere = false;
        while let Ok(event) = seen.try_recv() {
            elsewhere |= matches!(event, StoreEvent::ChangedElsewhere);
        }
        elsewhere
    };
    // Past the first checkpoint (every 4,000 rows), which is not a commit.
    for n in 1..=5_000 {
        handle
            .store(request(n, b"{}".to_vec()))
            .await
            .expect("stored");
        if n % 1_000 == 0 {
            assert!(
                !look(&mut seen).await,
                "its own commits are not someone else's"
            );
        }
    }
    export_and_import_elsewhere(&db, &har);
    assert!(look(&mut seen).await, "the import was noticed");
    assert!(!look(&mut seen).await, "and only once");
    drop(handle);
    writer.finish();
}

/// SQLite goes on writing into a deleted file as if nothing happened: every
/// write, not only captures, says the file is gone instead of reporting a
/// delete or a stored attempt that no one will ever see.
#[tokio::test]
async fn every_write_to_a_deleted_capture_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("captures.sqlite3");
    let (events, _keep) = mpsc::unbounded_channel();
    let (writer, handle) = Writer::start(&db, events).expect("store opens");
    let stored = handle
        .store(request(1, b"{}".to_vec()))
        .await
        .expect("stored");
    std::fs::remove_file(&db).expect("delete the capture file");

    let gone = |e: StoreError| {
        let text = e.to_string();
        assert!(text.contains("deleted or replaced"), "{text}");
    };
    gone(handle.delete(vec![stored.id]).await.unwrap_err());
    gone(
        handle
            .set_signatures(vec![hookscope::store::SignatureVerdict {
                id: stored.id,
                provider: None,
                status: "unsigned".into(),
            }])
            .await
            .unwrap_err(),
    );
    let attempt = hookscope::model::NewAttempt {
        request_id: Some(stored.id),
        kind: "resend",
        method: "POST".into(),
        url: "http://127.0.0.1:9/".into(),
        headers: Vec::new(),
        body: Vec::new(),
        started_at_us: 0,
        duration_us: None,
        response_status: None,
        response_headers: Vec::new(),
        response_body: Vec::new(),
        error: Some("refused".into()),
    };
    gone(handle.record_attempt(attempt, None).await.unwrap_err());
    gone(handle.store(request(2, b"{}".to_vec())).await.unwrap_err());
    drop(handle);
    writer.finish();
}
