//! The counters the fleet example prints when it exits: one row per
//! activity, one column per counter.

use std::collections::BTreeMap;

use anyhow::{bail, Context};

/// A fleet instance's exit summary.
#[derive(Clone, Debug, Default)]
pub struct FleetSummary {
    /// Counter values by activity, then by column header (`started`).
    pub by_activity: BTreeMap<String, BTreeMap<String, f64>>,
}

impl FleetSummary {
    /// Parses the table from the fleet's standard output.
    pub fn parse(stdout: &str) -> anyhow::Result<Self> {
        let mut lines = stdout.lines();
        let header: Vec<&str> = lines
            .find(|line| line.starts_with("activity"))
            .context("no summary table")?
            .split("  ")
            .map(str::trim)
            .filter(|column| !column.is_empty())
            .collect();
        let mut by_activity = BTreeMap::new();
        for row in lines.filter(|line| !line.trim().is_empty()) {
            let mut cells: Vec<&str> = row.split_whitespace().collect();
            if cells.len() + 1 == header.len() {
                // Series without an activity label (API calls by operation)
                // make a row whose name is empty.
                cells.insert(0, "");
            }
            if cells.len() != header.len() {
                bail!("a summary row with {} cells: {row}", cells.len());
            }
            let values = header[1..]
                .iter()
                .zip(&cells[1..])
                .map(|(column, cell)| {
                    let value = cell
                        .parse::<f64>()
                        .with_context(|| format!("{column}: {cell}"))?;
                    Ok(((*column).to_owned(), value))
                })
                .collect::<anyhow::Result<_>>()?;
            by_activity.insert(cells[0].to_owned(), values);
        }
        Ok(Self { by_activity })
    }

    /// Column `column` summed over the activities (`started`, `succeeded`,
    /// `failed`, `cancelled`, `maybe delivered`, `given up`, ...).
    pub fn total(&self, column: &str) -> u64 {
        self.by_activity
            .values()
            .filter_map(|values| values.get(column))
            .map(|value| *value as u64)
            .sum()
    }
}
