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

/// Bodies larger than this are not parsed just to find an event name.
const MAX_PARSE: usize = 1 << 20;

pub fn event_type(headers: &[(String, Vec<u8>)], body: &[u8]) -> Option<String> {
    EVENT_HEADERS
        .iter()
        .find_map(|name| header_value(headers, name))
        .and_then(|v| std::str::from_utf8(v).ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .or_else(|| from_json(body))
}

/// The top-level fields that name an event; everything else in the body is
/// skipped without being built (this runs for every captured request).
#[derive(serde::Deserialize)]
struct EventFields {
    #[serde(rename = "type")]
    kind: Option<Name>,
    event: Option<Name>,
    event_type: Option<Name>,
    #[serde(rename = "eventType")]
    event_type_camel: Option<Name>,
    topic: Option<Name>,
}

/// A field is either the name itself or, as in Slack's
/// `{"event":{"type":"app_mention"}}`, an object whose `type` is the name.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Name {
    Text(String),
    Object {
        #[serde(rename = "type")]
        kind: Option<String>,
    },
    Other(serde::de::IgnoredAny),
}

impl Name {
    fn text(self) -> Option<String> {
        match self {
            Name::Text(s) | Name::Object { kind: Some(s) } if !s.is_empty() => Some(s),
            _ => None,
        }
    }
}

fn from_json(body: &[u8]) -> Option<String> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    if body[start] != b'{' || body.len() > MAX_PARSE {
        return None;
    }
    let fields: EventFields = serde_json::from_slice(body).ok()?;
    // Slack's envelope type says less than the event inside it.
    if let (Some(Name::Text(kind)), Some(Name::Object { kind: Some(inner) })) =
        (&fields.kind, &fields.event)
        && kind == "event_callback"
    {
        return Some(inner.clone());
    }
    [
        fields.kind,
        fields.event,
        fields.event_type,
        fields.event_type_camel,
        fields.topic,
    ]
    .into_iter()
    .flatten()
    .find_map(Name::text)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            event_type(&[], br#"{"type":7,"event":"x"}"#).as_deref(),
            Some("x")
        );
    }

    #[test]
    fn nothing_for_non_json_or_missing_fields() {
        assert_eq!(event_type(&[], b"a=b"), None);
        assert_eq!(event_type(&[], br#"{"id":1}"#), None);
        assert_eq!(event_type(&[], b"{not json"), None);
        assert_eq!(event_type(&[], b"\xff\xfe"), None);
    }
}
