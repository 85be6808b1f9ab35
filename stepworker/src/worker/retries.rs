//! The worker's own retries (polls, heartbeats, reports) on the client's
//! terms: the client's backoff (throttling from 1 s, other failures from
//! 50 ms, doubling to 20 s, full jitter, `x-amz-retry-after` followed within
//! 5 s) and the client's retry quota, so that pollers, heartbeats, reports
//! and every other call of the client share one retry budget, as the AWS
//! SDKs' standard mode shares one per client.
//!
//! The worker sends each of these calls as a single attempt and retries here,
//! which the client alone could not do: a report is retried until its task's
//! deadline (not for three attempts), and a heartbeat is stretched rather
//! than repeated.
//!
//! When the quota is empty the retry is not refused outright, as the SDKs
//! refuse one: a finished result must not be dropped because other calls
//! failed. It waits the longest backoff instead, and goes out as a new call
//! (a first attempt, which the SDKs never charge to the quota either).

use std::time::Duration;

use crate::client::{Client, Error, RetryConfig, RetryKind, RetryPermit, RetryQuota};

/// How far beyond its own backoff a retry follows `x-amz-retry-after`, as
/// the client does (retry behavior 2.1).
const MAX_RETRY_AFTER_EXTRA: Duration = Duration::from_secs(5);

/// The backoff and retry quota of the worker's client.
#[derive(Clone, Debug)]
pub(crate) struct Retries {
    config: RetryConfig,
    quota: RetryQuota,
}

/// When to try again, and the quota's permit that pays for it.
#[derive(Debug)]
pub(crate) struct RetryPlan {
    /// The wait before the next attempt.
    pub(crate) delay: Duration,
    /// `None` when the quota refused: the next attempt is a new call.
    pub(crate) permit: Option<RetryPermit>,
}

impl Retries {
    /// The retries of `client`: its configuration and its shared quota.
    pub(crate) fn of(client: &Client) -> Self {
        Self {
            config: client.config().retry_config().clone(),
            quota: client.retry_quota().clone(),
        }
    }

    /// Standard mode with a quota of its own (for a worker without a client).
    pub(crate) fn standard() -> Self {
        let config = RetryConfig::standard();
        Self {
            quota: config
                .retry_quota()
                .map_or_else(RetryQuota::unlimited, RetryQuota::new),
            config,
        }
    }

    /// Plans retry number `retry` (1 for the first) after `error`. An error
    /// no retry can fix (an `AccessDenied` poll, tried again later for the
    /// health signal) backs off as a transient failure but takes nothing
    /// from the quota: a worker refused for hours must not leave its
    /// reports without retries.
    pub(crate) fn plan(&self, error: &Error, retry: u32) -> RetryPlan {
        let Some(kind) = error.retry_kind() else {
            return RetryPlan {
                delay: self.config.backoff_delay(RetryKind::Transient, retry),
                permit: None,
            };
        };
        let backoff = self.config.backoff_delay(kind, retry);
        let delay = match error.retry_after() {
            Some(asked) => asked.clamp(backoff, backoff + MAX_RETRY_AFTER_EXTRA),
            None => backoff,
        };
        match self.quota.try_acquire(kind) {
            Some(permit) => RetryPlan {
                delay,
                permit: Some(permit),
            },
            None => {
                tracing::debug!(%error, "retry quota exhausted; trying again as a new call after the longest backoff");
                RetryPlan {
                    delay: delay.max(self.config.max_backoff()),
                    permit: None,
                }
            }
        }
    }
}

/// Gives a passed retry's cost back to the quota.
pub(crate) fn retry_passed(permit: Option<RetryPermit>) {
    if let Some(permit) = permit {
        permit.succeeded();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{Config, ServiceError};
    use crate::model::ErrorCode;

    fn throttled() -> Error {
        Error::Service(ServiceError::new(
            ErrorCode::ThrottlingException,
            None,
            None,
            400,
        ))
    }

    #[test]
    fn draws_on_the_clients_own_quota_and_backoff() {
        let config = Config::local("http://127.0.0.1:1")
            .to_builder()
            .retry_config(RetryConfig::standard().with_retry_quota(12))
            .build();
        let client = Client::new(config);
        let retries = Retries::of(&client);
        let first = retries.plan(&throttled(), 1);
        assert!(first.delay <= Duration::from_secs(1));
        assert!(first.permit.is_some());
        let _second = retries.plan(&throttled(), 2);
        // The client's quota is the one spent: 12 - 5 - 5.
        assert_eq!(client.retry_quota().available(), 2);
        let refused = retries.plan(&throttled(), 3);
        assert!(refused.permit.is_none());
        assert_eq!(
            refused.delay,
            Duration::from_secs(20),
            "the longest backoff"
        );
        retry_passed(first.permit);
        assert_eq!(client.retry_quota().available(), 7);
        let denied = Error::Service(ServiceError::new(
            ErrorCode::from_name("AccessDeniedException"),
            None,
            None,
            400,
        ));
        assert!(retries.plan(&denied, 1).permit.is_none());
        assert_eq!(
            client.retry_quota().available(),
            7,
            "a refusal costs nothing"
        );
    }

    #[test]
    fn throttling_backs_off_from_a_second_and_other_failures_from_50_ms() {
        let retries = Retries {
            quota: RetryQuota::unlimited(),
            ..Retries::standard()
        };
        let unavailable = Error::Service(ServiceError::new(
            ErrorCode::from_name("ServiceUnavailable"),
            None,
            None,
            503,
        ));
        for _ in 0..100 {
            assert!(retries.plan(&throttled(), 1).delay <= Duration::from_secs(1));
            assert!(retries.plan(&throttled(), 3).delay <= Duration::from_secs(4));
            assert!(retries.plan(&unavailable, 1).delay <= Duration::from_millis(50));
        }
    }
}
