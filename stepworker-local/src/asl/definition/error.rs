//! Definition validation errors, worded like AWS's `InvalidDefinition`.

use std::fmt;

/// The diagnostic codes AWS uses for definition problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiagnosticCode {
    /// The text is not JSON.
    InvalidJsonDescription,
    /// The definition is empty.
    MissingDescription,
    /// A field is missing, of the wrong type, not allowed, or has a bad value.
    SchemaValidationFailed,
    /// A `Next`/`Default`/`StartAt` names no state, or a state is unreachable.
    MissingTransitionTarget,
    /// No state ends the execution.
    MissingEndState,
    /// Two states have the same name.
    DuplicateStateName,
    /// A state name breaks the naming rules.
    InvalidStateName,
    /// A Task `Resource` is not a valid ARN.
    InvalidResource,
    /// A JSONPath payload field whose value looks like a path or intrinsic
    /// call but whose key lacks the `.$` suffix (a warning).
    NoDollar,
    /// A static field whose value looks like a path, where a `...Path`
    /// variant of the field exists (a warning).
    NoPath,
    /// A `.$` key inside a Pass state's `Result`, which is never evaluated
    /// (a warning).
    PassResultIsStatic,
    /// A `{% %}` expression the JSONata parser refuses.
    InvalidJsonataExpression,
    /// A JSONata expression that parses but reads something Step Functions
    /// does not offer there (a bare top-level name, `$states.errorOutput`
    /// outside a Catch).
    UnsupportedJsonataExpression,
}

impl DiagnosticCode {
    /// The code as AWS spells it.
    pub fn as_str(&self) -> &'static str {
        match self {
            DiagnosticCode::InvalidJsonDescription => "INVALID_JSON_DESCRIPTION",
            DiagnosticCode::MissingDescription => "MISSING_DESCRIPTION",
            DiagnosticCode::SchemaValidationFailed => "SCHEMA_VALIDATION_FAILED",
            DiagnosticCode::MissingTransitionTarget => "MISSING_TRANSITION_TARGET",
            DiagnosticCode::MissingEndState => "MISSING_END_STATE",
            DiagnosticCode::DuplicateStateName => "DUPLICATE_STATE_NAME",
            DiagnosticCode::InvalidStateName => "INVALID_STATE_NAME",
            DiagnosticCode::InvalidResource => "INVALID_RESOURCE",
            DiagnosticCode::NoDollar => "NO_DOLLAR",
            DiagnosticCode::NoPath => "NO_PATH",
            DiagnosticCode::PassResultIsStatic => "PASS_RESULT_IS_STATIC",
            DiagnosticCode::InvalidJsonataExpression => "INVALID_JSONATA_EXPRESSION",
            DiagnosticCode::UnsupportedJsonataExpression => "UNSUPPORTED_JSONATA_EXPRESSION",
        }
    }
}

/// How serious a diagnostic is.
///
/// An ERROR stops CreateStateMachine; a WARNING points at a likely mistake
/// (AWS lists NO_DOLLAR, NO_PATH and PASS_RESULT_IS_STATIC) but leaves the
/// definition deployable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// A likely mistake that does not block deployment.
    Warning,
    /// The definition cannot be deployed.
    #[default]
    Error,
}

impl fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// ERROR or WARNING.
    pub severity: Severity,
    /// The code.
    pub code: DiagnosticCode,
    /// What is wrong.
    pub message: String,
    /// A JSON pointer-like location such as `/States/A/Next`, if known.
    pub location: Option<String>,
}

impl Diagnostic {
    /// An ERROR diagnostic at `location`.
    pub fn new(
        code: DiagnosticCode,
        message: impl Into<String>,
        location: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: Some(location.into()),
        }
    }

    /// An ERROR diagnostic about the definition as a whole, which AWS
    /// reports with no location at all (MISSING_END_STATE).
    pub fn unlocated(code: DiagnosticCode, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: None,
        }
    }

    /// A WARNING diagnostic at `location`.
    pub fn warning(
        code: DiagnosticCode,
        message: impl Into<String>,
        location: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::new(code, message, location)
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(location) = &self.location {
            write!(f, " at {location}")?;
        }
        Ok(())
    }
}

/// Why a definition was rejected: one or more diagnostics.
///
/// Its `Display` is the `InvalidDefinition` message AWS returns, listing
/// every diagnostic: `Invalid State Machine Definition: 'CODE: message at
/// /location, CODE: ...'`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinitionError {
    diagnostics: Vec<Diagnostic>,
}

impl DefinitionError {
    /// An error made of `diagnostics`; an empty list becomes a generic
    /// schema failure so an error always has at least one diagnostic.
    pub fn new(mut diagnostics: Vec<Diagnostic>) -> Self {
        if diagnostics.is_empty() {
            diagnostics.push(Diagnostic {
                severity: Severity::Error,
                code: DiagnosticCode::SchemaValidationFailed,
                message: "The definition is invalid".to_owned(),
                location: None,
            });
        }
        Self { diagnostics }
    }

    /// An error with a single diagnostic.
    pub fn single(diagnostic: Diagnostic) -> Self {
        Self::new(vec![diagnostic])
    }

    /// The code of the first diagnostic.
    #[cfg(test)]
    pub fn code(&self) -> DiagnosticCode {
        self.first().code
    }

    /// The location of the first diagnostic.
    #[cfg(test)]
    pub fn location(&self) -> Option<&str> {
        self.first().location.as_deref()
    }

    /// All diagnostics, in the order found.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    #[cfg(test)]
    fn first(&self) -> &Diagnostic {
        // `new` guarantees at least one diagnostic.
        &self.diagnostics[0]
    }
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Invalid State Machine Definition: '")?;
        for (i, diagnostic) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{diagnostic}")?;
        }
        f.write_str("'")
    }
}

impl std::error::Error for DefinitionError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matches_the_aws_invalid_definition_message() {
        let error = DefinitionError::new(vec![
            Diagnostic::new(
                DiagnosticCode::MissingTransitionTarget,
                "Missing 'Next' target: pass3",
                "/States/pass1/Next",
            ),
            Diagnostic::new(
                DiagnosticCode::MissingTransitionTarget,
                "State \"pass2\" is not reachable.",
                "/States/pass2",
            ),
        ]);
        assert_eq!(
            error.to_string(),
            "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 \
             at /States/pass1/Next, MISSING_TRANSITION_TARGET: State \"pass2\" is not reachable. at /States/pass2'"
        );
        assert_eq!(error.code(), DiagnosticCode::MissingTransitionTarget);
        assert_eq!(error.location(), Some("/States/pass1/Next"));
    }

    #[test]
    fn a_diagnostic_without_location_has_no_at_clause() {
        let error = DefinitionError::new(vec![
            Diagnostic::new(
                DiagnosticCode::MissingTransitionTarget,
                "Missing 'Next' target: NOPE",
                "/States/A/Next",
            ),
            Diagnostic::unlocated(
                DiagnosticCode::MissingEndState,
                "Workflow has no terminal state",
            ),
        ]);
        assert_eq!(
            error.to_string(),
            "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: NOPE \
             at /States/A/Next, MISSING_END_STATE: Workflow has no terminal state'"
        );
    }
}
