//! From a parsed definition to its graph: nodes, labelled edges and the
//! nested groups of Parallel and Map states.

use super::condition::describe;
use super::model::{Edge, EdgeKind, Graph, Group, Node, Scope};
use crate::asl::{Definition, Retrier, State, StateKind};

/// The graph of a whole state machine.
pub fn build_graph(definition: &Definition) -> Graph {
    Graph {
        root: build_scope(definition),
    }
}

fn build_scope(definition: &Definition) -> Scope {
    let mut scope = Scope::default();
    for state in definition.states.values() {
        scope.nodes.push(node(state, definition));
        add_edges(state, &mut scope.edges);
    }
    scope
}

fn node(state: &State, definition: &Definition) -> Node {
    let groups = match &state.kind {
        StateKind::Parallel { branches } => branches
            .iter()
            .enumerate()
            .map(|(i, branch)| Group {
                label: format!("Branch {}", i + 1),
                scope: build_scope(branch),
            })
            .collect(),
        StateKind::Map(map) => vec![Group {
            label: match &map.label {
                Some(label) => format!("Item processor ({label})"),
                None => "Item processor".to_owned(),
            },
            scope: build_scope(&map.item_processor),
        }],
        _ => Vec::new(),
    };
    Node {
        name: state.name.to_string(),
        state_type: state.kind.type_name(),
        start: definition.start_at == *state.name,
        end: state.is_terminal(),
        retries: state.retry.iter().map(retry_summary).collect(),
        groups,
    }
}

fn add_edges(state: &State, edges: &mut Vec<Edge>) {
    let edge = |to: &str, kind, label| Edge {
        from: state.name.to_string(),
        to: to.to_owned(),
        kind,
        label,
    };
    if let StateKind::Choice(choice) = &state.kind {
        for rule in &choice.choices {
            edges.push(edge(
                &rule.next,
                EdgeKind::Choice,
                Some(describe(&rule.condition)),
            ));
        }
        if let Some(default) = &choice.default {
            edges.push(edge(default, EdgeKind::Default, Some("Default".to_owned())));
        }
    }
    if let Some(next) = state.next.as_deref().filter(|_| !state.end) {
        edges.push(edge(next, EdgeKind::Next, None));
    }
    for catcher in &state.catch {
        edges.push(edge(
            &catcher.next,
            EdgeKind::Catch,
            Some(format!("catch {}", catcher.error_equals.join(", "))),
        ));
    }
}

/// `States.Timeout: 3× from 1s, ×2` — what a retrier does, in one line.
fn retry_summary(retrier: &Retrier) -> String {
    let mut summary = format!(
        "{}: {}× from {}s, ×{}",
        retrier.error_equals.join(", "),
        retrier.max_attempts,
        retrier.interval_seconds,
        retrier.backoff_rate
    );
    if let Some(max) = retrier.max_delay_seconds {
        summary.push_str(&format!(", max {max}s"));
    }
    summary
}
