//! Child executions of a Map Run: each item (or batch) runs as an
//! execution of its own, named by AWS's pattern
//! `execution:<machine>/<label>:<uuid>` (`express:...:<uuid>:<uuid>` for
//! EXPRESS children), with its own history for STANDARD ones.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use serde_json::Value;
use stepworker::model::{ExecutionStatus, StateMachineType};

use crate::asl::{Definition, MapState};
use crate::core::Core;
use crate::execution::record::{Execution, Outcome, Redriven};
use crate::execution::redrive::spawn_redriven;
use crate::execution::runner::spawn;
use crate::execution::ErrorCause;
use crate::mocks::MockRun;
use crate::stats::Stats;
use crate::store::{MachineVersion, MapRun};

/// What every child of one Map Run shares.
pub(crate) struct ChildTemplate {
    /// `<machine>/<label>`: the state machine name children show.
    machine_name: Arc<str>,
    /// Its ARN.
    machine_arn: Arc<str>,
    /// The item processor as the definition children run.
    version: Arc<MachineVersion>,
    /// The parent machine's deletion flag: deleting it ends the children.
    machine_deleting: Arc<AtomicBool>,
    /// The parent's mock test case, which every child runs with.
    mocks: Option<MockRun>,
}

impl ChildTemplate {
    /// The template of `run`'s children, for a parent running `parent`.
    pub fn new(core: &Core, parent: &Execution, map: &MapState, run: &MapRun) -> Self {
        let machine_type = match map.execution_type.as_deref() {
            Some("EXPRESS") => StateMachineType::Express,
            _ => StateMachineType::Standard,
        };
        let parent_version = &parent.version;
        let definition: Definition = map.item_processor.clone();
        // DescribeStateMachineForExecution on a child shows "the state
        // machine associated with the Map Run": the item processor, as
        // written in the parent's definition. The parent's text is the
        // fallback only if it cannot be found, which a parsed definition
        // rules out.
        let definition_text = item_processor_text(&parent_version.definition_text, &run.state_name)
            .unwrap_or_else(|| parent_version.definition_text.clone());
        let version = MachineVersion {
            definition_text,
            definition: Arc::new(definition),
            role_arn: parent_version.role_arn.clone(),
            machine_type,
            logging: None,
            tracing: None,
            update_date: parent_version.update_date,
            revision_id: parent_version.revision_id.clone(),
        };
        Self {
            machine_arn: Arc::from(core.arns.state_machine(&run.child_machine_name)),
            machine_name: run.child_machine_name.clone(),
            version: Arc::new(version),
            machine_deleting: parent.machine_deleting.clone(),
            mocks: parent.mocks.as_ref().map(MockRun::for_map_run_child),
        }
    }

    fn is_express(&self) -> bool {
        self.version.machine_type == StateMachineType::Express
    }
}

/// The `ItemProcessor` (or legacy `Iterator`) of the Map state named
/// `state_name`, as JSON text, wherever the state sits in `definition`
/// (state names are unique machine-wide, so the first match is the one).
fn item_processor_text(definition: &str, state_name: &str) -> Option<String> {
    let root: Value = serde_json::from_str(definition).ok()?;
    let mut pending = vec![&root];
    while let Some(machine) = pending.pop() {
        let Some(states) = machine.get("States").and_then(Value::as_object) else {
            continue;
        };
        for (name, state) in states {
            let processor = state.get("ItemProcessor").or_else(|| state.get("Iterator"));
            if name == state_name {
                if let Some(processor) = processor {
                    return Some(processor.to_string());
                }
            }
            pending.extend(processor);
            pending.extend(
                state
                    .get("Branches")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
        }
    }
    None
}

/// Starts child `index` of `run` with `input`: a redrive of its earlier
/// STANDARD execution when there is one to redrive (AWS redrives
/// unsuccessful STANDARD children, and starts EXPRESS ones anew), else a
/// new execution. The execution now running.
pub(crate) fn start_child(
    core: &Arc<Core>,
    run: &Arc<MapRun>,
    template: &ChildTemplate,
    earlier: Option<Arc<Execution>>,
    input: Arc<str>,
) -> Arc<Execution> {
    if let Some(earlier) = earlier.filter(|_| !template.is_express()) {
        if redrive(core, &earlier) {
            return earlier;
        }
    }
    let name = uuid::Uuid::new_v4().to_string();
    let arn = if template.is_express() {
        core.arns.express_execution(&template.machine_name, &name)
    } else {
        core.arns.execution(&template.machine_name, &name)
    };
    let execution = {
        let mut registry = core.registry.lock();
        let mut execution = Execution::new(
            registry.next_seq(),
            Arc::from(arn),
            Arc::from(name),
            template.machine_name.clone(),
            template.machine_arn.clone(),
            template.version.clone(),
            input,
            core.now_millis(),
            None,
            template.machine_deleting.clone(),
        );
        execution.mocks = template.mocks.as_ref().map(MockRun::for_map_run_child);
        let execution = Arc::new(execution);
        registry.insert_execution(execution.clone());
        registry.map_runs.add_child(run, execution.arn.clone());
        execution
    };
    Stats::bump(&core.stats.executions_started);
    spawn(core.clone(), execution.clone());
    execution
}

/// Redrives an ended child execution in place; false if it cannot be.
fn redrive(core: &Arc<Core>, execution: &Arc<Execution>) -> bool {
    let from = {
        let mut registry = core.registry.lock();
        let Ok(Redriven::New { from }) = execution.reopen(core.now_millis(), None) else {
            return false;
        };
        registry.execution_redriven(execution);
        // Retention may have dropped the ended child; it runs again, so
        // the API must find it again.
        if registry.execution(&execution.arn).is_none() {
            registry.insert_execution(execution.clone());
        }
        from
    };
    spawn_redriven(core.clone(), execution.clone(), from);
    true
}

/// Stops a running child because its Map Run failed or was aborted.
pub(crate) fn abort_child(core: &Core, execution: &Execution) {
    let outcome = Outcome::Aborted(ErrorCause::default());
    core.end_execution(execution, None, core.now_millis(), outcome);
}

/// How a child execution ended: status, output and error.
pub(crate) fn child_end(execution: &Execution) -> (ExecutionStatus, Option<Arc<str>>, ErrorCause) {
    execution.with_state(|s| (s.status.clone(), s.output.clone(), s.error.clone()))
}
