//! The real binary: ready line, restart, SIGKILL durability, refusing
//! foreign or newer files, `ls` and `show`.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Output;

use common::*;

fn post(addr: std::net::SocketAddr, target: &str, body: &str) -> Vec<u8> {
    let request = format!(
        "POST {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    raw_exchange(addr, request.as_bytes())
}

fn run(args: &[&str], db: &Path) -> Output {
    bin()
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .expect("binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn restart_keeps_earlier_rows_and_ls_lists_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let mut first = Binary::start(&db, &[]);
    for i in 0..3 {
        assert_eq!(
            status_of(&post(first.addr, &format!("/first/{i}"), "{}")),
            200
        );
    }
    assert!(
        wait_line(&first.lines, |l| l.starts_with("#3 ")).is_some(),
        "one log line per request"
    );
    first.signal("INT");
    assert!(first.wait().success(), "Ctrl-C exits cleanly");

    let second = Binary::start(&db, &[]);
    let answer = post(second.addr, "/second", r#"{"type":"lead.captured"}"#);
    assert!(
        text(&answer).contains(r#"{"id":4,"stored":true}"#),
        "{}",
        text(&answer)
    );
    drop(second);

    let ls = run(&["ls"], &db);
    assert!(ls.status.success());
    let table = text(&ls.stdout);
    assert_eq!(table.lines().count(), 5, "{table}");
    assert!(
        table
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains("/second") && l.contains("lead.captured"))
    );

    let json = run(&["ls", "--json"], &db);
    let rows: Vec<serde_json::Value> = text(&json.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().expect("id")).collect();
    assert_eq!(ids, [4, 3, 2, 1]);
    assert_eq!(rows[0]["target"], "/second");
    assert_eq!(rows[0]["method"], "POST");
}

#[test]
fn ls_with_a_filter_counts_and_says_what_matches() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let mut server = Binary::start(&db, &[]);
    for n in 0..6 {
        assert_eq!(status_of(&post(server.addr, &format!("/a/{n}"), "{}")), 200);
        assert_eq!(status_of(&post(server.addr, &format!("/b/{n}"), "{}")), 200);
    }
    server.signal("INT");
    assert!(server.wait().success());

    let out = run(&["ls", "--filter", "path:/zzz*"], &db);
    assert_eq!(
        text(&out.stdout).trim_end(),
        format!(
            "no requests match the filter in {} (12 captured)",
            db.display()
        )
    );
    let out = run(&["ls", "--filter", "path:/a/*", "--limit", "4"], &db);
    assert_eq!(text(&out.stdout).lines().count(), 5, "a title and 4 rows");
    assert_eq!(
        text(&out.stderr).trim_end(),
        "showing the newest 4 of 6 matching; --limit 0 shows all"
    );
    for args in [
        &["ls", "--filter", "path:/a/*"][..],
        &["ls", "--filter", "path:/a/*", "--limit", "6"],
        &["ls", "--limit", "0"],
    ] {
        let out = run(args, &db);
        assert_eq!(text(&out.stderr), "", "{args:?}: nothing is left out");
    }
}

/// An app on loopback that answers every request `404`, once per connection.
fn app_answering_404() -> std::net::SocketAddr {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for mut stream in listener.incoming().map_while(Result::ok) {
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            // The head is enough: hookscope forwards a body it announced.
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\nconnection: close\r\n\r\nno",
            );
        }
    });
    addr
}

#[test]
fn in_forward_mode_the_log_says_what_the_sender_was_answered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let app = app_answering_404();
    let mut server = Binary::start(&db, &["--forward", &format!("http://{app}")]);
    assert_eq!(status_of(&post(server.addr, "/z", "{}")), 404);
    let captured = wait_line(&server.lines, |l| l.starts_with("#1 ")).expect("a line");
    assert!(captured.contains("→ forwarding"), "{captured}");
    let answered = wait_line(&server.lines, |l| l.starts_with("#1 ")).expect("a second line");
    assert_eq!(answered, "#1  forwarded  → 404");
    server.signal("INT");
    assert!(server.wait().success());
}

#[test]
fn a_burst_gets_one_log_line_per_request_and_a_full_count_at_stop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let mut server = Binary::start_merged(&db, &[]);
    let addr = server.addr;
    let senders: Vec<_> = (0..8)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..25 {
                    assert_eq!(
                        status_of(&post(addr, &format!("/burst/{t}/{i}"), "{}")),
                        200
                    );
                }
            })
        })
        .collect();
    for sender in senders {
        sender.join().expect("sender");
    }
    server.signal("INT");
    let mut ids = Vec::new();
    let mut after_stopping = Vec::new();
    let mut stopping = false;
    let stop = wait_line(&server.lines, |l| {
        if let Some(id) = l
            .strip_prefix('#')
            .and_then(|r| r.split_whitespace().next())
        {
            ids.push(id.parse::<u32>().expect("log lines start with the id"));
            if stopping {
                after_stopping.push(l.to_owned());
            }
        }
        stopping |= l.starts_with("stopping:");
        l.starts_with("stopped;")
    })
    .expect("a stop line");
    assert!(server.wait().success());
    ids.sort_unstable();
    assert_eq!(
        ids,
        (1..=200).collect::<Vec<_>>(),
        "each request logged once"
    );
    assert!(stop.contains("200 requests captured"), "{stop}");
    // Every request was answered before the stop: its line comes first.
    assert!(stopping, "a stopping line");
    assert_eq!(after_stopping, Vec::<String>::new());
}

#[test]
fn a_capture_file_deleted_while_listening_is_named_at_stop_not_pointed_to() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let mut server = Binary::start_merged(&db, &[]);
    assert_eq!(status_of(&post(server.addr, "/before", "{}")), 200);
    std::fs::remove_file(&db).expect("delete the capture file");
    assert_eq!(status_of(&post(server.addr, "/after", "{}")), 503);
    server.signal("INT");
    let stop = wait_line(&server.lines, |l| l.starts_with("stopped;")).expect("a stop line");
    assert!(stop.contains("was deleted while hookscope ran"), "{stop}");
    assert!(
        !server.wait().success(),
        "nothing is where it said it would be"
    );
}

/// `hookscope verify … | head -1` or `show --json | head -1` whose reader
/// has left: a quiet end, as `ls` has, not a panic's exit code 101.
#[test]
fn commands_writing_to_a_pipe_nobody_reads_end_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let mut server = Binary::start(&db, &[]);
    assert_eq!(status_of(&post(server.addr, "/one", "{}")), 200);
    server.signal("INT");
    assert!(server.wait().success());
    let raw = dir.path().join("one.http");
    std::fs::write(
        &raw,
        "POST /x HTTP/1.1\r\nHost: a\r\nStripe-Signature: t=1,v1=ab\r\nContent-Length: 2\r\n\r\n{}",
    )
    .expect("write");
    for args in [
        vec![
            "verify".as_ref(),
            "--provider".as_ref(),
            "stripe".as_ref(),
            raw.as_os_str(),
        ],
        vec![
            "show".as_ref(),
            "1".as_ref(),
            "--json".as_ref(),
            "--db".as_ref(),
            db.as_os_str(),
        ],
        vec![
            "ls".as_ref(),
            "--json".as_ref(),
            "--db".as_ref(),
            db.as_os_str(),
        ],
    ] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = bin().args(&args).stdout(writer).output().expect("runs");
        let stderr = text(&out.stderr);
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
    }
}

/// `hookscope listen --headless | head -1`: once the reader is gone, the
/// log lines have nowhere to go, and capturing, storing and stopping go on.
#[test]
fn a_listener_whose_stdout_reader_left_keeps_capturing_and_stops_cleanly() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let (output, input) = std::io::pipe().expect("pipe");
    let mut child = ChildGuard(
        bin()
            .args(["listen", "--headless", "--port", "0", "--db"])
            .arg(&db)
            .stdout(input)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("binary starts"),
    );
    let mut reader = std::io::BufReader::new(output);
    let mut line = String::new();
    while !line.contains("listening on http://") {
        line.clear();
        assert!(
            reader.read_line(&mut line).expect("read") > 0,
            "no ready line"
        );
    }
    let addr: std::net::SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .expect("an address");
    drop(reader);
    for n in 0..3 {
        assert_eq!(status_of(&post(addr, &format!("/after/{n}"), "{}")), 200);
    }
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &child.0.id().to_string()])
            .status()
            .is_ok_and(|s| s.success())
    );
    let deadline = std::time::Instant::now() + DEADLINE;
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("wait") {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the listener did not stop"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    let stored = hookscope::store::Reader::open(&db)
        .and_then(|r| r.count())
        .expect("the file reads");
    assert_eq!(stored, 3);
}

#[test]
fn a_request_answered_2xx_survives_sigkill_right_after_the_answer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let mut server = Binary::start(&db, &[]);
    let body = r#"{"durable":true}"#;
    let answer = post(server.addr, "/durable", body);
    server.signal("KILL");
    assert_eq!(status_of(&answer), 200);
    server.wait();
    let show = run(&["show", "1", "--raw"], &db);
    assert!(show.status.success(), "{}", text(&show.stderr));
    assert!(
        show.stdout.ends_with(body.as_bytes()),
        "{}",
        text(&show.stdout)
    );
}

#[test]
fn show_raw_gives_the_request_exactly_as_received() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let server = Binary::start(&db, &[]);
    // Lower-case names: hyper does not expose the original case of names.
    let request = b"PUT /raw?b=2&a=1 HTTP/1.1\r\nhost: h\r\nx-bin: \xff\r\ncontent-length: 21\r\nconnection: close\r\n\r\n\x1b]0;pwned\x07\x1b[31mred\x00\r\n";
    assert_eq!(status_of(&raw_exchange(server.addr, request)), 200);
    drop(server);
    let show = run(&["show", "1", "--raw"], &db);
    assert_eq!(show.stdout, request);
    let readable = run(&["show", "1"], &db);
    let shown = text(&readable.stdout);
    assert!(shown.contains(r"\e]0;pwned\x07\e[31mred\0"), "{shown}");
    assert!(shown.contains(r"x-bin: \xff"), "{shown}");
    assert!(
        shown.ends_with("\nanswered 200 (21 B received)\nsignature: unsigned\n"),
        "the answer and the signature verdict close it: {shown}"
    );
    assert!(
        !readable.stdout.contains(&0x1b),
        "no raw escape reaches the terminal"
    );
    let json = run(&["show", "1", "--json"], &db);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(value["body"], "\u{1b}]0;pwned\u{7}\u{1b}[31mred\u{0}\r\n");
    assert_eq!(
        value["headers"][1],
        serde_json::json!(["x-bin", {"base64": "/w=="}])
    );
    // A NUL cannot be in an argument: the body is piped in from printf.
    let curl = run(&["show", "1", "--curl"], &db);
    assert!(
        text(&curl.stdout).starts_with(r"printf '\033]0;pwned\007\033[31mred\000\015\012' | curl"),
        "{}",
        text(&curl.stdout)
    );
    assert!(text(&curl.stdout).trim_end().ends_with("--data-binary @-"));
}

/// The body and one header of a raw request as `show --raw` gives it.
fn body_and_header(raw: &[u8], name: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("head and body");
    let header = raw[..split]
        .split(|&b| b == b'\n')
        .find_map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let (n, v) = line.split_at(line.iter().position(|&b| b == b':')?);
            n.eq_ignore_ascii_case(name)
                .then(|| v[1..].trim_ascii().to_vec())
        })
        .unwrap_or_default();
    (raw[split + 4..].to_vec(), header)
}

#[test]
fn a_curl_export_run_by_the_shell_sends_the_same_bytes_again() {
    for tool in ["bash", "curl"] {
        assert!(
            std::process::Command::new(tool)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success()),
            "{tool} is needed for this test (.ci/run installs curl)"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let server = Binary::start(&db, &[]);
    let bodies: Vec<Vec<u8>> = vec![
        b"'quotes' \"double\" $HOME `id` $(id) \\ back\nslash\n".to_vec(),
        (0..=255u8).collect(),
        b"-n looks like an option %s %% \\0\x00 after a NUL".to_vec(),
        b"\x1b]0;pwned\x07 \xff\xfe not UTF-8, no NUL".to_vec(),
        vec![0; 3],
    ];
    for (i, body) in bodies.iter().enumerate() {
        let mut request = format!(
            "POST /curl/{i}?q='x'&r=%20 HTTP/1.1\r\nHost: {}\r\nX-Odd: it's \"odd\" ",
            server.addr
        )
        .into_bytes();
        request.extend_from_slice(b"\xff\r\n");
        request.extend_from_slice(
            format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        request.extend_from_slice(body);
        let answer = raw_exchange(server.addr, &request);
        assert_eq!(status_of(&answer), 200);
        let id = id_of(
            &answer[answer
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .expect("answer")
                + 4..],
        );

        let curl = run(&["show", &id.to_string(), "--curl"], &db);
        assert!(curl.status.success(), "{}", text(&curl.stderr));
        let sent = std::process::Command::new("bash")
            .arg("-c")
            .arg(text(&curl.stdout))
            .output()
            .expect("bash runs");
        assert!(sent.status.success(), "body {i}: {}", text(&sent.stderr));
        let resent = id_of(&sent.stdout);

        let original = run(&["show", &id.to_string(), "--raw"], &db).stdout;
        let again = run(&["show", &resent.to_string(), "--raw"], &db).stdout;
        assert_eq!(
            body_and_header(&again, b"x-odd"),
            body_and_header(&original, b"x-odd"),
            "body {i} through {}",
            text(&curl.stdout)
        );
        assert_eq!(body_and_header(&original, b"x-odd").0, *body);
    }
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("newer.sqlite3");
    {
        let conn = rusqlite::Connection::open(&db).expect("create");
        conn.execute_batch(
            "PRAGMA application_id = 1752133483; PRAGMA user_version = 99; CREATE TABLE requests (id INTEGER PRIMARY KEY, future TEXT);",
        )
        .expect("schema");
    }
    let before = std::fs::read(&db).expect("read");
    for args in [
        &["listen", "--headless", "--port", "0"][..],
        &["ls"],
        &["show", "1"],
    ] {
        let out = run(args, &db);
        assert!(!out.status.success(), "{args:?} must fail");
        let err = text(&out.stderr);
        assert!(
            err.contains("newer hookscope") && err.contains("99"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(std::fs::read(&db).expect("read"), before, "file untouched");
    assert!(!dir.path().join("newer.sqlite3-wal").exists());
}

#[test]
fn foreign_files_are_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite = dir.path().join("other.sqlite3");
    rusqlite::Connection::open(&sqlite)
        .expect("create")
        .execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine');")
        .expect("schema");
    let text_file = dir.path().join("notes.txt");
    std::fs::File::create(&text_file)
        .and_then(|mut f| {
            f.write_all(b"this is not a database, it is a long enough text file to have a header")
        })
        .expect("write");
    for (path, expect) in [
        (&sqlite, "not a hookscope capture"),
        (&text_file, "not a SQLite database"),
    ] {
        let before = std::fs::read(path).expect("read");
        for args in [&["listen", "--headless", "--port", "0"][..], &["ls"]] {
            let out = run(args, path);
            assert!(!out.status.success());
            assert!(text(&out.stderr).contains(expect), "{}", text(&out.stderr));
        }
        assert_eq!(std::fs::read(path).expect("read"), before);
    }

    // An empty file is what `listen` starts a capture in; reading it says so.
    let empty = dir.path().join("empty.sqlite3");
    std::fs::File::create(&empty).expect("create");
    let out = run(&["ls"], &empty);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("is empty, not a capture file yet"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn binding_beyond_loopback_warns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .args([
            "listen",
            "--headless",
            "--port",
            "0",
            "--bind",
            "0.0.0.0",
            "--db",
        ])
        .arg(dir.path().join("c.sqlite3"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let mut child = ChildGuard(out);
    let stderr = child.0.stderr.take().expect("stderr");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    let first = lines.next().expect("a line").expect("text");
    assert!(
        first.contains("warning") && first.contains("not loopback"),
        "{first}"
    );
}

#[test]
fn a_log_that_is_no_terminal_has_no_colour_codes() {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = Binary::start_merged(&dir.path().join("c.sqlite3"), &[]);
    // A body cut short gets a log line of its own.
    let mut conn = std::net::TcpStream::connect(server.addr).expect("connects");
    conn.write_all(b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc")
        .expect("sends");
    conn.shutdown(std::net::Shutdown::Write)
        .expect("half-closes");
    let mut answer = Vec::new();
    conn.read_to_end(&mut answer).expect("answer");
    assert_eq!(status_of(&answer), 400);
    let line = wait_line(&server.lines, |l| l.contains("broken body")).expect("logged");
    assert!(!line.contains('\x1b'), "{line:?}");
    server.signal("INT");
    assert!(server.wait().success());
}

struct ChildGuard(std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Forgetting `stripe=` leaves the bare secret as the flag's value: an
/// error that quoted it would put it in the terminal's scrollback and in CI
/// logs.
#[test]
fn a_secret_given_wrongly_is_never_repeated_in_the_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let secret = "whsec_DoNotPrintMe99";
    for (args, says) in [
        (
            vec!["listen", "--headless", "--secret", secret],
            "has no `=`",
        ),
        (
            vec![
                "listen",
                "--headless",
                "--secret",
                &format!("strpe={secret}"),
            ],
            "unknown provider 'strpe'",
        ),
        (
            vec![
                "resend",
                "1",
                "--to",
                "http://127.0.0.1:9",
                "--resign",
                "--secret",
                secret,
            ],
            "has no `=`",
        ),
    ] {
        let out = run(&args, &db);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("DoNotPrintMe") && !text(&out.stdout).contains("DoNotPrintMe"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_route_whose_secret_variable_is_missing_or_empty_names_the_config_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let config = dir.path().join("hookscope.toml");
    std::fs::write(
        &config,
        "[[routes]]\npath = \"/a/*\"\nprovider = \"stripe\"\nsecret_env = \"HOOKSCOPE_TEST_UNSET\"\n",
    )
    .expect("write");
    for (value, state) in [(None, "not set"), (Some(""), "empty")] {
        let mut command = bin();
        command
            .args(["listen", "--headless", "--port", "0", "--db"])
            .arg(&db)
            .arg("--config")
            .arg(&config);
        match value {
            Some(v) => command.env("HOOKSCOPE_TEST_UNSET", v),
            None => command.env_remove("HOOKSCOPE_TEST_UNSET"),
        };
        let out = command.output().expect("runs");
        assert!(!out.status.success());
        assert_eq!(
            text(&out.stderr).trim_end(),
            format!(
                "hookscope: config file {}: route `/a/*` reads its secret from $HOOKSCOPE_TEST_UNSET, which is {state}",
                config.display()
            )
        );
    }
}

/// A secret that can never be its provider's key would only show up later,
/// as every delivery judged invalid: it is refused at start, by fingerprint.
#[test]
fn a_secret_that_cannot_be_a_key_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    for (secret, why) in [
        (
            "discord=nothex",
            "not a 64-hex-character Ed25519 public key",
        ),
        (
            "standard_webhooks=whsec_!!!",
            "not base64 after the whsec_ prefix",
        ),
        ("sendgrid=abc", "not a P-256 public key"),
    ] {
        let out = run(
            &["listen", "--headless", "--port", "0", "--secret", secret],
            &db,
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{secret}: {stderr}");
        assert!(
            stderr.contains("secret sha256:") && stderr.contains(why),
            "{secret}: {stderr}"
        );
        let value = secret.split_once('=').map(|(_, v)| v).unwrap_or_default();
        assert!(
            !stderr.contains(value),
            "{secret}: the value is not repeated: {stderr}"
        );
    }
}

#[test]
fn missing_files_and_ids_get_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("none.sqlite3");
    let out = run(&["ls"], &db);
    assert!(
        text(&out.stderr).contains("no capture file at"),
        "{}",
        text(&out.stderr)
    );
    let server = Binary::start(&db, &[]);
    drop(server);
    let out = run(&["show", "42"], &db);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no request with id 42"));
}

#[test]
fn an_error_names_its_cause_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[[[\n").expect("write config");
    let out = bin()
        .args(["listen", "--headless", "--port", "0", "--config"])
        .arg(&config)
        .arg("--db")
        .arg(dir.path().join("c.sqlite3"))
        .output()
        .expect("binary runs");
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert_eq!(stderr.matches("TOML parse error").count(), 1, "{stderr}");

    // A directory where the capture file should be: said once, in words.
    let out = run(&["ls"], dir.path());
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert_eq!(stderr.matches("is a directory").count(), 1, "{stderr}");
}

#[test]
fn a_capture_file_in_a_directory_that_is_not_there_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("typo").join("c.sqlite3");
    let out = run(&["listen", "--headless", "--port", "0"], &db);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot open {}: No such file or directory",
            db.display()
        )),
        "{stderr}"
    );
    assert!(!dir.path().join("typo").exists(), "no directory made");
}

#[test]
fn a_capture_file_that_cannot_be_created_gets_the_systems_reason() {
    // Nobody, root included, can create a file in /proc.
    let db = std::path::Path::new("/proc/hookscope-test.sqlite3");
    let out = bin()
        .args(["listen", "--headless", "--port", "0", "--db"])
        .arg(db)
        .output()
        .expect("binary runs");
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("cannot open /proc/hookscope-test.sqlite3: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("(os error"),
        "the system's reason: {stderr}"
    );
    assert_eq!(
        stderr.matches("/proc/hookscope-test").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn a_truncated_capture_is_shown_as_what_was_stored_and_said_to_be_incomplete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let mut server = Binary::start(&db, &["--max-body", "1KiB"]);
    assert_eq!(
        status_of(&post(server.addr, "/big", &"x".repeat(5000))),
        413
    );
    server.signal("INT");
    assert!(server.wait().success());

    let out = run(&["show", "1", "--raw"], &db);
    assert!(text(&out.stderr).contains("stored truncated (1024 of 5000 body bytes)"));
    let mut slots = [httparse::EMPTY_HEADER; 16];
    let mut parsed = httparse::Request::new(&mut slots);
    let httparse::Status::Complete(head) = parsed.parse(&out.stdout).expect("a valid head") else {
        panic!("incomplete head");
    };
    let length = parsed
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .map(|h| text(h.value))
        .expect("a length");
    assert_eq!(length, "1024", "the length of what follows");
    assert_eq!(out.stdout.len() - head, 1024);
    let out = run(&["show", "1", "--curl"], &db);
    assert!(text(&out.stderr).contains("not the request that was sent"));

    // A saved request whose body is shorter than it says is not verified.
    let short = dir.path().join("short.http");
    std::fs::write(
        &short,
        "POST /x HTTP/1.1\r\nHost: a\r\nX-Hub-Signature-256: sha256=00\r\nContent-Length: 100\r\n\r\nabcd",
    )
    .expect("write");
    let out = bin()
        .args(["verify", "--provider", "github", "--secret", "s"])
        .arg(&short)
        .output()
        .expect("verify runs");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("cut short: Content-Length says 100 bytes, and 4 follow"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_chunked_request_shows_as_a_valid_message_that_verify_reads() {
    use hmac::{Hmac, KeyInit, Mac};
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let server = Binary::start(&db, &[]);
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"s3cret").expect("key");
    mac.update(b"hello world");
    let signature = hex::encode(mac.finalize().into_bytes());
    let request = format!(
        "POST /gh HTTP/1.1\r\nHost: {}\r\nX-GitHub-Event: push\r\nX-Hub-Signature-256: sha256={signature}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n",
        server.addr
    );
    assert_eq!(
        status_of(&raw_exchange(server.addr, request.as_bytes())),
        200
    );
    drop(server);

    // hyper gives the body without its chunks: it is written back as one.
    let raw = run(&["show", "1", "--raw"], &db).stdout;
    let mut slots = [httparse::EMPTY_HEADER; 16];
    let mut parsed = httparse::Request::new(&mut slots);
    let httparse::Status::Complete(head) = parsed.parse(&raw).expect("a valid head") else {
        panic!("incomplete head: {}", text(&raw));
    };
    assert_eq!(&raw[head..], b"b\r\nhello world\r\n0\r\n\r\n");

    let mut verify = bin()
        .args(["verify", "--provider", "github", "--secret", "s3cret"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("verify runs");
    verify
        .stdin
        .take()
        .expect("stdin")
        .write_all(&raw)
        .expect("write");
    let out = verify.wait_with_output().expect("verify ends");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["status"], "valid", "{report}");
}

#[test]
fn a_capture_in_a_directory_the_reader_cannot_write_is_still_read() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let mut server = Binary::start(&db, &[]);
    assert_eq!(
        status_of(&post(server.addr, "/shared", r#"{"type":"a.b"}"#)),
        200
    );
    server.signal("INT");
    assert!(server.wait().success());
    let sibling = |suffix: &str| dir.path().join(format!("c.sqlite3{suffix}"));
    assert!(!sibling("-wal").exists() && !sibling("-shm").exists());
    let before = std::fs::read(&db).expect("read capture");

    // Someone else's capture, as received: a read-only file in a directory
    // the reader may not write. Root may write anywhere, so as root the
    // reader is `nobody`, with a link to the binary it can reach.
    let exe = dir.path().join("hookscope");
    std::fs::hard_link(env!("CARGO_BIN_EXE_hookscope"), &exe)
        .or_else(|_| std::fs::copy(env!("CARGO_BIN_EXE_hookscope"), &exe).map(drop))
        .expect("binary reachable");
    let root = std::fs::metadata(&db).expect("stat").uid() == 0;
    let chmod = |path: &Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    chmod(&db, 0o444);
    chmod(dir.path(), 0o555);
    let mut reader = if root {
        let mut c = std::process::Command::new("runuser");
        c.args(["-u", "nobody", "--"]).arg(&exe);
        c
    } else {
        std::process::Command::new(&exe)
    };
    let out = reader
        .args(["ls", "--json", "--db"])
        .arg(&db)
        .output()
        .expect("reader runs");
    chmod(dir.path(), 0o755);

    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains(r#""target":"/shared""#), "{stdout}");
    assert_eq!(
        std::fs::read(&db).expect("reread"),
        before,
        "left as it was"
    );
    assert!(!sibling("-wal").exists() && !sibling("-shm").exists());
}
