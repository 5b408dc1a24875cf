//! Plain data shared by capture, store and the views: ids, captured requests,
//! summaries for the list and full details for one request.

use std::fmt;
use std::sync::Arc;

/// Row id of a captured request; also what the user types in `show ID`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub i64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Header name as received and value as raw bytes: values need not be UTF-8,
/// and signatures must be recomputed over exactly what was sent.
pub type HeaderList = Vec<(String, Vec<u8>)>;

/// A request to store, before it has an id, with how it is answered: a
/// capture gets an `AnswerTemplate` filled in with its new id, an imported
/// request keeps the `Answer` it was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRequest<A = Arc<AnswerTemplate>> {
    pub received_at_us: i64,
    pub method: String,
    /// Path and query exactly as sent in the request line.
    pub target: String,
    pub http_version: String,
    pub remote_addr: String,
    pub headers: HeaderList,
    /// Stored body; shorter than `body_size` when `body_truncated`.
    pub body: bytes::Bytes,
    /// Size the sender announced or actually sent, even when we kept less.
    pub body_size: u64,
    pub body_truncated: bool,
    pub event_type: Option<String>,
    pub sig_provider: Option<String>,
    pub sig_status: Option<String>,
    /// How to answer once the row has an id; for captures shared, as most
    /// requests get the configured answer.
    pub answer: A,
}

/// What a stored request is answered, once its row has an id.
pub trait AnswerFor {
    fn status(&self) -> u16;
    fn for_id(&self, id: RequestId) -> Answer;
}

impl AnswerFor for Arc<AnswerTemplate> {
    fn status(&self) -> u16 {
        self.status
    }

    fn for_id(&self, id: RequestId) -> Answer {
        self.render(id)
    }
}

impl AnswerFor for Answer {
    fn status(&self) -> u16 {
        self.status
    }

    fn for_id(&self, _: RequestId) -> Answer {
        self.clone()
    }
}

/// The answer sent back to the sender. The body may contain `{id}`, replaced
/// with the stored id, so a sender can correlate its delivery with a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerTemplate {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl AnswerTemplate {
    pub fn render(&self, id: RequestId) -> Answer {
        Answer {
            status: self.status,
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.as_bytes().to_vec()))
                .collect(),
            body: fill_id(&self.body, id),
        }
    }
}

/// `body` with every `{id}` replaced by the id, in one pass and one
/// allocation: this runs for every captured request.
fn fill_id(body: &str, id: RequestId) -> Vec<u8> {
    use std::io::Write;
    const MARK: &str = "{id}";
    let mut out = Vec::with_capacity(body.len() + 16);
    let mut rest = body;
    while let Some(at) = rest.find('{') {
        out.extend_from_slice(&rest.as_bytes()[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix(MARK) {
            // Writing an integer into a Vec cannot fail.
            let _ = write!(out, "{}", id.0);
            rest = after;
        } else {
            out.push(b'{');
            rest = &rest[1..];
        }
    }
    out.extend_from_slice(rest.as_bytes());
    out
}

/// An answer as actually sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderList,
    pub body: Vec<u8>,
}

/// One row of the list: everything but headers and bodies.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RequestSummary {
    #[serde(serialize_with = "ser_id")]
    pub id: RequestId,
    pub received_at_us: i64,
    pub method: String,
    pub target: String,
    pub http_version: String,
    pub remote_addr: String,
    pub content_type: Option<String>,
    pub body_size: u64,
    pub body_truncated: bool,
    pub status: u16,
    pub event_type: Option<String>,
    pub sig_provider: Option<String>,
    pub sig_status: Option<String>,
}

fn ser_id<S: serde::Serializer>(id: &RequestId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(id.0)
}

/// Everything stored about one request, loaded only on selection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestDetail {
    pub summary: RequestSummary,
    pub headers: HeaderList,
    pub body: Vec<u8>,
    pub answer: Answer,
}

impl RequestDetail {
    /// First header with this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        header_value(&self.headers, name)
    }
}

/// First value of `name` in `headers`, compared case-insensitively.
pub fn header_value<'a>(headers: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a [u8]> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_slice())
}

/// A resend, forward or sample send of a request, and what came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub id: i64,
    pub kind: String,
    pub method: String,
    pub url: String,
    pub started_at_us: i64,
    pub duration_us: Option<i64>,
    pub response_status: Option<u16>,
    pub response_headers: HeaderList,
    pub response_body: Vec<u8>,
    pub error: Option<String>,
}

/// An attempt about to be stored: what was sent and what came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAttempt {
    /// The captured request it resends or forwards; none for sample sends.
    pub request_id: Option<RequestId>,
    /// `resend`, `forward` or `send`.
    pub kind: &'static str,
    pub method: String,
    pub url: String,
    pub headers: HeaderList,
    pub body: Vec<u8>,
    pub started_at_us: i64,
    pub duration_us: Option<i64>,
    pub response_status: Option<u16>,
    pub response_headers: HeaderList,
    pub response_body: Vec<u8>,
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_id_placeholder_is_filled_and_other_braces_stay() {
        let cases = [
            ("", ""),
            ("{id}", "42"),
            (r#"{"id":{id},"stored":true}"#, r#"{"id":42,"stored":true}"#),
            ("{id}{id} {i} {id", "4242 {i} {id"),
            ("{{id}}", "{42}"),
            ("é{id}ü", "é42ü"),
        ];
        for (body, want) in cases {
            assert_eq!(fill_id(body, RequestId(42)), want.as_bytes(), "{body:?}");
        }
    }

    proptest! {
        #[test]
        fn filling_matches_a_plain_replace(body in "[{}id x\u{e9}]{0,40}", id in any::<i64>()) {
            prop_assert_eq!(
                fill_id(&body, RequestId(id)),
                body.replace("{id}", &id.to_string()).into_bytes()
            );
        }
    }
}
