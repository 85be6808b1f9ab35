//! The events one call of a service integration writes: `Task*` events
//! naming `resourceType` and `resource`, or `LambdaFunction*` events for a
//! Lambda function called by its ARN.

use std::sync::Arc;

use super::resource::IntegrationResource;
use crate::execution::history::{ErrorCause, ServiceEvent, TaskTarget};

/// The events one call of an integration writes, by kind of resource.
pub(crate) struct EventsFor<'r> {
    pub resource: &'r IntegrationResource,
    /// The engine's region, for ARNs that name none.
    pub default_region: &'r str,
}

impl EventsFor<'_> {
    fn target(&self) -> Option<TaskTarget> {
        match self.resource {
            IntegrationResource::Service {
                resource_type,
                resource,
                ..
            } => Some(TaskTarget {
                resource_type: resource_type.clone(),
                resource: resource.clone(),
            }),
            IntegrationResource::LambdaFunction { .. } => None,
        }
    }

    /// `TaskScheduled` or `LambdaFunctionScheduled`.
    pub fn scheduled(
        &self,
        parameters: Arc<str>,
        timeout_seconds: Option<u64>,
        heartbeat_seconds: Option<u64>,
    ) -> ServiceEvent {
        match self.resource {
            IntegrationResource::Service {
                resource_type,
                resource,
                region,
                ..
            } => ServiceEvent::TaskScheduled {
                target: TaskTarget {
                    resource_type: resource_type.clone(),
                    resource: resource.clone(),
                },
                region: region
                    .clone()
                    .unwrap_or_else(|| Arc::from(self.default_region)),
                parameters,
                timeout_seconds,
                heartbeat_seconds,
            },
            IntegrationResource::LambdaFunction { arn } => ServiceEvent::LambdaScheduled {
                function: arn.clone(),
                input: parameters,
                timeout_seconds,
            },
        }
    }

    /// `TaskStarted` or `LambdaFunctionStarted`.
    pub fn started(&self) -> ServiceEvent {
        self.target()
            .map_or(ServiceEvent::LambdaStarted, ServiceEvent::TaskStarted)
    }

    /// `TaskSubmitted` (service integrations only).
    pub fn submitted(&self) -> Option<ServiceEvent> {
        self.target().map(ServiceEvent::TaskSubmitted)
    }

    /// `TaskSucceeded` or `LambdaFunctionSucceeded`.
    pub fn succeeded(&self, output: Arc<str>) -> ServiceEvent {
        match self.target() {
            Some(target) => ServiceEvent::TaskSucceeded { target, output },
            None => ServiceEvent::LambdaSucceeded { output },
        }
    }

    /// `TaskFailed` or `LambdaFunctionFailed`.
    pub fn failed(&self, error: ErrorCause) -> ServiceEvent {
        match self.target() {
            Some(target) => ServiceEvent::TaskFailed(target, error),
            None => ServiceEvent::LambdaFailed(error),
        }
    }

    /// `TaskTimedOut` or `LambdaFunctionTimedOut`.
    pub fn timed_out(&self, error: ErrorCause) -> ServiceEvent {
        match self.target() {
            Some(target) => ServiceEvent::TaskTimedOut(target, error),
            None => ServiceEvent::LambdaTimedOut(error),
        }
    }
}
