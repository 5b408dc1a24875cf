//! A curl command line that sends the same request again.

use super::raw::host_of;
use crate::model::RequestDetail;

/// Headers curl computes itself or that describe the old connection.
const SKIPPED: &[&str] = &[
    "host",
    ":authority",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "expect",
];

/// A shell command (bash/zsh quoting) reproducing the request. Bytes that
/// are not printable UTF-8 are written with `$'\xNN'` quoting so nothing is
/// lost and nothing reaches the terminal raw.
pub fn to_curl(detail: &RequestDetail) -> String {
    let s = &detail.summary;
    let url = if s.target.starts_with("http://") || s.target.starts_with("https://") {
        s.target.clone()
    } else {
        let host = host_of(detail).unwrap_or_else(|| "localhost".to_owned());
        format!("http://{host}{}", s.target)
    };
    let mut parts = vec!["curl".to_owned()];
    if !(s.method == "GET" && detail.body.is_empty()) {
        parts.push(format!("-X {}", quote(s.method.as_bytes())));
    }
    parts.push(quote(url.as_bytes()));
    for (name, value) in &detail.headers {
        if SKIPPED.iter().any(|h| name.eq_ignore_ascii_case(h)) {
            continue;
        }
        let mut header = name.as_bytes().to_vec();
        header.extend_from_slice(b": ");
        header.extend_from_slice(value);
        parts.push(format!("-H {}", quote(&header)));
    }
    if !detail.body.is_empty() {
        parts.push(format!("--data-binary {}", quote(&detail.body)));
    }
    parts.join(" \\\n  ")
}

/// Bare when the shell would not interpret anything, single quotes when the
/// bytes are plain text, ANSI-C `$'...'` otherwise.
fn quote(bytes: &[u8]) -> String {
    if !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(b))
    {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let plain = std::str::from_utf8(bytes)
        .ok()
        .filter(|t| !t.chars().any(|c| c.is_control() && c != '\n'));
    match plain {
        Some(text) => format!("'{}'", text.replace('\'', r"'\''")),
        None => {
            let mut out = String::from("$'");
            for chunk in bytes.utf8_chunks() {
                for c in chunk.valid().chars() {
                    match c {
                        '\'' => out.push_str(r"\'"),
                        '\\' => out.push_str(r"\\"),
                        '\n' => out.push_str(r"\n"),
                        '\r' => out.push_str(r"\r"),
                        '\t' => out.push_str(r"\t"),
                        c if c.is_control() => {
                            let mut buf = [0; 4];
                            for b in c.encode_utf8(&mut buf).bytes() {
                                out.push_str(&format!("\\x{b:02x}"));
                            }
                        }
                        c => out.push(c),
                    }
                }
                for b in chunk.invalid() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            out.push('\'');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote(b"POST"), "POST");
        assert_eq!(quote(b"it's"), r"'it'\''s'");
        assert_eq!(quote(b"a\x1bb\xff'"), r"$'a\x1bb\xff\''");
    }
}
