//! Sending requests out and keeping a record: resends, forwards and sample
//! sends go through here, get re-signed on request, and every try is stored
//! as an attempt. Shared by the UI, the CLI and the listener's forward mode.

use std::time::Duration;

use crate::model::{NewAttempt, RequestId};
use crate::resend::{AttemptResult, Client, OutgoingRequest, Response, deliver, human_duration};
use crate::signature::{self, GenericHmac, ProviderId, SignError, SignInput};
use crate::store::WriterHandle;
use crate::verifier::Clock;

/// Sends `req` (retrying per `schedule`) and stores every try as an attempt
/// of `kind` linked to `request`, when a writer is given. Returns the last try.
pub async fn send_recorded(
    client: &Client,
    writer: Option<&WriterHandle>,
    request: Option<RequestId>,
    kind: &'static str,
    req: &OutgoingRequest,
    schedule: &[Duration],
) -> AttemptResult {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let last = deliver(client, req, schedule, |attempt| {
        let _ = tx.send(attempt.clone());
    })
    .await;
    drop(tx);
    if let Some(writer) = writer {
        while let Some(attempt) = rx.recv().await {
            let record = attempt_record(request, kind, req, &attempt);
            if let Err(e) = writer.record_attempt(record, None).await {
                tracing::warn!("could not store an attempt: {e}");
            }
        }
    }
    last
}

/// The stored form of one try.
pub fn attempt_record(
    request: Option<RequestId>,
    kind: &'static str,
    req: &OutgoingRequest,
    attempt: &AttemptResult,
) -> NewAttempt {
    let (status, headers, body, duration, error) = match &attempt.outcome {
        Ok(r) => (
            Some(r.status),
            r.headers.clone(),
            r.body.to_vec(),
            Some(r.duration),
            None,
        ),
        Err(e) => (None, Vec::new(), Vec::new(), None, Some(e.to_string())),
    };
    NewAttempt {
        request_id: request,
        kind,
        method: req.method.clone(),
        url: req.url.clone(),
        headers: req.headers.clone(),
        body: req.body.to_vec(),
        started_at_us: attempt.started_at_us,
        duration_us: duration.map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX)),
        response_status: status,
        response_headers: headers,
        response_body: body,
        error,
    }
}

/// One line on how a try ended: `200 OK in 12 ms` or the error.
pub fn describe(attempt: &AttemptResult) -> String {
    match &attempt.outcome {
        Ok(Response {
            status, duration, ..
        }) => {
            let reason = http::StatusCode::from_u16(*status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("");
            format!("{status} {reason} in {}", human_duration(*duration))
        }
        Err(e) => e.to_string(),
    }
}

/// Whether the last try counts as delivered: a 2xx answer, as webhook
/// providers count it. A 4xx is final (no retry) but still a failure.
pub fn delivered(attempt: &AttemptResult) -> bool {
    matches!(&attempt.outcome, Ok(r) if (200..300).contains(&r.status))
}

/// Replaces the provider's signature headers with fresh ones over the
/// request's current body and URL, with a new timestamp and message id,
/// so an edited payload still verifies at the receiving app.
pub fn resign(
    req: &mut OutgoingRequest,
    provider: ProviderId,
    secret: &str,
    generic: Option<&GenericHmac>,
    clock: Clock,
) -> Result<(), SignError> {
    let now = clock.now();
    if provider == ProviderId::Linear {
        req.body = signature::refresh_linear_timestamp(&req.body, now)
            .map_err(SignError::Request)?
            .into();
    }
    let content_type = crate::model::header_value(&req.headers, "content-type")
        .and_then(|v| std::str::from_utf8(v).ok())
        .map(str::to_owned);
    let message_id = format!("msg_hookscope_{now:x}{:x}", req.body.len());
    let input = SignInput {
        url: &req.url,
        body: &req.body,
        now,
        message_id: &message_id,
        content_type: content_type.as_deref(),
    };
    let mut fresh = signature::sign(provider, secret, &input, generic)?;
    fresh.extend(signature::companion_headers(provider, &input, &req.headers));
    req.headers
        .retain(|(name, _)| !fresh.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)));
    req.headers
        .extend(fresh.into_iter().map(|(n, v)| (n, v.into_bytes())));
    Ok(())
}

/// Re-signs `req` as the provider the captured request was signed by (its
/// stored verdict, else detection), with that provider's configured secret.
pub fn resign_as_captured(
    req: &mut OutgoingRequest,
    detail: &crate::model::RequestDetail,
    verifier: &crate::verifier::Verifier,
) -> Result<(), String> {
    let s = &detail.summary;
    let provider = s
        .sig_provider
        .as_deref()
        .and_then(|p| p.parse::<ProviderId>().ok())
        .or_else(|| {
            verifier
                .verdict(&s.method, &s.target, &detail.headers, &detail.body)
                .provider
        })
        .ok_or("cannot re-sign: the request is not signed by a known provider")?;
    let secret = verifier.secret_for(provider).ok_or_else(|| {
        format!(
            "cannot re-sign: no secret for {0}; give --secret {0}=SECRET or configure one",
            provider.as_str()
        )
    })?;
    resign(req, provider, secret, verifier.generic(), verifier.clock()).map_err(|e| e.to_string())
}

/// Opens `text` in `$VISUAL`/`$EDITOR` (else `vi`) as a `.http` file and
/// returns what was saved. A file left as it was (the editor quit without
/// saving, as `:q!` does with a zero exit) sends nothing. The caller owns
/// the terminal around this.
pub fn edit_in_editor(text: &[u8]) -> Result<Vec<u8>, String> {
    let file = tempfile::Builder::new()
        .prefix("hookscope-")
        .suffix(".http")
        .tempfile()
        .map_err(|e| format!("cannot create a temporary file: {e}"))?;
    std::fs::write(file.path(), text)
        .map_err(|e| format!("cannot write {}: {e}", file.path().display()))?;
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_owned());
    // `$EDITOR` may carry arguments (`code --wait`): run it through the shell.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .map_err(|e| format!("cannot start {editor}: {e}"))?;
    if !status.success() {
        return Err(format!("{editor} exited with {status}; nothing sent"));
    }
    let saved =
        std::fs::read(file.path()).map_err(|e| format!("cannot read the edited file: {e}"))?;
    if saved == text {
        return Err("the request was not changed in the editor; nothing sent".to_owned());
    }
    Ok(saved)
}
