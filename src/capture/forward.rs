//! Forward mode (`listen --forward URL`): after a request is committed it is
//! sent on to the user's app, and the original sender gets the app's answer
//! (502 if the app is unreachable, 504 if it is too slow). The exchange is
//! stored as an attempt before the sender is answered.

use bytes::Bytes;

use crate::delivery;
use crate::model::{Answer, HeaderList, RequestId};
use crate::resend::{self, Client, OutgoingRequest, SendError};
use crate::store::WriterHandle;

/// Where and how to forward.
#[derive(Clone, Debug)]
pub struct Forward {
    /// A full URL, or an origin to which the captured path is appended.
    pub target: String,
    pub client: Client,
}

/// Headers of the app's answer that describe its connection to us, not
/// the answer: hyper sets them anew for the sender.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
];

/// Forwards one stored request and returns the answer for its sender.
pub(crate) async fn forward(
    forward: &Forward,
    writer: &WriterHandle,
    id: RequestId,
    method: &str,
    target: &str,
    headers: &[(String, Vec<u8>)],
    body: Bytes,
) -> Answer {
    let req = match resend::resolve_url(&forward.target, target) {
        Ok(url) => OutgoingRequest {
            method: method.to_owned(),
            url,
            headers: resend::kept_headers(headers),
            body,
        },
        Err(e) => return failure(id, 502, &e.to_string()),
    };
    let attempt = resend::deliver(&forward.client, &req, &[], |_| {}).await;
    let answer = match &attempt.outcome {
        Ok(response) => Answer {
            status: response.status,
            headers: response
                .headers
                .iter()
                .filter(|(n, _)| !HOP_BY_HOP.iter().any(|h| n.eq_ignore_ascii_case(h)))
                .cloned()
                .collect::<HeaderList>(),
            body: response.body.to_vec(),
        },
        Err(e @ SendError::Timeout(_)) => failure(id, 504, &e.to_string()),
        Err(e) => failure(id, 502, &e.to_string()),
    };
    let record = delivery::attempt_record(Some(id), "forward", &req, &attempt);
    if let Err(e) = writer.record_attempt(record, Some(answer.clone())).await {
        tracing::warn!("could not store the forward of request {id}: {e}");
    }
    answer
}

/// The answer when the app could not answer: the capture is kept, and says so.
fn failure(id: RequestId, status: u16, reason: &str) -> Answer {
    let body =
        serde_json::json!({ "id": id.0, "stored": true, "forwarded": false, "error": reason });
    Answer {
        status,
        headers: vec![("content-type".into(), b"application/json".to_vec())],
        body: body.to_string().into_bytes(),
    }
}
