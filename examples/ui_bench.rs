//! Scale benchmark for the UI, run by `scripts/bench-ui.sh`:
//!
//!   ui_bench generate FILE N   fill FILE with N realistic captures (~1 KB JSON)
//!   ui_bench measure FILE      first frame, page-by-page scrolling through
//!                              the whole list, two filters, peak RSS
//!
//! `measure` drives the real UI code headless: `App::update`, the store
//! reader thread and the views, drawn into a ratatui `TestBackend`.

use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use hookscope::model::{AnswerTemplate, NewRequest};
use hookscope::store::Writer;
use hookscope::tui::app::{App, Source};
use hookscope::tui::msg::{Effect, Msg};
use hookscope::tui::{prepare, store_worker, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

const SIZE: (u16, u16) = (160, 50);

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") => {
            let n = args
                .get(3)
                .and_then(|n| n.parse().ok())
                .unwrap_or(1_000_000);
            generate(Path::new(&args[2]), n)
        }
        Some("measure") => measure(Path::new(&args[2])),
        _ => anyhow::bail!("usage: ui_bench generate FILE N | ui_bench measure FILE"),
    }
}

/// A deterministic pseudo-random sequence, so every run builds the same file.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

const KINDS: &[(&str, &str, &str, &str)] = &[
    (
        "POST",
        "/hooks/chatbot",
        "lead.captured",
        "x-chatbot-signature",
    ),
    (
        "POST",
        "/hooks/chatbot",
        "conversation.ended",
        "x-chatbot-signature",
    ),
    (
        "POST",
        "/hooks/chatbot",
        "intent.detected",
        "x-chatbot-signature",
    ),
    (
        "POST",
        "/hooks/chatbot",
        "booking.created",
        "x-chatbot-signature",
    ),
    (
        "POST",
        "/hooks/stripe",
        "payment_intent.succeeded",
        "stripe-signature",
    ),
    ("POST", "/hooks/github", "push", "x-hub-signature-256"),
    ("POST", "/hooks/shop", "new_order", "x-shopify-hmac-sha256"),
    ("PUT", "/api/items/42", "", ""),
    ("GET", "/health", "", ""),
    ("DELETE", "/api/items/7", "", ""),
];

fn generate(path: &Path, n: u64) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let (events, _keep) = mpsc::unbounded_channel();
    let (writer, handle) = Writer::start(path, events)?;
    let started = Instant::now();
    runtime.block_on(async {
        let mut rng = Lcg(42);
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..n {
            let (method, path, event, sig) = KINDS[rng.next(KINDS.len() as u64) as usize];
            let body = if method == "GET" || method == "DELETE" {
                String::new()
            } else {
                let pad = "x".repeat(700 + rng.next(300) as usize);
                format!(
                    r#"{{"id":"evt_{i:012}","event":"{event}","created":{},"data":{{"customer":{{"name":"Customer {}","email":"c{}@example.com"}},"amount":{},"note":"{pad}"}}}}"#,
                    1_735_732_800 + i,
                    rng.next(10_000),
                    rng.next(10_000),
                    rng.next(100_000)
                )
            };
            let mut headers = vec![
                ("host".to_owned(), b"127.0.0.1:8765".to_vec()),
                ("user-agent".to_owned(), b"bench/1.0".to_vec()),
                ("content-type".to_owned(), b"application/json".to_vec()),
            ];
            if !sig.is_empty() {
                headers.push((sig.to_owned(), format!("sha256={:064x}", rng.next(u64::MAX)).into_bytes()));
            }
            let request = NewRequest {
                received_at_us: 1_735_732_800_000_000 + i as i64 * 1000,
                method: method.into(),
                target: format!("{path}?n={i}"),
                http_version: "HTTP/1.1".into(),
                remote_addr: "127.0.0.1:40000".into(),
                body_size: body.len() as u64,
                body_truncated: false,
                event_type: (!event.is_empty()).then(|| event.to_owned()),
                sig_provider: None,
                sig_status: Some(["valid", "invalid_signature", "unsigned"][rng.next(3) as usize].into()),
                headers,
                body: body.into(),
                answer: std::sync::Arc::new(AnswerTemplate { status: 200, headers: Vec::new(), body: "{}".into() }),
            };
            let handle = handle.clone();
            tasks.spawn(async move { handle.store(request).await.map(|_| ()) });
            if tasks.len() >= 512
                && let Some(result) = tasks.join_next().await
            {
                result??;
            }
        }
        while let Some(result) = tasks.join_next().await {
            result??;
        }
        anyhow::Ok(())
    })?;
    drop(handle);
    writer.finish();
    println!(
        "generated {n} requests in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The UI without a terminal: routes effects like the real loop.
struct Driver {
    app: App,
    terminal: Terminal<TestBackend>,
    store: std::sync::mpsc::Sender<hookscope::tui::msg::StoreCmd>,
    msgs: mpsc::UnboundedReceiver<Msg>,
    pending: usize,
}

impl Driver {
    fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Store(cmd) => {
                    self.pending += 1;
                    let _ = self.store.send(cmd);
                }
                // Prepared on a blocking thread in the real UI; off the frame path here too.
                Effect::RenderBody(detail) => drop(prepare::prepare(
                    &detail,
                    &hookscope::verifier::Verifier::default(),
                )),
                _ => {}
            }
        }
    }

    fn update(&mut self, msg: Msg) {
        let effects = self.app.update(msg);
        self.run(effects);
    }

    /// Waits for one message from the store worker and handles it.
    fn next_reply(&mut self) {
        let msg = self.msgs.blocking_recv().expect("store worker alive");
        if matches!(msg, Msg::Store(_)) {
            self.pending -= 1;
        }
        self.update(msg);
    }

    /// Handles replies until no store command is outstanding, then draws.
    fn settle_and_draw(&mut self) {
        while self.pending > 0 {
            self.next_reply();
        }
        let app = &self.app;
        self.terminal.draw(|f| views::render(f, app)).expect("draw");
    }

    fn key(&mut self, code: KeyCode) {
        self.update(Msg::Input(Event::Key(KeyEvent::new(
            code,
            KeyModifiers::NONE,
        ))));
    }
}

fn measure(path: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let (tx, msgs) = mpsc::unbounded_channel();
    // No writer: the reader looks at the file itself, as `open` does.
    let store = store_worker::start(path.to_path_buf(), None, tx)?;
    let (app, effects) = App::new(
        Source::Offline {
            file: path.display().to_string(),
        },
        true,
        SIZE,
    );
    let mut ui = Driver {
        app,
        terminal: Terminal::new(TestBackend::new(SIZE.0, SIZE.1))?,
        store,
        msgs,
        pending: 0,
    };
    ui.run(effects);
    // The list is drawn as soon as its window arrives; the count follows.
    while ui.app.rows.is_empty() {
        ui.next_reply();
    }
    let app = &ui.app;
    ui.terminal.draw(|f| views::render(f, app))?;
    let first_frame = started.elapsed();
    ui.settle_and_draw();
    let counted = started.elapsed();
    println!("requests in file:        {}", ui.app.total.unwrap_or(0));
    println!(
        "first frame:             {:.1} ms (total counted after {:.1} ms)",
        ms(first_frame),
        ms(counted)
    );

    // A frame is what the UI loop does per key: update and draw. Window
    // fetches run on the reader thread meanwhile; the bench waits for them
    // only after drawing, and reports those waits separately.
    let mut frames = Vec::new();
    let mut fetches = Vec::new();
    let mut seen = ui.app.rows.first().map(|r| r.id);
    loop {
        let t = Instant::now();
        ui.key(KeyCode::PageDown);
        let app = &ui.app;
        ui.terminal.draw(|f| views::render(f, app))?;
        frames.push(t.elapsed());
        let t = Instant::now();
        let waited = ui.pending > 0;
        while ui.pending > 0 {
            ui.next_reply();
        }
        if waited {
            fetches.push(t.elapsed());
        }
        let now = ui.app.selected_row().map(|r| r.id);
        if now == seen && !waited {
            break;
        }
        seen = now;
    }
    let stats = |mut v: Vec<Duration>| {
        v.sort();
        let mean = v.iter().sum::<Duration>() / v.len().max(1) as u32;
        let at = |q: usize| {
            v.get((v.len() * q / 100).min(v.len().saturating_sub(1)))
                .copied()
                .unwrap_or_default()
        };
        format!(
            "mean {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            ms(mean),
            ms(at(99)),
            ms(at(100))
        )
    };
    println!(
        "scrolling {} pages:     frame {}",
        frames.len(),
        stats(frames)
    );
    println!(
        "store replies ({}):     {} (windows and details, off the UI thread)",
        fetches.len(),
        stats(fetches)
    );

    for filter in ["method:POST path:/hooks/*", "type:lead.captured"] {
        ui.key(KeyCode::Char('/'));
        ui.key(KeyCode::Char('u'));
        // Clear what a previous filter left in the bar.
        while matches!(&ui.app.mode, hookscope::tui::app::Mode::Filter { input, .. } if !input.is_empty())
        {
            ui.key(KeyCode::Backspace);
        }
        for c in filter.chars() {
            ui.key(KeyCode::Char(c));
        }
        let t = Instant::now();
        ui.key(KeyCode::Enter);
        // First the window arrives (the list is usable), then the count.
        while ui.app.loading {
            ui.next_reply();
        }
        let app = &ui.app;
        ui.terminal.draw(|f| views::render(f, app))?;
        let listed = t.elapsed();
        ui.settle_and_draw();
        let counted = t.elapsed();
        println!(
            "filter {filter:<26} list {:.1} ms, count ({} matches) {:.1} ms",
            ms(listed),
            ui.app.matching.unwrap_or(0),
            ms(counted)
        );
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("VmHWM: ?");
    println!(
        "peak RSS:                {}",
        peak.trim_start_matches("VmHWM:").trim()
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
