//! Mocked service integrations, in the mock configuration format of AWS
//! Step Functions Local: test cases per state machine that map Task states
//! to mocked responses, each a list of `Return` or `Throw` per invocation.

mod config;
mod error;
mod parse;
mod run;

pub use config::{MockConfig, MockOutcome, MockedResponse, TestCase};
pub use error::MockConfigError;
pub(crate) use run::{MockLookup, MockRun, TestCaseNotFound};
