//! A captured request as a JSON object; bytes that are not UTF-8 are given
//! as base64 so the object is lossless.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::human;
use crate::model::RequestDetail;

pub fn detail_json(detail: &RequestDetail) -> Value {
    let s = &detail.summary;
    json!({
        "id": s.id.0,
        "received_at": human::rfc3339(s.received_at_us),
        "received_at_us": s.received_at_us,
        "method": s.method,
        "target": s.target,
        "http_version": s.http_version,
        "remote_addr": s.remote_addr,
        "headers": headers_json(&detail.headers),
        "body": bytes_json(&detail.body),
        "body_size": s.body_size,
        "body_truncated": s.body_truncated,
        "event_type": s.event_type,
        "sig_provider": s.sig_provider,
        "sig_status": s.sig_status,
        "response": {
            "status": detail.answer.status,
            "headers": headers_json(&detail.answer.headers),
            "body": bytes_json(&detail.answer.body),
        },
    })
}

/// `[[name, value], ...]`, order and duplicates kept.
fn headers_json(headers: &[(String, Vec<u8>)]) -> Value {
    Value::Array(
        headers
            .iter()
            .map(|(n, v)| json!([n, bytes_json(v)]))
            .collect(),
    )
}

/// A string when the bytes are UTF-8, else `{"base64": "..."}`.
fn bytes_json(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(text) => Value::String(text.to_owned()),
        Err(_) => json!({ "base64": STANDARD.encode(bytes) }),
    }
}
