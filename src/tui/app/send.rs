//! Resending, editing and sample events from the UI: the target prompt, the
//! in-terminal editor, the sample picker and the in-flight send.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::{App, Mode, Toast};
use crate::model::RequestId;
use crate::resend::{self, OutgoingRequest};
use crate::tui::msg::{Effect, Outbound, StoreCmd};

/// What a target prompt is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    Resend {
        id: RequestId,
    },
    Sample {
        name: String,
    },
    /// The listed requests (the current filter's) into a file.
    Export,
}

/// A request being edited in the terminal before it is sent.
#[derive(Debug)]
pub struct Editor {
    pub id: RequestId,
    pub text: TextArea<'static>,
    pub resign: bool,
}

/// A send in flight, for the status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sending {
    pub label: String,
}

impl App {
    pub(super) fn start_resend(&mut self) -> Vec<Effect> {
        let Some(id) = self.selected_row().map(|r| r.id) else {
            return Vec::new();
        };
        self.mode = Mode::Prompt {
            purpose: Purpose::Resend { id },
            input: self.last_target.clone(),
        };
        Vec::new()
    }

    /// Opens the selected request as an editable HTTP message addressed to
    /// the last target.
    pub(super) fn start_edit(&mut self, external: bool) -> Vec<Effect> {
        let Some(shown) = &self.shown else {
            self.toast = Some(Toast::Error("no request loaded to edit".into()));
            return Vec::new();
        };
        let id = shown.detail.summary.id;
        let outgoing = match OutgoingRequest::from_capture(&shown.detail, &self.last_target) {
            Ok(o) => o,
            Err(e) => {
                self.toast = Some(Toast::Error(e.to_string()));
                return Vec::new();
            }
        };
        let kept = self.kept_edit.take_if(|(kept, _)| *kept == id);
        let was_kept = kept.is_some();
        let text = kept.map_or_else(|| resend::to_message_file(&outgoing), |(_, text)| text);
        if external {
            return vec![Effect::ExternalEdit {
                id,
                text,
                resign: self.resign,
            }];
        }
        // The editor holds text: other bytes would be sent as U+FFFD.
        let text = match String::from_utf8(text) {
            Ok(text) => text,
            Err(e) => {
                if was_kept {
                    self.kept_edit = Some((id, e.into_bytes()));
                }
                self.toast = Some(Toast::Error(
                    "this request is not all UTF-8 text (a compressed or binary body, or a \
                     header with other bytes), which this editor would change: press E to \
                     edit it in $EDITOR, which keeps every byte"
                        .into(),
                ));
                return Vec::new();
            }
        };
        // The text area draws what it holds as is: an escape sequence would
        // reach the terminal, or be invisible yet sent. Tabs and line ends
        // are what they look like.
        if text
            .chars()
            .any(|c| crate::sanitize::needs_escape(c) && !matches!(c, '\t' | '\r' | '\n'))
        {
            if was_kept {
                self.kept_edit = Some((id, text.into_bytes()));
            }
            self.toast = Some(Toast::Error(
                "this request has control characters (such as ESC) or bidi controls, which \
                 this editor cannot show: press E to edit it in $EDITOR"
                    .into(),
            ));
            return Vec::new();
        }
        let lines = text.split('\n').map(str::to_owned).collect();
        self.editor = Some(Editor {
            id,
            text: TextArea::new(lines),
            resign: self.resign,
        });
        Vec::new()
    }

    pub(super) fn editor_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(editor) = self.editor.as_mut() else {
            return Vec::new();
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => {
                self.editor = None;
                self.toast = Some(Toast::Info("edit discarded".into()));
                Vec::new()
            }
            KeyCode::Char('s') if ctrl => {
                let text = editor.text.lines().join("\n").into_bytes();
                // Checked here, so a mistake leaves the editor open with
                // the edit in it.
                if let Err(e) = resend::parse_message_file(&text) {
                    self.toast = Some(Toast::Error(format!("not sent: {e}")));
                    return Vec::new();
                }
                let (id, resign) = (editor.id, editor.resign);
                self.editor = None;
                self.send(Outbound::Edited { id, text, resign })
            }
            KeyCode::Char('r') if ctrl => {
                editor.resign = !editor.resign;
                Vec::new()
            }
            _ => {
                editor.text.input(key);
                Vec::new()
            }
        }
    }

    pub(super) fn prompt_key(
        &mut self,
        key: KeyEvent,
        purpose: Purpose,
        mut input: String,
    ) -> Vec<Effect> {
        match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Tab => {
                match purpose {
                    Purpose::Export => self.redact = !self.redact,
                    Purpose::Resend { .. } => self.resign = !self.resign,
                    Purpose::Sample { .. } => {}
                }
                self.mode = Mode::Prompt { purpose, input };
                Vec::new()
            }
            KeyCode::Enter => {
                let target = input.trim().to_owned();
                if target.is_empty() {
                    self.mode = Mode::Prompt { purpose, input };
                    return Vec::new();
                }
                let outbound = match purpose {
                    Purpose::Export => return self.export(target),
                    Purpose::Resend { id } => Outbound::Resend {
                        id,
                        target: target.clone(),
                        resign: self.resign,
                    },
                    Purpose::Sample { name } => Outbound::Sample {
                        name,
                        target: target.clone(),
                    },
                };
                self.last_target = target;
                self.send(outbound)
            }
            code => {
                match code {
                    KeyCode::Backspace => {
                        input.pop();
                    }
                    KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        input.clear()
                    }
                    KeyCode::Char(c) => input.push(c),
                    _ => {}
                }
                self.mode = Mode::Prompt { purpose, input };
                Vec::new()
            }
        }
    }

    pub(super) fn samples_key(&mut self, key: KeyEvent, selected: usize) -> Vec<Effect> {
        let count = resend::samples::all().len();
        match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Char('j') | KeyCode::Down => {
                self.mode = Mode::Samples {
                    selected: (selected + 1).min(count.saturating_sub(1)),
                };
                Vec::new()
            }
            KeyCode::Char('k') | KeyCode::Up => {
                self.mode = Mode::Samples {
                    selected: selected.saturating_sub(1),
                };
                Vec::new()
            }
            KeyCode::Enter => {
                let Some(sample) = resend::samples::all().into_iter().nth(selected) else {
                    return Vec::new();
                };
                // A demo target: this listener itself, unless a target was used before.
                let input = match (&self.source, self.last_target_used) {
                    (super::Source::Listening { url, .. }, false) => url.clone(),
                    _ => self.last_target.clone(),
                };
                self.mode = Mode::Prompt {
                    purpose: Purpose::Sample { name: sample.name },
                    input,
                };
                Vec::new()
            }
            _ => {
                self.mode = Mode::Samples { selected };
                Vec::new()
            }
        }
    }

    /// Exports what the list shows (the current filter's requests) on the
    /// reader thread; its reply says how it went.
    fn export(&mut self, path: String) -> Vec<Effect> {
        self.toast = Some(Toast::Info(format!("exporting to {path}…")));
        self.last_export.clone_from(&path);
        vec![Effect::Store(StoreCmd::Export {
            filter: self.filter.clone(),
            path: path.into(),
            redact: self.redact,
        })]
    }

    fn send(&mut self, outbound: Outbound) -> Vec<Effect> {
        self.last_target_used = true;
        self.sending = Some(Sending {
            label: outbound.label(),
        });
        vec![Effect::Send(outbound)]
    }

    pub(super) fn edit_refused(
        &mut self,
        id: RequestId,
        text: Vec<u8>,
        error: String,
    ) -> Vec<Effect> {
        self.kept_edit = Some((id, text));
        self.toast = Some(Toast::Error(format!(
            "not sent: {error}; your edit is kept: press E to fix it"
        )));
        Vec::new()
    }

    /// A send finished (or failed, or was cancelled): say how.
    pub(super) fn sent(&mut self, result: Result<String, String>) -> Vec<Effect> {
        self.sending = None;
        self.toast = Some(match result {
            Ok(text) => Toast::Info(text),
            Err(text) => Toast::Error(text),
        });
        Vec::new()
    }
}
