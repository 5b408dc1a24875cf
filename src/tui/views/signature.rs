//! The Signature tab: provider and why, the parsed header, the exact signed
//! bytes, expected against received, timestamp age, secret fingerprints,
//! and hints that were checked to work.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::sanitize::{visible, visible_bytes};
use crate::signature::{Status, Verification};
use crate::tui::theme;

/// Signed content longer than this is cut in the tab (it can be a whole body).
const MAX_SIGNED_LINES: usize = 40;

fn heading(text: &str) -> Line<'static> {
    Line::styled(text.to_owned(), theme::title())
}

fn field(name: &str, value: impl Into<String>) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:<13} "), theme::dim()),
        Span::raw(value.into()),
    ])
}

pub fn lines(v: &Verification) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(vec![
        Span::styled(format!("{:<14}", "verdict"), theme::dim()),
        theme::signature_badge(Some(v.status.as_str())),
        Span::styled(format!("  {}", v.status.as_str()), theme::dim()),
    ])];
    out.push(Line::raw(visible(&v.detail).into_owned()));
    out.push(Line::raw(""));
    match v.provider {
        Some(p) => out.push(field(
            "provider",
            format!("{} ({})", p.display_name(), p.as_str()),
        )),
        None => out.push(field("provider", "none detected")),
    }
    if !v.reason_chosen.is_empty() {
        out.push(field("because", visible(&v.reason_chosen).into_owned()));
    }
    if !v.secret_fingerprints.is_empty() {
        let matched = v.matched_secret.as_deref();
        let list: Vec<String> = v
            .secret_fingerprints
            .iter()
            .map(|f| {
                if Some(f.as_str()) == matched {
                    format!("{f} (matched)")
                } else {
                    f.clone()
                }
            })
            .collect();
        out.push(field("secrets", list.join(", ")));
    } else if v.provider.is_some() && v.status == Status::Unverified {
        out.push(field("secrets", "none configured: add --secret PROVIDER=SECRET or [secrets] in the config, then press V"));
    }
    if let Some(ts) = v.timestamp {
        let age = v
            .age_seconds
            .map(|a| format!(", {a} s old"))
            .unwrap_or_default();
        let window = v
            .tolerance
            .map(|t| format!(", window {t} s"))
            .unwrap_or_else(|| ", no window".into());
        out.push(field("timestamp", format!("{ts}{age}{window}")));
    }
    if !v.header.is_empty() {
        out.push(Line::raw(""));
        out.push(heading("Signature header"));
        for (k, value) in &v.header {
            out.push(field(
                &format!("  {}", visible(k)),
                visible(value).into_owned(),
            ));
        }
    }
    if !v.expected.is_empty() || !v.received.is_empty() {
        out.push(Line::raw(""));
        out.push(heading("Expected vs received"));
        for e in &v.expected {
            out.push(Line::from(vec![
                Span::styled("  expected  ", theme::dim()),
                Span::styled(visible(e).into_owned(), Style::new().fg(Color::Green)),
            ]));
        }
        for r in &v.received {
            let style = if v.expected.contains(r) {
                Style::new().fg(Color::Green)
            } else {
                Style::new().fg(Color::Red)
            };
            out.push(Line::from(vec![
                Span::styled("  received  ", theme::dim()),
                Span::styled(visible(r).into_owned(), style),
            ]));
        }
    }
    if !v.hints.is_empty() {
        out.push(Line::raw(""));
        out.push(heading("Hints (each was checked to verify)"));
        for h in &v.hints {
            out.push(Line::styled(
                format!("  → {}", visible(h)),
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ));
        }
    }
    if !v.notes.is_empty() {
        out.push(Line::raw(""));
        out.push(heading("Notes"));
        out.extend(
            v.notes
                .iter()
                .map(|n| Line::raw(format!("  {}", visible(n)))),
        );
    }
    if let Some(bytes) = &v.signed_bytes {
        out.push(Line::raw(""));
        out.push(heading(&format!(
            "Signed bytes ({} B, control characters shown as escapes)",
            bytes.len()
        )));
        let text = visible_bytes(bytes).replace("\\n", "\\n\n");
        let total = text.lines().count();
        out.extend(
            text.lines()
                .take(MAX_SIGNED_LINES)
                .map(|l| Line::raw(format!("  {l}"))),
        );
        if total > MAX_SIGNED_LINES {
            out.push(Line::styled(
                format!("  … {} more lines", total - MAX_SIGNED_LINES),
                theme::dim(),
            ));
        }
    }
    out
}
