//! Positions for a [`Graph`]: each scope is laid out in layers, and a
//! Parallel or Map state becomes a box holding its groups side by side,
//! each laid out the same way.

use std::collections::HashMap;

use super::layered::{self, InputEdge, Point, RoutedEdge, Size};
use super::metrics::*;
use super::model::{EdgeKind, Graph, Node, Scope};

/// A rectangle: top-left corner and size.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

#[cfg(test)]
impl Rect {
    /// True if the two rectangles share some area.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }
}

/// A scope laid out; coordinates are relative to its top-left corner.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ScopeLayout {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// One per node of the scope, same order.
    pub nodes: Vec<NodeLayout>,
    /// One per edge of the scope, same order (no points if the edge names
    /// a state the scope does not have).
    pub edges: Vec<RoutedEdge>,
    /// The start marker.
    pub start: Rect,
    /// The end marker, if some state ends the scope.
    pub end: Option<Rect>,
    /// Start marker to the `StartAt` state, then each ending state to the
    /// end marker.
    pub terminal_edges: Vec<RoutedEdge>,
}

/// A state's box.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NodeLayout {
    /// Where, relative to the scope.
    pub rect: Rect,
    /// Its groups, relative to the state's box.
    pub groups: Vec<GroupLayout>,
}

/// A group's box inside its state.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct GroupLayout {
    /// Where, relative to the state's box.
    pub rect: Rect,
    /// Its scope, drawn at `rect` moved down by the group label.
    pub scope: ScopeLayout,
}

/// How strongly an edge pulls its states into line: the happy path is
/// drawn straight, error paths bend around it.
fn weight(kind: EdgeKind) -> f64 {
    match kind {
        EdgeKind::Next => 8.0,
        EdgeKind::Default => 4.0,
        EdgeKind::Choice => 2.0,
        EdgeKind::Catch => 0.5,
    }
}

/// Edges to the End marker barely pull: ends are scattered.
const TERMINAL_WEIGHT: f64 = 0.5;

/// Lays out the whole graph.
pub fn layout_graph(graph: &Graph) -> ScopeLayout {
    layout_scope(&graph.root, true)
}

fn layout_scope(scope: &Scope, top_level: bool) -> ScopeLayout {
    let mut nodes: Vec<NodeLayout> = scope.nodes.iter().map(size_node).collect();
    let n = nodes.len();
    let start = n;
    let end = n + 1;
    let has_end = scope.nodes.iter().any(|node| node.end);
    let terminal = if top_level {
        TOP_TERMINAL
    } else {
        NESTED_TERMINAL
    };
    let mut sizes: Vec<Size> = nodes
        .iter()
        .map(|node| Size {
            width: node.rect.width,
            height: node.rect.height,
        })
        .collect();
    sizes.push(terminal);
    if has_end {
        sizes.push(terminal);
    }

    let index: HashMap<&str, usize> = scope
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| (node.name.as_str(), i))
        .collect();
    // Scope edges first (same order as the model), then the terminal edges.
    let mut edges = Vec::new();
    let mut scope_edge_slot = Vec::with_capacity(scope.edges.len());
    for edge in &scope.edges {
        match (index.get(edge.from.as_str()), index.get(edge.to.as_str())) {
            (Some(&from), Some(&to)) => {
                scope_edge_slot.push(Some(edges.len()));
                edges.push(InputEdge {
                    from,
                    to,
                    label: edge.label.as_deref().map(label_size),
                    weight: weight(edge.kind),
                });
            }
            _ => scope_edge_slot.push(None),
        }
    }
    let terminal_from = edges.len();
    let starts = scope.nodes.iter().position(|node| node.start);
    if let Some(first) = starts {
        edges.push(InputEdge {
            from: start,
            to: first,
            label: None,
            weight: weight(EdgeKind::Next),
        });
    }
    if has_end {
        for (i, node) in scope.nodes.iter().enumerate() {
            if node.end {
                edges.push(InputEdge {
                    from: i,
                    to: end,
                    label: None,
                    weight: TERMINAL_WEIGHT,
                });
            }
        }
    }

    let placed = layered::layout(&sizes, &edges, start);
    let shift = |p: Point| Point {
        x: p.x + SCOPE_MARGIN,
        y: p.y + SCOPE_MARGIN,
    };
    let rect_at = |v: usize| {
        let c = shift(placed.centers[v]);
        Rect {
            x: c.x - sizes[v].width / 2.0,
            y: c.y - sizes[v].height / 2.0,
            width: sizes[v].width,
            height: sizes[v].height,
        }
    };
    for (i, node) in nodes.iter_mut().enumerate() {
        node.rect = rect_at(i);
    }
    let moved = |edge: &RoutedEdge| RoutedEdge {
        points: edge.points.iter().copied().map(shift).collect(),
        label: edge.label.map(shift),
        backwards: edge.backwards,
    };
    ScopeLayout {
        width: placed.width + 2.0 * SCOPE_MARGIN,
        height: placed.height + 2.0 * SCOPE_MARGIN,
        edges: scope_edge_slot
            .iter()
            .map(|slot| slot.map(|i| moved(&placed.edges[i])).unwrap_or_default())
            .collect(),
        start: rect_at(start),
        end: has_end.then(|| rect_at(end)),
        terminal_edges: placed.edges[terminal_from..].iter().map(moved).collect(),
        nodes,
    }
}

/// A node's size, laying out its groups first (positions come later).
fn size_node(node: &Node) -> NodeLayout {
    let name_width = name_width(&node.name);
    if node.groups.is_empty() {
        return NodeLayout {
            rect: Rect {
                width: name_width,
                height: NODE_HEIGHT,
                ..Rect::default()
            },
            groups: Vec::new(),
        };
    }
    let mut groups = Vec::with_capacity(node.groups.len());
    let mut x = CONTAINER_PADDING;
    let mut tallest: f64 = 0.0;
    for group in &node.groups {
        let scope = layout_scope(&group.scope, false);
        let label_width = label_size(&group.label).width + 2.0 * CONTAINER_PADDING;
        let rect = Rect {
            x,
            y: CONTAINER_HEADER,
            width: scope.width.max(label_width),
            height: scope.height + GROUP_LABEL,
        };
        x += rect.width + GROUP_GAP;
        tallest = tallest.max(rect.height);
        groups.push(GroupLayout { rect, scope });
    }
    let content_width = x - GROUP_GAP + CONTAINER_PADDING;
    let width = content_width.max(name_width);
    // Centre the groups when the name is wider than they are.
    let offset = (width - content_width) / 2.0;
    for group in &mut groups {
        group.rect.x += offset;
        // Groups side by side share one height, like table columns.
        group.rect.height = tallest;
    }
    NodeLayout {
        rect: Rect {
            width,
            height: CONTAINER_HEADER + tallest + CONTAINER_PADDING,
            ..Rect::default()
        },
        groups,
    }
}
