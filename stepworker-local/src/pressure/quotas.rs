//! API quotas: which operations are throttled, with what bucket.
//!
//! The AWS table is the "API action throttling" part of the Step Functions
//! service quotas page,
//! <https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html#service-limits-api-action-throttling-general>:
//! per account and region, one token bucket per operation, larger in US East
//! (N. Virginia), US West (Oregon) and Europe (Ireland) than elsewhere. The
//! page gives each operation its own bucket (none is shared), and gives
//! `StartSyncExecution` none (it scales on demand), so it is never throttled
//! here either. `StartExecution` has two rows: Standard (in the table below)
//! and Express, 6,000 refilled at 6,000 a second in every region.

use std::collections::BTreeMap;
use std::str::FromStr;

use super::error::PressureError;
use super::operation_name;

/// A token bucket's shape: `size` calls at once, `refill_per_second` more
/// each second after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// Tokens the bucket holds when full (the burst).
    pub size: u32,
    /// Tokens added per second (the sustained rate).
    pub refill_per_second: u32,
}

impl Bucket {
    /// A bucket of `size` tokens refilled at `refill_per_second`.
    pub const fn new(size: u32, refill_per_second: u32) -> Self {
        Self {
            size,
            refill_per_second,
        }
    }
}

/// `SIZE:REFILL`, as in `--quota GetActivityTask=20:10`.
impl FromStr for Bucket {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (size, refill) = text
            .split_once(':')
            .ok_or_else(|| format!("'{text}' is not SIZE:REFILL (for example 20:10)"))?;
        let number = |what: &str, value: &str| {
            value.trim().parse::<u32>().map_err(|_| {
                format!(
                    "{what} '{value}' is not a whole number from 0 to {}",
                    u32::MAX
                )
            })
        };
        Ok(Self::new(
            number("bucket size", size)?,
            number("refill rate", refill)?,
        ))
    }
}

/// The regions AWS gives the larger buckets.
const LARGE_REGIONS: [&str; 3] = ["us-east-1", "us-west-2", "eu-west-1"];

/// `(operation, larger regions, all other regions)`, from the quotas page
/// cited above (StartExecution: the Standard workflow row).
const AWS_TABLE: [(&str, Bucket, Bucket); 36] = [
    ("CreateActivity", Bucket::new(100, 1), Bucket::new(100, 1)),
    (
        "CreateStateMachine",
        Bucket::new(100, 1),
        Bucket::new(100, 1),
    ),
    (
        "CreateStateMachineAlias",
        Bucket::new(100, 1),
        Bucket::new(100, 1),
    ),
    ("DeleteActivity", Bucket::new(100, 1), Bucket::new(100, 1)),
    (
        "DeleteStateMachine",
        Bucket::new(100, 1),
        Bucket::new(100, 1),
    ),
    (
        "DeleteStateMachineAlias",
        Bucket::new(100, 1),
        Bucket::new(100, 1),
    ),
    (
        "DeleteStateMachineVersion",
        Bucket::new(100, 1),
        Bucket::new(100, 1),
    ),
    ("DescribeActivity", Bucket::new(200, 1), Bucket::new(200, 1)),
    (
        "DescribeExecution",
        Bucket::new(300, 15),
        Bucket::new(250, 10),
    ),
    ("DescribeMapRun", Bucket::new(200, 1), Bucket::new(200, 1)),
    (
        "DescribeStateMachine",
        Bucket::new(200, 20),
        Bucket::new(200, 20),
    ),
    (
        "DescribeStateMachineAlias",
        Bucket::new(200, 1),
        Bucket::new(200, 1),
    ),
    (
        "DescribeStateMachineForExecution",
        Bucket::new(200, 1),
        Bucket::new(200, 1),
    ),
    (
        "GetActivityTask",
        Bucket::new(3_000, 500),
        Bucket::new(1_500, 300),
    ),
    (
        "GetExecutionHistory",
        Bucket::new(400, 20),
        Bucket::new(400, 20),
    ),
    ("ListActivities", Bucket::new(100, 10), Bucket::new(100, 5)),
    ("ListExecutions", Bucket::new(200, 5), Bucket::new(100, 2)),
    ("ListMapRuns", Bucket::new(100, 1), Bucket::new(100, 1)),
    (
        "ListStateMachineAliases",
        Bucket::new(100, 1),
        Bucket::new(100, 1),
    ),
    (
        "ListStateMachines",
        Bucket::new(100, 5),
        Bucket::new(100, 5),
    ),
    (
        "ListStateMachineVersions",
        Bucket::new(100, 1),
        Bucket::new(100, 1),
    ),
    (
        "ListTagsForResource",
        Bucket::new(100, 1),
        Bucket::new(100, 1),
    ),
    (
        "PublishStateMachineVersion",
        Bucket::new(100, 1),
        Bucket::new(100, 1),
    ),
    (
        "RedriveExecution",
        Bucket::new(1_300, 300),
        Bucket::new(800, 150),
    ),
    (
        "SendTaskFailure",
        Bucket::new(3_000, 500),
        Bucket::new(1_500, 300),
    ),
    (
        "SendTaskHeartbeat",
        Bucket::new(3_000, 500),
        Bucket::new(1_500, 300),
    ),
    (
        "SendTaskSuccess",
        Bucket::new(3_000, 500),
        Bucket::new(1_500, 300),
    ),
    (
        "StartExecution",
        Bucket::new(1_300, 300),
        Bucket::new(800, 150),
    ),
    (
        "StopExecution",
        Bucket::new(1_000, 200),
        Bucket::new(500, 25),
    ),
    ("TagResource", Bucket::new(200, 1), Bucket::new(200, 1)),
    ("TestState", Bucket::new(50, 10), Bucket::new(50, 10)),
    ("UntagResource", Bucket::new(200, 1), Bucket::new(200, 1)),
    ("UpdateMapRun", Bucket::new(100, 1), Bucket::new(100, 1)),
    (
        "UpdateStateMachine",
        Bucket::new(100, 1),
        Bucket::new(100, 1),
    ),
    (
        "UpdateStateMachineAlias",
        Bucket::new(100, 1),
        Bucket::new(100, 1),
    ),
    (
        "ValidateStateMachineDefinition",
        Bucket::new(100, 1),
        Bucket::new(100, 1),
    ),
];

/// `StartExecution` of an Express state machine, in every region.
const AWS_EXPRESS_START_EXECUTION: Bucket = Bucket::new(6_000, 6_000);

/// Which operations are throttled, and how: AWS's table for the engine's
/// region, buckets of your own per operation, or both (yours win).
///
/// ```
/// use stepworker_local::{Bucket, Quotas};
/// // AWS's buckets, but polls run dry after 20 calls and refill 10 a second.
/// let quotas = Quotas::aws().bucket("GetActivityTask", Bucket::new(20, 10))?;
/// # Ok::<(), stepworker_local::PressureError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quotas {
    aws: bool,
    custom: BTreeMap<&'static str, Bucket>,
}

impl Quotas {
    /// AWS's published buckets, sized for the engine's region when it starts.
    pub fn aws() -> Self {
        Self {
            aws: true,
            custom: BTreeMap::new(),
        }
    }

    /// No bucket yet: add your own with [`Quotas::bucket`].
    pub fn none() -> Self {
        Self::default()
    }

    /// Gives `operation` its own bucket (replacing AWS's, if any). An
    /// unknown operation name is an error naming it.
    pub fn bucket(mut self, operation: &str, bucket: Bucket) -> Result<Self, PressureError> {
        let name = operation_name::known(operation)
            .ok_or_else(|| PressureError::new("quotas", "", operation_name::unknown(operation)))?;
        self.custom.insert(name, bucket);
        Ok(self)
    }

    /// Adds the bucket of a `--quota OPERATION=SIZE:REFILL` flag.
    pub fn flag(self, spec: &str) -> Result<Self, PressureError> {
        let source = format!("--quota {spec}");
        let (operation, bucket) = spec.split_once('=').ok_or_else(|| {
            PressureError::new(
                &source,
                "",
                "expected OPERATION=SIZE:REFILL (for example GetActivityTask=20:10)",
            )
        })?;
        let bucket = bucket
            .parse::<Bucket>()
            .map_err(|message| PressureError::new(&source, "", message))?;
        let operation = operation.trim();
        // Two flags for one operation: one would be silently lost.
        if self.custom.contains_key(operation) {
            return Err(PressureError::new(
                &source,
                "",
                format!("{operation} has a --quota already; give each operation one"),
            ));
        }
        self.bucket(operation, bucket)
            .map_err(|e| PressureError::new(&source, "", e.message))
    }

    /// True when no operation is throttled.
    pub fn is_empty(&self) -> bool {
        !self.aws && self.custom.is_empty()
    }

    /// The bucket of every throttled operation in `region`.
    pub fn buckets(&self, region: &str) -> BTreeMap<&'static str, Bucket> {
        let mut buckets = if self.aws {
            Self::aws_buckets(region)
        } else {
            BTreeMap::new()
        };
        buckets.extend(self.custom.iter().map(|(name, bucket)| (*name, *bucket)));
        buckets
    }

    /// The bucket of `StartExecution` on Express state machines, when it is
    /// apart from the Standard one: with AWS's quotas, unless you gave
    /// `StartExecution` a bucket of your own (which then covers both).
    pub fn express_start_execution(&self) -> Option<Bucket> {
        (self.aws && !self.custom.contains_key("StartExecution"))
            .then_some(AWS_EXPRESS_START_EXECUTION)
    }

    /// AWS's table for `region`: the larger buckets in us-east-1, us-west-2
    /// and eu-west-1, the smaller ones elsewhere.
    pub fn aws_buckets(region: &str) -> BTreeMap<&'static str, Bucket> {
        let large = LARGE_REGIONS.contains(&region);
        AWS_TABLE
            .iter()
            .map(|(name, large_bucket, other)| (*name, if large { *large_bucket } else { *other }))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_real_operations_once_and_leaves_out_start_sync_execution() {
        let names: Vec<_> = AWS_TABLE.iter().map(|(name, ..)| *name).collect();
        for name in &names {
            assert_eq!(operation_name::known(name), Some(*name));
        }
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        assert!(!names.contains(&"StartSyncExecution"));
        assert_eq!(
            names.len() + 1,
            stepworker::model::operations::OPERATION_NAMES.len()
        );
    }

    #[test]
    fn flags_parse_and_name_what_is_wrong() {
        let quotas = Quotas::none().flag("GetActivityTask=20:10").expect("valid");
        assert_eq!(
            quotas.buckets("eu-north-1").get("GetActivityTask"),
            Some(&Bucket::new(20, 10))
        );
        let unknown = Quotas::none()
            .flag("GetActivityTasks=1:1")
            .expect_err("unknown");
        assert!(
            unknown.to_string().contains("'GetActivityTasks'"),
            "{unknown}"
        );
        let bad = Quotas::none()
            .flag("GetActivityTask=20")
            .expect_err("no refill");
        assert!(bad.to_string().contains("SIZE:REFILL"), "{bad}");
        let negative = Quotas::none()
            .flag("GetActivityTask=-1:2")
            .expect_err("negative");
        assert!(negative.to_string().contains("'-1'"), "{negative}");
        assert!(Quotas::none().flag("GetActivityTask").is_err());
        let twice = quotas.flag("GetActivityTask=1:1").expect_err("twice");
        assert!(twice.to_string().contains("already"), "{twice}");
    }

    #[test]
    fn custom_buckets_replace_aws_ones() {
        let quotas = Quotas::aws()
            .bucket("SendTaskSuccess", Bucket::new(2, 1))
            .expect("known");
        let buckets = quotas.buckets("us-east-1");
        assert_eq!(buckets["SendTaskSuccess"], Bucket::new(2, 1));
        assert_eq!(buckets["SendTaskFailure"], Bucket::new(3_000, 500));
        assert_eq!(
            quotas.express_start_execution(),
            Some(Bucket::new(6_000, 6_000))
        );
        let own = quotas
            .bucket("StartExecution", Bucket::new(5, 1))
            .expect("known");
        assert_eq!(own.express_start_execution(), None);
        assert_eq!(Quotas::none().express_start_execution(), None);
    }
}
