//! The text each copy-menu entry puts on the clipboard.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::msg::CopyWhat;
use crate::export;
use crate::model::RequestDetail;
use crate::sanitize::visible_bytes;

/// A label for the confirmation message and the text to copy.
pub fn text(what: CopyWhat, detail: &RequestDetail) -> (&'static str, String) {
    match what {
        CopyWhat::Body => match std::str::from_utf8(&detail.body) {
            Ok(text) => ("body", text.to_owned()),
            // A clipboard holds text: U+FFFD in place of the other bytes
            // would lose them, base64 keeps them all.
            Err(_) => (
                "body as base64 (it is not UTF-8 text)",
                STANDARD.encode(&detail.body),
            ),
        },
        CopyWhat::Headers => ("headers", headers(detail)),
        CopyWhat::Url => ("URL", url(detail)),
        CopyWhat::Curl => ("curl command", export::to_curl(detail)),
        CopyWhat::Markdown => ("Markdown", export::to_markdown(detail)),
    }
}

fn headers(detail: &RequestDetail) -> String {
    detail
        .headers
        .iter()
        // Bytes that are not UTF-8 are written as `\xNN`, as the Headers tab
        // shows them.
        .map(|(n, v)| match std::str::from_utf8(v) {
            Ok(text) => format!("{n}: {text}\n"),
            Err(_) => format!("{n}: {}\n", visible_bytes(v)),
        })
        .collect()
}

fn url(detail: &RequestDetail) -> String {
    let target = &detail.summary.target;
    if target.starts_with("http://") || target.starts_with("https://") {
        return target.clone();
    }
    let host = export::host_of(detail).unwrap_or_else(|| "localhost".into());
    format!("http://{host}{target}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::detail;

    #[test]
    fn a_body_that_is_not_text_is_copied_whole_as_base64() {
        let body = b"\x1f\x8b\x08\x00\xff\xfe";
        let (label, copied) = text(CopyWhat::Body, &detail(&[], body));
        assert!(label.contains("base64"), "{label}");
        assert_eq!(STANDARD.decode(copied).unwrap(), body);
        let (label, copied) = text(CopyWhat::Body, &detail(&[], "{\"é\":1}".as_bytes()));
        assert_eq!((label, copied.as_str()), ("body", "{\"é\":1}"));
    }

    #[test]
    fn header_bytes_that_are_not_text_are_copied_as_escapes() {
        let (_, copied) = text(
            CopyWhat::Headers,
            &detail(&[("x-raw", b"a\xff\xfeb"), ("x-ok", b"caf\xc3\xa9")], b""),
        );
        assert_eq!(copied, "x-raw: a\\xff\\xfeb\nx-ok: café\n");
    }
}
