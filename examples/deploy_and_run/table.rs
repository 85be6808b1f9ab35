//! Prints executions and their steps as aligned plain-text tables.

use crate::steps::Step;

/// One execution as the demo shows it.
pub struct ExecutionReport {
    pub headline: String,
    pub steps: Vec<Step>,
}

/// Prints every execution: its headline, then its steps, with the columns
/// aligned across all of them.
pub fn print_executions(reports: &[ExecutionReport]) {
    let all_steps = || reports.iter().flat_map(|report| &report.steps);
    let state = column_width("state", all_steps().map(|s| s.state.as_str()));
    let happened = column_width("what happened", all_steps().map(|s| s.happened.as_str()));
    for report in reports {
        println!("{}", report.headline);
        println!(
            "    {:<state$}  {:<happened$}  {:>6}",
            "state", "what happened", "ms"
        );
        for step in &report.steps {
            println!(
                "    {:<state$}  {:<happened$}  {:>6}",
                step.state, step.happened, step.millis
            );
        }
        println!();
    }
}

fn column_width<'a>(header: &str, cells: impl Iterator<Item = &'a str>) -> usize {
    cells
        .map(|cell| cell.chars().count())
        .chain([header.len()])
        .max()
        .unwrap_or_default()
}
