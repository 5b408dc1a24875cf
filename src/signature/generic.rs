//! Configurable HMAC for providers without a built-in scheme: header, hash, encoding,
//! prefix and a template of the signed content (`{body}`, `{timestamp}`, `{url}`).

use super::mac::{self, Encoding, HmacAlgorithm};
use super::provider::Status;
use super::report::{Ctx, Stamp, Verification, Window, finish, try_macs};
use super::request::{Fault, parse_unix, shown};
use super::sign::{SignError, SignInput};

/// A user-defined HMAC scheme.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenericHmac {
    /// Header carrying the signature.
    pub header: String,
    #[serde(default)]
    pub algorithm: HmacAlgorithm,
    #[serde(default)]
    pub encoding: Encoding,
    /// Text before the digest in the header, e.g. `"sha256="`.
    #[serde(default)]
    pub prefix: String,
    /// Signed content: `{body}`, `{timestamp}` (value of `timestamp_header`) and `{url}`
    /// are replaced, `{{`/`}}` stand for braces, everything else is literal.
    #[serde(default = "default_template")]
    pub template: String,
    /// Header with the integer unix-seconds timestamp, if the scheme has one.
    #[serde(default)]
    pub timestamp_header: Option<String>,
    /// Freshness window in seconds (symmetric); `None` = no window.
    #[serde(default)]
    pub tolerance: Option<i64>,
}

fn default_template() -> String {
    "{body}".to_string()
}

enum Piece<'t> {
    Text(&'t str),
    Body,
    Timestamp,
    Url,
}

fn pieces(template: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("{{") {
            out.push(Piece::Text("{"));
            rest = r;
        } else if let Some(r) = rest.strip_prefix("}}") {
            out.push(Piece::Text("}"));
            rest = r;
        } else if let Some(r) = rest.strip_prefix('{') {
            let end = r
                .find('}')
                .ok_or_else(|| "template has an unclosed '{'".to_string())?;
            out.push(match &r[..end] {
                "body" => Piece::Body,
                "timestamp" => Piece::Timestamp,
                "url" => Piece::Url,
                other => {
                    return Err(format!(
                        "unknown placeholder {{{other}}} (use {{body}}, {{timestamp}}, {{url}})"
                    ));
                }
            });
            rest = &r[end + 1..];
        } else if rest.starts_with('}') {
            return Err("template has a lone '}' (write '}}')".to_string());
        } else {
            let end = rest.find(['{', '}']).unwrap_or(rest.len());
            out.push(Piece::Text(&rest[..end]));
            rest = &rest[end..];
        }
    }
    Ok(out)
}

impl GenericHmac {
    /// Checks the configuration: a header name, a well-formed template, and a
    /// timestamp header when the template uses `{timestamp}`.
    pub fn validate(&self) -> Result<(), String> {
        if self.header.trim().is_empty() {
            return Err("header must name the signature header".to_string());
        }
        let uses_ts = pieces(&self.template)?
            .iter()
            .any(|p| matches!(p, Piece::Timestamp));
        if uses_ts && self.timestamp_header.is_none() {
            return Err("template uses {timestamp} but timestamp_header is not set".to_string());
        }
        Ok(())
    }

    /// The signed bytes for this body, URL and timestamp text.
    fn render(&self, body: &[u8], url: &str, timestamp: &str) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(body.len() + 32);
        for piece in pieces(&self.template)? {
            match piece {
                Piece::Text(t) => out.extend_from_slice(t.as_bytes()),
                Piece::Body => out.extend_from_slice(body),
                Piece::Timestamp => out.extend_from_slice(timestamp.as_bytes()),
                Piece::Url => out.extend_from_slice(url.as_bytes()),
            }
        }
        Ok(out)
    }

    fn encode(&self, digest: &[u8]) -> String {
        let text = match self.encoding {
            Encoding::Hex => mac::to_hex(digest),
            Encoding::Base64 => mac::to_b64(digest),
        };
        format!("{}{text}", self.prefix)
    }

    fn decode(&self, text: &str) -> Option<Vec<u8>> {
        let len = self.algorithm.output_len();
        match self.encoding {
            Encoding::Hex => hex::decode(text).ok().filter(|d| d.len() == len),
            Encoding::Base64 => mac::b64_digest(text, len),
        }
    }
}

pub(crate) fn verify(ctx: &Ctx) -> Verification {
    let mut v = ctx.verdict();
    let Some(cfg) = ctx.generic else {
        return v.conclude(
            Status::Unverified,
            "no generic HMAC configuration was given (header, algorithm, encoding, template)",
        );
    };
    if let Err(e) = cfg.validate() {
        return v.conclude(
            Status::Unverified,
            format!("the generic HMAC configuration is invalid: {e}"),
        );
    }
    let parsed = match parse(ctx, cfg, &mut v) {
        Ok(p) => p,
        Err(f) => return v.fault(f),
    };
    let (received, ts_text, stamp) = parsed;
    let signed = match cfg.render(ctx.req.body, ctx.url, &ts_text) {
        Ok(s) => s,
        Err(e) => return v.conclude(Status::Unverified, e),
    };
    v.set_signed(&signed);
    let outcome = try_macs(
        ctx,
        &mut v,
        &[received],
        |key| mac::hmac(cfg.algorithm, key, &[&signed]),
        |d| cfg.encode(d),
    );
    finish(ctx, v, outcome, "signature", stamp, Window::Symmetric)
}

type Parsed = (Vec<u8>, String, Option<Stamp>);

fn parse(ctx: &Ctx, cfg: &GenericHmac, v: &mut Verification) -> Result<Parsed, Fault> {
    let (sig, ts) = match &cfg.timestamp_header {
        Some(th) => {
            let [sig, ts] = ctx.req.require_all([cfg.header.as_str(), th.as_str()])?;
            (sig, Some(ts))
        }
        None => (ctx.req.require_all([cfg.header.as_str()])?[0], None),
    };
    v.receive(sig);
    v.field(&cfg.header, sig);
    let stamp = match ts {
        Some(ts) => {
            v.field("timestamp", ts);
            let secs = parse_unix(ts).ok_or_else(|| {
                Fault::Malformed(format!(
                    "timestamp {} is not integer unix seconds",
                    shown(ts)
                ))
            })?;
            Some(Stamp::seconds(secs))
        }
        None => None,
    };
    let digest = sig.strip_prefix(cfg.prefix.as_str()).ok_or_else(|| {
        Fault::Malformed(format!(
            "{} must start with {}, got {}",
            cfg.header,
            shown(&cfg.prefix),
            shown(sig)
        ))
    })?;
    let bytes = cfg.decode(digest).ok_or_else(|| {
        Fault::Malformed(format!(
            "{} does not hold a {:?} {}-byte digest",
            cfg.header,
            cfg.encoding,
            cfg.algorithm.output_len()
        ))
    })?;
    Ok((bytes, ts.unwrap_or_default().to_string(), stamp))
}

pub(crate) fn sign(
    secret: &str,
    input: &SignInput,
    generic: Option<&GenericHmac>,
) -> Result<Vec<(String, String)>, SignError> {
    let cfg = generic.ok_or(SignError::MissingGeneric)?;
    cfg.validate().map_err(SignError::BadGeneric)?;
    let ts = input.now.to_string();
    let signed = cfg
        .render(input.body, input.url, &ts)
        .map_err(SignError::BadGeneric)?;
    let digest = mac::hmac(cfg.algorithm, secret.as_bytes(), &[&signed]);
    let mut out = vec![(cfg.header.clone(), cfg.encode(&digest))];
    if let Some(th) = &cfg.timestamp_header {
        out.push((th.clone(), ts));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_unknown_fields() {
        let cfg: GenericHmac = serde_json::from_str(r#"{"header":"X-Sig"}"#).expect("parse");
        assert_eq!(cfg.algorithm, HmacAlgorithm::Sha256);
        assert_eq!(cfg.encoding, Encoding::Hex);
        assert_eq!(cfg.prefix, "");
        assert_eq!(cfg.template, "{body}");
        assert!(serde_json::from_str::<GenericHmac>(r#"{"header":"X","algo":"sha1"}"#).is_err());
        let cfg: GenericHmac = serde_json::from_str(
            r#"{"header":"X","algorithm":"sha512","encoding":"base64","template":"{timestamp}.{body}","timestamp_header":"X-Ts","tolerance":60}"#,
        )
        .expect("parse");
        assert_eq!(cfg.algorithm, HmacAlgorithm::Sha512);
        assert!(cfg.validate().is_ok());
    }

    #[test]
    fn template_rules() {
        let mut cfg: GenericHmac = serde_json::from_str(r#"{"header":"X"}"#).expect("parse");
        cfg.template = "{{v1}}:{url}|{body}".to_string();
        assert_eq!(cfg.render(b"B", "U", "").expect("render"), b"{v1}:U|B");
        cfg.template = "{timestamp}.{body}".to_string();
        assert!(
            cfg.validate()
                .expect_err("needs ts header")
                .contains("timestamp_header")
        );
        for bad in ["{nope}", "{body", "a}b"] {
            cfg.template = bad.to_string();
            assert!(cfg.validate().is_err(), "{bad}");
        }
    }
}
