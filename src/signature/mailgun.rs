//! Mailgun: no header; `signature{timestamp,token,signature}` in the JSON body (or form fields
//! in legacy and inbound posts) with hex HMAC-SHA256 of `{timestamp}{token}`; event data is unsigned.

use super::mac::{self, HmacAlgorithm};
use super::provider::Status;
use super::report::{Ctx, Stamp, Verification, Window, finish, try_macs};
use super::request::{Fault, RequestView, parse_unix, shown};

/// The three signature fields as found in the body.
#[derive(Default)]
pub(crate) struct Fields {
    timestamp: Option<String>,
    token: Option<String>,
    signature: Option<String>,
    /// Where they were found, for messages ("JSON signature object", "form fields").
    source: &'static str,
}

impl Fields {
    fn count(&self) -> usize {
        [&self.timestamp, &self.token, &self.signature]
            .iter()
            .filter(|f| f.is_some())
            .count()
    }

    fn set(&mut self, name: &str, value: String) {
        match name {
            "timestamp" => self.timestamp = Some(value),
            "token" => self.token = Some(value),
            "signature" => self.signature = Some(value),
            _ => {}
        }
    }
}

fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn from_json(body: &[u8]) -> Option<Fields> {
    let event: serde_json::Value = serde_json::from_slice(body).ok()?;
    let top = event.as_object()?;
    let (holder, source) = match top.get("signature") {
        Some(serde_json::Value::Object(sig)) => (sig, "the JSON signature object"),
        _ => (top, "the JSON body"),
    };
    let mut f = Fields {
        source,
        ..Fields::default()
    };
    for name in ["timestamp", "token", "signature"] {
        if let Some(value) = holder.get(name).and_then(json_text) {
            f.set(name, value);
        }
    }
    Some(f)
}

fn from_urlencoded(body: &[u8]) -> Fields {
    let mut f = Fields {
        source: "the form fields",
        ..Fields::default()
    };
    for (k, v) in form_urlencoded::parse(body) {
        f.set(&k, v.into_owned());
    }
    f
}

/// Minimal multipart/form-data reader: only plain `name="…"` fields are kept.
fn from_multipart(body: &[u8], content_type: &str) -> Fields {
    let mut f = Fields {
        source: "the multipart form fields",
        ..Fields::default()
    };
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
        .map(|(_, b)| b.trim_matches('"').to_string());
    let Some(boundary) = boundary.filter(|b| !b.is_empty()) else {
        return f;
    };
    let text = String::from_utf8_lossy(body);
    for part in text.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let name = head
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("name="))
            .map(|n| n.trim_matches('"'))
            .next();
        if let Some(name) = name {
            let value = value.strip_suffix("\r\n").unwrap_or(value);
            f.set(name, value.to_string());
        }
    }
    f
}

/// Signature fields found in the body, whichever encoding it uses.
pub(crate) fn fields(req: &RequestView) -> Fields {
    let media = req.media_type().unwrap_or_default();
    if media == "multipart/form-data" {
        let ct = req.header_text("content-type").unwrap_or_default();
        return from_multipart(req.body, ct);
    }
    from_json(req.body).unwrap_or_else(|| from_urlencoded(req.body))
}

/// Whether the body carries at least two of Mailgun's three signature fields.
pub(crate) fn looks_signed(req: &RequestView) -> bool {
    fields(req).count() >= 2
}

fn parse(ctx: &Ctx, v: &mut Verification) -> Result<(Vec<u8>, String, i64), Fault> {
    let f = fields(ctx.req);
    let (Some(ts), Some(token), Some(sig)) = (&f.timestamp, &f.token, &f.signature) else {
        let absent: Vec<&str> = [
            ("timestamp", &f.timestamp),
            ("token", &f.token),
            ("signature", &f.signature),
        ]
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(n, _)| *n)
        .collect();
        return Err(Fault::Missing(format!(
            "the body lacks Mailgun's signature field(s) {} (looked in {})",
            absent.join(", "),
            if f.source.is_empty() {
                "the body"
            } else {
                f.source
            }
        )));
    };
    v.field("timestamp", ts);
    v.field("token", token);
    v.field("signature", sig);
    v.receive(sig);
    let secs = parse_unix(ts).ok_or_else(|| {
        Fault::Malformed(format!(
            "signature.timestamp {} is not integer unix seconds",
            shown(ts)
        ))
    })?;
    let digest = mac::hex_digest(sig, 32).ok_or_else(|| {
        Fault::Malformed(format!(
            "signature.signature {} is not 64 lowercase hex characters",
            shown(sig)
        ))
    })?;
    Ok((digest, format!("{ts}{token}"), secs))
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let mut v = ctx.verdict();
    let (received, signed, secs) = match parse(ctx, &mut v) {
        Ok(p) => p,
        Err(f) => return v.fault(f),
    };
    v.set_signed(signed.as_bytes());
    let outcome = try_macs(
        ctx,
        &mut v,
        &[received],
        |key| mac::hmac(HmacAlgorithm::Sha256, key, &[signed.as_bytes()]),
        mac::to_hex,
    );
    let mut v = finish(
        ctx,
        v,
        outcome,
        "signature",
        Some(Stamp::seconds(secs)),
        Window::Symmetric,
    );
    if matches!(v.status, Status::Valid | Status::Expired) {
        v.note("Mailgun signs only timestamp and token: the event data is NOT signed and could have been altered; cache tokens to stop replays");
    }
    v
}

/// Hex HMAC-SHA256 of `{timestamp}{token}`: the value of `signature.signature` for a Mailgun body.
pub fn mailgun_signature(signing_key: &str, timestamp: &str, token: &str) -> String {
    let signed = [timestamp.as_bytes(), token.as_bytes()].concat();
    mac::to_hex(&mac::hmac(
        HmacAlgorithm::Sha256,
        signing_key.as_bytes(),
        &[&signed],
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{check, check_with_type};
    use super::super::{ProviderId, Status};
    use super::*;

    const KEY: &str = "key-test";

    #[test]
    fn json_form_and_multipart() {
        let sig = mailgun_signature(KEY, "1000", "tok");
        let json = format!(
            r#"{{"signature":{{"timestamp":"1000","token":"tok","signature":"{sig}"}},"event-data":{{}}}}"#
        );
        let v = check(ProviderId::Mailgun, &[], json.as_bytes(), KEY, 1000);
        assert_eq!(v.status, Status::Valid, "{}", v.detail);
        assert!(v.notes.iter().any(|n| n.contains("NOT signed")));
        let form = format!("timestamp=1000&token=tok&signature={sig}&body-plain=hi");
        let v = check_with_type(
            ProviderId::Mailgun,
            "application/x-www-form-urlencoded",
            form.as_bytes(),
            KEY,
            1000,
        );
        assert_eq!(v.status, Status::Valid, "{}", v.detail);
        let multipart = format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"timestamp\"\r\n\r\n1000\r\n--XyZ\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\ntok\r\n--XyZ\r\nContent-Disposition: form-data; name=\"signature\"\r\n\r\n{sig}\r\n--XyZ--\r\n"
        );
        let v = check_with_type(
            ProviderId::Mailgun,
            "multipart/form-data; boundary=\"XyZ\"",
            multipart.as_bytes(),
            KEY,
            1000,
        );
        assert_eq!(v.status, Status::Valid, "{}", v.detail);
    }

    #[test]
    fn window_and_missing_fields() {
        let sig = mailgun_signature(KEY, "1000", "tok");
        let json =
            format!(r#"{{"signature":{{"timestamp":"1000","token":"tok","signature":"{sig}"}}}}"#);
        assert_eq!(
            check(ProviderId::Mailgun, &[], json.as_bytes(), KEY, 1900).status,
            Status::Valid
        );
        assert_eq!(
            check(ProviderId::Mailgun, &[], json.as_bytes(), KEY, 1901).status,
            Status::Expired
        );
        let v = check(
            ProviderId::Mailgun,
            &[],
            br#"{"signature":{"timestamp":"1","token":"t"}}"#,
            KEY,
            1,
        );
        assert_eq!(v.status, Status::MissingHeader);
        assert!(v.detail.contains("signature"), "{}", v.detail);
    }
}
