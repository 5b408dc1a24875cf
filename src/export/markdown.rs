//! A captured request as a Markdown snippet, for sharing payload formats in
//! docs, issues and chat.

use crate::human;
use crate::model::RequestDetail;

/// Heading, a header table and the body in a fenced block (pretty-printed
/// when it is JSON). Fences grow to stay longer than any backtick run in
/// the body.
pub fn to_markdown(detail: &RequestDetail) -> String {
    let s = &detail.summary;
    let mut out = format!("### `{} {}`\n\n", s.method, s.target.replace('`', "'"));
    if let Some(event) = &s.event_type {
        out.push_str(&format!("Event: `{event}` · "));
    }
    out.push_str(&format!(
        "{} · {}\n\n| Header | Value |\n|---|---|\n",
        human::size(s.body_size),
        human::rfc3339(s.received_at_us)
    ));
    for (name, value) in &detail.headers {
        let value = String::from_utf8_lossy(value).replace('|', "\\|");
        out.push_str(&format!("| `{name}` | `{value}` |\n"));
    }
    if detail.body.is_empty() {
        return out;
    }
    let (lang, body) = match serde_json::from_slice::<serde_json::Value>(&detail.body) {
        Ok(value) => (
            "json",
            serde_json::to_string_pretty(&value).unwrap_or_default(),
        ),
        Err(_) => ("", String::from_utf8_lossy(&detail.body).into_owned()),
    };
    let longest_run = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    out.push_str(&format!("\n{fence}{lang}\n{body}\n{fence}\n"));
    out
}
