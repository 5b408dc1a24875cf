//! `application/x-www-form-urlencoded` bodies: a decoded key/value table in
//! the order sent (duplicates kept), then the raw form line.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::sink::Sink;
use crate::sanitize::{form_pair, visible_bytes};

/// Keys wider than this do not widen the key column further.
const MAX_KEY_COLUMN: usize = 32;

/// Renders the table and raw line; returns the number of fields.
pub fn render(data: &[u8], sink: &mut Sink) -> usize {
    let fields = fields(data);
    let shown: Vec<(usize, String, String)> = fields
        .iter()
        .take(sink.remaining())
        .map(|&(at, segment)| {
            let (key, value) = form_pair(segment);
            (at, key, value)
        })
        .collect();
    let width = shown
        .iter()
        .map(|(_, key, _)| Span::raw(key.as_str()).width())
        .max()
        .unwrap_or(0)
        .min(MAX_KEY_COLUMN);

    let key_style = Style::new().fg(Color::Cyan);
    let gray = Style::new().fg(Color::DarkGray);
    if fields.is_empty() {
        let dim = Style::new().add_modifier(Modifier::DIM);
        sink.push(0, Line::styled("(no fields)", dim));
    }
    let mut pushed = 0;
    for (at, key, value) in shown {
        let pad = width.saturating_sub(Span::raw(key.as_str()).width());
        let line = Line::from(vec![
            Span::styled(key, key_style),
            Span::raw(" ".repeat(pad)),
            Span::styled(" │ ", gray),
            Span::raw(value),
        ]);
        if !sink.push(at, line) {
            return fields.len();
        }
        pushed += 1;
    }
    if let Some(&(at, _)) = fields.get(pushed) {
        // Out of room: this records the first unshown field as the cut.
        sink.room(at);
        return fields.len();
    }
    // The raw line shows the whole body again, so its cut offset is 0.
    if sink.push(0, Line::raw("")) {
        sink.push(
            0,
            Line::from(vec![
                Span::styled("raw: ", gray),
                Span::raw(visible_bytes(data).into_owned()),
            ]),
        );
    }
    fields.len()
}

/// Non-empty `&`-separated segments with their byte offsets.
fn fields(data: &[u8]) -> Vec<(usize, &[u8])> {
    let mut out = Vec::new();
    let mut at = 0;
    for segment in data.split(|&b| b == b'&') {
        if !segment.is_empty() {
            out.push((at, segment));
        }
        at += segment.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(data: &[u8], cap: usize) -> (Vec<String>, Option<usize>, usize) {
        let mut sink = Sink::new(cap);
        let n = render(data, &mut sink);
        let cut = sink.cut();
        let lines = sink.into_lines().iter().map(|l| l.to_string()).collect();
        (lines, cut, n)
    }

    #[test]
    fn decodes_aligns_and_keeps_duplicates() {
        let (lines, cut, n) = plain(b"name=J%C3%B6rg+M&tag=a&&tag=b&flag&x%1B=%0A", 10);
        assert_eq!(n, 5);
        assert_eq!(cut, None);
        assert_eq!(
            lines,
            vec![
                "name │ Jörg M",
                "tag  │ a",
                "tag  │ b",
                "flag │ ",
                "x\\e  │ \\n",
                "",
                "raw: name=J%C3%B6rg+M&tag=a&&tag=b&flag&x%1B=%0A",
            ]
        );
    }

    #[test]
    fn cut_in_the_table_skips_the_raw_line() {
        let (lines, cut, n) = plain(b"a=1&b=2&c=3", 2);
        assert_eq!(lines, vec!["a │ 1", "b │ 2"]);
        assert_eq!(cut, Some(8));
        assert_eq!(n, 3);
    }

    #[test]
    fn no_fields() {
        let (lines, _, n) = plain(b"&&", 10);
        assert_eq!(n, 0);
        assert_eq!(lines, vec!["(no fields)", "", "raw: &&"]);
    }
}
