//! Names the kind of event a webhook carries, from well-known headers or
//! top-level body fields, for the list's "type" column and `type:` filters.

use crate::model::header_value;

/// Headers providers use to name the event, most specific first.
const EVENT_HEADERS: &[&str] = &[
    "x-github-event",
    "x-gitlab-event",
    "x-shopify-topic",
    "shopify-topic",
    "twitch-eventsub-subscription-type",
    "x-event-key",
    "x-event-type",
    "x-webhook-event",
];

/// How much of a body is read to find an event name: past it, only a
/// decisive field already seen counts (the scan stops there anyway).
const MAX_PARSE: usize = 1 << 20;

/// The event a request names in a header, or else in its JSON body,
/// decompressed first when it was sent with a Content-Encoding.
pub fn event_type(headers: &[(String, Vec<u8>)], body: &[u8]) -> Option<String> {
    EVENT_HEADERS
        .iter()
        .find_map(|name| header_value(headers, name))
        .and_then(|v| std::str::from_utf8(v).ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .or_else(|| from_json(body))
        .or_else(|| {
            header_value(headers, "content-encoding")?;
            let decoded =
                crate::content_encoding::decode(headers, body, MAX_PARSE, &mut Vec::new());
            if decoded.applied.is_empty() {
                return None;
            }
            from_json(&decoded.bytes)
        })
}

/// The top-level fields that name an event, filled in as the body is scanned.
#[derive(Default)]
struct EventFields {
    kind: Option<Name>,
    event: Option<Name>,
    event_type: Option<Name>,
    event_type_camel: Option<Name>,
    topic: Option<Name>,
}

impl EventFields {
    /// True once no later field can change the answer: `type` comes first,
    /// unless it is Slack's envelope and the event inside is still to come.
    fn decided(&self) -> bool {
        match &self.kind {
            Some(Name::Text(kind)) if kind == "event_callback" => self.slack_inner().is_some(),
            Some(Name::Text(kind)) => !kind.is_empty(),
            _ => false,
        }
    }

    /// The type of the event inside Slack's `event_callback` envelope.
    fn slack_inner(&self) -> Option<&String> {
        match (&self.kind, &self.event) {
            (Some(Name::Text(kind)), Some(Name::Object { kind: Some(inner) }))
                if kind == "event_callback" && !inner.is_empty() =>
            {
                Some(inner)
            }
            _ => None,
        }
    }

    fn name(self) -> Option<String> {
        // Slack's envelope type says less than the event inside it.
        if let Some(inner) = self.slack_inner() {
            return Some(inner.clone());
        }
        [
            self.kind,
            self.event,
            self.event_type,
            self.event_type_camel,
            self.topic,
        ]
        .into_iter()
        .flatten()
        .find_map(Name::text)
    }
}

/// Top-level keys, matched without allocating.
#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Key {
    Type,
    Event,
    EventType,
    #[serde(rename = "eventType")]
    EventTypeCamel,
    Topic,
    #[serde(other)]
    Other,
}

/// A field is either the name itself or, as in Slack's
/// `{"event":{"type":"app_mention"}}`, an object whose `type` is the name.
enum Name {
    Text(String),
    /// `kind` is the object's `type` when that is a string given once.
    Object {
        kind: Option<String>,
    },
    Other,
}

/// Read in one pass over the JSON: an untagged enum would first buffer
/// every value into an intermediate tree, for every captured request.
impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Name, D::Error> {
        de.deserialize_any(NameVisitor)
    }
}

struct NameVisitor;

impl<'de> serde::de::Visitor<'de> for NameVisitor {
    type Value = Name;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, v: &str) -> Result<Name, E> {
        Ok(Name::Text(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Name, E> {
        Ok(Name::Text(v))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Name, A::Error> {
        let mut kind = None;
        let mut types = 0;
        while let Some(key) = map.next_key::<Key>()? {
            if matches!(key, Key::Type) {
                types += 1;
                kind = match map.next_value::<Name>()? {
                    Name::Text(text) => Some(text),
                    Name::Object { .. } | Name::Other => None,
                };
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        // A `type` given twice, or not as text, names nothing.
        Ok(Name::Object {
            kind: kind.filter(|_| types == 1),
        })
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Name, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Name::Other)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Name, E> {
        Ok(Name::Other)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Name, E> {
        Ok(Name::Other)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Name, E> {
        Ok(Name::Other)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Name, E> {
        Ok(Name::Other)
    }

    fn visit_unit<E>(self) -> Result<Name, E> {
        Ok(Name::Other)
    }
}

impl Name {
    fn text(self) -> Option<String> {
        match self {
            Name::Text(s) | Name::Object { kind: Some(s) } if !s.is_empty() => Some(s),
            _ => None,
        }
    }
}

/// Reads top-level fields into `EventFields` and stops as soon as the name
/// is decided: this runs for every captured request, and a provider's `type`
/// usually comes before the bulk of the payload.
struct Scan<'a>(&'a mut EventFields);

impl<'de> serde::de::Visitor<'de> for Scan<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            let slot = match key {
                Key::Type => &mut self.0.kind,
                Key::Event => &mut self.0.event,
                Key::EventType => &mut self.0.event_type,
                Key::EventTypeCamel => &mut self.0.event_type_camel,
                Key::Topic => &mut self.0.topic,
                Key::Other => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    continue;
                }
            };
            let value = map.next_value::<Name>()?;
            // The first occurrence of a duplicated key counts.
            slot.get_or_insert(value);
            if self.0.decided() {
                return Ok(());
            }
        }
        Ok(())
    }
}

fn from_json(body: &[u8]) -> Option<String> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    if body[start] != b'{' {
        return None;
    }
    // A body cut here fails to parse at the cut unless the scan stopped
    // before it, at a decisive field.
    let mut fields = EventFields::default();
    let mut de = serde_json::Deserializer::from_slice(&body[..body.len().min(MAX_PARSE)]);
    let scanned = serde::Deserializer::deserialize_map(&mut de, Scan(&mut fields));
    // Stopping early leaves the object unfinished, which serde_json reports
    // as an error; a body is only trusted up to the decisive field then.
    if !fields.decided() {
        scanned.ok()?;
        de.end().ok()?;
    }
    fields.name()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn h(name: &str, value: &str) -> (String, Vec<u8>) {
        (name.to_owned(), value.as_bytes().to_vec())
    }

    #[test]
    fn header_wins_over_body() {
        let headers = vec![h("X-GitHub-Event", "push")];
        assert_eq!(
            event_type(&headers, br#"{"type":"x"}"#).as_deref(),
            Some("push")
        );
    }

    #[test]
    fn body_fields_in_order() {
        assert_eq!(
            event_type(
                &[],
                br#"{"event":"lead.captured","type":"payment_intent.succeeded"}"#
            )
            .as_deref(),
            Some("payment_intent.succeeded")
        );
        assert_eq!(
            event_type(&[], br#" {"event":"lead.captured"}"#).as_deref(),
            Some("lead.captured")
        );
        assert_eq!(
            event_type(&[], br#"{"type":"event_callback","x":1}"#).as_deref(),
            Some("event_callback")
        );
        assert_eq!(
            event_type(
                &[],
                br#"{"type":"event_callback","event":{"type":"app_mention","n":[1]}}"#
            )
            .as_deref(),
            Some("app_mention")
        );
        assert_eq!(
            event_type(&[], br#"{"type":"event_callback","event":{"type":""}}"#).as_deref(),
            Some("event_callback"),
            "an empty inner type names nothing"
        );
        assert_eq!(
            event_type(&[], br#"{"type":7,"event":"x"}"#).as_deref(),
            Some("x")
        );
    }

    #[test]
    fn the_scan_stops_at_a_decisive_type() {
        // What follows the decisive field is not read, so it may be anything.
        assert_eq!(
            event_type(&[], br#"{"type":"invoice.paid","data":{"x":"#).as_deref(),
            Some("invoice.paid")
        );
        assert_eq!(
            event_type(&[], br#"{"event":"a.b","data":{"x":"#),
            None,
            "nothing decisive before the body breaks off"
        );
        assert_eq!(
            event_type(&[], br#"{"type":"first","type":"second"}"#).as_deref(),
            Some("first")
        );
        assert_eq!(
            event_type(&[], br#"{"\u0074ype":"escaped.key"}"#).as_deref(),
            Some("escaped.key")
        );
    }

    #[test]
    fn a_body_over_the_scanned_size_is_named_by_a_type_read_before_it() {
        let padding = "x".repeat(MAX_PARSE);
        let first = format!(r#"{{"type":"big.first","data":"{padding}"}}"#);
        assert_eq!(
            event_type(&[], first.as_bytes()).as_deref(),
            Some("big.first")
        );
        let last = format!(r#"{{"data":"{padding}","type":"big.last"}}"#);
        assert_eq!(
            event_type(&[], last.as_bytes()),
            None,
            "past the scanned part"
        );
        let weak = format!(r#"{{"event":"weak","data":"{padding}"}}"#);
        assert_eq!(
            event_type(&[], weak.as_bytes()),
            None,
            "a field a later `type` would override is not trusted"
        );
    }

    /// The rules over a fully parsed body, to compare the scan with.
    fn reference(body: &serde_json::Value) -> Option<String> {
        let field = |k: &str| body.get(k);
        let text = |v: Option<&serde_json::Value>| {
            match v? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Object(o) => o.get("type")?.as_str().map(str::to_owned),
                _ => None,
            }
            .filter(|s| !s.is_empty())
        };
        if field("type").and_then(|v| v.as_str()) == Some("event_callback")
            && let Some(inner) = field("event")
                .and_then(|e| e.as_object()?.get("type")?.as_str())
                .filter(|inner| !inner.is_empty())
        {
            return Some(inner.to_owned());
        }
        ["type", "event", "event_type", "eventType", "topic"]
            .into_iter()
            .find_map(|k| text(field(k)))
    }

    fn value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::json;
        // Weighted towards the values the rules treat specially.
        prop_oneof![
            3 => prop_oneof![
                Just(""),
                Just("event_callback"),
                Just("a.b"),
                Just("caf\u{e9}")
            ]
            .prop_map(|s| json!(s)),
            1 => any::<i32>().prop_map(|n| json!(n)),
            1 => Just(json!(null)),
            1 => Just(json!([1, "type"])),
            3 => prop_oneof![Just(""), Just("app_mention")]
                .prop_map(|s| json!({"n": [1, 2], "type": s})),
            1 => Just(json!({"other": "x"})),
        ]
    }

    proptest::proptest! {
        #[test]
        fn the_scan_agrees_with_a_full_parse(
            fields in proptest::collection::vec(
                (
                    prop_oneof![
                        Just("type"), Just("event"), Just("event_type"),
                        Just("eventType"), Just("topic"), Just("data"), Just("id")
                    ],
                    value(),
                ),
                0..8,
            )
        ) {
            // A JSON object without duplicate keys, in the generated order.
            let mut seen = std::collections::HashSet::new();
            let members: Vec<String> = fields
                .iter()
                .filter(|(k, _)| seen.insert(*k))
                .map(|(k, v)| format!("{}:{v}", serde_json::json!(k)))
                .collect();
            let body = format!("{{{}}}", members.join(","));
            let parsed: serde_json::Value = serde_json::from_str(&body).expect("valid JSON");
            proptest::prop_assert_eq!(event_type(&[], body.as_bytes()), reference(&parsed), "{}", body);
        }
    }

    #[test]
    fn an_object_names_the_event_only_by_one_text_type() {
        let cases: [(&[u8], Option<&str>); 4] = [
            (
                br#"{"event":{"id":1,"type":"app_mention"}}"#,
                Some("app_mention"),
            ),
            (br#"{"event":{"type":"a","type":"b"}}"#, None),
            (
                br#"{"event":{"type":{"type":"nested"}},"topic":"t"}"#,
                Some("t"),
            ),
            (br#"{"event":["app_mention"],"topic":"t"}"#, Some("t")),
        ];
        for (body, want) in cases {
            assert_eq!(
                event_type(&[], body).as_deref(),
                want,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn nothing_for_non_json_or_missing_fields() {
        assert_eq!(event_type(&[], b"a=b"), None);
        assert_eq!(event_type(&[], br#"{"id":1}"#), None);
        assert_eq!(event_type(&[], b"{not json"), None);
        assert_eq!(event_type(&[], b"\xff\xfe"), None);
    }

    #[test]
    fn a_compressed_body_is_read_for_its_event_too() {
        use crate::content_encoding::tests::{brotli, gzip};
        let json = br#"{"type":"invoice.paid","id":"evt_1"}"#;
        for (encoding, body) in [("gzip", gzip(json)), ("br", brotli(json))] {
            let headers = vec![("content-encoding".to_owned(), encoding.as_bytes().to_vec())];
            assert_eq!(
                event_type(&headers, &body).as_deref(),
                Some("invoice.paid"),
                "{encoding}"
            );
        }
        let unlabelled = gzip(json);
        assert_eq!(
            event_type(&[], &unlabelled),
            None,
            "only what the sender labels"
        );
    }
}
