//! Keys and mouse: what each input means in the current mode and focus.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEventKind};

use super::{App, Focus, Mode, Purpose, Tab, Toast};
use crate::filter::Filter;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout;
use crate::tui::msg::{CopyWhat, Effect};
use crate::tui::views;

impl App {
    pub(super) fn input(&mut self, event: Event) -> Vec<Effect> {
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

    pub(super) fn key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.editor.is_some() {
            return self.editor_key(key);
        }
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Normal => {}
            Mode::Prompt { purpose, input } => return self.prompt_key(key, purpose, input),
            Mode::Samples { selected } => return self.samples_key(key, selected),
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
            Mode::Help { scroll } => return self.help_key(key, scroll),
        }
        self.toast = None;
        if self.sending.is_some() && key.code == KeyCode::Esc {
            return vec![Effect::CancelSend];
        }
        match keymap::action_for(key, self.context()) {
            Some(action) => self.action(action),
            None => Vec::new(),
        }
    }

    /// The scrolling keys scroll a help taller than the screen; any other
    /// key closes it, and `q` still quits from there.
    fn help_key(&mut self, key: KeyEvent, scroll: u16) -> Vec<Effect> {
        let max = crate::tui::layout::help_max_scroll(self.size.1);
        let page = self.size.1.saturating_sub(2).max(1);
        let scroll = match keymap::action_for(key, Context::Detail) {
            Some(Action::Down) => scroll.saturating_add(1),
            Some(Action::Up) => scroll.saturating_sub(1),
            Some(Action::PageDown) => scroll.saturating_add(page),
            Some(Action::PageUp) => scroll.saturating_sub(page),
            Some(Action::First) => 0,
            Some(Action::Last) => max,
            Some(Action::Quit) => return self.action(Action::Quit),
            _ => return Vec::new(),
        };
        self.mode = Mode::Help {
            scroll: scroll.min(max),
        };
        Vec::new()
    }

    pub(super) fn action(&mut self, action: Action) -> Vec<Effect> {
        let page = usize::from(self.areas().list_rows.max(1));
        match (self.focus, action) {
            (_, Action::Quit) => {
                self.quit = true;
                vec![Effect::Quit]
            }
            (_, Action::Help) => {
                self.mode = Mode::Help { scroll: 0 };
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
            (_, Action::Resend) => self.start_resend(),
            (_, Action::Edit) => self.start_edit(false),
            (_, Action::ExternalEdit) => self.start_edit(true),
            (_, Action::Samples) => {
                self.mode = Mode::Samples { selected: 0 };
                Vec::new()
            }
            (_, Action::Export) => {
                self.mode = Mode::Prompt {
                    purpose: Purpose::Export,
                    input: self.last_export.clone(),
                };
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

    pub(super) fn set_tab(&mut self, index: usize) -> Vec<Effect> {
        if let Some(tab) = Tab::ALL.get(index) {
            self.tab = *tab;
            self.scroll = 0;
        }
        Vec::new()
    }

    pub(super) fn detail_page(&self) -> usize {
        usize::from(self.areas().detail_body.height.max(1))
    }

    pub(super) fn scroll_by(&mut self, delta: isize) -> Vec<Effect> {
        self.scroll = self
            .scroll
            .saturating_add_signed(delta)
            .min(self.max_scroll());
        Vec::new()
    }

    /// The last scroll position that still fills the pane.
    pub(super) fn max_scroll(&self) -> usize {
        let len = self
            .shown
            .as_ref()
            .map_or(0, |s| views::tab_len(self.tab, s));
        len.saturating_sub(self.detail_page())
    }

    pub(super) fn filter_key(
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

    pub(super) fn copy_key(&mut self, key: KeyEvent) -> Vec<Effect> {
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
                let (label, text) = crate::tui::copy::text(what, &shown.detail);
                vec![Effect::Copy { label, text }]
            }
            None => Vec::new(),
        }
    }

    pub(super) fn mouse(&mut self, kind: MouseEventKind, column: u16, row: u16) -> Vec<Effect> {
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
}
