//! Twilio: base64 HMAC-SHA1 (SharedKey: SHA-256) of the full URL followed by the sorted POST
//! parameters; JSON bodies are bound through the URL's `bodySHA256` instead. No timestamp.

use std::cell::RefCell;

use super::mac::{self, HmacAlgorithm};
use super::provider::Status;
use super::report::{Ctx, KeyOutcome, KeyResult, Verification, Window, finish, try_keys};
use super::request::{Fault, query_param, shown, with_default_port, without_default_port};
use super::sign::{SignError, SignInput};

const HEADER: &str = "X-Twilio-Signature";
const SETTINGS: &str = "X-Twilio-Webhooks-Signature-Settings";
const FORM: &str = "application/x-www-form-urlencoded";

/// What besides the URL goes into the signed string.
enum Payload {
    /// Form parameters, decoded, in body order.
    Form(Vec<(String, String)>),
    /// A JSON (or other) body bound by the URL's `bodySHA256` query parameter.
    BodyHash(String),
    /// Neither: the URL alone is signed.
    UrlOnly,
}

fn payload(url: &str, media_type: Option<&str>, body: &[u8]) -> Payload {
    if let Some(hash) = query_param(url, "bodySHA256") {
        return Payload::BodyHash(hash);
    }
    match media_type {
        None | Some(FORM) => Payload::Form(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ),
        Some(_) => Payload::UrlOnly,
    }
}

/// The signed strings for `url` and `params`: the official order (names sorted, each
/// name's values sorted and de-duplicated) and, when a name repeats, the values in body order.
fn strings_to_sign(url: &str, params: &[(String, String)]) -> Vec<Vec<u8>> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let in_body_order = sorted.clone();
    sorted.sort_by(|a, b| (a.0.as_bytes(), a.1.as_bytes()).cmp(&(b.0.as_bytes(), b.1.as_bytes())));
    sorted.dedup();
    let build = |list: &[&(String, String)]| {
        let mut s = url.as_bytes().to_vec();
        for (k, v) in list {
            s.extend_from_slice(k.as_bytes());
            s.extend_from_slice(v.as_bytes());
        }
        s
    };
    let mut out = vec![build(&sorted)];
    let other = build(&in_body_order);
    if other != out[0] {
        out.push(other);
    }
    out
}

/// The URL as given, then without / with its default port (Twilio is inconsistent about it).
fn url_variants(url: &str) -> Vec<String> {
    let mut out = vec![url.to_string()];
    for alt in [without_default_port(url), with_default_port(url)]
        .into_iter()
        .flatten()
    {
        if !out.contains(&alt) {
            out.push(alt);
        }
    }
    out
}

fn algorithm(ctx: &Ctx, v: &mut Verification) -> Result<HmacAlgorithm, Fault> {
    let Some(raw) = ctx.req.header_bytes(SETTINGS) else {
        return Ok(HmacAlgorithm::Sha1);
    };
    let settings = super::request::text(SETTINGS, raw)?;
    v.field(SETTINGS, settings);
    let alg = settings
        .split(',')
        .filter_map(|item| item.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("algorithm"))
        .map(|(_, val)| val.trim());
    match alg {
        Some(a) if a.eq_ignore_ascii_case("HMAC_SHA256") => Ok(HmacAlgorithm::Sha256),
        Some(a) if a.eq_ignore_ascii_case("HMAC_SHA1") => Ok(HmacAlgorithm::Sha1),
        _ => Err(Fault::Malformed(format!(
            "{SETTINGS} {} names no supported algorithm (HMAC_SHA256)",
            shown(settings)
        ))),
    }
}

fn parse(ctx: &Ctx, v: &mut Verification) -> Result<(Vec<u8>, HmacAlgorithm), Fault> {
    let [sig] = ctx.req.require_all([HEADER])?;
    v.field(HEADER, sig);
    v.receive(sig);
    let alg = algorithm(ctx, v)?;
    let digest = mac::b64_digest(sig, alg.output_len()).ok_or_else(|| {
        Fault::Malformed(format!(
            "{HEADER} {} is not base64 of a {}-byte HMAC",
            shown(sig),
            alg.output_len()
        ))
    })?;
    Ok((digest, alg))
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let mut v = ctx.verdict();
    let (received, alg) = match parse(ctx, &mut v) {
        Ok(p) => p,
        Err(f) => return v.fault(f),
    };
    let media = ctx.req.media_type();
    let payload = payload(ctx.url, media.as_deref(), ctx.req.body);
    let params = match &payload {
        Payload::Form(p) => p.clone(),
        Payload::BodyHash(_) | Payload::UrlOnly => Vec::new(),
    };
    let candidates: Vec<Vec<u8>> = url_variants(ctx.url)
        .iter()
        .flat_map(|u| strings_to_sign(u, &params))
        .collect();
    v.set_signed(&candidates[0]);
    let matched_string = RefCell::new(None);
    let brief = v.is_brief();
    let outcome = try_keys(ctx, &mut v, |key| {
        let mut matched = false;
        for s in &candidates {
            if mac::ct_eq(&mac::hmac(alg, key, &[s]), &received) {
                matched = true;
                matched_string.borrow_mut().get_or_insert_with(|| s.clone());
            }
        }
        Ok(KeyResult {
            matched,
            expected: (!brief).then(|| mac::to_b64(&mac::hmac(alg, key, &[&candidates[0]]))),
        })
    });
    if let Some(s) = matched_string.into_inner() {
        v.set_signed(&s);
    }
    if let (KeyOutcome::Matched, Payload::BodyHash(hash)) = (outcome, &payload) {
        let actual = mac::to_hex(&mac::sha256(ctx.req.body));
        if !mac::ct_eq(actual.as_bytes(), hash.as_bytes()) {
            return v.conclude(
                Status::InvalidSignature,
                format!("the URL signature matches, but the body's SHA-256 {actual} differs from the URL's bodySHA256: the body was changed"),
            );
        }
    }
    let mut v = finish(ctx, v, outcome, "signature", None, Window::Symmetric);
    if v.status == Status::InvalidSignature {
        v.note("Twilio signs the exact public URL it called (scheme, host, path, query): behind a tunnel or proxy, set the public URL");
    }
    v
}

pub(crate) fn sign(secret: &str, input: &SignInput) -> Result<Vec<(String, String)>, SignError> {
    let media = input.content_type.map(|ct| {
        ct.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    let actual = mac::to_hex(&mac::sha256(input.body));
    let params = match payload(input.url, media.as_deref(), input.body) {
        Payload::Form(p) => p,
        Payload::BodyHash(hash) if hash == actual => Vec::new(),
        Payload::BodyHash(hash) => {
            return Err(SignError::Request(format!(
                "the URL's bodySHA256={hash} does not match the body; set it to {actual}"
            )));
        }
        Payload::UrlOnly if media.as_deref() == Some("application/json") => {
            return Err(SignError::Request(format!(
                "Twilio binds JSON bodies through the URL: add bodySHA256={actual} to its query string"
            )));
        }
        Payload::UrlOnly => Vec::new(),
    };
    let s = strings_to_sign(input.url, &params).swap_remove(0);
    let d = mac::hmac(HmacAlgorithm::Sha1, secret.as_bytes(), &[&s]);
    Ok(vec![(HEADER.to_string(), mac::to_b64(&d))])
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check_url, headers};
    use super::super::{ProviderId, Status};
    use super::*;

    const DOCS_URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const DOCS_BODY: &[u8] =
        b"CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212";

    fn docs(url: &str, extra: &[(&str, &str)]) -> Status {
        let mut pairs = vec![
            ("Content-Type", FORM),
            (HEADER, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="),
        ];
        pairs.extend_from_slice(extra);
        check_url(
            ProviderId::Twilio,
            &headers(&pairs),
            DOCS_BODY,
            "12345",
            url,
        )
        .status
    }

    #[test]
    fn docs_vector_with_and_without_port() {
        assert_eq!(docs(DOCS_URL, &[]), Status::Valid);
        assert_eq!(
            docs("https://mycompany.com:443/myapp.php?foo=1&bar=2", &[]),
            Status::Valid
        );
        assert_eq!(
            docs("http://mycompany.com/myapp.php?foo=1&bar=2", &[]),
            Status::InvalidSignature
        );
        let settings = [(SETTINGS, "key=K1,algorithm=HMAC_SHA256")];
        assert_eq!(
            docs(DOCS_URL, &settings),
            Status::MalformedHeader,
            "20-byte digest under SHA-256"
        );
        let settings = [(SETTINGS, "key=K1,algorithm=RSA")];
        assert_eq!(docs(DOCS_URL, &settings), Status::MalformedHeader);
    }

    #[test]
    fn shared_key_sha256() {
        let s = strings_to_sign(DOCS_URL, &[("A".into(), "1".into())]).swap_remove(0);
        let sig = mac::to_b64(&mac::hmac(HmacAlgorithm::Sha256, b"shared", &[&s]));
        let h = headers(&[
            ("Content-Type", FORM),
            (HEADER, &sig),
            (SETTINGS, "key=K1,algorithm=HMAC_SHA256"),
        ]);
        assert_eq!(
            check_url(ProviderId::Twilio, &h, b"A=1", "shared", DOCS_URL).status,
            Status::Valid
        );
    }

    #[test]
    fn repeated_params_sorted_and_deduplicated() {
        let params = [
            ("b".to_string(), "2".to_string()),
            ("a".to_string(), "z".to_string()),
            ("a".to_string(), "y".to_string()),
            ("a".to_string(), "y".to_string()),
        ];
        let all = strings_to_sign("U", &params);
        assert_eq!(all[0], b"Uayazb2");
        assert_eq!(all[1], b"Uazayayb2");
    }

    #[test]
    fn json_body_hash() {
        let body = br#"{"a":1}"#;
        let hash = mac::to_hex(&mac::sha256(body));
        let url = format!("https://h.example/t?bodySHA256={hash}");
        let input = SignInput {
            url: &url,
            body,
            now: 0,
            message_id: "",
            content_type: Some("application/json"),
        };
        let signed = sign("tok", &input).expect("sign");
        let mut pairs: Vec<(&str, &str)> = signed
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.push(("Content-Type", "application/json"));
        let h = headers(&pairs);
        assert_eq!(
            check_url(ProviderId::Twilio, &h, body, "tok", &url).status,
            Status::Valid
        );
        let v = check_url(ProviderId::Twilio, &h, br#"{"a":2}"#, "tok", &url);
        assert_eq!(v.status, Status::InvalidSignature);
        assert!(v.detail.contains("bodySHA256"), "{}", v.detail);
        let bare = SignInput {
            url: "https://h.example/t",
            ..input
        };
        assert!(matches!(sign("tok", &bare), Err(SignError::Request(_))));
    }
}
