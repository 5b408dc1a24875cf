//! Carries out a send asked for in the UI: loads the request, applies the
//! edit and re-signing, sends it and stores the attempt. Returns the line
//! the status bar shows.

use std::path::PathBuf;
use std::sync::Arc;

use super::msg::Outbound;
use crate::delivery;
use crate::model::{RequestDetail, RequestId};
use crate::resend::{self, Client, OutgoingRequest};
use crate::signature::ProviderId;
use crate::store::{Reader, WriterHandle};
use crate::verifier::Verifier;

pub struct Ctx {
    pub db: PathBuf,
    pub writer: Option<WriterHandle>,
    pub client: Client,
    pub verifier: Arc<Verifier>,
}

pub async fn perform(outbound: Outbound, ctx: Ctx) -> Result<String, String> {
    let (request_id, kind, req) = match outbound {
        Outbound::Resend { id, target, resign } => {
            let detail = load(&ctx.db, id).await?;
            let mut req =
                OutgoingRequest::from_capture(&detail, &target).map_err(|e| e.to_string())?;
            if resign {
                delivery::resign_as_captured(&mut req, &detail, &ctx.verifier)?;
            }
            (Some(id), "resend", req)
        }
        Outbound::Edited { id, text, resign } => {
            let mut req = resend::parse_message_file(&text)
                .map_err(|e| format!("the edited request: {e}"))?;
            if resign {
                let detail = load(&ctx.db, id).await?;
                delivery::resign_as_captured(&mut req, &detail, &ctx.verifier)?;
            }
            (Some(id), "resend", req)
        }
        Outbound::Sample { name, target } => {
            let sample =
                resend::samples::find(&name).ok_or_else(|| format!("no sample named {name}"))?;
            let mut req = sample.to_outgoing(&target).map_err(|e| e.to_string())?;
            let provider = sample
                .provider
                .as_deref()
                .and_then(|p| p.parse::<ProviderId>().ok());
            if let Some(provider) = provider
                && let Some(secret) = ctx.verifier.secret_for(provider)
            {
                delivery::resign(
                    &mut req,
                    provider,
                    secret,
                    ctx.verifier.generic(),
                    ctx.verifier.clock(),
                )
                .map_err(|e| e.to_string())?;
            }
            (None, "send", req)
        }
    };
    let attempt = delivery::send_recorded(
        &ctx.client,
        ctx.writer.as_ref(),
        request_id,
        kind,
        &req,
        &[],
    )
    .await;
    let outcome = delivery::describe(&attempt);
    let stored = if ctx.writer.is_some() {
        ""
    } else {
        " (read-only file: not stored)"
    };
    if delivery::delivered(&attempt) {
        Ok(format!("{} {} → {outcome}{stored}", req.method, req.url))
    } else {
        Err(format!("{} {} → {outcome}{stored}", req.method, req.url))
    }
}

async fn load(db: &std::path::Path, id: RequestId) -> Result<RequestDetail, String> {
    let db = db.to_path_buf();
    tokio::task::spawn_blocking(move || {
        Reader::open(&db)
            .and_then(|r| r.detail(id))
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("request #{id} is gone"))
    })
    .await
    .map_err(|e| e.to_string())?
}
