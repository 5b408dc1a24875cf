//! The one HTTP client of the process: hyper-util's pooled client over
//! hyper-rustls (HTTP/1.1, and HTTP/2 when an https server offers it by ALPN).

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{CONTENT_LENGTH, HOST, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::model::HeaderList;
use crate::resend::error::{SendError, Target, classify};
use crate::resend::outgoing::{
    OutgoingRequest, ResendError, connect_addr, host_header, is_recomputed_header, parse_url,
};
use crate::resend::tls;
use crate::sanitize::visible;

/// Response bodies longer than this are cut; [`Response::body_truncated`] says so.
pub const MAX_RESPONSE_BODY: usize = 16 * 1024 * 1024;

/// How the client behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientOptions {
    /// Limit for a whole exchange: connect, TLS, request, and the full
    /// response body. Default 30 s.
    pub timeout: Duration,
    /// Accept any server certificate (self-signed, expired, other host).
    ///
    /// An explicit opt-in (the CLI's `--insecure`) for local apps served
    /// over HTTPS with a self-signed certificate. It removes all protection
    /// against impersonation; handshake signatures are still checked.
    pub accept_invalid_certs: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(30),
            accept_invalid_certs: false,
        }
    }
}

/// What came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// In the order received (repeats of a name grouped at its first place),
    /// values as raw bytes. Names are lowercase.
    pub headers: HeaderList,
    /// At most [`MAX_RESPONSE_BODY`] bytes.
    pub body: Bytes,
    /// The server sent more than [`MAX_RESPONSE_BODY`]; the rest was not read.
    pub body_truncated: bool,
    /// From the start of the send until the body was read.
    pub duration: Duration,
}

/// Sends requests. Cheap to clone (clones share the connection pool); make
/// one per process.
#[derive(Clone, Debug)]
pub struct Client {
    inner: HyperClient<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

impl Client {
    /// Builds the client. Fails only if the TLS library refuses its own
    /// default protocol versions, which does not happen with a sane build.
    pub fn new(options: ClientOptions) -> Result<Client, SendError> {
        let config = tls::client_config(options.accept_invalid_certs)
            .map_err(|e| SendError::Tls(format!("cannot set up TLS: {e}")))?;
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(options.timeout));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(config)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let inner = HyperClient::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        Ok(Client {
            inner,
            timeout: options.timeout,
        })
    }

    /// The limit for one exchange.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends `req` and reads the whole response (up to [`MAX_RESPONSE_BODY`]).
    ///
    /// On the wire: `Host` from the URL, `Content-Length` from the body
    /// (left out for an empty body of GET, HEAD, DELETE, OPTIONS, TRACE and
    /// CONNECT), then `req.headers` in order with their exact bytes, except
    /// the ones [`is_recomputed_header`] names, which are skipped. Header
    /// names go out lowercase, and repeated names are sent together at the
    /// place of their first occurrence (how `http::HeaderMap` stores them).
    /// Redirects are not followed.
    ///
    /// Cancellation: dropping the returned future cancels the exchange at
    /// whatever point it reached and closes its connection; nothing keeps
    /// running in the background.
    pub async fn send(&self, req: &OutgoingRequest) -> Result<Response, SendError> {
        let started = Instant::now();
        let request = build_request(req)?;
        let uri = request.uri().clone();
        let addr = connect_addr(&uri);
        let target = Target {
            addr: &addr,
            host: uri.host().unwrap_or_default(),
            timeout: self.timeout,
        };
        let exchange = async {
            let response = self
                .inner
                .request(request)
                .await
                .map_err(|e| classify(&e, &target))?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
                .collect();
            let (body, body_truncated) = read_capped(response.into_body(), MAX_RESPONSE_BODY)
                .await
                .map_err(|e| classify(&e, &target))?;
            Ok(Response {
                status,
                headers,
                body,
                body_truncated,
                duration: started.elapsed(),
            })
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(SendError::Timeout(self.timeout)),
        }
    }
}

/// The hyper request for `req`; see [`Client::send`] for what goes out.
fn build_request(req: &OutgoingRequest) -> Result<Request<Full<Bytes>>, SendError> {
    let invalid = |e: ResendError| SendError::InvalidRequest(e.to_string());
    let uri = parse_url(&req.url).map_err(invalid)?;
    let method = Method::from_bytes(req.method.as_bytes()).map_err(|_| {
        invalid(ResendError::InvalidMethod(
            visible(&req.method).into_owned(),
        ))
    })?;

    let mut headers = HeaderMap::with_capacity(req.headers.len() + 2);
    let host = HeaderValue::from_str(&host_header(&uri))
        .map_err(|_| SendError::InvalidRequest(format!("the host in '{}' is invalid", req.url)))?;
    headers.insert(HOST, host);
    if let Some(len) = content_length(&method, req.body.len()) {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    }
    for (name, value) in &req.headers {
        if is_recomputed_header(name) {
            continue;
        }
        let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            SendError::InvalidRequest(format!("'{}' is not a valid header name", visible(name)))
        })?;
        let header_value = HeaderValue::from_bytes(value).map_err(|_| {
            SendError::InvalidRequest(format!(
                "the value of header '{}' contains bytes HTTP does not allow \
                 (control characters such as CR, LF or NUL)",
                visible(name)
            ))
        })?;
        headers.append(header_name, header_value);
    }

    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Full::new(req.body.clone()))
        .map_err(|e| SendError::InvalidRequest(e.to_string()))?;
    *request.headers_mut() = headers;
    Ok(request)
}

/// Content-Length to send: the body's size, except for an empty body of a
/// method whose requests normally carry none.
fn content_length(method: &Method, len: usize) -> Option<usize> {
    let no_body_expected = [
        Method::GET,
        Method::HEAD,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
        Method::CONNECT,
    ]
    .contains(method);
    (len > 0 || !no_body_expected).then_some(len)
}

/// Reads at most `cap` bytes of `body`; true when more was left unread.
async fn read_capped<B>(mut body: B, cap: usize) -> Result<(Bytes, bool), B::Error>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    let mut buf = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue; // trailers
        };
        let room = cap - buf.len();
        if data.len() > room {
            buf.extend_from_slice(&data[..room]);
            return Ok((buf.freeze(), true));
        }
        buf.extend_from_slice(&data);
    }
    Ok((buf.freeze(), false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, headers: &[(&str, &[u8])], body: &'static [u8]) -> OutgoingRequest {
        OutgoingRequest {
            method: method.to_owned(),
            url: "http://example.test:8080/p?q=1".to_owned(),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.to_vec()))
                .collect(),
            body: Bytes::from_static(body),
        }
    }

    #[test]
    fn host_and_length_come_first_and_are_recomputed() {
        let r = build_request(&req(
            "POST",
            &[
                ("Host", b"old"),
                ("X-A", b"1"),
                ("Content-Length", b"99"),
                ("X-B", b"\xff"),
            ],
            b"abc",
        ))
        .unwrap();
        let names: Vec<_> = r
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_bytes()))
            .collect();
        assert_eq!(
            names,
            [
                ("host", &b"example.test:8080"[..]),
                ("content-length", b"3"),
                ("x-a", b"1"),
                ("x-b", b"\xff"),
            ]
        );
    }

    #[test]
    fn empty_bodies_get_a_length_only_where_one_is_expected() {
        assert_eq!(content_length(&Method::GET, 0), None);
        assert_eq!(content_length(&Method::GET, 2), Some(2));
        assert_eq!(content_length(&Method::POST, 0), Some(0));
        let custom = Method::from_bytes(b"PURGE").unwrap();
        assert_eq!(content_length(&custom, 0), Some(0));
    }

    #[tokio::test]
    async fn response_bodies_are_capped() {
        let body = || Full::new(Bytes::from_static(b"0123456789"));
        let (kept, cut) = read_capped(body(), 4).await.unwrap();
        assert_eq!((&kept[..], cut), (&b"0123"[..], true));
        let (kept, cut) = read_capped(body(), 10).await.unwrap();
        assert_eq!((&kept[..], cut), (&b"0123456789"[..], false));
    }

    #[test]
    fn bad_headers_are_named() {
        let err = build_request(&req("POST", &[("X-Bad", b"a\r\nb")], b"")).unwrap_err();
        assert!(err.to_string().contains("'X-Bad'"), "{err}");
        let err = build_request(&req("POST", &[("Bad Name", b"x")], b"")).unwrap_err();
        assert!(err.to_string().contains("'Bad Name'"), "{err}");
        let err = build_request(&req("PO ST", &[], b"")).unwrap_err();
        assert!(matches!(err, SendError::InvalidRequest(_)), "{err}");
    }
}
