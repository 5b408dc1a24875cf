//! Header lookups and the small grammar shared by Content-Type and
//! Content-Disposition: `type/subtype; key=value; key="quoted value"`.

/// The first header named `name` (ASCII case-insensitive), as lossy text.
pub fn first(headers: &[(String, Vec<u8>)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
}

/// A parsed media type: lower-cased `type/subtype` and its parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MediaType {
    pub essence: String,
    pub params: Vec<(String, String)>,
}

impl MediaType {
    pub fn parse(value: &str) -> Self {
        let (essence, rest) = value.split_once(';').unwrap_or((value, ""));
        Self {
            essence: essence.trim().to_ascii_lowercase(),
            params: params(rest),
        }
    }

    /// The value of parameter `key` (case-insensitive name).
    pub fn param(&self, key: &str) -> Option<&str> {
        param(&self.params, key)
    }

    /// `application/json`, `text/json`, `application/problem+json`, ...
    pub fn is_json(&self) -> bool {
        let Some((_, sub)) = self.essence.split_once('/') else {
            return false;
        };
        sub == "json" || sub.ends_with("+json")
    }

    pub fn is_form(&self) -> bool {
        self.essence == "application/x-www-form-urlencoded"
    }

    pub fn is_multipart(&self) -> bool {
        self.essence.starts_with("multipart/")
    }

    pub fn is_text(&self) -> bool {
        self.essence.starts_with("text/")
    }
}

/// The value of parameter `key` in a parsed list (case-insensitive name).
pub fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// Parses `; key=value; key="quoted \" value"` into lower-cased keys and
/// unquoted values. Semicolons inside quotes do not split. Items without
/// `=` are kept with an empty value; empty items are skipped.
pub fn params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for item in split_unquoted(text, b';') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let (key, value) = item.split_once('=').unwrap_or((item, ""));
        out.push((key.trim().to_ascii_lowercase(), unquote(value.trim())));
    }
    out
}

/// Splits on `sep` wherever it is not inside a double-quoted string.
fn split_unquoted(text: &str, sep: u8) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if escaped {
            escaped = false;
        } else if quoted && b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            quoted = !quoted;
        } else if b == sep && !quoted {
            parts.push(&text[start..i]);
            start = i + 1;
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Removes surrounding double quotes and backslash escapes inside them.
fn unquote(value: &str) -> String {
    let Some(inner) = value.strip_prefix('"') else {
        return value.to_owned();
    };
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_media_types() {
        let ct = MediaType::parse("Multipart/Form-Data; boundary=\"a;b\\\"c\"; charset=utf-8");
        assert_eq!(ct.essence, "multipart/form-data");
        assert_eq!(ct.param("BOUNDARY"), Some("a;b\"c"));
        assert_eq!(ct.param("charset"), Some("utf-8"));
        assert!(ct.is_multipart());
        assert!(MediaType::parse("application/vnd.api+json").is_json());
        assert!(MediaType::parse("text/json").is_json());
        assert!(!MediaType::parse("application/jsonl").is_json());
        assert!(!MediaType::parse("json").is_json());
    }

    #[test]
    fn finds_headers_case_insensitively() {
        let headers = vec![
            ("content-encoding".to_owned(), b"gzip".to_vec()),
            ("Content-Type".to_owned(), b"text/plain".to_vec()),
            ("CONTENT-ENCODING".to_owned(), b"br".to_vec()),
        ];
        assert_eq!(
            first(&headers, "content-type").as_deref(),
            Some("text/plain")
        );
    }

    #[test]
    fn params_without_values_and_empty_items() {
        let p = params("; form-data ;; name=\"x\"; filename=");
        assert_eq!(
            p,
            vec![
                ("form-data".to_owned(), String::new()),
                ("name".to_owned(), "x".to_owned()),
                ("filename".to_owned(), String::new()),
            ]
        );
    }
}
