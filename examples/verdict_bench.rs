//! What checking a capture costs: the full signature report (`Verifier::check`,
//! what the Signature tab shows) against the verdict stored for every capture
//! (`Verifier::verdict`), for a Stripe request like the capture benchmark's,
//! with no secret, the right one and a wrong one; and finding the event type.
//!
//! Usage: cargo run --release --example verdict_bench -- [CALLS]

use std::hint::black_box;
use std::time::Instant;

use hookscope::config::Config;
use hookscope::signature::{ProviderId, SignInput, sign};
use hookscope::verifier::{Clock, Verifier};

const SIGNED_AT: i64 = 1_735_732_800;

fn main() {
    let calls: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200_000);
    let body = stripe_event(TYPE_FIRST);
    let input = SignInput {
        url: "http://127.0.0.1:8080/hooks/stripe",
        body: &body,
        now: SIGNED_AT,
        message_id: "msg",
        content_type: None,
    };
    let mut headers: Vec<(String, Vec<u8>)> = vec![
        ("host".into(), b"127.0.0.1:8080".to_vec()),
        ("content-type".into(), b"application/json".to_vec()),
        ("user-agent".into(), b"Stripe/1.0".to_vec()),
    ];
    for (name, value) in sign(ProviderId::Stripe, "whsec_right", &input, None).expect("sign") {
        headers.push((name.to_ascii_lowercase(), value.into_bytes()));
    }

    println!(
        "{body_len}-byte body, {calls} calls each",
        body_len = body.len()
    );
    println!(
        "{:<14} {:>12} {:>12}  verdict",
        "secret", "full report", "verdict only"
    );
    for (label, config) in [
        ("none", ""),
        ("right", "[secrets]\nstripe = \"whsec_right\"\n"),
        ("wrong", "[secrets]\nstripe = \"whsec_wrong\"\n"),
    ] {
        let config = Config::parse(config).expect("config");
        let verifier = Verifier::new(&config, &[], |_| None)
            .expect("verifier")
            .with_clock(Clock::Fixed(SIGNED_AT + 5));
        let full = per_call(calls, || {
            verifier
                .check("POST", "/hooks/stripe", &headers, &body)
                .status
        });
        let brief = per_call(calls, || {
            verifier
                .verdict("POST", "/hooks/stripe", &headers, &body)
                .status
        });
        let status = verifier
            .verdict("POST", "/hooks/stripe", &headers, &body)
            .status;
        println!(
            "{label:<14} {full:>9.2} µs {brief:>9.2} µs  {}",
            status.as_str()
        );
    }
    // Where `type` sits decides how much of the body is read to find it.
    for (label, order) in [("type first", TYPE_FIRST), ("type last", TYPE_LAST)] {
        let body = stripe_event(order);
        let event = per_call(calls, || hookscope::classify::event_type(&headers, &body));
        println!("event type, {label:<10} {event:>5.2} µs");
    }
}

/// The capture benchmark's event: `type` before `data`, as in
/// `scripts/bench-capture.sh`.
const TYPE_FIRST: bool = true;
/// Stripe's own order: `type` is the last field, after `data`.
const TYPE_LAST: bool = false;

fn stripe_event(type_first: bool) -> Vec<u8> {
    let data = r#""data": {
    "object": {
      "id": "pi_3PqX8d2eZvKYlo2C0abcdefg", "object": "payment_intent", "amount": 2000,
      "amount_received": 2000, "currency": "eur", "customer": "cus_QhX1Y2Z3",
      "description": "Order #1042", "metadata": {"order_id": "1042", "shop": "demo"},
      "payment_method": "pm_1PqX8d2eZvKYlo2Cxyz", "status": "succeeded",
      "receipt_email": "jenny.rosen@example.com", "latest_charge": "ch_3PqX8d2eZvKYlo2C1xyz",
      "payment_method_types": ["card"], "statement_descriptor": "DEMO SHOP"
    }
  }"#;
    let kind = r#""type": "payment_intent.succeeded""#;
    let (before, after) = if type_first {
        (kind, data)
    } else {
        (data, kind)
    };
    format!(
        r#"{{
  "id": "evt_3PqX8d2eZvKYlo2C1a2b3c4d", "object": "event", "api_version": "2024-06-20",
  "created": {SIGNED_AT}, {before}, "livemode": false, "pending_webhooks": 1,
  "request": {{"id": null, "idempotency_key": "a1b2c3d4-e5f6"}}, {after}
}}"#
    )
    .into_bytes()
}

/// Mean time per call, in microseconds.
fn per_call<T>(calls: u32, mut f: impl FnMut() -> T) -> f64 {
    let start = Instant::now();
    for _ in 0..calls {
        black_box(f());
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(calls)
}
