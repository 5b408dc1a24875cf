//! Turns one lexed term into a `Term`: finds its key, checks the value and
//! words errors so the user knows what to type instead.

use super::lexer::{Piece, Token};
use super::{FilterError, Term, Test, values};

/// The keys a term can start with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    Method,
    Path,
    Status,
    Type,
    Header,
    Sig,
    Body,
    Ct,
    Id,
}

/// Accepted spellings (matched case-insensitively), primary names first.
const KEYS: &[(&str, Key)] = &[
    ("method", Key::Method),
    ("path", Key::Path),
    ("status", Key::Status),
    ("type", Key::Type),
    ("header", Key::Header),
    ("sig", Key::Sig),
    ("body", Key::Body),
    ("ct", Key::Ct),
    ("id", Key::Id),
    ("content-type", Key::Ct),
];

/// Listed in the unknown-key message.
const KEY_LIST: &str = "method, path, status, type, header, sig, body, ct, id";

impl Key {
    fn example(self) -> &'static str {
        match self {
            Key::Method => "method:POST",
            Key::Path => "path:/hooks/*",
            Key::Status => "status:4xx",
            Key::Type => "type:push",
            Key::Header => "header:x-github-event=push",
            Key::Sig => "sig:invalid",
            Key::Body => "body:\"some text\"",
            Key::Ct => "ct:json",
            Key::Id => "id:>100",
        }
    }
}

/// Parses one token into a term.
pub(crate) fn term(token: &Token) -> Result<Term, FilterError> {
    let test = match split_key(&token.pieces) {
        Some(kv) => keyed(kv)?,
        None => word(token)?,
    };
    Ok(Term {
        negated: token.negated,
        test,
    })
}

/// A key and its value pieces, when the term is `key:value`.
struct KeyValue<'a> {
    name: String,
    pos: usize,
    /// Char offset just past the `:`, where the value starts.
    value_pos: usize,
    value: &'a [Piece],
}

/// Splits `key:value` at the first unquoted `:` when what comes before it is
/// an unquoted ASCII word starting with a letter; anything else is free text.
fn split_key(pieces: &[Piece]) -> Option<KeyValue<'_>> {
    let colon = pieces.iter().position(|p| p.ch == ':' && !p.quoted)?;
    let (key, rest) = pieces.split_at(colon);
    let (first, _) = key.split_first()?;
    let word_char = |p: &Piece| !p.quoted && (p.ch.is_ascii_alphanumeric() || "-_".contains(p.ch));
    if !first.ch.is_ascii_alphabetic() || !key.iter().all(word_char) {
        return None;
    }
    let (colon_piece, value) = rest.split_first()?;
    Some(KeyValue {
        name: key.iter().map(|p| p.ch).collect(),
        pos: first.pos,
        value_pos: colon_piece.pos + 1,
        value,
    })
}

fn word(token: &Token) -> Result<Test, FilterError> {
    if token.pieces.is_empty() {
        return Err(FilterError::new(
            "empty quotes: put the text to search for between them",
            token.start,
        ));
    }
    let exact: String = token.pieces.iter().map(|p| p.ch).collect();
    Ok(Test::Word {
        lower: exact.to_ascii_lowercase(),
        exact,
    })
}

fn keyed(kv: KeyValue<'_>) -> Result<Test, FilterError> {
    let key = lookup(&kv.name).ok_or_else(|| unknown_key(&kv.name, kv.pos))?;
    if kv.value.is_empty() {
        return Err(FilterError::new(
            format!(
                "`{}:` needs a value, e.g. `{}`",
                kv.name.to_ascii_lowercase(),
                key.example()
            ),
            kv.value_pos,
        ));
    }
    let text: String = kv.value.iter().map(|p| p.ch).collect();
    let at = kv.value_pos;
    Ok(match key {
        Key::Method => Test::Method(text),
        Key::Path => Test::Path(values::path(kv.value, at)?),
        Key::Status => {
            let (lo, hi) = values::status(&text, at)?;
            Test::Status { lo, hi }
        }
        Key::Type => Test::EventType(values::glob(kv.value)),
        Key::Header => values::header(kv.value, at)?,
        Key::Sig => Test::Sig(values::sig(&text, at)?),
        Key::Body => Test::Body(text),
        Key::Ct => Test::ContentType(text.to_ascii_lowercase()),
        Key::Id => {
            let (lo, hi) = values::id(&text, at)?;
            Test::Id { lo, hi }
        }
    })
}

fn lookup(name: &str) -> Option<Key> {
    KEYS.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|&(_, key)| key)
}

fn unknown_key(name: &str, pos: usize) -> FilterError {
    let lower = name.to_ascii_lowercase();
    let message = match suggest(&lower) {
        Some(s) => format!("unknown key `{lower}` (did you mean `{s}`?); keys: {KEY_LIST}"),
        None => format!(
            "unknown key `{lower}`; keys: {KEY_LIST}; to search for text containing `:`, \
             put it in quotes"
        ),
    };
    FilterError::new(message, pos)
}

/// The closest key name: one the input is a prefix of, else one within a
/// small edit distance (transpositions count once).
fn suggest(name: &str) -> Option<&'static str> {
    if name.len() >= 2
        && let Some((k, _)) = KEYS.iter().find(|(k, _)| k.starts_with(name))
    {
        return Some(k);
    }
    let limit = (name.chars().count() / 2).clamp(1, 2);
    KEYS.iter()
        .map(|&(k, _)| (edit_distance(name, k), k))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Optimal-string-alignment distance between two short strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j] = distance between a[..i] and b[..j].
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        if let Some(first) = row.first_mut() {
            *first = i;
        }
    }
    if let Some(first) = rows.first_mut() {
        for (j, cell) in first.iter_mut().enumerate() {
            *cell = j;
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}
