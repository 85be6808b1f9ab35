//! The published versions of a state machine and the aliases that route
//! executions to them.

use std::collections::BTreeMap;
use std::sync::Arc;

use stepworker::model::Timestamp;

use super::MachineVersion;

/// Versions a state machine may have at once, as AWS's quota.
pub const MAX_VERSIONS: usize = 1000;
/// Aliases a state machine may have at once, as AWS's quota.
pub const MAX_ALIASES: usize = 100;

/// One published, immutable version.
#[derive(Debug)]
pub struct PublishedVersion {
    /// Version number (from 1, never reused).
    pub number: u64,
    /// `stateMachine:NAME:NUMBER`.
    pub arn: Arc<str>,
    /// The definition and settings frozen at publication.
    pub version: Arc<MachineVersion>,
    /// `description`.
    pub description: Option<String>,
    /// When it was published.
    pub creation_date: Timestamp,
}

/// One alias: a name routing executions to one or two versions by weight.
#[derive(Debug, Clone)]
pub struct AliasRecord {
    /// Order of creation.
    pub seq: u64,
    /// Alias name.
    pub name: String,
    /// `stateMachine:NAME:ALIAS`.
    pub arn: Arc<str>,
    /// `description`.
    pub description: Option<String>,
    /// Version numbers and their weights (summing to 100).
    pub routing: Vec<(u64, i32)>,
    /// When it was created.
    pub creation_date: Timestamp,
    /// When it was last updated.
    pub update_date: Timestamp,
}

impl AliasRecord {
    /// The version a new execution runs, for `draw` in `0..100`: each
    /// version gets a share of draws equal to its weight.
    pub fn pick(&self, draw: i32) -> Option<u64> {
        let mut upper = 0;
        for (number, weight) in &self.routing {
            upper += weight;
            if draw < upper {
                return Some(*number);
            }
        }
        // Weights sum to 100, so only a zero-weight tail is left: take the
        // last version with any weight.
        self.routing
            .iter()
            .rev()
            .find(|(_, w)| *w > 0)
            .map(|(n, _)| *n)
    }
}

/// The versions and aliases of one state machine.
#[derive(Debug, Default)]
pub struct Published {
    /// Versions by number.
    pub versions: BTreeMap<u64, PublishedVersion>,
    /// Aliases by name.
    pub aliases: BTreeMap<String, AliasRecord>,
    /// Number of the last version ever published (numbers are not reused).
    pub last_number: u64,
}

impl Published {
    /// True if an alias routes to version `number`.
    pub fn is_routed(&self, number: u64) -> bool {
        self.aliases
            .values()
            .any(|a| a.routing.iter().any(|(n, _)| *n == number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(routing: Vec<(u64, i32)>) -> AliasRecord {
        AliasRecord {
            seq: 1,
            name: "live".into(),
            arn: Arc::from("arn"),
            description: None,
            routing,
            creation_date: Timestamp::default(),
            update_date: Timestamp::default(),
        }
    }

    #[test]
    fn draws_split_by_weight() {
        let split = alias(vec![(1, 30), (2, 70)]);
        let ones = (0..100).filter(|d| split.pick(*d) == Some(1)).count();
        assert_eq!(ones, 30);
        let all_second = alias(vec![(1, 0), (2, 100)]);
        assert!((0..100).all(|d| all_second.pick(d) == Some(2)));
    }
}
