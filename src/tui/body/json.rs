//! Streaming JSON pretty-printer: one pass over the original text that
//! validates, re-indents with two spaces and colours tokens, keeping key
//! order, duplicate keys and escapes exactly as sent. O(n), no tree built.

use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::sink::Sink;
use crate::sanitize::owned;

const KEY: Style = Style::new().fg(Color::Cyan);
const STRING: Style = Style::new().fg(Color::Green);
const INTEGER: Style = Style::new().fg(Color::Yellow);
const FLOAT: Style = Style::new().fg(Color::Magenta);
const BOOLEAN: Style = Style::new().fg(Color::Blue);
const NULL: Style = Style::new().fg(Color::Red);
const BRACKET: Style = Style::new();
const PUNCT: Style = Style::new().fg(Color::DarkGray);

/// Nesting deeper than this is not indented further, so a hostile
/// `[[[[...]]]]` cannot make the output quadratic in the input size.
const MAX_INDENT_LEVELS: usize = 32;
const SPACES: &str = "                                                                ";
const _: () = assert!(SPACES.len() == 2 * MAX_INDENT_LEVELS);

/// Where and why the text stopped being JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset of the offending input (the text length at end of input).
    pub offset: usize,
    pub reason: &'static str,
}

impl JsonError {
    /// 1-based line and column (in characters) of the error within `text`.
    pub fn line_col(&self, text: &[u8]) -> (usize, usize) {
        let before = &text[..self.offset.min(text.len())];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = 1 + before[line_start..]
            .iter()
            .filter(|&&b| b & 0xc0 != 0x80)
            .count();
        (line, col)
    }
}

/// Pretty-prints `text` into `sink`, returning how many lines the whole
/// document takes (lines past the sink's cap are counted, not built). On
/// error the sink holds a partial rendering the caller should discard.
pub fn render(text: &str, sink: &mut Sink) -> Result<usize, JsonError> {
    let mut printer = Printer {
        src: text.as_bytes(),
        text,
        pos: 0,
        sink,
        stack: Vec::new(),
        spans: Vec::new(),
        emitting: false,
        line_start: 0,
        lines: 0,
    };
    printer.run()?;
    Ok(printer.lines)
}

/// Whether `text` is one complete JSON document.
#[cfg(test)]
pub fn is_valid(text: &str) -> bool {
    render(text, &mut Sink::new(0)).is_ok()
}

#[derive(Debug, Clone, Copy)]
enum State {
    /// Expecting any value.
    Value,
    /// Inside an object, expecting a string key and its colon.
    Key,
    /// A value just ended: expecting `,`, a closing bracket, or the end.
    After,
}

struct Printer<'a, 's> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    sink: &'s mut Sink,
    /// Open containers, innermost last: true for objects, false for arrays.
    stack: Vec<bool>,
    spans: Vec<Span<'static>>,
    /// Whether the current line will be shown (false once the cap is hit).
    emitting: bool,
    line_start: usize,
    lines: usize,
}

impl<'a> Printer<'a, '_> {
    fn run(&mut self) -> Result<(), JsonError> {
        self.skip_ws();
        self.begin_line();
        let mut state = State::Value;
        loop {
            state = match state {
                State::Value => self.value()?,
                State::Key => self.key()?,
                State::After => match self.stack.last() {
                    None => return self.finish(),
                    Some(&is_object) => self.after_member(is_object)?,
                },
            };
        }
    }

    fn finish(&mut self) -> Result<(), JsonError> {
        self.end_line();
        self.skip_ws();
        if self.pos < self.src.len() {
            return Err(self.error("trailing characters after the JSON value"));
        }
        Ok(())
    }

    fn value(&mut self) -> Result<State, JsonError> {
        match self.peek() {
            Some(open @ (b'{' | b'[')) => {
                let is_object = open == b'{';
                let close = if is_object { b'}' } else { b']' };
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(close) {
                    self.pos += 1;
                    self.emit_static(if is_object { "{}" } else { "[]" }, BRACKET);
                    return Ok(State::After);
                }
                self.emit_static(if is_object { "{" } else { "[" }, BRACKET);
                self.stack.push(is_object);
                self.newline();
                Ok(if is_object { State::Key } else { State::Value })
            }
            Some(b'"') => {
                let s = self.string()?;
                self.emit_text(s, STRING);
                Ok(State::After)
            }
            Some(b'-' | b'0'..=b'9') => {
                self.number()?;
                Ok(State::After)
            }
            Some(b't') => self.literal("true", BOOLEAN),
            Some(b'f') => self.literal("false", BOOLEAN),
            Some(b'n') => self.literal("null", NULL),
            Some(_) => Err(self.error("expected a JSON value")),
            None => Err(self.error("unexpected end of input")),
        }
    }

    fn key(&mut self) -> Result<State, JsonError> {
        match self.peek() {
            Some(b'"') => {}
            Some(_) => return Err(self.error("expected a string key")),
            None => return Err(self.error("unexpected end of input")),
        }
        let k = self.string()?;
        self.emit_text(k, KEY);
        self.skip_ws();
        match self.peek() {
            Some(b':') => {}
            Some(_) => return Err(self.error("expected ':' after key")),
            None => return Err(self.error("unexpected end of input")),
        }
        self.pos += 1;
        self.emit_static(": ", PUNCT);
        self.skip_ws();
        Ok(State::Value)
    }

    fn after_member(&mut self, is_object: bool) -> Result<State, JsonError> {
        self.skip_ws();
        let close = if is_object { b'}' } else { b']' };
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.emit_static(",", PUNCT);
                self.newline();
                Ok(if is_object { State::Key } else { State::Value })
            }
            Some(c) if c == close => {
                self.stack.pop();
                self.end_line();
                self.begin_line();
                self.pos += 1;
                self.emit_static(if is_object { "}" } else { "]" }, BRACKET);
                Ok(State::After)
            }
            Some(_) if is_object => Err(self.error("expected ',' or '}'")),
            Some(_) => Err(self.error("expected ',' or ']'")),
            None => Err(self.error("unexpected end of input")),
        }
    }

    /// Scans a string token (quotes included) and returns its source text.
    fn string(&mut self) -> Result<&'a str, JsonError> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    let text: &'a str = self.text;
                    return Ok(&text[start..self.pos]);
                }
                Some(b'\\') => match self.src.get(self.pos + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 2,
                    Some(b'u') => {
                        let hex = self.src.get(self.pos + 2..self.pos + 6);
                        if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                            return Err(self.error("invalid \\u escape in string"));
                        }
                        self.pos += 6;
                    }
                    Some(_) => return Err(self.error("invalid escape in string")),
                    None => return Err(self.error_at(self.src.len(), "unexpected end of input")),
                },
                Some(0..=0x1f) => return Err(self.error("control character in string")),
                Some(_) => self.pos += 1,
                None => return Err(self.error("unexpected end of input in string")),
            }
        }
    }

    fn number(&mut self) -> Result<(), JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.required_digits()?;
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.required_digits()?;
            float = true;
        }
        if self.emitting {
            let style = if float { FLOAT } else { INTEGER };
            self.spans
                .push(Span::styled(self.text[start..self.pos].to_owned(), style));
        }
        Ok(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn required_digits(&mut self) -> Result<(), JsonError> {
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.error("invalid number"));
        }
        self.digits();
        Ok(())
    }

    fn literal(&mut self, word: &'static str, style: Style) -> Result<State, JsonError> {
        if !self.src[self.pos..].starts_with(word.as_bytes()) {
            return Err(self.error("expected a JSON value"));
        }
        self.pos += word.len();
        self.emit_static(word, style);
        Ok(State::After)
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn error(&self, reason: &'static str) -> JsonError {
        self.error_at(self.pos, reason)
    }

    fn error_at(&self, offset: usize, reason: &'static str) -> JsonError {
        JsonError { offset, reason }
    }

    /// Ends the current line and starts the next at the current depth,
    /// positioned on the next token.
    fn newline(&mut self) {
        self.end_line();
        self.skip_ws();
        self.begin_line();
    }

    fn begin_line(&mut self) {
        self.lines += 1;
        self.line_start = self.pos;
        self.emitting = self.sink.room(self.pos);
        let indent = 2 * self.stack.len().min(MAX_INDENT_LEVELS);
        if self.emitting && indent > 0 {
            self.spans.push(Span::raw(&SPACES[..indent]));
        }
    }

    fn end_line(&mut self) {
        if self.emitting {
            let spans = std::mem::take(&mut self.spans);
            self.sink.push(self.line_start, Line::from(spans));
        }
    }

    fn emit_static(&mut self, text: &'static str, style: Style) {
        if self.emitting {
            self.spans.push(Span::styled(text, style));
        }
    }

    /// A string token from the input: sanitized, since JSON allows DEL, C1
    /// controls and bidi overrides unescaped inside strings.
    fn emit_text(&mut self, text: &str, style: Style) {
        if self.emitting {
            self.spans.push(Span::styled(owned(text), style));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> (usize, usize, &'static str) {
        let err = render(text, &mut Sink::new(100)).unwrap_err();
        let (line, col) = err.line_col(text.as_bytes());
        (line, col, err.reason)
    }

    #[test]
    fn errors_name_line_and_character_column() {
        assert_eq!(error("{\"a\":"), (1, 6, "unexpected end of input"));
        assert_eq!(error("[\n\"日本\" 1]"), (2, 6, "expected ',' or ']'"));
        assert_eq!(error("{\"a\" 1}"), (1, 6, "expected ':' after key"));
        assert_eq!(error("{1:2}"), (1, 2, "expected a string key"));
        assert_eq!(error("[1,]"), (1, 4, "expected a JSON value"));
        assert_eq!(error("\"a\tb\""), (1, 3, "control character in string"));
        assert_eq!(error("\"\\u12g4\""), (1, 2, "invalid \\u escape in string"));
        assert_eq!(error("[01]"), (1, 3, "expected ',' or ']'"));
        assert_eq!(
            error("1 2"),
            (1, 3, "trailing characters after the JSON value")
        );
        assert_eq!(error("  "), (1, 3, "unexpected end of input"));
        assert_eq!(error("tru"), (1, 1, "expected a JSON value"));
    }

    #[test]
    fn deep_nesting_is_iterative_and_indent_is_capped() {
        let depth = 100_000;
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let mut sink = Sink::new(usize::MAX);
        assert_eq!(render(&text, &mut sink), Ok(2 * depth - 1));
        let widest = sink.into_lines().iter().map(Line::width).max();
        assert_eq!(widest, Some(2 * MAX_INDENT_LEVELS + 2));
    }

    #[test]
    fn lines_past_the_cap_are_counted_and_still_validated() {
        let mut sink = Sink::new(2);
        assert_eq!(render("[1,2,3,4]", &mut sink), Ok(6));
        assert_eq!(sink.cut(), Some(3));
        assert!(render("[1,2,3,4,]", &mut Sink::new(2)).is_err());
    }
}
