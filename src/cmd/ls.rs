//! `hookscope ls`: captured requests as a table or as JSON lines.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::LsArgs;
use crate::export;
use crate::filter::Filter;
use crate::human;
use crate::model::RequestSummary;
use crate::sanitize::visible;
use crate::store::{Dir, Reader};

pub fn run(args: &LsArgs) -> anyhow::Result<ExitCode> {
    let path = super::db_path(args.db.as_ref())?;
    let reader = Reader::open(&path)?;
    let limit = if args.limit == 0 {
        u32::MAX
    } else {
        args.limit
    };
    let filter = Filter::parse(args.filter.as_deref().unwrap_or(""))
        .map_err(|e| anyhow::anyhow!("bad --filter: {e}"))?;
    let sql = filter.to_sql();
    let rows = reader.window(&sql, None, Dir::Older, limit)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        for row in &rows {
            export::write_json(&mut out, &json_line(row), false)?;
            writeln!(out)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        if filter.is_empty() {
            writeln!(out, "no requests captured yet in {}", path.display())?;
        } else {
            writeln!(
                out,
                "no requests match the filter in {} ({} captured)",
                path.display(),
                reader.count()?
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:>6}  {:<23}  {:<7}  {:>6}  {:>9}  {:<24}  {:<24}  PATH",
        "ID", "TIME", "METHOD", "STATUS", "SIZE", "CONTENT-TYPE", "EVENT"
    )?;
    for row in &rows {
        writeln!(out, "{}", table_line(row))?;
    }
    // Only a full page can have more behind it.
    if rows.len() as u64 == u64::from(limit) {
        let (total, what) = if filter.is_empty() {
            (reader.count()?, "")
        } else {
            (reader.count_matching(&sql)?, " matching")
        };
        if total > rows.len() as u64 {
            eprintln!(
                "showing the newest {} of {total}{what}; --limit 0 shows all",
                rows.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn table_line(row: &RequestSummary) -> String {
    let mut size = human::size(row.body_size);
    if row.body_truncated {
        size.push('!');
    }
    format!(
        "{:>6}  {:<23}  {:<7}  {:>6}  {:>9}  {:<24}  {:<24}  {}",
        row.id.0,
        human::datetime(row.received_at_us),
        visible(&row.method),
        row.status,
        size,
        clip(&visible(row.content_type.as_deref().unwrap_or("-")), 24),
        clip(&visible(row.event_type.as_deref().unwrap_or("-")), 24),
        visible(&row.target),
    )
}

fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut clipped: String = text.chars().take(width - 1).collect();
    clipped.push('…');
    clipped
}

/// The summary as one JSON object, with the time also in RFC 3339.
fn json_line(row: &RequestSummary) -> serde_json::Value {
    let mut value = serde_json::to_value(row).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "received_at".into(),
            serde_json::Value::String(human::rfc3339(row.received_at_us)),
        );
    }
    value
}
