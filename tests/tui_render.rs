//! Whole-screen snapshots of the UI (ratatui TestBackend + insta), driven
//! through `App::update` with the messages the real loop would deliver.

use hookscope::model::{Answer, RequestDetail, RequestId, RequestSummary};
use hookscope::tui::app::{App, Source};
use hookscope::tui::msg::{Msg, Placement, StoreReply};
use hookscope::tui::{prepare, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// 2025-01-01T12:00:00Z; times are shown in local time, so snapshots redact them.
const T0: i64 = 1_735_732_800_000_000;

fn summary(
    id: i64,
    method: &str,
    target: &str,
    ct: Option<&str>,
    event: Option<&str>,
    sig: Option<&str>,
) -> RequestSummary {
    RequestSummary {
        id: RequestId(id),
        received_at_us: T0 + id * 1_500_000,
        method: method.into(),
        target: target.into(),
        http_version: "HTTP/1.1".into(),
        remote_addr: "127.0.0.1:50000".into(),
        content_type: ct.map(Into::into),
        body_size: 120 * id as u64,
        body_truncated: false,
        status: if id == 4 { 413 } else { 200 },
        event_type: event.map(Into::into),
        sig_provider: sig.map(|_| "stripe".into()),
        sig_status: sig.map(Into::into),
    }
}

fn mixed() -> Vec<RequestSummary> {
    let mut rows = vec![
        summary(1, "GET", "/health", None, None, None),
        summary(
            2,
            "POST",
            "/hooks/stripe?x=1",
            Some("application/json; charset=utf-8"),
            Some("payment_intent.succeeded"),
            Some("valid"),
        ),
        summary(
            3,
            "POST",
            "/hooks/github",
            Some("application/json"),
            Some("push"),
            Some("invalid_signature"),
        ),
        summary(
            4,
            "PUT",
            "/upload",
            Some("application/octet-stream"),
            None,
            Some("unsigned"),
        ),
        summary(
            5,
            "DELETE",
            "/hooks/chatbot",
            Some("application/x-www-form-urlencoded"),
            Some("lead.captured"),
            Some("unverified"),
        ),
    ];
    rows.reverse();
    rows
}

fn detail(summary: RequestSummary, headers: &[(&str, &[u8])], body: &[u8]) -> RequestDetail {
    RequestDetail {
        summary,
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.to_vec()))
            .collect(),
        body: body.to_vec(),
        answer: Answer {
            status: 200,
            headers: vec![("content-type".into(), b"application/json".to_vec())],
            body: br#"{"id":2,"stored":true}"#.to_vec(),
        },
    }
}

fn stripe_detail() -> RequestDetail {
    detail(
        mixed().remove(3),
        &[
            ("host", b"127.0.0.1:8765"),
            ("content-type", b"application/json; charset=utf-8"),
            ("stripe-signature", b"t=1735732800,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"),
            ("x-binary", b"\xff\xfe"),
        ],
        br#"{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"amount":2000,"currency":"eur"}}}"#,
    )
}

struct Screen {
    app: App,
    terminal: Terminal<TestBackend>,
}

impl Screen {
    fn new(width: u16, height: u16, source: Source) -> Screen {
        let (app, _) = App::new(source, false, (width, height));
        let terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        Screen { app, terminal }
    }

    fn listening(width: u16, height: u16) -> Screen {
        Screen::new(
            width,
            height,
            Source::Listening {
                url: "http://127.0.0.1:8765".into(),
                file: "/tmp/captures.sqlite3".into(),
            },
        )
    }

    fn send(&mut self, msg: Msg) {
        self.app.update(msg);
    }

    fn rows(&mut self, rows: Vec<RequestSummary>) {
        let generation = self.app.generation;
        self.send(Msg::Store(StoreReply::Window {
            generation,
            rows,
            placement: Placement::Replace,
        }));
        self.send(Msg::Store(StoreReply::Count {
            generation,
            total: 5,
            matching: 5,
        }));
    }

    fn show(&mut self, detail: RequestDetail) {
        self.show_tried(detail, Vec::new());
    }

    fn show_tried(&mut self, detail: RequestDetail, attempts: Vec<hookscope::model::Attempt>) {
        let id = detail.summary.id;
        let prepared = prepare::prepare(
            &detail,
            &hookscope::verifier::Verifier::default()
                .with_clock(hookscope::verifier::Clock::Fixed(T0 / 1_000_000 + 100)),
        );
        self.send(Msg::Store(StoreReply::Detail {
            id,
            detail: Some(Box::new(detail)),
            attempts,
        }));
        self.send(Msg::BodyRendered {
            id,
            body: Box::new(prepared),
        });
    }

    fn key(&mut self, c: char) {
        use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
        self.send(Msg::Input(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        ))));
    }

    fn text(&mut self) -> String {
        let app = &self.app;
        self.terminal.draw(|f| views::render(f, app)).expect("draw");
        format!("{}", self.terminal.backend())
    }
}

macro_rules! snapshot {
    ($name:expr, $screen:expr) => {
        insta::with_settings!({ filters => vec![(r"\d\d:\d\d:\d\d\.\d{3}", "[hh:mm:ss.mmm]"), (r"\d{4}-\d\d-\d\d \[", "[date] [")] }, {
            insta::assert_snapshot!($name, $screen.text());
        });
    };
}

#[test]
fn empty_state() {
    let mut screen = Screen::listening(100, 16);
    screen.rows(Vec::new());
    snapshot!("empty", screen);
}

#[test]
fn list_with_mixed_requests() {
    let mut screen = Screen::listening(150, 14);
    screen.rows(mixed());
    for _ in 0..3 {
        screen.key('j');
    }
    screen.show(stripe_detail());
    snapshot!("mixed_list", screen);
}

#[test]
fn every_detail_tab() {
    for (i, name) in [
        "overview",
        "headers",
        "body",
        "query",
        "signature",
        "raw",
        "attempts",
    ]
    .iter()
    .enumerate()
    {
        let mut screen = Screen::listening(150, 18);
        screen.rows(mixed());
        screen.key('j');
        screen.key('j');
        screen.key('j');
        screen.show(stripe_detail());
        screen.key(char::from(b'1' + i as u8));
        snapshot!(format!("tab_{name}"), screen);
    }
}

#[test]
fn the_attempts_tab_shows_what_each_target_answered() {
    let attempt = |id, status: Option<u16>, headers: &[(&str, &[u8])], body: &[u8], error| {
        hookscope::model::Attempt {
            id,
            kind: "resend".into(),
            method: "POST".into(),
            url: "http://localhost:3000/hooks/stripe".into(),
            started_at_us: T0,
            duration_us: Some(2_600),
            response_status: status,
            response_headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.to_vec()))
                .collect(),
            response_body: body.to_vec(),
            error,
        }
    };
    let mut screen = Screen::listening(200, 24);
    screen.rows(mixed());
    for _ in 0..3 {
        screen.key('j');
    }
    screen.show_tried(
        stripe_detail(),
        vec![
            attempt(
                1,
                Some(400),
                &[("content-type", b"application/json")],
                b"{\"error\":\"No signatures found matching the expected signature\"}\n\x1b[2J",
                None,
            ),
            attempt(2, None, &[], b"", Some("connection refused".into())),
            attempt(3, Some(200), &[], b"\xff\xfe\x00binary", None),
        ],
    );
    screen.key('7');
    snapshot!("attempts_with_answers", screen);
}

#[test]
fn help_overlay() {
    let mut screen = Screen::listening(120, 50);
    screen.rows(mixed());
    screen.key('?');
    snapshot!("help", screen);
}

#[test]
fn a_help_taller_than_the_screen_scrolls_to_its_last_line() {
    let mut screen = Screen::listening(100, 24);
    screen.rows(mixed());
    screen.key('?');
    screen.key('G');
    snapshot!("help_scrolled_to_the_end", screen);
}

#[test]
fn the_export_prompt_says_what_goes_where() {
    let mut screen = Screen::listening(120, 14);
    screen.rows(mixed());
    screen.key('x');
    snapshot!("export_prompt", screen);
}

#[test]
fn the_sample_prompt_offers_no_re_sign_switch() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let mut screen = Screen::listening(120, 14);
    screen.rows(mixed());
    screen.key('n');
    screen.send(Msg::Input(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    ))));
    let resign = screen.app.resign;
    screen.send(Msg::Input(Event::Key(KeyEvent::new(
        KeyCode::Tab,
        KeyModifiers::NONE,
    ))));
    assert_eq!(
        screen.app.resign, resign,
        "Tab left resends' re-signing alone"
    );
    snapshot!("sample_prompt", screen);
}

#[test]
fn a_long_filter_shows_its_end_and_its_whole_error() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let mut screen = Screen::listening(80, 14);
    screen.rows(mixed());
    for c in
        "/method:POST path:/hooks/stripe/* header:stripe-signature ct:json -status:5xx sig:nope"
            .chars()
    {
        screen.key(c);
    }
    screen.send(Msg::Input(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    ))));
    let text = screen.text();
    assert!(
        text.contains("sig:nope▏"),
        "the cursor's end is shown:\n{text}"
    );
    assert!(
        text.contains("(at character"),
        "the error's end is shown:\n{text}"
    );
    snapshot!("long_filter_error", screen);
}

#[test]
fn the_header_keeps_the_follow_state_and_new_count_when_short_of_room() {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let mut screen = Screen::listening(120, 12);
    screen.rows(mixed());
    for c in "/method:POST path:/hooks/a-rather-long-prefix/*".chars() {
        screen.key(c);
    }
    screen.send(Msg::Input(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    ))));
    screen.key('j');
    screen.app.unseen = 2;
    let text = screen.text();
    let header = text.lines().next().unwrap_or_default();
    assert!(header.contains("follow off │ 2 new ↑"), "{header}");
    assert!(header.contains("filter: …"), "{header}");
}

#[test]
fn a_long_message_wraps_so_it_is_read_whole() {
    let mut screen = Screen::listening(80, 14);
    screen.rows(mixed());
    screen.app.toast = Some(hookscope::tui::app::Toast::Error(
        "not sent: line 1: 'HQTP/1.1' is not an HTTP version; expected 'METHOD URL HTTP/1.1', \
         e.g. 'POST http://localhost:3000/hooks HTTP/1.1'"
            .into(),
    ));
    let text = screen.text();
    let bottom: Vec<&str> = text.lines().rev().take(2).collect();
    assert!(
        bottom[0].contains("/hooks HTTP/1.1'"),
        "its end is shown:\n{text}"
    );
    assert!(bottom[1].contains("not sent: line 1"), "{text}");
}

#[test]
fn a_short_screen_still_lists_a_request() {
    let mut screen = Screen::listening(40, 10);
    screen.rows(mixed());
    let text = screen.text();
    let first_row = text.lines().nth(3).unwrap_or_default();
    assert!(
        first_row.starts_with("\"│5 "),
        "the newest row is listed:\n{text}"
    );
}

#[test]
fn narrow_layout_stacks_the_panes() {
    let mut screen = Screen::listening(80, 30);
    screen.rows(mixed());
    screen.show(detail(mixed().remove(0), &[("host", b"x")], b"hello"));
    snapshot!("narrow", screen);
}

#[test]
fn escape_sequences_in_a_payload_are_shown_not_executed() {
    let evil = "\x1b[2J\x1b[H\x1b]0;pwned\x07\x1b[31mred\u{202e}txt.exe\x1b[1000;1000H\r\x08";
    let mut screen = Screen::listening(140, 20);
    let mut row = summary(
        1,
        "POST",
        &format!("/x{evil}"),
        Some("text/plain"),
        Some(evil),
        None,
    );
    row.method = "P\x1b[5m".to_owned();
    screen.rows(vec![row.clone()]);
    screen.show(detail(row, &[("x-evil", evil.as_bytes())], evil.as_bytes()));
    screen.key('3');
    let text = screen.text();
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "a control character reached the screen"
    );
    assert!(!text.contains('\u{202e}'));
    snapshot!("escapes_body", screen);
    screen.key('2');
    snapshot!("escapes_headers", screen);
}

#[test]
fn offline_header_names_the_file() {
    let mut screen = Screen::new(
        100,
        8,
        Source::Offline {
            file: "saved.sqlite3".into(),
        },
    );
    screen.rows(mixed());
    let text = screen.text();
    assert!(text.contains("offline: saved.sqlite3"), "{text}");
    assert!(text.contains("follow off"));
}

#[test]
fn signature_tab_explains_a_failure_with_a_checked_hint() {
    use hookscope::config::{Config, SecretList};
    use hookscope::signature::{self, ProviderId, SignInput};
    let secret = "It's a Secret to Everybody";
    let sent = br#"{"action":"opened","number":7}"#;
    let headers = signature::sign(
        ProviderId::Github,
        secret,
        &SignInput {
            url: "http://x/",
            body: sent,
            now: 0,
            message_id: "m",
            content_type: None,
        },
        None,
    )
    .expect("signs");
    // A relay appended a newline after the provider signed the body.
    let mut received = sent.to_vec();
    received.push(b'\n');
    let header_refs: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_bytes()))
        .collect();
    let mut row = summary(
        1,
        "POST",
        "/hooks/github",
        Some("application/json"),
        Some("pull_request"),
        Some("invalid_signature"),
    );
    row.sig_provider = Some("github".into());
    let detail = detail(row.clone(), &header_refs, &received);
    let config = Config {
        secrets: std::collections::BTreeMap::from([(
            "github".to_owned(),
            SecretList::One(secret.into()),
        )]),
        ..Config::default()
    };
    let verifier = hookscope::verifier::Verifier::new(&config, &[], |_| None).expect("config");
    let mut screen = Screen::listening(150, 40);
    screen.rows(vec![row]);
    let id = detail.summary.id;
    let prepared = prepare::prepare(&detail, &verifier);
    screen.send(Msg::Store(StoreReply::Detail {
        id,
        detail: Some(Box::new(detail)),
        attempts: Vec::new(),
    }));
    screen.send(Msg::BodyRendered {
        id,
        body: Box::new(prepared),
    });
    screen.key('5');
    let text = screen.text();
    assert!(
        text.contains("trailing"),
        "the trailing-newline hint is shown:\n{text}"
    );
    snapshot!("signature_hint", screen);
}
