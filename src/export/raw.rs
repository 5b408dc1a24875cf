//! The request as an HTTP/1.1 message, from the stored bytes.

use crate::model::{RequestDetail, header_value};

/// Request line, headers and body exactly as stored. HTTP/2 requests carry
/// their host as `:authority`, written here as the `host` header HTTP/1.1 uses.
pub fn to_http1(detail: &RequestDetail) -> Vec<u8> {
    let s = &detail.summary;
    let version = if s.http_version.starts_with("HTTP/1") {
        s.http_version.as_str()
    } else {
        "HTTP/1.1"
    };
    let mut out = Vec::with_capacity(detail.body.len() + 512);
    out.extend_from_slice(format!("{} {} {version}\r\n", s.method, s.target).as_bytes());
    for (name, value) in &detail.headers {
        let name = if name == ":authority" { "host" } else { name };
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&detail.body);
    out
}

/// The host the sender addressed: `Host`, or HTTP/2's `:authority`.
pub fn host_of(detail: &RequestDetail) -> Option<String> {
    header_value(&detail.headers, "host")
        .or_else(|| header_value(&detail.headers, ":authority"))
        .and_then(|v| std::str::from_utf8(v).ok())
        .map(str::to_owned)
}
