//! Runs every case of the shared signature vectors (made with the providers' official SDKs)
//! through the library: verdicts, detection and handshake answers. Failures are reported together.

use base64::Engine;
use hookscope::signature::{
    ProviderId, RequestView, Status, Verification, VerifyOptions, detect, evaluate, verify,
};

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/signature-vectors.json"
);

#[derive(serde::Deserialize)]
struct VectorFile {
    cases: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    id: String,
    provider: String,
    secret: String,
    #[serde(default)]
    additional_secrets: Vec<String>,
    method: String,
    url: String,
    headers: serde_json::Map<String, serde_json::Value>,
    body: String,
    body_encoding: String,
    now: i64,
    tolerance_s: Option<i64>,
    expected: String,
    #[serde(default)]
    expected_response: Option<serde_json::Value>,
}

struct Loaded {
    case: Case,
    provider: ProviderId,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
    secrets: Vec<String>,
}

impl Loaded {
    fn request(&self) -> RequestView<'_> {
        RequestView {
            method: &self.case.method,
            url: &self.case.url,
            headers: &self.headers,
            body: &self.body,
        }
    }

    fn options(&self, tolerance: Option<i64>) -> VerifyOptions<'_> {
        VerifyOptions {
            secrets: &self.secrets,
            now: self.case.now,
            tolerance,
            public_url: None,
            generic: None,
            verdict_only: false,
        }
    }

    fn verify(&self, tolerance: Option<i64>) -> Verification {
        verify(self.provider, &self.request(), &self.options(tolerance))
    }
}

fn load() -> Vec<Loaded> {
    let text = std::fs::read_to_string(VECTORS).expect("read tests/data/signature-vectors.json");
    let file: VectorFile = serde_json::from_str(&text).expect("parse vectors.json");
    file.cases
        .into_iter()
        .map(|case| {
            let provider: ProviderId = case.provider.parse().expect("known provider id");
            let headers = case
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .expect("header value is a string")
                            .as_bytes()
                            .to_vec(),
                    )
                })
                .collect();
            let body = match case.body_encoding.as_str() {
                "utf8" => case.body.as_bytes().to_vec(),
                "base64" => base64::engine::general_purpose::STANDARD
                    .decode(&case.body)
                    .expect("base64 body"),
                other => panic!("{}: unknown body_encoding {other}", case.id),
            };
            let secrets = std::iter::once(case.secret.clone())
                .chain(case.additional_secrets.iter().cloned())
                .collect();
            Loaded {
                case,
                provider,
                headers,
                body,
                secrets,
            }
        })
        .collect()
}

fn report(what: &str, total: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} of {total} cases fail {what}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{total} of {total} cases pass {what}");
}

#[test]
fn every_case_gets_the_expected_verdict() {
    let cases = load();
    assert_eq!(cases.len(), 148, "vector count");
    let mut failures = Vec::new();
    for c in &cases {
        let expected = Status::parse(&c.case.expected).expect("known expected status");
        let runs = [
            ("default window", None),
            ("tolerance_s", c.case.tolerance_s),
        ];
        for (label, tolerance) in runs {
            let v = c.verify(tolerance);
            if v.status != expected {
                failures.push(format!(
                    "{} ({label}): expected {}, got {} — {}",
                    c.case.id, c.case.expected, v.status, v.detail
                ));
            }
        }
    }
    report("verification", cases.len(), &failures);
}

fn equivalent(detected: ProviderId, actual: ProviderId) -> bool {
    use ProviderId::{Clerk, Svix};
    detected == actual || matches!((detected, actual), (Svix, Clerk) | (Clerk, Svix))
}

#[test]
fn every_case_is_detected_as_its_provider() {
    let cases = load();
    let mut failures = Vec::new();
    for c in &cases {
        match detect(&c.request()) {
            Some((p, reason)) if !equivalent(p, c.provider) => failures.push(format!(
                "{}: detected {} ({reason}) instead of {}",
                c.case.id, p, c.provider
            )),
            Some(_) => {
                let v = evaluate(None, &c.request(), &c.options(None));
                if v.status.as_str() != c.case.expected {
                    failures.push(format!("{}: evaluate gave {}", c.case.id, v.status));
                }
            }
            None if c.case.expected == "missing_header" => {}
            None => failures.push(format!("{}: not detected", c.case.id)),
        }
    }
    report("detection", cases.len(), &failures);
}

#[test]
fn handshakes_get_the_expected_answer() {
    let cases = load();
    let mut checked = 0;
    let mut failures = Vec::new();
    for c in cases.iter().filter(|c| c.case.expected_response.is_some()) {
        checked += 1;
        let expected = c.case.expected_response.clone().unwrap_or_default();
        let Some(answer) = c.verify(None).handshake else {
            failures.push(format!("{}: no handshake answer", c.case.id));
            continue;
        };
        let ok = match expected.get("content_type").and_then(|t| t.as_str()) {
            Some(ct) => {
                answer.content_type == ct
                    && expected.get("body").and_then(|b| b.as_str()) == Some(answer.body.as_str())
            }
            None => serde_json::from_str::<serde_json::Value>(&answer.body).ok() == Some(expected),
        };
        if !ok {
            failures.push(format!("{}: answered {:?}", c.case.id, answer));
        }
    }
    assert!(checked >= 2, "vectors have handshake cases");
    report("handshake answers", checked, &failures);
}

#[test]
fn empty_secrets_leave_signed_requests_unverified() {
    let cases = load();
    let mut failures = Vec::new();
    for c in cases.iter().filter(|c| {
        matches!(
            c.case.expected.as_str(),
            "valid" | "invalid_signature" | "expired"
        )
    }) {
        let opts = VerifyOptions {
            secrets: &[],
            ..c.options(None)
        };
        let v = verify(c.provider, &c.request(), &opts);
        if v.status != Status::Unverified || !v.expected.is_empty() {
            failures.push(format!("{}: {} with no secrets", c.case.id, v.status));
        }
    }
    report("the no-secret check", cases.len(), &failures);
}
