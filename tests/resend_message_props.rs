//! Property tests of the HTTP message file: writing a request and reading it
//! back gives the same request, with LF or CRLF head lines; any input parses or errs.

use bytes::Bytes;
use hookscope::resend::outgoing::is_recomputed_header;
use hookscope::resend::{OutgoingRequest, parse_message_file, to_message_file};
use proptest::prelude::*;

const TOKEN: &str = "[!#$%&'*+.^_`|~0-9A-Za-z-]";

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("POST".to_owned()),
        Just("GET".to_owned()),
        proptest::string::string_regex(&format!("{TOKEN}{{1,12}}")).unwrap(),
    ]
}

fn url() -> impl Strategy<Value = String> {
    let host = "([a-z][a-z0-9-]{0,12}(\\.[a-z]{2,6}){0,2}|127\\.0\\.0\\.1|\\[::1\\])";
    let segment = "[A-Za-z0-9._~!$&'()*+,;=:@%-]{0,10}";
    let query = "(\\?[A-Za-z0-9=&%._~/-]{0,20})?";
    let pattern = format!("https?://{host}(:[1-9][0-9]{{0,4}})?(/{segment}){{0,4}}{query}");
    proptest::string::string_regex(&pattern).unwrap()
}

fn header_name() -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("{TOKEN}{{1,24}}"))
        .unwrap()
        .prop_filter("recomputed headers are dropped", |n| {
            !is_recomputed_header(n)
        })
}

/// Bytes HTTP allows in a field value (no controls but tab), without the
/// surrounding spaces that HTTP itself trims.
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![0x20u8..=0x7e, 0x80u8..=0xff, Just(b'\t')];
    proptest::collection::vec(byte, 0..40).prop_map(|v| {
        let start = v
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t'))
            .unwrap_or(v.len());
        let end = v
            .iter()
            .rposition(|b| !matches!(b, b' ' | b'\t'))
            .map_or(start, |i| i + 1);
        v[start..end].to_vec()
    })
}

fn request() -> impl Strategy<Value = OutgoingRequest> {
    (
        method(),
        url(),
        proptest::collection::vec((header_name(), header_value()), 0..8),
        proptest::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(|(method, url, headers, body)| OutgoingRequest {
            method,
            url,
            headers,
            body: Bytes::from(body),
        })
}

/// The head (up to and including the first empty line) with CRLF line ends.
fn crlf_head(file: &[u8]) -> Vec<u8> {
    let split = file
        .windows(2)
        .position(|w| w == b"\n\n")
        .map_or(file.len(), |i| i + 2);
    let mut out = Vec::with_capacity(file.len() + 64);
    for &b in &file[..split] {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out.extend_from_slice(&file[split..]);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn write_then_parse_gives_the_same_request(req in request()) {
        req.validate().map_err(|e| TestCaseError::reject(e.to_string()))?;
        let file = to_message_file(&req);
        prop_assert_eq!(parse_message_file(&file).unwrap(), req.clone());
        prop_assert_eq!(parse_message_file(&crlf_head(&file)).unwrap(), req);
    }

    #[test]
    fn arbitrary_bytes_parse_or_name_a_line(file in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Err(e) = parse_message_file(&file) {
            prop_assert!(e.line >= 1);
            prop_assert!(!e.message.is_empty());
        }
    }
}
