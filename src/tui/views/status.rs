//! The bottom lines: filter bar (while editing) and the status line with
//! the keys that matter here, or a message.

use ratatui::Frame;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::fit;
use crate::sanitize::visible;
use crate::tui::app::{App, Mode, Toast};
use crate::tui::keymap;
use crate::tui::layout::Areas;
use crate::tui::theme;

pub fn render(frame: &mut Frame, areas: &Areas, app: &App) {
    if let Mode::Filter { input, error } = &app.mode {
        let width = usize::from(areas.filter.width);
        // The cursor is at the end: a long input shows its end.
        let bar = Line::from(vec![
            Span::styled("/", Style::new().fg(Color::Yellow)),
            Span::raw(fit::tail(&visible(input), width.saturating_sub(2))),
            Span::styled("▏", Style::new().fg(Color::Yellow)),
        ]);
        let [bar_area, error_area] = ratatui::layout::Layout::vertical([
            ratatui::layout::Constraint::Length(1),
            ratatui::layout::Constraint::Min(0),
        ])
        .areas(areas.filter);
        frame.render_widget(bar, bar_area);
        if let Some(error) = error {
            let lines: Vec<Line> = fit::wrap(&visible(error), width)
                .into_iter()
                .map(|l| Line::styled(l, theme::error()))
                .collect();
            frame.render_widget(ratatui::widgets::Paragraph::new(lines), error_area);
        }
    }
    if let Mode::Prompt { purpose, input } = &app.mode {
        let what = match purpose {
            crate::tui::app::Purpose::Resend { id } => format!("Resend #{id} to: "),
            crate::tui::app::Purpose::Sample { name } => format!("Send {name} to: "),
            crate::tui::app::Purpose::Export => "Export the listed requests to: ".to_owned(),
        };
        let [bar_area, hint_area] = ratatui::layout::Layout::vertical([
            ratatui::layout::Constraint::Length(1),
            ratatui::layout::Constraint::Length(1),
        ])
        .areas(areas.filter);
        frame.render_widget(
            Line::from(vec![
                Span::styled(what, Style::new().fg(Color::Yellow)),
                Span::raw(visible(input).into_owned()),
                Span::styled("▏", Style::new().fg(Color::Yellow)),
            ]),
            bar_area,
        );
        let resign = if app.resign { "[x]" } else { "[ ]" };
        let hint = match purpose {
            crate::tui::app::Purpose::Resend { .. } => format!(
                " {resign} re-sign with the provider's secret (Tab)   an origin (http://host:port) keeps the captured path"
            ),
            crate::tui::app::Purpose::Sample { .. } => {
                " signed when a secret for its provider is configured".to_owned()
            }
            crate::tui::app::Purpose::Export => format!(
                " {} redact credential headers (Tab)   .har, .ndjson or .md; oldest first",
                if app.redact { "[x]" } else { "[ ]" }
            ),
        };
        frame.render_widget(Line::styled(hint, theme::dim()), hint_area);
    }
    let lines = status_lines(app, usize::from(areas.status.width));
    frame.render_widget(ratatui::widgets::Paragraph::new(lines), areas.status);
}

/// Lines a message may take at the bottom, so a long error is read whole.
const MAX_STATUS_LINES: usize = 3;

/// How many lines the status line needs at this width.
pub fn height(app: &App, width: u16) -> u16 {
    u16::try_from(status_lines(app, usize::from(width)).len()).unwrap_or(1)
}

/// The keys that matter now, or a message, wrapped when it is long.
fn status_lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let message = |text: &str, style: Style| -> Vec<Line<'static>> {
        let mut lines: Vec<Line<'static>> = fit::wrap(&format!(" {}", visible(text)), width)
            .into_iter()
            .map(|l| Line::styled(l, style))
            .collect();
        lines.truncate(MAX_STATUS_LINES);
        lines
    };
    let line = match (&app.mode, &app.toast) {
        (Mode::Filter { .. }, _) => hint_line(&[
            ("Enter", "apply"),
            ("Esc", "cancel"),
            (
                "method:POST path:/hooks/* status:4xx type:… header:k=v sig:invalid body:\"…\" -term",
                "",
            ),
        ]),
        (Mode::ConfirmDelete(id), _) => Line::from(vec![
            Span::styled(
                format!(" Delete request #{id}? "),
                Style::new().fg(Color::Yellow),
            ),
            Span::styled(" y ", theme::key()),
            Span::raw(" yes  "),
            Span::styled(" any other key ", theme::key()),
            Span::raw(" no"),
        ]),
        (Mode::CopyMenu, _) => hint_line(&[("b h u c m", "choose"), ("Esc", "cancel")]),
        (
            Mode::Prompt {
                purpose: crate::tui::app::Purpose::Export,
                ..
            },
            _,
        ) => hint_line(&[
            ("Enter", "export"),
            ("Tab", "redaction on/off"),
            ("Esc", "cancel"),
        ]),
        // A sample is signed whenever its provider's secret is configured.
        (
            Mode::Prompt {
                purpose: crate::tui::app::Purpose::Sample { .. },
                ..
            },
            _,
        ) => hint_line(&[("Enter", "send"), ("Esc", "cancel")]),
        (Mode::Prompt { .. }, _) => hint_line(&[
            ("Enter", "send"),
            ("Tab", "re-sign on/off"),
            ("Esc", "cancel"),
        ]),
        (_, _) if app.sending.is_some() => {
            let label = app
                .sending
                .as_ref()
                .map(|s| s.label.clone())
                .unwrap_or_default();
            Line::from(vec![
                Span::styled(
                    format!(" ⟳ {}… ", visible(&label)),
                    Style::new().fg(Color::Yellow),
                ),
                Span::styled(" Esc ", theme::key()),
                Span::raw(" cancel"),
            ])
        }
        (_, Some(Toast::Info(text))) => return message(text, Style::new().fg(Color::Green)),
        (_, Some(Toast::Error(text))) => return message(text, theme::error()),
        _ => {
            let hints: Vec<(&str, &str)> = keymap::hints(app.context()).collect();
            hint_line(&hints)
        }
    };
    vec![line]
}

fn hint_line(hints: &[(&str, &str)]) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (keys, what) in hints {
        spans.push(Span::styled(format!(" {keys} "), theme::key()));
        if !what.is_empty() {
            spans.push(Span::raw(format!(" {what}  ")));
        } else {
            spans.push(Span::raw("  "));
        }
    }
    Line::from(spans)
}
