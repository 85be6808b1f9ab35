//! The typed builder's `deploy()` and the executions it starts, against the
//! local engine over HTTP: one test binary, one module per subject.

mod executions;
mod jsonata;
mod mocked_integrations;
mod state_machine;
mod support;
