//! Variable scopes across Parallel branches and Map item processors.
//!
//! AWS: a branch or iteration reads the variables of the scopes around it
//! but cannot assign them; assigning, inside it, a name that an enclosing
//! scope assigns is a definition error. We report it as
//! `SCHEMA_VALIDATION_FAILED` at the inner `Assign`.

use super::error::Diagnostic;
use super::reader::schema;
use super::types::{Definition, State, StateKind};

/// Appends a diagnostic for every name assigned in a nested scope that an
/// enclosing scope assigns too.
pub(super) fn check_variable_scopes(definition: &Definition, out: &mut Vec<Diagnostic>) {
    check(definition, "", &[], out);
}

fn assigned_names(state: &State) -> Vec<&str> {
    let mut fields = vec![state.assign.as_ref()];
    fields.extend(state.catch.iter().map(|c| c.assign.as_ref()));
    if let StateKind::Choice(choice) = &state.kind {
        fields.extend(choice.choices.iter().map(|r| r.assign.as_ref()));
    }
    fields
        .into_iter()
        .flatten()
        .flat_map(|a| a.names().iter().map(String::as_str))
        .collect()
}

fn check(definition: &Definition, location: &str, outer: &[&str], out: &mut Vec<Diagnostic>) {
    let here: Vec<&str> = definition
        .states
        .values()
        .flat_map(assigned_names)
        .collect();
    for (name, state) in &definition.states {
        let at = format!("{location}/States/{name}");
        for variable in assigned_names(state) {
            if outer.contains(&variable) {
                out.push(schema(
                    format!(
                        "The variable '{variable}' assigned in the state '{name}' is already assigned in an enclosing scope; \
                         a Parallel branch or Map iteration cannot assign an outer variable"
                    ),
                    format!("{at}/Assign"),
                ));
            }
        }
    }
    let mut visible: Vec<&str> = outer.to_vec();
    visible.extend(here.iter().copied());
    for (name, state) in &definition.states {
        let at = format!("{location}/States/{name}");
        match &state.kind {
            StateKind::Parallel { branches } => {
                for (i, branch) in branches.iter().enumerate() {
                    check(branch, &format!("{at}/Branches[{i}]"), &visible, out);
                }
            }
            StateKind::Map(map) => {
                check(
                    &map.item_processor,
                    &format!("{at}/ItemProcessor"),
                    &visible,
                    out,
                );
            }
            _ => {}
        }
    }
}
