//! Property tests: no panics and no control characters in any output, for
//! every body kind; the JSON printer agrees with serde_json.

use proptest::collection::vec;
use proptest::prelude::*;

use super::tests::{brotli, gzip, headers, zlib};
use super::*;
use crate::sanitize::needs_escape;

/// Characters a hostile payload would use: ESC/CSI/OSC, BEL, C1, DEL,
/// bidi overrides, NUL, CR/LF, quotes, separators.
fn hostile_string() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\u{1b}[31m",
        "\u{1b}]0;title\u{7}",
        "\u{9b}2J",
        "\u{7f}",
        "\u{202e}",
        "\u{2066}",
        "\u{200f}",
        "\u{61c}",
        "\0",
        "\r\n",
        "\n",
        "\t",
        "\"",
        "\\",
        "&",
        "=",
        "%1B",
        "%",
        "--XyZ",
        ";",
        "a",
        "é",
        "日本",
        " ",
        "{",
        "[",
    ]);
    prop_oneof![vec(pieces, 0..12).prop_map(|v| v.concat()), any::<String>(),]
}

fn content_type() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("application/json".to_owned()),
        Just("application/vnd.api+json".to_owned()),
        Just("application/x-www-form-urlencoded".to_owned()),
        Just("multipart/form-data; boundary=XyZ".to_owned()),
        Just("multipart/form-data".to_owned()),
        Just("text/plain; charset=utf-8".to_owned()),
        Just("application/octet-stream".to_owned()),
        Just(String::new()),
        hostile_string(),
    ]
}

fn encoding() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some("gzip".to_owned())),
        1 => Just(Some("br".to_owned())),
        1 => Just(Some("deflate".to_owned())),
        1 => hostile_string().prop_map(Some),
    ]
}

fn multipart_body(parts: &[(String, String, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, content) in parts {
        body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"");
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(b"\"; filename=\"");
        body.extend_from_slice(filename.as_bytes());
        body.extend_from_slice(b"\"\r\nContent-Type: ");
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--XyZ--\r\n");
    body
}

/// Every string a caller may print is free of control characters.
fn assert_safe(r: &RenderedBody, opts: &BodyOptions) -> Result<(), TestCaseError> {
    let bad = |s: &str| s.chars().any(needs_escape);
    prop_assert!(!bad(&r.summary), "summary {:?}", r.summary);
    for note in &r.notes {
        prop_assert!(!bad(note), "note {:?}", note);
    }
    for line in &r.lines {
        for span in &line.spans {
            prop_assert!(!bad(&span.content), "span {:?}", span.content);
        }
    }
    prop_assert!(!r.lines.is_empty());
    prop_assert!(r.lines.len() <= opts.max_lines.saturating_add(1).max(1));
    Ok(())
}

fn opts() -> impl Strategy<Value = BodyOptions> {
    prop_oneof![
        3 => Just(BodyOptions::default()),
        1 => (0usize..3000, 0usize..40).prop_map(|(max_decoded, max_lines)| BodyOptions {
            max_decoded,
            max_lines,
        }),
    ]
}

fn compress(coding: Option<&str>, body: Vec<u8>) -> Vec<u8> {
    match coding {
        Some("gzip") => gzip(&body),
        Some("br") => brotli(&body),
        Some("deflate") => zlib(&body),
        _ => body,
    }
}

proptest! {
    #[test]
    fn arbitrary_bodies_and_headers_are_safe(
        body in prop_oneof![
            vec(any::<u8>(), 0..600),
            hostile_string().prop_map(String::into_bytes),
        ],
        ct in content_type(),
        ce in encoding(),
        extra in vec((hostile_string(), vec(any::<u8>(), 0..20)), 0..3),
        opts in opts(),
    ) {
        let mut hs = headers(&[("Content-Type", &ct)]);
        if let Some(ce) = &ce {
            hs.push(("Content-Encoding".to_owned(), ce.clone().into_bytes()));
        }
        hs.extend(extra);
        let body = compress(ce.as_deref(), body);
        let r = render(&hs, &body, &opts);
        assert_safe(&r, &opts)?;
    }

    #[test]
    fn hostile_json_is_pretty_printed_safely(
        pairs in vec((hostile_string(), hostile_string()), 0..8),
        gz in any::<bool>(),
        opts in opts(),
    ) {
        let map: serde_json::Map<String, serde_json::Value> = pairs
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        let json = serde_json::to_vec(&serde_json::Value::Object(map)).unwrap();
        let json_len = json.len();
        let (hs, body) = if gz {
            (headers(&[("content-type", "application/json"), ("content-encoding", "gzip")]), gzip(&json))
        } else {
            (headers(&[("content-type", "application/json")]), json)
        };
        let r = render(&hs, &body, &opts);
        if !gz || opts.max_decoded >= json_len {
            prop_assert_eq!(r.kind, BodyKind::Json);
        }
        assert_safe(&r, &opts)?;
    }

    #[test]
    fn hostile_forms_are_safe(
        pairs in vec((hostile_string(), hostile_string()), 0..8),
        opts in opts(),
    ) {
        let body: Vec<u8> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes();
        let r = render(&headers(&[("content-type", "application/x-www-form-urlencoded")]), &body, &opts);
        if !body.is_empty() {
            prop_assert_eq!(r.kind, BodyKind::Form);
        }
        assert_safe(&r, &opts)?;
    }

    #[test]
    fn hostile_multipart_is_safe(
        parts in vec((hostile_string(), hostile_string(), prop_oneof![
            hostile_string().prop_map(String::into_bytes),
            vec(any::<u8>(), 0..100),
        ]), 0..4),
        opts in opts(),
    ) {
        let body = multipart_body(&parts);
        let r = render(&headers(&[("content-type", "multipart/form-data; boundary=XyZ")]), &body, &opts);
        prop_assert_eq!(r.kind, BodyKind::Multipart);
        assert_safe(&r, &opts)?;
    }

    #[test]
    fn text_and_binary_are_safe(text in hostile_string(), bytes in vec(any::<u8>(), 1..300)) {
        let opts = BodyOptions::default();
        let r = render(&headers(&[("content-type", "text/plain")]), text.as_bytes(), &opts);
        if !text.is_empty() {
            prop_assert_eq!(r.kind, BodyKind::Text);
        }
        assert_safe(&r, &opts)?;
        let mut bin = bytes;
        bin.push(0);
        let r = render(&[], &bin, &opts);
        prop_assert_eq!(r.kind, BodyKind::Binary);
        assert_safe(&r, &opts)?;
    }

    /// Validity agrees with serde_json on JSON-like token soup.
    #[test]
    fn validity_matches_serde_json(tokens in vec(prop::sample::select(vec![
        "{", "}", "[", "]", ":", ",", "\"a\"", "\"\\u00e9\\n\"", "\"\\x\"", "\"", "\\",
        "1", "-0", "0.5", "1e5", "01", "-", ".", "e", "true", "false", "null", "nul",
        " ", "\n", "\t", "\u{7f}",
    ]), 0..30)) {
        let text = tokens.concat();
        let ours = json::is_valid(&text);
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(_) => prop_assert!(ours, "we rejected {:?}", text),
            Err(e) => prop_assert!(
                !ours || e.to_string().contains("out of range"),
                "we accepted {:?}: {}", text, e
            ),
        }
    }

    /// The pretty form is exactly serde_json's pretty form.
    #[test]
    fn pretty_output_matches_serde_json(value in json_value()) {
        let compact = serde_json::to_string(&value).unwrap();
        let r = render(&headers(&[("content-type", "application/json")]), compact.as_bytes(), &BodyOptions::default());
        let shown: Vec<String> = r.lines.iter().map(ToString::to_string).collect();
        prop_assert_eq!(shown.join("\n"), serde_json::to_string_pretty(&value).unwrap());
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[a-zA-Z0-9 é日\"\\\\\n\t]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec(("[a-z\"\\\\]{0,4}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}
