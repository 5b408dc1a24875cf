//! A captured request as a Markdown snippet, for sharing payload formats in
//! docs, issues and chat.

use crate::human;
use crate::model::RequestDetail;
use crate::resend::ordered_json::OrderedJson;
use crate::sanitize;

/// Heading, a header table and the body in a fenced block (pretty-printed
/// when it is JSON, with keys in the order they were sent: the snippet shows
/// a payload's format). Fences grow to stay longer than any backtick run in
/// the body.
pub fn to_markdown(detail: &RequestDetail) -> String {
    let s = &detail.summary;
    // Every text from the request is made visible: a snippet is read in
    // terminals as well as pasted into docs and chat.
    let heading = format!("{} {}", s.method, s.target);
    let mut out = format!("### {}\n\n", code(&sanitize::visible(&heading)));
    if let Some(event) = &s.event_type {
        out.push_str(&format!("Event: {} · ", code(&sanitize::visible(event))));
    }
    out.push_str(&format!(
        "{} · {}\n\n| Header | Value |\n|---|---|\n",
        human::size(s.body_size),
        human::rfc3339(s.received_at_us)
    ));
    for (name, value) in &detail.headers {
        let (name, value) = (
            code(&sanitize::visible(name)),
            code(&sanitize::visible_bytes(value)),
        );
        out.push_str(&format!(
            "| {} | {} |\n",
            name.replace('|', "\\|"),
            value.replace('|', "\\|")
        ));
    }
    if detail.body.is_empty() {
        return out;
    }
    let (lang, body) = match serde_json::from_slice::<OrderedJson>(&detail.body) {
        Ok(value) => ("json", super::json_text(&value, true)),
        Err(_) => match std::str::from_utf8(&detail.body) {
            Ok(text) => ("", sanitize::visible_multiline(text)),
            Err(_) => {
                out.push_str("\nThe body is not text; its bytes in base64:\n");
                ("", base64_lines(&detail.body))
            }
        },
    };
    let fence = "`".repeat(longest_backtick_run(&body).max(2) + 1);
    out.push_str(&format!("\n{fence}{lang}\n{body}\n{fence}\n"));
    out
}

/// Inline code that shows `text` as it is: delimited by more backticks than
/// it contains in a row, with spaces inside when it starts or ends with one
/// (CommonMark strips one space on each side).
fn code(text: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(text) + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{ticks} {text} {ticks}")
    } else {
        format!("{ticks}{text}{ticks}")
    }
}

/// Base64 in lines of 76 characters, as MIME writes it.
fn base64_lines(bytes: &[u8]) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    // Base64 is ASCII, so every 76-byte chunk is whole characters.
    encoded
        .as_bytes()
        .chunks(76)
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::detail;

    #[test]
    fn json_keeps_the_order_its_keys_were_sent_in() {
        let md = to_markdown(&detail(&[], br#"{"type":"b","id":1,"a":{"z":0,"y":1}}"#));
        let body = &md[md.find("```json").expect("json fence")..];
        let keys: Vec<usize> = ["\"type\"", "\"id\"", "\"a\"", "\"z\"", "\"y\""]
            .iter()
            .map(|k| body.find(k).expect(k))
            .collect();
        assert!(keys.is_sorted(), "{md}");
    }

    #[test]
    fn fences_and_tables_hold_whatever_the_request_carries() {
        let md = to_markdown(&detail(&[("x-pipe", b"a|b")], b"text with ``` inside"));
        assert!(md.contains("| `x-pipe` | `a\\|b` |"), "{md}");
        assert!(md.contains("\n````\ntext with ``` inside\n````\n"), "{md}");
        assert!(
            md.starts_with("### `POST /hooks/a`\n\nEvent: `lead.captured` · "),
            "{md}"
        );
    }

    #[test]
    fn inline_code_keeps_backticks_as_sent() {
        assert_eq!(code("plain"), "`plain`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("``x"), "``` ``x ```");
        let md = to_markdown(&detail(&[("x-tick", b"v`1|2")], b""));
        assert!(md.contains("| `x-tick` | ``v`1\\|2`` |"), "{md}");
    }

    #[test]
    fn control_characters_and_binary_bodies_never_reach_the_reader_as_bytes() {
        let md = to_markdown(&detail(&[("x-raw", b"a\xffb")], b"line\x1b[2J\r\nnext\x07"));
        assert!(md.contains("| `x-raw` | `a\\xffb` |"), "{md}");
        assert!(md.contains("\n```\nline\\e[2J\nnext\\x07\n```\n"), "{md}");
        assert!(!md.contains('\x1b') && !md.contains('\x07'), "{md}");

        let gzip = [0x1f, 0x8b, 0x08, 0x00, 0xff];
        let md = to_markdown(&detail(&[], &gzip));
        assert!(
            md.contains("not text; its bytes in base64:\n\n```\nH4sIAP8=\n```\n"),
            "{md}"
        );
        let long = to_markdown(&detail(&[], &[0xff; 200]));
        assert!(long.lines().all(|l| l.len() <= 76), "{long}");
    }

    #[test]
    fn an_event_type_or_a_json_body_cannot_steer_the_terminal_either() {
        let body = "{\"type\":\"a\\u001b]0;X\\u0007\\u009b2J\\u202e\"}";
        let mut d = detail(&[], body.as_bytes());
        d.summary.event_type = Some("a\u{1b}]0;X\u{7}\u{9b}2J\u{202e}".into());
        let md = to_markdown(&d);
        assert!(
            !md.chars().any(|c| c != '\n' && sanitize::needs_escape(c)),
            "{md:?}"
        );
        assert!(
            md.contains("Event: `a\\e]0;X\\x07\\u{9b}2J\\u{202e}`"),
            "{md}"
        );
        assert!(
            md.contains(r#""type": "a\u001b]0;X\u0007\u009b2J\u202e""#),
            "{md}"
        );
    }
}
