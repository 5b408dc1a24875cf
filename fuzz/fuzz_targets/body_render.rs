//! Any body under any content type and encoding renders without a panic,
//! within its line cap, and with no terminal control character left in what
//! reaches the screen.
#![no_main]

use arbitrary::Arbitrary;
use hookscope::sanitize::needs_escape;
use hookscope::tui::body::{BodyOptions, render};
use libfuzzer_sys::fuzz_target;

const TYPES: &[&str] = &[
    "application/json",
    "application/json; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=XX",
    "multipart/form-data",
    "text/plain; charset=latin1",
    "text/xml",
    "application/octet-stream",
    "image/png",
];
const ENCODINGS: &[&str] = &["gzip", "br", "deflate", "identity", "gzip, br", "x-unknown"];

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    content_type: Option<u8>,
    own_type: Option<&'a [u8]>,
    encoding: Option<u8>,
    body: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    let mut headers = Vec::new();
    if let Some(i) = input.content_type {
        headers.push((
            "content-type".to_owned(),
            TYPES[i as usize % TYPES.len()].as_bytes().to_vec(),
        ));
    }
    if let Some(value) = input.own_type {
        headers.push(("Content-Type".to_owned(), value.to_vec()));
    }
    if let Some(i) = input.encoding {
        headers.push((
            "content-encoding".to_owned(),
            ENCODINGS[i as usize % ENCODINGS.len()].as_bytes().to_vec(),
        ));
    }
    let opts = BodyOptions {
        max_decoded: 1 << 20,
        max_lines: 2_000,
    };
    let r = render(&headers, input.body, &opts);
    let bad = |s: &str| s.chars().any(needs_escape);
    assert!(!bad(&r.summary), "summary {:?}", r.summary);
    for note in &r.notes {
        assert!(!bad(note), "note {note:?}");
    }
    // The cap, plus the notice line saying what was left out.
    assert!(
        r.lines.len() <= opts.max_lines + 1,
        "{} lines",
        r.lines.len()
    );
    for line in &r.lines {
        for span in &line.spans {
            assert!(!bad(&span.content), "span {:?}", span.content);
        }
    }
});
