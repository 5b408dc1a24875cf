//! Resend, forward and send against a real local target that records what
//! it receives: byte-identical resends, edits, re-signing that verifies,
//! forward mode answers, retries.

mod common;

use std::time::Duration;

use common::*;
use hookscope::capture::Forward;
use hookscope::model::RequestId;
use hookscope::resend::{Client, ClientOptions};
use hookscope::signature::{self, ProviderId, RequestView, SignInput, Status, VerifyOptions};

fn forward_to(target: String, timeout: Duration) -> Option<Forward> {
    Some(Forward {
        target,
        client: Client::new(ClientOptions {
            timeout,
            accept_invalid_certs: false,
        })
        .expect("client"),
    })
}

/// Header lines of a raw request head as name/value pairs.
fn headers_of(head: &[String]) -> Vec<(String, Vec<u8>)> {
    head[1..]
        .iter()
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_owned(), v.trim().as_bytes().to_vec()))
        .collect()
}

/// Runs `hookscope send ARGS`.
fn send_sample(args: &[&str]) -> std::process::Output {
    bin().arg("send").args(args).output().expect("send")
}

fn header<'a>(head: &'a [String], name: &str) -> Option<&'a str> {
    head.iter().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_mode_answers_with_the_apps_answer_and_stores_the_exchange() {
    let app = Recorder::start(vec![(201, "created by the app")]);
    let server =
        Server::start_with(|c| c.forward = forward_to(app.url(""), Duration::from_secs(10))).await;
    let request = format!(
        "POST /hooks/x?y=1 HTTP/1.1\r\nHost: {}\r\nX-Custom: kept\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        server.addr
    );
    let answer = raw_exchange(server.addr, request.as_bytes());
    assert_eq!(
        status_of(&answer),
        201,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(answer.ends_with(b"created by the app"));
    assert!(
        String::from_utf8_lossy(&answer)
            .to_ascii_lowercase()
            .contains("x-target: recorder")
    );
    let (head, body) = split_request(&app.next());
    assert_eq!(head[0], "POST /hooks/x?y=1 HTTP/1.1");
    assert_eq!(header(&head, "x-custom"), Some("kept"));
    assert_eq!(header(&head, "host"), Some(app.addr.to_string().as_str()));
    assert_eq!(body, b"hello");
    let row = server.newest(1).pop().expect("captured");
    assert_eq!(row.status, 201, "the stored answer is the app's");
    let attempts = server.reader().attempts(row.id).expect("attempts");
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].kind, "forward");
    assert_eq!(attempts[0].response_status, Some(201));
    assert_eq!(attempts[0].response_body, b"created by the app");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_mode_with_the_app_down_gives_502_and_keeps_the_capture() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let server = Server::start_with(|c| c.forward = forward_to(url, Duration::from_secs(10))).await;
    let (status, answer) = send(&client(), "POST", &server.url("/down"), &[], "payload").await;
    assert_eq!(status, 502);
    let text = String::from_utf8_lossy(&answer);
    assert!(text.contains("refused"), "{text}");
    let row = server.newest(1).pop().expect("the capture is kept");
    let detail = server.reader().detail(row.id).expect("q").expect("row");
    assert_eq!(detail.body, b"payload");
    let attempts = server.reader().attempts(row.id).expect("attempts");
    assert!(
        attempts[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("refused"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_mode_with_a_slow_app_gives_504() {
    // Accepts connections (the kernel's backlog) but never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", silent.local_addr().expect("addr"));
    let server =
        Server::start_with(|c| c.forward = forward_to(url, Duration::from_millis(300))).await;
    let (status, _) = send(&client(), "POST", &server.url("/slow"), &[], "x").await;
    assert_eq!(status, 504);
    assert_eq!(server.newest(1).len(), 1);
    drop(silent);
}

/// Captures `raw` with the real binary, then stops it; returns the file.
fn capture(raw: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let server = Binary::start(&db, &[]);
    assert_eq!(status_of(&raw_exchange(server.addr, raw)), 200);
    drop(server);
    (dir, db)
}

#[test]
fn an_unchanged_resend_is_byte_identical_and_stored_as_an_attempt() {
    let raw = b"PUT /hooks/bin?b=2&a=1 HTTP/1.1\r\nhost: capture.test\r\nx-dup: one\r\nx-bin: \xff\xfe raw\r\nx-dup: two\r\ncontent-type: application/octet-stream\r\ncontent-length: 6\r\nconnection: close\r\n\r\n\x00\x01\xff\r\nz";
    let (_dir, db) = capture(raw);
    let app = Recorder::start(vec![(200, "ok")]);
    let out = bin()
        .args(["resend", "1", "--to", &app.url(""), "--db"])
        .arg(&db)
        .output()
        .expect("resend");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("200 OK"));
    let got = app.next();
    let (head, body) = split_request(&got);
    assert_eq!(head[0], "PUT /hooks/bin?b=2&a=1 HTTP/1.1");
    assert_eq!(body, b"\x00\x01\xff\r\nz");
    assert_eq!(
        header(&head, "host"),
        Some(app.addr.to_string().as_str()),
        "Host is the new target"
    );
    assert_eq!(header(&head, "content-length"), Some("6"));
    let needle = b"x-bin: \xff\xfe raw\r\n";
    assert!(
        got.windows(needle.len()).any(|w| w == needle),
        "non-UTF-8 value kept byte for byte"
    );
    let dups: Vec<&str> = head
        .iter()
        .filter(|l| l.to_ascii_lowercase().starts_with("x-dup:"))
        .map(String::as_str)
        .collect();
    assert_eq!(dups.len(), 2);
    assert!(dups[0].ends_with("one") && dups[1].ends_with("two"));
    let attempts = hookscope::store::Reader::open(&db)
        .expect("open")
        .attempts(RequestId(1))
        .expect("attempts");
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].kind, "resend");
    assert_eq!(attempts[0].response_status, Some(200));

    // `show` lists it too, in words and in JSON.
    let show = |extra: &[&str]| {
        let out = bin()
            .args(["show", "1", "--db"])
            .arg(&db)
            .args(extra)
            .output()
            .expect("show");
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = show(&[]);
    let line = text
        .lines()
        .find(|l| l.starts_with("  #1 resend  "))
        .unwrap_or_else(|| panic!("an attempts line: {text}"));
    assert!(
        line.contains(&format!("PUT {} → 200 in ", app.url("/hooks/bin?b=2&a=1"))),
        "{line}"
    );
    let json: serde_json::Value = serde_json::from_str(&show(&["--json"])).expect("JSON");
    assert_eq!(json["attempts"][0]["kind"], "resend");
    assert_eq!(json["attempts"][0]["response"]["status"], 200);
}

#[test]
fn an_edited_and_resigned_resend_carries_the_edit_and_verifies_at_the_target() {
    let secret = "It's a Secret to Everybody";
    let body = br#"{"action":"opened","number":7}"#;
    let signed = signature::sign(
        ProviderId::Github,
        secret,
        &SignInput {
            url: "http://x/",
            body,
            now: 0,
            message_id: "m",
            content_type: None,
        },
        None,
    )
    .expect("signs");
    let mut raw = format!("POST /hooks/github HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-GitHub-Event: pull_request\r\nContent-Length: {}\r\nConnection: close\r\n", body.len()).into_bytes();
    for (n, v) in &signed {
        raw.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    raw.extend_from_slice(b"\r\n");
    raw.extend_from_slice(body);
    let (_dir, db) = capture(&raw);
    let app = Recorder::start(vec![(204, "")]);
    let out = bin()
        .args([
            "resend",
            "1",
            "--edit",
            "--resign",
            "--to",
            &app.url("/app/hook"),
            "--secret",
            &format!("github={secret}"),
            "--db",
        ])
        .arg(&db)
        // The "editor" changes the action and adds a header.
        .env("EDITOR", "sed -i -e s/opened/closed/ -e '2i X-Edited: yes'")
        .env_remove("VISUAL")
        .output()
        .expect("resend");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let (head, sent_body) = split_request(&app.next());
    assert_eq!(head[0], "POST /app/hook HTTP/1.1");
    assert_eq!(sent_body, br#"{"action":"closed","number":7}"#);
    assert_eq!(header(&head, "x-edited"), Some("yes"));
    let headers = headers_of(&head);
    let url = app.url("/app/hook");
    let view = RequestView {
        method: "POST",
        url: &url,
        headers: &headers,
        body: &sent_body,
    };
    let secrets = [secret.to_owned()];
    let options = VerifyOptions::new(&secrets, 0);
    let verdict = signature::verify(ProviderId::Github, &view, &options);
    assert_eq!(verdict.status, Status::Valid, "{}", verdict.detail);

    // Quitting the editor without saving sends nothing.
    let out = bin()
        .args([
            "resend",
            "1",
            "--edit",
            "--to",
            &app.url("/app/hook"),
            "--db",
        ])
        .arg(&db)
        .env("EDITOR", "true")
        .env_remove("VISUAL")
        .output()
        .expect("resend");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not changed in the editor; nothing sent"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(app.try_next(Duration::ZERO).is_none(), "nothing was sent");
}

#[test]
fn a_signed_sample_verifies_at_the_target() {
    for (sample, provider, secret) in [
        (
            "payment_intent.succeeded",
            ProviderId::Stripe,
            "whsec_test_secret_123",
        ),
        (
            "contact.created",
            ProviderId::StandardWebhooks,
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ),
        ("push", ProviderId::Github, "gh-secret"),
        // Not a Shopify sample: signing adds what the SDK requires beside
        // the HMAC (topic, shop, API version, webhook id).
        ("new_order", ProviderId::Shopify, "shpss_test_secret"),
        // GitHub's scheme too: the agent tells a receiver it is Intercom's.
        ("lead.captured", ProviderId::Intercom, "intercom_secret"),
    ] {
        let app = Recorder::start(vec![(200, "ok")]);
        let out = bin()
            .args([
                "send",
                sample,
                "--to",
                &app.url(""),
                "--sign",
                provider.as_str(),
                "--secret",
                secret,
            ])
            .output()
            .expect("send");
        assert!(
            out.status.success(),
            "{sample}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (head, body) = split_request(&app.next());
        let headers = headers_of(&head);
        let url = format!(
            "http://{}{}",
            app.addr,
            head[0].split(' ').nth(1).expect("target")
        );
        let view = RequestView {
            method: "POST",
            url: &url,
            headers: &headers,
            body: &body,
        };
        let secrets = [secret.to_owned()];
        let now = hookscope::verifier::Clock::System.now();
        let options = VerifyOptions::new(&secrets, now);
        assert_eq!(
            signature::detect(&view).map(|(p, _)| p),
            Some(provider),
            "{sample}: a receiver tells which provider signed it"
        );
        let verdict = signature::verify(provider, &view, &options);
        assert_eq!(
            verdict.status,
            Status::Valid,
            "{sample}: {}",
            verdict.detail
        );
    }
}

#[test]
fn sends_retry_on_5xx_and_stop_on_success() {
    let app = Recorder::start(vec![(503, "busy"), (500, "oops"), (200, "ok")]);
    let out = send_sample(&[
        "lead.captured",
        "--to",
        &app.url("/x"),
        "--retries",
        "4",
        "--retry-delays",
        "10ms,20ms",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        log.lines().filter(|l| l.starts_with("attempt ")).count(),
        3,
        "{log}"
    );
    assert!(
        log.contains("retrying in 10 ms") || log.contains("retrying in 10ms"),
        "{log}"
    );
    for _ in 0..3 {
        app.next();
    }
    assert!(
        app.try_next(Duration::ZERO).is_none(),
        "no fourth attempt after success"
    );
}

#[test]
fn sends_give_up_after_the_schedule_and_do_not_retry_4xx() {
    let app = Recorder::start(vec![(503, "busy")]);
    let out = send_sample(&[
        "new_order",
        "--to",
        &app.url("/x"),
        "--retries",
        "2",
        "--retry-delays",
        "5ms",
    ]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        3,
        "first try and two retries"
    );
    let app = Recorder::start(vec![(404, "no")]);
    let out = send_sample(&[
        "new_order",
        "--to",
        &app.url("/x"),
        "--retries",
        "3",
        "--retry-delays",
        "5ms",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        1,
        "a 404 is final"
    );
    assert!(
        !out.status.success(),
        "a refusal is no delivery: scripts see it in the exit code"
    );
}

#[test]
fn send_lists_every_sample() {
    let out = bin().args(["send", "--list"]).output().expect("list");
    let list = String::from_utf8_lossy(&out.stdout);
    for name in [
        "lead.captured",
        "conversation.ended",
        "intent.detected",
        "booking.created",
        "new_order",
        "payment_intent.succeeded",
        "push",
        "app_mention",
        "contact.created",
    ] {
        assert!(list.contains(name), "{name} missing from:\n{list}");
    }
}
