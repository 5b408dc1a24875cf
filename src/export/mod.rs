//! Renderings of a captured request for other tools: the raw HTTP/1.1
//! message, a curl command, JSON, Markdown, HAR; and redaction for sharing.
//! Pure functions; callers do the I/O, but for `write_file`, which writes a
//! whole export file.

mod curl;
mod file;
mod har;
mod json;
mod markdown;
mod raw;
mod redact;

pub use curl::to_curl;
pub use file::{check_format, write_file};
pub use har::{HAR_TAIL, har_entry, har_head};
pub use json::{attempts_json, detail_json, json_text, write_json};
pub use markdown::to_markdown;
pub use raw::{dechunk, host_of, is_chunked, to_http1};
pub use redact::{REDACTED, redact, redact_attempts};

#[cfg(test)]
pub(crate) mod tests {
    use crate::model::{Answer, RequestDetail, RequestId, RequestSummary};

    /// A POST to `/hooks/a` over HTTP/1.1 with these headers and body.
    pub(crate) fn detail(headers: &[(&str, &[u8])], body: &[u8]) -> RequestDetail {
        RequestDetail {
            summary: RequestSummary {
                id: RequestId(1),
                received_at_us: 1_735_732_800_000_000,
                method: "POST".into(),
                target: "/hooks/a".into(),
                http_version: "HTTP/1.1".into(),
                remote_addr: "127.0.0.1:5000".into(),
                content_type: None,
                body_size: body.len() as u64,
                body_truncated: false,
                status: 200,
                event_type: Some("lead.captured".into()),
                sig_provider: None,
                sig_status: None,
            },
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.to_vec()))
                .collect(),
            body: body.to_vec(),
            answer: Answer {
                status: 200,
                headers: Vec::new(),
                body: Vec::new(),
            },
        }
    }
}
