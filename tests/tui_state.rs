//! `App::update` driven directly: messages in, state and effects out.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use hookscope::model::{Answer, RequestDetail, RequestId, RequestSummary};
use hookscope::store::Dir;
use hookscope::tui::app::{App, Focus, Mode, Source, Tab, Toast};
use hookscope::tui::msg::{Effect, Msg, Placement, StoreCmd, StoreReply};

fn row(id: i64) -> RequestSummary {
    RequestSummary {
        id: RequestId(id),
        received_at_us: 1_735_732_800_000_000 + id,
        method: "POST".into(),
        target: format!("/hooks/{id}"),
        http_version: "HTTP/1.1".into(),
        remote_addr: "127.0.0.1:1".into(),
        content_type: Some("application/json".into()),
        body_size: 10,
        body_truncated: false,
        status: 200,
        event_type: None,
        sig_provider: None,
        sig_status: None,
    }
}

/// Ids `from` down to `to`, newest first, as the store returns them.
fn rows(from: i64, to: i64) -> Vec<RequestSummary> {
    (to..=from).rev().map(row).collect()
}

fn listening() -> (App, Vec<Effect>) {
    App::new(
        Source::Listening {
            url: "http://127.0.0.1:1".into(),
            file: "f".into(),
        },
        false,
        (160, 40),
    )
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Input(Event::Key(KeyEvent::new(
        code,
        KeyModifiers::NONE,
    ))))
}

fn window(app: &mut App, rows: Vec<RequestSummary>, placement: Placement) -> Vec<Effect> {
    let generation = app.generation;
    app.update(Msg::Store(StoreReply::Window {
        generation,
        rows,
        placement,
    }))
}

fn loads(effects: &[Effect]) -> Vec<(Option<RequestId>, Dir, Placement)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Store(StoreCmd::LoadWindow {
                anchor,
                dir,
                placement,
                ..
            }) => Some((*anchor, *dir, *placement)),
            _ => None,
        })
        .collect()
}

fn detail_loads(effects: &[Effect]) -> Vec<RequestId> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Store(StoreCmd::LoadDetail(id)) => Some(*id),
            _ => None,
        })
        .collect()
}

fn detail(id: i64) -> Box<RequestDetail> {
    Box::new(RequestDetail {
        summary: row(id),
        headers: vec![("host".into(), b"example.test".to_vec())],
        body: br#"{"a":1}"#.to_vec(),
        answer: Answer {
            status: 200,
            headers: Vec::new(),
            body: Vec::new(),
        },
    })
}

#[test]
fn starts_by_loading_the_newest_window_and_counting() {
    let (_, effects) = listening();
    assert_eq!(loads(&effects), [(None, Dir::Older, Placement::Replace)]);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Store(StoreCmd::Count { .. })))
    );
}

#[test]
fn a_full_window_loads_more_near_its_bottom_edge_with_a_keyset_anchor() {
    let (mut app, _) = listening();
    let effects = window(&mut app, rows(1000, 801), Placement::Replace);
    assert_eq!(detail_loads(&effects), [RequestId(1000)]);
    assert!(!app.at_oldest);
    let mut asked = Vec::new();
    for _ in 0..10 {
        asked.extend(loads(&key(&mut app, KeyCode::PageDown)));
    }
    assert_eq!(
        asked,
        [(Some(RequestId(801)), Dir::Older, Placement::Append)],
        "asked once, anchored at the last row"
    );
    window(&mut app, rows(800, 601), Placement::Append);
    assert_eq!(app.rows.len(), 400);
    assert_eq!(
        app.rows[app.selected].id.0,
        1000 - app.selected as i64,
        "ids stay contiguous"
    );
}

#[test]
fn a_short_window_means_the_end_is_reached() {
    let (mut app, _) = listening();
    window(&mut app, rows(5, 1), Placement::Replace);
    assert!(app.at_oldest && app.at_newest);
    for _ in 0..10 {
        assert!(loads(&key(&mut app, KeyCode::Char('j'))).is_empty());
    }
    assert_eq!(app.selected_row().map(|r| r.id), Some(RequestId(1)));
}

#[test]
fn following_shows_new_captures_and_not_following_keeps_the_selection() {
    let (mut app, _) = listening();
    window(&mut app, rows(3, 1), Placement::Replace);
    assert!(app.follow);
    let effects = app.update(Msg::Captured(vec![row(4), row(5)]));
    assert_eq!(app.rows[0].id, RequestId(5));
    assert_eq!(app.selected, 0);
    assert_eq!(detail_loads(&effects), [RequestId(5)]);
    assert_eq!(app.total, None, "not counted yet");

    key(&mut app, KeyCode::Char('j'));
    assert!(!app.follow, "moving away stops following");
    let selected = app.selected_row().map(|r| r.id);
    app.update(Msg::Captured(vec![row(6)]));
    assert_eq!(
        app.selected_row().map(|r| r.id),
        selected,
        "selection stays on its request"
    );
    assert_eq!(app.unseen, 1);
    key(&mut app, KeyCode::Char('f'));
    assert!(app.follow);
    assert_eq!(app.selected, 0);
}

#[test]
fn another_process_writing_rereads_the_window_and_keeps_the_selection() {
    let (mut app, _) = listening();
    window(&mut app, rows(5, 1), Placement::Replace);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected_row().map(|r| r.id), Some(RequestId(3)));

    // A second listener's row 4 sits below our newest, 5: only a full
    // re-read finds it.
    let effects = app.update(Msg::FileChanged);
    assert_eq!(loads(&effects), [(None, Dir::Older, Placement::Refresh)]);
    let mut fresh = rows(6, 1);
    fresh[1].target = "/from-elsewhere".into();
    window(&mut app, fresh, Placement::Refresh);
    assert_eq!(app.rows.len(), 6);
    assert_eq!(app.rows[1].target, "/from-elsewhere");
    assert_eq!(
        app.selected_row().map(|r| r.id),
        Some(RequestId(3)),
        "the selection stays on its request"
    );
}

#[test]
fn captures_committed_while_a_window_loads_are_read_again_once_it_lands() {
    let (mut app, _) = listening();
    window(&mut app, rows(3, 1), Placement::Replace);
    key(&mut app, KeyCode::Char('g'));
    app.update(Msg::FileChanged);
    assert!(app.loading);
    // Committed after the store read the window, reported before it landed.
    app.update(Msg::Captured(vec![row(4)]));
    let effects = window(&mut app, rows(3, 1), Placement::Refresh);
    assert_eq!(
        loads(&effects),
        [(None, Dir::Older, Placement::Refresh)],
        "row 4 is looked for again"
    );
    let effects = window(&mut app, rows(4, 1), Placement::Refresh);
    assert!(loads(&effects).is_empty(), "and then it rests");
    assert_eq!(app.rows[0].id, RequestId(4));
}

#[test]
fn replies_for_old_queries_and_other_requests_are_dropped() {
    let (mut app, _) = listening();
    let stale = app.generation.wrapping_sub(1);
    app.update(Msg::Store(StoreReply::Window {
        generation: stale,
        rows: rows(9, 1),
        placement: Placement::Replace,
    }));
    assert!(app.rows.is_empty());
    window(&mut app, rows(3, 1), Placement::Replace);
    app.update(Msg::Store(StoreReply::Detail {
        id: RequestId(2),
        detail: Some(detail(2)),
        attempts: Vec::new(),
    }));
    assert!(app.shown.is_none(), "request 3 is selected, not 2");
    app.update(Msg::Store(StoreReply::Detail {
        id: RequestId(3),
        detail: Some(detail(3)),
        attempts: Vec::new(),
    }));
    assert_eq!(
        app.shown.as_ref().map(|s| s.detail.summary.id),
        Some(RequestId(3))
    );
}

#[test]
fn a_bad_filter_shows_an_error_and_keeps_the_previous_result() {
    let (mut app, _) = listening();
    window(&mut app, rows(3, 1), Placement::Replace);
    key(&mut app, KeyCode::Char('/'));
    for c in "stauts:4xx".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let effects = key(&mut app, KeyCode::Enter);
    assert!(loads(&effects).is_empty());
    match &app.mode {
        Mode::Filter { error: Some(e), .. } => assert!(e.contains("stauts"), "{e}"),
        other => panic!("expected a filter error, got {other:?}"),
    }
    assert_eq!(app.rows.len(), 3);
    assert!(app.filter.is_empty());
}

#[test]
fn a_good_filter_starts_a_new_query() {
    let (mut app, _) = listening();
    let before = app.generation;
    key(&mut app, KeyCode::Char('/'));
    for c in "method:POST".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.filter_text, "method:POST");
    assert!(app.generation > before);
    assert_eq!(loads(&effects), [(None, Dir::Older, Placement::Replace)]);
}

#[test]
fn delete_asks_first_and_is_refused_when_read_only() {
    let (mut app, _) = listening();
    window(&mut app, rows(3, 1), Placement::Replace);
    assert!(key(&mut app, KeyCode::Char('d')).is_empty());
    assert_eq!(app.mode, Mode::ConfirmDelete(RequestId(3)));
    let effects = key(&mut app, KeyCode::Char('y'));
    assert!(matches!(effects.as_slice(), [Effect::Delete(RequestId(3))]));
    app.update(Msg::Deleted(vec![RequestId(3)]));
    assert_eq!(app.rows.len(), 2);

    let (mut offline, _) = App::new(Source::Offline { file: "f".into() }, true, (100, 30));
    window(&mut offline, rows(3, 1), Placement::Replace);
    key(&mut offline, KeyCode::Char('d'));
    assert_eq!(offline.mode, Mode::Normal);
    assert!(matches!(offline.toast, Some(Toast::Error(_))));
}

#[test]
fn the_copy_menu_copies_a_curl_command() {
    let (mut app, _) = listening();
    window(&mut app, rows(3, 1), Placement::Replace);
    app.update(Msg::Store(StoreReply::Detail {
        id: RequestId(3),
        detail: Some(detail(3)),
        attempts: Vec::new(),
    }));
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.mode, Mode::CopyMenu);
    let effects = key(&mut app, KeyCode::Char('c'));
    match effects.as_slice() {
        [Effect::Copy { label, text }] => {
            assert_eq!(*label, "curl command");
            assert!(
                text.starts_with("curl -X POST 'http://example.test/hooks/3'")
                    || text.contains("http://example.test/hooks/3"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn mouse_clicks_select_rows_and_tabs() {
    let (mut app, _) = listening();
    window(&mut app, rows(5, 1), Placement::Replace);
    let areas = app.areas();
    let click = |column, row| {
        Msg::Input(Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }))
    };
    app.update(click(areas.list_body.x + 2, areas.list_body.y + 2));
    assert_eq!(app.selected_row().map(|r| r.id), Some(RequestId(3)));
    // " 1 Overview " is 12 columns, then a separator, then " 2 Headers ".
    app.update(click(areas.tabs.x + 15, areas.tabs.y));
    assert_eq!(app.tab, Tab::Headers);
    assert_eq!(app.focus, Focus::Detail);
}

#[test]
fn tabs_switch_by_number_and_h_l() {
    let (mut app, _) = listening();
    key(&mut app, KeyCode::Char('3'));
    assert_eq!(app.tab, Tab::Body);
    key(&mut app, KeyCode::Char('l'));
    assert_eq!(app.tab, Tab::Query);
    key(&mut app, KeyCode::Char('h'));
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(app.tab, Tab::Headers);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Detail);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.focus, Focus::List);
}

#[test]
fn q_quits() {
    let (mut app, _) = listening();
    let effects = key(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
    assert!(matches!(effects.as_slice(), [Effect::Quit]));
}

#[test]
fn a_resend_asks_for_the_target_shows_progress_and_can_be_cancelled() {
    use hookscope::tui::msg::Outbound;
    let (mut app, _) = listening();
    window(&mut app, rows(3, 1), Placement::Replace);
    key(&mut app, KeyCode::Char('r'));
    assert!(matches!(&app.mode, Mode::Prompt { input, .. } if input == "http://localhost:3000"));
    key(&mut app, KeyCode::Tab);
    assert!(app.resign, "Tab toggles re-signing");
    for _ in 0.."http://localhost:3000".len() {
        key(&mut app, KeyCode::Backspace);
    }
    for c in "http://127.0.0.1:9".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let effects = key(&mut app, KeyCode::Enter);
    match effects.as_slice() {
        [Effect::Send(Outbound::Resend { id, target, resign })] => {
            assert_eq!(*id, RequestId(3));
            assert_eq!(target, "http://127.0.0.1:9");
            assert!(*resign);
        }
        other => panic!("{other:?}"),
    }
    assert!(app.sending.is_some(), "progress is shown while sending");
    assert_eq!(
        app.last_target, "http://127.0.0.1:9",
        "remembered for next time"
    );
    let effects = key(&mut app, KeyCode::Esc);
    assert!(matches!(effects.as_slice(), [Effect::CancelSend]));
    app.update(Msg::Sent(Err("cancelled".into())));
    assert!(app.sending.is_none());
    assert_eq!(app.toast, Some(Toast::Error("cancelled".into())));
}

#[test]
fn capital_v_rechecks_every_signature_and_updates_the_badges() {
    use hookscope::store::SignatureVerdict;
    let (mut app, _) = listening();
    window(&mut app, rows(3, 1), Placement::Replace);
    let effects = key(&mut app, KeyCode::Char('V'));
    assert!(matches!(effects.as_slice(), [Effect::Reverify]));
    app.update(Msg::Reverified(vec![SignatureVerdict {
        id: RequestId(2),
        provider: Some("stripe".into()),
        status: "valid".into(),
    }]));
    let row = app
        .rows
        .iter()
        .find(|r| r.id == RequestId(2))
        .expect("row 2");
    assert_eq!(row.sig_status.as_deref(), Some("valid"));
    assert_eq!(row.sig_provider.as_deref(), Some("stripe"));
}

#[test]
fn x_exports_what_the_list_shows_and_reports_how_it_went() {
    let (mut app, _) = listening();
    window(&mut app, rows(3, 1), Placement::Replace);
    key(&mut app, KeyCode::Char('/'));
    for c in "method:POST".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);

    key(&mut app, KeyCode::Char('x'));
    assert!(
        matches!(&app.mode, Mode::Prompt { input, .. } if input == "hookscope-export.har"),
        "{:?}",
        app.mode
    );
    assert!(app.redact, "credentials are left out unless asked");
    key(&mut app, KeyCode::Tab);
    assert!(!app.redact, "Tab toggles redaction");
    for _ in 0.."har".len() {
        key(&mut app, KeyCode::Backspace);
    }
    for c in "md".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let effects = key(&mut app, KeyCode::Enter);
    match effects.as_slice() {
        [
            Effect::Store(StoreCmd::Export {
                filter,
                path,
                redact,
            }),
        ] => {
            assert_eq!(filter, &app.filter, "the list's filter");
            assert!(!filter.is_empty());
            assert_eq!(path, std::path::Path::new("hookscope-export.md"));
            assert!(!redact);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.last_export, "hookscope-export.md", "offered next time");

    app.update(Msg::Store(StoreReply::Exported {
        path: "hookscope-export.md".into(),
        result: Ok(3),
    }));
    assert_eq!(
        app.toast,
        Some(Toast::Info(
            "exported 3 requests to hookscope-export.md".into()
        ))
    );
    app.update(Msg::Store(StoreReply::Exported {
        path: "/nope/x.md".into(),
        result: Err("cannot write in /nope".into()),
    }));
    assert_eq!(
        app.toast,
        Some(Toast::Error("export failed: cannot write in /nope".into()))
    );
}

#[test]
fn help_scrolls_with_the_scrolling_keys_when_too_tall_and_closes_on_any_other() {
    let (mut app, _) = listening();
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.mode, Mode::Help { scroll: 0 });
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Down);
    assert_eq!(app.mode, Mode::Help { scroll: 2 });
    key(&mut app, KeyCode::Char('G'));
    let Mode::Help { scroll: last } = app.mode else {
        panic!("still open: {:?}", app.mode)
    };
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(
        app.mode,
        Mode::Help { scroll: last },
        "no further than the end"
    );
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.mode, Mode::Normal, "another key closes it");
    assert!(!app.quit);

    // On a screen it fits, there is nothing to scroll.
    app.update(Msg::Input(Event::Resize(160, 200)));
    key(&mut app, KeyCode::Char('?'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.mode, Mode::Help { scroll: 0 });
}

/// The list with request 3 selected and loaded, its body `body`.
fn showing(body: &[u8]) -> App {
    let (mut app, _) = listening();
    window(&mut app, rows(3, 1), Placement::Replace);
    let mut shown = detail(3);
    shown.body = body.to_vec();
    app.update(Msg::Store(StoreReply::Detail {
        id: RequestId(3),
        detail: Some(shown),
        attempts: Vec::new(),
    }));
    app
}

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    app.update(Msg::Input(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    ))))
}

fn sends(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::Send(_)))
        .count()
}

#[test]
fn the_terminal_editor_refuses_bytes_it_would_change_and_points_to_e() {
    // A gzip body: the text editor would send its bytes as U+FFFD.
    let mut app = showing(b"\x1f\x8b\x08\x00\xff\xfe");
    key(&mut app, KeyCode::Char('e'));
    assert!(app.editor.is_none());
    match &app.toast {
        Some(Toast::Error(e)) => assert!(e.contains("press E"), "{e}"),
        other => panic!("expected an error, got {other:?}"),
    }
    let effects = key(&mut app, KeyCode::Char('E'));
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::ExternalEdit { text, .. } if text.ends_with(b"\x1f\x8b\x08\x00\xff\xfe")
        )),
        "$EDITOR gets every byte"
    );
}

#[test]
fn the_terminal_editor_refuses_what_it_cannot_show() {
    for body in [&b"line1 \x1b[2J"[..], "rtl \u{202e}txt".as_bytes()] {
        let mut app = showing(body);
        key(&mut app, KeyCode::Char('e'));
        assert!(app.editor.is_none(), "{body:?}");
        assert!(matches!(&app.toast, Some(Toast::Error(e)) if e.contains("cannot show")));
    }
    let mut app = showing(b"tab\there\r\nnext line");
    key(&mut app, KeyCode::Char('e'));
    assert!(app.editor.is_some(), "tabs and line ends are fine");
}

#[test]
fn a_broken_edit_stays_in_the_terminal_editor() {
    let mut app = showing(br#"{"a":1}"#);
    key(&mut app, KeyCode::Char('e'));
    let editor = app.editor.as_mut().expect("the editor opens");
    editor.text.move_cursor(ratatui_textarea::CursorMove::Top);
    editor.text.move_cursor(ratatui_textarea::CursorMove::End);
    editor.text.insert_str("X");
    let effects = ctrl(&mut app, 's');
    assert_eq!(sends(&effects), 0);
    let editor = app.editor.as_ref().expect("still open, with the edit");
    assert!(
        editor.text.lines()[0].ends_with("HTTP/1.1X"),
        "{:?}",
        editor.text.lines()
    );
    assert!(matches!(&app.toast, Some(Toast::Error(e)) if e.starts_with("not sent")));

    let editor = app.editor.as_mut().expect("open");
    editor.text.move_cursor(ratatui_textarea::CursorMove::Top);
    editor.text.move_cursor(ratatui_textarea::CursorMove::End);
    editor.text.delete_char();
    assert_eq!(sends(&ctrl(&mut app, 's')), 1, "fixed, it is sent");
    assert!(app.editor.is_none());
}

#[test]
fn an_edit_refused_from_the_external_editor_is_where_the_next_edit_starts() {
    let mut app = showing(br#"{"a":1}"#);
    let kept = b"POST nowhere HTTP/1.1\n\nmy careful edit".to_vec();
    app.update(Msg::EditRefused {
        id: RequestId(3),
        text: kept.clone(),
        error: "line 1: no URL".into(),
    });
    assert!(matches!(&app.toast, Some(Toast::Error(e)) if e.contains("your edit is kept")));
    let effects = key(&mut app, KeyCode::Char('E'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::ExternalEdit { text, .. } if *text == kept)),
        "the kept edit, not the capture"
    );
    let effects = key(&mut app, KeyCode::Char('E'));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::ExternalEdit { text, .. } if *text == kept)),
        "kept for one edit only"
    );
}

#[test]
fn a_forward_shows_the_status_the_sender_got_in_the_list() {
    let (mut app, _) = listening();
    window(&mut app, rows(3, 1), Placement::Replace);
    assert_eq!(app.rows[1].status, 200);
    app.update(Msg::Attempted {
        id: RequestId(2),
        answered: Some(502),
    });
    assert_eq!(app.rows[1].status, 502);
    app.update(Msg::Attempted {
        id: RequestId(3),
        answered: None,
    });
    assert_eq!(app.rows[0].status, 200, "a resend leaves the answer alone");
}

#[test]
fn new_rows_count_down_as_the_selection_passes_them() {
    let (mut app, _) = listening();
    window(&mut app, rows(5, 1), Placement::Replace);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    app.update(Msg::Captured(vec![row(6), row(7), row(8)]));
    assert_eq!(app.unseen, 3);
    assert_eq!(app.selected_row().map(|r| r.id), Some(RequestId(3)));
    for expected in [3, 3, 2, 1, 0] {
        key(&mut app, KeyCode::Char('k'));
        assert_eq!(
            app.unseen,
            expected,
            "at #{:?}",
            app.selected_row().map(|r| r.id)
        );
    }
}

#[test]
fn rows_another_process_adds_above_an_offline_selection_are_counted_as_new() {
    let (mut app, _) = App::new(Source::Offline { file: "f".into() }, true, (160, 40));
    window(&mut app, rows(3, 1), Placement::Replace);
    assert!(!app.follow);
    app.update(Msg::FileChanged);
    window(&mut app, rows(5, 1), Placement::Refresh);
    assert_eq!(app.selected_row().map(|r| r.id), Some(RequestId(3)));
    assert_eq!(app.unseen, 2);
}
