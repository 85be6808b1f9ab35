//! Transition checks on a parsed (sub-)definition: every target exists,
//! every state is reachable, and some state ends the execution.
//!
//! As measured on AWS (floci-io/floci #2786): a dangling target reads
//! `Missing 'Next' target: X` whatever field holds it (`Default` and a
//! catcher's `Next` included); a definition with no terminal state gets one
//! MISSING_END_STATE with no location, after any dangling targets, and no
//! unreachable-state diagnostics; an unreachable state is reported under
//! MISSING_TRANSITION_TARGET as `State "X" is not reachable.`.

use std::collections::{HashMap, HashSet};

use super::error::{Diagnostic, DiagnosticCode};
use super::types::{Definition, StateKind};

/// Appends the transition problems of `definition` (not of its nested
/// branches, which are checked when they are parsed) to `out`.
pub(super) fn check_transitions(
    definition: &Definition,
    location: &str,
    out: &mut Vec<Diagnostic>,
) {
    let missing = |what: &str, target: &str, at: String| {
        Diagnostic::new(
            DiagnosticCode::MissingTransitionTarget,
            format!("Missing '{what}' target: {target}"),
            at,
        )
    };
    if !definition.states.contains_key(&definition.start_at) {
        out.push(missing(
            "StartAt",
            &definition.start_at,
            format!("{location}/StartAt"),
        ));
        return;
    }
    let mut found_missing = false;
    for (_, target, at) in transitions(definition, location) {
        if !definition.states.contains_key(target) {
            out.push(missing("Next", target, at));
            found_missing = true;
        }
    }
    if !definition.states.values().any(|s| s.is_terminal()) {
        out.push(Diagnostic::unlocated(
            DiagnosticCode::MissingEndState,
            "Workflow has no terminal state",
        ));
        return;
    }
    // Reachability is only meaningful once every target exists.
    if found_missing {
        return;
    }
    let reachable = reachable_states(definition, location);
    for name in definition.states.keys() {
        if !reachable.contains(name.as_str()) {
            out.push(Diagnostic::new(
                DiagnosticCode::MissingTransitionTarget,
                format!("State \"{name}\" is not reachable."),
                format!("{location}/States/{name}"),
            ));
        }
    }
}

/// Every `(source state, target, location)` edge of the definition.
fn transitions<'d>(definition: &'d Definition, location: &str) -> Vec<(&'d str, &'d str, String)> {
    let mut edges = Vec::new();
    for (name, state) in &definition.states {
        let base = format!("{location}/States/{name}");
        if let Some(next) = &state.next {
            edges.push((name.as_str(), next.as_str(), format!("{base}/Next")));
        }
        for (i, catcher) in state.catch.iter().enumerate() {
            edges.push((
                name.as_str(),
                catcher.next.as_str(),
                format!("{base}/Catch[{i}]/Next"),
            ));
        }
        if let StateKind::Choice(choice) = &state.kind {
            for (i, rule) in choice.choices.iter().enumerate() {
                edges.push((
                    name.as_str(),
                    rule.next.as_str(),
                    format!("{base}/Choices[{i}]/Next"),
                ));
            }
            if let Some(default) = &choice.default {
                edges.push((name.as_str(), default.as_str(), format!("{base}/Default")));
            }
        }
    }
    edges
}

fn reachable_states<'d>(definition: &'d Definition, location: &str) -> HashSet<&'d str> {
    let mut successors: HashMap<&str, Vec<&str>> = HashMap::new();
    for (from, target, _) in transitions(definition, location) {
        successors.entry(from).or_default().push(target);
    }
    let mut seen = HashSet::from([definition.start_at.as_str()]);
    let mut stack = vec![definition.start_at.as_str()];
    while let Some(current) = stack.pop() {
        for target in successors.get(current).into_iter().flatten() {
            if seen.insert(target) {
                stack.push(target);
            }
        }
    }
    seen
}
