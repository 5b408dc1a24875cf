//! Plain-text bodies: one display line per `\n`, a trailing `\r` dropped,
//! everything sanitized and invalid UTF-8 bytes shown as `\xNN`.

use ratatui::text::Line;

use super::sink::Sink;
use crate::sanitize::visible_bytes;

/// How many lines [`render`] would produce for `bytes` without a cap.
pub fn count_lines(bytes: &[u8]) -> usize {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    if bytes.last().is_some_and(|&b| b != b'\n') {
        newlines + 1
    } else {
        newlines
    }
}

/// Renders `bytes` as text lines. `base` is the offset of `bytes` within
/// the displayed body, used to report where output was cut. Returns false
/// if the sink ran out of room.
pub fn render(bytes: &[u8], base: usize, sink: &mut Sink) -> bool {
    let mut start = 0;
    while start < bytes.len() {
        if !sink.room(base + start) {
            return false;
        }
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| start + i);
        let line = &bytes[start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        sink.push(base + start, Line::raw(visible_bytes(line).into_owned()));
        start = end + 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(bytes: &[u8], cap: usize) -> (Vec<String>, Option<usize>) {
        let mut sink = Sink::new(cap);
        render(bytes, 0, &mut sink);
        let cut = sink.cut();
        let lines = sink.into_lines().iter().map(|l| l.to_string()).collect();
        (lines, cut)
    }

    #[test]
    fn splits_on_newlines_and_drops_carriage_returns() {
        let body = b"one\r\ntwo\n\nthree\r";
        assert_eq!(plain(body, 10).0, vec!["one", "two", "", "three"]);
        assert_eq!(count_lines(body), 4);
        assert_eq!(count_lines(b"a\n"), 1);
        assert_eq!(count_lines(b""), 0);
        assert_eq!(plain(b"a\n", 10).0, vec!["a"]);
    }

    #[test]
    fn escapes_and_invalid_bytes_are_visible() {
        assert_eq!(
            plain(b"\x1b[31mred\xff\tx", 10).0,
            vec!["\\e[31mred\\xff\\tx"]
        );
    }

    #[test]
    fn cut_reports_the_first_unshown_byte() {
        assert_eq!(
            plain(b"ab\ncd\nef", 2),
            (vec!["ab".into(), "cd".into()], Some(6))
        );
    }
}
