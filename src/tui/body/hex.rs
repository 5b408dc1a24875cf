//! Classic hex dump for binary content: offset, sixteen bytes in two groups
//! of eight, and an ASCII column where non-printable bytes show as `.`.

use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::sink::Sink;

/// Bytes per dump line.
pub const WIDTH: usize = 16;

/// Dumps `bytes`; shown offsets start at 0, `base` is where `bytes` sit in
/// the displayed body (for the cut offset). Returns false if the sink ran
/// out of room.
pub fn render(bytes: &[u8], base: usize, sink: &mut Sink) -> bool {
    for (row, chunk) in bytes.chunks(WIDTH).enumerate() {
        let offset = row * WIDTH;
        if !sink.room(base + offset) {
            return false;
        }
        sink.push(base + offset, line(offset, chunk));
    }
    true
}

/// One dump line, e.g.
/// `00000000  48 65 6c 6c 6f 0a 00 ff  01 02 03 04 05 06 07 08  |Hello...........|`.
fn line(offset: usize, chunk: &[u8]) -> Line<'static> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(3 * WIDTH + 2);
    for i in 0..WIDTH {
        if i == WIDTH / 2 {
            hex.push(' ');
        }
        match chunk.get(i) {
            Some(&b) => {
                hex.push(char::from(DIGITS[usize::from(b >> 4)]));
                hex.push(char::from(DIGITS[usize::from(b & 0xf)]));
                hex.push(' ');
            }
            None => hex.push_str("   "),
        }
    }
    let ascii: String = chunk
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                char::from(b)
            } else {
                '.'
            }
        })
        .collect();
    let gray = Style::new().fg(Color::DarkGray);
    Line::from(vec![
        Span::styled(format!("{offset:08x}  "), gray),
        Span::raw(hex),
        Span::styled(" |", gray),
        Span::raw(ascii),
        Span::styled("|", gray),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_hexdump_c() {
        let mut sink = Sink::new(10);
        let bytes: Vec<u8> = b"Hello\n\x00\xff"
            .iter()
            .copied()
            .chain(0x7e..0x88)
            .collect();
        assert!(render(&bytes, 0, &mut sink));
        let lines: Vec<String> = sink.into_lines().iter().map(|l| l.to_string()).collect();
        assert_eq!(
            lines,
            vec![
                "00000000  48 65 6c 6c 6f 0a 00 ff  7e 7f 80 81 82 83 84 85  |Hello...~.......|",
                "00000010  86 87                                             |..|",
            ]
        );
    }

    #[test]
    fn cut_points_at_the_first_unshown_row() {
        let mut sink = Sink::new(1);
        assert!(!render(&[0u8; 40], 100, &mut sink));
        assert_eq!(sink.cut(), Some(116));
    }
}
