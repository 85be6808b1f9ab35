//! Sizes of what is drawn, shared by the layout and the SVG renderer so
//! text always fits its box. Text width is estimated from the character
//! count: the page's fonts are not known on the server.

use super::layered::Size;

/// Height of a state box.
pub const NODE_HEIGHT: f64 = 44.0;
/// Narrowest state box.
pub const NODE_MIN_WIDTH: f64 = 110.0;
/// Widest state box (longer names are cut, the full name is in a tooltip).
pub const NODE_MAX_WIDTH: f64 = 250.0;
/// Space left and right of a state's name.
pub const NODE_PADDING: f64 = 14.0;
/// Estimated width of one character of a state name (13px).
pub const NAME_CHAR_WIDTH: f64 = 7.6;
/// Estimated width of one character of an edge label (11px).
pub const LABEL_CHAR_WIDTH: f64 = 6.4;
/// Height of an edge label's box.
pub const LABEL_HEIGHT: f64 = 16.0;
/// Longest edge label shown (the full text is in a tooltip).
pub const LABEL_MAX_CHARS: usize = 36;
/// Height of a Parallel or Map state's title bar.
pub const CONTAINER_HEADER: f64 = 30.0;
/// Space around the groups inside a Parallel or Map state.
pub const CONTAINER_PADDING: f64 = 10.0;
/// Height of a group's label line.
pub const GROUP_LABEL: f64 = 18.0;
/// Space between groups side by side.
pub const GROUP_GAP: f64 = 14.0;
/// Space around a scope's content.
pub const SCOPE_MARGIN: f64 = 12.0;
/// Size of the Start and End markers of the state machine.
pub const TOP_TERMINAL: Size = Size {
    width: 64.0,
    height: 26.0,
};
/// Size of the start and end dots of a branch or item processor.
pub const NESTED_TERMINAL: Size = Size {
    width: 14.0,
    height: 14.0,
};

/// The most characters of a state name that fit the widest box.
pub fn name_max_chars() -> usize {
    ((NODE_MAX_WIDTH - 2.0 * NODE_PADDING) / NAME_CHAR_WIDTH) as usize
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// Width of the box of a state named `name` (before its groups).
pub fn name_width(name: &str) -> f64 {
    let shown = shorten(name, name_max_chars());
    (shown.chars().count() as f64 * NAME_CHAR_WIDTH + 2.0 * NODE_PADDING)
        .clamp(NODE_MIN_WIDTH, NODE_MAX_WIDTH)
}

/// The label text as drawn.
pub fn label_text(label: &str) -> String {
    shorten(label, LABEL_MAX_CHARS)
}

/// Size of the box of an edge label.
pub fn label_size(label: &str) -> Size {
    Size {
        width: label_text(label).chars().count() as f64 * LABEL_CHAR_WIDTH + 10.0,
        height: LABEL_HEIGHT,
    }
}
