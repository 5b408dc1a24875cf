//! The capture server over real loopback HTTP into a real SQLite file.

mod common;

use std::time::Duration;

use common::*;
use hookscope::model::RequestId;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_common_method_is_captured() {
    let mut server = Server::start().await;
    let client = client();
    let methods = [
        "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND",
    ];
    for method in methods {
        let (status, _) = send(&client, method, &server.url("/m"), &[], "").await;
        assert_eq!(status, 200, "{method}");
    }
    wait_captured(&mut server.events, methods.len()).await;
    let rows = server.newest(100);
    let stored: Vec<_> = rows.iter().rev().map(|r| r.method.as_str()).collect();
    assert_eq!(stored, methods);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_body_is_stored_byte_exact() {
    let server = Server::start().await;
    let body: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let (status, answer) = send(
        &client(),
        "POST",
        &server.url("/bin"),
        &[("content-type", b"application/octet-stream")],
        body.clone(),
    )
    .await;
    assert_eq!(status, 200);
    let detail = server
        .reader()
        .detail(RequestId(id_of(&answer)))
        .expect("query")
        .expect("row exists");
    assert_eq!(detail.body, body);
    assert_eq!(detail.summary.body_size, body.len() as u64);
    assert!(!detail.summary.body_truncated);
    assert_eq!(
        detail.summary.content_type.as_deref(),
        Some("application/octet-stream")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_mib_body_is_stored_whole() {
    let server = Server::start().await;
    let body: Vec<u8> = (0..5 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let (status, answer) = send(&client(), "POST", &server.url("/big"), &[], body.clone()).await;
    assert_eq!(status, 200);
    let detail = server
        .reader()
        .detail(RequestId(id_of(&answer)))
        .expect("query")
        .expect("row");
    assert_eq!(detail.body.len(), body.len());
    assert!(detail.body == body, "stored body differs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_headers_keep_their_order_and_query_is_kept_as_sent() {
    let server = Server::start().await;
    let target = "/q?b=2&a=1&a=%20x&empty=&flag&%E2%9C%93=%ZZ";
    let request = format!(
        "POST {target} HTTP/1.1\r\nHost: example.test\r\nX-Dup: first\r\nX-Other: o\r\nX-Dup: second\r\nX-Dup: third\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let response = raw_exchange(server.addr, request.as_bytes());
    assert_eq!(
        status_of(&response),
        200,
        "{}",
        String::from_utf8_lossy(&response)
    );
    let row = &server.newest(1)[0];
    assert_eq!(row.target, target);
    let detail = server.reader().detail(row.id).expect("query").expect("row");
    let dups: Vec<&[u8]> = detail
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("x-dup"))
        .map(|(_, v)| v.as_slice())
        .collect();
    assert_eq!(dups, [&b"first"[..], b"second", b"third"]);
    assert_eq!(detail.header("host"), Some(&b"example.test"[..]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_values_that_are_not_utf8_are_kept_as_bytes() {
    let server = Server::start().await;
    let request = b"POST /u HTTP/1.1\r\nHost: x\r\nX-Bin: \xff\xfe caf\xc3\xa9 \x80\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi".to_vec();
    let response = raw_exchange(server.addr, &request);
    assert_eq!(status_of(&response), 200);
    let row = &server.newest(1)[0];
    let detail = server.reader().detail(row.id).expect("query").expect("row");
    assert_eq!(
        detail.header("x-bin"),
        Some(&b"\xff\xfe caf\xc3\xa9 \x80"[..])
    );
    assert_eq!(detail.body, b"hi");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chunked_bodies_and_keep_alive_work() {
    let server = Server::start().await;
    let mut stream = std::net::TcpStream::connect(server.addr).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
    use std::io::Write;
    for i in 0..3 {
        write!(
            stream,
            "POST /chunked/{i} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"
        )
        .expect("write");
        let response = read_response(&mut stream);
        assert_eq!(
            status_of(&response),
            200,
            "request {i} on the same connection"
        );
    }
    let rows = server.newest(10);
    assert_eq!(rows.len(), 3);
    let detail = server
        .reader()
        .detail(rows[0].id)
        .expect("query")
        .expect("row");
    assert_eq!(detail.body, b"hello, world");
    assert_eq!(detail.summary.target, "/chunked/2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_prior_knowledge_is_captured() {
    let server = Server::start().await;
    let (status, answer) = send(
        &h2_client(),
        "POST",
        &server.url("/h2?z=1"),
        &[("x-h2", b"yes")],
        r#"{"event":"lead.captured"}"#,
    )
    .await;
    assert_eq!(status, 200);
    let detail = server
        .reader()
        .detail(RequestId(id_of(&answer)))
        .expect("query")
        .expect("row");
    assert_eq!(detail.summary.http_version, "HTTP/2.0");
    assert_eq!(detail.summary.target, "/h2?z=1");
    assert_eq!(detail.summary.event_type.as_deref(), Some("lead.captured"));
    assert_eq!(detail.header("x-h2"), Some(&b"yes"[..]));
    assert_eq!(
        detail.header(":authority"),
        Some(server.addr.to_string().as_bytes())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests_give_a_thousand_rows_and_answers() {
    let server = Server::start().await;
    let client = client();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..1000 {
        let client = client.clone();
        let url = server.url(&format!("/c/{i}"));
        tasks
            .spawn(async move { send(&client, "POST", &url, &[], format!("{{\"n\":{i}}}")).await });
    }
    let mut ids = std::collections::HashSet::new();
    while let Some(result) = tasks.join_next().await {
        let (status, answer) = result.expect("task");
        assert_eq!(status, 200);
        assert!(ids.insert(id_of(&answer)), "ids are unique");
    }
    assert_eq!(ids.len(), 1000);
    assert_eq!(server.reader().count().expect("count"), 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_body_is_answered_413_and_stored_truncated() {
    let server = Server::start_with(|c| c.max_body = 1024).await;
    let body = vec![b'x'; 4096];
    let (status, answer) = send(&client(), "POST", &server.url("/big"), &[], body).await;
    assert_eq!(status, 413);
    let detail = server
        .reader()
        .detail(RequestId(id_of(&answer)))
        .expect("query")
        .expect("row");
    assert!(detail.summary.body_truncated);
    assert_eq!(detail.summary.body_size, 4096);
    assert_eq!(detail.body.len(), 1024);
    assert_eq!(detail.summary.status, 413);
    assert_eq!(detail.answer.status, 413);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answer_is_configurable_and_stored() {
    let server = Server::start_with(|c| {
        c.answer = std::sync::Arc::new(hookscope::model::AnswerTemplate {
            status: 202,
            headers: vec![("x-served-by".into(), "hookscope".into())],
            body: "got {id}".into(),
        });
    })
    .await;
    let (status, answer) = send(&client(), "POST", &server.url("/a"), &[], "x").await;
    assert_eq!(status, 202);
    assert_eq!(answer, "got 1");
    let detail = server
        .reader()
        .detail(RequestId(1))
        .expect("query")
        .expect("row");
    assert_eq!(detail.answer.body, b"got 1");
    assert_eq!(
        detail.answer.headers,
        vec![("x-served-by".to_owned(), b"hookscope".to_vec())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_trickling_its_head_is_cut_off_without_blocking_others() {
    let server = Server::start_with(|c| c.header_timeout = Duration::from_secs(1)).await;
    let mut slow = std::net::TcpStream::connect(server.addr).expect("connect");
    use std::io::{Read, Write};
    slow.write_all(b"POST /slow HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .expect("write");
    // Others are served while the slow client hangs.
    let (status, _) = send(&client(), "GET", &server.url("/fast"), &[], "").await;
    assert_eq!(status, 200);
    // The slow client is disconnected once its head is overdue.
    slow.set_read_timeout(Some(DEADLINE)).expect("timeout");
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    let rows = server.newest(10);
    assert_eq!(rows.len(), 1, "only the fast request is stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_trickling_its_body_gets_408_and_nothing_is_stored() {
    let server = Server::start_with(|c| c.body_timeout = Duration::from_secs(1)).await;
    let mut slow = std::net::TcpStream::connect(server.addr).expect("connect");
    use std::io::Write;
    slow.write_all(b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a part")
        .expect("write");
    slow.set_read_timeout(Some(DEADLINE)).expect("timeout");
    let response = read_response(&mut slow);
    assert_eq!(status_of(&response), 408);
    assert_eq!(server.reader().count().expect("count"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_http_gets_400_and_the_server_keeps_serving() {
    let server = Server::start().await;
    for garbage in [
        &b"GARBAGE\r\n\r\n"[..],
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ] {
        let response = raw_exchange(server.addr, garbage);
        let status = status_of(&response);
        assert!(
            status == 400 || response.is_empty(),
            "got {}",
            String::from_utf8_lossy(&response)
        );
    }
    let (status, _) = send(&client(), "GET", &server.url("/after"), &[], "").await;
    assert_eq!(status, 200);
    assert_eq!(server.reader().count().expect("count"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_capture_file_gives_503_and_the_server_keeps_running() {
    let mut server = Server::start().await;
    let client = client();
    let (status, _) = send(&client, "POST", &server.url("/before"), &[], "a").await;
    assert_eq!(status, 200);
    wait_captured(&mut server.events, 1).await;
    std::fs::remove_file(&server.db).expect("delete the capture file");
    let (status, answer) = send(&client, "POST", &server.url("/after"), &[], "b").await;
    assert_eq!(status, 503);
    let text = String::from_utf8_lossy(&answer);
    assert!(text.contains("deleted or replaced"), "{text}");
    let (status, _) = send(&client, "POST", &server.url("/again"), &[], "c").await;
    assert_eq!(status, 503, "still running, still refusing to fake success");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_capture_file_gives_503() {
    let server = Server::start().await;
    let locker = rusqlite::Connection::open(&server.db).expect("open");
    locker.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    let (status, answer) = send(&client(), "POST", &server.url("/locked"), &[], "x").await;
    assert_eq!(status, 503);
    assert!(String::from_utf8_lossy(&answer).contains("locked"));
    locker.execute_batch("ROLLBACK").expect("unlock");
    let (status, _) = send(&client(), "POST", &server.url("/unlocked"), &[], "x").await;
    assert_eq!(status, 200, "recovers once the lock is gone");
}
