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
    let mut kept = BytesMut::new();
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
            kept.extend_from_slice(&data);
        } else {
            // `room` is below `data.len()`, so it fits in usize.
            kept.extend_from_slice(&data[..room as usize]);
            truncated = true;
        }
    };
    ReadBody {
        kept: kept.freeze(),
        seen,
        truncated,
        end,
    }
}
