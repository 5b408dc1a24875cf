//! A curl command line that sends the same request again.

use std::fmt::Write;

use super::raw::host_of;
use crate::model::RequestDetail;
use crate::sanitize;

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
/// lost and nothing reaches the terminal raw. A body with a NUL byte (gzip,
/// protobuf) cannot be an argument at all, since the shell would end it
/// there: it is piped in from `printf` instead.
pub fn to_curl(detail: &RequestDetail) -> String {
    let s = &detail.summary;
    let host = || host_of(detail).unwrap_or_else(|| "localhost".to_owned());
    let url = if s.target.starts_with("http://") || s.target.starts_with("https://") {
        s.target.clone()
    } else if s.target == "*" {
        format!("http://{}", host())
    } else {
        format!("http://{}{}", host(), s.target)
    };
    let mut parts = vec!["curl".to_owned()];
    if !(s.method == "GET" && detail.body.is_empty()) {
        parts.push(format!("-X {}", quote(s.method.as_bytes())));
    }
    if s.target == "*" {
        parts.push("--request-target '*'".to_owned());
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
    let piped = detail.body.contains(&0);
    if piped {
        parts.push("--data-binary @-".to_owned());
    } else if !detail.body.is_empty() {
        parts.push(format!("--data-binary {}", quote(&detail.body)));
    }
    let command = parts.join(" \\\n  ");
    if piped {
        format!("printf '{}' | {command}", printf_format(&detail.body))
    } else {
        command
    }
}

/// A `printf` format that prints exactly `bytes`, for single quotes: octal
/// escapes (POSIX, so any `sh` prints them the same) for everything but
/// printable ASCII, and `%` and `\` doubled. A leading `-` is escaped too,
/// or `printf` would take the format for an option.
fn printf_format(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'%' => out.push_str("%%"),
            b'\\' => out.push_str(r"\\"),
            b'\'' => out.push_str(r"'\''"),
            b'-' if i == 0 => out.push_str(r"\055"),
            b' '..=b'~' => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out
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
        .filter(|t| !t.chars().any(|c| c != '\n' && sanitize::needs_escape(c)));
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
                        c if sanitize::needs_escape(c) => {
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
    fn printf_formats_escape_what_printf_or_the_shell_would_read() {
        assert_eq!(printf_format(b"a%b\\c'd"), r"a%%b\\c'\''d");
        assert_eq!(
            printf_format(b"\x00\x1f\x8b\n\xff"),
            r"\000\037\213\012\377"
        );
        assert_eq!(printf_format(b"-n-"), r"\055n-");
    }

    #[test]
    fn quoting() {
        assert_eq!(quote(b"POST"), "POST");
        assert_eq!(quote(b"it's"), r"'it'\''s'");
        assert_eq!(quote(b"a\x1bb\xff'"), r"$'a\x1bb\xff\''");
        // A bidi override would reorder the command as shown.
        assert_eq!(quote("a\u{202e}b".as_bytes()), r"$'a\xe2\x80\xaeb'");
    }
}
