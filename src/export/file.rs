//! Writing an export file: the one part of `export` that does I/O, shared
//! by `hookscope export` and the UI. The file is written beside its target
//! and renamed over it once complete, so a failed export leaves no
//! half-written file, nor a damaged earlier one.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;

use crate::filter::Filter;
use crate::model::{Attempt, RequestDetail};
use crate::store::{Dir, Reader};

/// Writes the requests `filter` picks, oldest first, to `path` in the
/// format its extension names; returns how many were written.
pub fn write_file(
    reader: &Reader,
    filter: &Filter,
    path: &Path,
    redact: bool,
) -> anyhow::Result<u64> {
    let format = Format::of(path)?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // Asked first for the system's reason alone: tempfile's errors add the
    // temporary name they failed on, which means nothing to the user.
    let writable = rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK;
    let tmp = rustix::fs::access(dir, writable)
        .map_err(std::io::Error::from)
        .and_then(|()| tempfile::NamedTempFile::new_in(dir))
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let mut out = BufWriter::new(tmp.as_file());
    let written = write_all(reader, filter, format, redact, &mut out)
        .and_then(|n| {
            out.flush()?;
            Ok(n)
        })
        .with_context(|| format!("cannot write {}", path.display()))?;
    drop(out);
    // The system's reason alone: tempfile's error repeats it in its text.
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(written)
}

/// Fails, naming the formats there are, unless `path`'s extension names one.
pub fn check_format(path: &Path) -> anyhow::Result<()> {
    Format::of(path).map(drop)
}

/// Requests read per query while walking the capture.
const PAGE: u32 = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Har,
    Ndjson,
    Markdown,
}

impl Format {
    fn of(path: &Path) -> anyhow::Result<Format> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("har") => Ok(Format::Har),
            Some("ndjson") => Ok(Format::Ndjson),
            Some("md") => Ok(Format::Markdown),
            _ => anyhow::bail!(
                "cannot tell which format to write to {}: name it .har, .ndjson or .md",
                path.display()
            ),
        }
    }
}

/// Walks the matching requests oldest first; returns how many were written.
fn write_all(
    reader: &Reader,
    filter: &Filter,
    format: Format,
    redact: bool,
    out: &mut impl Write,
) -> anyhow::Result<u64> {
    let sql = filter.to_sql();
    match format {
        Format::Har => out.write_all(super::har_head().as_bytes())?,
        Format::Markdown => out.write_all(b"# Requests captured by hookscope\n")?,
        Format::Ndjson => {}
    }
    let mut written = 0u64;
    let mut anchor = None;
    loop {
        // A page comes newest first; the next one starts after its newest.
        let page = reader.window(&sql, anchor, Dir::Newer, PAGE)?;
        let Some(newest) = page.first() else { break };
        anchor = Some(newest.id);
        for summary in page.iter().rev() {
            // Deleted since the page was read: nothing to export.
            let Some(mut detail) = reader.detail(summary.id)? else {
                continue;
            };
            // Only NDJSON, a `show --json` per line, carries the attempts.
            let mut attempts = if format == Format::Ndjson {
                reader.attempts(summary.id)?
            } else {
                Vec::new()
            };
            if redact {
                super::redact(&mut detail);
                super::redact_attempts(&mut attempts);
            }
            write_one(&detail, &attempts, format, written == 0, out)?;
            written += 1;
        }
    }
    if format == Format::Har {
        out.write_all(super::HAR_TAIL.as_bytes())?;
    }
    Ok(written)
}

fn write_one(
    detail: &RequestDetail,
    attempts: &[Attempt],
    format: Format,
    first: bool,
    out: &mut impl Write,
) -> std::io::Result<()> {
    match format {
        Format::Har => {
            if !first {
                out.write_all(b",")?;
            }
            super::write_json(out, &super::har_entry(detail), false)?;
        }
        Format::Ndjson => {
            let mut json = super::detail_json(detail);
            json["attempts"] = super::attempts_json(attempts);
            super::write_json(out, &json, false)?;
            out.write_all(b"\n")?;
        }
        Format::Markdown => {
            out.write_all(b"\n")?;
            out.write_all(super::to_markdown(detail).as_bytes())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_picks_the_format() {
        assert_eq!(Format::of(Path::new("a/b.har")).ok(), Some(Format::Har));
        assert_eq!(Format::of(Path::new("b.NDJSON")).ok(), Some(Format::Ndjson));
        assert_eq!(Format::of(Path::new("b.md")).ok(), Some(Format::Markdown));
        for bad in ["b.json", "b", "har"] {
            let err = Format::of(Path::new(bad)).expect_err(bad).to_string();
            assert!(err.contains("name it .har, .ndjson or .md"), "{err}");
        }
    }
}
