//! Display lines for a captured request body (the UI's Body tab): undoes
//! Content-Encoding, then shows JSON, forms, multipart, text or a hex dump.
//! The stored bytes never change; everything here is for display only.

mod form;
mod header;
mod hex;
mod json;
mod multipart;
mod sink;
mod text;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

use self::header::MediaType;
use self::sink::Sink;

/// Limits that keep rendering bounded whatever the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyOptions {
    /// Cap on decompressed size; bodies can be decompression bombs.
    pub max_decoded: usize,
    /// Cap on produced lines; past it a final notice line says how many
    /// bytes were not shown.
    pub max_lines: usize,
}

impl Default for BodyOptions {
    fn default() -> Self {
        Self {
            max_decoded: 32 << 20,
            max_lines: 200_000,
        }
    }
}

/// What the body was shown as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    Empty,
    Json,
    Form,
    Multipart,
    Text,
    Binary,
}

/// A body ready for display. Every string in it is terminal-safe.
#[derive(Debug, Clone)]
pub struct RenderedBody {
    pub kind: BodyKind,
    /// One line for the tab title area, e.g. `JSON · gzip → 12.3 KiB · 240 lines`.
    pub summary: String,
    /// What was done or went wrong, e.g. `decoded from gzip for display`.
    pub notes: Vec<String>,
    pub lines: Vec<Line<'static>>,
}

/// Renders a body for display. `headers`: names in any case, values as raw
/// bytes, in order. Pure and deterministic; O(n) in the body size.
pub fn render(headers: &[(String, Vec<u8>)], body: &[u8], opts: &BodyOptions) -> RenderedBody {
    let mut notes = Vec::new();
    let decoded = crate::content_encoding::decode(headers, body, opts.max_decoded, &mut notes);
    let data: &[u8] = &decoded.bytes;
    let size = if decoded.applied.is_empty() {
        human_size(data.len())
    } else {
        format!(
            "{} → {}",
            decoded.applied.join(", "),
            human_size(data.len())
        )
    };
    if data.is_empty() {
        let summary = if decoded.applied.is_empty() {
            "no body".to_owned()
        } else {
            format!("no body · {size}")
        };
        let dim = Style::new().add_modifier(Modifier::DIM);
        return RenderedBody {
            kind: BodyKind::Empty,
            summary,
            notes,
            lines: vec![Line::styled("(no body)", dim)],
        };
    }

    let media = header::first(headers, "content-type")
        .map(|v| MediaType::parse(&v))
        .unwrap_or_default();
    let mut sink = Sink::new(opts.max_lines);
    let (kind, detail) = classify_and_render(&media, data, &mut sink, &mut notes);
    let summary = match kind {
        BodyKind::Json => format!("JSON · {size} · {detail}"),
        BodyKind::Form => format!("form · {size} · {detail}"),
        BodyKind::Multipart => format!("multipart · {size} · {detail}"),
        BodyKind::Text => format!("text · {size} · {detail}"),
        BodyKind::Binary | BodyKind::Empty => format!("binary · {size} (hex)"),
    };
    let cut = sink.cut();
    let mut lines = sink.into_lines();
    if let Some(at) = cut {
        let notice = format!(
            "… {} more bytes not shown; use `hookscope show ID --raw`",
            data.len().saturating_sub(at)
        );
        let style = Style::new()
            .fg(Color::Yellow)
            .add_modifier(Modifier::ITALIC);
        lines.push(Line::styled(notice, style));
    }
    RenderedBody {
        kind,
        summary,
        notes,
        lines,
    }
}

/// Picks the view from the content type and the bytes, renders it into
/// `sink`, and returns the kind and its count for the summary.
fn classify_and_render(
    media: &MediaType,
    data: &[u8],
    sink: &mut Sink,
    notes: &mut Vec<String>,
) -> (BodyKind, String) {
    let utf8 = std::str::from_utf8(data);
    // Why the content type's own view was not used, if it was not.
    let mut fallback_reason = None;
    let mut sniff_json = true;

    if media.is_json() {
        let result = match utf8 {
            Ok(s) => json::render(s, sink),
            Err(e) => Err(json::JsonError {
                offset: e.valid_up_to(),
                reason: "invalid UTF-8",
            }),
        };
        match result {
            Ok(n) => return (BodyKind::Json, count(n, "line", "lines")),
            Err(err) => {
                let (line, col) = err.line_col(data);
                fallback_reason = Some(format!(
                    "invalid JSON at line {line} col {col} ({})",
                    err.reason
                ));
                *sink = Sink::new(sink.cap());
                sniff_json = false;
            }
        }
    } else if media.is_form() {
        let n = form::render(data, sink);
        return (BodyKind::Form, count(n, "field", "fields"));
    } else if media.is_multipart() {
        match media.param("boundary").filter(|b| !b.is_empty()) {
            None => {
                fallback_reason = Some("multipart body without a boundary parameter".to_owned())
            }
            Some(boundary) => match multipart::parse(data, boundary) {
                Some(parsed) => {
                    multipart::render(&parsed, sink, notes);
                    let parts = count(parsed.parts.len(), "part", "parts");
                    return (BodyKind::Multipart, parts);
                }
                None => fallback_reason = Some("multipart boundary not found in body".to_owned()),
            },
        }
    }

    let (kind, detail) = generic(media, data, utf8.ok(), sniff_json, sink);
    if let Some(reason) = fallback_reason {
        let shown_as = match kind {
            BodyKind::Json => "JSON",
            BodyKind::Text => "text",
            _ => "hex",
        };
        notes.push(format!("{reason}: shown as {shown_as}"));
    }
    (kind, detail)
}

/// The view when the content type gives none: JSON if it parses and starts
/// with `{` or `[`, text if it is text, a hex dump otherwise.
fn generic(
    media: &MediaType,
    data: &[u8],
    utf8: Option<&str>,
    sniff_json: bool,
    sink: &mut Sink,
) -> (BodyKind, String) {
    if sniff_json
        && matches!(data.trim_ascii_start().first(), Some(b'{' | b'['))
        && let Some(s) = utf8
    {
        match json::render(s, sink) {
            Ok(n) => return (BodyKind::Json, count(n, "line", "lines")),
            Err(_) => *sink = Sink::new(sink.cap()),
        }
    }
    // NUL never occurs in text a person wrote; treat it as binary unless
    // the sender said text.
    if media.is_text() || (utf8.is_some() && !data.contains(&0)) {
        text::render(data, 0, sink);
        (
            BodyKind::Text,
            count(text::count_lines(data), "line", "lines"),
        )
    } else {
        hex::render(data, 0, sink);
        (BodyKind::Binary, String::new())
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `512 B`, `4.0 KiB`, `12.3 MiB`.
fn human_size(n: usize) -> String {
    crate::human::size(n as u64)
}
