//! The graph as an SVG document. Every state is a
//! `<g id="state-NAME" class="state type-task" data-state="NAME">`, every
//! transition a `<g class="edge edge-next" data-from data-to>`, so a page
//! shows what happened by toggling classes, with no layout in the browser.

use std::fmt::Write;

use super::layered::RoutedEdge;
use super::layout::{layout_graph, NodeLayout, Rect, ScopeLayout};
use super::metrics::{label_size, label_text, name_max_chars, shorten, GROUP_LABEL, LABEL_HEIGHT};
use super::model::{EdgeKind, Graph, Node, Scope};
use super::svg::{edge_path, escape, num};

/// Renders `graph` as a standalone SVG document sized to its content.
pub fn render_svg(graph: &Graph) -> String {
    let layout = layout_graph(graph);
    let (width, height) = (num(layout.width), num(layout.height));
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="sfn-graph" width="{width}" height="{height}" viewBox="0 0 {width} {height}" data-width="{width}" data-height="{height}" role="img" aria-label="State machine graph">"#
    );
    out.push_str(concat!(
        r#"<defs>"#,
        r#"<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker>"#,
        r#"<marker id="arrow-catch" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head arrow-head-catch"/></marker>"#,
        r#"</defs>"#
    ));
    render_scope(&mut out, &graph.root, &layout, true);
    out.push_str("</svg>");
    out
}

fn render_scope(out: &mut String, scope: &Scope, layout: &ScopeLayout, top_level: bool) {
    out.push_str(r#"<g class="scope">"#);
    for (edge, routed) in scope.edges.iter().zip(&layout.edges) {
        if routed.points.len() < 2 {
            continue;
        }
        let class = format!(
            "edge edge-{}{}",
            edge.kind.as_str(),
            if routed.backwards { " edge-back" } else { "" }
        );
        let _ = write!(
            out,
            r#"<g class="{class}" data-from="{}" data-to="{}">"#,
            escape(&edge.from),
            escape(&edge.to)
        );
        let marker = if edge.kind == EdgeKind::Catch {
            "arrow-catch"
        } else {
            "arrow"
        };
        let _ = write!(
            out,
            r#"<path d="{}" marker-end="url(#{marker})"/>"#,
            edge_path(&routed.points)
        );
        if let (Some(label), Some(at)) = (&edge.label, routed.label) {
            let shown = label_text(label);
            let width = label_size(label).width;
            let _ = write!(
                out,
                r#"<g class="edge-label" transform="translate({},{})"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="3"/><text text-anchor="middle" y="4">{}</text></g>"#,
                num(at.x),
                num(at.y),
                escape(label),
                num(-width / 2.0),
                num(-LABEL_HEIGHT / 2.0),
                num(width),
                num(LABEL_HEIGHT),
                escape(&shown)
            );
        }
        out.push_str("</g>");
    }
    for routed in &layout.terminal_edges {
        render_terminal_edge(out, routed);
    }
    render_terminal(out, &layout.start, "start", top_level);
    if let Some(end) = &layout.end {
        render_terminal(out, end, "end", top_level);
    }
    for (node, placed) in scope.nodes.iter().zip(&layout.nodes) {
        render_node(out, node, placed);
    }
    out.push_str("</g>");
}

fn render_terminal_edge(out: &mut String, routed: &RoutedEdge) {
    if routed.points.len() >= 2 {
        let _ = write!(
            out,
            r#"<g class="edge edge-terminal"><path d="{}" marker-end="url(#arrow)"/></g>"#,
            edge_path(&routed.points)
        );
    }
}

fn render_terminal(out: &mut String, rect: &Rect, which: &str, top_level: bool) {
    if top_level {
        let text = if which == "start" { "Start" } else { "End" };
        let _ = write!(
            out,
            r#"<g class="terminal terminal-{which}" transform="translate({},{})"><rect width="{}" height="{}" rx="{}"/><text x="{}" y="{}" text-anchor="middle">{text}</text></g>"#,
            num(rect.x),
            num(rect.y),
            num(rect.width),
            num(rect.height),
            num(rect.height / 2.0),
            num(rect.width / 2.0),
            num(rect.height / 2.0 + 4.0),
        );
    } else {
        let _ = write!(
            out,
            r#"<circle class="terminal terminal-{which}" cx="{}" cy="{}" r="{}"/>"#,
            num(rect.x + rect.width / 2.0),
            num(rect.y + rect.height / 2.0),
            num(rect.width / 2.0),
        );
    }
}

fn render_node(out: &mut String, node: &Node, placed: &NodeLayout) {
    let rect = &placed.rect;
    let name = escape(&node.name);
    let type_class = node.state_type.to_ascii_lowercase();
    let mut class = format!("state type-{type_class}");
    if node.start {
        class.push_str(" start");
    }
    if node.end {
        class.push_str(" end");
    }
    if !node.groups.is_empty() {
        class.push_str(" container");
    }
    let _ = write!(
        out,
        r#"<g id="state-{name}" class="{class}" data-state="{name}" data-type="{}" transform="translate({},{})">"#,
        node.state_type,
        num(rect.x),
        num(rect.y)
    );
    let _ = write!(out, "<title>{name} ({})</title>", node.state_type);
    let _ = write!(
        out,
        r#"<rect class="box" width="{}" height="{}" rx="6"/>"#,
        num(rect.width),
        num(rect.height)
    );
    let shown = escape(&shorten(&node.name, name_max_chars()));
    if node.groups.is_empty() {
        let _ = write!(
            out,
            r#"<text class="state-name" x="{x}" y="19" text-anchor="middle">{shown}</text><text class="state-type" x="{x}" y="34" text-anchor="middle">{}</text>"#,
            node.state_type,
            x = num(rect.width / 2.0),
        );
    } else {
        let _ = write!(
            out,
            r#"<text class="state-name" x="12" y="20">{shown}</text><text class="state-type" x="{}" y="20" text-anchor="end">{}</text>"#,
            num(rect.width - 12.0),
            node.state_type,
        );
    }
    if !node.retries.is_empty() {
        let _ = write!(
            out,
            r#"<g class="badge retry-badge" transform="translate({},0)"><title>Retry: {}</title><circle r="9"/><text y="4" text-anchor="middle">↻</text></g>"#,
            num(rect.width - 8.0),
            escape(&node.retries.join("; "))
        );
    }
    // The status badge is filled in by the execution page.
    let _ = write!(
        out,
        r#"<text class="state-note" x="{}" y="{}" text-anchor="end"></text>"#,
        num(rect.width - 4.0),
        num(rect.height + 12.0)
    );
    for (group, layout) in node.groups.iter().zip(&placed.groups) {
        let r = &layout.rect;
        let inset = (r.width - layout.scope.width) / 2.0;
        let _ = write!(
            out,
            r#"<g class="group" transform="translate({},{})"><rect class="group-box" width="{}" height="{}" rx="4"/><text class="group-label" x="8" y="13">{}</text><g transform="translate({},{})">"#,
            num(r.x),
            num(r.y),
            num(r.width),
            num(r.height),
            escape(&group.label),
            num(inset),
            num(GROUP_LABEL)
        );
        render_scope(out, &group.scope, &layout.scope, false);
        out.push_str("</g></g>");
    }
    out.push_str("</g>");
}
