//! The text each copy-menu entry puts on the clipboard.

use super::msg::CopyWhat;
use crate::export;
use crate::model::RequestDetail;

/// A label for the confirmation message and the text to copy.
pub fn text(what: CopyWhat, detail: &RequestDetail) -> (&'static str, String) {
    match what {
        CopyWhat::Body => ("body", String::from_utf8_lossy(&detail.body).into_owned()),
        CopyWhat::Headers => ("headers", headers(detail)),
        CopyWhat::Url => ("URL", url(detail)),
        CopyWhat::Curl => ("curl command", export::to_curl(detail)),
        CopyWhat::Markdown => ("Markdown", export::to_markdown(detail)),
    }
}

fn headers(detail: &RequestDetail) -> String {
    detail
        .headers
        .iter()
        .map(|(n, v)| format!("{n}: {}\n", String::from_utf8_lossy(v)))
        .collect()
}

fn url(detail: &RequestDetail) -> String {
    let target = &detail.summary.target;
    if target.starts_with("http://") || target.starts_with("https://") {
        return target.clone();
    }
    let host = export::host_of(detail).unwrap_or_else(|| "localhost".into());
    format!("http://{host}{target}")
}
