//! The typed mock configuration and its lookups.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use serde_json::Value;

use super::error::MockConfigError;
use super::parse;

/// A parsed mock configuration: test cases per state machine and the
/// mocked responses they use.
///
/// Parse one with [`MockConfig::from_file`], [`MockConfig::from_json`] or
/// `str::parse`, and hand it to
/// [`EngineBuilder::mock_config`](crate::EngineBuilder::mock_config).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MockConfig {
    pub(super) state_machines: BTreeMap<String, BTreeMap<String, TestCase>>,
    pub(super) responses: BTreeMap<String, MockedResponse>,
}

/// One test case: which mocked response each Task state uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TestCase {
    pub(super) states: BTreeMap<String, String>,
}

/// One mocked response: what each invocation of a state returns or throws.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MockedResponse {
    /// Inclusive invocation ranges, sorted and disjoint.
    pub(super) ranges: Vec<InvocationRange>,
}

/// The outcome of the invocations `first..=last` (counted from 0).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct InvocationRange {
    pub first: u32,
    pub last: u32,
    pub outcome: MockOutcome,
}

/// What one mocked invocation does.
#[derive(Debug, Clone, PartialEq)]
pub enum MockOutcome {
    /// `Return`: the task succeeds with this result.
    Return(Value),
    /// `Throw`: the task fails with this error and cause.
    Throw {
        /// `Error`.
        error: String,
        /// `Cause` (empty when the file gives none).
        cause: String,
    },
}

impl MockConfig {
    /// Reads and parses a mock configuration file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, MockConfigError> {
        let path = path.as_ref();
        let source = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|e| MockConfigError::unreadable(&source, &e))?;
        parse::parse(&source, &text)
    }

    /// Parses a mock configuration from JSON text.
    pub fn from_json(text: &str) -> Result<Self, MockConfigError> {
        parse::parse("mock configuration", text)
    }

    /// Names of the state machines that have test cases.
    pub fn state_machines(&self) -> impl Iterator<Item = &str> {
        self.state_machines.keys().map(String::as_str)
    }

    /// Names of the test cases of `state_machine`.
    pub fn test_cases(&self, state_machine: &str) -> impl Iterator<Item = &str> {
        self.state_machines
            .get(state_machine)
            .into_iter()
            .flat_map(|cases| cases.keys().map(String::as_str))
    }

    /// The test case `name` of `state_machine`.
    pub fn test_case(&self, state_machine: &str, name: &str) -> Option<&TestCase> {
        self.state_machines.get(state_machine)?.get(name)
    }

    /// The mocked response called `name`.
    pub fn response(&self, name: &str) -> Option<&MockedResponse> {
        self.responses.get(name)
    }
}

impl FromStr for MockConfig {
    type Err = MockConfigError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::from_json(text)
    }
}

impl TestCase {
    /// The name of the mocked response `state` uses, if it is mocked.
    pub fn response_for(&self, state: &str) -> Option<&str> {
        self.states.get(state).map(String::as_str)
    }
}

impl MockedResponse {
    /// The outcome of invocation `index` (0 for the first attempt).
    pub fn at(&self, index: u32) -> Option<&MockOutcome> {
        self.ranges
            .iter()
            .find(|range| (range.first..=range.last).contains(&index))
            .map(|range| &range.outcome)
    }
}
