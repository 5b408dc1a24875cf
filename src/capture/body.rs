//! Reading a request body under a size limit and a deadline, keeping what
//! fits and counting the rest.

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use tokio::time::Instant;

/// What arrived of a body.
pub(crate) struct ReadBody {
    /// At most the limit.
    pub kept: Bytes,
    /// Bytes seen, kept or not.
    pub seen: u64,
    pub truncated: bool,
    pub end: BodyEnd,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BodyEnd {
    Complete,
    TimedOut,
    /// The connection broke or the framing was invalid.
    Failed(String),
}

/// Reads `body` until its end or `deadline`. Past `limit` bytes the rest is
/// counted and dropped, so the sender still gets a clean 413 answer rather
/// than a reset connection.
pub(crate) async fn read(mut body: Incoming, limit: u64, deadline: Instant) -> ReadBody {
    let mut kept = Kept::Nothing;
    let mut seen: u64 = 0;
    let mut truncated = false;
    let end = loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => break BodyEnd::TimedOut,
            Ok(None) => break BodyEnd::Complete,
            Ok(Some(Err(e))) => break BodyEnd::Failed(e.to_string()),
            Ok(Some(Ok(frame))) => frame,
        };
        // Trailers carry no body bytes.
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen += data.len() as u64;
        let room = limit.saturating_sub(kept.len() as u64);
        if (data.len() as u64) <= room {
            kept.push(data);
        } else {
            // `room` is below `data.len()`, so it fits in usize.
            kept.push(data.slice(..room as usize));
            truncated = true;
        }
    };
    ReadBody {
        kept: kept.into_bytes(),
        seen,
        truncated,
        end,
    }
}

/// The bytes kept so far. Most bodies arrive in one frame, which is kept as
/// it came, without a copy.
enum Kept {
    Nothing,
    One(Bytes),
    Joined(BytesMut),
}

impl Kept {
    fn len(&self) -> usize {
        match self {
            Kept::Nothing => 0,
            Kept::One(b) => b.len(),
            Kept::Joined(b) => b.len(),
        }
    }

    fn push(&mut self, data: Bytes) {
        if data.is_empty() {
            return;
        }
        match self {
            Kept::Nothing => *self = Kept::One(data),
            Kept::One(first) => {
                let mut joined = BytesMut::with_capacity(first.len() + data.len());
                joined.extend_from_slice(first);
                joined.extend_from_slice(&data);
                *self = Kept::Joined(joined);
            }
            Kept::Joined(joined) => joined.extend_from_slice(&data),
        }
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Kept::Nothing => Bytes::new(),
            Kept::One(b) => b,
            Kept::Joined(b) => b.freeze(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_kept_in_order_whatever_their_sizes() {
        let frames: &[&[u8]] = &[b"", b"ab", b"", b"c", b"defg"];
        let mut kept = Kept::Nothing;
        let mut want = Vec::new();
        for f in frames {
            kept.push(Bytes::copy_from_slice(f));
            want.extend_from_slice(f);
            assert_eq!(kept.len(), want.len());
        }
        assert_eq!(kept.into_bytes(), want);
    }

    #[test]
    fn a_single_frame_is_kept_without_a_copy() {
        let frame = Bytes::from(vec![7u8; 900]);
        let ptr = frame.as_ptr();
        let mut kept = Kept::Nothing;
        kept.push(frame);
        assert_eq!(kept.into_bytes().as_ptr(), ptr);
    }
}
