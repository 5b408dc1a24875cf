//! The request list: only the visible slice of the loaded window is drawn.

use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use crate::human;
use crate::model::RequestSummary;
use crate::sanitize::visible;
use crate::tui::app::{App, Focus};
use crate::tui::layout::Areas;
use crate::tui::theme;

pub fn render(frame: &mut Frame, areas: &Areas, app: &App) {
    let focused = app.focus == Focus::List;
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme::border(focused))
        .title(Span::styled(" Requests ", theme::title()));
    if app.rows.is_empty() {
        let text = if app.loading {
            "loading…".to_owned()
        } else if !app.filter.is_empty() {
            "no request matches the filter".to_owned()
        } else {
            match &app.source {
                crate::tui::app::Source::Listening { url, .. } => {
                    format!("waiting for requests: send one to {url}/any/path")
                }
                crate::tui::app::Source::Offline { .. } => "this capture file is empty".to_owned(),
            }
        };
        let lines = vec![
            Line::raw(""),
            Line::styled(format!("  {text}"), theme::dim()),
        ];
        frame.render_widget(
            ratatui::widgets::Paragraph::new(lines).block(block),
            areas.list,
        );
        return;
    }
    let with_event = areas.list.width >= 90;
    let with_type = areas.list.width >= 110;
    let mut widths = vec![
        Constraint::Length(6),
        Constraint::Length(12),
        Constraint::Length(7),
        Constraint::Min(12),
        Constraint::Length(3),
        Constraint::Length(9),
    ];
    let mut titles = vec!["ID", "TIME", "METHOD", "PATH", "ST", "SIZE"];
    if with_type {
        widths.push(Constraint::Length(16));
        titles.push("TYPE");
    }
    if with_event {
        widths.push(Constraint::Length(18));
        titles.push("EVENT");
    }
    widths.push(Constraint::Length(11));
    titles.push("SIGNATURE");
    let end = (app.offset + usize::from(areas.list_rows)).min(app.rows.len());
    let rows = app.rows[app.offset.min(end)..end]
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let style = if app.offset + i == app.selected {
                theme::selected(focused)
            } else {
                ratatui::style::Style::new()
            };
            list_row(row, with_type, with_event).style(style)
        });
    let table = Table::new(rows, widths)
        .header(Row::new(titles).style(theme::dim()))
        .column_spacing(1)
        .block(block);
    frame.render_widget(table, areas.list);
}

fn list_row(row: &RequestSummary, with_type: bool, with_event: bool) -> Row<'static> {
    let mut size = human::size(row.body_size);
    if row.body_truncated {
        size.push('!');
    }
    let mut cells = vec![
        Cell::from(row.id.to_string()),
        Cell::from(human::time_of_day(row.received_at_us)),
        Cell::from(Span::styled(
            visible(&row.method).into_owned(),
            theme::method(&row.method),
        )),
        Cell::from(visible(&row.target).into_owned()),
        Cell::from(Span::styled(
            row.status.to_string(),
            theme::status(row.status),
        )),
        Cell::from(size),
    ];
    if with_type {
        cells.push(Cell::from(short_type(row.content_type.as_deref())));
    }
    if with_event {
        cells.push(Cell::from(
            visible(row.event_type.as_deref().unwrap_or("")).into_owned(),
        ));
    }
    cells.push(Cell::from(theme::signature_badge(
        row.sig_status.as_deref(),
    )));
    Row::new(cells)
}

/// `application/json; charset=utf-8` → `json`.
fn short_type(content_type: Option<&str>) -> String {
    let Some(ct) = content_type else {
        return String::new();
    };
    let essence = ct.split(';').next().unwrap_or(ct).trim();
    let short = essence
        .strip_prefix("application/")
        .or_else(|| essence.strip_prefix("text/").map(|_| essence))
        .unwrap_or(essence);
    visible(short).into_owned()
}
