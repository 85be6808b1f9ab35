//! Coordinates: layers stacked top to bottom, vertices pulled towards the
//! vertices they link to while keeping their order and spacing.

use super::order::Expanded;
use super::Point;

/// Vertical space between two layers.
const LAYER_GAP: f64 = 18.0;
/// Horizontal space between two states.
const VERTEX_GAP: f64 = 28.0;
/// Horizontal space next to a dummy vertex.
const DUMMY_GAP: f64 = 10.0;
/// Alignment passes (alternately by the layer above and below).
const PASSES: usize = 12;

/// Vertex centres and the size of the box holding them.
pub struct Placed {
    /// Centre of every vertex (dummies included).
    pub centers: Vec<Point>,
    /// Top and bottom of each layer.
    pub layer_spans: Vec<(f64, f64)>,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// Places every vertex of `graph`.
pub fn place(graph: &Expanded) -> Placed {
    // Start packed from the left: a spacing every later move keeps.
    let mut x = vec![0.0; graph.sizes.len()];
    for layer in &graph.layers {
        let mut at = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                let before = layer[i - 1];
                at += (graph.sizes[before].width + graph.sizes[v].width) / 2.0 + VERTEX_GAP;
            }
            x[v] = at;
        }
    }
    for pass in 0..PASSES {
        let downwards = pass % 2 == 0;
        let order: Vec<usize> = if downwards {
            (0..graph.layers.len()).collect()
        } else {
            (0..graph.layers.len()).rev().collect()
        };
        for l in order {
            let layer = &graph.layers[l];
            let wanted: Vec<f64> = layer
                .iter()
                .map(|&v| {
                    let line = |n: usize| x[n] + graph.anchor[n];
                    let pulls: Vec<(f64, f64)> = if downwards {
                        graph.above[v]
                            .iter()
                            .map(|&n| (line(n), graph.link_weight(n, v)))
                            .collect()
                    } else {
                        graph.below[v]
                            .iter()
                            .map(|&n| (line(n), graph.link_weight(v, n)))
                            .collect()
                    };
                    weighted_median(pulls).map_or(x[v], |at| at - graph.anchor[v])
                })
                .collect();
            spread(graph, layer, &wanted, &mut x);
        }
    }
    let left = (0..x.len())
        .map(|v| x[v] - graph.sizes[v].width / 2.0)
        .fold(f64::INFINITY, f64::min);
    let right = (0..x.len())
        .map(|v| x[v] + graph.sizes[v].width / 2.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut centers = vec![Point::default(); x.len()];
    let mut top = 0.0;
    let mut layer_spans = Vec::with_capacity(graph.layers.len());
    for layer in &graph.layers {
        let height = layer
            .iter()
            .map(|&v| graph.sizes[v].height)
            .fold(0.0, f64::max);
        for &v in layer {
            centers[v] = Point {
                x: x[v] - left,
                y: top + height / 2.0,
            };
        }
        layer_spans.push((top, top + height));
        top += height + LAYER_GAP;
    }
    Placed {
        centers,
        layer_spans,
        width: (right - left).max(0.0),
        height: (top - LAYER_GAP).max(0.0),
    }
}

/// The position that half the pull's weight lies on either side of. A
/// median, not a mean: one heavy link (the next state) decides, and
/// light ones far away (error paths) cannot drag a vertex off its line.
fn weighted_median(mut pulls: Vec<(f64, f64)>) -> Option<f64> {
    pulls.retain(|p| p.1 > 0.0);
    pulls.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = pulls.iter().map(|p| p.1).sum();
    let mut below = 0.0;
    for (i, &(at, weight)) in pulls.iter().enumerate() {
        below += weight;
        if (below - total / 2.0).abs() < 1e-9 {
            // Exactly balanced: midway between this one and the next.
            return Some(pulls.get(i + 1).map_or(at, |next| (at + next.0) / 2.0));
        }
        if below > total / 2.0 {
            return Some(at);
        }
    }
    None
}

/// Moves the vertices of `layer` towards `wanted`, keeping their order
/// and spacing, the heaviest first: a vertex may push lighter ones aside
/// but never heavier ones already placed, so the main path stays straight
/// and error paths make room (Sugiyama's priority method).
fn spread(graph: &Expanded, layer: &[usize], wanted: &[f64], x: &mut [f64]) {
    let n = layer.len();
    if n == 0 {
        return;
    }
    // offset[i]: the least distance from the first vertex to vertex i.
    let mut offset = vec![0.0; n];
    for i in 1..n {
        let (a, b) = (layer[i - 1], layer[i]);
        let space = if a < graph.real && b < graph.real {
            VERTEX_GAP
        } else {
            DUMMY_GAP
        };
        offset[i] = offset[i - 1] + (graph.sizes[a].width + graph.sizes[b].width) / 2.0 + space;
    }
    let mut by_priority: Vec<usize> = (0..n).collect();
    by_priority.sort_by(|&a, &b| {
        graph
            .priority(layer[b])
            .total_cmp(&graph.priority(layer[a]))
            .then(a.cmp(&b))
    });
    let mut fixed = vec![false; n];
    for i in by_priority {
        let low = (0..i)
            .filter(|&j| fixed[j])
            .map(|j| x[layer[j]] + offset[i] - offset[j])
            .fold(f64::NEG_INFINITY, f64::max);
        let high = (i + 1..n)
            .filter(|&j| fixed[j])
            .map(|j| x[layer[j]] - (offset[j] - offset[i]))
            .fold(f64::INFINITY, f64::min);
        x[layer[i]] = wanted[i].max(low).min(high);
        fixed[i] = true;
        for k in i + 1..n {
            let least = x[layer[k - 1]] + offset[k] - offset[k - 1];
            if x[layer[k]] >= least {
                break;
            }
            x[layer[k]] = least;
        }
        for k in (0..i).rev() {
            let most = x[layer[k + 1]] - (offset[k + 1] - offset[k]);
            if x[layer[k]] <= most {
                break;
            }
            x[layer[k]] = most;
        }
    }
}
