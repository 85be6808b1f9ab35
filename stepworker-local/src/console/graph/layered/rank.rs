//! Ranks: which layer each vertex goes to.

use std::collections::VecDeque;

/// Ranks of the vertices, and which edges were turned around to make the
/// graph acyclic.
pub struct Ranking {
    /// Rank of each vertex; every edge spans at least two ranks.
    pub rank: Vec<usize>,
    /// Per edge: it closes a cycle and is laid out target-first.
    pub reversed: Vec<bool>,
}

/// Ranks by longest path after reversing the back edges of a depth-first
/// search from `root` (then from any vertex it did not reach).
pub fn rank(n: usize, edges: &[(usize, usize)], root: usize) -> Ranking {
    let reversed = back_edges(n, edges, root);
    let mut outgoing = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for (i, &(from, to)) in edges.iter().enumerate() {
        if from == to {
            continue;
        }
        let (a, b) = if reversed[i] { (to, from) } else { (from, to) };
        outgoing[a].push(b);
        indegree[b] += 1;
    }
    let mut rank = vec![0usize; n];
    let mut ready: VecDeque<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    while let Some(a) = ready.pop_front() {
        for &b in &outgoing[a] {
            rank[b] = rank[b].max(rank[a] + 2);
            indegree[b] -= 1;
            if indegree[b] == 0 {
                ready.push_back(b);
            }
        }
    }
    Ranking { rank, reversed }
}

fn back_edges(n: usize, edges: &[(usize, usize)], root: usize) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut outgoing: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (i, &(from, to)) in edges.iter().enumerate() {
        if from != to {
            outgoing[from].push((i, to));
        }
    }
    let mut mark = vec![Mark::New; n];
    let mut reversed = vec![false; edges.len()];
    for start in std::iter::once(root).chain(0..n) {
        if mark[start] != Mark::New {
            continue;
        }
        // Iterative, so a long chain of states cannot overflow the stack.
        let mut stack = vec![(start, 0usize)];
        mark[start] = Mark::Open;
        while let Some((v, next)) = stack.last_mut() {
            let v = *v;
            match outgoing[v].get(*next).copied() {
                Some((edge, to)) => {
                    *next += 1;
                    match mark[to] {
                        Mark::Open => reversed[edge] = true,
                        Mark::New => {
                            mark[to] = Mark::Open;
                            stack.push((to, 0));
                        }
                        Mark::Done => {}
                    }
                }
                None => {
                    mark[v] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }
    reversed
}
