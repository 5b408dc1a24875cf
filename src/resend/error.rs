//! Why a send failed, in words a user can act on, and the mapping from the
//! connector's nested errors (io, DNS, rustls, hyper) to those words.

use std::error::Error as StdError;
use std::io;
use std::time::Duration;

/// Why no response came back.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Nothing listens on the port.
    #[error("connection refused by {addr}: is your app running?")]
    Refused { addr: String },
    /// The host name does not resolve.
    #[error("could not resolve host '{host}': check the URL")]
    Dns { host: String },
    /// The TLS handshake failed; the text says why and what to try.
    #[error("TLS failed: {0}")]
    Tls(String),
    /// No complete response within the client's timeout.
    #[error("no complete response within {}: timed out", human_duration(*.0))]
    Timeout(Duration),
    /// The request cannot be sent as it is (bad URL, method or header).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Anything else (connection reset, closed early, protocol errors).
    #[error("{0}")]
    Other(String),
}

impl SendError {
    /// Whether trying again later may help: refused connections, timeouts
    /// and dropped connections may; DNS, TLS and invalid requests will not
    /// change by waiting.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            SendError::Refused { .. } | SendError::Timeout(_) | SendError::Other(_)
        )
    }
}

/// `200 ms`, `1.5 s`, `30 s`.
pub fn human_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Where the request went, for messages.
pub(crate) struct Target<'a> {
    /// `host:port` connected to.
    pub addr: &'a str,
    pub host: &'a str,
    pub timeout: Duration,
}

/// Names an error from hyper or the connector by walking its whole source
/// chain, including errors wrapped inside `io::Error`s (which `source()`
/// skips).
pub(crate) fn classify(err: &(dyn StdError + 'static), target: &Target<'_>) -> SendError {
    let mut chain = Vec::new();
    collect(err, &mut chain, 0);

    if let Some(tls) = chain.iter().find_map(|e| e.downcast_ref::<rustls::Error>()) {
        return SendError::Tls(tls_message(tls, target.addr));
    }
    let io_kind = |kind: io::ErrorKind| {
        chain
            .iter()
            .filter_map(|e| e.downcast_ref::<io::Error>())
            .any(|e| e.kind() == kind)
    };
    if io_kind(io::ErrorKind::ConnectionRefused) {
        return SendError::Refused {
            addr: target.addr.to_owned(),
        };
    }
    // hyper-util's connector reports resolver failures as "dns error".
    if chain.iter().any(|e| e.to_string() == "dns error") {
        return SendError::Dns {
            host: target.host.to_owned(),
        };
    }
    if io_kind(io::ErrorKind::TimedOut) {
        return SendError::Timeout(target.timeout);
    }
    if io_kind(io::ErrorKind::ConnectionReset) || io_kind(io::ErrorKind::BrokenPipe) {
        return SendError::Other(format!(
            "{} reset the connection before answering",
            target.addr
        ));
    }
    let incomplete = chain
        .iter()
        .filter_map(|e| e.downcast_ref::<hyper::Error>())
        .any(|e| e.is_incomplete_message())
        || io_kind(io::ErrorKind::UnexpectedEof);
    if incomplete {
        return SendError::Other(format!(
            "{} closed the connection before a complete response",
            target.addr
        ));
    }
    SendError::Other(describe(&chain))
}

fn collect<'a>(
    err: &'a (dyn StdError + 'static),
    out: &mut Vec<&'a (dyn StdError + 'static)>,
    depth: usize,
) {
    let mut current = Some(err);
    let mut depth = depth;
    while let Some(e) = current {
        if depth > 32 {
            return;
        }
        depth += 1;
        out.push(e);
        if let Some(inner) = e.downcast_ref::<io::Error>().and_then(|io| io.get_ref()) {
            // io::Error::source() returns the wrapped error's source, not the
            // wrapped error itself: visit it (and its chain) explicitly.
            collect(inner, out, depth);
            return;
        }
        current = e.source();
    }
}

/// The chain's messages joined with `: `, repeats left out.
fn describe(chain: &[&(dyn StdError + 'static)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in chain {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    if parts.is_empty() {
        "request failed".to_owned()
    } else {
        parts.join(": ")
    }
}

fn tls_message(err: &rustls::Error, addr: &str) -> String {
    use rustls::{CertificateError, Error};
    const INSECURE: &str = "if this is your own server with a self-signed certificate, \
                            pass --insecure to skip certificate checks";
    match err {
        Error::InvalidCertificate(cert) => {
            let why = match cert {
                CertificateError::UnknownIssuer => {
                    "its certificate is not signed by a trusted authority (self-signed?)".to_owned()
                }
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    "its certificate has expired".to_owned()
                }
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => {
                    "its certificate is for a different host name".to_owned()
                }
                other => format!("its certificate was rejected ({other:?})"),
            };
            format!("{addr}: {why}; {INSECURE}")
        }
        Error::InvalidMessage(_) => format!(
            "{addr} did not answer with TLS ({err}); if it serves plain HTTP, use http:// instead"
        ),
        other => format!("handshake with {addr} failed: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target<'static> {
        Target {
            addr: "127.0.0.1:3000",
            host: "127.0.0.1",
            timeout: Duration::from_millis(200),
        }
    }

    #[test]
    fn finds_errors_wrapped_in_io_errors() {
        let inner = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        let outer = io::Error::other(inner);
        let err = classify(&outer, &target());
        let SendError::Tls(text) = &err else {
            panic!("{err:?}")
        };
        assert!(text.contains("--insecure"), "{text}");
        assert!(err.to_string().starts_with("TLS failed: 127.0.0.1:3000"));
    }

    #[test]
    fn io_kinds_map_to_variants() {
        let refused = io::Error::other(io::Error::from(io::ErrorKind::ConnectionRefused));
        assert_eq!(
            classify(&refused, &target()).to_string(),
            "connection refused by 127.0.0.1:3000: is your app running?"
        );
        let timed_out = io::Error::from(io::ErrorKind::TimedOut);
        assert_eq!(
            classify(&timed_out, &target()),
            SendError::Timeout(Duration::from_millis(200))
        );
        assert!(!classify(&timed_out, &target()).to_string().is_empty());
    }

    /// Shaped like hyper-util's `ConnectError::dns`: "dns error" over an io::Error.
    #[derive(Debug)]
    struct ResolverFailure(io::Error);

    impl std::fmt::Display for ResolverFailure {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("dns error")
        }
    }

    impl StdError for ResolverFailure {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn resolver_failures_name_the_host() {
        let err = io::Error::other(ResolverFailure(io::Error::other(
            "failed to lookup address information",
        )));
        let target = Target {
            host: "hooks.example",
            ..target()
        };
        assert_eq!(
            classify(&err, &target).to_string(),
            "could not resolve host 'hooks.example': check the URL"
        );
    }

    #[test]
    fn unknown_errors_keep_their_whole_story() {
        let err = io::Error::other(io::Error::other("protocol confusion"));
        assert_eq!(
            classify(&err, &target()),
            SendError::Other("protocol confusion".to_owned())
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(Duration::from_millis(200)), "200 ms");
        assert_eq!(human_duration(Duration::from_secs(30)), "30 s");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn retryable_errors() {
        assert!(SendError::Timeout(Duration::ZERO).is_retryable());
        assert!(SendError::Refused { addr: "a".into() }.is_retryable());
        assert!(!SendError::Tls("x".into()).is_retryable());
        assert!(!SendError::Dns { host: "h".into() }.is_retryable());
        assert!(!SendError::InvalidRequest("x".into()).is_retryable());
    }
}
