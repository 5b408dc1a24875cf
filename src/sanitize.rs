//! Terminal-safe text: control characters, escape sequences and bidi
//! overrides become visible escapes, so a payload can never move the cursor,
//! recolour the screen, retitle the window or reorder what is shown.

use std::borrow::Cow;

/// Makes text safe for the terminal: every control character (C0 including
/// ESC, DEL, C1) and every bidi override/isolate/mark becomes a visible
/// escape such as `\e`, `\x07`, `\u{202e}`; tabs become `\t`.
pub fn visible(text: &str) -> Cow<'_, str> {
    // Every character that needs escaping starts with one of these bytes:
    // C0 and DEL are themselves, C1 is 0xC2 0x80..0x9F, U+061C is 0xD8 0x9C,
    // and U+200E..U+2069 all start with 0xE2.
    if !text
        .bytes()
        .any(|b| b < 0x20 || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2))
    {
        return Cow::Borrowed(text);
    }
    match text.char_indices().find(|&(_, c)| needs_escape(c)) {
        None => Cow::Borrowed(text),
        Some((first, _)) => {
            let mut out = String::with_capacity(text.len() + 16);
            out.push_str(&text[..first]);
            for c in text[first..].chars() {
                push_visible(&mut out, c);
            }
            Cow::Owned(out)
        }
    }
}

/// Like [`visible`] for bytes that may not be UTF-8: each invalid byte is
/// shown as `\xNN`.
pub fn visible_bytes(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => visible(text),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len() + 16);
            for chunk in bytes.utf8_chunks() {
                for c in chunk.valid().chars() {
                    push_visible(&mut out, c);
                }
                for &b in chunk.invalid() {
                    push_hex_escape(&mut out, 'x', u32::from(b), 2);
                }
            }
            Cow::Owned(out)
        }
    }
}

/// Visible text as an owned `'static` string, ready for a `Span`.
pub fn owned(text: &str) -> String {
    visible(text).into_owned()
}

/// One `key=value` of a query string or form, decoded (`+` is a space,
/// `%XX` a byte) and made visible: bytes that are not UTF-8 show as `\xNN`,
/// not as U+FFFD, which a sender could also have sent.
pub fn form_pair(segment: &[u8]) -> (String, String) {
    let decode = |part: &[u8]| {
        let spaced: Vec<u8> = part
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        let bytes: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
        visible_bytes(&bytes).into_owned()
    };
    match segment.iter().position(|&b| b == b'=') {
        Some(at) => (decode(&segment[..at]), decode(&segment[at + 1..])),
        None => (decode(segment), String::new()),
    }
}

/// Like `visible`, but keeps line feeds (and drops the CR of CRLF) so
/// multi-line bodies still show as lines.
pub fn visible_multiline(text: &str) -> String {
    text.split('\n')
        .map(|line| visible(line.strip_suffix('\r').unwrap_or(line)).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// True for characters that must never reach the terminal as themselves.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Characters that reorder displayed text (Trojan Source, CVE-2021-42574).
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

fn push_visible(out: &mut String, c: char) {
    match c {
        '\u{1b}' => out.push_str("\\e"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\0' => out.push_str("\\0"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => push_hex_escape(out, 'x', c as u32, 2),
        c if needs_escape(c) => {
            out.push_str("\\u{");
            push_hex(out, c as u32, 1);
            out.push('}');
        }
        c => out.push(c),
    }
}

fn push_hex_escape(out: &mut String, letter: char, value: u32, width: usize) {
    out.push('\\');
    out.push(letter);
    push_hex(out, value, width);
}

/// Lower-case hex of `value`, zero-padded to at least `width` digits.
fn push_hex(out: &mut String, value: u32, width: usize) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0u8; 8];
    let mut n = 0;
    let mut v = value;
    while v > 0 || n < width {
        digits[n] = DIGITS[(v & 0xf) as usize];
        v >>= 4;
        n += 1;
    }
    for &d in digits[..n].iter().rev() {
        out.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_show_bytes_that_are_not_utf8_as_escapes() {
        assert_eq!(
            form_pair(b"k%FF=v%FE%C3%A9+x"),
            ("k\\xff".to_owned(), "v\\xfe\u{e9} x".to_owned())
        );
        assert_eq!(form_pair(b"flag"), ("flag".to_owned(), String::new()));
        assert_eq!(
            form_pair(b"a=%1B%5B2J"),
            ("a".to_owned(), "\\e[2J".to_owned())
        );
        assert_eq!(
            form_pair(b"r=%EF%BF%BD"),
            ("r".to_owned(), "\u{fffd}".to_owned())
        );
    }
    use proptest::prelude::*;

    #[test]
    fn escapes_terminal_sequences() {
        assert_eq!(visible("a\u{1b}[2Jb\u{7}"), "a\\e[2Jb\\x07");
        assert_eq!(visible("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(visible("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(visible("plain"), Cow::Borrowed("plain"));
    }

    #[test]
    fn invalid_utf8_is_shown_as_hex() {
        assert_eq!(visible_bytes(b"ok\xff\x1b"), "ok\\xff\\e");
    }

    #[test]
    fn multiline_keeps_lines() {
        assert_eq!(visible_multiline("a\r\nb\u{1b}\nc"), "a\nb\\e\nc");
    }

    proptest! {
        #[test]
        fn output_never_contains_control_characters(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let shown = visible_bytes(&bytes);
            prop_assert!(!shown.chars().any(|c| c.is_control() || is_bidi_control(c)));
        }
    }
}
