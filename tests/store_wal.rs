//! The WAL under sustained writing: background checkpoints must let it
//! restart, or it grows by every byte ever written while captures keep coming.

use hookscope::model::{AnswerTemplate, NewRequest};
use hookscope::store::{StoreError, Stored, Writer};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

fn request(n: usize) -> NewRequest {
    NewRequest {
        received_at_us: 1_735_732_800_000_000 + n as i64,
        method: "POST".into(),
        target: format!("/hooks/{n}"),
        http_version: "HTTP/1.1".into(),
        remote_addr: "127.0.0.1:40000".into(),
        headers: vec![("content-type".into(), b"application/json".to_vec())],
        body: bytes::Bytes::from(vec![b'x'; 1000]),
        body_size: 1000,
        body_truncated: false,
        event_type: None,
        sig_provider: None,
        sig_status: None,
        answer: AnswerTemplate {
            status: 200,
            headers: Vec::new(),
            body: "{id}".into(),
        },
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
        tasks.spawn(async move { handle.store(request(n)).await });
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
