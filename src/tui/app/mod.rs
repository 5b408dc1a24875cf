//! UI state and `update`: every message becomes new state plus a list of
//! effects for the loop to run. No I/O here, so it is tested directly.

mod events;
mod input;
mod send;
mod window;

pub use send::{Editor, Purpose, Sending};

use super::keymap::Context;
use super::layout::{self, Areas};
use super::msg::{Effect, Msg, QueryGen, StoreCmd};
use super::prepare::Prepared;
use crate::filter::Filter;
use crate::model::{Attempt, RequestDetail, RequestId, RequestSummary};

/// Rows fetched when the list is (re)loaded, and per page at an edge.
const FETCH: u32 = 200;
/// Rows kept in memory at most; the rest is re-read when scrolled back to.
const MAX_ROWS: usize = 1000;

/// Where the requests come from, for the header line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Listening { url: String, file: String },
    Offline { file: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    List,
    Detail,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Headers,
    Body,
    Query,
    Signature,
    Raw,
    Attempts,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Overview,
        Tab::Headers,
        Tab::Body,
        Tab::Query,
        Tab::Signature,
        Tab::Raw,
        Tab::Attempts,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Headers => "Headers",
            Tab::Body => "Body",
            Tab::Query => "Query",
            Tab::Signature => "Signature",
            Tab::Raw => "Raw",
            Tab::Attempts => "Attempts",
        }
    }

    pub fn short_title(self) -> &'static str {
        match self {
            Tab::Overview => "Info",
            Tab::Headers => "Hdrs",
            Tab::Body => "Body",
            Tab::Query => "Query",
            Tab::Signature => "Sig",
            Tab::Raw => "Raw",
            Tab::Attempts => "Tries",
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// What has the keyboard besides the panes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter {
        input: String,
        error: Option<String>,
    },
    CopyMenu,
    ConfirmDelete(RequestId),
    /// Scrolled down this many lines, when it does not fit the screen.
    Help {
        scroll: u16,
    },
    /// Asking where to send.
    Prompt {
        purpose: Purpose,
        input: String,
    },
    /// Picking a sample event; the index of the highlighted one.
    Samples {
        selected: usize,
    },
}

/// The loaded request shown in the detail pane.
#[derive(Debug)]
pub struct Shown {
    pub detail: Box<RequestDetail>,
    pub attempts: Vec<Attempt>,
    /// Body and raw views, prepared off the UI thread.
    pub prepared: Option<Box<Prepared>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Toast {
    Info(String),
    Error(String),
}

#[derive(Debug)]
pub struct App {
    pub source: Source,
    pub read_only: bool,
    pub size: (u16, u16),
    /// Requests in the file, once counted (counting a million takes a while).
    pub total: Option<u64>,
    pub filter: Filter,
    pub filter_text: String,
    pub generation: QueryGen,
    /// Requests matching the filter, once counted.
    pub matching: Option<u64>,
    /// A window of the filtered list, newest first.
    pub rows: Vec<RequestSummary>,
    /// The window starts at the newest matching request.
    pub at_newest: bool,
    /// The window ends at the oldest matching request.
    pub at_oldest: bool,
    pub loading: bool,
    pub selected: usize,
    pub offset: usize,
    pub follow: bool,
    /// Captured while not at the top of the list.
    pub unseen: u64,
    /// Rows were committed while a window was loading, which may have been
    /// read before them: look again once it lands.
    look_again: bool,
    pub focus: Focus,
    pub tab: Tab,
    pub scroll: usize,
    pub shown: Option<Shown>,
    /// Detail asked for and not yet arrived.
    pub wanted: Option<RequestId>,
    pub mode: Mode,
    pub toast: Option<Toast>,
    pub quit: bool,
    /// Where the last send went; the default for the next one.
    pub last_target: String,
    last_target_used: bool,
    /// Re-sign resends with the provider's secret (fresh timestamp and id).
    pub resign: bool,
    /// Exports from the UI leave credential headers out (Tab in the prompt).
    pub redact: bool,
    /// Where the last export went; the default for the next one.
    pub last_export: String,
    pub editor: Option<Editor>,
    /// An edit that could not be sent, for the next edit of its request.
    kept_edit: Option<(RequestId, Vec<u8>)>,
    pub sending: Option<Sending>,
    count_in_flight: bool,
    count_stale: bool,
}

impl App {
    /// A new UI state and the effects that fill it.
    pub fn new(source: Source, read_only: bool, size: (u16, u16)) -> (App, Vec<Effect>) {
        let follow = matches!(source, Source::Listening { .. });
        let mut app = App {
            source,
            read_only,
            size,
            total: None,
            filter: Filter::default(),
            filter_text: String::new(),
            generation: 0,
            matching: None,
            rows: Vec::new(),
            at_newest: true,
            at_oldest: true,
            loading: false,
            selected: 0,
            offset: 0,
            follow,
            unseen: 0,
            look_again: false,
            focus: Focus::List,
            tab: Tab::Overview,
            scroll: 0,
            shown: None,
            wanted: None,
            mode: Mode::Normal,
            toast: None,
            quit: false,
            last_target: "http://localhost:3000".to_owned(),
            last_target_used: false,
            resign: false,
            redact: true,
            last_export: "hookscope-export.har".to_owned(),
            editor: None,
            kept_edit: None,
            sending: None,
            count_in_flight: false,
            count_stale: false,
        };
        let effects = app.reload();
        (app, effects)
    }

    pub fn areas(&self) -> Areas {
        layout::areas(self)
    }

    pub fn selected_row(&self) -> Option<&RequestSummary> {
        self.rows.get(self.selected)
    }

    pub fn context(&self) -> Context {
        match self.focus {
            Focus::List => Context::List,
            Focus::Detail => Context::Detail,
        }
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Input(event) => self.input(event),
            Msg::Captured(rows) => self.captured(rows),
            Msg::Deleted(ids) => self.deleted(&ids),
            Msg::FileChanged => {
                let mut effects = self.count();
                // Rows another process wrote can sit below the newest one
                // shown (ids are given in commit order), and its deletes and
                // updates touch rows already shown: read the window again.
                if self.at_newest {
                    effects.extend(self.refresh());
                }
                effects
            }
            Msg::Store(reply) => self.store_reply(reply),
            Msg::BodyRendered { id, body } => {
                if let Some(shown) = self.shown.as_mut().filter(|s| s.detail.summary.id == id) {
                    shown.prepared = Some(body);
                }
                Vec::new()
            }
            Msg::Reverified(verdicts) => self.reverified(&verdicts),
            Msg::Sent(result) => self.sent(result),
            Msg::EditRefused { id, text, error } => self.edit_refused(id, text, error),
            Msg::Attempted { id, answered } => {
                if let Some(status) = answered
                    && let Some(row) = self.rows.iter_mut().find(|r| r.id == id)
                {
                    row.status = status;
                }
                // Reload the shown request so its Attempts tab is current.
                if self
                    .shown
                    .as_ref()
                    .is_some_and(|s| s.detail.summary.id == id)
                {
                    self.wanted = Some(id);
                    return vec![StoreCmd::LoadDetail(id).into()];
                }
                Vec::new()
            }
            Msg::Notice(result) => {
                self.toast = Some(match result {
                    Ok(text) => Toast::Info(text),
                    Err(text) => Toast::Error(text),
                });
                Vec::new()
            }
            Msg::CopyFallback {
                label,
                text,
                reason,
            } => vec![Effect::Osc52 {
                label,
                text,
                reason,
            }],
            Msg::Tick => Vec::new(),
        }
    }
}
