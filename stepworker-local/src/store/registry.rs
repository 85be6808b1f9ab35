//! The registry of resources and the retention of finished executions.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use super::{ActivityRecord, KeptResults, MapRunTable, StateMachineRecord};
use crate::execution::Execution;

/// All resources of one engine.
#[derive(Debug, Default)]
pub struct Registry {
    /// Activities by name.
    pub activities: HashMap<String, ActivityRecord>,
    /// State machines by name.
    pub machines: HashMap<String, StateMachineRecord>,
    /// Executions by creation order.
    pub executions: BTreeMap<u64, Arc<Execution>>,
    /// Execution order numbers by ARN.
    pub execution_by_arn: HashMap<Arc<str>, u64>,
    /// Map Runs of Distributed Map states.
    pub map_runs: MapRunTable,
    /// Results of inline Map iterations and Parallel branches kept for a
    /// redrive.
    pub kept_results: KeptResults,
    /// Finished executions, oldest finish first (for retention).
    finished: VecDeque<u64>,
    next_seq: u64,
}

impl Registry {
    /// A fresh creation order number.
    pub fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// The execution with this ARN.
    pub fn execution(&self, arn: &str) -> Option<&Arc<Execution>> {
        self.execution_by_arn
            .get(arn)
            .and_then(|seq| self.executions.get(seq))
    }

    /// Adds a running execution.
    pub fn insert_execution(&mut self, execution: Arc<Execution>) {
        if let Some(machine) = self.machines.get_mut(&*execution.state_machine_name) {
            machine.running += 1;
        }
        self.execution_by_arn
            .insert(execution.arn.clone(), execution.seq);
        self.executions.insert(execution.seq, execution);
    }

    /// Books a redriven execution as running again: it leaves the finished
    /// list (retention) and counts again for its machine.
    pub fn execution_redriven(&mut self, execution: &Execution) {
        if let Some(machine) = self.machines.get_mut(&*execution.state_machine_name) {
            machine.running += 1;
        }
        self.finished.retain(|seq| *seq != execution.seq);
    }

    /// Books an execution's end: its machine may finish deleting, and the
    /// oldest finished executions beyond `keep` are dropped. Returns the
    /// task ids of dropped executions, whose tokens can be forgotten.
    pub fn execution_finished(&mut self, execution: &Execution, keep: usize) -> Vec<u64> {
        let name = &*execution.state_machine_name;
        let remove_machine = match self.machines.get_mut(name) {
            Some(machine) => {
                machine.running = machine.running.saturating_sub(1);
                machine.deleting && machine.running == 0
            }
            _ => false,
        };
        if remove_machine {
            self.machines.remove(name);
        }
        self.finished.push_back(execution.seq);
        let mut forgotten = Vec::new();
        while self.finished.len() > keep {
            let Some(seq) = self.finished.pop_front() else {
                break;
            };
            if let Some(old) = self.executions.remove(&seq) {
                self.execution_by_arn.remove(&old.arn);
                self.map_runs.forget_execution(&old.arn);
                self.kept_results.forget_execution(&old.arn);
                forgotten.extend(old.with_state(|s| std::mem::take(&mut s.task_ids)));
            }
        }
        forgotten
    }
}
