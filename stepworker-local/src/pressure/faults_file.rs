//! The faults file (`--faults FILE`): JSON text to [`Faults`], every error
//! pointing at its field.
//!
//! ```json
//! { "seed": 42,
//!   "operations": {
//!     "*": { "throttle": 0.02, "latency": { "rate": 0.5, "minMs": 5, "maxMs": 50 } },
//!     "SendTaskSuccess": { "resetAfterEffect": 0.1 } } }
//! ```
//!
//! Unknown fields, unknown operation names, rates outside 0..=1 and outcome
//! rates adding up to more than 1 are refused: nothing is silently ignored.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_path_to_error::Segment;

use super::error::PressureError;
use super::faults::{self, Faults, Latency, OperationFaults, EVERY_OPERATION};
use super::operation_name;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFaults {
    #[serde(default)]
    seed: u64,
    operations: Operations,
}

/// The `operations` object; a name given twice is an error, where a map
/// would silently keep the last entry.
struct Operations(BTreeMap<String, FileOperation>);

impl<'de> Deserialize<'de> for Operations {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = Operations;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of operation names")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Operations, A::Error> {
                let mut entries = BTreeMap::new();
                while let Some(name) = map.next_key::<String>()? {
                    if entries.contains_key(&name) {
                        return Err(serde::de::Error::custom(format!(
                            "operation '{name}' appears twice"
                        )));
                    }
                    let entry = map.next_value::<FileOperation>()?;
                    entries.insert(name, entry);
                }
                Ok(Operations(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FileOperation {
    #[serde(default)]
    throttle: f64,
    #[serde(default)]
    internal_failure: f64,
    #[serde(default)]
    service_unavailable: f64,
    #[serde(default)]
    reset_before_effect: f64,
    #[serde(default)]
    reset_after_effect: f64,
    latency: Option<FileLatency>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FileLatency {
    rate: f64,
    min_ms: u64,
    max_ms: u64,
}

impl Faults {
    /// Reads a faults file; a missing or malformed one is an error naming
    /// the file and the JSON pointer of the problem.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, PressureError> {
        let path = path.as_ref();
        let source = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| PressureError::new(&source, "", format!("cannot read the file: {e}")))?;
        Self::from_json(&source, &text)
    }

    /// Parses faults from JSON text; `source` names it in errors.
    pub fn from_json(source: &str, text: &str) -> Result<Self, PressureError> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let file: FileFaults = serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| PressureError::new(source, &pointer(e.path()), e.inner().to_string()))?;
        let mut faults = Faults::seeded(file.seed);
        for (name, entry) in file.operations.0 {
            let at = format!("/operations/{}", escape(&name));
            let entry = OperationFaults {
                throttle: entry.throttle,
                internal_failure: entry.internal_failure,
                service_unavailable: entry.service_unavailable,
                reset_before_effect: entry.reset_before_effect,
                reset_after_effect: entry.reset_after_effect,
                latency: entry.latency.map(|l| Latency {
                    rate: l.rate,
                    min_ms: l.min_ms,
                    max_ms: l.max_ms,
                }),
            };
            faults::check(&entry).map_err(|(field, message)| {
                let at = if field.is_empty() {
                    at.clone()
                } else {
                    format!("{at}/{field}")
                };
                PressureError::new(source, &at, message)
            })?;
            if name == EVERY_OPERATION {
                faults.every_operation = Some(entry);
            } else {
                let known = operation_name::known(&name).ok_or_else(|| {
                    PressureError::new(source, &at, operation_name::unknown(&name))
                })?;
                faults.operations.insert(known, entry);
            }
        }
        Ok(faults)
    }
}

/// serde's path as a JSON pointer (RFC 6901).
fn pointer(path: &serde_path_to_error::Path) -> String {
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(format!("/{index}")),
            Segment::Map { key } => Some(format!("/{}", escape(key))),
            Segment::Enum { variant } => Some(format!("/{}", escape(variant))),
            Segment::Unknown => None,
        })
        .collect()
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> PressureError {
        Faults::from_json("f.json", text).expect_err("refused")
    }

    #[test]
    fn a_good_file_parses() {
        let faults = Faults::from_json(
            "f.json",
            r#"{"seed": 9, "operations": {"*": {"throttle": 0.25},
                "SendTaskSuccess": {"resetAfterEffect": 1, "latency": {"rate": 0.5, "minMs": 1, "maxMs": 3}}}}"#,
        )
        .expect("valid");
        assert_eq!(faults.seed(), 9);
        assert_eq!(
            faults.for_operation("ListActivities").map(|f| f.throttle),
            Some(0.25)
        );
        let success = faults
            .for_operation("SendTaskSuccess")
            .copied()
            .unwrap_or_default();
        assert_eq!(success.reset_after_effect, 1.0);
        assert_eq!(success.latency.map(|l| (l.min_ms, l.max_ms)), Some((1, 3)));
    }

    #[test]
    fn the_sample_file_parses() {
        let sample = include_str!("../../examples/faults.json");
        let faults =
            Faults::from_json("examples/faults.json", sample).expect("the sample is valid");
        assert_eq!(faults.seed(), 42);
        assert!(faults.for_operation("SendTaskSuccess").is_some());
    }

    #[test]
    fn errors_point_at_the_problem() {
        let typo = error(r#"{"operations": {"*": {"throttel": 0.1}}}"#);
        assert_eq!(typo.pointer, "/operations/*/throttel", "{typo}");
        assert!(typo.message.contains("throttel"), "{typo}");
        let rate = error(r#"{"operations": {"GetActivityTask": {"throttle": 2}}}"#);
        assert_eq!(rate.pointer, "/operations/GetActivityTask/throttle");
        assert!(rate.message.contains("outside 0..=1"), "{rate}");
        let name = error(r#"{"operations": {"GetActivityTasks": {}}}"#);
        assert_eq!(name.pointer, "/operations/GetActivityTasks");
        assert!(name.message.contains("'GetActivityTasks'"), "{name}");
        let latency = error(r#"{"operations": {"*": {"latency": {"rate": 1, "minMs": 5}}}}"#);
        assert_eq!(latency.pointer, "/operations/*/latency", "{latency}");
        let sum = error(r#"{"operations": {"*": {"throttle": 0.7, "resetAfterEffect": 0.7}}}"#);
        assert_eq!(sum.pointer, "/operations/*");
        let top = error(r#"{"seed": 1, "operations": {}, "extra": true}"#);
        assert!(top.message.contains("extra"), "{top}");
        let twice = error(r#"{"operations": {"*": {}, "*": {"throttle": 1}}}"#);
        assert!(twice.message.contains("'*' appears twice"), "{twice}");
        assert!(twice.pointer.starts_with("/operations"), "{twice}");
        let not_json = error("{");
        assert!(not_json.to_string().starts_with("f.json: "), "{not_json}");
        let rate_type = error(r#"{"operations": {"*": {"throttle": "high"}}}"#);
        assert_eq!(rate_type.pointer, "/operations/*/throttle");
    }
}
