//! A captured request as a JSON object; bytes that are not UTF-8 are given
//! as base64 so the object is lossless. And JSON text that is safe to show
//! in a terminal, for everything hookscope writes as JSON.

use std::io::{self, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
use serde_json::{Value, json};

use crate::human;
use crate::model::{Attempt, RequestDetail};
use crate::sanitize;

/// Writes `value` as JSON on one line, or indented when `pretty`. Besides
/// what JSON escapes anyway, DEL, C1 controls and bidi controls, which
/// serde_json leaves as they are, are written as JSON escapes (`\u009b`):
/// the value is the same, and no payload reaches a terminal that shows the
/// text as a control sequence (U+009B is CSI) or reordered.
pub fn write_json(out: &mut impl Write, value: &impl Serialize, pretty: bool) -> io::Result<()> {
    if pretty {
        let mut ser =
            serde_json::Serializer::with_formatter(&mut *out, TerminalSafe(PrettyFormatter::new()));
        value.serialize(&mut ser).map_err(io::Error::from)
    } else {
        let mut ser =
            serde_json::Serializer::with_formatter(&mut *out, TerminalSafe(CompactFormatter));
        value.serialize(&mut ser).map_err(io::Error::from)
    }
}

/// `write_json` into a string.
pub fn json_text(value: &impl Serialize, pretty: bool) -> String {
    let mut out = Vec::new();
    // Writing into a Vec fails only for values that are not JSON (a map
    // with non-string keys), which none of hookscope's are.
    let _ = write_json(&mut out, value, pretty);
    String::from_utf8(out).unwrap_or_default()
}

/// A formatter that escapes what `sanitize` would in string fragments and
/// leaves layout to the one it wraps.
struct TerminalSafe<F>(F);

impl<F: Formatter> Formatter for TerminalSafe<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest
            .char_indices()
            .find(|&(_, c)| sanitize::needs_escape(c))
        {
            self.0.write_string_fragment(writer, &rest[..at])?;
            // Every such character is in the Basic Multilingual Plane.
            write!(writer, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        self.0.write_string_fragment(writer, rest)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

pub fn detail_json(detail: &RequestDetail) -> Value {
    let s = &detail.summary;
    json!({
        "id": s.id.0,
        "received_at": human::rfc3339(s.received_at_us),
        "received_at_us": s.received_at_us,
        "method": s.method,
        "target": s.target,
        "http_version": s.http_version,
        "remote_addr": s.remote_addr,
        "headers": headers_json(&detail.headers),
        "body": bytes_json(&detail.body),
        "body_size": s.body_size,
        "body_truncated": s.body_truncated,
        "event_type": s.event_type,
        "sig_provider": s.sig_provider,
        "sig_status": s.sig_status,
        "response": {
            "status": detail.answer.status,
            "headers": headers_json(&detail.answer.headers),
            "body": bytes_json(&detail.answer.body),
        },
    })
}

/// A request's resends, forwards and sends, oldest first: where each went
/// and what came back.
pub fn attempts_json(attempts: &[Attempt]) -> Value {
    Value::Array(
        attempts
            .iter()
            .map(|a| {
                json!({
                    "id": a.id,
                    "kind": a.kind,
                    "method": a.method,
                    "url": a.url,
                    "started_at": human::rfc3339(a.started_at_us),
                    "started_at_us": a.started_at_us,
                    "duration_us": a.duration_us,
                    "response": a.response_status.map(|status| json!({
                        "status": status,
                        "headers": headers_json(&a.response_headers),
                        "body": bytes_json(&a.response_body),
                    })),
                    "error": a.error,
                })
            })
            .collect(),
    )
}

/// `[[name, value], ...]`, order and duplicates kept.
fn headers_json(headers: &[(String, Vec<u8>)]) -> Value {
    Value::Array(
        headers
            .iter()
            .map(|(n, v)| json!([n, bytes_json(v)]))
            .collect(),
    )
}

/// A string when the bytes are UTF-8, else `{"base64": "..."}`.
fn bytes_json(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(text) => Value::String(text.to_owned()),
        Err(_) => json!({ "base64": STANDARD.encode(bytes) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What a terminal would act on; pretty JSON's own line feeds aside.
    fn shown_as_control(c: char) -> bool {
        c != '\n' && sanitize::needs_escape(c)
    }

    #[test]
    fn terminal_controls_in_strings_are_escaped_and_the_value_kept() {
        let value = json!({"a\u{202e}": ["\u{1b}]0;x\u{7}", "\u{9b}31m", "\u{7f}", "é ✓"]});
        for pretty in [false, true] {
            let text = json_text(&value, pretty);
            assert!(!text.chars().any(shown_as_control), "{text:?}");
            assert!(
                text.contains(r"\u202e") && text.contains(r"\u009b"),
                "{text}"
            );
            assert!(text.contains("é ✓"), "other text stays as it is: {text}");
            assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON"), value);
        }
        assert_eq!(
            json_text(&value, true),
            serde_json::to_string_pretty(&value)
                .expect("JSON")
                .replace('\u{202e}', r"\u202e")
                .replace('\u{9b}', r"\u009b")
                .replace('\u{7f}', r"\u007f"),
            "laid out as serde_json lays it out"
        );
    }

    proptest! {
        #[test]
        fn any_string_reads_back_the_same_with_nothing_for_a_terminal_to_act_on(
            s in any::<String>(), key in any::<String>(), pretty in any::<bool>()
        ) {
            let value = json!({ key: [s] });
            let text = json_text(&value, pretty);
            prop_assert!(!text.chars().any(shown_as_control));
            prop_assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON"), value);
        }
    }
}
