//! A typed builder for Amazon States Language (ASL) definitions, deploy,
//! and executions.
//!
//! Every state type and field of ASL has a typed setter, and each state
//! type only offers the fields ASL allows on it. [`StateMachineBuilder::build`]
//! validates the definition first (unknown or missing targets, unreachable
//! states, missing `Next`/`End`, duplicate names, empty Choice states, ...),
//! reporting each problem as a [`ValidationError`] naming the state.
//!
//! ```
//! use stepworker::asl::{Catch, Choice, Fail, Retry, Rule, StateMachine, Succeed, Task};
//!
//! let machine = StateMachine::builder()
//!     .comment("Convert uploads")
//!     .start_at("Kind")
//!     .state(
//!         "Kind",
//!         Choice::new()
//!             .when(Rule::string_equals("$.kind", "png"), "Convert")
//!             .otherwise("Unsupported"),
//!     )
//!     .state(
//!         "Convert",
//!         Task::activity_named("convert")
//!             .retry(Retry::on(["States.Timeout"]).max_attempts(3))
//!             .catch(Catch::all("Unsupported"))
//!             .next("Done"),
//!     )
//!     .state("Unsupported", Fail::new().error("Unsupported"))
//!     .state("Done", Succeed::new())
//!     .build()?;
//! let json = machine.resolve("us-east-1", "123456789012").to_json();
//! assert!(json.contains("arn:aws:states:us-east-1:123456789012:activity:convert"));
//! # Ok::<(), stepworker::asl::InvalidDefinition>(())
//! ```

mod branch;
mod catch;
mod deploy;
mod deploy_error;
mod error;
pub mod error_names;
mod execution;
mod execution_error;
mod fields;
mod handle;
mod resource;
mod retry;
mod rule;
pub(crate) mod setters;
mod state;
mod state_machine;
mod states;
mod tags;
mod validate;

pub use branch::Branch;
pub use catch::Catch;
pub use deploy::{Deploy, DeployChange, Deployment};
pub use deploy_error::DeployError;
pub use error::{InvalidDefinition, Scope, ValidationError};
pub use execution::{Execution, FIRST_POLL_INTERVAL, MAX_POLL_INTERVAL};
pub use execution_error::ExecutionError;
pub use fields::QueryLanguage;
pub use handle::{StartExecution, StateMachineHandle};
pub use resource::Resource;
pub use retry::{JitterStrategy, Retry};
pub use rule::{Operator, Rule};
pub use state::State;
pub use state_machine::{StateMachine, StateMachineBuilder};
pub use states::{
    Choice, ChoiceRule, ExecutionType, Fail, Map, Parallel, Pass, ProcessorMode, Succeed, Task,
    Wait,
};
