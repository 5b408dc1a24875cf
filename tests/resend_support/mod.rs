//! Shared by the resend tests: a recording hyper server on loopback (plain or
//! TLS), a silent server, a closed port, and a captured request to resend.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use hookscope::model::{Answer, RequestDetail, RequestId, RequestSummary};
use hookscope::resend::{Client, ClientOptions};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

pub const WAIT: Duration = Duration::from_secs(10);

/// One request as the server saw it; header names come lowercase from hyper.
#[derive(Debug)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub version: http::Version,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Bytes,
}

pub struct Server {
    pub addr: SocketAddr,
    pub rx: mpsc::UnboundedReceiver<Received>,
    pub hits: Arc<AtomicUsize>,
}

impl Server {
    /// Requests answered so far.
    pub fn requests_seen(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn next(&mut self) -> Received {
        tokio::time::timeout(WAIT, self.rx.recv())
            .await
            .expect("server got no request in time")
            .expect("server stopped")
    }
}

/// A server answering the n-th request (0-based) with `statuses[n]`, the
/// last status repeating; TLS when `tls` is given.
pub async fn start(statuses: Vec<u16>, tls: Option<tokio_rustls::TlsAcceptor>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let (tx, hits, statuses, tls) =
                (tx.clone(), counter.clone(), statuses.clone(), tls.clone());
            tokio::spawn(async move {
                let service = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let (tx, hits, statuses) = (tx.clone(), hits.clone(), statuses.clone());
                    async move {
                        let (parts, body) = req.into_parts();
                        let body = body.collect().await?.to_bytes();
                        let n = hits.fetch_add(1, Ordering::SeqCst);
                        let status = statuses[n.min(statuses.len() - 1)];
                        let _ = tx.send(Received {
                            method: parts.method.to_string(),
                            target: parts
                                .uri
                                .path_and_query()
                                .map(|p| p.to_string())
                                .unwrap_or_default(),
                            version: parts.version,
                            headers: parts
                                .headers
                                .iter()
                                .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
                                .collect(),
                            body,
                        });
                        let response = http::Response::builder()
                            .status(status)
                            .header("x-answer", "yes")
                            .body(Full::new(Bytes::from(format!("answer {n}"))))
                            .unwrap();
                        Ok::<_, hyper::Error>(response)
                    }
                });
                let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                let _ = match tls {
                    Some(acceptor) => {
                        let Ok(stream) = acceptor.accept(tcp).await else {
                            return;
                        };
                        builder
                            .serve_connection(TokioIo::new(stream), service)
                            .await
                    }
                    None => builder.serve_connection(TokioIo::new(tcp), service).await,
                };
            });
        }
    });
    Server { addr, rx, hits }
}

pub fn client() -> Client {
    Client::new(ClientOptions::default()).unwrap()
}

pub fn h(name: &str, value: &[u8]) -> (String, Vec<u8>) {
    (name.to_owned(), value.to_vec())
}

pub const BODY: &[u8] = b"{\"id\":\"evt_1\",\"note\":\"caf\xc3\xa9\"}\r\n\xff\x00tail";

pub fn captured() -> RequestDetail {
    RequestDetail {
        summary: RequestSummary {
            id: RequestId(7),
            received_at_us: 1_700_000_000_000_000,
            method: "POST".to_owned(),
            target: "/hooks/stripe?x=1&y=%20".to_owned(),
            http_version: "HTTP/1.1".to_owned(),
            remote_addr: "127.0.0.1:50000".to_owned(),
            content_type: Some("application/json".to_owned()),
            body_size: BODY.len() as u64,
            body_truncated: false,
            status: 200,
            event_type: None,
            sig_provider: None,
            sig_status: None,
        },
        headers: vec![
            h("Host", b"old.example:9999"),
            h("Content-Type", b"application/json"),
            h("Content-Length", b"999"),
            h("Connection", b"keep-alive"),
            h("Transfer-Encoding", b"chunked"),
            h("X-Raw", b"caf\xe9 \x80\xff\tend"),
            h("X-Dup", b"first"),
            h("X-Dup", b"second"),
            h("Stripe-Signature", b"t=1700000000,v1=abc"),
        ],
        body: BODY.to_vec(),
        answer: Answer {
            status: 200,
            headers: Vec::new(),
            body: Vec::new(),
        },
    }
}

pub async fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

/// Accepts connections and never answers; reports when a client hangs up.
pub async fn silent_server() -> (SocketAddr, mpsc::UnboundedReceiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                loop {
                    if tcp.readable().await.is_err() {
                        break;
                    }
                    match tcp.try_read(&mut buf) {
                        Ok(0) => break,
                        Err(e) if e.kind() != std::io::ErrorKind::WouldBlock => break,
                        _ => {}
                    }
                }
                let _ = tx.send(());
            });
        }
    });
    (addr, rx)
}

pub fn tls_acceptor() -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let cert =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}
