//! Store failures, phrased so the user knows what to do about them.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no capture file at {}", path.display())]
    Missing { path: PathBuf },
    #[error("{} is not a SQLite database, so not a hookscope capture file; it was left untouched", path.display())]
    NotADatabase { path: PathBuf },
    #[error("{} is a SQLite database but not a hookscope capture file; it was left untouched", path.display())]
    Foreign { path: PathBuf },
    /// Nothing in it yet: what `listen` would start a capture in.
    #[error("{} is empty, not a capture file yet; `hookscope listen --db` starts one in it", path.display())]
    Empty { path: PathBuf },
    #[error(
        "{} was written by a newer hookscope (schema version {found}, this build reads up to {supported}); upgrade hookscope to open it. The file was left untouched",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{} is a directory, not a capture file; give a file's path with --db", path.display())]
    IsDirectory { path: PathBuf },
    #[error("cannot open {}: {error}", path.display())]
    CannotOpen {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{} is locked by another process (waited 5 s); close the other program or pick another file with --db", path.display())]
    Locked { path: PathBuf },
    #[error("the disk holding {} is full", path.display())]
    DiskFull { path: PathBuf },
    #[error("{} was deleted or replaced while hookscope was writing to it; restart hookscope to start a new file", path.display())]
    Replaced { path: PathBuf },
    // The cause is in the message and not also a `source`: printed as a
    // chain, the error would say the same thing two or three times.
    #[error("{}: {error}", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}: {error}", path.display())]
    Sqlite {
        path: PathBuf,
        error: rusqlite::Error,
    },
    #[error("capture file {} is damaged: {what}", path.display())]
    Corrupt { path: PathBuf, what: String },
    /// A commit failed; the reason was already reported when it happened.
    #[error("{0}")]
    Failed(String),
    #[error("the store has shut down")]
    Closed,
}

impl StoreError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            error: source,
        }
    }

    /// Maps SQLite's codes to the reasons a user can act on.
    pub(crate) fn sqlite(path: &Path, source: rusqlite::Error) -> StoreError {
        let path = path.to_path_buf();
        match source.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path },
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::Locked { path }
            }
            Some(ErrorCode::DiskFull) => StoreError::DiskFull { path },
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
                path,
                what: source.to_string(),
            },
            _ => StoreError::Sqlite {
                path,
                error: source,
            },
        }
    }
}
