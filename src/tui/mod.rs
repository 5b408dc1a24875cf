//! The terminal UI: terminal setup and restore, and the event loop that
//! feeds messages to `App::update`, runs its effects and redraws.

pub mod app;
pub mod body;
mod copy;
pub mod keymap;
pub mod layout;
pub mod msg;
mod outbound;
pub mod prepare;
pub mod store_worker;
mod theme;
pub mod views;

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event, EventStream};
use futures_util::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::clipboard::{self, Clipboard};
use crate::store::{StoreEvent, WriterHandle};
use crate::verifier::SharedVerifier;
use app::{App, Source};
use msg::{Effect, Msg, StoreCmd};

/// Redraws are at least this far apart, however fast requests arrive.
const FRAME: Duration = Duration::from_millis(16);

/// Builds a verifier from the config file again (secrets changed).
pub type Reload = Box<dyn Fn() -> Result<crate::verifier::Verifier, String> + Send + Sync>;

/// What the UI shows and what it may change.
pub struct UiOptions {
    pub source: Source,
    pub db: PathBuf,
    /// Present when this process writes the file (listening): deletes go through it.
    pub writer: Option<WriterHandle>,
    /// Commits by this process's listener.
    pub store_events: Option<mpsc::UnboundedReceiver<StoreEvent>>,
    /// Checks signatures for the Signature tab (and the listener).
    pub verifier: SharedVerifier,
    /// Re-reads secrets for `V`; absent when there is no config to re-read.
    pub reload: Option<Reload>,
    /// Timeout and TLS choice for resends and sample sends.
    pub client: crate::resend::ClientOptions,
}

/// Runs the UI on the real terminal until the user quits.
pub async fn run(options: UiOptions) -> anyhow::Result<()> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
        previous(info);
    }));
    // `init` also installs a panic hook that leaves raw mode and the
    // alternate screen before the panic message is printed.
    let mut terminal = ratatui::init();
    // Restores the terminal however this future ends, dropped included.
    let _restore = RestoreOnDrop;
    let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    let size = terminal.size().context("cannot read the terminal size")?;
    run_with(
        &mut terminal,
        (size.width, size.height),
        options,
        EventStream::new(),
        |text| {
            let mut out = std::io::stdout();
            out.write_all(clipboard::osc52(text).as_bytes())?;
            out.flush()
        },
        external_edit,
    )
    .await
}

/// Leaves the UI, opens `text` in `$VISUAL`/`$EDITOR` (else `vi`) as a file,
/// and returns what was saved; the UI comes back either way.
fn external_edit(text: &[u8]) -> Result<Vec<u8>, String> {
    use crossterm::terminal::{
        EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
    };
    let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture, LeaveAlternateScreen);
    let _ = disable_raw_mode();
    let edited = crate::delivery::edit_in_editor(text);
    let _ = enable_raw_mode();
    let _ = crossterm::execute!(std::io::stdout(), EnterAlternateScreen, EnableMouseCapture);
    edited
}

struct RestoreOnDrop;

impl Drop for RestoreOnDrop {
    fn drop(&mut self) {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}

/// The loop, generic over the backend and the input, so tests drive it
/// with a `TestBackend` and scripted events.
pub async fn run_with<B: Backend>(
    terminal: &mut Terminal<B>,
    size: (u16, u16),
    options: UiOptions,
    mut input: impl Stream<Item = std::io::Result<Event>> + Unpin,
    mut osc52: impl FnMut(&str) -> std::io::Result<()>,
    mut external_edit: impl FnMut(&[u8]) -> Result<Vec<u8>, String>,
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let (msgs_tx, mut msgs) = mpsc::unbounded_channel();
    let store = store_worker::start(options.db.clone(), options.writer.clone(), msgs_tx.clone())?;
    if let Some(mut events) = options.store_events {
        let tx = msgs_tx.clone();
        tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                let msg = match event {
                    StoreEvent::Captured(rows) => Msg::Captured(rows),
                    StoreEvent::Deleted(ids) => Msg::Deleted(ids),
                    StoreEvent::Reverified(verdicts) => Msg::Reverified(verdicts),
                    StoreEvent::Attempted { id, answered } => Msg::Attempted { id, answered },
                    StoreEvent::ChangedElsewhere => Msg::FileChanged,
                    StoreEvent::Failed(error) => msg::StoreReply::Failed {
                        what: "storing a request",
                        error,
                    }
                    .into(),
                };
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
    }
    let read_only = options.writer.is_none();
    let mut runner = Runner {
        store,
        writer: options.writer,
        msgs: msgs_tx,
        clipboard: None,
        db: options.db,
        verifier: options.verifier,
        reload: options.reload.map(std::sync::Arc::new),
        client: None,
        client_options: options.client,
        in_flight: None,
    };
    let (mut app, effects) = App::new(options.source, read_only, size);
    runner.run(effects, &mut osc52, &mut external_edit);
    terminal.draw(|f| views::render(f, &app))?;
    let mut last_draw = Instant::now();
    let mut dirty = false;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        let next_draw = last_draw + FRAME;
        let first = tokio::select! {
            biased;
            Some(event) = input.next() => match event {
                Ok(event) => Some(Msg::Input(event)),
                Err(e) => return Err(e).context("reading terminal input"),
            },
            Some(msg) = msgs.recv() => Some(msg),
            () = tokio::time::sleep_until(next_draw), if dirty => None,
            _ = tick.tick() => Some(Msg::Tick),
        };
        if let Some(msg) = first {
            let effects = app.update(msg);
            let mut repaint = runner.run(effects, &mut osc52, &mut external_edit);
            // Drain what is already queued before drawing once.
            while let Ok(msg) = msgs.try_recv() {
                let effects = app.update(msg);
                repaint |= runner.run(effects, &mut osc52, &mut external_edit);
            }
            if repaint {
                terminal.clear()?;
            }
            dirty = true;
        }
        if app.quit {
            return Ok(());
        }
        if dirty && Instant::now() >= next_draw {
            if let Some(size) = terminal
                .size()
                .ok()
                .filter(|s| (s.width, s.height) != app.size)
            {
                app.update(Msg::Input(Event::Resize(size.width, size.height)));
            }
            terminal.draw(|f| views::render(f, &app))?;
            last_draw = Instant::now();
            dirty = false;
        }
    }
}

/// Carries out effects; owns the channels to the worker threads.
struct Runner {
    store: std::sync::mpsc::Sender<StoreCmd>,
    writer: Option<WriterHandle>,
    msgs: mpsc::UnboundedSender<Msg>,
    clipboard: Option<std::sync::Arc<Clipboard>>,
    db: PathBuf,
    verifier: SharedVerifier,
    reload: Option<std::sync::Arc<Reload>>,
    client: Option<crate::resend::Client>,
    client_options: crate::resend::ClientOptions,
    in_flight: Option<tokio::task::AbortHandle>,
}

impl Runner {
    fn run(
        &mut self,
        effects: Vec<Effect>,
        osc52: &mut impl FnMut(&str) -> std::io::Result<()>,
        external_edit: &mut impl FnMut(&[u8]) -> Result<Vec<u8>, String>,
    ) -> bool {
        // Whether the screen must be redrawn from scratch (an editor ran).
        let mut repaint = false;
        for effect in effects {
            match effect {
                Effect::Store(cmd) => {
                    let _ = self.store.send(cmd);
                }
                Effect::Delete(id) => {
                    let Some(writer) = self.writer.clone() else {
                        continue;
                    };
                    let msgs = self.msgs.clone();
                    tokio::spawn(async move {
                        if let Err(e) = writer.delete(vec![id]).await {
                            let _ = msgs.send(
                                msg::StoreReply::Failed {
                                    what: "deleting",
                                    error: e.to_string(),
                                }
                                .into(),
                            );
                        }
                    });
                }
                Effect::RenderBody(detail) => {
                    let msgs = self.msgs.clone();
                    let verifier = self.verifier.get();
                    tokio::task::spawn_blocking(move || {
                        let prepared = prepare::prepare(&detail, &verifier);
                        let _ = msgs.send(Msg::BodyRendered {
                            id: detail.summary.id,
                            body: Box::new(prepared),
                        });
                    });
                }
                Effect::Copy { label, text } => self.copy(label, text),
                Effect::Reverify => self.reverify(),
                Effect::Send(outbound) => self.send(outbound),
                Effect::CancelSend => {
                    if let Some(task) = self.in_flight.take() {
                        task.abort();
                    }
                    let _ = self.msgs.send(Msg::Sent(Err("cancelled".into())));
                }
                Effect::ExternalEdit { id, text, resign } => {
                    repaint = true;
                    match external_edit(&text) {
                        Ok(text) => match crate::resend::parse_message_file(&text) {
                            Ok(_) => self.send(msg::Outbound::Edited { id, text, resign }),
                            Err(e) => {
                                let error = e.to_string();
                                let _ = self.msgs.send(Msg::EditRefused { id, text, error });
                            }
                        },
                        Err(e) => {
                            let _ = self.msgs.send(Msg::Sent(Err(e)));
                        }
                    }
                }
                Effect::Osc52 {
                    label,
                    text,
                    reason,
                } => {
                    let size = crate::human::size(text.len() as u64);
                    let result = osc52(&text)
                        .map(|()| format!("copied {label} ({size}) with OSC 52, the terminal's clipboard ({reason})"))
                        .map_err(|e| format!("copy failed: {e}"));
                    let _ = self.msgs.send(Msg::Notice(result));
                }
                Effect::Quit => {}
            }
        }
        repaint
    }

    fn send(&mut self, outbound: msg::Outbound) {
        let client = match &self.client {
            Some(c) => c.clone(),
            None => match crate::resend::Client::new(self.client_options.clone()) {
                Ok(c) => self.client.insert(c).clone(),
                Err(e) => {
                    let _ = self.msgs.send(Msg::Sent(Err(e.to_string())));
                    return;
                }
            },
        };
        let ctx = outbound::Ctx {
            db: self.db.clone(),
            writer: self.writer.clone(),
            client,
            verifier: self.verifier.get(),
        };
        let msgs = self.msgs.clone();
        let task = tokio::spawn(async move {
            let result = outbound::perform(outbound, ctx).await;
            let _ = msgs.send(Msg::Sent(result));
        });
        self.in_flight = Some(task.abort_handle());
    }

    /// Re-reads the secrets (when listening) and checks every stored request
    /// again on a blocking thread; the writer stores what changed.
    fn reverify(&mut self) {
        let Some(writer) = self.writer.clone() else {
            let _ = self.msgs.send(Msg::Notice(Err(
                "read-only: run `hookscope verify --db FILE` to store new verdicts".into(),
            )));
            return;
        };
        let (msgs, db, shared, reload) = (
            self.msgs.clone(),
            self.db.clone(),
            self.verifier.clone(),
            self.reload.clone(),
        );
        tokio::spawn(async move {
            let work = tokio::task::spawn_blocking(move || -> Result<_, String> {
                if let Some(reload) = reload {
                    shared.set(reload()?);
                }
                let reader = crate::store::Reader::open(&db).map_err(|e| e.to_string())?;
                crate::verifier::reverify(&reader, &shared.get()).map_err(|e| e.to_string())
            });
            let result = match work.await {
                Ok(Ok((checked, changed))) => {
                    let n = changed.len();
                    match writer.set_signatures(changed).await {
                        Ok(()) => Ok(format!(
                            "re-checked {checked} signatures with the current secrets; {n} changed"
                        )),
                        Err(e) => Err(format!("storing new verdicts failed: {e}")),
                    }
                }
                Ok(Err(e)) => Err(format!("re-checking failed: {e}")),
                Err(e) => Err(format!("re-checking failed: {e}")),
            };
            let _ = msgs.send(Msg::Notice(result));
        });
    }

    /// Tries the system clipboard on a blocking thread; if there is none,
    /// the loop is asked to write OSC 52, since it owns the terminal.
    fn copy(&mut self, label: &'static str, text: String) {
        let clipboard = self
            .clipboard
            .get_or_insert_with(|| std::sync::Arc::new(Clipboard::new()))
            .clone();
        let msgs = self.msgs.clone();
        tokio::task::spawn_blocking(move || {
            let size = crate::human::size(text.len() as u64);
            let msg = match clipboard.set_system(text.clone()) {
                Ok(()) => Msg::Notice(Ok(format!(
                    "copied {label} ({size}) to the system clipboard"
                ))),
                Err(reason) => Msg::CopyFallback {
                    label,
                    text,
                    reason,
                },
            };
            let _ = msgs.send(msg);
        });
    }
}
