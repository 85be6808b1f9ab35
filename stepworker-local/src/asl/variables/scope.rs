//! The variables one walk of states can see.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::assign::Assignment;
use crate::asl::payload::payload_size;
use crate::asl::states_error::StatesError;

/// AWS's cap on all the variables of an execution: 10 MiB.
pub const MAX_TOTAL_BYTES: usize = 10 * 1024 * 1024;

/// The variables of one scope and, behind it, the scopes enclosing it.
///
/// Cloning is cheap (shared maps); assigning copies this scope's map only
/// while a branch or iteration still holds it.
#[derive(Clone, Debug, Default)]
pub struct Variables {
    own: Arc<Map<String, Value>>,
    own_bytes: usize,
    outer: Option<Arc<Variables>>,
}

impl Variables {
    /// An empty top-level scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `name` in this scope or the nearest enclosing one.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.own
            .get(name)
            .or_else(|| self.outer.as_ref().and_then(|o| o.get(name)))
    }

    /// True when no variable is visible.
    pub fn is_empty(&self) -> bool {
        self.own.is_empty() && self.outer.as_ref().is_none_or(|o| o.is_empty())
    }

    /// The scope of a Parallel branch or Map iteration: reads this one,
    /// assigns only its own.
    pub fn child(&self) -> Self {
        Self {
            own: Arc::default(),
            own_bytes: 0,
            outer: (!self.is_empty()).then(|| Arc::new(self.clone())),
        }
    }

    /// Bytes held by this scope and those enclosing it.
    pub fn total_bytes(&self) -> usize {
        self.own_bytes + self.outer.as_ref().map_or(0, |o| o.total_bytes())
    }

    /// Every visible variable, inner names over outer ones.
    pub fn visible(&self) -> Map<String, Value> {
        let mut all = self.outer.as_ref().map(|o| o.visible()).unwrap_or_default();
        for (name, value) in self.own.iter() {
            all.insert(name.clone(), value.clone());
        }
        all
    }

    /// Stores `assignment`, failing with `States.DataLimitExceeded` if the
    /// execution's variables would pass 10 MiB.
    pub fn apply(&mut self, assignment: Assignment) -> Result<(), StatesError> {
        if assignment.is_empty() {
            return Ok(());
        }
        let mut own_bytes = self.own_bytes;
        for (name, value) in assignment.iter() {
            own_bytes += value.size;
            if let Some(old) = self.own.get(name) {
                own_bytes = own_bytes.saturating_sub(payload_size(old));
            }
        }
        let total = own_bytes + self.outer.as_ref().map_or(0, |o| o.total_bytes());
        if total > MAX_TOTAL_BYTES {
            return Err(StatesError::data_limit_exceeded(format!(
                "The variables of the execution would take {total} bytes, more than the maximum of \
                 {MAX_TOTAL_BYTES} bytes."
            )));
        }
        let own = Arc::make_mut(&mut self.own);
        for (name, value) in assignment.into_values() {
            own.insert(name, value);
        }
        self.own_bytes = own_bytes;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn children_read_outer_values_and_keep_their_own() {
        let mut top = Variables::new();
        top.apply(Assignment::of(vec![("x".into(), json!(1))]).expect("small"))
            .expect("fits");
        let mut branch = top.child();
        assert_eq!(branch.get("x"), Some(&json!(1)));
        branch
            .apply(Assignment::of(vec![("y".into(), json!(2))]).expect("small"))
            .expect("fits");
        assert_eq!(branch.get("y"), Some(&json!(2)));
        assert_eq!(top.get("y"), None);
        assert_eq!(
            branch.visible(),
            json!({"x": 1, "y": 2})
                .as_object()
                .cloned()
                .unwrap_or_default()
        );
    }
}
