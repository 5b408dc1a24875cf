//! The line collector every renderer writes into: it enforces the line cap
//! and remembers where in the displayed bytes output stopped.

use ratatui::text::Line;

/// Collects display lines up to a cap. Once a renderer asks for room past
/// the cap, the sink records the byte offset (into the bytes being
/// displayed) of the first line that was not shown and refuses all later
/// lines.
#[derive(Debug)]
pub struct Sink {
    lines: Vec<Line<'static>>,
    cap: usize,
    cut: Option<usize>,
}

impl Sink {
    pub fn new(cap: usize) -> Self {
        Self {
            lines: Vec::new(),
            cap,
            cut: None,
        }
    }

    /// Whether a line starting at byte `at` may be pushed. When the cap is
    /// reached this records `at` as the cut point and answers false from
    /// then on, so renderers can skip building lines nobody will see.
    pub fn room(&mut self, at: usize) -> bool {
        if self.cut.is_some() {
            return false;
        }
        if self.lines.len() >= self.cap {
            self.cut = Some(at);
            return false;
        }
        true
    }

    /// Pushes a line that starts at byte `at`; returns false (dropping the
    /// line) when there is no room.
    pub fn push(&mut self, at: usize, line: Line<'static>) -> bool {
        if self.room(at) {
            self.lines.push(line);
            true
        } else {
            false
        }
    }

    /// Offset of the first byte whose line was not shown, if output was cut.
    pub fn cut(&self) -> Option<usize> {
        self.cut
    }

    /// The line cap this sink was made with.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// How many more lines fit.
    pub fn remaining(&self) -> usize {
        if self.cut.is_some() {
            0
        } else {
            self.cap.saturating_sub(self.lines.len())
        }
    }

    pub fn into_lines(self) -> Vec<Line<'static>> {
        self.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_at_cap_and_remembers_the_first_refused_offset() {
        let mut sink = Sink::new(2);
        assert!(sink.push(0, Line::raw("a")));
        assert!(sink.push(2, Line::raw("b")));
        assert!(!sink.push(4, Line::raw("c")));
        assert!(!sink.push(6, Line::raw("d")));
        assert_eq!(sink.cut(), Some(4));
        assert_eq!(sink.remaining(), 0);
        assert_eq!(sink.into_lines().len(), 2);
    }

    #[test]
    fn zero_cap_shows_nothing() {
        let mut sink = Sink::new(0);
        assert!(!sink.room(0));
        assert_eq!(sink.cut(), Some(0));
        assert!(sink.into_lines().is_empty());
    }
}
