//! What the successful iterations of an inline Map, or the successful
//! branches of a Parallel state, returned before the execution ended in
//! that state: a redrive reruns only the others (developer guide,
//! "Redriving executions").

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

/// The results one execution keeps for its next redrive.
#[derive(Debug)]
struct Kept {
    /// The top-level state they belong to.
    state: Arc<str>,
    /// The execution's redrive count when they were kept.
    redrives: u32,
    /// One entry per iteration or branch: its output if it succeeded.
    outputs: Vec<Option<Value>>,
}

/// Kept results by execution ARN.
#[derive(Debug, Default)]
pub struct KeptResults {
    by_execution: HashMap<Arc<str>, Kept>,
}

impl KeptResults {
    /// Keeps the results of `state` for a later redrive of `execution`,
    /// replacing what was kept before.
    pub fn keep(
        &mut self,
        execution: Arc<str>,
        state: Arc<str>,
        redrives: u32,
        outputs: Vec<Option<Value>>,
    ) {
        self.by_execution.insert(
            execution,
            Kept {
                state,
                redrives,
                outputs,
            },
        );
    }

    /// Takes the results kept for `state` of `execution` before its redrive
    /// number `redrives`, if they fit `len` iterations or branches.
    pub fn take(
        &mut self,
        execution: &str,
        state: &str,
        redrives: u32,
        len: usize,
    ) -> Option<Vec<Option<Value>>> {
        let kept = self.by_execution.get(execution)?;
        if *kept.state != *state || kept.redrives >= redrives || kept.outputs.len() != len {
            return None;
        }
        self.by_execution.remove(execution).map(|kept| kept.outputs)
    }

    /// Forgets an execution that retention dropped.
    pub fn forget_execution(&mut self, execution: &str) {
        self.by_execution.remove(execution);
    }
}
