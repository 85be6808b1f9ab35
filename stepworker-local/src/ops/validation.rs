//! ValidateStateMachineDefinition: the definition checks of
//! CreateStateMachine, answered as a list of diagnostics instead of an error.

use std::sync::Arc;

use stepworker::model::{
    StateMachineType, ValidateStateMachineDefinitionDiagnostic,
    ValidateStateMachineDefinitionInput, ValidateStateMachineDefinitionOutput,
    ValidateStateMachineDefinitionResultCode, ValidateStateMachineDefinitionSeverity,
};

use crate::asl::definition::{definition_warnings, Severity};
use crate::asl::{express_diagnostics, parse_definition, Diagnostic};
use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::validate::{self, limits};

/// Diagnostics returned when `maxResults` is absent or 0, and at most.
const MAX_DIAGNOSTICS: usize = 100;

/// ValidateStateMachineDefinition.
///
/// `severity` is the minimum level returned: ERROR (the default) returns
/// only errors, WARNING errors and warnings. `result` is FAIL only when an
/// error was found, whatever `severity` filtered out of the list, because
/// warnings never stop CreateStateMachine. `maxResults` (0 or absent: 100)
/// cuts the list and sets `truncated`.
pub fn validate_definition(
    _core: &Arc<Core>,
    input: ValidateStateMachineDefinitionInput,
) -> ApiResult<ValidateStateMachineDefinitionOutput> {
    validate::length("definition", &input.definition, limits::DEFINITION)?;
    if let Some(severity) = &input.severity {
        validate::enum_value(
            "severity",
            severity.as_str(),
            ValidateStateMachineDefinitionSeverity::VALUES,
        )?;
    }
    let minimum = match input.severity {
        Some(ValidateStateMachineDefinitionSeverity::Warning) => Severity::Warning,
        _ => Severity::Error,
    };
    let machine_type = input.r#type.unwrap_or(StateMachineType::Standard);
    validate::enum_value("type", machine_type.as_str(), StateMachineType::VALUES)?;
    let limit = match input.max_results {
        None | Some(0) => MAX_DIAGNOSTICS,
        Some(n) if (1..=MAX_DIAGNOSTICS as i32).contains(&n) => n as usize,
        Some(_) => {
            return Err(ApiError::constraint(
                "maxResults",
                "Member must have value less than or equal to 100",
            ))
        }
    };
    let mut found = definition_diagnostics(&input.definition, &machine_type);
    let result = if found.iter().any(|d| d.severity == Severity::Error) {
        ValidateStateMachineDefinitionResultCode::Fail
    } else {
        ValidateStateMachineDefinitionResultCode::Ok
    };
    if minimum == Severity::Warning {
        found.extend(definition_warnings(&input.definition));
    }
    let truncated = found.len() > limit;
    Ok(ValidateStateMachineDefinitionOutput {
        diagnostics: found.into_iter().take(limit).map(to_wire).collect(),
        result,
        truncated: Some(truncated),
    })
}

/// Every ERROR of `definition` as a machine of `machine_type` (the checks
/// CreateStateMachine makes; warnings come from `definition_warnings`).
pub fn definition_diagnostics(
    definition: &str,
    machine_type: &StateMachineType,
) -> Vec<Diagnostic> {
    match parse_definition(definition) {
        Err(e) => e.diagnostics().to_vec(),
        Ok(parsed) if *machine_type == StateMachineType::Express => express_diagnostics(&parsed),
        Ok(_) => Vec::new(),
    }
}

fn to_wire(diagnostic: Diagnostic) -> ValidateStateMachineDefinitionDiagnostic {
    ValidateStateMachineDefinitionDiagnostic {
        code: diagnostic.code.as_str().to_owned(),
        location: diagnostic.location,
        message: diagnostic.message,
        severity: match diagnostic.severity {
            Severity::Error => ValidateStateMachineDefinitionSeverity::Error,
            Severity::Warning => ValidateStateMachineDefinitionSeverity::Warning,
        },
    }
}
