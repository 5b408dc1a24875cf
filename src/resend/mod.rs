//! Outgoing HTTP: resending captured requests (as captured or edited as a
//! message file), delivering them with retries, and sending sample events.

pub mod client;
pub mod error;
pub mod message_file;
pub mod ordered_json;
pub mod outgoing;
pub mod retry;
pub mod samples;
mod tls;

pub use client::{Client, ClientOptions, MAX_RESPONSE_BODY, Response};
pub use error::{SendError, human_duration};
pub use message_file::{ParseError, parse_message_file, to_message_file};
pub use outgoing::{
    OutgoingRequest, ResendError, is_recomputed_header, kept_headers, parse_url, resolve_url,
};
pub use retry::{AttemptResult, DEFAULT_SCHEDULE, deliver};
pub use samples::{Sample, SampleError};
