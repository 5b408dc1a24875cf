//! The lines of each detail tab. Cheap tabs are built per frame; Body and
//! Raw come prepared from a background thread.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::human;
use crate::model::RequestDetail;
use crate::sanitize::{form_pair, visible, visible_bytes};
use crate::tui::app::{Shown, Tab};
use crate::tui::theme;

/// Lines of `tab` for the shown request; `None` while still being prepared.
pub fn lines(tab: Tab, shown: &Shown) -> Option<Vec<Line<'static>>> {
    let d = &shown.detail;
    Some(match tab {
        Tab::Overview => overview(d),
        Tab::Headers => headers(d),
        Tab::Body => {
            let body = &shown.prepared.as_ref()?.body;
            let mut lines = vec![Line::styled(body.summary.clone(), theme::dim())];
            lines.extend(
                body.notes
                    .iter()
                    .map(|n| Line::styled(format!("note: {n}"), Style::new().fg(Color::Yellow))),
            );
            lines.push(Line::raw(""));
            lines.extend(body.lines.iter().cloned());
            lines
        }
        Tab::Query => query(d),
        Tab::Signature => super::signature::lines(&shown.prepared.as_ref()?.signature),
        Tab::Raw => shown.prepared.as_ref()?.raw.clone(),
        Tab::Attempts => attempts(shown),
    })
}

/// The number of lines, without building them, for scroll clamping.
pub fn len(tab: Tab, shown: &Shown) -> usize {
    match (tab, &shown.prepared) {
        (Tab::Body, Some(p)) => p.body.lines.len() + p.body.notes.len() + 2,
        (Tab::Raw, Some(p)) => p.raw.len(),
        _ => lines(tab, shown).map_or(0, |l| l.len()),
    }
}

fn field(name: &str, value: impl Into<String>) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:<14}"), theme::dim()),
        Span::raw(value.into()),
    ])
}

fn overview(d: &RequestDetail) -> Vec<Line<'static>> {
    let s = &d.summary;
    let mut size = human::size(s.body_size);
    if s.body_truncated {
        size.push_str(&format!(
            " (stored truncated to {})",
            human::size(d.body.len() as u64)
        ));
    }
    vec![
        Line::from(vec![
            Span::styled(
                format!("{} ", visible(&s.method)),
                theme::method(&s.method).add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                visible(&s.target).into_owned(),
                Style::new().add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::raw(""),
        field("id", s.id.to_string()),
        field("received", human::datetime(s.received_at_us)),
        field("from", visible(&s.remote_addr).into_owned()),
        field("protocol", s.http_version.clone()),
        field(
            "content type",
            visible(s.content_type.as_deref().unwrap_or("-")).into_owned(),
        ),
        field("body", size),
        field(
            "event",
            visible(s.event_type.as_deref().unwrap_or("-")).into_owned(),
        ),
        Line::from(vec![
            Span::styled(format!("{:<14}", "answered"), theme::dim()),
            Span::styled(s.status.to_string(), theme::status(s.status)),
        ]),
        Line::from(vec![
            Span::styled(format!("{:<14}", "signature"), theme::dim()),
            theme::signature_badge(s.sig_status.as_deref()),
            Span::raw(
                s.sig_provider
                    .as_deref()
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default(),
            ),
        ]),
        field("headers", d.headers.len().to_string()),
    ]
}

fn headers(d: &RequestDetail) -> Vec<Line<'static>> {
    let width = d
        .headers
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    d.headers
        .iter()
        .map(|(name, value)| {
            Line::from(vec![
                Span::styled(
                    format!("{:<width$}", visible(name)),
                    Style::new().fg(theme::ACCENT),
                ),
                Span::styled(": ", theme::dim()),
                Span::raw(visible_bytes(value).into_owned()),
            ])
        })
        .collect()
}

fn query(d: &RequestDetail) -> Vec<Line<'static>> {
    let target = &d.summary.target;
    let Some((path, query)) = target.split_once('?') else {
        return vec![
            field("path", visible(target).into_owned()),
            Line::raw(""),
            Line::styled("no query string", theme::dim()),
        ];
    };
    let mut lines = vec![field("path", visible(path).into_owned()), Line::raw("")];
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| form_pair(p.as_bytes()))
        .collect();
    let width = pairs
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for (key, value) in pairs {
        lines.push(Line::from(vec![
            Span::styled(format!("{key:<width$}"), Style::new().fg(theme::ACCENT)),
            Span::styled(" = ", theme::dim()),
            Span::raw(value),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(field("raw", visible(query).into_owned()));
    lines
}

fn attempts(shown: &Shown) -> Vec<Line<'static>> {
    if shown.attempts.is_empty() {
        return vec![Line::styled("not resent or forwarded yet", theme::dim())];
    }
    let mut lines = Vec::new();
    for a in &shown.attempts {
        let outcome = match (&a.error, a.response_status) {
            (Some(e), _) => Span::styled(format!("error: {}", visible(e)), theme::error()),
            (None, Some(status)) => Span::styled(status.to_string(), theme::status(status)),
            (None, None) => Span::styled("no answer", theme::dim()),
        };
        let took = a
            .duration_us
            .map(|us| format!("  {:.1} ms", us as f64 / 1000.0))
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(format!("#{:<4} {:<8}", a.id, a.kind), theme::dim()),
            Span::raw(format!("{} {}  → ", a.method, visible(&a.url))),
            outcome,
            Span::styled(took, theme::dim()),
            Span::styled(
                format!("  {}", human::time_of_day(a.started_at_us)),
                theme::dim(),
            ),
        ]));
        answer(&mut lines, a);
        lines.push(Line::raw(""));
    }
    lines
}

/// Lines of an attempt's answer shown under it, so that what the app said
/// back can be read: a body longer than this is cut, with a note.
const ANSWER_LINES: usize = 40;

fn answer(lines: &mut Vec<Line<'static>>, a: &crate::model::Attempt) {
    for (name, value) in &a.response_headers {
        lines.push(Line::from(vec![
            Span::styled(format!("      {}: ", visible(name)), theme::dim()),
            Span::raw(visible_bytes(value).into_owned()),
        ]));
    }
    if a.response_body.is_empty() {
        return;
    }
    let size = human::size(a.response_body.len() as u64);
    let Ok(text) = std::str::from_utf8(&a.response_body) else {
        lines.push(Line::styled(
            format!("      ({size} body, not UTF-8 text)"),
            theme::dim(),
        ));
        return;
    };
    lines.push(Line::raw(""));
    let mut body = text.lines();
    for line in body.by_ref().take(ANSWER_LINES) {
        lines.push(Line::raw(format!("      {}", visible(line))));
    }
    let rest = body.count();
    if rest > 0 {
        lines.push(Line::styled(
            format!("      … {rest} more lines ({size} in all)"),
            theme::dim(),
        ));
    }
}
