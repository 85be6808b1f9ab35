//! One attempt at a Task state whose resource is a service integration.
//!
//! stepworker-local calls no AWS service. An attempt ends with the mocked
//! response the execution's test case gives for it, or, for
//! `.waitForTaskToken`, with the SendTaskSuccess/SendTaskFailure that
//! carries its token. Anything else fails the state (see [`missing_mock`]).

pub(crate) mod callback;
pub(crate) mod events;
pub(crate) mod resource;

use serde_json::Value;

use self::callback::CallbackWait;
use self::events::EventsFor;
use self::resource::{IntegrationResource, Pattern};
use crate::asl::{State, StatesError};
use crate::execution::attempt::Attempt;
use crate::execution::history::ServiceEvent;
use crate::execution::history::{ErrorCause, EventKind};
use crate::execution::payload::Payload;
use crate::execution::runner::Runner;
use crate::mocks::{MockLookup, MockOutcome};

/// How an attempt gets its result.
enum Plan {
    /// From the mock configuration, at once.
    Mocked(MockOutcome),
    /// From SendTaskSuccess/SendTaskFailure with the token of this task.
    Callback(u64),
}

/// A plan carried out: the mocked outcome, or the open callback task.
enum Ready {
    Mocked(MockOutcome),
    Callback(CallbackWait),
}

impl Runner {
    /// One attempt at a service-integration Task: render its Parameters,
    /// write the events AWS writes, and take the mocked or called-back result.
    pub(crate) async fn attempt_integration(
        &mut self,
        state: &State,
        resource: &str,
        integration: IntegrationResource,
        raw: &Value,
    ) -> Attempt {
        let timeouts = match self.task_timeouts(state, raw) {
            Ok(timeouts) => timeouts,
            Err(e) => return Attempt::Done(Err(self.state_fault(state, e))),
        };
        // Only the callback pattern has a token in `$$.Task.Token`.
        let token = (integration.pattern() == Pattern::Callback).then(|| {
            let (task_id, token) = self.core.new_task();
            self.context.set_task_token(&token);
            task_id
        });
        let parameters = match self.state_input(state, raw).and_then(Payload::new) {
            Ok(parameters) => parameters,
            Err(e) => return Attempt::Done(Err(self.state_fault(state, e))),
        };
        let plan = match self.plan(state, resource, token) {
            Ok(plan) => plan,
            Err(e) => return Attempt::Done(Err(self.state_fault(state, e))),
        };
        let events = EventsFor {
            resource: &integration,
            default_region: &self.core.config.region,
        };
        // Opened before TaskScheduled, so a token read from that event can
        // be reported at once.
        let ready = match plan {
            Plan::Callback(task_id) => {
                Ready::Callback(CallbackWait::open(self, task_id, timeouts, &events))
            }
            Plan::Mocked(outcome) => Ready::Mocked(outcome),
        };
        let mut written = vec![
            events.scheduled(
                parameters.text,
                timeouts.timeout_secs,
                timeouts.heartbeat_secs,
            ),
            events.started(),
        ];
        if integration.pattern() != Pattern::RequestResponse {
            written.extend(events.submitted());
        }
        // Written in one step: a report on the token, which TaskScheduled
        // shows, cannot land between them.
        let written = written
            .into_iter()
            .map(|event| EventKind::Service(Box::new(event)))
            .collect();
        if self.record_all(written).is_none() {
            if let Ready::Callback(wait) = ready {
                wait.abandon(self);
            }
            return Attempt::Halted;
        }
        match ready {
            Ready::Callback(wait) => self.wait_for_callback(wait, &events).await,
            Ready::Mocked(outcome) => self.apply_mock(outcome, &events),
        }
    }

    /// Looks up this attempt in the execution's test case; `token` is the
    /// task id of a callback task.
    fn plan(&self, state: &State, resource: &str, token: Option<u64>) -> Result<Plan, StatesError> {
        let lookup = self
            .execution
            .mocks
            .as_ref()
            .map(|run| (run, run.next_attempt(&state.name)));
        match (lookup, token) {
            (Some((_, MockLookup::Outcome(outcome))), _) => Ok(Plan::Mocked(outcome)),
            // A callback needs no service to complete: the test sends it.
            (Some((_, MockLookup::NotMocked)) | None, Some(task_id)) => {
                Ok(Plan::Callback(task_id))
            }
            (Some((run, MockLookup::NotMocked)), None) => Err(missing_mock(
                state,
                resource,
                &format!(
                    "the test case '{}' of the state machine '{}' in the mock configuration has no mocked response for it",
                    run.test_case(),
                    run.state_machine()
                ),
            )),
            (Some((run, MockLookup::NoInvocation { response, invocation })), _) => Err(missing_mock(
                state,
                resource,
                &format!(
                    "the mocked response '{response}' (test case '{}') defines nothing for invocation {invocation} (attempt {} of the state in this execution); every attempt, retries included, needs an entry",
                    run.test_case(),
                    u64::from(invocation) + 1
                ),
            )),
            (None, None) => Err(missing_mock(
                state,
                resource,
                if self.core.config.mock_config.is_some() {
                    "the execution runs no test case: start it with the state machine ARN followed by '#<TestCaseName>' to use the mock configuration"
                } else {
                    "stepworker-local was started without a mock configuration (--mock-config, SFN_MOCK_CONFIG or EngineBuilder::mock_config)"
                },
            )),
        }
    }

    /// Ends the attempt with a mocked `Return` or `Throw`.
    fn apply_mock(&self, outcome: MockOutcome, events: &EventsFor<'_>) -> Attempt {
        let result = match outcome {
            MockOutcome::Return(value) => Payload::new(value),
            MockOutcome::Throw { error, cause } => Err(StatesError::new(error, cause)),
        };
        let event = match &result {
            Ok(result) => events.succeeded(result.text.clone()),
            Err(e) => events.failed(ErrorCause::new(e.error.clone(), e.cause.clone())),
        };
        if self.record(EventKind::Service(Box::new(event))).is_none() {
            return Attempt::Halted;
        }
        Attempt::Done(result.map(|payload| payload.value))
    }

    /// Records the end of a called-back task; `None` if the execution ended.
    pub(crate) fn record_service(&self, event: ServiceEvent) -> Option<i64> {
        self.record(EventKind::Service(Box::new(event)))
    }
}

/// The `States.Runtime` failure of a service integration nothing can
/// answer. Step Functions Local would call the real service here; this
/// engine calls none, so the state fails with an error that, like Step
/// Functions Local's for a missing invocation, Retry and Catch on
/// `States.ALL` do not handle.
fn missing_mock(state: &State, resource: &str, why: &str) -> StatesError {
    StatesError::runtime(format!(
        "The state '{}' calls the service integration '{resource}', which stepworker-local does not call: {why}.",
        state.name
    ))
}
