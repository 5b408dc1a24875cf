//! Renderings of a captured request for other tools: the raw HTTP/1.1
//! message, a curl command, JSON, Markdown. Pure functions; callers do the I/O.

mod curl;
mod json;
mod markdown;
mod raw;

pub use curl::to_curl;
pub use json::detail_json;
pub use markdown::to_markdown;
pub use raw::{host_of, to_http1};
