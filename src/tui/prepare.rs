//! The expensive parts of the detail pane (body rendering, raw message),
//! built once per selected request on a blocking thread, never while drawing.

use ratatui::text::Line;

use super::body::{self, BodyOptions, RenderedBody};
use crate::export;
use crate::model::RequestDetail;
use crate::sanitize::visible_bytes;
use crate::signature::Verification;
use crate::verifier::Verifier;

#[derive(Debug)]
pub struct Prepared {
    pub body: RenderedBody,
    /// The signature checked again with the current secrets, in full detail.
    pub signature: Verification,
    /// The request as an HTTP/1.1 message, one entry per line, control
    /// characters made visible; CRLF line ends are shown as `↵`.
    pub raw: Vec<Line<'static>>,
}

pub fn prepare(detail: &RequestDetail, verifier: &Verifier) -> Prepared {
    let s = &detail.summary;
    let signature = verifier.check(&s.method, &s.target, &detail.headers, &detail.body);
    let mut body = body::render(&detail.headers, &detail.body, &BodyOptions::default());
    // The renderer does not know the id its "show ID --raw" notice refers to.
    if let Some(span) = body.lines.last_mut().and_then(|line| {
        line.spans
            .iter_mut()
            .find(|s| s.content.contains("show ID"))
    }) {
        let text = span
            .content
            .replace("show ID", &format!("show {}", detail.summary.id));
        span.content = text.into();
    }
    let message = export::to_http1(detail);
    let raw = message
        .split(|b| *b == b'\n')
        .map(|line| match line.strip_suffix(b"\r") {
            Some(text) => Line::from(format!("{}↵", visible_bytes(text))),
            None => Line::from(visible_bytes(line).into_owned()),
        })
        .collect();
    Prepared {
        body,
        signature,
        raw,
    }
}
