//! The per-request hyper service: turns a request into a `NewRequest`, waits
//! for its commit and answers with the configured response (503 if the
//! store failed, so the provider retries).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode, Version, header};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use tokio::time::Instant;

use super::CaptureConfig;
use super::body::{self, BodyEnd};
use crate::classify;
use crate::model::{Answer, AnswerTemplate, HeaderList, NewRequest};
use crate::store::WriterHandle;

pub(crate) struct Ctx {
    pub config: CaptureConfig,
    pub writer: WriterHandle,
}

pub(crate) fn for_connection(
    ctx: Arc<Ctx>,
    remote: SocketAddr,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = Response<Full<Bytes>>,
    Error = Infallible,
    Future = impl Future<Output = Result<Response<Full<Bytes>>, Infallible>> + Send,
> + Clone {
    // Formatted once: every request on a keep-alive connection shares it.
    let remote: Arc<str> = remote.to_string().into();
    service_fn(move |req| {
        let ctx = ctx.clone();
        let remote = remote.clone();
        async move { Ok(handle(&ctx, &remote, req).await) }
    })
}

async fn handle(ctx: &Ctx, remote: &str, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let received_at_us = now_us();
    let deadline = Instant::now() + ctx.config.body_timeout;
    let (parts, incoming) = req.into_parts();
    let read = body::read(incoming, ctx.config.max_body, deadline).await;
    if !read.truncated {
        match read.end {
            BodyEnd::Complete => {}
            BodyEnd::TimedOut => {
                tracing::info!(
                    remote,
                    "dropped a request whose body did not arrive in time"
                );
                return plain(
                    StatusCode::REQUEST_TIMEOUT,
                    "request body not received in time\n",
                );
            }
            BodyEnd::Failed(e) => {
                tracing::info!(remote, "dropped a request with a broken body: {e}");
                return plain(StatusCode::BAD_REQUEST, "request body could not be read\n");
            }
        }
    }
    let announced = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let headers = header_list(&parts);
    let target = target(&parts);
    let method = parts.method.as_str();
    let verdict = ctx
        .config
        .verifier
        .get()
        .verdict(method, &target, &headers, &read.kept);
    let answer = match &verdict.handshake {
        _ if read.truncated => Arc::new(oversize_answer(ctx.config.max_body)),
        // A provider's handshake expects a computed answer, and Discord a
        // 401 for its probes with a bad signature.
        Some(handshake) => Arc::new(AnswerTemplate {
            status: handshake.status,
            headers: vec![("content-type".into(), handshake.content_type.clone())],
            body: handshake.body.clone(),
        }),
        None => ctx.config.answer.clone(),
    };
    let request = NewRequest {
        received_at_us,
        method: method.to_owned(),
        target,
        http_version: version_name(parts.version).to_owned(),
        remote_addr: remote.to_owned(),
        event_type: classify::event_type(&headers, &read.kept),
        headers,
        body_size: announced.unwrap_or(read.seen).max(read.seen),
        body_truncated: read.truncated,
        body: read.kept,
        sig_provider: verdict.provider.map(|p| p.as_str().to_owned()),
        sig_status: Some(verdict.status.as_str().to_owned()),
        answer,
    };
    // Forwarding needs what the request carried after it is moved into the store.
    let forwarded = ctx
        .config
        .forward
        .as_ref()
        .filter(|_| !request.body_truncated)
        .map(|f| {
            (
                f,
                request.method.clone(),
                request.target.clone(),
                request.headers.clone(),
                request.body.clone(),
            )
        });
    match ctx.writer.store(request).await {
        Ok(stored) => match forwarded {
            Some((forward, method, target, headers, body)) => respond(
                super::forward::forward(
                    forward,
                    &ctx.writer,
                    stored.id,
                    &method,
                    &target,
                    &headers,
                    body,
                )
                .await,
            ),
            None => respond(stored.answer),
        },
        Err(e) => {
            let body = serde_json::json!({ "stored": false, "error": e.to_string() });
            let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
            *resp.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            resp
        }
    }
}

/// Path and query as sent. HTTP/1 requests in absolute form (as sent to a
/// proxy) keep their scheme and host.
fn target(parts: &http::request::Parts) -> String {
    let h2 = matches!(parts.version, Version::HTTP_2 | Version::HTTP_3);
    match parts.uri.path_and_query() {
        // Taken as is: formatting the whole URI costs more.
        Some(pq) if h2 || parts.uri.scheme().is_none() => pq.as_str().to_owned(),
        None if h2 => "/".to_owned(),
        _ => parts.uri.to_string(),
    }
}

/// The version as HTTP writes it (`HTTP/1.1`).
fn version_name(version: Version) -> &'static str {
    match version {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_11 => "HTTP/1.1",
        Version::HTTP_2 => "HTTP/2.0",
        Version::HTTP_3 => "HTTP/3.0",
        _ => "HTTP/?",
    }
}

/// Headers in received order. HTTP/2 carries the host as the `:authority`
/// pseudo-header, which hyper moves into the URI; it is put back in front so
/// the capture keeps it.
fn header_list(parts: &http::request::Parts) -> HeaderList {
    let mut list = Vec::with_capacity(parts.headers.len() + 1);
    if parts.version == Version::HTTP_2
        && let Some(authority) = parts.uri.authority()
    {
        list.push((
            ":authority".to_owned(),
            authority.as_str().as_bytes().to_vec(),
        ));
    }
    list.extend(
        parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())),
    );
    list
}

fn oversize_answer(limit: u64) -> AnswerTemplate {
    AnswerTemplate {
        status: StatusCode::PAYLOAD_TOO_LARGE.as_u16(),
        headers: vec![("content-type".into(), "application/json".into())],
        body: format!(
            r#"{{"id":{{id}},"stored":true,"truncated":true,"error":"body larger than {limit} bytes; stored truncated"}}"#
        ),
    }
}

fn respond(answer: Answer) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(answer.body)));
    *resp.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    for (name, value) in answer.headers {
        // Names and values were validated when the configuration was loaded.
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(&value),
        ) {
            resp.headers_mut().append(name, value);
        }
    }
    resp
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *resp.status_mut() = status;
    resp
}

fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(version: Version, uri: &str) -> http::request::Parts {
        let (parts, ()) = Request::builder()
            .version(version)
            .uri(uri)
            .body(())
            .expect("request")
            .into_parts();
        parts
    }

    #[test]
    fn version_names_are_what_http_writes() {
        for v in [
            Version::HTTP_09,
            Version::HTTP_10,
            Version::HTTP_11,
            Version::HTTP_2,
            Version::HTTP_3,
        ] {
            assert_eq!(version_name(v), format!("{v:?}"));
        }
    }

    #[test]
    fn targets_keep_the_form_they_were_sent_in() {
        let cases = [
            (Version::HTTP_11, "/hooks/a?x=1&y=%20", "/hooks/a?x=1&y=%20"),
            (Version::HTTP_11, "*", "*"),
            (
                Version::HTTP_11,
                "http://example.test/p?q",
                "http://example.test/p?q",
            ),
            (Version::HTTP_11, "example.test:443", "example.test:443"),
            (Version::HTTP_2, "http://example.test/p?q", "/p?q"),
            (Version::HTTP_2, "http://example.test", "/"),
        ];
        for (version, uri, want) in cases {
            assert_eq!(target(&parts(version, uri)), want, "{version:?} {uri}");
        }
    }
}
