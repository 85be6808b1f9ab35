//! The test case one execution runs with, and the invocation count of each
//! of its states.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use super::config::{MockConfig, MockOutcome};

/// The test case an execution was started with (`<state machine ARN>#<name>`).
///
/// The child executions of a Distributed Map run with their parent's test
/// case and share its counters (see [`MockRun::for_map_run_child`]).
#[derive(Debug)]
pub struct MockRun {
    config: Arc<MockConfig>,
    state_machine: String,
    test_case: String,
    /// Attempts so far per state name, across retries, loops and Map
    /// iterations, as Step Functions Local counts them; shared with the
    /// Distributed Map children of the execution.
    invocations: Arc<Mutex<HashMap<String, u32>>>,
}

/// The test case named at StartExecution is not in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCaseNotFound;

/// What the mock configuration says about one attempt at a state.
#[derive(Debug, Clone, PartialEq)]
pub enum MockLookup {
    /// The mocked outcome of this attempt.
    Outcome(MockOutcome),
    /// The test case has no mocked response for the state.
    NotMocked,
    /// The state's mocked response defines nothing for this invocation.
    NoInvocation {
        /// Name of the mocked response.
        response: String,
        /// The invocation index (0 for the first attempt).
        invocation: u32,
    },
}

impl MockRun {
    /// The test case `test_case` of `state_machine`.
    pub fn select(
        config: Arc<MockConfig>,
        state_machine: &str,
        test_case: &str,
    ) -> Result<Self, TestCaseNotFound> {
        config
            .test_case(state_machine, test_case)
            .ok_or(TestCaseNotFound)?;
        Ok(Self {
            config,
            state_machine: state_machine.to_owned(),
            test_case: test_case.to_owned(),
            invocations: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// The test case a child execution of a Distributed Map runs with.
    ///
    /// Step Functions Local predates Distributed Map and documents nothing
    /// for it. We follow what it does for inline Map iterations: the states
    /// of the item processor take their responses from the test case the
    /// parent execution was started with, under the parent's state machine,
    /// and every child counts invocations on the parent's counters. So a
    /// test case written for an inline Map gives the same responses when
    /// the Map turns distributed: invocation `n` of a state is its `n`th
    /// attempt across the whole workflow, whichever child makes it (with
    /// more than one child running at once, which child that is depends on
    /// scheduling, as with concurrent inline iterations).
    pub fn for_map_run_child(&self) -> Self {
        Self {
            config: self.config.clone(),
            state_machine: self.state_machine.clone(),
            test_case: self.test_case.clone(),
            invocations: self.invocations.clone(),
        }
    }

    /// The test case's name.
    pub fn test_case(&self) -> &str {
        &self.test_case
    }

    /// The state machine the test case belongs to.
    pub fn state_machine(&self) -> &str {
        &self.state_machine
    }

    /// Counts one more attempt at `state` and says what it does.
    pub fn next_attempt(&self, state: &str) -> MockLookup {
        let Some(response_name) = self
            .config
            .test_case(&self.state_machine, &self.test_case)
            .and_then(|case| case.response_for(state))
        else {
            return MockLookup::NotMocked;
        };
        let invocation = {
            let mut invocations = self.invocations.lock();
            let count = invocations.entry(state.to_owned()).or_insert(0);
            let index = *count;
            *count = count.saturating_add(1);
            index
        };
        match self
            .config
            .response(response_name)
            .and_then(|response| response.at(invocation))
        {
            Some(outcome) => MockLookup::Outcome(outcome.clone()),
            None => MockLookup::NoInvocation {
                response: response_name.to_owned(),
                invocation,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn attempts_walk_through_the_invocations_of_each_state() {
        let config: MockConfig = json!({
            "StateMachines": {"M": {"TestCases": {"C": {"A": "R"}}}},
            "MockedResponses": {"R": {"0": {"Throw": {"Error": "E"}}, "1": {"Return": 7}}}
        })
        .to_string()
        .parse()
        .expect("valid");
        let config = Arc::new(config);
        assert_eq!(
            MockRun::select(config.clone(), "M", "Other").err(),
            Some(TestCaseNotFound)
        );
        let run = MockRun::select(config, "M", "C").expect("test case");
        assert!(matches!(
            run.next_attempt("A"),
            MockLookup::Outcome(MockOutcome::Throw { .. })
        ));
        assert_eq!(
            run.next_attempt("A"),
            MockLookup::Outcome(MockOutcome::Return(json!(7)))
        );
        assert_eq!(
            run.next_attempt("A"),
            MockLookup::NoInvocation {
                response: "R".into(),
                invocation: 2
            }
        );
        assert_eq!(run.next_attempt("B"), MockLookup::NotMocked);
    }

    #[test]
    fn map_run_children_count_on_the_parents_counters() {
        let config: MockConfig = json!({
            "StateMachines": {"M": {"TestCases": {"C": {"A": "R"}}}},
            "MockedResponses": {"R": {"0": {"Return": 0}, "1": {"Return": 1}, "2": {"Return": 2}}}
        })
        .to_string()
        .parse()
        .expect("valid");
        let parent = MockRun::select(Arc::new(config), "M", "C").expect("test case");
        let child = parent.for_map_run_child();
        assert_eq!(child.test_case(), "C");
        assert_eq!(child.state_machine(), "M");
        assert_eq!(
            parent.next_attempt("A"),
            MockLookup::Outcome(MockOutcome::Return(json!(0)))
        );
        assert_eq!(
            child.next_attempt("A"),
            MockLookup::Outcome(MockOutcome::Return(json!(1)))
        );
        assert_eq!(
            parent.for_map_run_child().next_attempt("A"),
            MockLookup::Outcome(MockOutcome::Return(json!(2)))
        );
    }
}
