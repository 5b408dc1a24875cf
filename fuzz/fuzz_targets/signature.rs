//! Whatever a sender puts in headers and body, detection, verification (full
//! and verdict-only, which must agree), signing and event classification
//! never panic. These run on every captured request.
#![no_main]

use arbitrary::Arbitrary;
use hookscope::signature::{
    Encoding, GenericHmac, HmacAlgorithm, ProviderId, RequestView, SignInput, VerifyOptions,
    detect, evaluate, sign, verify,
};
use libfuzzer_sys::fuzz_target;

/// Header names the schemes look at, so the fuzzer reaches their parsers
/// without having to guess the names.
const NAMES: &[&str] = &[
    "Stripe-Signature",
    "X-Hub-Signature-256",
    "X-Hub-Signature",
    "X-GitHub-Event",
    "X-Slack-Signature",
    "X-Slack-Request-Timestamp",
    "Paddle-Signature",
    "X-Twilio-Signature",
    "X-Square-Hmacsha256-Signature",
    "X-Signature-Ed25519",
    "X-Signature-Timestamp",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "x-zm-signature",
    "x-zm-request-timestamp",
    "Linear-Signature",
    "X-Gitlab-Token",
    "X-Gitlab-Event",
    "Twitch-Eventsub-Message-Id",
    "Twitch-Eventsub-Message-Timestamp",
    "Twitch-Eventsub-Message-Signature",
    "Twitch-Eventsub-Message-Type",
    "X-Twilio-Email-Event-Webhook-Signature",
    "X-Twilio-Email-Event-Webhook-Timestamp",
    "Content-Type",
    "User-Agent",
    "X-Fuzz-Signature",
    "X-Fuzz-Timestamp",
];

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    headers: Vec<(u8, &'a [u8])>,
    other_headers: Vec<(String, &'a [u8])>,
    body: &'a [u8],
    url: &'a str,
    secrets: Vec<String>,
    now: i64,
    tolerance: Option<i64>,
    public_url: Option<&'a str>,
}

fuzz_target!(|input: Input<'_>| {
    let mut headers: Vec<(String, Vec<u8>)> = input
        .headers
        .iter()
        .map(|(i, v)| (NAMES[*i as usize % NAMES.len()].to_owned(), v.to_vec()))
        .collect();
    headers.extend(
        input
            .other_headers
            .iter()
            .map(|(n, v)| (n.clone(), v.to_vec())),
    );
    let generic = GenericHmac {
        header: "X-Fuzz-Signature".to_owned(),
        algorithm: HmacAlgorithm::Sha256,
        encoding: Encoding::Hex,
        prefix: "sha256=".to_owned(),
        template: "{timestamp}.{body}".to_owned(),
        timestamp_header: Some("X-Fuzz-Timestamp".to_owned()),
        tolerance: Some(300),
    };
    let req = RequestView {
        method: "POST",
        url: input.url,
        headers: &headers,
        body: input.body,
    };
    let full = VerifyOptions {
        secrets: &input.secrets,
        now: input.now,
        tolerance: input.tolerance,
        public_url: input.public_url,
        generic: Some(&generic),
        verdict_only: false,
    };
    let brief_only = VerifyOptions {
        verdict_only: true,
        ..full
    };
    let _ = detect(&req);
    let _ = hookscope::classify::event_type(&headers, input.body);
    let a = evaluate(None, &req, &full);
    let b = evaluate(None, &req, &brief_only);
    assert_eq!((a.provider, a.status), (b.provider, b.status));
    for provider in ProviderId::ALL {
        let a = verify(provider, &req, &full);
        let b = verify(provider, &req, &brief_only);
        assert_eq!((a.provider, a.status), (b.provider, b.status), "{provider}");
        let secret = input.secrets.first().map_or("", String::as_str);
        let sign_input = SignInput {
            url: input.url,
            body: input.body,
            now: input.now,
            message_id: "msg_fuzz",
            content_type: None,
        };
        let _ = sign(provider, secret, &sign_input, Some(&generic));
    }
});
