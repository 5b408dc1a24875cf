//! Popups drawn over the panes: help (generated from the keymap) and the
//! copy menu.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::tui::app::App;
use crate::tui::keymap::{BINDINGS, Context};
use crate::tui::theme;

fn centered(frame: &Frame, width: u16, height: u16) -> Rect {
    let [area] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(frame.area());
    let [area] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    area
}

pub fn help(frame: &mut Frame, _app: &App) {
    let mut lines = Vec::new();
    for (context, heading) in [
        (Context::List, "Request list"),
        (Context::Detail, "Detail pane"),
        (Context::Global, "Everywhere"),
    ] {
        lines.push(Line::styled(heading, theme::title()));
        for b in BINDINGS.iter().filter(|b| b.context == context) {
            let keys: Vec<String> = b.keys.iter().map(key_name).collect();
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<14}", keys.join(" ")),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(b.help),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::from(vec![
        Span::styled(
            format!("  {:<14}", "mouse"),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw("click selects a row or a tab, wheel scrolls"),
    ]));
    lines.push(Line::styled("  any key closes this help", theme::dim()));
    let height = (lines.len() as u16 + 2).min(frame.area().height);
    let area = centered(frame, 64.min(frame.area().width), height);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::new()
                .borders(Borders::ALL)
                .title(Span::styled(" Keys ", theme::title())),
        ),
        area,
    );
}

fn key_name(code: &crossterm::event::KeyCode) -> String {
    use crossterm::event::KeyCode as K;
    match code {
        K::Char(' ') => "Space".into(),
        K::Char(c) => c.to_string(),
        K::Up => "↑".into(),
        K::Down => "↓".into(),
        K::Left => "←".into(),
        K::Right => "→".into(),
        K::PageUp => "PgUp".into(),
        K::PageDown => "PgDn".into(),
        K::BackTab => "S-Tab".into(),
        other => other.to_string(),
    }
}

pub fn copy_menu(frame: &mut Frame) {
    let entries = [
        ("b", "body"),
        ("h", "headers"),
        ("u", "URL"),
        ("c", "as curl command"),
        ("m", "as Markdown snippet"),
    ];
    let lines: Vec<Line> = entries
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!(" {k} "), theme::key()),
                Span::raw(format!(" {what}")),
            ])
        })
        .collect();
    let area = centered(frame, 30, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::new()
                .borders(Borders::ALL)
                .title(Span::styled(" Copy ", theme::title())),
        ),
        area,
    );
}

pub fn samples(frame: &mut Frame, selected: usize) {
    let samples = crate::resend::samples::all();
    let lines: Vec<Line> = samples
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let style = if i == selected {
                theme::selected(true)
            } else {
                Style::new()
            };
            let provider = s.provider.as_deref().unwrap_or("unsigned");
            Line::from(vec![
                Span::styled(format!(" {:<28}", s.name), style),
                Span::styled(format!(" {provider:<18}"), theme::dim()),
                Span::raw(s.description.clone()),
            ])
        })
        .collect();
    let width = 100.min(frame.area().width);
    let area = centered(frame, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::new().borders(Borders::ALL).title(Span::styled(
            " Send a sample event (Enter picks, Esc cancels) ",
            theme::title(),
        ))),
        area,
    );
}

/// The in-terminal editor over the detail pane.
pub fn editor(
    frame: &mut Frame,
    areas: &crate::tui::layout::Areas,
    editor: &crate::tui::app::Editor,
) {
    let area = areas.detail;
    let resign = if editor.resign { "on" } else { "off" };
    let title = format!(
        " Edit #{} · Ctrl-s send · Ctrl-r re-sign: {resign} · Esc discard ",
        editor.id
    );
    frame.render_widget(Clear, area);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(Style::new().fg(ratatui::style::Color::Yellow))
        .title(Span::styled(title, theme::title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(&editor.text, inner);
}
