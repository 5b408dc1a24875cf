//! The request about to be sent: built from a capture or a sample, with the
//! target URL rule, URL validation and the headers that are never copied.

use bytes::Bytes;
use http::Uri;

use crate::model::{HeaderList, RequestDetail};
use crate::sanitize::visible;

/// A request ready to go on the wire.
///
/// `headers` keep their order and exact bytes. `Host` and `Content-Length`
/// are never taken from here: the client derives them from `url` and `body`
/// (see [`is_recomputed_header`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingRequest {
    pub method: String,
    /// Absolute `http://` or `https://` URL.
    pub url: String,
    pub headers: HeaderList,
    pub body: Bytes,
}

/// Why a request cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResendError {
    #[error("invalid URL '{url}': {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("'{0}' is not a valid HTTP method (a single word such as POST)")]
    InvalidMethod(String),
    #[error(
        "the stored body was truncated at capture ({kept} of {size} bytes kept): resending it \
         would send a different body; raise the capture body limit, or edit the request first"
    )]
    TruncatedBody { kept: usize, size: u64 },
}

impl OutgoingRequest {
    /// The captured request, aimed at `target`.
    ///
    /// `target` given with a path (`http://localhost:3000/webhooks`) or a
    /// query is used as is, like `stripe listen --forward-to`. An origin only
    /// (`http://localhost:3000` or `http://localhost:3000/`) gets the captured
    /// path and query appended. Headers keep their order and bytes except the
    /// hop-by-hop and recomputed ones ([`is_recomputed_header`]); the body is
    /// copied byte for byte.
    pub fn from_capture(detail: &RequestDetail, target: &str) -> Result<Self, ResendError> {
        let summary = &detail.summary;
        if summary.body_truncated {
            return Err(ResendError::TruncatedBody {
                kept: detail.body.len(),
                size: summary.body_size,
            });
        }
        validate_method(&summary.method)?;
        Ok(OutgoingRequest {
            method: summary.method.clone(),
            url: resolve_url(target, &summary.target)?,
            headers: kept_headers(&detail.headers),
            body: Bytes::copy_from_slice(&detail.body),
        })
    }

    /// Checks the method and URL the client will need.
    pub fn validate(&self) -> Result<(), ResendError> {
        validate_method(&self.method)?;
        parse_url(&self.url).map(|_| ())
    }
}

/// Whether a header is never copied into an outgoing request: hop-by-hop
/// headers that describe one connection (`Connection`, `Keep-Alive`,
/// `Proxy-Connection`, `Transfer-Encoding`, `TE`, `Trailer`, `Upgrade`), the
/// two the client recomputes (`Host` from the URL, `Content-Length` from the
/// body) and HTTP/2 pseudo-headers such as `:authority`.
pub fn is_recomputed_header(name: &str) -> bool {
    const DROPPED: [&str; 9] = [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "host",
        "content-length",
    ];
    name.starts_with(':') || DROPPED.iter().any(|d| d.eq_ignore_ascii_case(name))
}

/// `headers` without the ones [`is_recomputed_header`] names, order kept.
pub fn kept_headers(headers: &[(String, Vec<u8>)]) -> HeaderList {
    headers
        .iter()
        .filter(|(name, _)| !is_recomputed_header(name))
        .cloned()
        .collect()
}

/// The URL to send to: `target` as given when it has a path other than `/`
/// or a query, else `target`'s origin followed by `original` (the captured
/// path and query, e.g. `/hooks/stripe?x=1`).
pub fn resolve_url(target: &str, original: &str) -> Result<String, ResendError> {
    let uri = parse_url(target)?;
    let origin_only = matches!(uri.path(), "" | "/") && uri.query().is_none();
    if !origin_only {
        return Ok(target.to_owned());
    }
    let path = original_path(original);
    let url = format!("{}{}", target.trim_end_matches('/'), path);
    parse_url(&url)?;
    Ok(url)
}

/// Path and query of a captured request target; absolute-form targets
/// (sent to proxies) give their path, anything else `/`.
fn original_path(original: &str) -> String {
    if original.starts_with('/') {
        return original.to_owned();
    }
    original
        .parse::<Uri>()
        .ok()
        .and_then(|u| u.path_and_query().map(|pq| pq.as_str().to_owned()))
        .filter(|p| p.starts_with('/'))
        .unwrap_or_else(|| "/".to_owned())
}

/// Parses an absolute `http`/`https` URL with a host, without credentials
/// or fragment, into what the client sends to.
pub fn parse_url(url: &str) -> Result<Uri, ResendError> {
    // A captured Host header can make the URL: no escape goes out raw.
    let bad = |reason: &str| ResendError::InvalidUrl {
        url: visible(url).into_owned(),
        reason: reason.to_owned(),
    };
    if url.is_empty() {
        return Err(bad("it is empty"));
    }
    if url
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(bad("it contains spaces or control characters"));
    }
    if !url.contains("://") {
        return Err(bad(&format!(
            "it has no scheme; did you mean http://{url} ?"
        )));
    }
    if url.contains('#') {
        return Err(bad("fragments (#...) are never sent; remove it"));
    }
    let uri: Uri = url
        .parse()
        .map_err(|e: http::uri::InvalidUri| bad(&e.to_string()))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        Some(other) => {
            return Err(bad(&format!(
                "scheme '{other}' is not supported; use http:// or https://"
            )));
        }
        None => return Err(bad("it has no scheme; use http:// or https://")),
    }
    let Some(authority) = uri.authority() else {
        return Err(bad("it has no host"));
    };
    if authority.as_str().contains('@') {
        return Err(bad(
            "credentials in the URL are not sent; use an Authorization header instead",
        ));
    }
    if authority.host().is_empty() {
        return Err(bad("it has no host"));
    }
    // `http` reads a port it cannot parse as none, and the client would
    // then connect to the scheme's default port instead.
    let port = authority.as_str()[authority.host().len()..].strip_prefix(':');
    if let Some(port) = port.filter(|p| !p.is_empty())
        && !port.parse::<u16>().is_ok_and(|p| p != 0)
    {
        return Err(bad(&format!("port {port} is not a port (1 to 65535)")));
    }
    Ok(uri)
}

/// The `Host` header for a URL: host, plus the port when it is not the
/// scheme's default.
pub fn host_header(uri: &Uri) -> String {
    let host = uri.host().unwrap_or_default();
    let default_port = match uri.scheme_str() {
        Some("https") => 443,
        _ => 80,
    };
    match uri.port_u16() {
        Some(port) if port != default_port => format!("{host}:{port}"),
        _ => host.to_owned(),
    }
}

/// `host:port` as the connection goes to, for messages.
pub fn connect_addr(uri: &Uri) -> String {
    let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
        Some("https") => 443,
        _ => 80,
    });
    format!("{}:{port}", uri.host().unwrap_or_default())
}

pub(crate) fn validate_method(method: &str) -> Result<(), ResendError> {
    http::Method::from_bytes(method.as_bytes())
        .map(|_| ())
        .map_err(|_| ResendError::InvalidMethod(visible(method).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_only_targets_get_the_captured_path() {
        for target in ["http://localhost:3000", "http://localhost:3000/"] {
            assert_eq!(
                resolve_url(target, "/hooks/stripe?x=1").unwrap(),
                "http://localhost:3000/hooks/stripe?x=1"
            );
        }
        assert_eq!(
            resolve_url("https://[::1]:8443", "/a").unwrap(),
            "https://[::1]:8443/a"
        );
        assert_eq!(
            resolve_url("http://h", "http://proxy.example/p?q").unwrap(),
            "http://h/p?q"
        );
        assert_eq!(resolve_url("http://h", "*").unwrap(), "http://h/");
    }

    #[test]
    fn targets_with_a_path_or_query_are_used_as_given() {
        for target in [
            "http://localhost:3000/webhooks",
            "http://localhost:3000/webhooks/",
            "http://localhost:3000/?only=query",
        ] {
            assert_eq!(resolve_url(target, "/hooks/x?y=1").unwrap(), target);
        }
    }

    #[test]
    fn bad_urls_say_why() {
        let reason = |url: &str| match parse_url(url) {
            Err(ResendError::InvalidUrl { reason, .. }) => reason,
            other => panic!("{url}: {other:?}"),
        };
        assert!(reason("localhost:3000").contains("did you mean http://localhost:3000"));
        assert!(reason("ftp://host/x").contains("'ftp' is not supported"));
        assert!(reason("http://u:p@host/").contains("credentials"));
        assert!(reason("http://host/a#b").contains("fragment"));
        assert!(reason("http://host/a b").contains("spaces"));
        assert!(reason("").contains("empty"));
        assert!(parse_url("http:///x").is_err());
        // `http` would read these as no port, and the client use port 80.
        assert!(reason("http://127.0.0.1:106741/").contains("port 106741 is not a port"));
        assert!(reason("http://127.0.0.1:99999").contains("port 99999"));
        assert!(reason("http://127.0.0.1:0/").contains("port 0"));
        for good in ["http://[::1]:3000/", "http://h:65535/", "https://h/"] {
            assert!(parse_url(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn host_header_omits_default_ports() {
        let h = |u: &str| host_header(&u.parse().unwrap());
        assert_eq!(h("http://a:80/"), "a");
        assert_eq!(h("https://a/"), "a");
        assert_eq!(h("https://a:80/"), "a:80");
        assert_eq!(h("http://[::1]:3000/"), "[::1]:3000");
        assert_eq!(connect_addr(&"https://a/".parse().unwrap()), "a:443");
    }

    #[test]
    fn recomputed_headers() {
        for name in ["Host", "content-length", "TE", ":authority", "Connection"] {
            assert!(is_recomputed_header(name), "{name}");
        }
        for name in ["Content-Type", "X-Host", "Tea"] {
            assert!(!is_recomputed_header(name), "{name}");
        }
    }
}
