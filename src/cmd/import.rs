//! `hookscope import FILE.har`: requests captured elsewhere, added to a
//! capture file to inspect, verify and resend like any other.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::ImportArgs;
use crate::config::Config;
use crate::model::RequestId;
use crate::store::ImportedRequest;
use crate::verifier::Verifier;

pub fn run(args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let db = super::db_path(args.db.as_ref())?;
    let rows = read_file(&args.file)?;
    // Nothing to add: no capture file is made for it.
    let ids = if rows.is_empty() {
        Vec::new()
    } else {
        crate::store::import(&db, &rows)?
    };
    match (ids.first(), ids.last()) {
        (Some(first), Some(last)) => eprintln!(
            "imported {} request{} from {} into {} (ids {}–{})",
            ids.len(),
            if ids.len() == 1 { "" } else { "s" },
            args.file.display(),
            db.display(),
            first.0,
            last.0
        ),
        _ => eprintln!("{} has no entries; nothing imported", args.file.display()),
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the HAR file `har` and adds its requests to the capture file `db`,
/// all or none; returns their ids. Signatures are checked with the
/// configured secrets.
pub fn import_file(har: &Path, db: &Path) -> anyhow::Result<Vec<RequestId>> {
    Ok(crate::store::import(db, &read_file(har)?)?)
}

/// The HAR file's requests, completed (event type, signature status).
fn read_file(har: &Path) -> anyhow::Result<Vec<ImportedRequest>> {
    let bytes = std::fs::read(har).with_context(|| format!("cannot read {}", har.display()))?;
    let requests = crate::import::read_har(&bytes).with_context(|| har.display().to_string())?;
    let (config, _) = Config::load(None)?;
    let verifier = Verifier::new(&config, &[], |name| std::env::var(name).ok())?;
    Ok(requests
        .into_iter()
        .map(|r| crate::import::complete(r, &verifier))
        .collect())
}
