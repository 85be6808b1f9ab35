//! Building and reading the ARNs of activities, state machines and executions.

use crate::error::{ApiError, ApiResult};

/// The part of every ARN this engine owns: region and account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnScope {
    region: String,
    account_id: String,
}

/// The resource an ARN names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// `arn:aws:states:R:A:activity:NAME`
    Activity {
        /// Activity name.
        name: String,
    },
    /// `arn:aws:states:R:A:stateMachine:NAME`
    StateMachine {
        /// State machine name.
        name: String,
    },
    /// `arn:aws:states:R:A:stateMachine:NAME:VERSION` or `...:NAME:ALIAS`
    QualifiedStateMachine {
        /// State machine name.
        name: String,
        /// The version or alias.
        qualifier: Qualifier,
    },
    /// `arn:aws:states:R:A:execution:MACHINE:NAME`
    Execution {
        /// Name of the state machine the execution belongs to.
        state_machine: String,
        /// Execution name.
        name: String,
    },
}

/// What follows a state machine name in a qualified ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qualifier {
    /// A version number (all digits).
    Version(u64),
    /// An alias name (anything else).
    Alias(String),
}

/// Which resource types an operation accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Activities only.
    Activity,
    /// State machines only.
    StateMachine,
    /// Executions only.
    Execution,
    /// Activities or state machines (the taggable resources).
    Taggable,
    /// A state machine, one of its versions or one of its aliases.
    StateMachineTarget,
    /// State machine versions only.
    Version,
    /// State machine aliases only.
    Alias,
}

impl ArnScope {
    /// The scope of an engine in `region` for `account_id`.
    pub fn new(region: impl Into<String>, account_id: impl Into<String>) -> Self {
        Self {
            region: region.into(),
            account_id: account_id.into(),
        }
    }

    /// ARN of an activity.
    pub fn activity(&self, name: &str) -> String {
        format!(
            "arn:aws:states:{}:{}:activity:{name}",
            self.region, self.account_id
        )
    }

    /// ARN of a state machine.
    pub fn state_machine(&self, name: &str) -> String {
        format!(
            "arn:aws:states:{}:{}:stateMachine:{name}",
            self.region, self.account_id
        )
    }

    /// ARN of an execution.
    pub fn execution(&self, state_machine: &str, name: &str) -> String {
        format!(
            "arn:aws:states:{}:{}:execution:{state_machine}:{name}",
            self.region, self.account_id
        )
    }

    /// ARN of an EXPRESS execution: AWS adds an id, so names may repeat.
    pub fn express_execution(&self, state_machine: &str, name: &str) -> String {
        format!(
            "arn:aws:states:{}:{}:express:{state_machine}:{name}:{}",
            self.region,
            self.account_id,
            uuid::Uuid::new_v4()
        )
    }

    /// Reads an ARN, checking its shape, region, account and resource type.
    pub fn parse(&self, arn: &str, expect: Expect) -> ApiResult<Resource> {
        let parts: Vec<&str> = arn.split(':').collect();
        if parts.len() < 7 || parts[0] != "arn" || parts[2] != "states" {
            return Err(ApiError::invalid_arn(arn, "Invalid ARN prefix"));
        }
        if !matches!(parts[1], "aws" | "aws-cn" | "aws-us-gov") {
            return Err(ApiError::invalid_arn(arn, "Invalid ARN partition"));
        }
        if parts[3] != self.region {
            return Err(ApiError::invalid_arn(
                arn,
                &format!("Region does not match the endpoint region {}", self.region),
            ));
        }
        if parts[4] != self.account_id {
            return Err(ApiError::invalid_arn(
                arn,
                "Account does not match the caller's account",
            ));
        }
        let resource = match (parts[5], &parts[6..]) {
            ("activity", [name]) => Resource::Activity {
                name: (*name).to_owned(),
            },
            ("stateMachine", [name]) => Resource::StateMachine {
                name: (*name).to_owned(),
            },
            ("execution", [machine, name]) => Resource::Execution {
                state_machine: (*machine).to_owned(),
                name: (*name).to_owned(),
            },
            // Express executions leave no record the API can read, as on AWS.
            ("express", [_, _, _]) => {
                return Err(ApiError::invalid_arn(
                    arn,
                    "Resource type not valid in this context: express",
                ))
            }
            ("stateMachine", [name, qualifier]) => Resource::QualifiedStateMachine {
                name: (*name).to_owned(),
                qualifier: parse_qualifier(arn, qualifier)?,
            },
            _ => return Err(ApiError::invalid_arn(arn, "Invalid ARN resource")),
        };
        if resource_name_is_empty(&resource) {
            return Err(ApiError::invalid_arn(arn, "Invalid ARN resource name"));
        }
        let accepted = matches!(
            (&resource, expect),
            (
                Resource::Activity { .. },
                Expect::Activity | Expect::Taggable
            ) | (
                Resource::StateMachine { .. },
                Expect::StateMachine | Expect::Taggable
            ) | (Resource::StateMachine { .. }, Expect::StateMachineTarget)
                | (
                    Resource::QualifiedStateMachine {
                        qualifier: Qualifier::Version(_),
                        ..
                    },
                    Expect::StateMachineTarget | Expect::Version
                )
                | (
                    Resource::QualifiedStateMachine {
                        qualifier: Qualifier::Alias(_),
                        ..
                    },
                    Expect::StateMachineTarget | Expect::Alias
                )
                | (Resource::Execution { .. }, Expect::Execution)
        );
        if !accepted {
            return Err(ApiError::invalid_arn(
                arn,
                "Resource type not valid in this context",
            ));
        }
        Ok(resource)
    }

    /// Reads an activity ARN and returns the activity name.
    pub fn activity_name(&self, arn: &str) -> ApiResult<String> {
        match self.parse(arn, Expect::Activity)? {
            Resource::Activity { name } => Ok(name),
            _ => Err(ApiError::invalid_arn(
                arn,
                "Resource type not valid in this context",
            )),
        }
    }

    /// Reads a state machine ARN and returns the state machine name.
    pub fn state_machine_name(&self, arn: &str) -> ApiResult<String> {
        match self.parse(arn, Expect::StateMachine)? {
            Resource::StateMachine { name } => Ok(name),
            _ => Err(ApiError::invalid_arn(
                arn,
                "Resource type not valid in this context",
            )),
        }
    }

    /// Reads the ARN of a state machine, a version or an alias: the state
    /// machine name and the qualifier, if any.
    pub fn state_machine_target(&self, arn: &str) -> ApiResult<(String, Option<Qualifier>)> {
        match self.parse(arn, Expect::StateMachineTarget)? {
            Resource::StateMachine { name } => Ok((name, None)),
            Resource::QualifiedStateMachine { name, qualifier } => Ok((name, Some(qualifier))),
            _ => Err(ApiError::invalid_arn(
                arn,
                "Resource type not valid in this context",
            )),
        }
    }

    /// Reads a version ARN: state machine name and version number.
    pub fn version(&self, arn: &str) -> ApiResult<(String, u64)> {
        match self.parse(arn, Expect::Version)? {
            Resource::QualifiedStateMachine {
                name,
                qualifier: Qualifier::Version(number),
            } => Ok((name, number)),
            _ => Err(ApiError::invalid_arn(
                arn,
                "Resource type not valid in this context",
            )),
        }
    }

    /// Reads an alias ARN: state machine name and alias name.
    pub fn alias(&self, arn: &str) -> ApiResult<(String, String)> {
        match self.parse(arn, Expect::Alias)? {
            Resource::QualifiedStateMachine {
                name,
                qualifier: Qualifier::Alias(alias),
            } => Ok((name, alias)),
            _ => Err(ApiError::invalid_arn(
                arn,
                "Resource type not valid in this context",
            )),
        }
    }

    /// ARN of version `number` of a state machine.
    pub fn version_arn(&self, state_machine: &str, number: u64) -> String {
        format!("{}:{number}", self.state_machine(state_machine))
    }

    /// ARN of alias `alias` of a state machine.
    pub fn alias_arn(&self, state_machine: &str, alias: &str) -> String {
        format!("{}:{alias}", self.state_machine(state_machine))
    }

    /// Checks an execution ARN's shape.
    pub fn check_execution(&self, arn: &str) -> ApiResult<()> {
        self.parse(arn, Expect::Execution).map(|_| ())
    }
}

/// A version number is all digits; anything else names an alias.
fn parse_qualifier(arn: &str, text: &str) -> ApiResult<Qualifier> {
    if text.is_empty() {
        return Err(ApiError::invalid_arn(arn, "Invalid ARN resource name"));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Qualifier::Alias(text.to_owned()));
    }
    match text.parse::<u64>() {
        Ok(number) if number > 0 => Ok(Qualifier::Version(number)),
        _ => Err(ApiError::invalid_arn(arn, "Invalid version number")),
    }
}

fn resource_name_is_empty(resource: &Resource) -> bool {
    match resource {
        Resource::Activity { name }
        | Resource::StateMachine { name }
        | Resource::QualifiedStateMachine { name, .. } => name.is_empty(),
        Resource::Execution {
            state_machine,
            name,
        } => state_machine.is_empty() || name.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepworker::model::ErrorCode;

    fn scope() -> ArnScope {
        ArnScope::new("us-east-1", "123456789012")
    }

    #[test]
    fn built_arns_parse_back() {
        let s = scope();
        assert_eq!(
            s.parse(&s.execution("m", "e"), Expect::Execution).ok(),
            Some(Resource::Execution {
                state_machine: "m".into(),
                name: "e".into()
            })
        );
        assert_eq!(s.activity_name(&s.activity("a")).ok().as_deref(), Some("a"));
    }

    #[test]
    fn wrong_region_account_type_or_shape_is_invalid_arn() {
        let s = scope();
        for arn in [
            "arn:aws:states:eu-west-1:123456789012:activity:a",
            "arn:aws:states:us-east-1:000000000000:activity:a",
            "arn:aws:states:us-east-1:123456789012:stateMachine:a",
            "not-an-arn",
            "arn:aws:lambda:us-east-1:123456789012:function:a",
            "arn:aws:states:us-east-1:123456789012:activity:",
        ] {
            let err = s.activity_name(arn).expect_err(arn);
            assert_eq!(err.code(), &ErrorCode::InvalidArn, "{arn}");
        }
    }
}
