//! The capture file: opening and checking it, the writer that owns the write
//! connection, and read queries for the list and the detail view.

mod checkpoint;
mod codec;
mod error;
mod query;
mod schema;
mod writer;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::model::RequestId;

pub use error::StoreError;
pub use query::{Dir, Reader};
pub use schema::SCHEMA_VERSION;
pub use writer::{SignatureVerdict, StoreEvent, Stored, Writer, WriterHandle, WriterTask};

/// How long a connection waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Page size of new capture files. A typical webhook row (1-2 KB of headers
/// and body) wastes less of an 8 KiB page than of SQLite's default 4 KiB,
/// and checkpoints copy half as many pages: 2.7 instead of 3.3 us of CPU
/// per captured request under load.
const PAGE_SIZE: i64 = 8192;

/// Opens (creating if needed) a capture file for writing, after checking it is
/// ours and not from a newer hookscope; migrates it to the current schema.
pub fn open_write(path: &Path) -> Result<Connection, StoreError> {
    // The default file's directory is made on first use; one given with
    // `--db` must exist, so that a typo does not build a tree of them.
    if path == default_path()
        && let Some(dir) = path.parent()
    {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(path, e))?;
    }
    check_openable(path, true)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| StoreError::sqlite(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| StoreError::sqlite(path, e))?;
    // Identity is checked before any pragma that writes (journal_mode), so a
    // foreign or newer file is left byte-for-byte untouched.
    if schema::check_identity(&conn, path)? == schema::Identity::Empty {
        // Fixed when the first page is written (switching to WAL writes it).
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(|e| StoreError::sqlite(path, e))?;
    }
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
    )
    .map_err(|e| StoreError::sqlite(path, e))?;
    schema::migrate(&conn, path)?;
    Ok(conn)
}

/// Opens an existing capture file read-only (for `ls`, `show`, `open`).
pub fn open_read(path: &Path) -> Result<Connection, StoreError> {
    if !path.exists() {
        return Err(StoreError::Missing {
            path: path.to_path_buf(),
        });
    }
    check_openable(path, false)?;
    match open_read_as(path, Sharing::Live) {
        // A reader of a WAL file needs its `-shm` index, and creates it when
        // none is there. Where it may not (a capture received from someone
        // else, a read-only mount), SQLite refuses. Without a `-wal` file
        // beside it no writer is at work, so the file is read as it stands.
        Err(StoreError::Sqlite { error, .. })
            if matches!(
                error.sqlite_error_code(),
                Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen)
            ) && !sibling(path, "-wal").exists() =>
        {
            open_read_as(path, Sharing::Immutable)
        }
        opened => opened,
    }
}

/// Whether a reader follows a writer's changes (through the `-shm` index)
/// or takes the file as one that nobody changes.
#[derive(Clone, Copy)]
enum Sharing {
    Live,
    Immutable,
}

fn open_read_as(path: &Path, sharing: Sharing) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = match sharing {
        Sharing::Live => Connection::open_with_flags(path, flags),
        Sharing::Immutable => {
            Connection::open_with_flags(immutable_uri(path), flags | OpenFlags::SQLITE_OPEN_URI)
        }
    }
    .map_err(|e| StoreError::sqlite(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| StoreError::sqlite(path, e))?;
    match schema::check_identity(&conn, path)? {
        schema::Identity::Empty => Err(StoreError::Empty {
            path: path.to_path_buf(),
        }),
        schema::Identity::Ours(_) => Ok(conn),
    }
}

/// `path` as a SQLite URI that opens it immutable: no locks, no `-shm`.
fn immutable_uri(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    // Everything but unreserved characters and `/` is escaped, so `?`, `#`
    // and `%` in a file name stay part of the path.
    const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let encoded = percent_encoding::percent_encode(path.as_os_str().as_bytes(), PATH);
    format!("file:{encoded}?immutable=1")
}

/// The file SQLite keeps beside `path` with this suffix (`-wal`, `-shm`).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Checks that the file can be opened the way SQLite is about to, for the
/// operating system's reason when not (no permission, a read-only file or
/// mount, a directory in the way), which SQLite reports only as "unable to
/// open database file" or "disk I/O error".
///
/// A file that is there is not opened but asked about: closing a
/// descriptor of it would drop every POSIX lock this process holds on it,
/// SQLite's included, and another process closing its connection would
/// then take itself for the last user and delete the WAL under a running
/// writer. A file to write that is not there yet is created, as SQLite
/// would: no lock can be held on a file this call made.
fn check_openable(path: &Path, write: bool) -> Result<(), StoreError> {
    use rustix::fs::Access;
    let cannot = |error| StoreError::CannotOpen {
        path: path.to_path_buf(),
        error,
    };
    if path.is_dir() {
        return Err(StoreError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    if write && !path.exists() {
        use std::os::unix::fs::OpenOptionsExt;
        // Private, like exports: captures hold other people's payloads.
        // SQLite gives its `-wal` and `-shm` files the same mode.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(_) => return Ok(()),
            // Made by someone else meanwhile: asked about like any other.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(cannot(e)),
        }
    }
    let access = if write {
        Access::READ_OK | Access::WRITE_OK
    } else {
        Access::READ_OK
    };
    // `access` asks for the real user, who is also the effective one
    // (hookscope is never setuid). Asking for the effective user would take
    // `faccessat2`, which older kernels lack and some container seccomp
    // profiles refuse with EPERM.
    rustix::fs::access(path, access).map_err(|e| cannot(e.into()))
}

/// The file's identity on disk, used to notice that it was deleted or
/// replaced under a running writer (SQLite would keep writing to the
/// unlinked inode and report success).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    fn of(path: &Path) -> std::io::Result<FileId> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path)?;
        Ok(FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        })
    }
}

/// Writes re-verified signature statuses in one transaction.
pub fn set_signatures(
    conn: &mut Connection,
    verdicts: &[SignatureVerdict],
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare_cached(
            "UPDATE requests SET sig_provider = ?2, sig_status = ?3 WHERE id = ?1",
        )?;
        for v in verdicts {
            stmt.execute(rusqlite::params![v.id.0, v.provider, v.status])?;
        }
    }
    tx.commit()
}

/// A request read from elsewhere (a HAR file), with the answer it was sent.
pub type ImportedRequest = crate::model::NewRequest<crate::model::Answer>;

/// Adds `requests` to the capture file at `path` (created if need be) in
/// one transaction: all of them or, on any error, none. Returns their ids.
pub fn import(path: &Path, requests: &[ImportedRequest]) -> Result<Vec<RequestId>, StoreError> {
    let sqlite = |e| StoreError::sqlite(path, e);
    let mut conn = open_write(path)?;
    let tx = conn.transaction().map_err(sqlite)?;
    let mut ids = Vec::with_capacity(requests.len());
    {
        let mut statements = writer::RowStatements::prepare(&tx).map_err(sqlite)?;
        for r in requests {
            let (id, ..) = statements.insert(r).map_err(sqlite)?;
            ids.push(id);
        }
    }
    tx.commit().map_err(sqlite)?;
    Ok(ids)
}

/// Stores an attempt and, if given, the request's final answer.
pub fn insert_attempt(
    conn: &mut Connection,
    attempt: &crate::model::NewAttempt,
    answer: Option<&crate::model::Answer>,
) -> rusqlite::Result<i64> {
    let tx = conn.transaction()?;
    tx.prepare_cached(
        "INSERT INTO attempts (request_id, kind, url, method, headers, body, started_at, duration_us,
                               response_status, response_headers, response_body, error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(rusqlite::params![
        attempt.request_id.map(|id| id.0),
        attempt.kind,
        attempt.url,
        attempt.method,
        codec::encode_headers(&attempt.headers),
        attempt.body,
        attempt.started_at_us,
        attempt.duration_us,
        attempt.response_status,
        codec::encode_headers(&attempt.response_headers),
        attempt.response_body,
        attempt.error,
    ])?;
    let id = tx.last_insert_rowid();
    if let (Some(answer), Some(request)) = (answer, attempt.request_id) {
        tx.prepare_cached("UPDATE requests SET status = ?2 WHERE id = ?1")?
            .execute(rusqlite::params![request.0, answer.status])?;
        tx.prepare_cached("UPDATE request_data SET response_headers = ?2, response_body = ?3 WHERE request_id = ?1")?
            .execute(rusqlite::params![request.0, codec::encode_headers(&answer.headers), answer.body])?;
    }
    tx.commit()?;
    Ok(id)
}

/// Default capture file: `$XDG_DATA_HOME/hookscope/captures.sqlite3`.
pub fn default_path() -> PathBuf {
    directories::BaseDirs::new()
        .map(|d| d.data_dir().join("hookscope").join("captures.sqlite3"))
        .unwrap_or_else(|| PathBuf::from("captures.sqlite3"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_size(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA page_size", [], |r| r.get(0))
            .expect("page_size")
    }

    #[test]
    fn a_new_capture_file_and_its_wal_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("new.sqlite3");
        let _conn = open_write(&path).expect("opens");
        for file in [path.clone(), sibling(&path, "-wal"), sibling(&path, "-shm")] {
            let mode = std::fs::metadata(&file)
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{}", file.display());
        }
    }

    #[test]
    fn new_files_get_the_larger_page_and_older_files_keep_theirs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let new = dir.path().join("new.sqlite3");
        assert_eq!(page_size(&open_write(&new).expect("opens")), PAGE_SIZE);

        let old = dir.path().join("old.sqlite3");
        {
            let conn = Connection::open(&old).expect("opens");
            conn.execute_batch("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;")
                .expect("pragmas");
            schema::migrate(&conn, &old).expect("migrates");
        }
        let reopened = open_write(&old).expect("reopens");
        assert_eq!(page_size(&reopened), 4096);
        assert_eq!(
            schema::check_identity(&reopened, &old).expect("identity"),
            schema::Identity::Ours(SCHEMA_VERSION)
        );
    }

    #[test]
    fn an_immutable_reader_finds_files_whose_names_look_like_uri_syntax() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["c ?#%.sqlite3", "100%25.sqlite3", "a&b=c;d.sqlite3"] {
            let path = dir.path().join(name);
            drop(open_write(&path).expect("creates"));
            let conn = open_read_as(&path, Sharing::Immutable).expect(name);
            assert_eq!(
                schema::check_identity(&conn, &path).expect("identity"),
                schema::Identity::Ours(SCHEMA_VERSION),
                "{name}"
            );
        }
        // Nothing was created beside the files by the immutable readers.
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["100%25.sqlite3", "a&b=c;d.sqlite3", "c ?#%.sqlite3"]
        );
    }
}
