//! UI state and `update`: every message becomes new state plus a list of
//! effects for the loop to run. No I/O here, so it is tested directly.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEventKind};

use super::keymap::{self, Action, Context};
use super::layout::{self, Areas};
use super::msg::{CopyWhat, Effect, Msg, Placement, QueryGen, StoreCmd, StoreReply};
use super::prepare::Prepared;
use super::views;
use crate::filter::Filter;
use crate::model::{Attempt, RequestDetail, RequestId, RequestSummary};
use crate::store::Dir;

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
    Help,
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
    pub focus: Focus,
    pub tab: Tab,
    pub scroll: usize,
    pub shown: Option<Shown>,
    /// Detail asked for and not yet arrived.
    pub wanted: Option<RequestId>,
    pub mode: Mode,
    pub toast: Option<Toast>,
    pub quit: bool,
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
            focus: Focus::List,
            tab: Tab::Overview,
            scroll: 0,
            shown: None,
            wanted: None,
            mode: Mode::Normal,
            toast: None,
            quit: false,
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
                if self.at_newest {
                    effects.extend(self.load_newer());
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
            Msg::Attempted(id) => {
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

    fn input(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => self.key(key),
            Event::Mouse(mouse) => self.mouse(mouse.kind, mouse.column, mouse.row),
            Event::Resize(w, h) => {
                self.size = (w, h);
                self.clamp_offset();
                self.fetch_if_near_edge()
            }
            _ => Vec::new(),
        }
    }

    fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Normal => {}
            Mode::Filter { input, error } => return self.filter_key(key, input, error),
            Mode::CopyMenu => return self.copy_key(key),
            Mode::ConfirmDelete(id) => {
                if key.code == KeyCode::Char('y') {
                    self.toast = Some(Toast::Info(format!("deleting request #{id}")));
                    return vec![Effect::Delete(id)];
                }
                self.toast = Some(Toast::Info("delete cancelled".into()));
                return Vec::new();
            }
            Mode::Help => {
                // Any key closes help; `q` still quits from there.
                if keymap::action_for(key, Context::Global) == Some(Action::Quit) {
                    return self.action(Action::Quit);
                }
                return Vec::new();
            }
        }
        self.toast = None;
        match keymap::action_for(key, self.context()) {
            Some(action) => self.action(action),
            None => Vec::new(),
        }
    }

    fn action(&mut self, action: Action) -> Vec<Effect> {
        let page = usize::from(self.areas().list_rows.max(1));
        match (self.focus, action) {
            (_, Action::Quit) => {
                self.quit = true;
                vec![Effect::Quit]
            }
            (_, Action::Help) => {
                self.mode = Mode::Help;
                Vec::new()
            }
            (_, Action::Filter) => {
                self.mode = Mode::Filter {
                    input: self.filter_text.clone(),
                    error: None,
                };
                Vec::new()
            }
            (_, Action::ToggleFollow) => {
                self.follow = !self.follow;
                if self.follow {
                    self.first()
                } else {
                    Vec::new()
                }
            }
            (_, Action::Copy) => {
                if self.shown.is_some() {
                    self.mode = Mode::CopyMenu;
                } else {
                    self.toast = Some(Toast::Error("nothing selected to copy".into()));
                }
                Vec::new()
            }
            (_, Action::Reverify) => {
                self.toast = Some(Toast::Info("re-checking every stored signature…".into()));
                vec![Effect::Reverify]
            }
            (_, Action::Delete) => {
                if self.read_only {
                    self.toast = Some(Toast::Error(
                        "read-only: this file was opened with `hookscope open`".into(),
                    ));
                } else if let Some(row) = self.selected_row() {
                    self.mode = Mode::ConfirmDelete(row.id);
                }
                Vec::new()
            }
            (_, Action::PrevTab) => {
                self.set_tab((self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len())
            }
            (_, Action::NextTab) => self.set_tab((self.tab.index() + 1) % Tab::ALL.len()),
            (_, Action::Tab(i)) => self.set_tab(i),
            (Focus::List, Action::Focus) => {
                self.focus = Focus::Detail;
                Vec::new()
            }
            (Focus::Detail, Action::Back) => {
                self.focus = Focus::List;
                Vec::new()
            }
            (Focus::List, Action::Down) => self.move_by(1),
            (Focus::List, Action::Up) => self.move_by(-1),
            (Focus::List, Action::PageDown) => self.move_by(page as isize),
            (Focus::List, Action::PageUp) => self.move_by(-(page as isize)),
            (Focus::List, Action::First) => self.first(),
            (Focus::List, Action::Last) => self.last(),
            (Focus::Detail, Action::Down) => self.scroll_by(1),
            (Focus::Detail, Action::Up) => self.scroll_by(-1),
            (Focus::Detail, Action::PageDown) => self.scroll_by(self.detail_page() as isize),
            (Focus::Detail, Action::PageUp) => self.scroll_by(-(self.detail_page() as isize)),
            (Focus::Detail, Action::First) => {
                self.scroll = 0;
                Vec::new()
            }
            (Focus::Detail, Action::Last) => {
                self.scroll = self.max_scroll();
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn set_tab(&mut self, index: usize) -> Vec<Effect> {
        if let Some(tab) = Tab::ALL.get(index) {
            self.tab = *tab;
            self.scroll = 0;
        }
        Vec::new()
    }

    fn detail_page(&self) -> usize {
        usize::from(self.areas().detail_body.height.max(1))
    }

    fn scroll_by(&mut self, delta: isize) -> Vec<Effect> {
        self.scroll = self
            .scroll
            .saturating_add_signed(delta)
            .min(self.max_scroll());
        Vec::new()
    }

    /// The last scroll position that still fills the pane.
    fn max_scroll(&self) -> usize {
        let len = self
            .shown
            .as_ref()
            .map_or(0, |s| views::tab_len(self.tab, s));
        len.saturating_sub(self.detail_page())
    }

    fn filter_key(
        &mut self,
        key: KeyEvent,
        mut input: String,
        error: Option<String>,
    ) -> Vec<Effect> {
        match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Enter => match Filter::parse(&input) {
                Ok(filter) => {
                    self.filter = filter;
                    self.filter_text = input.trim().to_owned();
                    self.reload()
                }
                Err(e) => {
                    self.mode = Mode::Filter {
                        input,
                        error: Some(e.to_string()),
                    };
                    Vec::new()
                }
            },
            code => {
                match code {
                    KeyCode::Backspace => {
                        input.pop();
                    }
                    KeyCode::Char(c)
                        if !key
                            .modifiers
                            .contains(crossterm::event::KeyModifiers::CONTROL) =>
                    {
                        input.push(c);
                    }
                    KeyCode::Char('u') => input.clear(),
                    _ => {}
                }
                // Check as the user types, but apply only on Enter.
                let error = match Filter::parse(&input) {
                    Ok(_) => None,
                    Err(e) if error.is_some() || code == KeyCode::Char(' ') => Some(e.to_string()),
                    Err(_) => None,
                };
                self.mode = Mode::Filter { input, error };
                Vec::new()
            }
        }
    }

    fn copy_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let what = match key.code {
            KeyCode::Char('b') => CopyWhat::Body,
            KeyCode::Char('h') => CopyWhat::Headers,
            KeyCode::Char('u') => CopyWhat::Url,
            KeyCode::Char('c') => CopyWhat::Curl,
            KeyCode::Char('m') => CopyWhat::Markdown,
            _ => return Vec::new(),
        };
        match &self.shown {
            Some(shown) => {
                let (label, text) = super::copy::text(what, &shown.detail);
                vec![Effect::Copy { label, text }]
            }
            None => Vec::new(),
        }
    }

    fn mouse(&mut self, kind: MouseEventKind, column: u16, row: u16) -> Vec<Effect> {
        let areas = self.areas();
        let inside = |r: ratatui::layout::Rect| {
            column >= r.x && column < r.x + r.width && row >= r.y && row < r.y + r.height
        };
        match kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if let Some(i) = layout::tab_at(&areas, self.tab, column, row) {
                    self.focus = Focus::Detail;
                    return self.set_tab(i);
                }
                if inside(areas.list_body) {
                    self.focus = Focus::List;
                    let index = self.offset + usize::from(row - areas.list_body.y);
                    if index < self.rows.len() {
                        return self.select(index);
                    }
                } else if inside(areas.detail) {
                    self.focus = Focus::Detail;
                }
                Vec::new()
            }
            MouseEventKind::ScrollDown if inside(areas.detail) => self.scroll_by(3),
            MouseEventKind::ScrollUp if inside(areas.detail) => self.scroll_by(-3),
            MouseEventKind::ScrollDown => self.move_by(3),
            MouseEventKind::ScrollUp => self.move_by(-3),
            _ => Vec::new(),
        }
    }

    fn move_by(&mut self, delta: isize) -> Vec<Effect> {
        if self.rows.is_empty() {
            return Vec::new();
        }
        let target = self
            .selected
            .saturating_add_signed(delta)
            .min(self.rows.len() - 1);
        // Moving away from the newest request stops following it.
        if target != 0 {
            self.follow = false;
        }
        let mut effects = self.select(target);
        effects.extend(self.fetch_if_near_edge());
        effects
    }

    fn first(&mut self) -> Vec<Effect> {
        if self.at_newest {
            let mut effects = self.select(0);
            self.unseen = 0;
            effects.extend(self.fetch_if_near_edge());
            return effects;
        }
        self.reload_window()
    }

    fn last(&mut self) -> Vec<Effect> {
        self.follow = false;
        if self.at_oldest {
            let last = self.rows.len().saturating_sub(1);
            return self.select(last);
        }
        self.loading = true;
        vec![
            StoreCmd::LoadWindow {
                generation: self.generation,
                filter: self.filter.clone(),
                anchor: None,
                dir: Dir::Newer,
                limit: FETCH,
                placement: Placement::ReplaceAtEnd,
            }
            .into(),
        ]
    }

    /// Selects row `index`, keeps it visible and loads its detail.
    fn select(&mut self, index: usize) -> Vec<Effect> {
        self.selected = index;
        self.clamp_offset();
        self.want_detail()
    }

    fn want_detail(&mut self) -> Vec<Effect> {
        let Some(id) = self.selected_row().map(|r| r.id) else {
            self.shown = None;
            self.wanted = None;
            return Vec::new();
        };
        let showing = self.shown.as_ref().map(|s| s.detail.summary.id);
        if showing == Some(id) || self.wanted == Some(id) {
            return Vec::new();
        }
        self.wanted = Some(id);
        vec![StoreCmd::LoadDetail(id).into()]
    }

    fn clamp_offset(&mut self) {
        let height = usize::from(self.areas().list_rows.max(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.rows.len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }

    /// Asks for more rows when the selection is within a page of an edge.
    fn fetch_if_near_edge(&mut self) -> Vec<Effect> {
        if self.loading || self.rows.is_empty() {
            return Vec::new();
        }
        let page = usize::from(self.areas().list_rows.max(1));
        if !self.at_oldest && self.selected + 2 * page >= self.rows.len() {
            let anchor = self.rows.last().map(|r| r.id);
            self.loading = true;
            return vec![self.window_cmd(anchor, Dir::Older, Placement::Append)];
        }
        if !self.at_newest && self.selected < page {
            return self.load_newer();
        }
        Vec::new()
    }

    fn load_newer(&mut self) -> Vec<Effect> {
        if self.loading {
            return Vec::new();
        }
        let anchor = self.rows.first().map(|r| r.id);
        self.loading = true;
        vec![self.window_cmd(anchor, Dir::Newer, Placement::Prepend)]
    }

    fn window_cmd(&self, anchor: Option<RequestId>, dir: Dir, placement: Placement) -> Effect {
        StoreCmd::LoadWindow {
            generation: self.generation,
            filter: self.filter.clone(),
            anchor,
            dir,
            limit: FETCH,
            placement,
        }
        .into()
    }

    /// A new query: new generation, list from the newest, fresh counts.
    fn reload(&mut self) -> Vec<Effect> {
        self.generation += 1;
        self.matching = None;
        self.count_in_flight = false;
        let mut effects = self.reload_window();
        effects.extend(self.count());
        effects
    }

    fn reload_window(&mut self) -> Vec<Effect> {
        self.loading = true;
        self.unseen = 0;
        vec![self.window_cmd(None, Dir::Older, Placement::Replace)]
    }

    fn count(&mut self) -> Vec<Effect> {
        if self.count_in_flight {
            self.count_stale = true;
            return Vec::new();
        }
        self.count_in_flight = true;
        self.count_stale = false;
        vec![
            StoreCmd::Count {
                generation: self.generation,
                filter: self.filter.clone(),
            }
            .into(),
        ]
    }

    fn captured(&mut self, mut rows: Vec<RequestSummary>) -> Vec<Effect> {
        let added = rows.len() as u64;
        self.total = self.total.map(|t| t + added);
        if !self.filter.is_empty() {
            let mut effects = self.count();
            if self.at_newest {
                effects.extend(self.load_newer());
            } else {
                self.unseen += rows.len() as u64;
            }
            return effects;
        }
        self.matching = self.total;
        if !self.at_newest || self.loading {
            self.unseen += rows.len() as u64;
            return Vec::new();
        }
        rows.reverse();
        let added = rows.len();
        let keep_top = self.follow || self.rows.is_empty();
        self.rows.splice(0..0, rows);
        if keep_top {
            self.selected = 0;
            self.offset = 0;
        } else {
            self.selected += added;
            self.offset += added;
            self.unseen += added as u64;
        }
        self.trim_back();
        self.clamp_offset();
        self.want_detail()
    }

    fn reverified(&mut self, verdicts: &[crate::store::SignatureVerdict]) -> Vec<Effect> {
        for v in verdicts {
            if let Some(row) = self.rows.iter_mut().find(|r| r.id == v.id) {
                row.sig_provider.clone_from(&v.provider);
                row.sig_status = Some(v.status.clone());
            }
        }
        let Some(shown) = self.shown.as_mut() else {
            return Vec::new();
        };
        let Some(v) = verdicts.iter().find(|v| v.id == shown.detail.summary.id) else {
            return Vec::new();
        };
        shown.detail.summary.sig_provider.clone_from(&v.provider);
        shown.detail.summary.sig_status = Some(v.status.clone());
        shown.prepared = None;
        vec![Effect::RenderBody(shown.detail.clone())]
    }

    fn deleted(&mut self, ids: &[RequestId]) -> Vec<Effect> {
        let before = self.rows.len();
        let selected_id = self.selected_row().map(|r| r.id);
        self.rows.retain(|r| !ids.contains(&r.id));
        self.total = self.total.map(|t| t.saturating_sub(ids.len() as u64));
        if before != self.rows.len() {
            if let Some(id) = selected_id.filter(|id| !ids.contains(id)) {
                self.selected = self.rows.iter().position(|r| r.id == id).unwrap_or(0);
            }
            self.selected = self.selected.min(self.rows.len().saturating_sub(1));
            self.toast = Some(Toast::Info(format!("deleted {} request(s)", ids.len())));
        }
        if self
            .shown
            .as_ref()
            .is_some_and(|s| ids.contains(&s.detail.summary.id))
        {
            self.shown = None;
        }
        let mut effects = self.count();
        self.clamp_offset();
        effects.extend(self.want_detail());
        effects
    }

    fn store_reply(&mut self, reply: StoreReply) -> Vec<Effect> {
        match reply {
            StoreReply::Window {
                generation,
                rows,
                placement,
            } => {
                if generation != self.generation {
                    return Vec::new();
                }
                self.loading = false;
                self.place(rows, placement)
            }
            StoreReply::Detail {
                id,
                detail,
                attempts,
            } => {
                if self.wanted != Some(id) {
                    return Vec::new();
                }
                self.wanted = None;
                match detail {
                    // The same request again (new attempts): keep its prepared views.
                    Some(detail)
                        if self
                            .shown
                            .as_ref()
                            .is_some_and(|s| s.detail.summary.id == id && s.prepared.is_some()) =>
                    {
                        if let Some(shown) = self.shown.as_mut() {
                            shown.detail = detail;
                            shown.attempts = attempts;
                        }
                        Vec::new()
                    }
                    Some(detail) => {
                        self.shown = Some(Shown {
                            detail: detail.clone(),
                            attempts,
                            prepared: None,
                        });
                        vec![Effect::RenderBody(detail)]
                    }
                    None => {
                        self.shown = None;
                        Vec::new()
                    }
                }
            }
            StoreReply::Count {
                generation,
                total,
                matching,
            } => {
                self.count_in_flight = false;
                self.total = Some(total);
                if generation == self.generation {
                    self.matching = Some(matching);
                }
                if self.count_stale {
                    self.count()
                } else {
                    Vec::new()
                }
            }
            StoreReply::Failed { what, error } => {
                self.loading = false;
                self.count_in_flight = false;
                self.toast = Some(Toast::Error(format!("{what} failed: {error}")));
                Vec::new()
            }
        }
    }

    fn place(&mut self, rows: Vec<RequestSummary>, placement: Placement) -> Vec<Effect> {
        let full = rows.len() as u32 >= FETCH;
        let selected_id = self.selected_row().map(|r| r.id);
        match placement {
            Placement::Replace => {
                self.rows = rows;
                self.at_newest = true;
                self.at_oldest = !full;
                self.selected = 0;
                self.offset = 0;
            }
            Placement::ReplaceAtEnd => {
                self.rows = rows;
                self.at_oldest = true;
                self.at_newest = !full;
                self.selected = self.rows.len().saturating_sub(1);
            }
            Placement::Append => {
                self.at_oldest = !full;
                self.rows.extend(rows);
                if self.rows.len() > MAX_ROWS {
                    let cut = self.rows.len() - MAX_ROWS;
                    self.rows.drain(..cut);
                    self.selected = self.selected.saturating_sub(cut);
                    self.offset = self.offset.saturating_sub(cut);
                    self.at_newest = false;
                }
            }
            Placement::Prepend => {
                self.at_newest = !full;
                let added = rows.len();
                self.rows.splice(0..0, rows);
                if self.follow && self.at_newest {
                    self.selected = 0;
                    self.offset = 0;
                } else if let Some(id) = selected_id {
                    self.selected = self.rows.iter().position(|r| r.id == id).unwrap_or(0);
                    self.offset += added;
                }
                self.trim_back();
            }
        }
        if self.at_newest && self.selected == 0 {
            self.unseen = 0;
        }
        self.clamp_offset();
        let mut effects = self.want_detail();
        effects.extend(self.fetch_if_near_edge());
        effects
    }

    fn trim_back(&mut self) {
        if self.rows.len() > MAX_ROWS {
            self.rows.truncate(MAX_ROWS);
            self.at_oldest = false;
            self.selected = self.selected.min(MAX_ROWS - 1);
        }
    }
}
