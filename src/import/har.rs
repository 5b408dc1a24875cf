//! Reading HAR files: hookscope's own exports back byte for byte (through
//! their `_`-fields), and those of browsers and proxies as well as HAR lets.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use crate::model::{Answer, HeaderList};
use crate::sanitize::visible;
use crate::store::ImportedRequest;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HarError {
    #[error("not a HAR file: {0}")]
    NotHar(String),
    #[error("entry {index} (counting from 1): {what}")]
    Entry { index: usize, what: String },
}

/// Every entry of a HAR document, in file order; the first bad entry fails
/// the whole file, so an import is all or nothing. The event type is left
/// to be found, and the signature verdict is the one hookscope recorded on
/// capture (its exports carry it), or none.
pub fn read_har(bytes: &[u8]) -> Result<Vec<ImportedRequest>, HarError> {
    let har: Har = serde_json::from_slice(bytes).map_err(|e| HarError::NotHar(e.to_string()))?;
    har.log
        .entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            entry
                .into_request()
                .map_err(|what| HarError::Entry { index: i + 1, what })
        })
        .collect()
}

#[derive(Deserialize)]
struct Har {
    log: Log,
}

#[derive(Deserialize)]
struct Log {
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    started_date_time: String,
    request: Request,
    #[serde(default)]
    response: Option<Response>,
    #[serde(rename = "_hookscope", default)]
    hookscope: Option<Ours>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    method: String,
    url: String,
    #[serde(default)]
    http_version: String,
    #[serde(default)]
    headers: Vec<Header>,
    #[serde(default)]
    post_data: Option<PostData>,
    #[serde(default)]
    body_size: Option<i64>,
}

#[derive(Deserialize)]
struct Header {
    name: String,
    value: String,
    #[serde(rename = "_valueBase64", default)]
    value_base64: Option<String>,
}

#[derive(Deserialize)]
struct PostData {
    #[serde(default)]
    text: Option<String>,
    #[serde(rename = "_encoding", default)]
    encoding: Option<String>,
    #[serde(default)]
    params: Vec<Param>,
}

#[derive(Deserialize)]
struct Param {
    name: String,
    #[serde(default)]
    value: String,
}

#[derive(Deserialize)]
struct Response {
    status: u16,
    #[serde(default)]
    headers: Vec<Header>,
    #[serde(default)]
    content: Option<Content>,
}

#[derive(Deserialize)]
struct Content {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Ours {
    #[serde(default)]
    remote_address: Option<String>,
    #[serde(default)]
    body_truncated: bool,
    #[serde(default)]
    signature_provider: Option<String>,
    #[serde(default)]
    signature_status: Option<String>,
    /// A target that is not the URL's path (`*`, absolute form), as sent.
    #[serde(default)]
    request_target: Option<String>,
}

impl Entry {
    fn into_request(self) -> Result<ImportedRequest, String> {
        let received_at_us = self
            .started_date_time
            .parse::<jiff::Timestamp>()
            .map_err(|e| format!("startedDateTime {:?}: {e}", self.started_date_time))?
            .as_microsecond();
        let r = self.request;
        let headers = headers(r.headers)?;
        let body = match r.post_data {
            Some(post) => post_body(post)?,
            None => Vec::new(),
        };
        let body_size = r
            .body_size
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or(0)
            .max(body.len() as u64);
        let answer = match self.response {
            Some(resp) => Answer {
                status: resp.status,
                headers: headers_without_pseudo(resp.headers)?,
                body: match resp.content {
                    Some(content) => text_bytes(content.text, content.encoding.as_deref())?,
                    None => Vec::new(),
                },
            },
            None => Answer {
                status: 0,
                headers: Vec::new(),
                body: Vec::new(),
            },
        };
        let ours = self.hookscope.unwrap_or_default();
        if http::Method::from_bytes(r.method.as_bytes()).is_err() {
            return Err(format!(
                "method '{}' is not an HTTP method (a single word such as POST)",
                visible(&r.method)
            ));
        }
        Ok(ImportedRequest {
            received_at_us,
            target: match ours.request_target {
                Some(t) if t == "*" || t.starts_with("http://") || t.starts_with("https://") => t,
                Some(t) => {
                    return Err(format!(
                        "_hookscope.requestTarget {:?} is not a request target",
                        visible(&t)
                    ));
                }
                None => target(&r.url)?,
            },
            method: r.method,
            http_version: version(&r.http_version),
            remote_addr: ours.remote_address.unwrap_or_else(|| "imported".to_owned()),
            headers,
            // A HAR writer that kept less of the body than it says was sent.
            body_truncated: ours.body_truncated || body_size > body.len() as u64,
            body: body.into(),
            body_size,
            event_type: None,
            sig_provider: ours.signature_provider,
            sig_status: ours.signature_status,
            answer,
        })
    }
}

/// Path and query of the URL, as a request line carries them.
fn target(url: &str) -> Result<String, String> {
    // A fragment never goes over the wire.
    let url = url.split('#').next().unwrap_or(url);
    let uri: http::Uri = url.parse().map_err(|e| format!("url {url:?}: {e}"))?;
    Ok(uri
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned()))
}

/// HAR writers spell versions variously (`HTTP/1.1`, `http/2.0`, `h2`).
fn version(text: &str) -> String {
    match text.to_ascii_lowercase().as_str() {
        "http/1.0" => "HTTP/1.0",
        "h2" | "http/2" | "http/2.0" => "HTTP/2.0",
        "h3" | "http/3" | "http/3.0" => "HTTP/3.0",
        _ => "HTTP/1.1",
    }
    .to_owned()
}

/// Request headers; of HTTP/2's pseudo-headers only `:authority` is kept,
/// as a capture keeps it (method and path are in the request line).
fn headers(list: Vec<Header>) -> Result<HeaderList, String> {
    list.into_iter()
        .filter(|h| !h.name.starts_with(':') || h.name == ":authority")
        .map(header)
        .collect()
}

fn headers_without_pseudo(list: Vec<Header>) -> Result<HeaderList, String> {
    list.into_iter()
        .filter(|h| !h.name.starts_with(':'))
        .map(header)
        .collect()
}

/// A header as HTTP allows it: what a capture could hold, so that `show
/// --raw` stays one valid message and nothing in it reaches a terminal raw.
fn header(h: Header) -> Result<(String, Vec<u8>), String> {
    let name = visible(&h.name);
    if h.name != ":authority" && http::HeaderName::from_bytes(h.name.as_bytes()).is_err() {
        return Err(format!(
            "header name '{name}' is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~)"
        ));
    }
    let value = match h.value_base64 {
        Some(b64) => STANDARD
            .decode(&b64)
            .map_err(|e| format!("header {name}: _valueBase64: {e}"))?,
        None => h.value.into_bytes(),
    };
    if http::HeaderValue::from_bytes(&value).is_err() {
        return Err(format!(
            "header {name}: its value has bytes HTTP does not allow (CR, LF, NUL or another \
             control character)"
        ));
    }
    Ok((h.name, value))
}

/// The body as sent: its text, its base64, or a form rebuilt from `params`.
fn post_body(post: PostData) -> Result<Vec<u8>, String> {
    if post.text.is_none() && !post.params.is_empty() {
        let mut form = form_urlencoded::Serializer::new(String::new());
        for p in &post.params {
            form.append_pair(&p.name, &p.value);
        }
        return Ok(form.finish().into_bytes());
    }
    text_bytes(post.text, post.encoding.as_deref())
}

fn text_bytes(text: Option<String>, encoding: Option<&str>) -> Result<Vec<u8>, String> {
    let text = text.unwrap_or_default();
    match encoding {
        Some(e) if e.eq_ignore_ascii_case("base64") => STANDARD
            .decode(text.trim())
            .map_err(|e| format!("base64 body: {e}")),
        _ => Ok(text.into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_har_reads_as_requests() {
        let har = br#"{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[
          {"startedDateTime":"2024-06-01T10:00:00.250+02:00","time":12.5,
           "request":{"method":"POST","url":"https://shop.test/api/login?next=%2Fhome#top","httpVersion":"http/2.0",
             "headers":[{"name":":method","value":"POST"},{"name":":authority","value":"shop.test"},
                        {"name":":path","value":"/api/login?next=%2Fhome"},{"name":"content-type","value":"application/x-www-form-urlencoded"}],
             "queryString":[],"cookies":[],"headersSize":-1,"bodySize":17,
             "postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"user","value":"ada"},{"name":"pw","value":"a b"}]}},
           "response":{"status":302,"statusText":"Found","httpVersion":"http/2.0","cookies":[],
             "headers":[{"name":":status","value":"302"},{"name":"location","value":"/home"}],
             "content":{"size":4,"mimeType":"application/octet-stream","text":"AAEC/w==","encoding":"base64"},
             "redirectURL":"/home","headersSize":-1,"bodySize":4},
           "cache":{},"timings":{"send":1,"wait":10,"receive":1.5}}]}}"#;
        let [r] = read_har(har).expect("reads").try_into().expect("one entry");
        assert_eq!(r.received_at_us, 1_717_228_800_250_000);
        assert_eq!(r.method, "POST");
        assert_eq!(r.target, "/api/login?next=%2Fhome");
        assert_eq!(r.http_version, "HTTP/2.0");
        let names: Vec<&str> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, [":authority", "content-type"]);
        assert_eq!(r.body, &b"user=ada&pw=a+b"[..]);
        assert_eq!(r.body_size, 17);
        assert_eq!(r.remote_addr, "imported");
        assert_eq!(r.sig_status, None);
        assert_eq!(r.answer.status, 302);
        assert_eq!(
            r.answer.headers,
            [("location".to_owned(), b"/home".to_vec())]
        );
        assert_eq!(r.answer.body, [0, 1, 2, 255]);
    }

    #[test]
    fn a_body_shorter_than_its_entry_says_is_marked_truncated() {
        let har = br#"{"log":{"entries":[{"startedDateTime":"2024-06-01T10:00:00Z",
            "request":{"method":"POST","url":"http://a.test/","bodySize":200,
                       "postData":{"mimeType":"text/plain","text":"only this"}}}]}}"#;
        let r = &read_har(har).expect("reads")[0];
        assert_eq!((r.body_size, r.body.len()), (200, 9));
        assert!(r.body_truncated);
    }

    #[test]
    fn targets_that_are_not_a_path_survive_export_and_import() {
        use crate::export::{HAR_TAIL, har_entry, har_head};
        for target in ["*", "http://upstream.test/abs?x=1"] {
            let mut d = crate::export::tests::detail(&[("host", b"x.test")], b"");
            d.summary.method = "OPTIONS".into();
            d.summary.target = target.into();
            let har = format!("{}{}{HAR_TAIL}", har_head(), har_entry(&d));
            let back = read_har(har.as_bytes()).expect("reads");
            assert_eq!(back[0].target, target);
        }
        let mut d = crate::export::tests::detail(&[("host", b"x.test")], b"");
        d.summary.target = "*".into();
        assert_eq!(har_entry(&d)["request"]["url"], "http://x.test/");
        let curl = crate::export::to_curl(&d);
        assert!(curl.contains("--request-target '*'"), "{curl}");
        assert!(
            curl.contains("http://x.test") && !curl.contains("x.test*"),
            "{curl}"
        );
    }

    #[test]
    fn headers_and_methods_http_would_not_carry_are_refused() {
        let entry = |method: &str, name: &str, value: &str| {
            let har = serde_json::json!({"log": {"entries": [{
                "startedDateTime": "2024-06-01T10:00:00Z",
                "request": {"method": method, "url": "http://a.test/p",
                            "headers": [{"name": name, "value": value}]}}]}});
            match read_har(har.to_string().as_bytes()) {
                Err(HarError::Entry { index: 1, what }) => what,
                other => panic!("expected a refusal, got {other:?}"),
            }
        };
        assert!(entry("POST", "X-A", "v\r\nInjected: yes").contains("CR, LF"));
        assert!(entry("POST", "X-A\r\nInj", "v").contains("not an HTTP token"));
        let e = entry("POST", "X\u{1b}[31mRED", "v");
        assert!(e.contains("\\e[31m") && !e.contains('\u{1b}'), "{e}");
        assert!(entry("PO ST", "X-A", "v").contains("method 'PO ST'"));
        assert!(entry("", "X-A", "v").contains("method ''"));
        let e = entry("P\u{9b}OST", "X-A", "v");
        assert!(!e.contains('\u{9b}'), "{e}");
    }

    #[test]
    fn what_cannot_be_read_is_refused_with_where() {
        assert!(matches!(read_har(b"not json"), Err(HarError::NotHar(_))));
        assert!(matches!(
            read_har(br#"{"entries":[]}"#),
            Err(HarError::NotHar(_))
        ));
        let bad_url = br#"{"log":{"entries":[
          {"startedDateTime":"2024-06-01T10:00:00Z","request":{"method":"GET","url":"http://a.test/"}},
          {"startedDateTime":"2024-06-01T10:00:00Z","request":{"method":"GET","url":"http://a test/"}}]}}"#;
        match read_har(bad_url) {
            Err(HarError::Entry { index: 2, what }) => assert!(what.contains("url"), "{what}"),
            other => panic!("{other:?}"),
        }
        let bad_time = br#"{"log":{"entries":[{"startedDateTime":"yesterday","request":{"method":"GET","url":"/"}}]}}"#;
        match read_har(bad_time) {
            Err(HarError::Entry { index: 1, what }) => {
                assert!(what.contains("startedDateTime"), "{what}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(read_har(br#"{"log":{"entries":[]}}"#), Ok(Vec::new()));
    }

    mod round_trip {
        use super::*;
        use crate::model::{RequestDetail, RequestId, RequestSummary};
        use proptest::prelude::*;

        fn header_value() -> impl Strategy<Value = Vec<u8>> {
            // Any bytes a header value can carry: no control but HTAB.
            proptest::collection::vec(
                any::<u8>().prop_filter("no control", |&b| b == b'\t' || (b >= 0x20 && b != 0x7f)),
                0..24,
            )
        }

        fn request() -> impl Strategy<Value = RequestDetail> {
            (
                "[A-Z]{3,7}",
                "/[a-z0-9._~%/-]{0,16}(\\?[a-z0-9=&%+]{0,12})?",
                proptest::collection::vec(("x-[a-z0-9-]{1,10}", header_value()), 0..5),
                proptest::collection::vec(any::<u8>(), 0..64),
                (100u16..600, proptest::collection::vec(any::<u8>(), 0..16)),
                (
                    0i64..4_000_000_000_000_000,
                    any::<bool>(),
                    prop::option::of("[a-z_]{1,12}"),
                ),
            )
                .prop_map(
                    |(method, target, extra, body, (status, answer_body), (at, truncated, sig))| {
                        let mut headers = vec![("host".to_owned(), b"example.test:8765".to_vec())];
                        headers.extend(extra);
                        RequestDetail {
                            summary: RequestSummary {
                                id: RequestId(1),
                                received_at_us: at,
                                method,
                                target,
                                http_version: "HTTP/1.1".into(),
                                remote_addr: "127.0.0.1:5000".into(),
                                content_type: None,
                                body_size: body.len() as u64 + u64::from(truncated),
                                body_truncated: truncated,
                                status,
                                event_type: None,
                                sig_provider: sig.clone(),
                                sig_status: Some(sig.unwrap_or_else(|| "unsigned".into())),
                            },
                            headers,
                            body,
                            answer: Answer {
                                status,
                                headers: vec![(
                                    "content-type".into(),
                                    b"application/json".to_vec(),
                                )],
                                body: answer_body,
                            },
                        }
                    },
                )
        }

        proptest! {
            /// What hookscope exports as HAR reads back as the same request.
            #[test]
            fn an_exported_entry_reads_back_as_the_request(detail in request()) {
                let doc = format!(
                    "{}{}{}",
                    crate::export::har_head(),
                    crate::export::har_entry(&detail),
                    crate::export::HAR_TAIL
                );
                let [back] = read_har(doc.as_bytes()).expect("reads").try_into().expect("one");
                let s = &detail.summary;
                prop_assert_eq!(back.received_at_us, s.received_at_us);
                prop_assert_eq!(&back.method, &s.method);
                prop_assert_eq!(&back.target, &s.target);
                prop_assert_eq!(&back.http_version, &s.http_version);
                prop_assert_eq!(&back.remote_addr, &s.remote_addr);
                prop_assert_eq!(&back.headers, &detail.headers);
                prop_assert_eq!(&back.body, &detail.body);
                prop_assert_eq!(back.body_size, s.body_size);
                prop_assert_eq!(back.body_truncated, s.body_truncated);
                prop_assert_eq!(&back.sig_provider, &s.sig_provider);
                prop_assert_eq!(&back.sig_status, &s.sig_status);
                prop_assert_eq!(&back.answer, &detail.answer);
            }

            /// Any bytes are refused or read; never a panic.
            #[test]
            fn any_input_is_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
                let _ = read_har(&bytes);
            }
        }
    }
}
