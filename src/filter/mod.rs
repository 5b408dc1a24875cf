//! The filter language of the list view and `ls --filter`: parses what the
//! user typed into terms and turns them into a parameterised SQL condition.

mod lexer;
mod parse;
mod sql;
#[cfg(test)]
mod tests;
mod values;

/// A parsed filter: every term must match.
///
/// Terms are separated by whitespace and all must match; `-term` excludes.
/// Keys are case-insensitive:
///
/// - `word`: in the target (path and query, ASCII case-insensitive) or in
///   the body (exact, case-sensitive bytes).
/// - `method:post`: the method, ASCII case-insensitive.
/// - `path:/hooks/*`: the path (target before any `?`), case-sensitive; `*`
///   is any run of characters, and without `*` the path must be equal.
/// - `status:404`: our answer's status; also `4xx`, `40x`, `400-499`,
///   `>=400`, `>399`, `<300`, `<=299`.
/// - `type:lead.captured`: the event type, exactly or with `*`; `-type:*`
///   finds requests without one.
/// - `header:x-github-event`: a header with that name (any case) is present;
///   `header:x-github-event=push` wants exactly that value (case-sensitive),
///   `header:x-foo=` an empty one.
/// - `sig:invalid`: signature status `valid`, `invalid`, `expired`,
///   `malformed`, `missing`, `unverified`, `unsigned` or `none`/`unchecked`
///   (not checked); the stored names (`invalid_signature`, ...) work too.
/// - `body:"some text"`: the body contains these bytes (case-sensitive).
/// - `ct:json` or `content-type:json`: the content type contains this, ASCII
///   case-insensitive.
/// - `id:>100`: the request id; also `id:42`, `id:10-20`, `<`, `<=`, `>=`.
///
/// Double quotes keep spaces and make `:`, `=` and `*` literal; inside them
/// `\"` is a quote and `\\` a backslash, and any other backslash is kept.
/// A word with `:` after a leading letter (`a:b`) is read as a key, so quote
/// it (`"a:b"`) to search for it as text.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Filter {
    terms: Vec<Term>,
}

/// A filter as SQL: a boolean expression over the table `requests` (no
/// alias) whose only inputs are `?` placeholders, bound to `params` in order.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlFilter {
    pub expr: String,
    pub params: Vec<rusqlite::types::Value>,
}

/// Why a filter did not parse, and where. Displays as the message followed
/// by the 1-based character column.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {col})", col = .position + 1)]
pub struct FilterError {
    /// What is wrong and how to fix it.
    pub message: String,
    /// Char (not byte) offset in the input where the problem starts.
    pub position: usize,
}

impl FilterError {
    pub(crate) fn new(message: impl Into<String>, position: usize) -> FilterError {
        FilterError {
            message: message.into(),
            position,
        }
    }
}

/// Most terms a filter takes. Every term nests a condition in SQLite's
/// expression tree, and SQLite refuses a filter of about 350 header terms
/// ("subqueries nested too deep"); a filter typed by hand stays far below.
pub const MAX_TERMS: usize = 64;

impl Filter {
    /// Parses user input; blank input gives the empty filter (matches all).
    pub fn parse(input: &str) -> Result<Filter, FilterError> {
        let tokens = lexer::tokenize(input)?;
        if let Some(extra) = tokens.get(MAX_TERMS) {
            return Err(FilterError::new(
                format!("a filter takes at most {MAX_TERMS} terms; this is one more"),
                extra.start,
            ));
        }
        let terms = tokens.iter().map(parse::term).collect::<Result<_, _>>()?;
        Ok(Filter { terms })
    }

    /// True when the filter has no terms and so matches every request.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// SQL boolean expression over the table `requests` (no alias), with `?`
    /// placeholders only (values are never formatted into SQL), and its
    /// parameters in order. An empty filter gives "1" and no params.
    pub fn to_sql(&self) -> SqlFilter {
        sql::build(&self.terms)
    }
}

/// One term, possibly negated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Term {
    pub negated: bool,
    pub test: Test,
}

/// What a term checks. Text is kept as typed, lower-cased where the match
/// ignores ASCII case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Test {
    /// A free word: in the target (lower-cased here) or in the body.
    Word { lower: String, exact: String },
    /// The method, compared ASCII case-insensitively.
    Method(String),
    /// The path part of the target.
    Path(Pattern),
    /// Status within an inclusive range.
    Status { lo: i64, hi: i64 },
    /// The event type.
    EventType(Pattern),
    /// A header by lower-cased name, with an exact value if given.
    Header { name: String, value: Option<String> },
    /// The signature status; `None` is "not checked" (SQL NULL).
    Sig(Option<&'static str>),
    /// Bytes in the body.
    Body(String),
    /// Lower-cased text in the content type.
    ContentType(String),
    /// Request id within an inclusive range.
    Id { lo: i64, hi: i64 },
}

/// A text match that is exact unless it has a wildcard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Pattern {
    Exact(String),
    /// An SQLite GLOB pattern in which only `*` is a wildcard; `?`, `[` and
    /// quoted `*` are already escaped as classes.
    Glob(String),
}
