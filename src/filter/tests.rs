//! Parser unit tests: every key, negation, quoting, error positions, and
//! properties over arbitrary input.

use proptest::prelude::*;

use super::{Filter, FilterError, MAX_TERMS, Pattern, Term, Test};

fn terms(input: &str) -> Vec<Term> {
    match Filter::parse(input) {
        Ok(filter) => filter.terms,
        Err(e) => panic!("{input:?} should parse: {e}"),
    }
}

fn one(input: &str) -> Test {
    let mut all = terms(input);
    assert_eq!(all.len(), 1, "{input:?}");
    let term = all.remove(0);
    assert!(!term.negated, "{input:?}");
    term.test
}

fn err(input: &str) -> FilterError {
    match Filter::parse(input) {
        Ok(f) => panic!("{input:?} should fail, got {f:?}"),
        Err(e) => e,
    }
}

fn word(text: &str) -> Test {
    Test::Word {
        lower: text.to_ascii_lowercase(),
        exact: text.to_owned(),
    }
}

fn exact(text: &str) -> Pattern {
    Pattern::Exact(text.to_owned())
}

#[test]
fn blank_input_is_the_empty_filter() {
    for input in ["", "   ", "\t\n "] {
        let filter = Filter::parse(input).expect("blank parses");
        assert!(filter.is_empty());
        assert_eq!(filter, Filter::default());
        let sql = filter.to_sql();
        assert_eq!(sql.expr, "1");
        assert!(sql.params.is_empty());
    }
}

#[test]
fn free_words_keep_case_and_fold_for_the_target() {
    assert_eq!(one("Stripe"), word("Stripe"));
    assert_eq!(terms("a  b").len(), 2);
    // Not a key: no leading letter, or something other than a word before `:`.
    assert_eq!(one("12:30"), word("12:30"));
    assert_eq!(one("/a:b"), word("/a:b"));
    assert_eq!(one(":x"), word(":x"));
    assert_eq!(one("\"a:b\""), word("a:b"));
    assert_eq!(one("caf\u{e9}"), word("caf\u{e9}"));
}

#[test]
fn method_key() {
    assert_eq!(one("method:post"), Test::Method("post".into()));
    assert_eq!(one("METHOD:Post"), Test::Method("Post".into()));
}

#[test]
fn path_key() {
    assert_eq!(
        one("path:/hooks/stripe"),
        Test::Path(exact("/hooks/stripe"))
    );
    assert_eq!(
        one("path:/hooks/*"),
        Test::Path(Pattern::Glob("/hooks/*".into()))
    );
    assert_eq!(one("path:*"), Test::Path(Pattern::Glob("*".into())));
    // GLOB syntax other than `*` is literal; so is a quoted `*`.
    assert_eq!(
        one("path:/a?[b]*"),
        Test::Path(Pattern::Glob("/a[?][[]b]*".into()))
    );
    assert_eq!(
        one("path:/x/\"*\"/*"),
        Test::Path(Pattern::Glob("/x/[*]/*".into()))
    );
    assert_eq!(one("path:\"/a b\""), Test::Path(exact("/a b")));
}

#[test]
fn status_key() {
    let status = |lo, hi| Test::Status { lo, hi };
    assert_eq!(one("status:404"), status(404, 404));
    assert_eq!(one("status:4xx"), status(400, 499));
    assert_eq!(one("status:4XX"), status(400, 499));
    assert_eq!(one("status:40x"), status(400, 409));
    assert_eq!(one("status:400-499"), status(400, 499));
    assert_eq!(one("status:>=400"), status(400, i64::MAX));
    assert_eq!(one("status:>399"), status(400, i64::MAX));
    assert_eq!(one("status:<300"), status(i64::MIN, 299));
    assert_eq!(one("status:<=299"), status(i64::MIN, 299));
}

#[test]
fn type_key() {
    assert_eq!(
        one("type:lead.captured"),
        Test::EventType(exact("lead.captured"))
    );
    assert_eq!(
        one("type:lead.*"),
        Test::EventType(Pattern::Glob("lead.*".into()))
    );
}

#[test]
fn header_key() {
    let header = |name: &str, value: Option<&str>| Test::Header {
        name: name.into(),
        value: value.map(str::to_owned),
    };
    assert_eq!(
        one("header:X-GitHub-Event=push"),
        header("x-github-event", Some("push"))
    );
    assert_eq!(one("header:x-foo"), header("x-foo", None));
    assert_eq!(one("header:x-foo="), header("x-foo", Some("")));
    assert_eq!(one("header:a=b=c"), header("a", Some("b=c")));
    assert_eq!(
        one("header:user-agent=\"curl/8 x\""),
        header("user-agent", Some("curl/8 x"))
    );
    // A quoted `=` is part of the name.
    assert_eq!(one("header:\"a=b\""), header("a=b", None));
}

#[test]
fn sig_key() {
    let cases = [
        ("valid", Some("valid")),
        ("invalid", Some("invalid_signature")),
        ("invalid_signature", Some("invalid_signature")),
        ("Invalid-Signature", Some("invalid_signature")),
        ("expired", Some("expired")),
        ("malformed", Some("malformed_header")),
        ("malformed_header", Some("malformed_header")),
        ("missing", Some("missing_header")),
        ("missing_header", Some("missing_header")),
        ("unverified", Some("unverified")),
        ("unsigned", Some("unsigned")),
        ("none", None),
        ("unchecked", None),
    ];
    for (value, stored) in cases {
        assert_eq!(one(&format!("sig:{value}")), Test::Sig(stored), "{value}");
    }
}

#[test]
fn body_ct_and_id_keys() {
    assert_eq!(one("body:\"some text\""), Test::Body("some text".into()));
    assert_eq!(one("body:a\"b c\"d"), Test::Body("ab cd".into()));
    assert_eq!(one("ct:JSON"), Test::ContentType("json".into()));
    assert_eq!(one("Content-Type:json"), Test::ContentType("json".into()));
    assert_eq!(one("id:42"), Test::Id { lo: 42, hi: 42 });
    assert_eq!(
        one("id:>100"),
        Test::Id {
            lo: 101,
            hi: i64::MAX
        }
    );
    assert_eq!(one("id:10-20"), Test::Id { lo: 10, hi: 20 });
    assert_eq!(
        one("id:<1"),
        Test::Id {
            lo: i64::MIN,
            hi: 0
        }
    );
}

#[test]
fn negation_applies_to_one_term() {
    let all = terms("-status:2xx method:post -stripe");
    let negated: Vec<bool> = all.iter().map(|t| t.negated).collect();
    assert_eq!(negated, [true, false, true]);
    assert_eq!(all[2].test, word("stripe"));
    // Only the first `-` negates.
    assert_eq!(terms("--x")[0].test, word("-x"));
    assert_eq!(terms("a-b")[0].test, word("a-b"));
}

#[test]
fn quotes_and_escapes() {
    assert_eq!(one(r#""a \"quoted\" word""#), word(r#"a "quoted" word"#));
    assert_eq!(one(r#""back\\slash""#), word(r"back\slash"));
    // Any other backslash is kept as is, inside or outside quotes.
    assert_eq!(one(r#""a\nb""#), word(r"a\nb"));
    assert_eq!(one(r"a\b"), word(r"a\b"));
    assert_eq!(one(r#"pre"fix suf"fix"#), word("prefix suffix"));
}

#[test]
fn error_positions() {
    let cases: &[(&str, usize, &str)] = &[
        ("stauts:404", 0, "did you mean `status`"),
        ("a -Methd:get", 3, "did you mean `method`"),
        ("foo:bar", 0, "unknown key `foo`; keys: method, path"),
        ("method:", 7, "`method:` needs a value"),
        ("x body:\"\"", 7, "`body:` needs a value"),
        ("a \"open", 2, "unterminated quote"),
        ("body:\"a\\\"", 5, "unterminated quote"),
        ("status:4x", 7, "bad status `4x`"),
        ("status:1000", 7, "bad status"),
        ("status:099", 7, "bad status"),
        ("status:4x4", 7, "bad status"),
        ("status:499-400", 7, "backwards"),
        ("sig:bogus", 4, "unknown signature status `bogus`"),
        ("a -", 2, "`-` must be followed"),
        ("- a", 0, "`-` must be followed"),
        ("\"\"", 0, "empty quotes"),
        ("path:hooks/*", 5, "try `path:/hooks/*`"),
        ("header:=x", 7, "header name missing"),
        ("id:x", 3, "bad id"),
        ("id:>9223372036854775807", 3, "out of range"),
        ("id:9-1", 3, "backwards"),
        // Positions count characters, not bytes.
        ("\u{e9}\u{e9} zz:1", 3, "unknown key `zz`"),
    ];
    for &(input, position, needle) in cases {
        let e = err(input);
        assert_eq!(e.position, position, "{input:?}: {e}");
        assert!(e.message.contains(needle), "{input:?}: {e}");
    }
}

#[test]
fn a_filter_takes_at_most_max_terms() {
    let at_limit = vec!["a"; MAX_TERMS].join(" ");
    assert_eq!(terms(&at_limit).len(), MAX_TERMS);
    // The extra term is pointed at where it starts, after its `-`.
    let over = format!("{at_limit}  -b");
    let e = err(&over);
    assert_eq!(e.position, 2 * MAX_TERMS + 2, "{e}");
    assert!(
        e.message.contains(&format!("at most {MAX_TERMS} terms")),
        "{e}"
    );
}

#[test]
fn error_display_and_escaping() {
    let e = err("status:\u{1b}[2J");
    assert!(!e.message.contains('\u{1b}'), "{e}");
    assert_eq!(e.to_string(), format!("{} (at character 8)", e.message));
    let long = format!("sig:{}", "x".repeat(100));
    assert!(err(&long).message.contains("xxx…"));
}

#[test]
fn suggestions() {
    assert!(err("ty:push").message.contains("did you mean `type`"));
    assert!(err("sgi:valid").message.contains("did you mean `sig`"));
    assert!(err("headers:x").message.contains("did you mean `header`"));
    assert!(!err("zebra:x").message.contains("did you mean"));
}

#[test]
fn sql_shapes() {
    let sql = Filter::parse("method:post -status:2xx")
        .expect("parses")
        .to_sql();
    assert_eq!(
        sql.expr,
        "(requests.method = ? COLLATE NOCASE) AND NOT (requests.status BETWEEN ? AND ?)"
    );
    assert_eq!(
        sql.params,
        vec!["post".to_owned().into(), 200i64.into(), 299i64.into()]
    );
    let header = Filter::parse("header:ab=c").expect("parses").to_sql();
    let pattern = b"\0\0\0\x02ab\0\0\0\x01c".to_vec();
    assert_eq!(header.params, vec![pattern.clone().into(), pattern.into()]);
}

fn placeholders(expr: &str) -> usize {
    expr.matches('?').count()
}

proptest! {
    #[test]
    fn any_input_parses_or_errors(input in "\\PC*|[\\s\\S]{0,40}|[-a-z:\"\\\\=*\\s]{0,30}") {
        match Filter::parse(&input) {
            Ok(filter) => {
                let sql = filter.to_sql();
                prop_assert_eq!(placeholders(&sql.expr), sql.params.len());
            }
            Err(e) => prop_assert!(e.position <= input.chars().count()),
        }
    }

    #[test]
    fn keyed_terms_with_any_value_never_panic(
        key in "(method|path|status|type|header|sig|body|ct|content-type|id)",
        neg in any::<bool>(),
        value in "\\PC{0,12}",
    ) {
        let input = format!("{}{key}:{value}", if neg { "-" } else { "" });
        if let Ok(filter) = Filter::parse(&input) {
            let sql = filter.to_sql();
            prop_assert_eq!(placeholders(&sql.expr), sql.params.len());
        }
    }
}
