//! Popups drawn over the panes: help (generated from the keymap) and the
//! copy menu.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::tui::keymap::{HelpLine, help_lines};
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

/// The key list, as wide as its longest line and, on a screen too short
/// for it, scrolled by `scroll` lines (clamped by the state to what hides).
pub fn help(frame: &mut Frame, scroll: u16) {
    let lines: Vec<Line> = help_lines()
        .into_iter()
        .map(|line| match line {
            HelpLine::Heading(heading) => Line::styled(heading, theme::title()),
            HelpLine::Key { keys, help } => Line::from(vec![
                Span::styled(
                    format!("  {keys:<14}"),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(help),
            ]),
            HelpLine::Blank => Line::raw(""),
        })
        .collect();
    let screen = frame.area();
    let widest = lines.iter().map(Line::width).max().unwrap_or(0);
    // Borders and a column of margin on the right.
    let width = u16::try_from(widest + 3)
        .unwrap_or(u16::MAX)
        .min(screen.width);
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let closing = if height > screen.height {
        " j/k scroll · any other key closes "
    } else {
        " any key closes "
    };
    let area = centered(frame, width, height.min(screen.height));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(
            Block::new()
                .borders(Borders::ALL)
                .title(Span::styled(" Keys ", theme::title()))
                .title_bottom(Span::styled(closing, theme::dim())),
        ),
        area,
    );
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
