//! A small layered (Sugiyama-style) layout for directed graphs that may
//! have cycles: break cycles, rank by longest path, order each layer by
//! first appearance then barycenters, place, and route edges through
//! their dummy vertices.
//!
//! Every edge spans two ranks, so each edge has a vertex in the layer
//! between its ends; a labelled edge's vertex is its label, sized, which
//! keeps labels from overlapping states or each other.

mod order;
mod position;
mod rank;

use order::Expanded;

/// A width and height, in SVG user units.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Size {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// A point, in SVG user units.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Point {
    /// Horizontal, growing to the right.
    pub x: f64,
    /// Vertical, growing downwards.
    pub y: f64,
}

/// An edge of the graph to lay out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InputEdge {
    /// Source vertex index.
    pub from: usize,
    /// Target vertex index.
    pub to: usize,
    /// The size of the edge's label, if it has one.
    pub label: Option<Size>,
    /// How strongly the edge pulls its ends into line (the main path of
    /// a workflow weighs more than its error paths).
    pub weight: f64,
}

/// An edge as drawn.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RoutedEdge {
    /// From the source's border to the target's border, through the
    /// layers in between.
    pub points: Vec<Point>,
    /// The centre of the label's box.
    pub label: Option<Point>,
    /// The edge points back up (it closes a loop).
    pub backwards: bool,
}

/// The result: vertex centres and routed edges, in a box from (0, 0).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Layered {
    /// Width of everything drawn.
    pub width: f64,
    /// Height of everything drawn.
    pub height: f64,
    /// The centre of each vertex, by input index.
    pub centers: Vec<Point>,
    /// Each edge, by input index.
    pub edges: Vec<RoutedEdge>,
}

/// How far a self-loop reaches out to the right of its vertex.
const SELF_LOOP_REACH: f64 = 28.0;

/// Lays out `sizes.len()` vertices joined by `edges`; `root` is ranked
/// first and its descendants are ordered from it.
pub fn layout(sizes: &[Size], edges: &[InputEdge], root: usize) -> Layered {
    if sizes.is_empty() {
        return Layered::default();
    }
    let pairs: Vec<(usize, usize)> = edges.iter().map(|e| (e.from, e.to)).collect();
    let ranking = rank::rank(sizes.len(), &pairs, root);
    let mut expanded = Expanded::build(sizes, edges, &ranking);
    expanded.order(root);
    let placed = position::place(&expanded);
    let routed = edges
        .iter()
        .enumerate()
        .map(|(i, edge)| route(&expanded, &placed.centers, &placed.layer_spans, i, edge))
        .collect::<Vec<_>>();
    let mut layered = Layered {
        width: placed.width,
        height: placed.height,
        centers: placed.centers[..sizes.len()].to_vec(),
        edges: routed,
    };
    fit_box(&mut layered, edges);
    layered
}

fn route(
    expanded: &Expanded,
    centers: &[Point],
    spans: &[(f64, f64)],
    index: usize,
    edge: &InputEdge,
) -> RoutedEdge {
    let size = |v: usize| expanded.sizes[v];
    let chain = &expanded.chains[index];
    if chain.len() < 2 {
        return self_loop(centers[edge.from], size(edge.from), edge.label);
    }
    // An edge crosses each layer in between straight down, from the
    // layer's top to its bottom, and only bends in the gaps: it never cuts
    // the corner of a state that shares a layer with it.
    let middle: Vec<Point> = chain[1..chain.len() - 1]
        .iter()
        .flat_map(|&v| {
            let x = centers[v].x + expanded.anchor[v];
            let (top, bottom) = spans[expanded.layer_of[v]];
            [Point { x, y: top }, Point { x, y: bottom }]
        })
        .collect();
    let backwards = expanded.reversed[index];
    // The label sits next to the edge's source: the first dummy, or the
    // last one of an edge laid out upside down.
    let inner = &chain[1..chain.len() - 1];
    let label = edge.label.and_then(|_| {
        let vertex = if backwards {
            inner.last()
        } else {
            inner.first()
        };
        vertex.map(|&v| centers[v])
    });
    let (top, bottom) = (chain[0], chain[chain.len() - 1]);
    let mut points = Vec::with_capacity(chain.len());
    if backwards {
        // Leave and enter off-centre, so a loop never hides the forward
        // edge between the same two states.
        let shift = |v: usize| size(v).width / 4.0;
        points.push(Point {
            x: centers[bottom].x + shift(bottom),
            y: centers[bottom].y - size(bottom).height / 2.0,
        });
        points.extend(middle.iter().rev());
        points.push(Point {
            x: centers[top].x + shift(top),
            y: centers[top].y + size(top).height / 2.0,
        });
    } else {
        points.push(Point {
            x: centers[top].x,
            y: centers[top].y + size(top).height / 2.0,
        });
        points.extend(middle);
        points.push(Point {
            x: centers[bottom].x,
            y: centers[bottom].y - size(bottom).height / 2.0,
        });
    }
    RoutedEdge {
        points,
        label,
        backwards,
    }
}

fn self_loop(center: Point, size: Size, label: Option<Size>) -> RoutedEdge {
    let right = center.x + size.width / 2.0;
    let reach = right + SELF_LOOP_REACH;
    let (above, below) = (center.y - size.height / 4.0, center.y + size.height / 4.0);
    RoutedEdge {
        points: vec![
            Point { x: right, y: above },
            Point { x: reach, y: above },
            Point { x: reach, y: below },
            Point { x: right, y: below },
        ],
        label: label.map(|l| Point {
            x: reach + l.width / 2.0 + 4.0,
            y: center.y,
        }),
        backwards: true,
    }
}

/// Grows the box to hold what sticks out of the layers (self-loops and
/// their labels).
fn fit_box(layered: &mut Layered, edges: &[InputEdge]) {
    for (routed, edge) in layered.edges.iter().zip(edges) {
        for p in &routed.points {
            layered.width = layered.width.max(p.x);
            layered.height = layered.height.max(p.y);
        }
        if let (Some(at), Some(size)) = (routed.label, edge.label) {
            layered.width = layered.width.max(at.x + size.width / 2.0);
            layered.height = layered.height.max(at.y + size.height / 2.0);
        }
    }
}
