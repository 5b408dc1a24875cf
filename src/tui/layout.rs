//! Screen geometry, computed from the terminal size alone so that `update`
//! (mouse hits, page sizes) and the views agree on where things are.

use ratatui::layout::{Constraint, Direction, Layout, Rect};

use super::app::{App, Mode, Tab};
use crate::sanitize::visible;

/// At least this many columns puts list and detail side by side.
pub const WIDE: u16 = 140;
/// Lines a filter error may take below the filter bar.
const MAX_ERROR_LINES: usize = 4;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub list: Rect,
    /// The list's rows, below its column titles.
    pub list_body: Rect,
    pub list_rows: u16,
    pub detail: Rect,
    pub tabs: Rect,
    pub detail_body: Rect,
    pub filter: Rect,
    pub status: Rect,
}

pub fn areas(app: &App) -> Areas {
    let (width, height) = app.size;
    let screen = Rect::new(0, 0, width, height);
    let filter_height = match &app.mode {
        // An error wraps, up to a few lines, so its end (where it says what
        // to do) stays on screen.
        Mode::Filter { error: Some(e), .. } => {
            let lines = super::views::fit::wrap(&visible(e), usize::from(width)).len();
            1 + u16::try_from(lines.min(MAX_ERROR_LINES)).unwrap_or(1)
        }
        Mode::Prompt { .. } => 2,
        Mode::Filter { .. } => 1,
        _ => 0,
    };
    let [header, main, filter, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(filter_height),
        Constraint::Length(super::views::status_height(app, width)),
    ])
    .areas(screen);
    let direction = if width >= WIDE {
        Direction::Horizontal
    } else {
        Direction::Vertical
    };
    let split = if direction == Direction::Horizontal {
        60
    } else {
        40
    };
    let constraints = if direction == Direction::Horizontal {
        [
            Constraint::Percentage(split),
            Constraint::Percentage(100 - split),
        ]
    } else {
        // On a short screen the list keeps room for one row at least: its
        // borders and title take three.
        let share =
            u16::try_from((u32::from(main.height) * u32::from(split) + 50) / 100).unwrap_or(0);
        [
            Constraint::Length(share.max(main.height.min(4))),
            Constraint::Min(0),
        ]
    };
    let [list, detail] = Layout::default()
        .direction(direction)
        .constraints(constraints)
        .areas(main);
    // Blocks draw a border; the list has one title row inside it.
    let list_inner = inner(list);
    let list_body = Rect {
        y: list_inner.y.saturating_add(1),
        height: list_inner.height.saturating_sub(1),
        ..list_inner
    };
    let detail_inner = inner(detail);
    let tabs = Rect {
        height: detail_inner.height.min(1),
        ..detail_inner
    };
    let detail_body = Rect {
        y: detail_inner.y.saturating_add(2),
        height: detail_inner.height.saturating_sub(2),
        ..detail_inner
    };
    Areas {
        header,
        list,
        list_body,
        list_rows: list_body.height,
        detail,
        tabs,
        detail_body,
        filter,
        status,
    }
}

fn inner(r: Rect) -> Rect {
    Rect {
        x: r.x.saturating_add(1),
        y: r.y.saturating_add(1),
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    }
}

/// The tab under a click, given the labels `tab_labels` draws, separated by `│`.
pub fn tab_at(areas: &Areas, selected: Tab, column: u16, row: u16) -> Option<usize> {
    if row != areas.tabs.y || column < areas.tabs.x {
        return None;
    }
    let mut x = areas.tabs.x;
    for (i, label) in tab_labels(areas.tabs.width, selected).iter().enumerate() {
        let width = label.chars().count() as u16;
        if column < x + width {
            return Some(i);
        }
        x += width + 1;
    }
    None
}

/// Each tab's title as drawn in `width` columns: number key and name, then
/// short names, then only the selected tab named, as room runs out.
pub fn tab_labels(width: u16, selected: Tab) -> Vec<String> {
    let fits = |labels: &[String]| {
        labels.iter().map(|l| l.chars().count() + 1).sum::<usize>() <= usize::from(width) + 1
    };
    let numbered = |title: &dyn Fn(Tab) -> &'static str| -> Vec<String> {
        Tab::ALL
            .iter()
            .enumerate()
            .map(|(i, t)| format!(" {} {} ", i + 1, title(*t)))
            .collect()
    };
    let full = numbered(&Tab::title);
    if fits(&full) {
        return full;
    }
    let short = numbered(&Tab::short_title);
    if fits(&short) {
        return short;
    }
    Tab::ALL
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if *t == selected {
                format!(" {} {} ", i + 1, t.title())
            } else {
                format!(" {} ", i + 1)
            }
        })
        .collect()
}

/// Lines the help overlay can scroll by on a screen this tall: its lines
/// and borders beyond the screen's height.
pub fn help_max_scroll(screen_height: u16) -> u16 {
    let lines = u16::try_from(super::keymap::help_lines().len()).unwrap_or(u16::MAX);
    lines.saturating_add(2).saturating_sub(screen_height)
}
