//! Low-level SVG text: escaping, numbers and edge paths.

use std::fmt::Write;

use super::layered::Point;

/// Escapes text for XML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal.
pub fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

/// A path through `points`: straight where level, otherwise a curve that
/// leaves and arrives vertically, so edges flow down between layers.
pub fn edge_path(points: &[Point]) -> String {
    let mut d = String::new();
    let Some(first) = points.first() else {
        return d;
    };
    let _ = write!(d, "M{},{}", num(first.x), num(first.y));
    for pair in points.windows(2) {
        let (p, q) = (pair[0], pair[1]);
        if (q.y - p.y).abs() < 1.0 || (q.x - p.x).abs() < 1.0 {
            let _ = write!(d, " L{},{}", num(q.x), num(q.y));
        } else {
            let mid = (p.y + q.y) / 2.0;
            let _ = write!(
                d,
                " C{},{} {},{} {},{}",
                num(p.x),
                num(mid),
                num(q.x),
                num(mid),
                num(q.x),
                num(q.y)
            );
        }
    }
    d
}
