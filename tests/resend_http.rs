//! Resending against real in-test servers on loopback: what goes on the wire,
//! the target URL rule, error classification, timeouts, cancellation and TLS.

mod resend_support;

use std::time::Duration;

use hookscope::resend::{
    Client, ClientOptions, OutgoingRequest, ResendError, SendError, parse_message_file,
    to_message_file,
};
use resend_support::{
    BODY, WAIT, captured, client, closed_port, h, silent_server, start, tls_acceptor,
};

#[tokio::test]
async fn unchanged_resend_is_byte_identical_with_host_and_length_recomputed() {
    let mut server = start(vec![200], None).await;
    let req = OutgoingRequest::from_capture(&captured(), &server.url()).unwrap();
    let response = client().send(&req).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(&response.body[..], b"answer 0");
    assert!(response.headers.contains(&h("x-answer", b"yes")));

    let got = server.next().await;
    assert_eq!(got.method, "POST");
    assert_eq!(got.target, "/hooks/stripe?x=1&y=%20");
    assert_eq!(&got.body[..], BODY);
    let expected = vec![
        h("host", server.addr.to_string().as_bytes()),
        h("content-length", BODY.len().to_string().as_bytes()),
        h("content-type", b"application/json"),
        h("x-raw", b"caf\xe9 \x80\xff\tend"),
        h("x-dup", b"first"),
        h("x-dup", b"second"),
        h("stripe-signature", b"t=1700000000,v1=abc"),
    ];
    assert_eq!(got.headers, expected);
}

#[tokio::test]
async fn edited_resend_carries_the_edit() {
    let mut server = start(vec![202], None).await;
    let req = OutgoingRequest::from_capture(&captured(), &server.url()).unwrap();
    let file = String::from_utf8_lossy(&to_message_file(&req))
        .replace(
            "Stripe-Signature: t=1700000000,v1=abc",
            "Stripe-Signature: edited",
        )
        .replace("evt_1", "evt_2");
    let edited = parse_message_file(file.as_bytes()).unwrap();
    let response = client().send(&edited).await.unwrap();
    assert_eq!(response.status, 202);

    let got = server.next().await;
    assert!(got.headers.contains(&h("stripe-signature", b"edited")));
    assert!(!got.headers.iter().any(|(_, v)| v == b"t=1700000000,v1=abc"));
    assert!(got.body.starts_with(b"{\"id\":\"evt_2\""));
    assert_eq!(
        got.headers[1],
        h("content-length", got.body.len().to_string().as_bytes())
    );
}

#[tokio::test]
async fn origin_targets_get_the_captured_path_and_full_urls_are_kept() {
    let mut server = start(vec![200], None).await;
    let client = client();
    let origin = format!("{}/", server.url());
    let req = OutgoingRequest::from_capture(&captured(), &origin).unwrap();
    assert_eq!(req.url, format!("{}/hooks/stripe?x=1&y=%20", server.url()));
    client.send(&req).await.unwrap();
    assert_eq!(server.next().await.target, "/hooks/stripe?x=1&y=%20");

    let full = format!("{}/api/webhooks/stripe", server.url());
    let req = OutgoingRequest::from_capture(&captured(), &full).unwrap();
    client.send(&req).await.unwrap();
    assert_eq!(server.next().await.target, "/api/webhooks/stripe");
}

#[tokio::test]
async fn refused_connection_is_named() {
    let addr = closed_port().await;
    let req = OutgoingRequest::from_capture(&captured(), &format!("http://{addr}")).unwrap();
    let err = client().send(&req).await.unwrap_err();
    assert_eq!(
        err,
        SendError::Refused {
            addr: addr.to_string()
        }
    );
    assert_eq!(
        err.to_string(),
        format!("connection refused by {addr}: is your app running?")
    );
}

#[tokio::test]
async fn silent_server_times_out() {
    let (addr, _closed) = silent_server().await;
    let timeout = Duration::from_millis(200);
    let client = Client::new(ClientOptions {
        timeout,
        ..ClientOptions::default()
    })
    .unwrap();
    let req = OutgoingRequest::from_capture(&captured(), &format!("http://{addr}")).unwrap();
    let err = tokio::time::timeout(WAIT, client.send(&req))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(err, SendError::Timeout(timeout));
    assert!(err.to_string().contains("200 ms"), "{err}");
}

#[tokio::test]
async fn dropping_the_send_future_cancels_the_exchange() {
    let (addr, mut closed) = silent_server().await;
    let req = OutgoingRequest::from_capture(&captured(), &format!("http://{addr}")).unwrap();
    let client = client();
    let cut_short = tokio::time::timeout(Duration::from_millis(100), client.send(&req)).await;
    assert!(cut_short.is_err(), "the silent server cannot have answered");
    tokio::time::timeout(WAIT, closed.recv())
        .await
        .expect("connection still open after the send was dropped");
}

#[tokio::test]
async fn self_signed_https_needs_the_explicit_opt_in() {
    let mut server = start(vec![200], Some(tls_acceptor())).await;
    let url = format!("https://{}", server.addr);
    let req = OutgoingRequest::from_capture(&captured(), &url).unwrap();

    let err = client().send(&req).await.unwrap_err();
    let SendError::Tls(text) = &err else {
        panic!("expected a TLS error, got {err:?}")
    };
    assert!(text.contains("--insecure"), "{text}");

    let insecure = Client::new(ClientOptions {
        accept_invalid_certs: true,
        ..ClientOptions::default()
    })
    .unwrap();
    let response = insecure.send(&req).await.unwrap();
    assert_eq!(response.status, 200);
    let got = server.next().await;
    assert_eq!(got.version, http::Version::HTTP_2, "h2 negotiated by ALPN");
    assert_eq!(got.target, "/hooks/stripe?x=1&y=%20");
    assert_eq!(&got.body[..], BODY);
    assert!(got.headers.contains(&h("x-raw", b"caf\xe9 \x80\xff\tend")));
}

#[test]
fn captures_that_cannot_be_resent_say_why() {
    let mut detail = captured();
    let err = OutgoingRequest::from_capture(&detail, "localhost:3000").unwrap_err();
    assert!(
        err.to_string()
            .contains("did you mean http://localhost:3000"),
        "{err}"
    );

    detail.summary.body_truncated = true;
    detail.summary.body_size = 1 << 30;
    let err = OutgoingRequest::from_capture(&detail, "http://localhost:3000").unwrap_err();
    assert!(matches!(err, ResendError::TruncatedBody { .. }), "{err}");
    assert!(err.to_string().contains("truncated"), "{err}");
}
