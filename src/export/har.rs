//! HAR 1.2, the HTTP Archive that browsers' developer tools, proxies and
//! API clients read: each captured request is an entry whose response is the
//! answer hookscope sent. The caller writes `har_head()`, the entries
//! separated by commas, then `HAR_TAIL`, so a large capture is never one
//! value in memory.
//!
//! Bytes HAR cannot carry as text are kept: a body that is not UTF-8 is
//! base64 (`encoding` in a response, `_encoding` in a request, where HAR
//! has no field for it), and a header value that is not UTF-8 keeps its
//! bytes in `_valueBase64`. Fields of hookscope's own start with `_`, as
//! HAR asks.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::raw::host_of;
use crate::human;
use crate::model::{RequestDetail, header_value};

/// The document up to the first entry.
pub fn har_head() -> String {
    let creator = json!({ "name": "hookscope", "version": env!("CARGO_PKG_VERSION") });
    format!(r#"{{"log":{{"version":"1.2","creator":{creator},"entries":["#)
}

/// The document after the last entry.
pub const HAR_TAIL: &str = "]}}\n";

/// One captured request and its answer as a HAR entry.
pub fn har_entry(detail: &RequestDetail) -> Value {
    let s = &detail.summary;
    let mut request = json!({
        "method": s.method,
        "url": url(detail),
        "httpVersion": s.http_version,
        "cookies": cookies(detail),
        "headers": headers(&detail.headers),
        "queryString": query(&s.target),
        // The head's size as sent is not stored; HAR's "unknown" is -1.
        "headersSize": -1,
        "bodySize": s.body_size,
    });
    if !detail.body.is_empty() {
        let mut post = json!({ "mimeType": s.content_type.as_deref().unwrap_or("") });
        put_text(&mut post, &detail.body, "_encoding");
        request["postData"] = post;
    }
    let answer = &detail.answer;
    let mut content = json!({
        "size": answer.body.len(),
        "mimeType": header_text(&answer.headers, "content-type"),
    });
    put_text(&mut content, &answer.body, "encoding");
    json!({
        "startedDateTime": human::rfc3339(s.received_at_us),
        // Timings are not measured; zero is the closest HAR allows.
        "time": 0,
        "request": request,
        "response": {
            "status": answer.status,
            "statusText": http::StatusCode::from_u16(answer.status)
                .ok()
                .and_then(|c| c.canonical_reason())
                .unwrap_or(""),
            "httpVersion": s.http_version,
            "cookies": [],
            "headers": headers(&answer.headers),
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": answer.body.len(),
        },
        "cache": {},
        "timings": { "send": 0, "wait": 0, "receive": 0 },
        "_hookscope": {
            "id": s.id.0,
            "remoteAddress": s.remote_addr,
            "bodyTruncated": s.body_truncated,
            "eventType": s.event_type,
            "signatureProvider": s.sig_provider,
            "signatureStatus": s.sig_status,
            // `*` (OPTIONS) and absolute-form targets are not a URL's path.
            "requestTarget": (!s.target.starts_with('/')).then_some(&s.target),
        },
    })
}

/// HAR wants an absolute URL: a request sent in absolute form (to a proxy)
/// has one; otherwise it is rebuilt from the host the sender addressed.
fn url(detail: &RequestDetail) -> String {
    let target = &detail.summary.target;
    if target.starts_with("http://") || target.starts_with("https://") {
        return target.clone();
    }
    // `OPTIONS *` asks the server itself: its URL is the server's root.
    let target = if target == "*" { "/" } else { target };
    // The Host header is the sender's text; only a valid authority goes
    // into the URL (the header itself is kept among the headers).
    let host = host_of(detail)
        .filter(|h| h.parse::<http::uri::Authority>().is_ok())
        .unwrap_or_else(|| "localhost".to_owned());
    // The target parsed as a URI when it was captured or imported.
    format!("http://{host}{target}")
}

fn headers(headers: &[(String, Vec<u8>)]) -> Value {
    headers
        .iter()
        .map(|(name, value)| match std::str::from_utf8(value) {
            Ok(text) => json!({ "name": name, "value": text }),
            Err(_) => json!({
                "name": name,
                "value": String::from_utf8_lossy(value),
                "_valueBase64": STANDARD.encode(value),
            }),
        })
        .collect()
}

fn header_text(headers: &[(String, Vec<u8>)], name: &str) -> String {
    header_value(headers, name)
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .unwrap_or_default()
}

/// The `Cookie` header's pairs (none once `--redact` has replaced it).
fn cookies(detail: &RequestDetail) -> Value {
    detail
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("cookie"))
        .flat_map(|(_, value)| {
            let text = String::from_utf8_lossy(value);
            text.split(';')
                .filter_map(|pair| {
                    let (name, value) = pair.split_once('=')?;
                    Some(json!({ "name": name.trim(), "value": value.trim() }))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The query string's pairs, decoded as HAR shows them.
fn query(target: &str) -> Value {
    let Some((_, query)) = target.split_once('?') else {
        return json!([]);
    };
    form_urlencoded::parse(query.as_bytes())
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect()
}

/// `text`, or its base64 with `encoding_field` set when the bytes are not UTF-8.
fn put_text(object: &mut Value, bytes: &[u8], encoding_field: &str) {
    match std::str::from_utf8(bytes) {
        Ok(text) => object["text"] = json!(text),
        Err(_) => {
            object["text"] = json!(STANDARD.encode(bytes));
            object[encoding_field] = json!("base64");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::detail;

    #[test]
    fn an_entry_keeps_what_was_sent() {
        let mut d = detail(
            &[
                ("host", b"example.test:8765"),
                ("content-type", b"application/json"),
                ("cookie", b"a=1; b=two"),
                ("x-raw", b"\xff\xfe"),
            ],
            br#"{"type":"lead.captured"}"#,
        );
        d.summary.target = "/hooks/a?x=1&y=%20z".into();
        d.summary.content_type = Some("application/json".into());
        d.answer.headers = vec![("content-type".into(), b"application/json".to_vec())];
        d.answer.body = br#"{"id":1}"#.to_vec();
        let entry = har_entry(&d);
        let request = &entry["request"];
        assert_eq!(
            request["url"],
            "http://example.test:8765/hooks/a?x=1&y=%20z"
        );
        assert_eq!(
            request["queryString"],
            json!([{ "name": "x", "value": "1" }, { "name": "y", "value": " z" }])
        );
        assert_eq!(
            request["cookies"],
            json!([{ "name": "a", "value": "1" }, { "name": "b", "value": "two" }])
        );
        assert_eq!(
            request["headers"][3]["_valueBase64"],
            STANDARD.encode(b"\xff\xfe")
        );
        assert_eq!(request["postData"]["text"], r#"{"type":"lead.captured"}"#);
        assert_eq!(request["postData"]["mimeType"], "application/json");
        assert_eq!(entry["response"]["statusText"], "OK");
        assert_eq!(entry["response"]["content"]["text"], r#"{"id":1}"#);
        assert_eq!(entry["response"]["content"]["mimeType"], "application/json");
        assert_eq!(entry["_hookscope"]["eventType"], "lead.captured");
    }

    #[test]
    fn bytes_that_are_not_text_are_base64() {
        let mut d = detail(&[], b"\x1f\x8b\x08\x00");
        d.answer.body = vec![0xff];
        let entry = har_entry(&d);
        assert_eq!(entry["request"]["postData"]["_encoding"], "base64");
        assert_eq!(
            STANDARD
                .decode(entry["request"]["postData"]["text"].as_str().expect("text"))
                .expect("base64"),
            b"\x1f\x8b\x08\x00"
        );
        assert_eq!(entry["response"]["content"]["encoding"], "base64");
        assert_eq!(entry["response"]["content"]["text"], "/w==");
    }

    #[test]
    fn a_proxy_form_target_is_already_absolute_and_no_host_falls_back() {
        let mut d = detail(&[], b"");
        d.summary.target = "http://upstream.test/p?q".into();
        assert_eq!(url(&d), "http://upstream.test/p?q");
        d.summary.target = "/p".into();
        assert_eq!(url(&d), "http://localhost/p");
        // A Host header that is no authority stays a header only.
        let odd = detail(&[("host", b"a b/c")], b"");
        assert_eq!(url(&odd), "http://localhost/hooks/a");
        assert!(har_entry(&d)["request"].get("postData").is_none());
    }

    #[test]
    fn head_and_tail_make_one_document() {
        let d = detail(&[("host", b"h")], b"x");
        let doc = format!(
            "{}{},{}{}",
            har_head(),
            har_entry(&d),
            har_entry(&d),
            HAR_TAIL
        );
        let parsed: Value = serde_json::from_str(&doc).expect("valid JSON");
        assert_eq!(parsed["log"]["version"], "1.2");
        assert_eq!(parsed["log"]["creator"]["name"], "hookscope");
        assert_eq!(parsed["log"]["entries"].as_array().map(Vec::len), Some(2));
    }
}
