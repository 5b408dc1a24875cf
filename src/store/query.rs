//! Read queries: keyset-paged summaries for the list and one full request.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{StoreError, codec};
use crate::model::{Answer, RequestDetail, RequestId, RequestSummary};

/// Summary columns in the order `summary_from_row` reads them.
macro_rules! summary_columns {
    () => {
        "id, received_at, method, target, http_version, remote_addr, content_type, \
         body_size, body_truncated, status, event_type, sig_provider, sig_status"
    };
}

/// A read connection on a capture file.
pub struct Reader {
    conn: Connection,
    path: PathBuf,
}

impl Reader {
    pub fn open(path: &Path) -> Result<Reader, StoreError> {
        Ok(Reader {
            conn: super::open_read(path)?,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::sqlite(&self.path, e)
    }

    /// Newest first: up to `limit` summaries with ids below `before`.
    pub fn newest(
        &self,
        before: Option<RequestId>,
        limit: u32,
    ) -> Result<Vec<RequestSummary>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            summary_columns!(),
            " FROM requests WHERE id < ?1 ORDER BY id DESC LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(SQL).map_err(|e| self.err(e))?;
        let before = before.map_or(i64::MAX, |id| id.0);
        let rows = stmt
            .query_map(params![before, limit], summary_from_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Number of stored requests.
    pub fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The whole request, or `None` if no row has this id.
    pub fn detail(&self, id: RequestId) -> Result<Option<RequestDetail>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            summary_columns!(),
            ", d.headers, d.body, d.response_headers, d.response_body \
             FROM requests JOIN request_data d ON d.request_id = requests.id WHERE id = ?1"
        );
        let row = self
            .conn
            .query_row(SQL, [id.0], |row| {
                Ok((
                    summary_from_row(row)?,
                    row.get::<_, Vec<u8>>(13)?,
                    row.get::<_, Vec<u8>>(14)?,
                    row.get::<_, Vec<u8>>(15)?,
                    row.get::<_, Vec<u8>>(16)?,
                ))
            })
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((summary, headers, body, response_headers, response_body)) = row else {
            return Ok(None);
        };
        let corrupt = |what: &str| StoreError::Corrupt {
            path: self.path.clone(),
            what: format!("{what} of request {id} cannot be decoded"),
        };
        Ok(Some(RequestDetail {
            answer: Answer {
                status: summary.status,
                headers: codec::decode_headers(&response_headers)
                    .ok_or_else(|| corrupt("answer headers"))?,
                body: response_body,
            },
            summary,
            headers: codec::decode_headers(&headers).ok_or_else(|| corrupt("headers"))?,
            body,
        }))
    }

    /// Changes whenever another connection commits; lets a reader notice
    /// writes by another process without being told.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }
}

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<RequestSummary> {
    Ok(RequestSummary {
        id: RequestId(row.get(0)?),
        received_at_us: row.get(1)?,
        method: row.get(2)?,
        target: row.get(3)?,
        http_version: row.get(4)?,
        remote_addr: row.get(5)?,
        content_type: row.get(6)?,
        body_size: u64::try_from(row.get::<_, i64>(7)?).unwrap_or(0),
        body_truncated: row.get(8)?,
        status: row.get(9)?,
        event_type: row.get(10)?,
        sig_provider: row.get(11)?,
        sig_status: row.get(12)?,
    })
}
