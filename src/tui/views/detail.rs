//! The detail pane: tab bar and the visible slice of the current tab.

use ratatui::Frame;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::tabs;
use crate::tui::app::{App, Focus, Tab};
use crate::tui::layout::{Areas, tab_labels};
use crate::tui::theme;

pub fn render(frame: &mut Frame, areas: &Areas, app: &App) {
    let focused = app.focus == Focus::Detail;
    let title = match &app.shown {
        Some(shown) => format!(" Request #{} ", shown.detail.summary.id),
        None => " Request ".to_owned(),
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme::border(focused))
        .title(Span::styled(title, theme::title()));
    frame.render_widget(block, areas.detail);

    let mut bar = Vec::new();
    let labels = tab_labels(areas.tabs.width, app.tab);
    for ((i, tab), label) in Tab::ALL.iter().enumerate().zip(labels) {
        if i > 0 {
            bar.push(Span::styled("│", theme::dim()));
        }
        let style = if *tab == app.tab {
            Style::new()
                .fg(ratatui::style::Color::Black)
                .bg(theme::ACCENT)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        bar.push(Span::styled(label, style));
    }
    frame.render_widget(Line::from(bar), areas.tabs);

    let body = areas.detail_body;
    let Some(shown) = &app.shown else {
        let text = if app.rows.is_empty() {
            ""
        } else {
            "loading…"
        };
        frame.render_widget(Line::styled(text, theme::dim()), body);
        return;
    };
    let Some(lines) = tabs::lines(app.tab, shown) else {
        frame.render_widget(Line::styled("preparing…", theme::dim()), body);
        return;
    };
    let height = usize::from(body.height);
    let top = app.scroll.min(lines.len().saturating_sub(height));
    // A line longer than the whole pane is cut before wrapping, so a
    // megabyte-long line costs no more to draw than a screenful.
    let room = usize::from(body.width) * height;
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(top)
        .take(height)
        .map(|line| clip(line, room))
        .collect();
    // Long lines wrap; scrolling stays in whole content lines.
    frame.render_widget(Paragraph::new(visible).wrap(Wrap { trim: false }), body);
}

/// `line` cut to at most `room` characters.
fn clip(line: Line<'static>, room: usize) -> Line<'static> {
    if line.width() <= room {
        return line;
    }
    let mut left = room;
    let mut spans = Vec::new();
    for span in line.spans {
        if left == 0 {
            break;
        }
        let n = span.content.chars().count();
        if n <= left {
            left -= n;
            spans.push(span);
        } else {
            let cut: String = span.content.chars().take(left).collect();
            spans.push(Span::styled(cut, span.style));
            left = 0;
        }
    }
    Line::from(spans).style(line.style)
}
