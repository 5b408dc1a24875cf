//! Content-Encoding decoding (gzip, deflate, br), for display and for
//! finding an event type, undoing a chain of encodings in reverse order with
//! a cap against decompression bombs.

use std::borrow::Cow;
use std::io::Read;

use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};

use crate::sanitize::owned;

/// Bytes to display and the encodings that were undone to get them.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub bytes: Cow<'a, [u8]>,
    /// Encoding names in the order the sender applied them.
    pub applied: Vec<&'static str>,
}

/// Undoes the request's Content-Encoding (every header, comma lists, last
/// applied first). Any failure or unsupported coding leaves the raw body
/// with a note; output past `max` bytes is dropped with a note.
pub fn decode<'a>(
    headers: &[(String, Vec<u8>)],
    body: &'a [u8],
    max: usize,
    notes: &mut Vec<String>,
) -> Decoded<'a> {
    let codings: Vec<String> = headers
        .iter()
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case("content-encoding"))
        .flat_map(|(_, v)| v.split(|b| *b == b','))
        .map(|c| String::from_utf8_lossy(c).trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    let raw = Decoded {
        bytes: Cow::Borrowed(body),
        applied: Vec::new(),
    };
    if codings.is_empty() || body.is_empty() {
        return raw;
    }

    let mut current: Cow<'a, [u8]> = Cow::Borrowed(body);
    let mut applied = Vec::new();
    let mut input_capped = false;
    for coding in codings.iter().rev() {
        let Some(name) = canonical(coding) else {
            notes.push(format!(
                "unsupported content-encoding `{}`: shown without decoding",
                owned(coding)
            ));
            return raw;
        };
        let step = match name {
            "gzip" => read_capped(MultiGzDecoder::new(&current[..]), max),
            "br" => read_capped(brotli::Decompressor::new(&current[..], 4096), max),
            _ => inflate(&current, max),
        };
        match step {
            Step {
                error: Some(err), ..
            } if !input_capped => {
                notes.push(format!(
                    "could not decode {name} ({}): shown without decoding",
                    owned(&err)
                ));
                return raw;
            }
            Step { out, capped, .. } => {
                if capped && !input_capped {
                    notes.push(format!("decompressed size capped at {}", cap_size(max)));
                }
                input_capped |= capped;
                current = Cow::Owned(out);
                applied.push(name);
            }
        }
    }
    applied.reverse();
    notes.push(format!("decoded from {} for display", applied.join(", ")));
    Decoded {
        bytes: current,
        applied,
    }
}

fn canonical(coding: &str) -> Option<&'static str> {
    match coding {
        "gzip" | "x-gzip" => Some("gzip"),
        "deflate" => Some("deflate"),
        "br" => Some("br"),
        _ => None,
    }
}

/// One decoding step: output (at most `max` bytes), whether more output
/// existed past the cap, and the error that stopped it early, if any.
struct Step {
    out: Vec<u8>,
    capped: bool,
    error: Option<String>,
}

fn read_capped(reader: impl Read, max: usize) -> Step {
    let mut out = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    // On error read_to_end keeps what it read, which matters only when the
    // input was itself cut short by an earlier cap.
    let result = reader.take(limit).read_to_end(&mut out);
    let capped = out.len() > max;
    if capped {
        out.truncate(max);
    }
    Step {
        out,
        capped,
        error: match result {
            Err(err) if !capped => Some(err.to_string()),
            _ => None,
        },
    }
}

/// HTTP "deflate" is meant to be zlib-wrapped, but many senders use raw
/// deflate; try zlib first, then raw.
fn inflate(data: &[u8], max: usize) -> Step {
    let zlib = read_capped(ZlibDecoder::new(data), max);
    if zlib.error.is_none() {
        return zlib;
    }
    let raw = read_capped(DeflateDecoder::new(data), max);
    if raw.error.is_none() { raw } else { zlib }
}

/// `32 MiB` for exact multiples of a unit, otherwise the usual rounding.
fn cap_size(n: usize) -> String {
    for (unit, size) in [("GiB", 1usize << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if n >= size && n.is_multiple_of(size) {
            return format!("{} {unit}", n / size);
        }
    }
    crate::human::size(n as u64)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    pub(crate) fn zlib(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    pub(crate) fn brotli(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
            w.write_all(data).unwrap();
        }
        out
    }

    fn headers(encoding: &str) -> Vec<(String, Vec<u8>)> {
        vec![("Content-Encoding".to_owned(), encoding.as_bytes().to_vec())]
    }

    fn raw_deflate(data: &[u8]) -> Vec<u8> {
        let mut enc =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn undoes_a_chain_in_reverse_order() {
        let body = brotli(&gzip(b"hello"));
        let mut notes = Vec::new();
        let d = decode(&headers("x-gzip, br"), &body, 1 << 20, &mut notes);
        assert_eq!(&d.bytes[..], b"hello");
        assert_eq!(d.applied, vec!["gzip", "br"]);
        assert_eq!(notes, vec!["decoded from gzip, br for display"]);
    }

    #[test]
    fn every_content_encoding_header_counts_whatever_its_case() {
        let body = brotli(&gzip(b"hello"));
        let headers = vec![
            ("content-encoding".to_owned(), b"gzip".to_vec()),
            ("Content-Type".to_owned(), b"text/plain".to_vec()),
            ("CONTENT-ENCODING".to_owned(), b"br".to_vec()),
        ];
        let d = decode(&headers, &body, 1 << 20, &mut Vec::new());
        assert_eq!(&d.bytes[..], b"hello");
        assert_eq!(d.applied, vec!["gzip", "br"]);
    }

    #[test]
    fn raw_deflate_is_accepted() {
        let mut notes = Vec::new();
        let body = raw_deflate(b"abc");
        let d = decode(&headers("deflate"), &body, 100, &mut notes);
        assert_eq!(&d.bytes[..], b"abc");
    }

    #[test]
    fn failures_fall_back_to_raw_bytes() {
        let mut notes = Vec::new();
        let d = decode(&headers("gzip"), b"not gzip", 100, &mut notes);
        assert_eq!(&d.bytes[..], b"not gzip");
        assert!(d.applied.is_empty());
        assert!(notes[0].starts_with("could not decode gzip ("), "{notes:?}");

        let mut notes = Vec::new();
        let d = decode(&headers("gzip, zstd"), b"abc", 100, &mut notes);
        assert_eq!(&d.bytes[..], b"abc");
        assert_eq!(
            notes,
            vec!["unsupported content-encoding `zstd`: shown without decoding"]
        );
    }

    #[test]
    fn output_is_capped() {
        let mut notes = Vec::new();
        let body = gzip(&[0u8; 5000]);
        let d = decode(&headers("gzip"), &body, 1024, &mut notes);
        assert_eq!(d.bytes.len(), 1024);
        assert_eq!(notes[0], "decompressed size capped at 1 KiB");
    }

    #[test]
    fn cap_sizes_read_naturally() {
        assert_eq!(cap_size(32 << 20), "32 MiB");
        assert_eq!(cap_size(1000), "1000 B");
        assert_eq!(cap_size(1536), "1.5 KiB");
    }
}
