//! Every key binding in one table: `update` matches on actions, and the help
//! overlay and the status line are generated from the same table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the user wants, independent of the key that asked for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    Focus,
    Back,
    PrevTab,
    NextTab,
    Tab(usize),
    Filter,
    ToggleFollow,
    Copy,
    Delete,
    Reverify,
    Resend,
    Edit,
    ExternalEdit,
    Samples,
    Export,
    Help,
    Quit,
}

/// Where the keys apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Anywhere outside text input.
    Global,
    List,
    Detail,
}

pub struct Binding {
    pub keys: &'static [KeyCode],
    pub label: &'static str,
    pub action: Action,
    pub context: Context,
    pub help: &'static str,
    /// Shown in the status line for its context, with this word.
    pub hint: Option<&'static str>,
}

const fn bind(
    context: Context,
    keys: &'static [KeyCode],
    label: &'static str,
    action: Action,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        label,
        action,
        context,
        help,
        hint,
    }
}

use Action as A;
use Context as C;
use KeyCode as K;

pub const BINDINGS: &[Binding] = &[
    bind(
        C::List,
        &[K::Char('j'), K::Down],
        "j/↓",
        A::Down,
        "next (older) request",
        Some("next"),
    ),
    bind(
        C::List,
        &[K::Char('k'), K::Up],
        "k/↑",
        A::Up,
        "previous (newer) request",
        Some("prev"),
    ),
    bind(
        C::List,
        &[K::PageDown],
        "PgDn",
        A::PageDown,
        "page down",
        None,
    ),
    bind(C::List, &[K::PageUp], "PgUp", A::PageUp, "page up", None),
    bind(
        C::List,
        &[K::Char('g'), K::Home],
        "g",
        A::First,
        "newest request",
        None,
    ),
    bind(
        C::List,
        &[K::Char('G'), K::End],
        "G",
        A::Last,
        "oldest request",
        None,
    ),
    bind(
        C::List,
        &[K::Enter, K::Tab],
        "Enter",
        A::Focus,
        "focus the detail pane",
        Some("detail"),
    ),
    bind(
        C::Detail,
        &[K::Char('j'), K::Down],
        "j/↓",
        A::Down,
        "scroll down",
        Some("scroll"),
    ),
    bind(
        C::Detail,
        &[K::Char('k'), K::Up],
        "k/↑",
        A::Up,
        "scroll up",
        None,
    ),
    bind(
        C::Detail,
        &[K::PageDown, K::Char(' ')],
        "PgDn",
        A::PageDown,
        "scroll a page down",
        None,
    ),
    bind(
        C::Detail,
        &[K::PageUp],
        "PgUp",
        A::PageUp,
        "scroll a page up",
        None,
    ),
    bind(
        C::Detail,
        &[K::Char('g'), K::Home],
        "g",
        A::First,
        "top",
        None,
    ),
    bind(
        C::Detail,
        &[K::Char('G'), K::End],
        "G",
        A::Last,
        "bottom",
        None,
    ),
    bind(
        C::Detail,
        &[K::Esc, K::BackTab],
        "Esc",
        A::Back,
        "back to the list",
        Some("list"),
    ),
    bind(
        C::Global,
        &[K::Char('h'), K::Left],
        "h/l",
        A::PrevTab,
        "previous tab",
        Some("tabs"),
    ),
    bind(
        C::Global,
        &[K::Char('l'), K::Right],
        "",
        A::NextTab,
        "next tab",
        None,
    ),
    bind(
        C::Global,
        &[K::Char('1')],
        "1–7",
        A::Tab(0),
        "Overview tab",
        None,
    ),
    bind(
        C::Global,
        &[K::Char('2')],
        "",
        A::Tab(1),
        "Headers tab",
        None,
    ),
    bind(C::Global, &[K::Char('3')], "", A::Tab(2), "Body tab", None),
    bind(C::Global, &[K::Char('4')], "", A::Tab(3), "Query tab", None),
    bind(
        C::Global,
        &[K::Char('5')],
        "",
        A::Tab(4),
        "Signature tab",
        None,
    ),
    bind(C::Global, &[K::Char('6')], "", A::Tab(5), "Raw tab", None),
    bind(
        C::Global,
        &[K::Char('7')],
        "",
        A::Tab(6),
        "Attempts tab",
        None,
    ),
    bind(
        C::Global,
        &[K::Char('/')],
        "/",
        A::Filter,
        "filter",
        Some("filter"),
    ),
    bind(
        C::Global,
        &[K::Char('f')],
        "f",
        A::ToggleFollow,
        "follow newest on/off",
        Some("follow"),
    ),
    bind(
        C::Global,
        &[K::Char('y')],
        "y",
        A::Copy,
        "copy… (body, headers, URL, curl, Markdown)",
        Some("copy"),
    ),
    bind(
        C::Global,
        &[K::Char('d'), K::Delete],
        "d",
        A::Delete,
        "delete the request",
        None,
    ),
    bind(
        C::Global,
        &[K::Char('r')],
        "r",
        A::Resend,
        "resend the request (asks for the target; Tab toggles re-signing)",
        Some("resend"),
    ),
    bind(
        C::Global,
        &[K::Char('e')],
        "e",
        A::Edit,
        "edit, then send (Ctrl-s sends, Ctrl-r toggles re-signing, Esc discards)",
        Some("edit"),
    ),
    bind(
        C::Global,
        &[K::Char('E')],
        "E",
        A::ExternalEdit,
        "edit in $EDITOR as an HTTP message file, then send",
        None,
    ),
    bind(
        C::Global,
        &[K::Char('n')],
        "n",
        A::Samples,
        "send a sample event (signed when a secret is configured)",
        None,
    ),
    bind(
        C::Global,
        &[K::Char('x')],
        "x",
        A::Export,
        "export the list to a .har, .ndjson or .md file",
        None,
    ),
    bind(
        C::Global,
        &[K::Char('V')],
        "V",
        A::Reverify,
        "re-read secrets and re-check every stored signature",
        None,
    ),
    bind(
        C::Global,
        &[K::Char('?')],
        "?",
        A::Help,
        "help",
        Some("help"),
    ),
    bind(
        C::Global,
        &[K::Char('q')],
        "q",
        A::Quit,
        "quit",
        Some("quit"),
    ),
];

/// Keys held with Ctrl: the same in every context.
pub const CONTROL_KEYS: &[(char, Action, &str)] = &[
    ('d', A::PageDown, "a page down, as PgDn"),
    ('u', A::PageUp, "a page up, as PgUp"),
    ('c', A::Quit, "quit"),
];

/// One line of the help overlay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HelpLine {
    Heading(&'static str),
    Key { keys: String, help: &'static str },
    Blank,
}

/// The help overlay's lines, generated from the key tables above.
pub fn help_lines() -> Vec<HelpLine> {
    let mut lines = Vec::new();
    for (context, heading) in [
        (C::List, "Request list"),
        (C::Detail, "Detail pane"),
        (C::Global, "Everywhere"),
    ] {
        lines.push(HelpLine::Heading(heading));
        for b in BINDINGS.iter().filter(|b| b.context == context) {
            let keys: Vec<String> = b.keys.iter().map(key_name).collect();
            lines.push(HelpLine::Key {
                keys: keys.join(" "),
                help: b.help,
            });
        }
        if context == C::Global {
            for (c, _, help) in CONTROL_KEYS {
                lines.push(HelpLine::Key {
                    keys: format!("Ctrl-{c}"),
                    help,
                });
            }
            lines.push(HelpLine::Key {
                keys: "mouse".into(),
                help: "click selects a row or a tab, wheel scrolls",
            });
        }
        lines.push(HelpLine::Blank);
    }
    lines.pop();
    lines
}

fn key_name(code: &KeyCode) -> String {
    match code {
        K::Char(' ') => "Space".into(),
        K::Char(c) => c.to_string(),
        K::Up => "↑".into(),
        K::Down => "↓".into(),
        K::Left => "←".into(),
        K::Right => "→".into(),
        K::PageUp => "PgUp".into(),
        K::PageDown => "PgDn".into(),
        K::BackTab => "S-Tab".into(),
        other => other.to_string(),
    }
}

/// The action a key means in `context` (context bindings win over global ones).
pub fn action_for(key: KeyEvent, context: Context) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            K::Char(c) => CONTROL_KEYS
                .iter()
                .find(|(k, ..)| *k == c)
                .map(|(_, action, _)| *action),
            _ => None,
        };
    }
    let find = |ctx: Context| {
        BINDINGS
            .iter()
            .find(|b| b.context == ctx && b.keys.contains(&key.code))
            .map(|b| b.action)
    };
    find(context).or_else(|| find(C::Global))
}

/// Status-line hints for `context`: `(keys, what)`.
pub fn hints(context: Context) -> impl Iterator<Item = (&'static str, &'static str)> {
    BINDINGS
        .iter()
        .filter(move |b| b.context == context || b.context == C::Global)
        .filter_map(|b| Some((b.label, b.hint?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn context_bindings_win_over_global_ones() {
        assert_eq!(action_for(key(K::Char('j')), C::List), Some(A::Down));
        assert_eq!(action_for(key(K::Esc), C::Detail), Some(A::Back));
        assert_eq!(action_for(key(K::Char('3')), C::Detail), Some(A::Tab(2)));
        assert_eq!(action_for(key(K::Char('z')), C::List), None);
    }

    #[test]
    fn every_action_has_a_key() {
        let actions = [
            A::Up,
            A::Down,
            A::PageUp,
            A::PageDown,
            A::First,
            A::Last,
            A::Focus,
            A::Back,
            A::PrevTab,
            A::NextTab,
            A::Tab(0),
            A::Tab(6),
            A::Filter,
            A::ToggleFollow,
            A::Copy,
            A::Delete,
            A::Reverify,
            A::Resend,
            A::Edit,
            A::ExternalEdit,
            A::Samples,
            A::Export,
            A::Help,
            A::Quit,
        ];
        for action in actions {
            assert!(
                BINDINGS.iter().any(|b| b.action == action),
                "{action:?} has no key"
            );
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                let overlap = a.context == b.context && a.keys.iter().any(|k| b.keys.contains(k));
                assert!(!overlap, "{:?} and {:?} share a key", a.action, b.action);
            }
        }
    }
}
