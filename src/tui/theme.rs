//! Colours and badges in one place.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;

pub const ACCENT: Color = Color::Cyan;

pub fn title() -> Style {
    Style::new().fg(ACCENT).add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn selected(focused: bool) -> Style {
    if focused {
        Style::new()
            .bg(Color::Blue)
            .fg(Color::White)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new().bg(Color::DarkGray).fg(Color::White)
    }
}

pub fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(ACCENT)
    } else {
        dim()
    }
}

pub fn error() -> Style {
    Style::new().fg(Color::Red)
}

pub fn key() -> Style {
    Style::new().fg(Color::Black).bg(Color::Gray)
}

pub fn method(method: &str) -> Style {
    let color = match method {
        "GET" => Color::Green,
        "POST" => Color::Yellow,
        "PUT" | "PATCH" => Color::Blue,
        "DELETE" => Color::Red,
        _ => Color::Magenta,
    };
    Style::new().fg(color)
}

pub fn status(status: u16) -> Style {
    match status {
        200..=299 => Style::new().fg(Color::Green),
        300..=399 => Style::new().fg(Color::Cyan),
        400..=499 => Style::new().fg(Color::Yellow),
        _ => Style::new().fg(Color::Red),
    }
}

/// The list's signature column: a symbol and a word, coloured by verdict.
pub fn signature_badge(status: Option<&str>) -> Span<'static> {
    let (text, color) = match status {
        Some("valid") => ("✓ valid", Color::Green),
        Some("invalid_signature") => ("✗ invalid", Color::Red),
        Some("expired") => ("⌛ expired", Color::Yellow),
        Some("malformed_header") => ("✗ malformed", Color::Red),
        Some("missing_header") => ("✗ missing", Color::Red),
        Some("unverified") => ("? no secret", Color::Gray),
        Some("unsigned") => ("– unsigned", Color::DarkGray),
        Some(_) => ("? unknown", Color::Gray),
        None => ("· unchecked", Color::DarkGray),
    };
    Span::styled(text, Style::new().fg(color))
}
