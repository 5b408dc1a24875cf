//! Terms as SQL over `requests`: fixed fragments plus `?` placeholders, with
//! headers and bodies reached only through correlated `request_data` lookups.
//! Every term's expression is 0 or 1, never NULL, so `NOT (...)` is exact.

use rusqlite::types::Value;

use super::{Pattern, SqlFilter, Term, Test};

/// The path part of the target: everything before the first `?` (written
/// as `char(63)` so the only `?` in the SQL are placeholders).
const PATH: &str = "substr(requests.target, 1, instr(requests.target || char(63), char(63)) - 1)";

/// Opens a lookup of the request's stored headers and body.
const DATA: &str = "EXISTS (SELECT 1 FROM request_data d WHERE d.request_id = requests.id AND ";

/// Builds the whole condition; terms are joined with AND.
pub(crate) fn build(terms: &[Term]) -> SqlFilter {
    let mut out = Out(SqlFilter {
        expr: String::new(),
        params: Vec::new(),
    });
    if terms.is_empty() {
        out.sql("1");
    }
    for (i, term) in terms.iter().enumerate() {
        if i > 0 {
            out.sql(" AND ");
        }
        out.sql(if term.negated { "NOT (" } else { "(" });
        test(&term.test, &mut out);
        out.sql(")");
    }
    out.0
}

/// Appends SQL and binds values in step, so placeholders and params agree.
struct Out(SqlFilter);

impl Out {
    fn sql(&mut self, fragment: &str) {
        self.0.expr.push_str(fragment);
    }

    fn bind(&mut self, value: impl Into<Value>) {
        self.0.expr.push('?');
        self.0.params.push(value.into());
    }

    /// `column = ?` for one value, else `column BETWEEN ? AND ?`.
    fn range(&mut self, column: &str, lo: i64, hi: i64) {
        self.sql(column);
        if lo == hi {
            self.sql(" = ");
            self.bind(lo);
        } else {
            self.sql(" BETWEEN ");
            self.bind(lo);
            self.sql(" AND ");
            self.bind(hi);
        }
    }

    /// The body contains `bytes` (byte-wise: both sides are BLOBs).
    fn body_contains(&mut self, bytes: Vec<u8>) {
        self.sql(DATA);
        self.sql("instr(d.body, ");
        self.bind(bytes);
        self.sql(") > 0)");
    }
}

fn test(test: &Test, out: &mut Out) {
    match test {
        Test::Word { lower, exact } => {
            // SQLite's lower() folds ASCII only, like `to_ascii_lowercase`.
            out.sql("instr(lower(requests.target), ");
            out.bind(lower.clone());
            out.sql(") > 0 OR ");
            out.body_contains(exact.as_bytes().to_vec());
        }
        Test::Method(method) => {
            out.sql("requests.method = ");
            out.bind(method.clone());
            out.sql(" COLLATE NOCASE");
        }
        Test::Path(Pattern::Exact(path)) => {
            out.sql(PATH);
            out.sql(" = ");
            out.bind(path.clone());
        }
        Test::Path(Pattern::Glob(glob)) => {
            out.sql(PATH);
            out.sql(" GLOB ");
            out.bind(glob.clone());
        }
        Test::Status { lo, hi } => out.range("requests.status", *lo, *hi),
        Test::EventType(Pattern::Exact(kind)) => {
            out.sql("requests.event_type IS ");
            out.bind(kind.clone());
        }
        Test::EventType(Pattern::Glob(glob)) => {
            out.sql("coalesce(requests.event_type GLOB ");
            out.bind(glob.clone());
            out.sql(", 0)");
        }
        Test::Header { name, value } => header(name, value.as_deref(), out),
        Test::Sig(Some(status)) => {
            out.sql("requests.sig_status IS ");
            out.bind(status.to_string());
        }
        Test::Sig(None) => out.sql("requests.sig_status IS NULL"),
        Test::Body(text) => out.body_contains(text.as_bytes().to_vec()),
        Test::ContentType(lower) => {
            out.sql("coalesce(instr(lower(requests.content_type), ");
            out.bind(lower.clone());
            out.sql(") > 0, 0)");
        }
        Test::Id { lo, hi } => out.range("requests.id", *lo, *hi),
    }
}

/// Appends `[u32 big-endian length][bytes]`, the headers BLOB's chunk format.
fn push_chunk(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// A header by name (and exact value). The headers BLOB is a run of
/// length-prefixed chunks alternating name, value, name, value. The
/// encoded name chunk (plus value chunk) could also occur where a *value*
/// equals the name, so a fast `instr` on the BLOB only pre-selects rows;
/// a recursive walk over the chunk boundaries then checks that the pattern
/// starts at a name chunk. The walk decodes each length from `hex()` of its
/// four bytes, taking every hex digit's value as its position in
/// '123456789ABCDEF' ('0' is absent, so 0).
fn header(name: &str, value: Option<&str>, out: &mut Out) {
    let mut pattern = Vec::with_capacity(8 + name.len() + value.map_or(0, str::len));
    push_chunk(&mut pattern, name.as_bytes());
    if let Some(value) = value {
        push_chunk(&mut pattern, value.as_bytes());
    }
    out.sql(DATA);
    out.sql("instr(d.headers, ");
    out.bind(pattern.clone());
    out.sql(") > 0 AND EXISTS (WITH RECURSIVE w(pos, is_name, pat) AS (SELECT 1, 1, ");
    out.bind(pattern);
    out.sql(" UNION ALL SELECT w.pos + 4 + ");
    out.sql(&chunk_len("d.headers", "w.pos"));
    out.sql(
        ", 1 - w.is_name, w.pat FROM w WHERE w.pos <= length(d.headers)) \
         SELECT 1 FROM w WHERE w.is_name = 1 \
         AND substr(d.headers, w.pos, length(w.pat)) = w.pat))",
    );
}

/// SQL for the big-endian u32 at 1-based byte `pos` of `blob`.
fn chunk_len(blob: &str, pos: &str) -> String {
    let digits: Vec<String> = (0..8u32)
        .map(|i| {
            format!(
                "(instr('123456789ABCDEF', substr(hex(substr({blob}, {pos}, 4)), {}, 1)) << {})",
                i + 1,
                28 - 4 * i
            )
        })
        .collect();
    format!("({})", digits.join(" + "))
}
