//! The figures of one run, kept for the JSON line `tools/peers.py` reads,
//! with the reason for each figure that could not be measured.

use anyhow::Result;
use serde_json::{json, Map, Value};
use stepworker_suite::load::quantiles::ms;
use stepworker_suite::load::Quantiles;

/// A figure that has a JSON form.
pub trait Figure: Copy {
    /// The figure as JSON.
    fn to_json(&self) -> Value;
}

impl Figure for f64 {
    fn to_json(&self) -> Value {
        json!(self)
    }
}

impl Figure for Quantiles {
    fn to_json(&self) -> Value {
        json!({"p50_ms": ms(self.p50), "p99_ms": ms(self.p99)})
    }
}

/// RSS before and after, MiB.
impl Figure for (f64, f64) {
    fn to_json(&self) -> Value {
        json!({"before_mib": self.0, "after_mib": self.1})
    }
}

/// The figures of one run.
pub struct Report {
    figures: Map<String, Value>,
    failures: Map<String, Value>,
}

impl Report {
    /// An empty report on `target`.
    pub fn new(target: &str, clients: usize, seconds: u64) -> Self {
        let mut figures = Map::new();
        figures.insert("target".into(), json!(target));
        figures.insert("clients".into(), json!(clients));
        figures.insert("seconds".into(), json!(seconds));
        Self {
            figures,
            failures: Map::new(),
        }
    }

    /// Keeps a figure.
    pub fn set(&mut self, name: &str, figure: impl Figure) {
        self.figures.insert(name.into(), figure.to_json());
    }

    /// Keeps a measured figure and hands it back, or prints and keeps why
    /// it could not be measured (an engine without activities, say) so the
    /// run goes on to the next figure.
    pub fn record<T: Figure>(&mut self, name: &str, measured: Result<T>) -> Option<T> {
        match measured {
            Ok(figure) => {
                self.set(name, figure);
                Some(figure)
            }
            Err(e) => {
                println!("{name}: not measured: {e:#}");
                self.failures.insert(name.into(), json!(format!("{e:#}")));
                None
            }
        }
    }

    /// The report as one JSON object.
    pub fn to_json(&self) -> Value {
        let mut all = self.figures.clone();
        all.insert("failures".into(), Value::Object(self.failures.clone()));
        Value::Object(all)
    }
}
