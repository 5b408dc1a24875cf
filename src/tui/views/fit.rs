//! Fitting text into a number of terminal columns: the end of a long input
//! (where the cursor is) and an error wrapped over several lines.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The end of `text` that fits in `width` columns, after a `…` when cut.
pub fn tail(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut room = width.saturating_sub(1);
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| {
            let w = c.width().unwrap_or(0);
            let fits = w <= room;
            room = room.saturating_sub(w);
            fits
        })
        .last()
        .map_or(text.len(), |(i, _)| i);
    format!("…{}", &text[start..])
}

/// `text` cut into lines of at most `width` columns.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width && used > 0 {
            lines.push(String::new());
            used = 0;
        }
        if let Some(line) = lines.last_mut() {
            line.push(c);
        }
        used += w;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_long_input_keeps_its_end() {
        assert_eq!(tail("method:POST", 20), "method:POST");
        assert_eq!(tail("method:POST sig:nope", 10), "… sig:nope");
        assert_eq!(tail("ab日本", 4), "…本");
    }

    #[test]
    fn an_error_wraps_at_the_width() {
        assert_eq!(wrap("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(wrap("", 4), [""]);
        assert_eq!(wrap("日本語", 4), ["日本", "語"]);
    }

    proptest! {
        #[test]
        fn what_is_fitted_fits_and_keeps_the_text(text in "\\PC{0,60}", width in 0usize..30) {
            let end = tail(&text, width);
            prop_assert!(end.width() <= width);
            prop_assert!(text.ends_with(end.trim_start_matches('…')));
            let lines = wrap(&text, width);
            prop_assert_eq!(lines.concat(), text.clone());
            for line in &lines {
                // A character wider than the line still gets one.
                prop_assert!(line.width() <= width.max(1) || line.chars().count() == 1);
            }
        }
    }
}
