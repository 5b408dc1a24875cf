//! Snapshot and behaviour tests for `render`. Snapshot files are named
//! without the module path so they keep working when the module moves.

use ratatui::style::Modifier;

use super::*;

pub(super) fn headers(pairs: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec()))
        .collect()
}

pub(super) use crate::content_encoding::tests::{brotli, gzip, zlib};

/// Kind, summary, notes and the lines as plain text.
fn plain(r: &RenderedBody) -> String {
    let mut out = format!("kind: {:?}\nsummary: {}\n", r.kind, r.summary);
    for note in &r.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out.push_str("---\n");
    for line in &r.lines {
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

/// The lines with every styled span written as `«Colour,modifiers|text»`.
fn styled(r: &RenderedBody) -> String {
    let mut out = String::new();
    for line in &r.lines {
        for span in &line.spans {
            let style = line.style.patch(span.style);
            let mut tags = Vec::new();
            if let Some(fg) = style.fg {
                tags.push(format!("{fg:?}"));
            }
            for (flag, name) in [
                (Modifier::BOLD, "bold"),
                (Modifier::DIM, "dim"),
                (Modifier::ITALIC, "italic"),
            ] {
                if style.add_modifier.contains(flag) {
                    tags.push(name.to_owned());
                }
            }
            if tags.is_empty() {
                out.push_str(&span.content);
            } else {
                out.push_str(&format!("«{}|{}»", tags.join(","), span.content));
            }
        }
        out.push('\n');
    }
    out
}

fn snap(name: &str, value: String) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, value));
}

fn run(pairs: &[(&str, &str)], body: &[u8]) -> RenderedBody {
    render(&headers(pairs), body, &BodyOptions::default())
}

const JSON: &str = r#"{"id":42,"name":"Zoë 日本 \u00e9","esc":"tab\tq\" bs\\ sl\/ \ud83d\ude00",
 "nums":[0,-1,3.14,1e10,-2.5E-3,12345678901234567890],
 "nested":{"empty_obj":{},"empty_arr":[ ],"flags":[true,false,null],
 "deep":{"a":[{"b":[1,[2,[3]]]}]}},"dup":1,"dup":2}"#;

const JSON_CT: (&str, &str) = ("Content-Type", "application/json; charset=utf-8");

#[test]
fn pretty_json() {
    let r = run(&[JSON_CT], JSON.as_bytes());
    assert_eq!(r.kind, BodyKind::Json);
    snap("pretty_json", plain(&r));
    snap("pretty_json_styled", styled(&r));
}

#[test]
fn gzip_json() {
    let r = run(
        &[JSON_CT, ("content-encoding", "gzip")],
        &gzip(JSON.as_bytes()),
    );
    assert_eq!(r.kind, BodyKind::Json);
    assert_eq!(r.lines, run(&[JSON_CT], JSON.as_bytes()).lines);
    snap("gzip_json", plain(&r));
}

#[test]
fn br_json() {
    let r = run(
        &[JSON_CT, ("Content-Encoding", "br")],
        &brotli(br#"{"ok":true}"#),
    );
    snap("br_json", plain(&r));
}

#[test]
fn deflate_text() {
    let r = run(
        &[
            ("content-type", "text/plain"),
            ("content-encoding", "deflate"),
        ],
        &zlib(b"line one\r\nline two\n"),
    );
    snap("deflate_text", plain(&r));
}

#[test]
fn corrupt_encoding_falls_back_to_raw() {
    let r = run(&[("content-encoding", "gzip")], b"\x1f\x8bnot really gzip");
    assert_eq!(r.kind, BodyKind::Binary);
    snap("corrupt_gzip", plain(&r));
}

#[test]
fn form() {
    let body = b"name=J%C3%B6rg+M%C3%BCller&email=j%40example.com&tag=a&tag=b&empty=&flag&esc=%1B%5B2J%E2%80%AEx";
    let r = run(
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body,
    );
    assert_eq!(r.kind, BodyKind::Form);
    snap("form", plain(&r));
    snap("form_styled", styled(&r));
}

#[test]
fn multipart_text_and_binary() {
    let mut body = Vec::new();
    body.extend_from_slice(b"preamble to ignore\r\n--XyZ\r\n");
    body.extend_from_slice(b"Content-Disposition: form-data; name=\"title\"\r\n\r\n");
    body.extend_from_slice(b"Hello \x1b[31mworld\x1b[0m\r\nsecond line\r\n--XyZ\r\n");
    body.extend_from_slice(
        b"Content-Disposition: form-data; name=\"file\"; filename=\"a\\\"b.png\"\r\n",
    );
    body.extend_from_slice(b"Content-Type: image/png\r\nX-Extra: \xe2\x80\xaeevil\r\n\r\n");
    body.extend_from_slice(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10");
    body.extend_from_slice(b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"none\"\r\n\r\n");
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    let ct = ("Content-Type", "multipart/form-data; boundary=\"XyZ\"");
    let r = run(&[ct], &body);
    assert_eq!(r.kind, BodyKind::Multipart);
    snap("multipart", plain(&r));
    snap("multipart_styled", styled(&r));
}

#[test]
fn multipart_part_previews_are_capped() {
    let mut body = b"--b\r\nContent-Disposition: form-data; name=\"big\"\r\n\r\n".to_vec();
    body.extend(std::iter::repeat_n(b"0123456789\n".as_slice(), 100).flatten());
    body.extend_from_slice(b"\r\n--b\r\nContent-Disposition: form-data; name=\"bin\"\r\n\r\n");
    body.extend(std::iter::repeat_n(0xffu8, 600));
    let r = run(
        &[("content-type", "multipart/form-data; boundary=b")],
        &body,
    );
    let text = plain(&r);
    assert!(text.contains("… 396 more bytes in this part"), "{text}");
    assert!(text.contains("… 88 more bytes in this part"), "{text}");
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("without its closing boundary"))
    );
}

#[test]
fn binary_hex() {
    let mut body = b"Hello\n\x00\xff\x1b[2J".to_vec();
    body.extend(0u8..=40);
    let r = run(&[("content-type", "application/octet-stream")], &body);
    assert_eq!(r.kind, BodyKind::Binary);
    snap("binary_hex", plain(&r));
}

#[test]
fn text_with_escape_sequences() {
    let body = "\x1b[31mred\x1b[0m\r\n\x1b]0;pwned\x07title\n\u{202e}evil\u{202c} \u{9b}1m\nbell\x07\ttab\u{7f}\n";
    let r = run(&[("content-type", "text/plain")], body.as_bytes());
    assert_eq!(r.kind, BodyKind::Text);
    snap("text_escapes", plain(&r));
}

#[test]
fn invalid_json() {
    let body = b"{\"a\": 1,\n  \"b\": [1, 2,, 3]\n}";
    let r = run(&[JSON_CT], body);
    assert_eq!(r.kind, BodyKind::Text);
    assert_eq!(
        r.notes,
        vec!["invalid JSON at line 2 col 14 (expected a JSON value): shown as text"]
    );
    snap("invalid_json", plain(&r));
}

#[test]
fn json_is_sniffed_without_a_json_content_type() {
    let r = run(
        &[("content-type", "text/plain; charset=UTF-8")],
        b" [1, {\"a\": null}]\n",
    );
    assert_eq!(r.kind, BodyKind::Json);
    assert_eq!(run(&[], b"{\"a\":1}").kind, BodyKind::Json);
    assert_eq!(run(&[], b"{not json}").kind, BodyKind::Text);
    assert_eq!(run(&[], b"42").kind, BodyKind::Text);
    assert_eq!(run(&[JSON_CT], b"42").kind, BodyKind::Json);
}

#[test]
fn decompression_bomb_is_capped() {
    // 100 gzip members of 1 MiB of zeros: 100 MiB decoded, ~100 KiB sent.
    let member = gzip(&vec![0u8; 1 << 20]);
    let bomb = member.repeat(100);
    let opts = BodyOptions {
        max_decoded: 256,
        ..BodyOptions::default()
    };
    let r = render(&headers(&[("content-encoding", "gzip")]), &bomb, &opts);
    snap("decompression_bomb", plain(&r));

    let opts = BodyOptions {
        max_decoded: 1 << 20,
        max_lines: 10,
    };
    let r = render(&headers(&[("content-encoding", "gzip")]), &bomb, &opts);
    assert_eq!(r.notes[0], "decompressed size capped at 1 MiB");
    assert_eq!(r.lines.len(), 11);
    assert_eq!(
        r.lines[10].to_string(),
        "… 1048416 more bytes not shown; use `hookscope show ID --raw`"
    );
}

#[test]
fn line_cap_adds_a_notice() {
    let opts = BodyOptions {
        max_lines: 3,
        ..BodyOptions::default()
    };
    let r = render(&[], b"one\ntwo\nthree\nfour\nfive\n", &opts);
    snap("line_cap", plain(&r));
    let r = render(&headers(&[JSON_CT]), b"[1,2,3]", &opts);
    assert_eq!(r.summary, "JSON · 7 B · 5 lines");
    assert_eq!(
        r.lines.last().map(ToString::to_string).as_deref(),
        Some("… 2 more bytes not shown; use `hookscope show ID --raw`")
    );
}

#[test]
fn empty_body() {
    let r = run(&[JSON_CT], b"");
    assert_eq!(r.kind, BodyKind::Empty);
    snap("empty", plain(&r) + &styled(&r));
    let r = run(&[("content-encoding", "gzip")], &gzip(b""));
    assert_eq!(r.kind, BodyKind::Empty);
    assert_eq!(r.summary, "no body · gzip → 0 B");
}

/// `[` + `n` objects + `]`, and how many lines its pretty form has.
pub(super) fn big_json(n: usize) -> (String, usize) {
    let bio = "lorem ipsum dolor sit amet ".repeat(6);
    let mut s = String::from("[");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            r#"{{"id":{i},"name":"user-{i}","score":{i}.5,"tags":["a","b"],"bio":"{bio}","active":true}}"#
        ));
    }
    s.push(']');
    // Per object: { id name score tags[ a b ] bio active } = 11 lines.
    (s, 2 + 11 * n)
}

#[test]
fn ten_megabytes_of_json() {
    let (json, expected) = big_json(46_000);
    assert!(json.len() >= 10_000_000, "{}", json.len());
    let opts = BodyOptions {
        max_lines: usize::MAX,
        ..BodyOptions::default()
    };
    let r = render(&headers(&[JSON_CT]), json.as_bytes(), &opts);
    assert_eq!(r.kind, BodyKind::Json);
    assert_eq!(r.lines.len(), expected);
    assert!(
        r.summary.ends_with(&format!("· {expected} lines")),
        "{}",
        r.summary
    );

    let r = render(
        &headers(&[JSON_CT]),
        json.as_bytes(),
        &BodyOptions::default(),
    );
    assert_eq!(r.lines.len(), 200_001);
    assert!(r.summary.ends_with(&format!("· {expected} lines")));
    assert!(r.lines[200_000].to_string().starts_with("… "));
}

#[test]
fn fallbacks_explain_themselves() {
    let r = run(&[("content-type", "multipart/form-data")], b"a\nb");
    assert_eq!(r.kind, BodyKind::Text);
    assert_eq!(
        r.notes,
        vec!["multipart body without a boundary parameter: shown as text"]
    );
    let r = run(
        &[("content-type", "multipart/form-data; boundary=zz")],
        b"{\"a\":1}",
    );
    assert_eq!(r.kind, BodyKind::Json);
    assert_eq!(
        r.notes,
        vec!["multipart boundary not found in body: shown as JSON"]
    );
    let r = run(&[JSON_CT], b"{\"a\":\"\xff\"}");
    assert_eq!(r.kind, BodyKind::Binary);
    assert_eq!(
        r.notes,
        vec!["invalid JSON at line 1 col 7 (invalid UTF-8): shown as hex"]
    );
    let r = run(&[("Content-Encoding", "zstd\x1b")], b"\x28\xb5\x2f\xfd");
    assert_eq!(r.summary, "binary · 4 B (hex)");
    assert_eq!(
        r.notes,
        vec!["unsupported content-encoding `zstd\\e`: shown without decoding"]
    );
}
