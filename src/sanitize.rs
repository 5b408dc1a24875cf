//! Makes request-derived text safe for a terminal: control characters,
//! escape sequences and bidi overrides become visible escapes, so a payload
//! can never move the cursor, recolour the screen or retitle the window.

use std::borrow::Cow;

/// Text with every non-printing character replaced by a visible escape
/// (`\e`, `\x07`, `\u{202e}` ...). Tabs become `\t` too, since they would
/// misalign table columns.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// Bytes decoded as UTF-8 where possible; invalid bytes become `\xNN`.
pub fn visible_bytes(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => visible(text),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len() + 8);
            for chunk in bytes.utf8_chunks() {
                for c in chunk.valid().chars() {
                    push_visible(&mut out, c);
                }
                for b in chunk.invalid() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            Cow::Owned(out)
        }
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

fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Characters that reorder displayed text (Trojan Source, CVE-2021-42574).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_visible(out: &mut String, c: char) {
    match c {
        '\u{1b}' => out.push_str("\\e"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        c if (c as u32) < 0x100 && needs_escape(c) => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_terminal_sequences() {
        assert_eq!(visible("a\u{1b}[2Jb\u{7}"), "a\\e[2Jb\\x07");
        assert_eq!(visible("\u{9b}31m"), "\\x9b31m");
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
