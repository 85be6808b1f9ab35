//! The `Resource` of a Task state, including activities whose ARN is only
//! known once the deploy target (region and account) is.

use serde::{Serialize, Serializer};

/// What a Task state runs.
///
/// An activity is kept by name until its ARN is known: activity ARNs embed
/// the region and account (`arn:aws:states:<region>:<account>:activity:<name>`),
/// which a definition built in code does not know. [`StateMachine::resolve`]
/// fills them from a region and account, and `deploy` fills them from the
/// ARNs `CreateActivity` returns. Until then the Resource serializes as
/// `arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:activity:<name>`,
/// the form CloudFormation's `Fn::Sub` resolves, so an unresolved definition
/// can still be pasted into a template.
///
/// [`StateMachine::resolve`]: crate::asl::StateMachine::resolve
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// A full resource ARN, used as written (a Lambda function, a service
    /// integration such as `arn:aws:states:::sqs:sendMessage`, an activity).
    Arn(String),
    /// An activity referenced by name.
    Activity {
        /// The activity name (1-80 of `[A-Za-z0-9_-]`).
        name: String,
        /// Its ARN once resolved.
        arn: Option<String>,
    },
}

impl Resource {
    /// An activity by name, not resolved yet.
    pub fn activity(name: impl Into<String>) -> Self {
        Self::Activity {
            name: name.into(),
            arn: None,
        }
    }

    /// The activity name, if this resource is an activity referenced by name.
    pub fn activity_name(&self) -> Option<&str> {
        match self {
            Self::Activity { name, .. } => Some(name),
            Self::Arn(_) => None,
        }
    }

    /// The ARN the definition will carry: the given or resolved ARN, or
    /// `None` for an activity not resolved yet.
    pub fn arn(&self) -> Option<&str> {
        match self {
            Self::Arn(arn) => Some(arn),
            Self::Activity { arn, .. } => arn.as_deref(),
        }
    }
}

impl From<String> for Resource {
    fn from(arn: String) -> Self {
        Self::Arn(arn)
    }
}

impl From<&str> for Resource {
    fn from(arn: &str) -> Self {
        Self::Arn(arn.to_owned())
    }
}

impl Serialize for Resource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Arn(arn) | Self::Activity { arn: Some(arn), .. } => serializer.serialize_str(arn),
            Self::Activity { name, arn: None } => {
                serializer.serialize_str(&activity_arn_placeholder(name))
            }
        }
    }
}

/// The activity ARN with CloudFormation pseudo parameters for the parts
/// only the deploy target knows.
pub(crate) fn activity_arn_placeholder(name: &str) -> String {
    format!("arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:activity:{name}")
}

/// The ARN of activity `name` in `region` of `account`.
pub(crate) fn activity_arn(region: &str, account: &str, name: &str) -> String {
    format!(
        "arn:{}:states:{region}:{account}:activity:{name}",
        partition(region)
    )
}

/// The AWS partition a region belongs to.
fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("eusc-") {
        "aws-eusc"
    } else {
        "aws"
    }
}
