//! The top line: where requests come from, the file, counts, filter, follow.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use unicode_width::UnicodeWidthStr;

use super::fit;
use crate::sanitize::visible;
use crate::tui::app::{App, Source};
use crate::tui::theme;

const FILTER: &str = "filter: ";

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let sep = || Span::styled(" │ ", theme::dim());
    let (source, file) = match &app.source {
        Source::Listening { url, file } => (
            vec![
                Span::styled("● ", Style::new().fg(Color::Green)),
                Span::raw(format!("listening {url}")),
                sep(),
            ],
            visible(file),
        ),
        Source::Offline { file } => (
            vec![Span::styled("offline: ", Style::new().fg(Color::Yellow))],
            visible(file),
        ),
    };
    let count = match (app.filter.is_empty(), app.total, app.matching) {
        (true, Some(total), _) => format!("{total} requests"),
        (true, None, _) => "counting…".to_owned(),
        (false, Some(total), Some(n)) => format!("{n} of {total} match"),
        (false, _, _) => format!("≥{} match, counting…", app.rows.len()),
    };
    let mut state = vec![sep(), Span::raw(count)];
    let filter = visible(&app.filter_text);
    let filter_at = state.len();
    state.push(sep());
    state.push(if app.follow {
        Span::styled("follow on", Style::new().fg(Color::Green))
    } else {
        Span::styled("follow off", theme::dim())
    });
    if app.unseen > 0 {
        state.push(sep());
        state.push(Span::styled(
            format!("{} new ↑", app.unseen),
            Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
        ));
    }

    let logo = Span::styled(
        " hookscope ",
        Style::new()
            .fg(Color::Black)
            .bg(theme::ACCENT)
            .add_modifier(Modifier::BOLD),
    );
    // The counts and the follow state always fit; the file's path and the
    // filter give up columns first, keeping their ends.
    let fixed: usize = [&logo, &Span::raw(" ")]
        .into_iter()
        .chain(&source)
        .chain(&state)
        .map(Span::width)
        .sum::<usize>()
        + if filter.is_empty() {
            0
        } else {
            sep().width() + FILTER.len()
        };
    let mut room = usize::from(area.width).saturating_sub(fixed);
    let filter_room = filter
        .width()
        .min(room.saturating_sub(file.width().min(12)));
    let filter = fit::tail(&filter, filter_room);
    room = room.saturating_sub(filter.width());
    let file = fit::tail(&file, room);

    let mut spans = vec![logo, Span::raw(" ")];
    spans.extend(source);
    spans.push(Span::raw(file));
    if !app.filter_text.is_empty() {
        state.insert(
            filter_at,
            Span::styled(format!("{FILTER}{filter}"), Style::new().fg(Color::Yellow)),
        );
        state.insert(filter_at, sep());
    }
    spans.extend(state);
    frame.render_widget(Line::from(spans), area);
}
