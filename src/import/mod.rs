//! Requests captured elsewhere, brought into a capture file: HAR files from
//! browsers, proxies, or hookscope's own `export`.

mod har;

pub use har::{HarError, HarRequest, read_har};

use crate::store::ImportedRequest;
use crate::verifier::Verifier;

/// A HAR entry as the store keeps it: its event type found, and its
/// signature as hookscope recorded it on capture, or else checked with
/// `verifier` as of the moment it was received (a timestamped signature is
/// as old as the request).
pub fn to_stored(r: HarRequest, verifier: &Verifier) -> ImportedRequest {
    let (sig_provider, sig_status) = r.recorded_signature.unwrap_or_else(|| {
        let v = verifier.verdict_as_of(
            r.received_at_us.div_euclid(1_000_000),
            &r.method,
            &r.target,
            &r.headers,
            &r.body,
        );
        (
            v.provider.map(|p| p.as_str().to_owned()),
            Some(v.status.as_str().to_owned()),
        )
    });
    ImportedRequest {
        event_type: crate::classify::event_type(&r.headers, &r.body),
        received_at_us: r.received_at_us,
        method: r.method,
        target: r.target,
        http_version: r.http_version,
        remote_addr: r.remote_addr,
        headers: r.headers,
        body: r.body,
        body_size: r.body_size,
        body_truncated: r.body_truncated,
        sig_provider,
        sig_status,
        answer: r.answer,
    }
}
