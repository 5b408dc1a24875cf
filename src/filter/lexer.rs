//! Splits filter input into terms: whitespace separates terms, a leading `-`
//! negates one, and double quotes (with `\"` and `\\` escapes) keep spaces.

use super::FilterError;

/// One character of a term after quote processing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Piece {
    pub ch: char,
    /// Came from inside double quotes, so it is never syntax (`:`, `=`, `*`).
    pub quoted: bool,
    /// Char offset in the input (of the backslash for an escape).
    pub pos: usize,
}

/// A whitespace-separated term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub negated: bool,
    /// Char offset of the term's first character, after any `-`.
    pub start: usize,
    pub pieces: Vec<Piece>,
}

/// Tokenizes the whole input; the only errors are a dangling `-` and an
/// unterminated quote.
pub(crate) fn tokenize(input: &str) -> Result<Vec<Token>, FilterError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let mut negated = false;
        if c == '-' {
            if chars.get(i + 1).is_none_or(|n| n.is_whitespace()) {
                return Err(FilterError::new(
                    "`-` must be followed by the term to exclude, e.g. `-status:2xx`",
                    i,
                ));
            }
            negated = true;
            i += 1;
        }
        let start = i;
        let mut pieces = Vec::new();
        while let Some(&c) = chars.get(i) {
            if c.is_whitespace() {
                break;
            }
            if c == '"' {
                i = quoted(&chars, i, &mut pieces)?;
            } else {
                pieces.push(Piece {
                    ch: c,
                    quoted: false,
                    pos: i,
                });
                i += 1;
            }
        }
        tokens.push(Token {
            negated,
            start,
            pieces,
        });
    }
    Ok(tokens)
}

/// Reads a quoted run starting at the opening quote `open`; returns the
/// index just past the closing quote.
fn quoted(chars: &[char], open: usize, pieces: &mut Vec<Piece>) -> Result<usize, FilterError> {
    let mut i = open + 1;
    loop {
        match chars.get(i) {
            None => {
                return Err(FilterError::new(
                    "unterminated quote: add a closing `\"` (write `\\\"` for a quote inside)",
                    open,
                ));
            }
            Some('"') => return Ok(i + 1),
            Some('\\') => {
                // Only `\"` and `\\` are escapes; any other backslash is kept.
                let (ch, width) = match chars.get(i + 1) {
                    Some(&e @ ('"' | '\\')) => (e, 2),
                    _ => ('\\', 1),
                };
                pieces.push(Piece {
                    ch,
                    quoted: true,
                    pos: i,
                });
                i += width;
            }
            Some(&ch) => {
                pieces.push(Piece {
                    ch,
                    quoted: true,
                    pos: i,
                });
                i += 1;
            }
        }
    }
}
