//! Drawing: pure functions of `&App` into a frame.

mod detail;
pub mod fit;
mod header;
mod list;
mod overlay;
mod signature;
mod status;
mod tabs;

use ratatui::Frame;

use super::app::{App, Mode};

pub use status::height as status_height;
pub use tabs::len as tab_len;

pub fn render(frame: &mut Frame, app: &App) {
    let areas = app.areas();
    header::render(frame, areas.header, app);
    list::render(frame, &areas, app);
    detail::render(frame, &areas, app);
    status::render(frame, &areas, app);
    match app.mode {
        Mode::Help { scroll } => overlay::help(frame, scroll),
        Mode::CopyMenu => overlay::copy_menu(frame),
        Mode::Samples { selected } => overlay::samples(frame, selected),
        _ => {}
    }
    if let Some(editor) = &app.editor {
        overlay::editor(frame, &areas, editor);
    }
}
