//! Messages that wake the UI (facts, past tense) and the effects `update`
//! asks the loop to carry out (commands, imperative).

use crate::filter::Filter;
use crate::model::{Attempt, RequestDetail, RequestId, RequestSummary};
use crate::store::{Dir, SignatureVerdict};

use super::prepare::Prepared;

/// Goes up whenever the filter changes, so replies to an older query are dropped.
pub type QueryGen = u64;

#[derive(Debug)]
pub enum Msg {
    Input(crossterm::event::Event),
    /// The listener committed these requests.
    Captured(Vec<RequestSummary>),
    Deleted(Vec<RequestId>),
    /// Another process wrote to the capture file.
    FileChanged,
    Store(StoreReply),
    /// The body and raw views of a request are ready to draw.
    BodyRendered {
        id: RequestId,
        body: Box<Prepared>,
    },
    /// Something finished that the status line should report.
    Notice(Result<String, String>),
    /// A send finished: what to tell the user.
    Sent(Result<String, String>),
    /// An edit made in `$EDITOR` is not a request that can be sent: it is
    /// kept, so the next edit of the request starts from it.
    EditRefused {
        id: RequestId,
        text: Vec<u8>,
        error: String,
    },
    /// A resend or forward of this request was stored.
    Attempted {
        id: RequestId,
        /// The status its sender got, when a forward replaced the answer.
        answered: Option<u16>,
    },
    /// Signatures were re-checked and these verdicts changed.
    Reverified(Vec<SignatureVerdict>),
    /// No system clipboard: copy through the terminal instead.
    CopyFallback {
        label: &'static str,
        text: String,
        reason: String,
    },
    /// Once a second: refresh relative times and poll the file.
    Tick,
}

#[derive(Debug)]
pub enum StoreReply {
    Window {
        generation: QueryGen,
        rows: Vec<RequestSummary>,
        placement: Placement,
    },
    Detail {
        id: RequestId,
        detail: Option<Box<RequestDetail>>,
        attempts: Vec<Attempt>,
    },
    Count {
        generation: QueryGen,
        total: u64,
        matching: u64,
    },
    Failed {
        what: &'static str,
        error: String,
    },
    Exported {
        path: std::path::PathBuf,
        /// How many requests were written, or why nothing was.
        result: Result<u64, String>,
    },
}

/// Where a loaded window goes in the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Replaces the list and selects its first (newest) row.
    Replace,
    /// Replaces the list and selects its last (oldest) row.
    ReplaceAtEnd,
    /// Rows older than the last one shown.
    Append,
    /// Rows newer than the first one shown.
    Prepend,
    /// Replaces the list with the newest rows, keeping the selected request
    /// selected: another process changed the file.
    Refresh,
}

#[derive(Debug)]
pub enum StoreCmd {
    LoadWindow {
        generation: QueryGen,
        filter: Filter,
        anchor: Option<RequestId>,
        dir: Dir,
        limit: u32,
        placement: Placement,
    },
    LoadDetail(RequestId),
    Count {
        generation: QueryGen,
        filter: Filter,
    },
    /// Writes the requests `filter` picks to `path` (`export::write_file`).
    Export {
        filter: Filter,
        path: std::path::PathBuf,
        redact: bool,
    },
}

/// What a copy puts on the clipboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyWhat {
    Body,
    Headers,
    Url,
    Curl,
    Markdown,
}

#[derive(Debug)]
pub enum Effect {
    Store(StoreCmd),
    Delete(RequestId),
    RenderBody(Box<RequestDetail>),
    Copy {
        label: &'static str,
        text: String,
    },
    /// Write the OSC 52 copy sequence to the terminal.
    Osc52 {
        label: &'static str,
        text: String,
        reason: String,
    },
    /// Re-read secrets and check every stored signature again.
    Reverify,
    /// Send a request out (resend, edited resend, sample).
    Send(Outbound),
    /// Stop the send in flight.
    CancelSend,
    /// Hand the request to `$EDITOR` as an HTTP message file, then send what was saved.
    ExternalEdit {
        id: RequestId,
        text: Vec<u8>,
        resign: bool,
    },
    Quit,
}

impl From<StoreReply> for Msg {
    fn from(reply: StoreReply) -> Msg {
        Msg::Store(reply)
    }
}

impl From<StoreCmd> for Effect {
    fn from(cmd: StoreCmd) -> Effect {
        Effect::Store(cmd)
    }
}

/// A request to send and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outbound {
    /// A stored request, unchanged, to `target`.
    Resend {
        id: RequestId,
        target: String,
        resign: bool,
    },
    /// An edited request: an HTTP message file naming its own URL.
    Edited {
        id: RequestId,
        text: Vec<u8>,
        resign: bool,
    },
    /// A sample event, signed when a secret for its provider is configured.
    Sample { name: String, target: String },
}

impl Outbound {
    pub fn label(&self) -> String {
        match self {
            Outbound::Resend { id, target, .. } => format!("resending #{id} to {target}"),
            Outbound::Edited { id, .. } => format!("sending edited #{id}"),
            Outbound::Sample { name, target } => format!("sending sample {name} to {target}"),
        }
    }
}
