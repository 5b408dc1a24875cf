//! A request as a plain HTTP message file, to edit in `$EDITOR` before a
//! resend: request line, one header per line, a blank line, the body.

use bytes::Bytes;
use http::HeaderValue;

use crate::resend::outgoing::{OutgoingRequest, is_recomputed_header, parse_url, validate_method};

/// What is wrong in a message file, and on which line (1-based).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

/// The request as a message file: `METHOD URL HTTP/1.1`, `Name: value` per
/// header (values written as raw bytes), an empty line, then the body.
/// Lines end with LF.
///
/// ```text
/// POST http://localhost:3000/hooks/stripe HTTP/1.1
/// Content-Type: application/json
/// Stripe-Signature: t=1700000000,v1=...
///
/// {"id": "evt_..."}
/// ```
///
/// The file has no comments: every line is part of the request. There are
/// no `Host` or `Content-Length` lines: the client sets `Host` from the URL
/// and `Content-Length` from the body.
pub fn to_message_file(req: &OutgoingRequest) -> Vec<u8> {
    let head_len: usize = req.headers.iter().map(|(n, v)| n.len() + v.len() + 3).sum();
    let mut out = Vec::with_capacity(req.url.len() + head_len + req.body.len() + 32);
    out.extend_from_slice(format!("{} {} HTTP/1.1\n", req.method, req.url).as_bytes());
    for (name, value) in &req.headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(&req.body);
    out
}

/// Reads a message file back. Head lines may end with LF or CRLF; empty
/// lines before the request line are skipped; the HTTP version is optional
/// and ignored; spaces around header values are trimmed. `Host` and
/// `Content-Length` lines (and the other headers of [`is_recomputed_header`])
/// are left out: the client recomputes them.
///
/// The body is everything after the first empty line, byte for byte. When an
/// editor adds a newline at the end of the file, it becomes part of the body:
/// the file is taken exactly as the user saved it, since an added newline
/// cannot be told from one the user meant (an editor setting such as Vim's
/// `:set nofixeol` keeps a body without one).
pub fn parse_message_file(file: &[u8]) -> Result<OutgoingRequest, ParseError> {
    let mut lines = Lines {
        rest: file,
        number: 0,
    };

    let request_line = loop {
        match lines.next() {
            None => {
                return Err(error(
                    lines.number.max(1),
                    "the file is empty: expected 'METHOD URL HTTP/1.1' on the first line",
                ));
            }
            Some([]) => continue,
            Some(line) => break line,
        }
    };
    let (method, url) = parse_request_line(request_line, lines.number)?;

    let mut headers = Vec::new();
    while let Some(line) = lines.next() {
        if line.is_empty() {
            break;
        }
        let (name, value) = parse_header(line, lines.number)?;
        if !is_recomputed_header(&name) {
            headers.push((name, value));
        }
    }

    Ok(OutgoingRequest {
        method,
        url,
        headers,
        body: Bytes::copy_from_slice(lines.rest),
    })
}

fn parse_request_line(line: &[u8], number: usize) -> Result<(String, String), ParseError> {
    const EXPECTED: &str =
        "expected 'METHOD URL HTTP/1.1', e.g. 'POST http://localhost:3000/hooks HTTP/1.1'";
    let text = std::str::from_utf8(line).map_err(|_| error(number, EXPECTED))?;
    let parts: Vec<&str> = text.split([' ', '\t']).filter(|p| !p.is_empty()).collect();
    let (method, url) = match parts.as_slice() {
        [method, url] => (*method, *url),
        // The version is not sent (the client picks its own), but a typo
        // there may be a typo elsewhere too.
        [
            method,
            url,
            "HTTP/1.0" | "HTTP/1.1" | "HTTP/2" | "HTTP/2.0" | "HTTP/3",
        ] => (*method, *url),
        [_, _, version] => {
            return Err(error(
                number,
                &format!("'{version}' is not an HTTP version; {EXPECTED}"),
            ));
        }
        _ => return Err(error(number, EXPECTED)),
    };
    validate_method(method).map_err(|e| error(number, &e.to_string()))?;
    if url.starts_with('/') {
        return Err(error(
            number,
            &format!("the URL must be absolute, e.g. http://localhost:3000{url}"),
        ));
    }
    parse_url(url).map_err(|e| error(number, &e.to_string()))?;
    Ok((method.to_owned(), url.to_owned()))
}

/// A `Name: value` line (never empty).
fn parse_header(line: &[u8], number: usize) -> Result<(String, Vec<u8>), ParseError> {
    if line[0] == b' ' || line[0] == b'\t' {
        return Err(error(
            number,
            "a line starting with a space continues no header here; put each header on one line",
        ));
    }
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return Err(error(
            number,
            "expected 'Name: value' (or an empty line before the body)",
        ));
    };
    let (name, value) = (&line[..colon], trim(&line[colon + 1..]));
    if name.is_empty() || !name.iter().all(|&b| is_token_byte(b)) {
        return Err(error(
            number,
            &format!(
                "'{}' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)",
                crate::sanitize::visible_bytes(name)
            ),
        ));
    }
    if HeaderValue::from_bytes(value).is_err() {
        return Err(error(
            number,
            "the header value contains control characters HTTP does not allow",
        ));
    }
    let name = String::from_utf8_lossy(name).into_owned();
    Ok((name, value.to_vec()))
}

/// Bytes allowed in a header name (RFC 9110 `token`).
pub(crate) fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn trim(mut v: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

fn error(line: usize, message: &str) -> ParseError {
    ParseError {
        line,
        message: message.to_owned(),
    }
}

/// Head lines without their LF or CRLF; `rest` is what follows the last
/// line returned, so after the empty line it is the body.
struct Lines<'a> {
    rest: &'a [u8],
    number: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        self.number += 1;
        let (line, rest) = match self.rest.iter().position(|&b| b == b'\n') {
            Some(end) => (&self.rest[..end], &self.rest[end + 1..]),
            None => (self.rest, &self.rest[self.rest.len()..]),
        };
        self.rest = rest;
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &'static [u8]) -> OutgoingRequest {
        OutgoingRequest {
            method: "POST".to_owned(),
            url: "http://localhost:3000/hooks?x=1".to_owned(),
            headers: vec![
                ("Content-Type".to_owned(), b"application/json".to_vec()),
                ("X-Raw".to_owned(), b"caf\xe9".to_vec()),
                ("X-Empty".to_owned(), Vec::new()),
            ],
            body: Bytes::from_static(body),
        }
    }

    #[test]
    fn writes_the_documented_layout() {
        let file = to_message_file(&request(b"{}"));
        assert_eq!(
            file,
            b"POST http://localhost:3000/hooks?x=1 HTTP/1.1\nContent-Type: application/json\n\
              X-Raw: caf\xe9\nX-Empty: \n\n{}"
        );
        assert_eq!(parse_message_file(&file).unwrap(), request(b"{}"));
    }

    #[test]
    fn accepts_crlf_and_keeps_the_body_verbatim() {
        let file =
            b"\r\nPOST http://localhost:3000/hooks?x=1\r\ncontent-type:application/json \r\n\
                     X-Raw:\tcaf\xe9\r\nX-Empty:\r\nHost: ignored\r\nContent-Length: 1\r\n\r\n\
                     line1\r\n\r\nline3\n";
        let req = parse_message_file(file).unwrap();
        assert_eq!(
            req.headers[0],
            ("content-type".to_owned(), b"application/json".to_vec())
        );
        assert_eq!(req.headers.len(), 3);
        assert_eq!(&req.body[..], b"line1\r\n\r\nline3\n");
    }

    #[test]
    fn no_blank_line_means_no_body() {
        let req = parse_message_file(b"GET https://example.com/ HTTP/2\nAccept: */*").unwrap();
        assert_eq!(req.method, "GET");
        assert!(req.body.is_empty());
        assert_eq!(req.headers.len(), 1);
    }

    #[test]
    fn errors_name_the_line() {
        let err = |file: &[u8]| parse_message_file(file).unwrap_err();
        assert_eq!(err(b"").line, 1);
        assert_eq!(err(b"\n\n").line, 2);
        let e = err(b"POST /hooks HTTP/1.1\n");
        assert_eq!(e.line, 1);
        assert!(e.message.contains("absolute"), "{e}");
        assert!(err(b"POST http://h/ FOO\n").message.contains("'FOO'"));
        assert!(
            err(b"POST http://h/ HTTP/1.1X\n")
                .message
                .contains("'HTTP/1.1X'")
        );
        assert!(err(b"POST http://h/ HTTP/\n").message.contains("'HTTP/'"));
        assert!(err(b"P(ST http://h/\n").message.contains("method"));
        assert!(err(b"POST ftp://h/\n").message.contains("ftp"));
        let e = err(b"POST http://h/\nA: 1\nno colon\n\nbody");
        assert_eq!(
            e.to_string(),
            "line 3: expected 'Name: value' (or an empty line before the body)"
        );
        assert_eq!(err(b"POST http://h/\nBad Name: 1\n").line, 2);
        assert_eq!(err(b"POST http://h/\r\nA: 1\r\n  folded\r\n").line, 3);
        assert_eq!(err(b"POST http://h/\nA: x\x00y\n").line, 2);
        assert_eq!(err(b"POST http://h/\nA: x\ry\n").line, 2);
    }
}
