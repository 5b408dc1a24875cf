//! The request as an HTTP/1.1 message, from the stored bytes.

use crate::model::{RequestDetail, header_value};

/// Request line, headers and body exactly as stored, framed so that the
/// message is valid HTTP/1.1. hyper hands over a chunked body without its
/// chunk framing, so it is written back as one chunk. HTTP/2 carries the
/// host as `:authority`, written here as the `host` header HTTP/1.1 uses, and
/// frames bodies itself, so a body without a length gets `content-length`.
/// A body stored truncated gets the length of what was stored, or the
/// message would announce bytes it does not have.
pub fn to_http1(detail: &RequestDetail) -> Vec<u8> {
    let s = &detail.summary;
    let version = if s.http_version.starts_with("HTTP/1") {
        s.http_version.as_str()
    } else {
        "HTTP/1.1"
    };
    let mut out = Vec::with_capacity(detail.body.len() + 512);
    out.extend_from_slice(format!("{} {} {version}\r\n", s.method, s.target).as_bytes());
    let stored_length = detail.body.len().to_string();
    for (name, value) in &detail.headers {
        let name = if name == ":authority" { "host" } else { name };
        let value = if s.body_truncated && name.eq_ignore_ascii_case("content-length") {
            stored_length.as_bytes()
        } else {
            value
        };
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    let chunked = is_chunked(&detail.headers);
    if !chunked
        && !detail.body.is_empty()
        && header_value(&detail.headers, "content-length").is_none()
    {
        out.extend_from_slice(format!("content-length: {}\r\n", detail.body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    if chunked {
        if !detail.body.is_empty() {
            out.extend_from_slice(format!("{:x}\r\n", detail.body.len()).as_bytes());
            out.extend_from_slice(&detail.body);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(&detail.body);
    }
    out
}

/// True when the last transfer coding is `chunked`, as HTTP/1.1 frames it.
pub fn is_chunked(headers: &[(String, Vec<u8>)]) -> bool {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"))
        .flat_map(|(_, v)| v.split(|&b| b == b','))
        .last()
        .is_some_and(|coding| coding.trim_ascii().eq_ignore_ascii_case(b"chunked"))
}

/// The body of a chunked message: the chunks' data joined, trailers dropped.
/// `None` when the framing is broken or cut short.
pub fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let httparse::Status::Complete((used, size)) = httparse::parse_chunk_size(data).ok()?
        else {
            return None;
        };
        data = &data[used..];
        if size == 0 {
            return Some(body);
        }
        let size = usize::try_from(size).ok()?;
        let chunk = data.get(..size)?;
        body.extend_from_slice(chunk);
        data = data[size..].strip_prefix(b"\r\n")?;
    }
}

/// The host the sender addressed: `Host`, or HTTP/2's `:authority`.
pub fn host_of(detail: &RequestDetail) -> Option<String> {
    header_value(&detail.headers, "host")
        .or_else(|| header_value(&detail.headers, ":authority"))
        .and_then(|v| std::str::from_utf8(v).ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn h(name: &str, value: &str) -> (String, Vec<u8>) {
        (name.to_owned(), value.as_bytes().to_vec())
    }

    #[test]
    fn bodies_get_the_framing_http1_needs() {
        let mut h2 = crate::export::tests::detail(&[(":authority", b"example.test")], b"abc");
        h2.summary.http_version = "HTTP/2.0".into();
        assert_eq!(
            to_http1(&h2),
            b"POST /hooks/a HTTP/1.1\r\nhost: example.test\r\ncontent-length: 3\r\n\r\nabc"
        );
        let chunked = crate::export::tests::detail(&[("transfer-encoding", b"chunked")], b"");
        assert!(to_http1(&chunked).ends_with(b"chunked\r\n\r\n0\r\n\r\n"));
        let sized = crate::export::tests::detail(&[("content-length", b"3")], b"abc");
        assert!(to_http1(&sized).ends_with(b"content-length: 3\r\n\r\nabc"));
    }

    #[test]
    fn the_last_coding_decides_chunked() {
        assert!(is_chunked(&[h("Transfer-Encoding", "gzip, Chunked")]));
        assert!(is_chunked(&[
            h("transfer-encoding", "gzip"),
            h("transfer-encoding", "chunked")
        ]));
        assert!(!is_chunked(&[h("transfer-encoding", "chunked, gzip")]));
        assert!(!is_chunked(&[h("content-length", "3")]));
    }

    #[test]
    fn dechunking_reads_extensions_and_trailers_and_refuses_short_input() {
        assert_eq!(
            dechunk(b"3;ext=1\r\nabc\r\n1\r\nd\r\n0\r\nx-trailer: 1\r\n\r\n").as_deref(),
            Some(&b"abcd"[..])
        );
        assert_eq!(dechunk(b"0\r\n\r\n").as_deref(), Some(&b""[..]));
        assert_eq!(dechunk(b"5\r\nabc"), None);
        assert_eq!(dechunk(b"3\r\nabcX0\r\n\r\n"), None);
        assert_eq!(dechunk(b"zz\r\n"), None);
    }

    proptest! {
        #[test]
        fn any_body_framed_as_one_chunk_reads_back(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut framed = Vec::new();
            if !body.is_empty() {
                framed.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
                framed.extend_from_slice(&body);
                framed.extend_from_slice(b"\r\n");
            }
            framed.extend_from_slice(b"0\r\n\r\n");
            prop_assert_eq!(dechunk(&framed), Some(body));
        }
    }
}
