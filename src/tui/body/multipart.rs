//! `multipart/*` bodies: each part as a header block (name, filename,
//! content-type, size, other headers) followed by a capped preview of its
//! content, as text when it is UTF-8 and as a hex dump otherwise.
//!
//! Parsed here rather than with `multer`: multer is async (it wants a
//! `Stream` and drives parts through futures), stops with an error on a
//! truncated or malformed body, and does not expose byte offsets. A captured
//! body is already complete in memory, is often truncated or slightly off
//! spec, and should still be shown as far as it goes; offsets are needed to
//! report what the line cap left unshown. The grammar (RFC 2046 §5.1.1) is
//! small, and a KMP search keeps the scan O(n) whatever the boundary.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::header;
use super::sink::Sink;
use super::{hex, human_size, text};
use crate::sanitize::visible_bytes;

/// Per-part preview caps: text up to this many bytes and lines, binary up
/// to this many bytes of hex dump.
const PART_TEXT_BYTES: usize = 4096;
const PART_TEXT_LINES: usize = 64;
const PART_HEX_BYTES: usize = 512;

/// One body part: its raw headers and content, with byte offsets.
#[derive(Debug)]
pub struct Part<'a> {
    /// Offset of the delimiter line that opens the part.
    pub at: usize,
    pub headers: Vec<(&'a [u8], &'a [u8])>,
    pub content: &'a [u8],
    pub content_at: usize,
}

#[derive(Debug)]
pub struct Multipart<'a> {
    pub parts: Vec<Part<'a>>,
    /// Bytes before the first delimiter and after the closing one.
    pub preamble: &'a [u8],
    pub epilogue: &'a [u8],
    /// Whether the closing `--boundary--` was seen.
    pub closed: bool,
}

/// Splits `data` on `boundary`; `None` when no delimiter line is found.
/// Delimiters are recognised at line starts, with CRLF or bare LF.
pub fn parse<'a>(data: &'a [u8], boundary: &str) -> Option<Multipart<'a>> {
    let delimiter = [b"--", boundary.as_bytes()].concat();
    let finder = Finder::new(&delimiter);
    let first = finder.find_line_start(data, 0)?;
    let mut out = Multipart {
        parts: Vec::new(),
        preamble: &data[..first],
        epilogue: &[],
        closed: false,
    };
    let mut at = first;
    loop {
        let pos = at + delimiter.len();
        if data[pos..].starts_with(b"--") {
            out.closed = true;
            out.epilogue = next_line(data, pos).map_or(&[], |i| &data[i..]);
            return Some(out);
        }
        // Transport padding after the delimiter runs to the end of its line.
        let Some(mut line) = next_line(data, pos) else {
            return Some(out);
        };
        let mut headers = Vec::new();
        let content_at = loop {
            let Some(end) = next_line(data, line) else {
                break data.len();
            };
            let text = trim_eol(&data[line..end]);
            if text.is_empty() {
                break end;
            }
            if text.starts_with(&delimiter) {
                // No blank line before the next delimiter: an empty part.
                break line;
            }
            if let Some(colon) = text.iter().position(|&b| b == b':') {
                headers.push((text[..colon].trim_ascii(), text[colon + 1..].trim_ascii()));
            }
            line = end;
        };
        let next = finder.find_line_start(data, content_at);
        let end = next.map_or(data.len(), |n| {
            let content = &data[content_at..n];
            content_at + trim_eol(content).len()
        });
        out.parts.push(Part {
            at,
            headers,
            content: &data[content_at..end],
            content_at,
        });
        match next {
            Some(n) => at = n,
            None => return Some(out),
        }
    }
}

/// Renders every part into `sink` and adds notes about anything odd.
pub fn render(m: &Multipart<'_>, sink: &mut Sink, notes: &mut Vec<String>) {
    if !m.preamble.trim_ascii().is_empty() {
        notes.push(format!(
            "multipart preamble of {} not shown",
            human_size(m.preamble.len())
        ));
    }
    if !m.epilogue.trim_ascii().is_empty() {
        notes.push(format!(
            "multipart epilogue of {} not shown",
            human_size(m.epilogue.len())
        ));
    }
    if !m.closed {
        notes.push("multipart body ends without its closing boundary".to_owned());
    }
    if m.parts.is_empty() {
        let dim = Style::new().add_modifier(Modifier::DIM);
        sink.push(0, Line::styled("(no parts)", dim));
    }
    for (i, part) in m.parts.iter().enumerate() {
        let mut block = header_block(part, i + 1, m.parts.len());
        block.push(Line::raw(""));
        for line in block {
            if !sink.push(part.at, line) {
                return;
            }
        }
        if !preview(part, sink) {
            return;
        }
        if i + 1 < m.parts.len() && !sink.push(part.content_at + part.content.len(), Line::raw(""))
        {
            return;
        }
    }
}

fn header_block(part: &Part<'_>, number: usize, count: usize) -> Vec<Line<'static>> {
    let label = Style::new().fg(Color::DarkGray);
    let value = Style::new().fg(Color::Cyan);
    let field = |name: &'static str, text: String| {
        Line::from(vec![Span::styled(name, label), Span::styled(text, value)])
    };
    let title = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::styled(
        format!("── part {number} of {count} ──"),
        title,
    )];
    let mut others = Vec::new();
    let mut content_type = None;
    for &(name, raw) in &part.headers {
        if name.eq_ignore_ascii_case(b"content-disposition") {
            // The first item is the disposition type itself ("form-data").
            let params = header::params(&String::from_utf8_lossy(raw));
            let named = params.get(1..).unwrap_or(&[]);
            for (key, label) in [
                ("name", "name: "),
                ("filename", "filename: "),
                ("filename*", "filename*: "),
            ] {
                if let Some(v) = header::param(named, key) {
                    lines.push(field(label, visible_bytes(v.as_bytes()).into_owned()));
                }
            }
            let disposition = params.first().map(|(k, _)| k.as_str()).unwrap_or("");
            if disposition != "form-data" {
                others.push((name, raw));
            }
        } else if name.eq_ignore_ascii_case(b"content-type") {
            content_type = Some(raw);
        } else {
            others.push((name, raw));
        }
    }
    if let Some(ct) = content_type {
        lines.push(field("content-type: ", visible_bytes(ct).into_owned()));
    }
    lines.push(field("size: ", size_text(part.content.len())));
    for (name, raw) in others {
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", visible_bytes(name)), label),
            Span::raw(visible_bytes(raw).into_owned()),
        ]));
    }
    lines
}

fn size_text(len: usize) -> String {
    if len < 1024 {
        human_size(len)
    } else {
        format!("{} ({len} bytes)", human_size(len))
    }
}

/// Capped preview of one part's content; false if the sink ran out.
fn preview(part: &Part<'_>, sink: &mut Sink) -> bool {
    let content = part.content;
    let dim = Style::new().add_modifier(Modifier::DIM);
    if content.is_empty() {
        return sink.push(part.content_at, Line::styled("(empty)", dim));
    }
    let shown = match std::str::from_utf8(content) {
        Ok(s) if !content.contains(&0) => {
            let mut end = PART_TEXT_BYTES.min(s.len());
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            if let Some((i, _)) = s.as_bytes()[..end]
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'\n')
                .nth(PART_TEXT_LINES - 1)
            {
                end = i + 1;
            }
            if !text::render(&content[..end], part.content_at, sink) {
                return false;
            }
            end
        }
        _ => {
            let end = PART_HEX_BYTES.min(content.len());
            if !hex::render(&content[..end], part.content_at, sink) {
                return false;
            }
            end
        }
    };
    if shown < content.len() {
        let more = format!("… {} more bytes in this part", content.len() - shown);
        return sink.push(part.content_at + shown, Line::styled(more, dim));
    }
    true
}

/// Offset just past the next `\n` at or after `from`.
fn next_line(data: &[u8], from: usize) -> Option<usize> {
    data[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| from + i + 1)
}

/// Drops one trailing `\n` or `\r\n`.
fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Knuth–Morris–Pratt search for a non-empty pattern: O(haystack + pattern).
struct Finder<'p> {
    pattern: &'p [u8],
    /// `fail[i]`: length of the longest proper border of `pattern[..=i]`.
    fail: Vec<usize>,
}

impl<'p> Finder<'p> {
    fn new(pattern: &'p [u8]) -> Self {
        let mut fail = vec![0; pattern.len()];
        let mut k = 0;
        for i in 1..pattern.len() {
            while k > 0 && pattern[i] != pattern[k] {
                k = fail[k - 1];
            }
            if pattern[i] == pattern[k] {
                k += 1;
            }
            fail[i] = k;
        }
        Self { pattern, fail }
    }

    /// First match at or after `from` that begins a line (at offset 0 or
    /// right after a `\n`).
    fn find_line_start(&self, hay: &[u8], from: usize) -> Option<usize> {
        let pattern = self.pattern;
        let mut k = 0;
        for (i, &b) in hay.iter().enumerate().skip(from) {
            while k > 0 && b != pattern[k] {
                k = self.fail[k - 1];
            }
            if b == pattern[k] {
                k += 1;
            }
            if k == pattern.len() {
                let start = i + 1 - k;
                if start == 0 || hay[start - 1] == b'\n' {
                    return Some(start);
                }
                k = self.fail[k - 1];
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lf_only_bodies_and_keeps_offsets() {
        let body = b"--b\nContent-Disposition: form-data; name=x\n\nhello\n--b\n\nnone\n--b--\nbye";
        let m = parse(body, "b").unwrap();
        assert!(m.closed);
        assert_eq!(m.epilogue, b"bye");
        assert_eq!(m.parts.len(), 2);
        assert_eq!(m.parts[0].content, b"hello");
        assert_eq!(&body[m.parts[0].content_at..][..5], b"hello");
        assert_eq!(m.parts[0].headers[0].1, b"form-data; name=x");
        assert!(m.parts[1].headers.is_empty());
        assert_eq!(m.parts[1].content, b"none");
    }

    #[test]
    fn delimiters_count_only_at_line_starts() {
        let body = b"--b\r\n\r\nx--b y\r\n--bb\r\n--b--";
        let m = parse(body, "b").unwrap();
        assert_eq!(m.parts.len(), 2);
        assert_eq!(m.parts[0].content, b"x--b y");
        assert!(parse(b"no delimiter --b here", "b").is_none());
    }

    #[test]
    fn truncated_bodies_keep_what_is_there() {
        let m = parse(b"--b\r\nContent-Type: text/plain\r\n\r\npartial conte", "b").unwrap();
        assert!(!m.closed);
        assert_eq!(m.parts[0].content, b"partial conte");
        let m = parse(b"--b\r\nContent-Type: text/pl", "b").unwrap();
        assert_eq!(m.parts.len(), 1);
        assert!(m.parts[0].content.is_empty());
        let m = parse(b"--b", "b").unwrap();
        assert!(m.parts.is_empty());
    }

    #[test]
    fn finds_matches_after_overlapping_near_misses() {
        let finder = Finder::new(b"--aaaa");
        let hay = [b"--aaa".repeat(1000), b"\n--aaaa".to_vec()].concat();
        assert_eq!(finder.find_line_start(&hay, 0), Some(5001));
    }
}
