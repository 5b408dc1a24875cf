//! Schema, identity check and ordered migrations keyed by `PRAGMA user_version`.

use std::path::Path;

use rusqlite::Connection;

use super::StoreError;

/// Marks a SQLite file as a hookscope capture ("hook" in ASCII), so a foreign
/// database is recognised and never written to.
pub(crate) const APPLICATION_ID: i64 = 0x686f_6f6b;

/// Schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = 1;

/// Migrations in order; entry `n` takes the file from version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[r"
CREATE TABLE requests (
    id             INTEGER PRIMARY KEY,
    received_at    INTEGER NOT NULL,          -- unix microseconds
    method         TEXT    NOT NULL,
    target         TEXT    NOT NULL,          -- path and query as received
    http_version   TEXT    NOT NULL,
    remote_addr    TEXT    NOT NULL,
    content_type   TEXT,
    body_size      INTEGER NOT NULL,          -- size as sent
    body_truncated INTEGER NOT NULL,
    status         INTEGER NOT NULL,          -- status of our answer
    event_type     TEXT,
    sig_provider   TEXT,
    sig_status     TEXT
);
-- Headers and bodies live apart so list scans never read their pages.
CREATE TABLE request_data (
    request_id       INTEGER PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
    headers          BLOB NOT NULL,
    body             BLOB NOT NULL,
    response_headers BLOB NOT NULL,
    response_body    BLOB NOT NULL
);
CREATE TABLE attempts (
    id               INTEGER PRIMARY KEY,
    request_id       INTEGER REFERENCES requests(id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL CHECK (kind IN ('resend', 'forward', 'send')),
    url              TEXT    NOT NULL,
    method           TEXT    NOT NULL,
    headers          BLOB    NOT NULL,
    body             BLOB    NOT NULL,
    started_at       INTEGER NOT NULL,
    duration_us      INTEGER,
    response_status  INTEGER,
    response_headers BLOB,
    response_body    BLOB,
    error            TEXT
);
CREATE INDEX attempts_by_request ON attempts(request_id);
"];

/// What an opened file turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Identity {
    /// A new or empty database: safe to initialise.
    Empty,
    /// A hookscope capture at this schema version.
    Ours(i64),
}

/// Reads the file's identity without writing anything.
pub(crate) fn check_identity(conn: &Connection, path: &Path) -> Result<Identity, StoreError> {
    let sqlite = |e| StoreError::sqlite(path, e);
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(sqlite)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(sqlite)?;
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(sqlite)?;
    match (app_id, objects) {
        (0, 0) if version == 0 => Ok(Identity::Empty),
        (APPLICATION_ID, _) if version > SCHEMA_VERSION => Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        }),
        (APPLICATION_ID, _) => Ok(Identity::Ours(version)),
        _ => Err(StoreError::Foreign {
            path: path.to_path_buf(),
        }),
    }
}

/// Brings the file to `SCHEMA_VERSION`. Runs under an immediate transaction
/// and re-reads the version inside it, so two processes creating the same
/// file at once cannot both run a migration.
pub(crate) fn migrate(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let sqlite = |e| StoreError::sqlite(path, e);
    conn.execute_batch("BEGIN IMMEDIATE").map_err(sqlite)?;
    let result = (|| {
        let version = match check_identity(conn, path)? {
            Identity::Empty => 0,
            Identity::Ours(v) => v,
        };
        for (from, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(version).unwrap_or(0))
        {
            conn.execute_batch(sql).map_err(sqlite)?;
            conn.pragma_update(None, "user_version", from as i64 + 1)
                .map_err(sqlite)?;
        }
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(sqlite)?;
        Ok(())
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT").map_err(sqlite),
        Err(e) => {
            // The transaction failed; roll back so nothing half-done remains.
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}
