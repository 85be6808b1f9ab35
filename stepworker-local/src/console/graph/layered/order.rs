//! The layered graph with dummy vertices, and the order within each layer.

use std::collections::{HashMap, VecDeque};

use super::rank::Ranking;
use super::{InputEdge, Size};

/// Width of the dummy vertex an unlabelled edge passes through.
const DUMMY_WIDTH: f64 = 8.0;
/// Barycenter sweeps tried (the best order found is kept).
const SWEEPS: usize = 8;
/// How far into its label an edge line runs.
const LABEL_INSET: f64 = 4.0;
/// How much less a loop's edge pulls than a forward edge.
const BACKWARDS_WEIGHT: f64 = 0.25;

/// The graph with a vertex on every rank an edge crosses, so every link
/// joins adjacent layers.
pub struct Expanded {
    /// Sizes of all vertices: the input's, then the dummies'.
    pub sizes: Vec<Size>,
    /// Rank of each vertex.
    pub layer_of: Vec<usize>,
    /// The vertices of each layer, left to right.
    pub layers: Vec<Vec<usize>>,
    /// Links to the next layer.
    pub below: Vec<Vec<usize>>,
    /// Links to the previous layer.
    pub above: Vec<Vec<usize>>,
    /// Where the edge line crosses each vertex, from its centre: a label
    /// hangs to the left of its edge, so edges that run side by side to
    /// one target (catches to a shared handler) stay close together.
    pub anchor: Vec<f64>,
    /// Weight of each link, by `(upper, lower)` vertex.
    pub weight: HashMap<(usize, usize), f64>,
    /// Per input edge, its vertices from the upper end to the lower end
    /// (empty for a self-loop).
    pub chains: Vec<Vec<usize>>,
    /// Per input edge: laid out upside down (it closes a cycle).
    pub reversed: Vec<bool>,
    /// Vertices of the input (the rest are dummies).
    pub real: usize,
}

impl Expanded {
    /// Adds the dummy vertices of every edge; a labelled edge's first
    /// dummy carries its label's size.
    pub fn build(sizes: &[Size], edges: &[InputEdge], ranking: &Ranking) -> Self {
        let mut graph = Self {
            sizes: sizes.to_vec(),
            layer_of: ranking.rank.clone(),
            layers: Vec::new(),
            below: vec![Vec::new(); sizes.len()],
            above: vec![Vec::new(); sizes.len()],
            anchor: vec![0.0; sizes.len()],
            weight: HashMap::new(),
            chains: Vec::with_capacity(edges.len()),
            reversed: ranking.reversed.clone(),
            real: sizes.len(),
        };
        for (i, edge) in edges.iter().enumerate() {
            if edge.from == edge.to {
                graph.chains.push(Vec::new());
                continue;
            }
            let (top, bottom) = if ranking.reversed[i] {
                (edge.to, edge.from)
            } else {
                (edge.from, edge.to)
            };
            // The label goes next to the edge's source.
            let label_rank = if ranking.reversed[i] {
                ranking.rank[bottom].saturating_sub(1)
            } else {
                ranking.rank[top] + 1
            };
            let weight = if ranking.reversed[i] {
                edge.weight * BACKWARDS_WEIGHT
            } else {
                edge.weight
            };
            let mut chain = vec![top];
            for rank in ranking.rank[top] + 1..ranking.rank[bottom] {
                let (size, anchor) = match edge.label {
                    Some(label) if rank == label_rank => (label, label.width / 2.0 - LABEL_INSET),
                    _ => (
                        Size {
                            width: DUMMY_WIDTH,
                            height: 0.0,
                        },
                        0.0,
                    ),
                };
                chain.push(graph.add_dummy(size, anchor, rank));
            }
            chain.push(bottom);
            for pair in chain.windows(2) {
                graph.below[pair[0]].push(pair[1]);
                graph.above[pair[1]].push(pair[0]);
                *graph.weight.entry((pair[0], pair[1])).or_insert(0.0) += weight;
            }
            graph.chains.push(chain);
        }
        let depth = graph.layer_of.iter().max().map_or(0, |m| m + 1);
        graph.layers = vec![Vec::new(); depth];
        graph
    }

    fn add_dummy(&mut self, size: Size, anchor: f64, rank: usize) -> usize {
        self.sizes.push(size);
        self.anchor.push(anchor);
        self.layer_of.push(rank);
        self.below.push(Vec::new());
        self.above.push(Vec::new());
        self.sizes.len() - 1
    }

    /// Orders each layer: first by first appearance in a breadth-first
    /// walk from `root`, then by barycenter sweeps while they reduce
    /// crossings.
    pub fn order(&mut self, root: usize) {
        let seen = self.appearance(root);
        let mut vertices: Vec<usize> = (0..self.sizes.len()).collect();
        vertices.sort_by_key(|&v| seen[v]);
        for v in vertices {
            self.layers[self.layer_of[v]].push(v);
        }
        let mut best = self.layers.clone();
        let mut best_crossings = self.crossings();
        for sweep in 0..SWEEPS {
            self.sweep(sweep % 2 == 0);
            let crossings = self.crossings();
            if crossings < best_crossings {
                best_crossings = crossings;
                best = self.layers.clone();
            }
        }
        self.layers = best;
    }

    /// Order of first visit, walking down links from `root` first.
    fn appearance(&self, root: usize) -> Vec<usize> {
        let mut seen = vec![usize::MAX; self.sizes.len()];
        let mut count = 0;
        for start in std::iter::once(root).chain(0..self.real) {
            if seen[start] != usize::MAX {
                continue;
            }
            seen[start] = count;
            count += 1;
            let mut queue = VecDeque::from([start]);
            while let Some(v) = queue.pop_front() {
                for &next in self.below[v].iter().chain(&self.above[v]) {
                    if seen[next] == usize::MAX {
                        seen[next] = count;
                        count += 1;
                        queue.push_back(next);
                    }
                }
            }
        }
        seen
    }

    /// One barycenter pass, downwards (by the layer above) or upwards.
    fn sweep(&mut self, downwards: bool) {
        let depth = self.layers.len();
        let mut position = self.positions();
        let layers: Vec<usize> = if downwards {
            (1..depth).collect()
        } else {
            (0..depth.saturating_sub(1)).rev().collect()
        };
        for layer in layers {
            let mut keyed: Vec<(f64, usize)> = self.layers[layer]
                .iter()
                .map(|&v| {
                    let neighbours = if downwards {
                        &self.above[v]
                    } else {
                        &self.below[v]
                    };
                    let key = if neighbours.is_empty() {
                        position[v] as f64
                    } else {
                        neighbours.iter().map(|&n| position[n] as f64).sum::<f64>()
                            / neighbours.len() as f64
                    };
                    (key, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            self.layers[layer] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in self.layers[layer].iter().enumerate() {
                position[v] = i;
            }
        }
    }

    /// Weight of the link from `upper` down to `lower`.
    pub fn link_weight(&self, upper: usize, lower: usize) -> f64 {
        self.weight.get(&(upper, lower)).copied().unwrap_or(0.0)
    }

    /// How much `v` is pulled by its links: heavier vertices keep their
    /// place when a layer is crowded.
    pub fn priority(&self, v: usize) -> f64 {
        let above: f64 = self.above[v].iter().map(|&u| self.link_weight(u, v)).sum();
        let below: f64 = self.below[v].iter().map(|&w| self.link_weight(v, w)).sum();
        above + below
    }

    /// Index of each vertex within its layer.
    pub fn positions(&self) -> Vec<usize> {
        let mut position = vec![0; self.sizes.len()];
        for layer in &self.layers {
            for (i, &v) in layer.iter().enumerate() {
                position[v] = i;
            }
        }
        position
    }

    /// Edge crossings between all pairs of adjacent layers.
    fn crossings(&self) -> usize {
        let position = self.positions();
        let mut total = 0;
        for layer in &self.layers {
            let links: Vec<(usize, usize)> = layer
                .iter()
                .flat_map(|&v| self.below[v].iter().map(move |&w| (v, w)))
                .map(|(v, w)| (position[v], position[w]))
                .collect();
            for (i, a) in links.iter().enumerate() {
                total += links[i + 1..]
                    .iter()
                    .filter(|b| (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1))
                    .count();
            }
        }
        total
    }
}
