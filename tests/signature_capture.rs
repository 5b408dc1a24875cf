//! The signature vectors (made with the providers' official SDKs) through
//! the real binary (`hookscope verify`) and through real captures over HTTP,
//! where the stored verdict is read back from the SQLite file.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::process::Stdio;

use common::*;
use hookscope::config::{Config, RouteConfig, SecretList};
use hookscope::model::RequestId;
use hookscope::signature::{self, ProviderId, SignInput};
use hookscope::verifier::{Clock, SharedVerifier, Verifier};

#[derive(serde::Deserialize)]
struct VectorFile {
    cases: Vec<Case>,
}

#[derive(serde::Deserialize, Clone)]
struct Case {
    id: String,
    provider: String,
    secret: String,
    #[serde(default)]
    additional_secrets: Option<Vec<String>>,
    method: String,
    url: String,
    headers: BTreeMap<String, String>,
    body: String,
    now: i64,
    expected: String,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/signature-vectors.json"
    ))
    .expect("vectors");
    serde_json::from_str::<VectorFile>(&text)
        .expect("vectors parse")
        .cases
}

impl Case {
    fn secrets(&self) -> Vec<String> {
        let mut all = vec![self.secret.clone()];
        all.extend(self.additional_secrets.clone().unwrap_or_default());
        all
    }

    /// (origin, path and query) of the URL the provider called.
    fn split_url(&self) -> (String, String) {
        let after_scheme = self.url.find("://").map_or(0, |i| i + 3);
        let path_start = self.url[after_scheme..]
            .find('/')
            .map_or(self.url.len(), |i| i + after_scheme);
        (
            self.url[..path_start].to_owned(),
            self.url[path_start..].to_owned(),
        )
    }

    /// The request as raw HTTP/1.1, sent to `host`.
    fn raw(&self, host: &str) -> Vec<u8> {
        let (_, target) = self.split_url();
        let mut out = format!("{} {target} HTTP/1.1\r\nHost: {host}\r\n", self.method).into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                self.body.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(self.body.as_bytes());
        out
    }
}

#[test]
fn every_vector_through_hookscope_verify() {
    let mut failures = Vec::new();
    let all = cases();
    for case in &all {
        let (origin, _) = case.split_url();
        let host = origin.split("://").nth(1).unwrap_or("localhost").to_owned();
        let mut cmd = bin();
        cmd.args([
            "verify",
            "--provider",
            &case.provider,
            "--now",
            &case.now.to_string(),
            "--url",
            &case.url,
        ]);
        for secret in case.secrets() {
            cmd.arg("--secret").arg(secret);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(&case.raw(&host))
            .expect("write");
        let out = child.wait_with_output().expect("finishes");
        let report: serde_json::Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!(
                    "{}: no JSON ({e}): {}",
                    case.id,
                    String::from_utf8_lossy(&out.stderr)
                ));
                continue;
            }
        };
        let status = report["status"].as_str().unwrap_or("?");
        if status != case.expected {
            failures.push(format!(
                "{}: expected {}, got {status}: {}",
                case.id, case.expected, report["detail"]
            ));
        }
        if out.status.success() != (case.expected == "valid") {
            failures.push(format!(
                "{}: exit code {:?} for {status}",
                case.id,
                out.status.code()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

fn verifier_for(
    provider: &str,
    secrets: Vec<String>,
    public_url: Option<String>,
    clock: Clock,
) -> SharedVerifier {
    let config = Config {
        routes: vec![RouteConfig {
            path: "*".into(),
            provider: Some(provider.into()),
            secret: None,
            secret_env: None,
        }],
        secrets: BTreeMap::from([(provider.to_owned(), SecretList::Many(secrets))]),
        public_url,
        ..Config::default()
    };
    SharedVerifier::new(
        Verifier::new(&config, &[], |_| None)
            .expect("valid config")
            .with_clock(clock),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_vector_through_a_real_capture() {
    let mut failures = Vec::new();
    let all = cases();
    for case in &all {
        let (origin, _) = case.split_url();
        let verifier = verifier_for(
            &case.provider,
            case.secrets(),
            Some(origin),
            Clock::Fixed(case.now),
        );
        let server = Server::start_with(|c| c.verifier = verifier).await;
        let raw = case.raw(&server.addr.to_string());
        let addr = server.addr;
        let response = tokio::task::spawn_blocking(move || raw_exchange(addr, &raw))
            .await
            .expect("exchange");
        // Discord requires a 401 for a bad signature; everyone else gets the
        // configured answer.
        let answer = if case.provider == "discord" && case.expected == "invalid_signature" {
            401
        } else {
            200
        };
        if status_of(&response) != answer {
            failures.push(format!("{}: answered {}", case.id, status_of(&response)));
            continue;
        }
        let stored = server.newest(1).pop().expect("stored");
        let status = stored.sig_status.unwrap_or_default();
        if status != case.expected {
            failures.push(format!(
                "{}: expected {}, stored {status}",
                case.id, case.expected
            ));
        }
        if stored.sig_provider.as_deref() != Some(case.provider.as_str()) {
            failures.push(format!(
                "{}: provider stored as {:?}",
                case.id, stored.sig_provider
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

/// Live capture with the real clock: requests signed now verify, one
/// changed byte does not, and with no secret the verdict is "unverified".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_signed_now_verify_on_capture_with_autodetection() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let providers = [
        ProviderId::Stripe,
        ProviderId::Github,
        ProviderId::StandardWebhooks,
        ProviderId::Slack,
        ProviderId::Shopify,
        ProviderId::Paddle,
        ProviderId::Twitch,
        ProviderId::Linear,
    ];
    for provider in providers {
        let config = Config {
            secrets: BTreeMap::from([(
                provider.as_str().to_owned(),
                SecretList::One(secret.into()),
            )]),
            ..Config::default()
        };
        let verifier = SharedVerifier::new(Verifier::new(&config, &[], |_| None).expect("config"));
        let server = Server::start_with(|c| c.verifier = verifier).await;
        let now = Clock::System.now();
        let body = format!(
            r#"{{"type":"sample.event","webhookTimestamp":{},"n":1}}"#,
            now * 1000
        );
        let url = server.url("/hooks/live");
        let input = SignInput {
            url: &url,
            body: body.as_bytes(),
            now,
            message_id: "msg_live_1",
            content_type: Some("application/json"),
        };
        let headers = signature::sign(provider, secret, &input, None).expect("signs");
        let mut header_refs: Vec<(&str, &[u8])> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_bytes()))
            .collect();
        header_refs.push(("content-type", b"application/json"));
        if provider == ProviderId::Shopify {
            // Shopify's SDK also requires the delivery's descriptive headers.
            header_refs.extend([
                ("x-shopify-topic", &b"orders/create"[..]),
                ("x-shopify-shop-domain", b"demo.myshopify.com"),
                ("x-shopify-api-version", b"2025-01"),
                (
                    "x-shopify-webhook-id",
                    b"b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
                ),
            ]);
        }
        let client = client();
        let (status, answer) = send(&client, "POST", &url, &header_refs, body.clone()).await;
        assert_eq!(status, 200, "{provider:?}");
        let tampered = body.replace("\"n\":1", "\"n\":2");
        let (_, tampered_answer) = send(&client, "POST", &url, &header_refs, tampered).await;
        let reader = server.reader();
        let valid = reader
            .detail(RequestId(id_of(&answer)))
            .expect("q")
            .expect("row");
        assert_eq!(
            valid.summary.sig_status.as_deref(),
            Some("valid"),
            "{provider:?}"
        );
        assert_eq!(
            valid.summary.sig_provider.as_deref(),
            Some(provider.as_str()),
            "detected {provider:?}"
        );
        let invalid = reader
            .detail(RequestId(id_of(&tampered_answer)))
            .expect("q")
            .expect("row");
        assert_eq!(
            invalid.summary.sig_status.as_deref(),
            Some("invalid_signature"),
            "{provider:?}"
        );
    }
    let server = Server::start().await;
    let (_, answer) = send(
        &client(),
        "POST",
        &server.url("/x"),
        &[(
            "stripe-signature",
            format!("t=1,v1={}", "0".repeat(64)).as_bytes(),
        )],
        "{}",
    )
    .await;
    let row = server
        .reader()
        .detail(RequestId(id_of(&answer)))
        .expect("q")
        .expect("row");
    assert_eq!(row.summary.sig_status.as_deref(), Some("unverified"));
    let (_, answer) = send(&client(), "POST", &server.url("/x"), &[], "{}").await;
    let row = server
        .reader()
        .detail(RequestId(id_of(&answer)))
        .expect("q")
        .expect("row");
    assert_eq!(row.summary.sig_status.as_deref(), Some("unsigned"));
}

/// The configured generic scheme is recognised by its header alone, and its
/// secret from `[secrets]` is used without a route naming the provider.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generic_hmac_verifies_on_capture_without_a_route() {
    let secret = "generic-shared-secret";
    // The URL is signed too, so the capture has to rebuild it.
    let scheme = signature::GenericHmac {
        header: "X-Acme-Signature".into(),
        prefix: "sha256=".into(),
        template: "{url}|{body}".into(),
        ..toml::from_str("header = \"X-Acme-Signature\"").expect("minimal scheme")
    };
    let config = Config {
        secrets: BTreeMap::from([("generic".to_owned(), SecretList::One(secret.into()))]),
        generic_hmac: Some(scheme.clone()),
        ..Config::default()
    };
    let verifier = SharedVerifier::new(Verifier::new(&config, &[], |_| None).expect("config"));
    let server = Server::start_with(|c| c.verifier = verifier).await;
    let url = server.url("/hooks/acme");
    let body = r#"{"event":"order.paid"}"#;
    let input = SignInput {
        url: &url,
        body: body.as_bytes(),
        now: Clock::System.now(),
        message_id: "m",
        content_type: None,
    };
    let headers =
        signature::sign(ProviderId::Generic, secret, &input, Some(&scheme)).expect("signs");
    let header_refs: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_bytes()))
        .collect();
    let (status, answer) = send(&client(), "POST", &url, &header_refs, body).await;
    assert_eq!(status, 200);
    let row = server
        .reader()
        .detail(RequestId(id_of(&answer)))
        .expect("q")
        .expect("row");
    assert_eq!(row.summary.sig_provider.as_deref(), Some("generic"));
    assert_eq!(row.summary.sig_status.as_deref(), Some("valid"));
}

/// No secret ever reaches the capture file, whatever was configured.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_the_capture_file() {
    let secret = "whsec_NeverStoreThisSecret0123456789";
    let verifier = verifier_for("stripe", vec![secret.into()], None, Clock::System);
    let mut server = Server::start_with(|c| c.verifier = verifier).await;
    let now = Clock::System.now();
    let url = server.url("/hooks/stripe");
    let input = SignInput {
        url: &url,
        body: b"{}",
        now,
        message_id: "m",
        content_type: None,
    };
    let headers = signature::sign(ProviderId::Stripe, secret, &input, None).expect("signs");
    let refs: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_bytes()))
        .collect();
    send(&client(), "POST", &url, &refs, "{}").await;
    server.stop().await;
    let bytes = std::fs::read(&server.db).expect("read file");
    let needle = secret.as_bytes();
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle),
        "the secret is in the capture file"
    );
}

/// `verify --db` re-checks stored rows once a secret is known.
#[test]
fn verify_db_stores_new_verdicts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.sqlite3");
    let server = Binary::start(&db, &[]);
    let secret = "It's a Secret to Everybody";
    let headers = signature::sign(
        ProviderId::Github,
        secret,
        &SignInput {
            url: "http://x/",
            body: b"Hello, World!",
            now: 0,
            message_id: "m",
            content_type: None,
        },
        None,
    )
    .expect("signs");
    let mut raw =
        b"POST /gh HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\nConnection: close\r\n".to_vec();
    for (n, v) in &headers {
        raw.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    raw.extend_from_slice(b"\r\nHello, World!");
    assert_eq!(status_of(&raw_exchange(server.addr, &raw)), 200);
    drop(server);
    let ls = |db: &std::path::Path| {
        let out = bin()
            .args(["ls", "--json", "--db"])
            .arg(db)
            .output()
            .expect("ls");
        let row: serde_json::Value =
            serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().expect("row"))
                .expect("json");
        row["sig_status"].as_str().unwrap_or("").to_owned()
    };
    assert_eq!(ls(&db), "unverified");
    let out = bin()
        .args(["verify", "--db"])
        .arg(&db)
        .args(["--secret", &format!("github={secret}")])
        .output()
        .expect("verify");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 verdicts changed"));
    assert_eq!(ls(&db), "valid");

    // Without the secret, a re-check learns less than the stored verdict
    // knows, and keeps it.
    let out = bin()
        .args(["verify", "--db"])
        .arg(&db)
        .output()
        .expect("verify");
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 verdicts changed"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(ls(&db), "valid");
}

/// A listener whose answer is what the provider needs to accept the URL:
/// Slack's `url_verification` gets its challenge back, and Discord's probe
/// with a bad signature gets 401 (Discord refuses an endpoint that says 200).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_checks_of_the_endpoint_get_the_answer_they_need() {
    let listen_with = |provider: ProviderId, secret: &str| {
        let config = Config {
            secrets: BTreeMap::from([(
                provider.as_str().to_owned(),
                SecretList::One(secret.into()),
            )]),
            ..Config::default()
        };
        SharedVerifier::new(Verifier::new(&config, &[], |_| None).expect("config"))
    };
    let signed = |provider, secret: &str, url: &str, body: &str| {
        let now = Clock::System.now();
        let input = SignInput {
            url,
            body: body.as_bytes(),
            now,
            message_id: "msg_check_1",
            content_type: Some("application/json"),
        };
        let mut headers = signature::sign(provider, secret, &input, None).expect("signs");
        headers.push(("content-type".into(), "application/json".into()));
        headers
    };
    let refs = |headers: &[(String, String)]| -> Vec<(String, Vec<u8>)> {
        headers
            .iter()
            .map(|(n, v)| (n.clone(), v.as_bytes().to_vec()))
            .collect()
    };

    let verifier = listen_with(ProviderId::Slack, "slack-signing-secret");
    let server = Server::start_with(|c| c.verifier = verifier).await;
    let url = server.url("/slack/events");
    let body = r#"{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let headers = refs(&signed(
        ProviderId::Slack,
        "slack-signing-secret",
        &url,
        body,
    ));
    let header_refs: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect();
    let (status, answer) = send(&client(), "POST", &url, &header_refs, body).await;
    assert_eq!(status, 200);
    assert_eq!(
        String::from_utf8_lossy(&answer),
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );

    // The listener knows the app's public key; the probe is signed with another.
    let app_seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    let public = hex::encode(
        ed25519_dalek::SigningKey::from_bytes(
            &hex::decode(app_seed)
                .expect("hex")
                .try_into()
                .expect("32 bytes"),
        )
        .verifying_key()
        .to_bytes(),
    );
    let verifier = listen_with(ProviderId::Discord, &public);
    let server = Server::start_with(|c| c.verifier = verifier).await;
    let url = server.url("/discord/interactions");
    let body = r#"{"type":1}"#;
    let other_seed = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
    for (seed, expected, answer_body) in [
        (other_seed, 401, "invalid request signature"),
        (app_seed, 200, r#"{"type":1}"#),
    ] {
        let headers = refs(&signed(ProviderId::Discord, seed, &url, body));
        let header_refs: Vec<(&str, &[u8])> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_slice()))
            .collect();
        let (status, answer) = send(&client(), "POST", &url, &header_refs, body).await;
        assert_eq!(status, expected, "signed with {seed}");
        assert_eq!(String::from_utf8_lossy(&answer), answer_body);
    }
}
