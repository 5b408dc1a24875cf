//! Values of keyed terms: path and type globs, status and id ranges, header
//! `name=value` pairs and signature status names.

use super::lexer::Piece;
use super::{FilterError, Pattern, Test};

/// Signature status spellings (after lower-casing and `-` → `_`) and the
/// stored value each stands for; `None` is "not checked" (SQL NULL).
const SIG_NAMES: &[(&str, Option<&str>)] = &[
    ("valid", Some("valid")),
    ("invalid", Some("invalid_signature")),
    ("invalid_signature", Some("invalid_signature")),
    ("expired", Some("expired")),
    ("malformed", Some("malformed_header")),
    ("malformed_header", Some("malformed_header")),
    ("missing", Some("missing_header")),
    ("missing_header", Some("missing_header")),
    ("unverified", Some("unverified")),
    ("unsigned", Some("unsigned")),
    ("none", None),
    ("unchecked", None),
];

/// A value for an error message: control characters escaped, long text cut.
pub(crate) fn show(text: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = text
        .chars()
        .take(MAX)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// Exact text, or a GLOB pattern when an unquoted `*` appears. Only `*` is
/// a wildcard: GLOB's own `?` and `[` (and quoted `*`) become one-character
/// classes that match themselves.
pub(crate) fn glob(pieces: &[Piece]) -> Pattern {
    let text: String = pieces.iter().map(|p| p.ch).collect();
    if !pieces.iter().any(|p| p.ch == '*' && !p.quoted) {
        return Pattern::Exact(text);
    }
    let mut pattern = String::with_capacity(text.len() + 8);
    for p in pieces {
        match p.ch {
            '*' if !p.quoted => pattern.push('*'),
            '*' => pattern.push_str("[*]"),
            '?' => pattern.push_str("[?]"),
            '[' => pattern.push_str("[[]"),
            c => pattern.push(c),
        }
    }
    Pattern::Glob(pattern)
}

/// A path pattern; it must start with `/` or a wildcard, as paths do.
pub(crate) fn path(pieces: &[Piece], at: usize) -> Result<Pattern, FilterError> {
    let starts_ok = pieces
        .first()
        .is_some_and(|p| p.ch == '/' || (p.ch == '*' && !p.quoted));
    if !starts_ok {
        let text: String = pieces.iter().map(|p| p.ch).collect();
        return Err(FilterError::new(
            format!(
                "a path starts with `/`: try `path:/{}` (`*` matches any characters)",
                show(&text)
            ),
            at,
        ));
    }
    Ok(glob(pieces))
}

/// `header:name` or `header:name=value`, split at the first unquoted `=`.
/// The name is lower-cased (names are stored that way); the value is exact
/// and may be empty (`header:x-foo=` wants an empty value).
pub(crate) fn header(pieces: &[Piece], at: usize) -> Result<Test, FilterError> {
    let eq = pieces.iter().position(|p| p.ch == '=' && !p.quoted);
    let (name, value) = match eq {
        Some(i) => {
            let (name, rest) = pieces.split_at(i);
            (name, rest.split_first().map(|(_, value)| value))
        }
        None => (pieces, None),
    };
    if name.is_empty() {
        return Err(FilterError::new(
            "header name missing before `=`, e.g. `header:x-github-event=push`",
            at,
        ));
    }
    Ok(Test::Header {
        name: name.iter().map(|p| p.ch.to_ascii_lowercase()).collect(),
        value: value.map(|v| v.iter().map(|p| p.ch).collect()),
    })
}

/// A signature status name or alias.
pub(crate) fn sig(text: &str, at: usize) -> Result<Option<&'static str>, FilterError> {
    let wanted = text.to_ascii_lowercase().replace('-', "_");
    SIG_NAMES
        .iter()
        .find(|(name, _)| *name == wanted)
        .map(|&(_, stored)| stored)
        .ok_or_else(|| {
            FilterError::new(
                format!(
                    "unknown signature status `{}`; use valid, invalid, expired, malformed, \
                     missing, unverified, unsigned or none (not checked)",
                    show(text)
                ),
                at,
            )
        })
}

/// Why a range did not parse.
enum RangeError {
    Bad,
    Backwards,
    Overflow,
}

/// `N`, `A-B`, `>N`, `>=N`, `<N` or `<=N` as an inclusive range, with `number`
/// reading each bound.
fn range(text: &str, number: impl Fn(&str) -> Option<i64>) -> Result<(i64, i64), RangeError> {
    let num = |s: &str| number(s).ok_or(RangeError::Bad);
    if let Some(rest) = text.strip_prefix(">=") {
        Ok((num(rest)?, i64::MAX))
    } else if let Some(rest) = text.strip_prefix("<=") {
        Ok((i64::MIN, num(rest)?))
    } else if let Some(rest) = text.strip_prefix('>') {
        let lo = num(rest)?.checked_add(1).ok_or(RangeError::Overflow)?;
        Ok((lo, i64::MAX))
    } else if let Some(rest) = text.strip_prefix('<') {
        let hi = num(rest)?.checked_sub(1).ok_or(RangeError::Overflow)?;
        Ok((i64::MIN, hi))
    } else if let Some((a, b)) = text.split_once('-') {
        let (lo, hi) = (num(a)?, num(b)?);
        if lo > hi {
            return Err(RangeError::Backwards);
        }
        Ok((lo, hi))
    } else {
        let n = num(text)?;
        Ok((n, n))
    }
}

/// A three-digit status code.
fn status_code(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 3 || !b.iter().all(u8::is_ascii_digit) || b.first() == Some(&b'0') {
        return None;
    }
    text.parse().ok()
}

/// A status class such as `4xx` or `40x`: leading digits, then only `x`.
fn status_class(text: &str) -> Option<(i64, i64)> {
    let b = text.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let wild = b.len().checked_sub(digits)?;
    if b.len() != 3 || digits == 0 || wild == 0 || b.first() == Some(&b'0') {
        return None;
    }
    if !b.iter().skip(digits).all(|c| c.eq_ignore_ascii_case(&b'x')) {
        return None;
    }
    let scale = 10i64.pow(u32::try_from(wild).ok()?);
    let lo = text.get(..digits)?.parse::<i64>().ok()? * scale;
    Some((lo, lo + scale - 1))
}

/// A status code, class, range or bound.
pub(crate) fn status(text: &str, at: usize) -> Result<(i64, i64), FilterError> {
    if let Some(class) = status_class(text) {
        return Ok(class);
    }
    range(text, status_code).map_err(|e| {
        let message = match e {
            RangeError::Backwards => format!(
                "status range `{}` is backwards: put the lower code first",
                show(text)
            ),
            RangeError::Bad | RangeError::Overflow => format!(
                "bad status `{}`: use a code like 404, a class like 4xx or 40x, \
                 a range like 400-499, or a bound like >=400",
                show(text)
            ),
        };
        FilterError::new(message, at)
    })
}

/// A request id, id range or bound.
pub(crate) fn id(text: &str, at: usize) -> Result<(i64, i64), FilterError> {
    let number = |s: &str| {
        if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse::<i64>().ok()
    };
    range(text, number).map_err(|e| {
        let message = match e {
            RangeError::Backwards => format!(
                "id range `{}` is backwards: put the lower id first",
                show(text)
            ),
            RangeError::Overflow => format!("id bound `{}` is out of range", show(text)),
            RangeError::Bad => format!(
                "bad id `{}`: use a number like 42, a range like 10-20, or a bound like >100",
                show(text)
            ),
        };
        FilterError::new(message, at)
    })
}
