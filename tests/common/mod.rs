//! Shared test helpers: a capture server on an ephemeral loopback port with
//! a temporary capture file, the real binary, and raw-socket HTTP.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hookscope::capture::{self, CaptureConfig};
use hookscope::config::Config;
use hookscope::store::{StoreEvent, WriterTask};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::{mpsc, oneshot};

/// Generous: the machine running the tests may be busy.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// A capture server inside the test process, on its own thread with the
/// store writer, as `listen` runs it.
pub struct Server {
    pub addr: SocketAddr,
    pub db: PathBuf,
    pub events: mpsc::UnboundedReceiver<StoreEvent>,
    stop: Option<oneshot::Sender<()>>,
    running: Option<capture::Running>,
    _dir: tempfile::TempDir,
}

impl Server {
    pub async fn start() -> Server {
        Server::start_with(|_| {}).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut CaptureConfig)) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("captures.sqlite3");
        let mut config = Config::default()
            .capture(hookscope::verifier::SharedVerifier::default())
            .expect("capture config");
        tweak(&mut config);
        let (events_tx, events) = mpsc::unbounded_channel();
        let (store, handle) = WriterTask::open(&db, events_tx).expect("store opens");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel();
        let running = capture::spawn(listener, config, store, handle, async {
            let _ = stopped.await;
        })
        .expect("capture thread starts");
        Server {
            addr,
            db,
            events,
            stop: Some(stop),
            running: Some(running),
            _dir: dir,
        }
    }

    pub fn url(&self, target: &str) -> String {
        format!("http://{}{target}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish and waits for the writer.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut running) = self.running.take() {
            running.served().await.expect("server stopped");
            running.stored().await.expect("store closed");
        }
    }

    pub fn reader(&self) -> hookscope::store::Reader {
        hookscope::store::Reader::open(&self.db).expect("reader opens")
    }

    /// The newest `n` stored requests, newest first.
    pub fn newest(&self, n: u32) -> Vec<hookscope::model::RequestSummary> {
        let all = hookscope::filter::Filter::default().to_sql();
        self.reader()
            .window(&all, None, hookscope::store::Dir::Older, n)
            .expect("list")
    }
}

pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

pub fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

pub fn h2_client() -> HttpClient {
    Client::builder(TokioExecutor::new())
        .http2_only(true)
        .build_http()
}

/// Sends one request and returns status and body.
pub async fn send(
    client: &HttpClient,
    method: &str,
    url: &str,
    headers: &[(&str, &[u8])],
    body: impl Into<Bytes>,
) -> (u16, Bytes) {
    let mut req = http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let req = req.body(Full::new(body.into())).expect("request builds");
    let resp = tokio::time::timeout(DEADLINE, client.request(req))
        .await
        .expect("answered in time")
        .expect("request succeeds");
    let status = resp.status().as_u16();
    let body = resp
        .into_body()
        .collect()
        .await
        .expect("body reads")
        .to_bytes();
    (status, body)
}

/// The stored id from the default answer, `{"id":N,...}`.
pub fn id_of(answer: &[u8]) -> i64 {
    let value: serde_json::Value = serde_json::from_slice(answer).expect("answer is JSON");
    value["id"].as_i64().expect("answer names the id")
}

/// Writes `request` on a fresh connection and reads until the server closes
/// it or a whole response (by Content-Length) arrived.
pub fn raw_exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
    stream.write_all(request).expect("write");
    read_response(&mut stream)
}

/// Reads one HTTP/1.1 response with a Content-Length body.
pub fn read_response(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = response_end(&got) {
            got.truncate(end);
            return got;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return got,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
}

fn response_end(got: &[u8]) -> Option<usize> {
    let head_end = got.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&got[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    (got.len() >= head_end + length).then_some(head_end + length)
}

pub fn status_of(response: &[u8]) -> u16 {
    String::from_utf8_lossy(response)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Waits until `n` requests were reported committed.
pub async fn wait_captured(events: &mut mpsc::UnboundedReceiver<StoreEvent>, n: usize) {
    let mut seen = 0;
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while seen < n {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(StoreEvent::Captured(rows))) => seen += rows.len(),
            Ok(Some(StoreEvent::Failed(e))) => panic!("store failed: {e}"),
            Ok(Some(
                StoreEvent::Deleted(_)
                | StoreEvent::Reverified(_)
                | StoreEvent::Attempted { .. }
                | StoreEvent::ChangedElsewhere,
            )) => {}
            Ok(None) => panic!("store closed after {seen} of {n}"),
            Err(_) => panic!("only {seen} of {n} captured before the deadline"),
        }
    }
}

/// The real binary, started with `listen --headless --port 0`.
pub struct Binary {
    pub child: Child,
    pub addr: SocketAddr,
    /// Its stdout, line by line (with stderr too, in the order written, if
    /// started with `start_merged`).
    pub lines: std_mpsc::Receiver<String>,
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hookscope"))
}

impl Binary {
    pub fn start(db: &Path, extra: &[&str]) -> Binary {
        let mut child = bin()
            .args(["listen", "--headless", "--port", "0", "--db"])
            .arg(db)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("binary starts");
        let stdout = child.stdout.take().expect("stdout");
        Binary::reading(child, stdout)
    }

    /// Like `start`, with stdout and stderr in one pipe, so `lines` shows
    /// them in the order the program wrote them.
    pub fn start_merged(db: &Path, extra: &[&str]) -> Binary {
        let (output, input) = std::io::pipe().expect("pipe");
        let child = bin()
            .args(["listen", "--headless", "--port", "0", "--db"])
            .arg(db)
            .args(extra)
            .stdout(input.try_clone().expect("pipe"))
            .stderr(input)
            .spawn()
            .expect("binary starts");
        Binary::reading(child, output)
    }

    fn reading(mut child: Child, output: impl Read + Send + 'static) -> Binary {
        let (tx, lines) = std_mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(output).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let ready = wait_line(&lines, |l| l.contains("listening on http://"))
            .unwrap_or_else(|| panic!("no ready line; stderr: {}", stderr_of(&mut child)));
        let addr = ready
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|a| a.parse().ok())
            .expect("ready line names the address");
        Binary { child, addr, lines }
    }

    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits for the process to exit, failing the test after the deadline.
    pub fn wait(&mut self) -> std::process::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(start.elapsed() < DEADLINE, "binary did not exit in time");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// First line matching `pred` within the deadline.
pub fn wait_line(
    lines: &std_mpsc::Receiver<String>,
    mut pred: impl FnMut(&str) -> bool,
) -> Option<String> {
    let deadline = Instant::now() + DEADLINE;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) if pred(&line) => return Some(line),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

fn stderr_of(child: &mut Child) -> String {
    let _ = child.kill();
    let mut text = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut text);
    }
    text
}

/// A local HTTP/1.1 target that records every request it receives, byte for
/// byte, and answers from a script (the last answer repeats).
pub struct Recorder {
    pub addr: SocketAddr,
    got: std_mpsc::Receiver<Vec<u8>>,
}

impl Recorder {
    pub fn start(answers: Vec<(u16, &'static str)>) -> Recorder {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, got) = std_mpsc::channel();
        std::thread::spawn(move || {
            let mut answered = 0;
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(DEADLINE));
                let Some(request) = read_request(&mut stream) else {
                    continue;
                };
                let (status, body) = answers[answered.min(answers.len() - 1)];
                answered += 1;
                // Recorded before answering: once the sender has its answer,
                // the request is here.
                if tx.send(request).is_err() {
                    break;
                }
                let response = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nX-Target: recorder\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes());
            }
        });
        Recorder { addr, got }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The next request received, within the deadline.
    pub fn next(&self) -> Vec<u8> {
        self.got
            .recv_timeout(DEADLINE)
            .expect("the target received a request")
    }

    /// Whether a request arrived within a short grace period (for "nothing more was sent").
    pub fn try_next(&self, within: Duration) -> Option<Vec<u8>> {
        self.got.recv_timeout(within).ok()
    }
}

/// One request with a Content-Length body (or none).
fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(head_end) = got.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4) {
            let head = String::from_utf8_lossy(&got[..head_end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if got.len() >= head_end + length {
                got.truncate(head_end + length);
                return Some(got);
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Splits a raw request into head lines and body.
pub fn split_request(raw: &[u8]) -> (Vec<String>, Vec<u8>) {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head")
        + 4;
    let head = String::from_utf8_lossy(&raw[..end - 4])
        .split("\r\n")
        .map(str::to_owned)
        .collect();
    (head, raw[end..].to_vec())
}

/// Whether process `pid` holds a POSIX lock on `path` (Linux lists them all
/// in /proc/locks: `1: POSIX ADVISORY READ PID MAJ:MIN:INODE START END`).
pub fn holds_lock(pid: u32, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let inode = format!(":{}", std::fs::metadata(path).expect("exists").ino());
    let pid = pid.to_string();
    std::fs::read_to_string("/proc/locks")
        .expect("/proc/locks")
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .any(|f| {
            f.get(1) == Some(&"POSIX")
                && f.get(4) == Some(&pid.as_str())
                && f.get(5).is_some_and(|d| d.ends_with(&inode))
        })
}
