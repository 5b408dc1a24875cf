//! The real binary in a real terminal (tmux): capture, navigate, filter, quit.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{DEADLINE, raw_exchange, status_of};

/// A tmux server of our own (its own socket), killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Runs `hookscope ARGS` in a new tmux session; after it exits the pane
    /// shows `EXITED:<code>` and stays open for inspection.
    fn hookscope(args: &str) -> Tmux {
        Tmux::start(&format!(
            "{} {args}; echo EXITED:$?; sleep 600",
            env!("CARGO_BIN_EXE_hookscope")
        ))
    }

    fn start(command: &str) -> Tmux {
        assert!(
            Command::new("tmux")
                .arg("-V")
                .output()
                .is_ok_and(|o| o.status.success()),
            "tmux is needed for this test (.ci/run installs it)"
        );
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let socket = format!("hookscope-test-{}-{n}", std::process::id());
        let tmux = Tmux { socket };
        tmux.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            "160",
            "-y",
            "40",
            command,
        ]);
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The process the pane runs (`hookscope`, a child of the pane's shell).
    fn hookscope_pid(&self) -> u32 {
        let shell = self.run(&["display-message", "-p", "-t", "main", "#{pane_pid}"]);
        let shell = shell.trim();
        std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .expect("the shell's children")
            .split_whitespace()
            .next()
            .and_then(|pid| pid.parse().ok())
            .expect("hookscope runs in the pane")
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "main"])
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.run(&["send-keys", "-t", "main", key]);
        }
    }

    /// Waits until the screen satisfies `pred`; fails with the last screen.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

/// Waits for the UI's header and returns the address it listens on.
fn listening_addr(tmux: &Tmux) -> std::net::SocketAddr {
    let screen = tmux.wait_for("the listening header", |s| {
        s.contains("listening http://127.0.0.1:")
    });
    screen
        .split("listening http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .expect("header names the address")
}

fn post_json(addr: std::net::SocketAddr, target: &str, body: &str) -> u16 {
    let request = format!(
        "POST {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    status_of(&raw_exchange(addr, request.as_bytes()))
}

#[test]
fn capture_inspect_filter_and_quit_in_a_real_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("e2e.sqlite3");
    let tmux = Tmux::hookscope(&format!("--port 0 --db {}", db.display()));
    let addr = listening_addr(&tmux);

    assert_eq!(
        post_json(
            addr,
            "/hooks/alpha",
            r#"{"event":"lead.captured","lead":{"name":"Ada","score":9}}"#
        ),
        200
    );
    assert_eq!(
        post_json(
            addr,
            "/hooks/beta?x=1",
            r#"{"type":"booking.created","n":[1,2]}"#
        ),
        200
    );
    let get = format!("GET /health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    assert_eq!(status_of(&raw_exchange(addr, get.as_bytes())), 200);
    tmux.wait_for("three rows", |s| {
        s.contains("/hooks/alpha")
            && s.contains("/hooks/beta?x=1")
            && s.contains("/health")
            && s.contains("3 requests")
    });
    // With the UI's readers open beside the writer, the process still holds
    // its lock on the file, so another tool closing it cannot delete the WAL.
    assert!(
        common::holds_lock(tmux.hookscope_pid(), &db),
        "the listener dropped its lock on the capture file"
    );

    // Newest first and followed: /health is selected; two down is /hooks/alpha.
    tmux.keys(&["j", "j", "3"]);
    tmux.wait_for("the pretty JSON body of /hooks/alpha", |s| {
        s.contains("Request #1")
            && s.contains(r#""event": "lead.captured","#)
            && s.contains(r#""name": "Ada","#)
    });

    tmux.keys(&["/"]);
    for c in ["m", "e", "t", "h", "o", "d", ":", "G", "E", "T"] {
        tmux.keys(&[c]);
    }
    tmux.keys(&["Enter"]);
    let filtered = tmux.wait_for("the filtered list", |s| s.contains("1 of 3 match"));
    assert!(filtered.contains("/health"));
    assert!(!filtered.contains("/hooks/alpha"), "{filtered}");

    tmux.keys(&["q"]);
    let after = tmux.wait_for("the program to exit", |s| s.contains("EXITED:0"));
    assert!(
        !after.contains("Requests"),
        "the alternate screen was left: {after}"
    );
    assert!(after.contains("stopped; captures are in"), "{after}");
}

#[test]
fn a_listening_ui_shows_what_another_process_imports_into_its_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("listened.sqlite3");
    let tmux = Tmux::hookscope(&format!("--port 0 --db {}", db.display()));
    let addr = listening_addr(&tmux);
    assert_eq!(post_json(addr, "/captured-here", r#"{"n":1}"#), 200);
    tmux.wait_for("the captured row", |s| s.contains("/captured-here"));

    // A HAR made elsewhere, imported into the listened file by another process.
    let elsewhere = dir.path().join("elsewhere.sqlite3");
    let other = common::Binary::start(&elsewhere, &[]);
    assert_eq!(post_json(other.addr, "/from-import", r#"{"n":2}"#), 200);
    drop(other);
    let har = dir.path().join("share.har");
    for (command, file, db) in [("export", &har, &elsewhere), ("import", &har, &db)] {
        let out = common::bin()
            .arg(command)
            .arg(file)
            .arg("--db")
            .arg(db)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    tmux.wait_for("the imported row", |s| {
        s.contains("/from-import") && s.contains("2 requests")
    });
}

#[test]
fn open_shows_a_file_another_process_is_writing_live_and_read_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("shared.sqlite3");
    let writer = common::Binary::start(&db, &[]);
    assert_eq!(post_json(writer.addr, "/before-open", r#"{"n":1}"#), 200);
    let tmux = Tmux::hookscope(&format!("open {}", db.display()));
    tmux.wait_for("the offline header and the first row", |s| {
        s.contains("offline: ") && s.contains("/before-open")
    });
    assert_eq!(post_json(writer.addr, "/after-open", r#"{"n":2}"#), 200);
    tmux.wait_for("the row written by the other process", |s| {
        s.contains("/after-open") && s.contains("2 requests")
    });
    tmux.keys(&["d"]);
    tmux.wait_for("the read-only notice", |s| s.contains("read-only"));

    // A SIGTERM (a closing tab, `kill`) gives the terminal back too.
    let pid = tmux.hookscope_pid();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .is_ok_and(|s| s.success())
    );
    let after = tmux.wait_for("the program to exit", |s| s.contains("EXITED:0"));
    assert!(
        !after.contains("offline: "),
        "the UI is still shown: {after}"
    );
    let modes = tmux.run(&[
        "display-message",
        "-p",
        "-t",
        "main",
        "#{alternate_on} #{mouse_any_flag} #{cursor_flag}",
    ]);
    assert_eq!(
        modes.trim(),
        "0 0 1",
        "alternate screen, mouse reporting, cursor shown"
    );
}

#[test]
fn a_capture_opened_offline_is_exported_to_share_with_credentials_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("shared.sqlite3");
    {
        let writer = common::Binary::start(&db, &[]);
        let body = r#"{"type":"booking.created"}"#;
        let request = format!(
            "POST /hooks/share HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer sk_live_42\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            writer.addr,
            body.len()
        );
        assert_eq!(
            status_of(&raw_exchange(writer.addr, request.as_bytes())),
            200
        );
    }
    let tmux = Tmux::hookscope(&format!("open {}", db.display()));
    tmux.wait_for("the row", |s| s.contains("/hooks/share"));
    let out = dir.path().join("share.md");
    tmux.keys(&["x"]);
    tmux.wait_for("the export prompt", |s| {
        s.contains("Export the listed requests to: hookscope-export.har")
            && s.contains("[x] redact credential headers")
    });
    tmux.keys(&["C-u"]);
    for c in out.display().to_string().chars() {
        tmux.keys(&["-l", &c.to_string()]);
    }
    tmux.keys(&["Enter"]);
    tmux.wait_for("the export's report", |s| {
        s.contains("exported 1 request to")
    });
    let md = std::fs::read_to_string(&out).expect("the file is written");
    assert!(md.contains("### `POST /hooks/share`"), "{md}");
    assert!(md.contains("\"type\": \"booking.created\""), "{md}");
    assert!(
        md.contains("[redacted]") && !md.contains("sk_live_42"),
        "{md}"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("the program to exit", |s| s.contains("EXITED:0"));
}

#[test]
fn a_har_file_opens_in_the_ui_read_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    {
        let writer = common::Binary::start(&db, &[]);
        assert_eq!(
            post_json(writer.addr, "/from-har", r#"{"type":"x.y"}"#),
            200
        );
    }
    let har = dir.path().join("shared.har");
    let export = Command::new(env!("CARGO_BIN_EXE_hookscope"))
        .arg("export")
        .arg(&har)
        .arg("--db")
        .arg(&db)
        .output()
        .expect("export runs");
    assert!(export.status.success());
    let before = std::fs::read(&har).expect("read");

    let tmux = Tmux::hookscope(&format!("open {}", har.display()));
    tmux.wait_for("the imported row", |s| {
        s.contains("shared.har (imported)") && s.contains("/from-har") && s.contains("x.y")
    });
    tmux.keys(&["d"]);
    tmux.wait_for("the read-only notice", |s| s.contains("read-only"));
    tmux.keys(&["q"]);
    tmux.wait_for("the program to exit", |s| s.contains("EXITED:0"));
    assert_eq!(
        std::fs::read(&har).expect("reread"),
        before,
        "the HAR is only read"
    );
}

#[test]
fn resend_and_edit_a_header_and_a_body_field_from_the_ui() {
    let app = common::Recorder::start(vec![(202, "accepted")]);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("edit.sqlite3");
    let tmux = Tmux::hookscope(&format!("--port 0 --db {}", db.display()));
    let addr = listening_addr(&tmux);
    assert_eq!(
        post_json(
            addr,
            "/hooks/lead?src=web",
            r#"{"event":"lead.captured","n":1}"#
        ),
        200
    );
    tmux.wait_for("the captured row", |s| {
        s.contains("/hooks/lead?src=web") && s.contains("Request #1")
    });

    // r: resend unchanged to the target typed at the prompt.
    tmux.keys(&["r"]);
    tmux.wait_for("the target prompt", |s| s.contains("Resend #1 to:"));
    tmux.keys(&["C-u"]);
    tmux.keys(&[&format!("http://{}", app.addr)]);
    tmux.keys(&["Enter"]);
    let (head, body) = common::split_request(&app.next());
    assert_eq!(head[0], "POST /hooks/lead?src=web HTTP/1.1");
    assert_eq!(body, br#"{"event":"lead.captured","n":1}"#);
    tmux.wait_for("the outcome", |s| s.contains("202 Accepted"));

    // e: edit a header and a body field in the terminal, then Ctrl-s.
    tmux.keys(&["e"]);
    tmux.wait_for("the editor", |s| {
        s.contains("Edit #1")
            && s.contains(&format!(
                "POST http://{}/hooks/lead?src=web HTTP/1.1",
                app.addr
            ))
    });
    tmux.keys(&["Down", "Home"]);
    tmux.keys(&["X-Edited: yes"]);
    tmux.keys(&["Enter", "M->", "End", "BSpace"]);
    tmux.keys(&[r#","edited":true}"#]);
    tmux.wait_for("the edits on screen", |s| {
        s.contains(r#""edited":true}"#) && s.contains("X-Edited: yes")
    });
    tmux.keys(&["C-s"]);
    let (head, body) = common::split_request(&app.next());
    assert!(
        head.iter().any(|l| l.eq_ignore_ascii_case("x-edited: yes")),
        "{head:?}"
    );
    assert_eq!(body, br#"{"event":"lead.captured","n":1,"edited":true}"#);

    // Both sends are stored and listed in the Attempts tab.
    tmux.keys(&["7"]);
    tmux.wait_for("two attempts", |s| {
        s.matches("resend").count() >= 2 && s.contains("202")
    });
    tmux.keys(&["q"]);
    tmux.wait_for("the program to exit", |s| s.contains("EXITED:0"));
}
