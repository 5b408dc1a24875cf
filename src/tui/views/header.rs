//! The top line: where requests come from, the file, counts, filter, follow.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::sanitize::visible;
use crate::tui::app::{App, Source};
use crate::tui::theme;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let sep = || Span::styled(" │ ", theme::dim());
    let mut spans = vec![
        Span::styled(
            " hookscope ",
            Style::new()
                .fg(Color::Black)
                .bg(theme::ACCENT)
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
    ];
    match &app.source {
        Source::Listening { url, file } => {
            spans.push(Span::styled("● ", Style::new().fg(Color::Green)));
            spans.push(Span::raw(format!("listening {url}")));
            spans.push(sep());
            spans.push(Span::raw(visible(file).into_owned()));
        }
        Source::Offline { file } => {
            spans.push(Span::styled("offline: ", Style::new().fg(Color::Yellow)));
            spans.push(Span::raw(visible(file).into_owned()));
        }
    }
    spans.push(sep());
    let count = match (app.filter.is_empty(), app.total, app.matching) {
        (true, Some(total), _) => format!("{total} requests"),
        (true, None, _) => "counting…".to_owned(),
        (false, Some(total), Some(n)) => format!("{n} of {total} match"),
        (false, _, _) => format!("≥{} match, counting…", app.rows.len()),
    };
    spans.push(Span::raw(count));
    if !app.filter_text.is_empty() {
        spans.push(sep());
        spans.push(Span::styled(
            format!("filter: {}", visible(&app.filter_text)),
            Style::new().fg(Color::Yellow),
        ));
    }
    spans.push(sep());
    spans.push(if app.follow {
        Span::styled("follow on", Style::new().fg(Color::Green))
    } else {
        Span::styled("follow off", theme::dim())
    });
    if app.unseen > 0 {
        spans.push(sep());
        spans.push(Span::styled(
            format!("{} new ↑", app.unseen),
            Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
        ));
    }
    frame.render_widget(Line::from(spans), area);
}
