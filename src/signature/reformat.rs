//! Re-serialisations of a JSON body that senders and proxies commonly produce (compact,
//! 2-space pretty, sorted keys), used only by hints to explain a failed signature.

/// Re-indents valid JSON token by token, keeping key order and number spelling.
/// `indent = None` gives compact output.
fn relayout(json: &[u8], indent: Option<usize>) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        if let Some(width) = indent {
            out.push(b'\n');
            out.extend(std::iter::repeat_n(b' ', width * depth));
        }
    };
    let mut i = 0;
    while i < json.len() {
        let b = json[i];
        i += 1;
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b'"' => {
                in_string = true;
                out.push(b);
            }
            b'{' | b'[' => {
                out.push(b);
                let next = json[i..].iter().find(|c| !c.is_ascii_whitespace());
                if matches!(next, Some(b'}') | Some(b']')) {
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            b'}' | b']' => {
                let last = out.last().copied();
                if !matches!(last, Some(b'{') | Some(b'[')) {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(b);
            }
            b',' => {
                out.push(b);
                newline(&mut out, depth);
            }
            b':' => {
                out.push(b':');
                if indent.is_some() {
                    out.push(b' ');
                }
            }
            _ => out.push(b),
        }
    }
    out
}

fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// The body without insignificant whitespace, keys in their original order.
pub(crate) fn compact(body: &[u8]) -> Option<Vec<u8>> {
    is_json(body).then(|| relayout(body, None))
}

/// The body pretty-printed with 2-space indentation (as JSON.stringify(v, null, 2) does).
pub(crate) fn pretty(body: &[u8]) -> Option<Vec<u8>> {
    is_json(body).then(|| relayout(body, Some(2)))
}

/// The body compact, with object keys sorted at every level.
pub(crate) fn sorted_keys(body: &[u8]) -> Option<Vec<u8>> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    serde_json::to_vec(&sort(value)).ok()
}

fn sort(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sort(v))).collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sort).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRETTY: &str = "{\n  \"b\": 1,\n  \"a\": [\n    1.50,\n    \"x, y: {z}\"\n  ],\n  \"e\": {},\n  \"f\": []\n}";

    #[test]
    fn compact_keeps_order_and_numbers() {
        let out = compact(PRETTY.as_bytes()).expect("json");
        assert_eq!(
            String::from_utf8_lossy(&out),
            r#"{"b":1,"a":[1.50,"x, y: {z}"],"e":{},"f":[]}"#
        );
        assert_eq!(compact(b"not json"), None);
    }

    #[test]
    fn pretty_round_trips() {
        let out = pretty(&compact(PRETTY.as_bytes()).expect("json")).expect("json");
        assert_eq!(String::from_utf8_lossy(&out), PRETTY);
        assert_eq!(
            pretty(br#"["a\"]"]"#).map(String::from_utf8),
            Some(Ok("[\n  \"a\\\"]\"\n]".to_string()))
        );
    }

    #[test]
    fn sorted_sorts_every_level() {
        let out = sorted_keys(br#"{"b":{"d":1,"c":2},"a":[{"z":0,"y":1}]}"#).expect("json");
        assert_eq!(
            String::from_utf8_lossy(&out),
            r#"{"a":[{"y":1,"z":0}],"b":{"c":2,"d":1}}"#
        );
    }
}
