//! Activities.

use std::sync::Arc;

use stepworker::model::Timestamp;

use super::tags::TagSet;
use crate::activities::ActivityQueue;

/// Activities one engine holds: AWS's default quota of registered
/// activities per account and region (developer guide, "Step Functions
/// service quotas"); the next CreateActivity is `ActivityLimitExceeded`.
pub const MAX_ACTIVITIES: usize = 10_000;

/// An activity and its task queue.
#[derive(Debug)]
pub struct ActivityRecord {
    /// Order of creation.
    pub seq: u64,
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// When it was created.
    pub creation_date: Timestamp,
    /// Tags.
    pub tags: TagSet,
    /// Scheduled tasks and parked polls.
    pub queue: Arc<ActivityQueue>,
}
