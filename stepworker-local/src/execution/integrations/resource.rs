//! What a Task's `Resource` names when it is not an activity: an optimized
//! or AWS SDK service integration (`arn:aws:states:::lambda:invoke`,
//! `arn:aws:states:::aws-sdk:s3:listBuckets`, `...sqs:sendMessage.waitForTaskToken`)
//! or a Lambda function called directly by its ARN.

use std::sync::Arc;

/// How Step Functions waits for a service integration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// Request Response: the call's answer is the result.
    RequestResponse,
    /// `.sync` / `.sync:2`: run a job and wait for it to finish.
    Sync,
    /// `.waitForTaskToken`: wait for SendTaskSuccess/Failure with the token.
    Callback,
}

/// A Task resource that is a service integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IntegrationResource {
    /// `arn:<partition>:states:<region>:<account>:<service>:<action>[.pattern]`.
    Service {
        /// `resourceType` in history: `lambda`, `sqs`, `aws-sdk:s3`, ...
        resource_type: Arc<str>,
        /// `resource` in history: `invoke`, `sendMessage.waitForTaskToken`, ...
        resource: Arc<str>,
        /// The region the ARN names, if any.
        region: Option<Arc<str>>,
        /// The integration pattern.
        pattern: Pattern,
    },
    /// `arn:<partition>:lambda:<region>:<account>:function:<name>[:qualifier]`,
    /// which AWS records with `LambdaFunction*` events.
    LambdaFunction {
        /// The function ARN.
        arn: Arc<str>,
    },
}

impl IntegrationResource {
    /// The integration pattern (a direct Lambda call is Request Response).
    pub fn pattern(&self) -> Pattern {
        match self {
            Self::Service { pattern, .. } => *pattern,
            Self::LambdaFunction { .. } => Pattern::RequestResponse,
        }
    }
}

/// Reads `resource`; `None` for activity ARNs and anything that is not a
/// service integration (the activity path reports those).
pub(crate) fn classify(resource: &str) -> Option<IntegrationResource> {
    let parts: Vec<&str> = resource.split(':').collect();
    if parts.len() < 7 || parts[0] != "arn" {
        return None;
    }
    match (parts[2], parts[5]) {
        ("lambda", "function") if parts.len() <= 8 && !parts[6].is_empty() => {
            Some(IntegrationResource::LambdaFunction {
                arn: Arc::from(resource),
            })
        }
        ("states", "activity" | "stateMachine" | "execution" | "express") => None,
        ("states", service) if !service.is_empty() => {
            let (resource_type, action) = if service == "aws-sdk" {
                (format!("aws-sdk:{}", parts[6]), parts.get(7..)?.join(":"))
            } else {
                (service.to_owned(), parts[6..].join(":"))
            };
            if action.is_empty() || resource_type.ends_with(':') {
                return None;
            }
            let pattern = if action.ends_with(".waitForTaskToken") {
                Pattern::Callback
            } else if action.contains(".sync") {
                Pattern::Sync
            } else {
                Pattern::RequestResponse
            };
            Some(IntegrationResource::Service {
                resource_type: Arc::from(resource_type),
                resource: Arc::from(action),
                region: Some(parts[3]).filter(|r| !r.is_empty()).map(Arc::from),
                pattern,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(arn: &str) -> (String, String, Pattern) {
        match classify(arn) {
            Some(IntegrationResource::Service {
                resource_type,
                resource,
                pattern,
                ..
            }) => (resource_type.to_string(), resource.to_string(), pattern),
            other => panic!("{arn}: {other:?}"),
        }
    }

    #[test]
    fn service_integrations_name_their_type_resource_and_pattern() {
        assert_eq!(
            service("arn:aws:states:::lambda:invoke"),
            ("lambda".into(), "invoke".into(), Pattern::RequestResponse)
        );
        assert_eq!(
            service("arn:aws:states:::sqs:sendMessage.waitForTaskToken"),
            (
                "sqs".into(),
                "sendMessage.waitForTaskToken".into(),
                Pattern::Callback
            )
        );
        assert_eq!(
            service("arn:aws:states:::states:startExecution.sync:2"),
            (
                "states".into(),
                "startExecution.sync:2".into(),
                Pattern::Sync
            )
        );
        assert_eq!(
            service("arn:aws:states:::aws-sdk:s3:listBuckets"),
            (
                "aws-sdk:s3".into(),
                "listBuckets".into(),
                Pattern::RequestResponse
            )
        );
    }

    #[test]
    fn lambda_functions_and_activities_are_told_apart() {
        assert!(matches!(
            classify("arn:aws:lambda:us-east-1:123456789012:function:hello"),
            Some(IntegrationResource::LambdaFunction { .. })
        ));
        for not_integration in [
            "arn:aws:states:us-east-1:123456789012:activity:a",
            "arn:aws:states:::aws-sdk:s3",
            "arn:aws:states:::lambda",
            "arn:aws:sns:us-east-1:123456789012:topic",
            "not an arn",
        ] {
            assert_eq!(classify(not_integration), None, "{not_integration}");
        }
    }
}
