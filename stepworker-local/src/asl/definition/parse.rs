//! Parsing a definition text into a validated [`Definition`].

use indexmap::IndexMap;
use serde_json::Value;

use super::context::{query_language, ParseContext, Scope};
use super::error::{DefinitionError, Diagnostic, DiagnosticCode};
use super::fields;
use super::parse_state::parse_state;
use super::reader::{schema, Obj, MAX_SECONDS};
use super::scopes::check_variable_scopes;
use super::types::{Definition, QueryLanguage};
use super::validate::check_transitions;

/// Parses and validates a state machine definition (Amazon States
/// Language, JSONPath and JSONata query languages). Every problem found is reported,
/// each with AWS's diagnostic code and location.
pub fn parse_definition(text: &str) -> Result<Definition, DefinitionError> {
    if text.trim().is_empty() {
        return Err(DefinitionError::single(Diagnostic::new(
            DiagnosticCode::MissingDescription,
            "Received a null or empty definition",
            "/",
        )));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        DefinitionError::single(Diagnostic::new(
            DiagnosticCode::InvalidJsonDescription,
            format!("The definition is not valid JSON: {e}"),
            "/",
        ))
    })?;
    let mut cx = ParseContext::default();
    let definition = parse_machine(
        &value,
        String::new(),
        Scope::TopLevel,
        QueryLanguage::JsonPath,
        &mut cx,
    );
    if let Some(definition) = &definition {
        check_variable_scopes(definition, &mut cx.diagnostics);
    }
    match definition {
        Some(definition) if cx.diagnostics.is_empty() => Ok(definition),
        _ => Err(DefinitionError::new(cx.diagnostics)),
    }
}

/// AWS's limit on state name length.
const MAX_STATE_NAME_CHARS: usize = 80;

/// Parses a definition object at `location`; `None` if it is unusable (the
/// reasons are in `cx`).
pub(super) fn parse_machine(
    value: &Value,
    location: String,
    scope: Scope,
    inherited: QueryLanguage,
    cx: &mut ParseContext,
) -> Option<Definition> {
    let obj = match Obj::new(value, location, "A state machine definition") {
        Ok(obj) => obj,
        Err(d) => {
            cx.report(d);
            return None;
        }
    };
    let allowed = match scope {
        Scope::TopLevel => fields::TOP_LEVEL,
        Scope::Branch => fields::BRANCH,
        Scope::ItemProcessor => fields::ITEM_PROCESSOR,
        Scope::Iterator => fields::ITERATOR,
    };
    for d in obj.check_fields(allowed) {
        cx.report(d);
    }
    let declared = query_language(&obj, inherited).unwrap_or_else(|d| {
        cx.report(d);
        inherited
    });
    // AWS: the states of a Parallel branch or Map item processor take the
    // machine's language, whatever the Parallel, the Map or the branch
    // declares (measured, floci-io/floci #2968); only the top level sets it.
    let query_language = if scope == Scope::TopLevel {
        cx.machine_language = declared;
        declared
    } else {
        cx.machine_language
    };
    let start_at = obj.required_str("StartAt").map_err(|d| cx.report(d)).ok();
    let comment = obj
        .opt_str("Comment")
        .map_err(|d| cx.report(d))
        .ok()
        .flatten();
    let version = obj
        .opt_str("Version")
        .map_err(|d| cx.report(d))
        .ok()
        .flatten();
    let timeout_seconds = obj
        .opt_int("TimeoutSeconds", 1, MAX_SECONDS)
        .map_err(|d| cx.report(d))
        .ok()
        .flatten();
    let states = parse_states(&obj, query_language, cx)?;
    let definition = Definition {
        start_at: start_at?.to_owned(),
        states,
        timeout_seconds,
        comment: comment.map(str::to_owned),
        version: version.map(str::to_owned),
        query_language,
    };
    check_transitions(&definition, &obj.location, &mut cx.diagnostics);
    Some(definition)
}

fn parse_states(
    obj: &Obj<'_>,
    query_language: QueryLanguage,
    cx: &mut ParseContext,
) -> Option<indexmap::IndexMap<String, super::types::State>> {
    let states_value = match obj.required("States") {
        Ok(v) => v,
        Err(d) => {
            cx.report(d);
            return None;
        }
    };
    let Some(map) = states_value.as_object().filter(|m| !m.is_empty()) else {
        cx.report(schema(
            "The value for the field 'States' must be a non-empty JSON object",
            obj.at("States"),
        ));
        return None;
    };
    let mut states = IndexMap::with_capacity(map.len());
    let mut complete = true;
    for (name, body) in map {
        let location = format!("{}/States/{name}", obj.location);
        if name.is_empty() || name.chars().count() > MAX_STATE_NAME_CHARS {
            cx.report(Diagnostic::new(
                DiagnosticCode::InvalidStateName,
                format!(
                    "State names must be 1 to {MAX_STATE_NAME_CHARS} characters long: '{name}'"
                ),
                location.clone(),
            ));
        }
        if !cx.state_names.insert(name.clone()) {
            cx.report(Diagnostic::new(
                DiagnosticCode::DuplicateStateName,
                format!("Duplicate State name: {name}"),
                location.clone(),
            ));
        }
        match parse_state(name, body, location, query_language, cx) {
            Some(state) => {
                states.insert(name.clone(), state);
            }
            None => complete = false,
        }
    }
    complete.then_some(states)
}
