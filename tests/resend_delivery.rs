//! Delivery with retries and sample sends against a real in-test server on
//! loopback: attempts counted, 5xx retried, 4xx not, samples at their paths.

mod resend_support;

use std::time::Duration;

use hookscope::resend::{self, AttemptResult, OutgoingRequest, SendError, deliver};
use resend_support::{client, closed_port, start};

fn sample_request(url: &str) -> OutgoingRequest {
    resend::samples::find("push")
        .unwrap()
        .to_outgoing(url)
        .unwrap()
}

const SHORT: [Duration; 2] = [Duration::from_millis(10), Duration::from_millis(20)];

#[tokio::test]
async fn retries_until_a_success() {
    let server = start(vec![503, 503, 200], None).await;
    let mut seen = Vec::new();
    let last = deliver(
        &client(),
        &sample_request(&server.url()),
        &SHORT,
        |a: &AttemptResult| seen.push((a.number, a.outcome.as_ref().map(|r| r.status).ok())),
    )
    .await;
    assert_eq!(seen, [(1, Some(503)), (2, Some(503)), (3, Some(200))]);
    assert_eq!(last.number, 3);
    assert_eq!(last.outcome.unwrap().status, 200);
    assert_eq!(server.requests_seen(), 3);
}

#[tokio::test]
async fn retries_stop_when_the_schedule_runs_out() {
    let server = start(vec![503], None).await;
    let mut calls = 0;
    let last = deliver(&client(), &sample_request(&server.url()), &SHORT, |_| {
        calls += 1
    })
    .await;
    assert_eq!((calls, last.number), (SHORT.len() + 1, SHORT.len() + 1));
    assert_eq!(last.outcome.unwrap().status, 503);
    assert_eq!(server.requests_seen(), 3);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_refusals_are() {
    let server = start(vec![404, 200], None).await;
    let last = deliver(&client(), &sample_request(&server.url()), &SHORT, |_| {}).await;
    assert_eq!((last.number, last.outcome.unwrap().status), (1, 404));
    assert_eq!(server.requests_seen(), 1);

    let addr = closed_port().await;
    let last = deliver(
        &client(),
        &sample_request(&format!("http://{addr}")),
        &SHORT[..1],
        |_| {},
    )
    .await;
    assert_eq!(last.number, 2);
    assert!(matches!(last.outcome, Err(SendError::Refused { .. })));
}

#[tokio::test]
async fn every_sample_arrives_at_its_path() {
    let mut server = start(vec![200], None).await;
    let client = client();
    let samples = resend::samples::all();
    assert_eq!(samples.len(), 9);
    let mut names: Vec<_> = samples.iter().map(|s| s.name.clone()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), samples.len(), "sample names are unique");
    for sample in samples {
        let req = sample.to_outgoing(&server.url()).unwrap();
        assert_eq!(
            client.send(&req).await.unwrap().status,
            200,
            "{}",
            sample.name
        );
        let got = server.next().await;
        assert_eq!(got.target, sample.path, "{}", sample.name);
        assert_eq!(got.method, sample.method);
        assert_eq!(got.body, sample.body_bytes());
        let json: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
        assert_eq!(json, sample.body.to_value());
        let sent: Vec<_> = got.headers[2..].to_vec();
        let expected: Vec<_> = sample
            .headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v.as_bytes().to_vec()))
            .collect();
        assert_eq!(sent, expected, "{}", sample.name);
    }
}

#[tokio::test]
async fn sample_files_load_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("custom.json");
    let mut sample = resend::samples::find("new_order").unwrap();
    sample.name = "custom.order".to_owned();
    std::fs::write(&path, serde_json::to_vec_pretty(&sample).unwrap()).unwrap();
    let loaded = resend::Sample::from_file(&path).unwrap();
    assert_eq!(loaded, sample);
    let resolved = resend::samples::resolve(path.to_str().unwrap()).unwrap();
    assert_eq!(resolved.name, "custom.order");
    let req = loaded.to_outgoing("http://127.0.0.1:1/own/path").unwrap();
    assert_eq!(req.url, "http://127.0.0.1:1/own/path");
}

/// Re-signing an old Linear delivery makes it fresh: Linear's timestamp is in
/// the signed body, so the body's `webhookTimestamp` is set to now first.
#[test]
fn an_old_linear_delivery_re_signed_verifies_as_fresh() {
    use hookscope::signature::{self, ProviderId, RequestView, Status, VerifyOptions};
    use hookscope::verifier::Clock;
    let mut req = OutgoingRequest {
        method: "POST".into(),
        url: "http://localhost:3000/linear".into(),
        headers: vec![("content-type".into(), b"application/json".to_vec())],
        body: br#"{"action":"create","type":"Issue","webhookTimestamp":1700000000000}"#
            .to_vec()
            .into(),
    };
    let now = Clock::System.now();
    hookscope::delivery::resign(
        &mut req,
        ProviderId::Linear,
        "lin_wh_secret",
        None,
        Clock::Fixed(now),
    )
    .expect("signs");
    let secrets = ["lin_wh_secret".to_owned()];
    let options = VerifyOptions::new(&secrets, now);
    let view = RequestView {
        method: "POST",
        url: &req.url,
        headers: &req.headers,
        body: &req.body,
    };
    let verdict = signature::verify(ProviderId::Linear, &view, &options);
    assert_eq!(verdict.status, Status::Valid, "{}", verdict.detail);

    let mut sample = sample_request("http://localhost:3000/");
    let refused = hookscope::delivery::resign(
        &mut sample,
        ProviderId::Linear,
        "s",
        None,
        Clock::Fixed(now),
    )
    .unwrap_err();
    assert!(
        refused.to_string().contains("webhookTimestamp"),
        "{refused}"
    );
}
