//! A model execution: a status and a history behind their own lock, as
//! `execution::record` keeps them, written by the task table through
//! [`TaskLog`] and ended by a stop.

use std::sync::Arc;

use super::sync::Mutex;
use super::tasks::{TaskEvent, TaskLog};

/// One history event of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `ActivityStarted` of a token.
    Started(u64),
    /// `ActivitySucceeded` with the reporter's tag in its output.
    Succeeded(u64, String),
    /// `ActivityFailed` with the reporter's tag as its error.
    Failed(u64, String),
    /// `ActivityTimedOut`.
    TimedOut(u64),
    /// `ExecutionAborted`: terminal.
    Aborted,
    /// `ExecutionRedriven`: running again, with new tokens only.
    Redriven,
}

impl Event {
    /// The token this event is about.
    pub fn token(&self) -> Option<u64> {
        match self {
            Self::Started(t) | Self::Succeeded(t, _) | Self::Failed(t, _) | Self::TimedOut(t) => {
                Some(*t)
            }
            Self::Aborted | Self::Redriven => None,
        }
    }

    /// Whether it ends its token's task.
    pub fn ends_task(&self) -> bool {
        matches!(
            self,
            Self::Succeeded(..) | Self::Failed(..) | Self::TimedOut(_)
        )
    }
}

#[derive(Debug, Default)]
struct State {
    running: bool,
    /// Runs so far after the first (redrives).
    redrives: u32,
    history: Vec<Event>,
}

/// The model execution.
#[derive(Debug)]
pub struct Execution {
    state: Mutex<State>,
}

impl Execution {
    /// A running execution with an empty history.
    pub fn running() -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State {
                running: true,
                redrives: 0,
                history: Vec::new(),
            }),
        })
    }

    /// Appends `event` if the execution runs.
    pub fn record(&self, event: Event) -> bool {
        let mut state = self.state.lock();
        if state.running {
            state.history.push(event);
        }
        state.running
    }

    /// Ends it with `ExecutionAborted`; false if it already ended.
    pub fn stop(&self) -> bool {
        let mut state = self.state.lock();
        if !state.running {
            return false;
        }
        state.history.push(Event::Aborted);
        state.running = false;
        true
    }

    /// Runs it again after its end (RedriveExecution); false if it runs.
    pub fn redrive(&self) -> bool {
        let mut state = self.state.lock();
        if state.running {
            return false;
        }
        state.history.push(Event::Redriven);
        state.running = true;
        state.redrives += 1;
        true
    }

    /// True while it runs.
    pub fn is_running(&self) -> bool {
        self.state.lock().running
    }

    /// True while its first run goes on: what a runner of that run waits
    /// on (the engine's runners learn of an end by a notification, which
    /// a redrive after it does not take back).
    pub fn first_run_goes_on(&self) -> bool {
        let state = self.state.lock();
        state.running && state.redrives == 0
    }

    /// The history so far.
    pub fn history(&self) -> Vec<Event> {
        self.state.lock().history.clone()
    }

    /// The log of token `token`, as a runner opens it.
    pub fn log(self: &Arc<Self>, token: u64) -> Arc<dyn TaskLog> {
        Arc::new(TokenLog {
            execution: self.clone(),
            token,
        })
    }
}

struct TokenLog {
    execution: Arc<Execution>,
    token: u64,
}

impl TaskLog for TokenLog {
    fn write(&self, event: &TaskEvent) -> bool {
        let event = match event {
            TaskEvent::Started { .. } => Event::Started(self.token),
            TaskEvent::Heartbeat { .. } => return self.execution.is_running(),
            TaskEvent::Succeeded { output, .. } => Event::Succeeded(self.token, output.to_string()),
            TaskEvent::Failed { error, .. } => {
                Event::Failed(self.token, error.clone().unwrap_or_default())
            }
        };
        self.execution.record(event)
    }
}

/// Checks what holds of every history, whatever the schedule: nothing
/// after the terminal event but a redrive (and no event of a token of the
/// run it ended), at most one end per token. Returns the history.
pub fn check_history(execution: &Execution) -> Vec<Event> {
    let history = execution.history();
    if let Some(end) = history.iter().position(|e| *e == Event::Aborted) {
        assert!(
            history[end + 1..].iter().all(|e| *e == Event::Redriven),
            "an event after ExecutionAborted: {history:?}"
        );
    }
    let mut ended = std::collections::HashSet::new();
    for event in &history {
        let Some(token) = event.token() else { continue };
        assert!(
            !ended.contains(&token),
            "an event after the end of token {token}: {history:?}"
        );
        if event.ends_task() {
            ended.insert(token);
        }
    }
    history
}
