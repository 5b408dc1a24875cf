//! Header lists as BLOBs: length-prefixed name/value pairs, so order,
//! duplicates and non-UTF-8 values survive exactly.

use crate::model::HeaderList;

/// Encodes `[u32 name len][name][u32 value len][value]...`, lengths big-endian.
pub(crate) fn encode_headers(headers: &[(String, Vec<u8>)]) -> Vec<u8> {
    let size = headers.iter().map(|(n, v)| 8 + n.len() + v.len()).sum();
    let mut out = Vec::with_capacity(size);
    for (name, value) in headers {
        push_chunk(&mut out, name.as_bytes());
        push_chunk(&mut out, value);
    }
    out
}

fn push_chunk(out: &mut Vec<u8>, bytes: &[u8]) {
    // Header fields are bounded far below 4 GiB by the HTTP parser.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&bytes[..len as usize]);
}

/// Decodes what `encode_headers` wrote; `None` if the blob is damaged.
pub(crate) fn decode_headers(mut blob: &[u8]) -> Option<HeaderList> {
    let mut headers = Vec::new();
    while !blob.is_empty() {
        let name = take_chunk(&mut blob)?;
        let value = take_chunk(&mut blob)?;
        headers.push((String::from_utf8(name.to_vec()).ok()?, value.to_vec()));
    }
    Some(headers)
}

fn take_chunk<'a>(blob: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, rest) = blob.split_first_chunk::<4>()?;
    let len = u32::from_be_bytes(*len) as usize;
    if rest.len() < len {
        return None;
    }
    let (chunk, rest) = rest.split_at(len);
    *blob = rest;
    Some(chunk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn round_trips_any_headers(headers in proptest::collection::vec((".{0,20}", proptest::collection::vec(any::<u8>(), 0..40)), 0..10)) {
            prop_assert_eq!(decode_headers(&encode_headers(&headers)), Some(headers));
        }

        #[test]
        fn decoding_garbage_never_panics(blob in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode_headers(&blob);
        }
    }
}
