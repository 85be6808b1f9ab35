//! What the parse of one definition carries through every scope, and the
//! `QueryLanguage` each scope reads: shared by the parsers of machines,
//! states and Choice rules, which nest in each other.

use std::collections::HashSet;

use super::error::Diagnostic;
use super::reader::{schema, Obj};
use super::types::QueryLanguage;

/// Where a (sub-)definition sits: decides which fields it may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scope {
    /// The state machine itself.
    TopLevel,
    /// A Parallel branch.
    Branch,
    /// A Map `ItemProcessor`.
    ItemProcessor,
    /// A Map's legacy `Iterator`.
    Iterator,
}

/// State shared across the whole parse.
#[derive(Default)]
pub(super) struct ParseContext {
    /// Everything found wrong so far.
    pub diagnostics: Vec<Diagnostic>,
    /// State names seen in any scope: AWS requires them unique machine-wide.
    pub state_names: HashSet<String>,
    /// The language the top level declares, which every nested scope's
    /// states start from.
    pub machine_language: QueryLanguage,
}

impl ParseContext {
    /// Records a diagnostic.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// The `QueryLanguage` field, defaulting to `inherited`.
pub(super) fn query_language(
    obj: &Obj<'_>,
    inherited: QueryLanguage,
) -> Result<QueryLanguage, Diagnostic> {
    match obj.opt_str("QueryLanguage")? {
        None => Ok(inherited),
        Some("JSONPath") => Ok(QueryLanguage::JsonPath),
        Some("JSONata") => Ok(QueryLanguage::Jsonata),
        Some(_) => Err(schema(
            "The value for the field 'QueryLanguage' must be one of [JSONPath, JSONata]",
            obj.at("QueryLanguage"),
        )),
    }
}
