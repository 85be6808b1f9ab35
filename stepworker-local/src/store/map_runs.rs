//! Every Map Run, found by its ARN, by its parent execution, or by one of
//! its child executions.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use stepworker::model::MapRunStatus;

use super::map_run::MapRun;

/// The Map Runs of one engine.
#[derive(Debug, Default)]
pub struct MapRunTable {
    /// Map Runs by creation order.
    runs: BTreeMap<u64, Arc<MapRun>>,
    /// Creation order by Map Run ARN.
    by_arn: HashMap<Arc<str>, u64>,
    /// Creation orders of the Map Runs each parent execution started.
    by_execution: HashMap<Arc<str>, Vec<u64>>,
    /// The Map Run each child execution belongs to.
    parent_of_child: HashMap<Arc<str>, Arc<MapRun>>,
}

impl MapRunTable {
    /// Adds a new Map Run.
    pub fn insert(&mut self, run: Arc<MapRun>) {
        self.by_arn.insert(run.arn.clone(), run.seq);
        self.by_execution
            .entry(run.execution_arn.clone())
            .or_default()
            .push(run.seq);
        self.runs.insert(run.seq, run);
    }

    /// Notes that `child` (an execution ARN) runs for `run`.
    pub fn add_child(&mut self, run: &Arc<MapRun>, child: Arc<str>) {
        self.parent_of_child.insert(child, run.clone());
    }

    /// The Map Run with this ARN.
    pub fn get(&self, arn: &str) -> Option<&Arc<MapRun>> {
        self.by_arn.get(arn).and_then(|seq| self.runs.get(seq))
    }

    /// The Map Run that started the execution `child`, if one did.
    pub fn of_child(&self, child: &str) -> Option<&Arc<MapRun>> {
        self.parent_of_child.get(child)
    }

    /// The Map Runs the execution `execution` started, oldest first.
    pub fn of_execution(&self, execution: &str) -> impl DoubleEndedIterator<Item = &Arc<MapRun>> {
        self.by_execution
            .get(execution)
            .into_iter()
            .flatten()
            .filter_map(|seq| self.runs.get(seq))
    }

    /// The latest unsuccessful Map Run that `state` of `execution` started:
    /// what a redrive of the parent runs again.
    pub fn unsuccessful(&self, execution: &str, state: &str) -> Option<Arc<MapRun>> {
        self.of_execution(execution)
            .rev()
            .find(|run| *run.state_name == *state)
            .filter(|run| run.with_state(|s| s.status != MapRunStatus::Succeeded))
            .cloned()
    }

    /// Forgets the Map Runs of a parent execution that retention dropped,
    /// and the link of a dropped child execution.
    pub fn forget_execution(&mut self, execution: &str) {
        self.parent_of_child.remove(execution);
        for seq in self.by_execution.remove(execution).unwrap_or_default() {
            if let Some(run) = self.runs.remove(&seq) {
                self.by_arn.remove(&run.arn);
            }
        }
    }
}
