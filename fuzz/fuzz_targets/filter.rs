//! Any text typed into the filter bar either fails to parse with a message
//! pointing inside it, or becomes SQL that SQLite prepares and runs against
//! a real capture file, over rows whose headers and bodies it has to walk.
#![no_main]

use std::cell::RefCell;

use hookscope::filter::Filter;
use libfuzzer_sys::fuzz_target;
use rusqlite::Connection;

thread_local! {
    static DB: RefCell<(tempfile::TempDir, Connection)> = RefCell::new({
        let dir = tempfile::tempdir().expect("temp dir");
        let conn = hookscope::store::open_write(&dir.path().join("fuzz.sqlite3")).expect("open");
        fill(&conn);
        (dir, conn)
    });
}

/// A few captures of the shapes the filters look into.
fn fill(conn: &Connection) {
    type Row<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        Vec<(&'a str, Vec<u8>)>,
        Vec<u8>,
    );
    let rows: Vec<Row<'_>> = vec![
        (
            "POST",
            "/hooks/stripe?x=1",
            Some("application/json"),
            Some("charge.refunded"),
            vec![
                ("stripe-signature", b"t=1,v1=ab".to_vec()),
                ("content-type", b"application/json".to_vec()),
            ],
            br#"{"type":"charge.refunded","n":1}"#.to_vec(),
        ),
        (
            "GET",
            "/files/[draft]/x%20y",
            None,
            None,
            vec![("x-empty", Vec::new()), ("x-bin", b"\xff\xfe".to_vec())],
            Vec::new(),
        ),
        (
            "POST",
            "/big",
            Some("text/plain"),
            None,
            vec![("x-big", vec![b'b'; 70_000]), ("x-after", b"1".to_vec())],
            b"\xde\xad\xbe\xef the Secret".to_vec(),
        ),
    ];
    for (i, (method, target, content_type, event, headers, body)) in rows.into_iter().enumerate() {
        let id = i as i64 + 1;
        conn.execute(
            "INSERT INTO requests VALUES (?1, ?2, ?3, ?4, 'HTTP/1.1', '127.0.0.1:5000', ?5, ?6, 0, 200, ?7, 'stripe', 'valid')",
            rusqlite::params![id, 1_700_000_000_000_000i64 + id, method, target, content_type, body.len() as i64, event],
        )
        .expect("insert request");
        let mut blob = Vec::new();
        for (name, value) in &headers {
            for chunk in [name.as_bytes(), value.as_slice()] {
                blob.extend_from_slice(&(chunk.len() as u32).to_be_bytes());
                blob.extend_from_slice(chunk);
            }
        }
        conn.execute(
            "INSERT INTO request_data VALUES (?1, ?2, ?3, x'', x'')",
            rusqlite::params![id, blob, body],
        )
        .expect("insert data");
    }
}

fuzz_target!(|input: &str| {
    let filter = match Filter::parse(input) {
        Ok(filter) => filter,
        Err(e) => {
            assert!(e.position <= input.chars().count(), "{e} for {input:?}");
            return;
        }
    };
    let sql = filter.to_sql();
    DB.with(|db| {
        let db = db.borrow();
        let query = format!("SELECT count(*) FROM requests WHERE {}", sql.expr);
        let _: i64 =
            db.1.query_row(&query, rusqlite::params_from_iter(sql.params.iter()), |r| {
                r.get(0)
            })
            .unwrap_or_else(|e| panic!("{input:?} gave SQL that fails: {e}\n{query}"));
    });
});
