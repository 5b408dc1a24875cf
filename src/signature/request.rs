//! The request as received (`RequestView`) and the helpers every scheme uses to read it:
//! case-insensitive header lookup, strict integer timestamps and URL variants.

/// Header list as received: names as sent (any case), values as raw bytes, order and duplicates kept.
#[derive(Clone, Copy, Debug)]
pub struct RequestView<'a> {
    pub method: &'a str,
    /// Full URL the provider signed, e.g. "https://inspector.example/hooks/x?a=1" (Twilio, Square use it). May be a reconstructed local URL.
    pub url: &'a str,
    pub headers: &'a [(String, Vec<u8>)],
    pub body: &'a [u8],
}

/// Why a request cannot be checked: a required part is absent or not in the scheme's format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    Missing(String),
    Malformed(String),
}

impl<'a> RequestView<'a> {
    /// Raw value of the first header with this name (ASCII case-insensitive).
    pub fn header_bytes(&self, name: &str) -> Option<&'a [u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// Whether a header with this name is present (ASCII case-insensitive).
    pub fn has_header(&self, name: &str) -> bool {
        self.header_bytes(name).is_some()
    }

    /// The first of `names` that is present, with its raw value.
    pub(crate) fn first_of(&self, names: &[&'static str]) -> Option<(&'static str, &'a [u8])> {
        names
            .iter()
            .find_map(|n| self.header_bytes(n).map(|v| (*n, v)))
    }

    /// Header value as text, when present and valid UTF-8.
    pub(crate) fn header_text(&self, name: &str) -> Option<&'a str> {
        self.header_bytes(name)
            .and_then(|v| std::str::from_utf8(v).ok())
    }

    /// Looks up every required header: all are checked for presence before any is
    /// checked for UTF-8, so a missing header wins over a malformed one.
    pub(crate) fn require_all<const N: usize>(
        &self,
        names: [&str; N],
    ) -> Result<[&'a str; N], Fault> {
        let raw = names.map(|n| self.header_bytes(n));
        let missing: Vec<&str> = names
            .iter()
            .zip(raw.iter())
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| *n)
            .collect();
        if !missing.is_empty() {
            return Err(Fault::Missing(missing_sentence(&missing)));
        }
        let mut out = [""; N];
        for ((slot, name), value) in out.iter_mut().zip(names).zip(raw) {
            *slot = text(name, value.unwrap_or_default())?;
        }
        Ok(out)
    }

    /// `Content-Type` without parameters, lower-cased (`"application/json"`).
    pub(crate) fn media_type(&self) -> Option<String> {
        let ct = self.header_text("content-type")?;
        let media = ct.split(';').next().unwrap_or_default();
        Some(media.trim().to_ascii_lowercase())
    }
}

/// Decodes a header value as UTF-8, or reports it as malformed.
pub(crate) fn text<'a>(name: &str, value: &'a [u8]) -> Result<&'a str, Fault> {
    std::str::from_utf8(value)
        .map_err(|_| Fault::Malformed(format!("header {name} is not valid UTF-8 text")))
}

/// "header X is missing" / "headers X and Y are missing".
pub(crate) fn missing_sentence(names: &[&str]) -> String {
    match names {
        [one] => format!("required header {one} is missing"),
        _ => format!("required headers {} are missing", names.join(", ")),
    }
}

/// A value shortened for messages, so that garbage headers do not flood the UI.
pub(crate) fn shown(value: &str) -> String {
    const MAX: usize = 48;
    if value.chars().count() <= MAX {
        format!("'{value}'")
    } else {
        let head: String = value.chars().take(MAX).collect();
        format!("'{head}…'")
    }
}

/// Parses an integer unix timestamp the strict way: ASCII digits only (no sign,
/// spaces, fraction or exponent), at most 18 of them.
pub(crate) fn parse_unix(value: &str) -> Option<i64> {
    if value.is_empty() || value.len() > 18 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// The parts of an absolute `scheme://authority/rest` URL.
struct UrlParts<'a> {
    scheme: &'a str,
    /// Userinfo and host, without the port.
    host: &'a str,
    port: Option<&'a str>,
    /// Path, query and fragment, starting with `/`, `?` or `#` (or empty).
    rest: &'a str,
}

fn split_url(url: &str) -> Option<UrlParts<'_>> {
    let (scheme, after) = url.split_once("://")?;
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let hostport = &authority[host_start..];
    let port_sep = match hostport.rfind(']') {
        Some(close) => hostport[close..].find(':').map(|i| host_start + close + i),
        None => hostport.rfind(':').map(|i| host_start + i),
    };
    let (host, port) = match port_sep {
        Some(i) => (&authority[..i], Some(&authority[i + 1..])),
        None => (authority, None),
    };
    Some(UrlParts {
        scheme,
        host,
        port,
        rest,
    })
}

fn default_port(scheme: &str) -> Option<&'static str> {
    if scheme.eq_ignore_ascii_case("https") {
        Some("443")
    } else if scheme.eq_ignore_ascii_case("http") {
        Some("80")
    } else {
        None
    }
}

/// The URL with its default port written out (`https://h/p` → `https://h:443/p`), if it has none.
pub(crate) fn with_default_port(url: &str) -> Option<String> {
    let p = split_url(url)?;
    let port = default_port(p.scheme)?;
    p.port
        .is_none()
        .then(|| format!("{}://{}:{}{}", p.scheme, p.host, port, p.rest))
}

/// The URL without an explicit default port (`https://h:443/p` → `https://h/p`).
pub(crate) fn without_default_port(url: &str) -> Option<String> {
    let p = split_url(url)?;
    let port = default_port(p.scheme)?;
    (p.port == Some(port)).then(|| format!("{}://{}{}", p.scheme, p.host, p.rest))
}

/// The URL with http and https swapped, dropping an explicit default port.
pub(crate) fn swap_scheme(url: &str) -> Option<String> {
    let p = split_url(url)?;
    let other = if p.scheme.eq_ignore_ascii_case("https") {
        "http"
    } else if p.scheme.eq_ignore_ascii_case("http") {
        "https"
    } else {
        return None;
    };
    let port = match p.port {
        Some(port) if Some(port) != default_port(p.scheme) => format!(":{port}"),
        _ => String::new(),
    };
    Some(format!("{other}://{}{port}{}", p.host, p.rest))
}

/// The URL with a trailing `/` added to or removed from its path.
pub(crate) fn toggle_trailing_slash(url: &str) -> Option<String> {
    let p = split_url(url)?;
    let cut = p.rest.find(['?', '#']).unwrap_or(p.rest.len());
    let (path, tail) = p.rest.split_at(cut);
    let prefix = &url[..url.len() - p.rest.len()];
    let new_path = match path.strip_suffix('/') {
        Some(stripped) => stripped.to_string(),
        None => format!("{path}/"),
    };
    Some(format!("{prefix}{new_path}{tail}"))
}

/// Decoded values of a query parameter of `url`.
pub(crate) fn query_param(url: &str, name: &str) -> Option<String> {
    let without_fragment = url.split('#').next().unwrap_or_default();
    let (_, query) = without_fragment.split_once('?')?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(headers: &[(String, Vec<u8>)]) -> RequestView<'_> {
        RequestView {
            method: "POST",
            url: "https://x.example/",
            headers,
            body: b"",
        }
    }

    #[test]
    fn headers_are_case_insensitive_and_first_wins() {
        let h = vec![
            ("Stripe-Signature".to_string(), b"a".to_vec()),
            ("stripe-signature".to_string(), b"b".to_vec()),
        ];
        assert_eq!(req(&h).header_bytes("STRIPE-SIGNATURE"), Some(&b"a"[..]));
    }

    #[test]
    fn missing_beats_malformed() {
        let h = vec![("a".to_string(), vec![0xff])];
        assert!(matches!(
            req(&h).require_all(["a", "b"]),
            Err(Fault::Missing(_))
        ));
        assert!(matches!(
            req(&h).require_all(["a"]),
            Err(Fault::Malformed(_))
        ));
    }

    #[test]
    fn unix_timestamps_are_strict() {
        assert_eq!(parse_unix("1735732800"), Some(1_735_732_800));
        for bad in [
            "",
            "+1",
            "-1",
            " 1",
            "1.5",
            "2025-01-01T12:00:00Z",
            "1e9",
            "9999999999999999999",
        ] {
            assert_eq!(parse_unix(bad), None, "{bad}");
        }
    }

    #[test]
    fn url_variants() {
        let u = "https://h.example/p?x=1";
        assert_eq!(
            with_default_port(u).as_deref(),
            Some("https://h.example:443/p?x=1")
        );
        assert_eq!(
            without_default_port("https://h.example:443/p").as_deref(),
            Some("https://h.example/p")
        );
        assert_eq!(without_default_port(u), None);
        assert_eq!(swap_scheme("http://h:80/p").as_deref(), Some("https://h/p"));
        assert_eq!(
            swap_scheme("https://h:8443/p").as_deref(),
            Some("http://h:8443/p")
        );
        assert_eq!(
            toggle_trailing_slash(u).as_deref(),
            Some("https://h.example/p/?x=1")
        );
        assert_eq!(
            toggle_trailing_slash("https://h/p/").as_deref(),
            Some("https://h/p")
        );
        assert_eq!(
            with_default_port("http://[::1]/a").as_deref(),
            Some("http://[::1]:80/a")
        );
        assert_eq!(
            query_param("https://h/p?a=1&bodySHA256=ab%63#f", "bodySHA256").as_deref(),
            Some("abc")
        );
        assert_eq!(with_default_port("not a url"), None);
    }
}
