//! The registry of resources and the retention of finished executions.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use super::{ActivityRecord, KeptResults, MapRunTable, StateMachineRecord};
use crate::config::Retention;
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
    /// Finished executions, oldest finish first, with the bytes each was
    /// charged (for retention).
    finished: VecDeque<(u64, usize)>,
    /// The sum of the bytes in `finished`.
    finished_bytes: usize,
    next_seq: u64,
}

/// What retention keeps after an execution's end.
#[derive(Debug, Default)]
pub struct Retained {
    /// Task ids of the executions it dropped, whose tokens can be
    /// forgotten.
    pub forgotten_tasks: Vec<u64>,
    /// Finished executions kept now.
    pub executions: usize,
    /// Their estimated bytes.
    pub bytes: usize,
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
        let mut freed = 0;
        self.finished.retain(|(seq, bytes)| {
            let keep = *seq != execution.seq;
            if !keep {
                freed += bytes;
            }
            keep
        });
        self.finished_bytes = self.finished_bytes.saturating_sub(freed);
    }

    /// Books an execution's end: its machine may finish deleting, and the
    /// oldest finished executions are dropped while more than `retention`
    /// allows are kept, by count or by bytes (`bytes` is what this one
    /// holds).
    pub fn execution_finished(
        &mut self,
        execution: &Execution,
        bytes: usize,
        retention: &Retention,
    ) -> Retained {
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
        self.finished.push_back((execution.seq, bytes));
        self.finished_bytes = self.finished_bytes.saturating_add(bytes);
        let mut forgotten_tasks = Vec::new();
        // By bytes the newest stays even if it alone is over: the caller
        // who waited for it reads its result next.
        while self.finished.len() > retention.max_finished_executions
            || (self.finished.len() > 1
                && self.finished_bytes > retention.max_finished_execution_bytes)
        {
            let Some((seq, bytes)) = self.finished.pop_front() else {
                break;
            };
            self.finished_bytes = self.finished_bytes.saturating_sub(bytes);
            if let Some(old) = self.executions.remove(&seq) {
                self.execution_by_arn.remove(&old.arn);
                self.map_runs.forget_execution(&old.arn);
                self.kept_results.forget_execution(&old.arn);
                forgotten_tasks.extend(old.with_state(|s| std::mem::take(&mut s.task_ids)));
            }
        }
        Retained {
            forgotten_tasks,
            executions: self.finished.len(),
            bytes: self.finished_bytes,
        }
    }
}
