//! The redrive record of an execution: how often it was redriven, where a
//! redrive starts, and the checks that accept or refuse one (AWS developer
//! guide, "Redriving executions": STANDARD only; FAILED, TIMED_OUT or
//! ABORTED; ended at most 14 days ago; fewer than 1,000 redrives; history
//! below 24,999 events).

use std::sync::Arc;

use stepworker::model::{ExecutionRedriveStatus, ExecutionStatus, StateMachineType};

use super::{Execution, ExecutionState};
use crate::execution::history::{ErrorCause, EventKind};

/// How long after its end an execution can be redriven (14 days).
pub const REDRIVABLE_MILLIS: i64 = 14 * 24 * 60 * 60 * 1000;
/// Redrives one execution may have.
pub const MAX_REDRIVES: u32 = 1000;
/// A redrive needs room in the history for more events.
const MAX_EVENTS_TO_REDRIVE: usize = 24_999;
/// Client tokens remembered per execution, and for how long (AWS: the
/// last 10 tokens, for 15 minutes).
const REMEMBERED_TOKENS: usize = 10;
const TOKEN_MILLIS: i64 = 15 * 60 * 1000;

/// Where a redrive starts: the top-level state the execution was in when
/// it ended, and that state's input.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumePoint {
    /// State name.
    pub state: Arc<str>,
    /// Its raw input, JSON text.
    pub input: Arc<str>,
}

/// The redrives of one execution.
#[derive(Debug, Default)]
pub struct RedriveRecord {
    /// Redrives so far.
    pub count: u32,
    /// When the last redrive happened, epoch milliseconds.
    pub last_millis: Option<i64>,
    /// The top-level state entered last.
    pub resume: Option<ResumePoint>,
    /// Client tokens of recent redrives with their time, newest last.
    tokens: Vec<(String, i64)>,
}

/// A redrive the execution accepted.
pub enum Redriven {
    /// A new redrive: run again from `from` (the `StartAt` state with the
    /// execution input when `None`).
    New {
        /// Where to start.
        from: Option<ResumePoint>,
    },
    /// A repeated request (same client token): the earlier redrive's time.
    Repeat(i64),
}

impl Execution {
    /// Appends the `StateEntered` event of a top-level state and remembers
    /// that state as where a redrive would start, under one lock; the
    /// event's id, or `None` (and nothing remembered) if the execution no
    /// longer runs.
    pub fn record_top_level_entry(
        &self,
        run: u32,
        at_millis: i64,
        entered: EventKind,
        resume: ResumePoint,
    ) -> Option<i64> {
        let appended = self.with_state(|s| {
            if s.status != ExecutionStatus::Running || s.redrive.count != run {
                return None;
            }
            let appended = s.append_event(at_millis, entered, None);
            if appended.is_ok() {
                s.redrive.resume = Some(resume);
            }
            Some(appended)
        });
        match appended? {
            Ok(id) => Some(id),
            Err(_) => {
                // The history filled up and failed the execution.
                self.wake_runners();
                None
            }
        }
    }

    /// Whether a redrive at `now_millis` would be accepted, and why not.
    pub fn redrive_status(&self, now_millis: i64) -> (ExecutionRedriveStatus, Option<String>) {
        match self.with_state(|s| self.refusal(s, now_millis)) {
            None => (ExecutionRedriveStatus::Redrivable, None),
            Some(reason) => (ExecutionRedriveStatus::NotRedrivable, Some(reason)),
        }
    }

    /// Reopens the ended execution for a redrive at `now_millis`: RUNNING
    /// again, its `ExecutionRedriven` event written. The reason it cannot
    /// be redriven otherwise.
    pub fn reopen(&self, now_millis: i64, client_token: Option<&str>) -> Result<Redriven, String> {
        self.with_state(|s| {
            let record = &mut s.redrive;
            record
                .tokens
                .retain(|(_, at)| now_millis.saturating_sub(*at) <= TOKEN_MILLIS);
            if let Some((_, at)) =
                client_token.and_then(|token| record.tokens.iter().find(|(t, _)| t == token))
            {
                return Ok(Redriven::Repeat(*at));
            }
            if let Some(reason) = self.refusal(s, now_millis) {
                return Err(reason);
            }
            let record = &mut s.redrive;
            record.count += 1;
            record.last_millis = Some(now_millis);
            if let Some(token) = client_token {
                record.tokens.push((token.to_owned(), now_millis));
                let excess = record.tokens.len().saturating_sub(REMEMBERED_TOKENS);
                record.tokens.drain(..excess);
            }
            let count = record.count;
            let from = record.resume.clone();
            s.status = ExecutionStatus::Running;
            s.stop_millis = None;
            s.output = None;
            s.error = ErrorCause::default();
            s.history
                .push(now_millis, EventKind::ExecutionRedriven { count });
            Ok(Redriven::New { from })
        })
    }

    fn refusal(&self, s: &ExecutionState, now_millis: i64) -> Option<String> {
        if self.version.machine_type == StateMachineType::Express {
            return Some("Executions of EXPRESS state machines cannot be redriven".to_owned());
        }
        if !matches!(
            s.status,
            ExecutionStatus::Failed | ExecutionStatus::TimedOut | ExecutionStatus::Aborted
        ) {
            return Some(format!(
                "Execution is {} and cannot be redriven",
                s.status.as_str()
            ));
        }
        let stopped = s.stop_millis.unwrap_or(now_millis);
        if now_millis.saturating_sub(stopped) > REDRIVABLE_MILLIS {
            return Some("Execution ended more than 14 days ago".to_owned());
        }
        if s.redrive.count >= MAX_REDRIVES {
            return Some(format!(
                "Execution was already redriven {MAX_REDRIVES} times"
            ));
        }
        if s.history.events().len() >= MAX_EVENTS_TO_REDRIVE {
            return Some(format!(
                "Execution history has reached {MAX_EVENTS_TO_REDRIVE} events"
            ));
        }
        None
    }
}
