//! Read queries: keyset-paged summaries for the list and one full request.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Row};

use super::{StoreError, codec};
use crate::filter::SqlFilter;
use crate::model::{Answer, Attempt, RequestDetail, RequestId, RequestSummary};

/// Which way a window extends from its anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Ids below the anchor (further down the list).
    Older,
    /// Ids above the anchor (further up the list).
    Newer,
}

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

    /// Up to `limit` summaries matching `filter` next to `anchor` in
    /// direction `dir`, newest first. Without an anchor, `Older` starts at
    /// the newest request and `Newer` at the oldest. Keyset paging on `id`:
    /// the cost does not grow with the position in the list.
    pub fn window(
        &self,
        filter: &SqlFilter,
        anchor: Option<RequestId>,
        dir: Dir,
        limit: u32,
    ) -> Result<Vec<RequestSummary>, StoreError> {
        let (bound, order) = match dir {
            Dir::Older => ("id < ?", "DESC"),
            Dir::Newer => ("id > ?", "ASC"),
        };
        // Only fixed fragments and the filter's own placeholders are joined
        // here; every value is a bound parameter.
        let sql = format!(
            "SELECT {} FROM requests WHERE {bound} AND ({}) ORDER BY id {order} LIMIT ?",
            summary_columns!(),
            filter.expr
        );
        let anchor = anchor.map_or(
            match dir {
                Dir::Older => i64::MAX,
                Dir::Newer => i64::MIN,
            },
            |id| id.0,
        );
        let mut params: Vec<rusqlite::types::Value> = Vec::with_capacity(filter.params.len() + 2);
        params.push(anchor.into());
        params.extend(filter.params.iter().cloned());
        params.push(i64::from(limit).into());
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), summary_from_row)
            .map_err(|e| self.err(e))?;
        let mut rows: Vec<RequestSummary> =
            rows.collect::<Result<_, _>>().map_err(|e| self.err(e))?;
        if dir == Dir::Newer {
            rows.reverse();
        }
        Ok(rows)
    }

    /// Number of requests matching `filter`; scans the summaries.
    pub fn count_matching(&self, filter: &SqlFilter) -> Result<u64, StoreError> {
        if filter.params.is_empty() && filter.expr == "1" {
            return self.count();
        }
        let sql = format!("SELECT count(*) FROM requests WHERE {}", filter.expr);
        let n: i64 = self
            .conn
            .query_row(
                &sql,
                rusqlite::params_from_iter(filter.params.iter()),
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Up to `limit` ids above `after`, ascending: for walking every request.
    pub fn ids_after(&self, after: RequestId, limit: u32) -> Result<Vec<RequestId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM requests WHERE id > ?1 ORDER BY id LIMIT ?2")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(rusqlite::params![after.0, limit], |r| {
                Ok(RequestId(r.get(0)?))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Resends and forwards of one request, oldest first.
    pub fn attempts(&self, id: RequestId) -> Result<Vec<Attempt>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, kind, method, url, started_at, duration_us, response_status,
                        response_headers, response_body, error
                 FROM attempts WHERE request_id = ?1 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([id.0], |row| {
                Ok(Attempt {
                    id: row.get(0)?,
                    kind: row.get(1)?,
                    method: row.get(2)?,
                    url: row.get(3)?,
                    started_at_us: row.get(4)?,
                    duration_us: row.get(5)?,
                    response_status: row.get(6)?,
                    response_headers: row
                        .get::<_, Option<Vec<u8>>>(7)?
                        .and_then(|b| codec::decode_headers(&b))
                        .unwrap_or_default(),
                    response_body: row.get::<_, Option<Vec<u8>>>(8)?.unwrap_or_default(),
                    error: row.get(9)?,
                })
            })
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
