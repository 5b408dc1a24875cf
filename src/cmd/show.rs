//! `hookscope show ID`: one captured request, readable, raw, as JSON or as curl.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::cli::ShowArgs;
use crate::export;
use crate::human;
use crate::model::{Attempt, RequestDetail, RequestId};
use crate::sanitize::{visible, visible_bytes, visible_multiline};
use crate::store::Reader;

pub fn run(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let path = super::db_path(args.db.as_ref())?;
    let reader = Reader::open(&path)?;
    let Some(detail) = reader.detail(RequestId(args.id))? else {
        anyhow::bail!("no request with id {} in {}", args.id, path.display());
    };
    let mut out = std::io::stdout().lock();
    if detail.summary.body_truncated && (args.raw || args.curl) {
        eprintln!(
            "warning: request #{} was stored truncated ({} of {} body bytes): this is not \
             the request that was sent",
            args.id,
            detail.body.len(),
            detail.summary.body_size
        );
    }
    if args.raw {
        let raw = export::to_http1(&detail);
        // Exact bytes for pipes and files; a terminal gets visible escapes
        // instead of whatever sequences the payload carries.
        if out.is_terminal() {
            out.write_all(visible_multiline(&String::from_utf8_lossy(&raw)).as_bytes())?;
            out.write_all(b"\n")?;
        } else {
            out.write_all(&raw)?;
        }
    } else if args.json {
        let mut json = export::detail_json(&detail);
        json["attempts"] = export::attempts_json(&reader.attempts(detail.summary.id)?);
        export::write_json(&mut out, &json, true)?;
        writeln!(out)?;
    } else if args.curl {
        writeln!(out, "{}", export::to_curl(&detail))?;
    } else {
        write_readable(&mut out, &detail)?;
        write_attempts(&mut out, &reader.attempts(detail.summary.id)?)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn write_readable(out: &mut impl Write, detail: &RequestDetail) -> std::io::Result<()> {
    let s = &detail.summary;
    writeln!(
        out,
        "#{}  {}  from {}",
        s.id,
        human::datetime(s.received_at_us),
        visible(&s.remote_addr)
    )?;
    writeln!(
        out,
        "{} {} {}",
        visible(&s.method),
        visible(&s.target),
        visible(&s.http_version)
    )?;
    for (name, value) in &detail.headers {
        writeln!(out, "{}: {}", visible(name), visible_bytes(value))?;
    }
    writeln!(out)?;
    let size = human::size(s.body_size);
    match std::str::from_utf8(&detail.body) {
        Ok(text) if !text.is_empty() => writeln!(out, "{}", visible_multiline(text))?,
        Ok(_) => writeln!(out, "(no body)")?,
        Err(_) => writeln!(
            out,
            "(binary body, {size}; use --raw or --json to get the bytes)"
        )?,
    }
    let stored = if s.body_truncated {
        format!(
            ", stored truncated to {}",
            human::size(detail.body.len() as u64)
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "\nanswered {} ({size} received{stored})",
        detail.answer.status
    )?;
    if let Some(event) = &s.event_type {
        writeln!(out, "event: {}", visible(event))?;
    }
    match (&s.sig_provider, &s.sig_status) {
        (Some(provider), Some(status)) => {
            writeln!(out, "signature: {}, {}", visible(provider), visible(status))
        }
        (None, Some(status)) => writeln!(out, "signature: {}", visible(status)),
        _ => Ok(()),
    }
}

/// One line per resend, forward or send of the request, oldest first.
fn write_attempts(out: &mut impl Write, attempts: &[Attempt]) -> std::io::Result<()> {
    if attempts.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nattempts:")?;
    for a in attempts {
        let outcome = match (&a.error, a.response_status) {
            (Some(e), _) => format!("error: {}", visible(e)),
            (None, Some(status)) => status.to_string(),
            (None, None) => "no answer".to_owned(),
        };
        let took = a
            .duration_us
            .and_then(|us| u64::try_from(us).ok())
            .map(|us| {
                let took = std::time::Duration::from_micros(us);
                format!(" in {}", crate::resend::human_duration(took))
            })
            .unwrap_or_default();
        writeln!(
            out,
            "  #{} {}  {}  {} {} → {outcome}{took}",
            a.id,
            visible(&a.kind),
            human::datetime(a.started_at_us),
            visible(&a.method),
            visible(&a.url)
        )?;
    }
    Ok(())
}
