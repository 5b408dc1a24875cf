//! `hookscope export` and `import`: requests captured by the real server,
//! exported and imported by the real binary, the HAR checked against the
//! HAR 1.2 JSON Schema, and imported deliveries re-verified.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::*;
use serde_json::Value;

/// Serves the vendored HAR 1.2 schemas (tests/data/har-schema) for their
/// relative `$ref`s, with nothing fetched from the network.
struct HarSchemas;

impl jsonschema::Retrieve for HarSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .path()
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        Ok(serde_json::from_str(&std::fs::read_to_string(
            schema_path(&name),
        )?)?)
    }
}

fn schema_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/har-schema")
        .join(name)
}

fn har_validator() -> jsonschema::Validator {
    let root: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path("har.json")).expect("schema"))
            .expect("schema JSON");
    jsonschema::options()
        .with_base_uri("https://har-schema.test/")
        .with_retriever(HarSchemas)
        .should_validate_formats(true)
        .build(&root)
        .expect("the HAR schema compiles")
}

fn export(db: &Path, file: &Path, extra: &[&str]) -> Output {
    bin()
        .arg("export")
        .arg(file)
        .arg("--db")
        .arg(db)
        .args(extra)
        .output()
        .expect("binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A capture with the cases an export has to carry: credentials, a query
/// string, cookies, a binary body, a header value that is not UTF-8, and
/// a chunked body.
fn capture(db: &Path) {
    let server = Binary::start(db, &[]);
    let host = server.addr;
    let requests: [Vec<u8>; 4] = [
        format!(
            "POST /hooks/a?x=1&y=%20z HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer sk_live_123\r\nCookie: session=abc; theme=dark\r\nContent-Type: application/json\r\nContent-Length: 24\r\nConnection: close\r\n\r\n{{\"type\":\"lead.captured\"}}"
        )
        .into_bytes(),
        [
            format!("PUT /bin HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/octet-stream\r\nX-Raw: a").into_bytes(),
            b"\xff\xfe".to_vec(),
            b"\r\nContent-Length: 5\r\nConnection: close\r\n\r\n\x1f\x8b\x08\x00\xff".to_vec(),
        ]
        .concat(),
        format!("GET /health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").into_bytes(),
        format!(
            "POST /chunked HTTP/1.1\r\nHost: {host}\r\nX-Gitlab-Token: s3cret\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        )
        .into_bytes(),
    ];
    for request in &requests {
        assert_eq!(status_of(&raw_exchange(host, request)), 200);
    }
}

#[test]
fn a_har_export_is_valid_har_and_keeps_every_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    capture(&db);
    let har_path = dir.path().join("out.har");
    let out = export(&db, &har_path, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("exported 4 requests"),
        "{}",
        text(&out.stderr)
    );

    let har: Value =
        serde_json::from_slice(&std::fs::read(&har_path).expect("read")).expect("JSON");
    let validator = har_validator();
    let errors: Vec<String> = validator.iter_errors(&har).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "not valid HAR 1.2: {errors:#?}");
    // The schema does refuse what HAR does not allow.
    let mut broken = har.clone();
    broken["log"]["entries"][0]
        .as_object_mut()
        .expect("entry")
        .remove("timings");
    broken["log"]["entries"][1]["request"]["url"] = Value::from("not a url");
    assert_eq!(validator.iter_errors(&broken).count(), 2);

    let entries = har["log"]["entries"].as_array().expect("entries");
    let urls: Vec<&str> = entries
        .iter()
        .map(|e| e["request"]["url"].as_str().expect("url"))
        .collect();
    assert_eq!(urls.len(), 4);
    assert!(
        urls[0].ends_with("/hooks/a?x=1&y=%20z"),
        "oldest first: {urls:?}"
    );
    assert!(urls[3].ends_with("/chunked"), "{urls:?}");

    let first = &entries[0]["request"];
    assert_eq!(first["queryString"][1]["value"], " z");
    assert_eq!(first["cookies"][1]["name"], "theme");
    assert_eq!(first["postData"]["text"], r#"{"type":"lead.captured"}"#);
    let auth = first["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .find(|h| h["name"] == "authorization")
        .expect("authorization");
    assert_eq!(auth["value"], "Bearer sk_live_123", "kept without --redact");

    let binary = &entries[1]["request"];
    assert_eq!(binary["postData"]["_encoding"], "base64");
    let body = STANDARD
        .decode(binary["postData"]["text"].as_str().expect("text"))
        .expect("base64");
    assert_eq!(body, b"\x1f\x8b\x08\x00\xff", "byte for byte");
    let raw = binary["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .find(|h| h["name"] == "x-raw")
        .expect("x-raw");
    assert_eq!(
        STANDARD
            .decode(raw["_valueBase64"].as_str().expect("b64"))
            .expect("base64"),
        b"a\xff\xfe"
    );

    assert!(
        entries[2]["request"].get("postData").is_none(),
        "a GET has none"
    );
    assert_eq!(entries[3]["request"]["postData"]["text"], "hello world");
    let answer = &entries[0]["response"];
    assert_eq!(answer["status"], 200);
    assert_eq!(answer["content"]["text"], r#"{"id":1,"stored":true}"#);
}

#[test]
fn redacted_exports_keep_no_credential_in_any_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    capture(&db);
    for name in ["out.har", "out.ndjson", "out.md"] {
        let path = dir.path().join(name);
        let out = export(&db, &path, &["--redact"]);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        let written = text(&std::fs::read(&path).expect("read"));
        for secret in ["sk_live_123", "session=abc", "abc; theme", "s3cret"] {
            assert!(
                !written.contains(secret),
                "{name} leaks {secret}: {written}"
            );
        }
        assert!(written.contains("[redacted]"), "{name}: {written}");
        // What is not a credential stays.
        assert!(written.contains("lead.captured"), "{name}: {written}");
    }
}

#[test]
fn ndjson_and_markdown_exports_follow_the_filter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    capture(&db);

    let ndjson = dir.path().join("posts.ndjson");
    let out = export(&db, &ndjson, &["--filter", "method:POST"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<Value> = text(&std::fs::read(&ndjson).expect("read"))
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect();
    let targets: Vec<&str> = lines
        .iter()
        .map(|l| l["target"].as_str().expect("target"))
        .collect();
    assert_eq!(targets, ["/hooks/a?x=1&y=%20z", "/chunked"]);
    assert_eq!(lines[1]["body"], "hello world");
    for line in &lines {
        let id = line["id"].to_string();
        let show = bin()
            .args(["show", &id, "--json", "--db"])
            .arg(&db)
            .output()
            .expect("show runs");
        let shown: Value = serde_json::from_slice(&show.stdout).expect("show --json");
        assert_eq!(line, &shown, "a line is what `show {id} --json` prints");
    }

    let md = dir.path().join("put.md");
    let out = export(&db, &md, &["--filter", "method:PUT"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&std::fs::read(&md).expect("read"));
    assert!(
        md.starts_with("# Requests captured by hookscope\n\n### `PUT /bin`"),
        "{md}"
    );
    assert!(
        md.contains("its bytes in base64:\n\n```\nH4sIAP8=\n```"),
        "{md}"
    );
    assert_eq!(md.matches("### ").count(), 1, "{md}");
}

#[test]
fn a_failed_export_leaves_an_earlier_file_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    capture(&db);
    let path = dir.path().join("keep.har");
    std::fs::write(&path, b"earlier export").expect("write");

    let bad_filter = export(&db, &path, &["--filter", "status:abc"]);
    assert!(!bad_filter.status.success());
    assert!(
        text(&bad_filter.stderr).contains("bad --filter"),
        "{}",
        text(&bad_filter.stderr)
    );
    let no_capture = export(&dir.path().join("missing.sqlite3"), &path, &[]);
    assert!(!no_capture.status.success());
    assert!(
        text(&no_capture.stderr).contains("no capture file"),
        "{}",
        text(&no_capture.stderr)
    );
    assert_eq!(std::fs::read(&path).expect("read"), b"earlier export");

    // A directory that is not there gets the system's reason, and no
    // temporary name.
    let nowhere = dir.path().join("no-such-dir");
    let missing_dir = export(&db, &nowhere.join("x.har"), &[]);
    assert!(!missing_dir.status.success());
    assert_eq!(
        text(&missing_dir.stderr).trim_end(),
        format!(
            "hookscope: cannot write in {}: No such file or directory (os error 2)",
            nowhere.display()
        )
    );

    // A directory where the file should go: the system's reason, once.
    let taken = dir.path().join("taken.har");
    std::fs::create_dir(&taken).expect("mkdir");
    let onto_dir = export(&db, &taken, &[]);
    assert!(!onto_dir.status.success());
    assert_eq!(
        text(&onto_dir.stderr).trim_end(),
        format!(
            "hookscope: cannot write {}: Is a directory (os error 21)",
            taken.display()
        )
    );
    std::fs::remove_dir(&taken).expect("rmdir");

    // The name is checked first: no capture file is needed to be told.
    let unknown = export(
        &dir.path().join("missing.sqlite3"),
        &dir.path().join("out.json"),
        &[],
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown.stderr).contains("name it .har, .ndjson or .md"),
        "{}",
        text(&unknown.stderr)
    );
    // Only the capture, its log files and the earlier export: no temporary file left.
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("c.sqlite3"))
        .collect();
    left.sort();
    assert_eq!(left, ["keep.har"]);
}

#[test]
fn the_uis_reader_thread_writes_an_export_and_says_how_many() {
    use hookscope::tui::msg::{Msg, StoreCmd, StoreReply};
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    capture(&db);
    let (msgs, mut replies) = tokio::sync::mpsc::unbounded_channel();
    let cmds = hookscope::tui::store_worker::start(db.clone(), None, msgs).expect("reader");
    let path = dir.path().join("ui.ndjson");
    cmds.send(StoreCmd::Export {
        filter: hookscope::filter::Filter::parse("method:POST").expect("filter"),
        path: path.clone(),
        redact: true,
    })
    .expect("reader running");
    let deadline = std::time::Instant::now() + DEADLINE;
    let reply = loop {
        match replies.try_recv() {
            Ok(Msg::Store(reply @ StoreReply::Exported { .. })) => break reply,
            Ok(_) | Err(tokio::sync::mpsc::error::TryRecvError::Empty) => {
                assert!(std::time::Instant::now() < deadline, "no reply in time");
                std::thread::yield_now();
            }
            Err(e) => panic!("reader gone: {e}"),
        }
    };
    match reply {
        StoreReply::Exported { path: p, result } => {
            assert_eq!(p, path);
            assert_eq!(result, Ok(2));
        }
        other => panic!("{other:?}"),
    }
    let written = text(&std::fs::read(&path).expect("read"));
    assert_eq!(written.lines().count(), 2, "{written}");
    assert!(!written.contains("sk_live_123"), "{written}");
}

fn show_json(db: &Path, id: u32) -> Value {
    let out = bin()
        .args(["show", &id.to_string(), "--json", "--db"])
        .arg(db)
        .output()
        .expect("binary runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn a_har_export_imports_back_as_the_same_requests() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    capture(&db);
    let har = dir.path().join("share.har");
    assert!(export(&db, &har, &[]).status.success());

    let copy = dir.path().join("copy.sqlite3");
    let out = bin()
        .arg("import")
        .arg(&har)
        .arg("--db")
        .arg(&copy)
        .output()
        .expect("binary runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("imported 4 requests")
            && text(&out.stderr).contains("(ids 1–4)"),
        "{}",
        text(&out.stderr)
    );
    for id in 1..=4 {
        assert_eq!(show_json(&copy, id), show_json(&db, id), "request {id}");
    }
}

#[test]
fn an_import_with_no_entries_makes_no_capture_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let har = dir.path().join("empty.har");
    std::fs::write(&har, br#"{"log":{"version":"1.2","entries":[]}}"#).expect("write");
    let db = dir.path().join("new.sqlite3");
    let out = bin()
        .arg("import")
        .arg(&har)
        .arg("--db")
        .arg(&db)
        .output()
        .expect("import runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("has no entries; nothing imported"));
    assert!(!db.exists(), "no empty capture file is left behind");
}

#[test]
fn an_import_with_a_bad_entry_adds_nothing_and_says_which() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    capture(&db);
    let mut har: Value = {
        let path = dir.path().join("all.har");
        assert!(export(&db, &path, &[]).status.success());
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON")
    };
    har["log"]["entries"][2]["request"]["postData"] =
        serde_json::json!({ "mimeType": "x", "text": "!!", "_encoding": "base64" });
    let bad = dir.path().join("bad.har");
    std::fs::write(&bad, har.to_string()).expect("write");
    let copy = dir.path().join("copy.sqlite3");
    let out = bin()
        .arg("import")
        .arg(&bad)
        .arg("--db")
        .arg(&copy)
        .output()
        .expect("binary runs");
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("entry 3 (counting from 1): base64 body"),
        "{stderr}"
    );
    assert!(
        !copy.exists(),
        "nothing was created for a file that did not read"
    );

    // Into an existing capture: its rows are all that is there afterwards.
    assert!(
        bin()
            .arg("import")
            .arg(&bad)
            .arg("--db")
            .arg(&db)
            .output()
            .expect("runs")
            .status
            .code()
            == Some(1)
    );
    let ls = bin()
        .args(["ls", "--json", "--limit", "0", "--db"])
        .arg(&db)
        .output()
        .expect("runs");
    assert_eq!(text(&ls.stdout).lines().count(), 4);
}

#[test]
fn an_old_delivery_rechecked_with_its_secret_is_valid_as_of_its_arrival() {
    use hookscope::signature::{ProviderId, SignInput, sign};
    let dir = tempfile::tempdir().expect("tempdir");
    // A Stripe delivery from November 2023, from a browser's HAR.
    let body = r#"{"type":"invoice.paid"}"#;
    let signed_at = 1_700_000_000;
    let headers = sign(
        ProviderId::Stripe,
        "whsec_old",
        &SignInput {
            url: "",
            body: body.as_bytes(),
            now: signed_at,
            message_id: "",
            content_type: None,
        },
        None,
    )
    .expect("signs");
    let har = serde_json::json!({ "log": { "version": "1.2", "entries": [{
        "startedDateTime": "2023-11-14T22:13:40.500Z",
        "request": {
            "method": "POST", "url": "http://localhost:8765/stripe", "httpVersion": "HTTP/1.1",
            "headers": [
                { "name": "Stripe-Signature", "value": headers[0].1 },
                { "name": "Content-Type", "value": "application/json" }
            ],
            "postData": { "mimeType": "application/json", "text": body }
        }
    }]}});
    let har_path = dir.path().join("old.har");
    std::fs::write(&har_path, har.to_string()).expect("write");
    let db = dir.path().join("c.sqlite3");
    let import = bin()
        .arg("import")
        .arg(&har_path)
        .arg("--db")
        .arg(&db)
        .output()
        .expect("runs");
    assert!(import.status.success(), "{}", text(&import.stderr));
    assert_eq!(
        show_json(&db, 1)["sig_status"],
        "unverified",
        "no secret yet"
    );

    let verify = bin()
        .args(["verify", "--db"])
        .arg(&db)
        .args(["--secret", "stripe=whsec_old"])
        .output()
        .expect("runs");
    assert!(verify.status.success(), "{}", text(&verify.stderr));
    assert!(
        text(&verify.stdout).contains("now valid: 1"),
        "{}",
        text(&verify.stdout)
    );
    assert_eq!(show_json(&db, 1)["sig_status"], "valid");
}
