//! `hookscope export FILE.(har|ndjson|md)`: the capture, or the requests a
//! filter picks, oldest first, in a file to share.

use std::process::ExitCode;

use crate::cli::ExportArgs;
use crate::filter::Filter;
use crate::store::Reader;

pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    crate::export::check_format(&args.file)?;
    let filter = Filter::parse(args.filter.as_deref().unwrap_or(""))
        .map_err(|e| anyhow::anyhow!("bad --filter: {e}"))?;
    let db = super::db_path(args.db.as_ref())?;
    let reader = Reader::open(&db)?;
    let written = crate::export::write_file(&reader, &filter, &args.file, args.redact)?;
    eprintln!(
        "exported {written} request{} from {} to {}{}",
        if written == 1 { "" } else { "s" },
        db.display(),
        args.file.display(),
        if args.redact {
            ", credential headers redacted"
        } else {
            ""
        }
    );
    Ok(ExitCode::SUCCESS)
}
