//! One module per subcommand: each turns parsed arguments into work and output.

pub mod listen;
pub mod ls;
pub mod show;

use std::path::PathBuf;

/// The capture file a reading command should open: `--db`, else the config's, else the default.
fn db_path(explicit: Option<&PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(path.clone());
    }
    let (config, _) = crate::config::Config::load(None)?;
    Ok(config.db_path())
}
