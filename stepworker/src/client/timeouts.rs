//! How long the client waits: to connect, and for each attempt of a call.

use std::time::Duration;

/// GetActivityTask holds the connection for up to 60 s; reading for less than
/// this would cut a long poll that is about to hand out a task.
pub const MIN_LONG_POLL_TIMEOUT: Duration = Duration::from_secs(65);

const DEFAULT_CONNECT: Duration = Duration::from_millis(3100);
const DEFAULT_CALL: Duration = Duration::from_secs(30);
const DEFAULT_LONG_POLL: Duration = Duration::from_secs(70);
/// An Express execution started synchronously runs for up to five minutes.
const DEFAULT_SYNC_EXECUTION: Duration = Duration::from_secs(5 * 60 + 10);

/// Time limits of the client. Each limit covers one attempt (connect, send
/// and read the whole answer); retries get a fresh limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeoutConfig {
    connect: Duration,
    call: Duration,
    long_poll: Duration,
    sync_execution: Duration,
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        Self {
            connect: DEFAULT_CONNECT,
            call: DEFAULT_CALL,
            long_poll: DEFAULT_LONG_POLL,
            sync_execution: DEFAULT_SYNC_EXECUTION,
        }
    }
}

impl TimeoutConfig {
    /// Starts from the defaults: connect 3.1 s, calls 30 s, GetActivityTask 70 s,
    /// StartSyncExecution 5 min 10 s.
    pub fn builder() -> TimeoutConfigBuilder {
        TimeoutConfigBuilder {
            config: Self::default(),
        }
    }

    /// Time to open a connection (TCP and TLS).
    pub fn connect_timeout(&self) -> Duration {
        self.connect
    }

    /// Time for one attempt of an ordinary call.
    pub fn call_timeout(&self) -> Duration {
        self.call
    }

    /// Time for one attempt of GetActivityTask (never below 65 s).
    pub fn long_poll_timeout(&self) -> Duration {
        self.long_poll
    }

    /// Time for one attempt of StartSyncExecution.
    pub fn sync_execution_timeout(&self) -> Duration {
        self.sync_execution
    }

    /// The limit of one attempt of the named operation.
    pub fn for_operation(&self, operation: &str) -> Duration {
        match operation {
            "GetActivityTask" => self.long_poll,
            "StartSyncExecution" => self.sync_execution,
            _ => self.call,
        }
    }
}

/// Builder of a [`TimeoutConfig`].
#[derive(Clone, Debug)]
pub struct TimeoutConfigBuilder {
    config: TimeoutConfig,
}

impl TimeoutConfigBuilder {
    /// Time to open a connection.
    pub fn connect_timeout(mut self, value: Duration) -> Self {
        self.config.connect = value;
        self
    }

    /// Time for one attempt of an ordinary call.
    pub fn call_timeout(mut self, value: Duration) -> Self {
        self.config.call = value;
        self
    }

    /// Time for one attempt of GetActivityTask. Values below 65 s are raised
    /// to 65 s (with a warning): the service holds the poll for up to 60 s,
    /// and a shorter limit would drop tasks the service already handed out.
    pub fn long_poll_timeout(mut self, value: Duration) -> Self {
        if value < MIN_LONG_POLL_TIMEOUT {
            tracing::warn!(
                requested = ?value,
                used = ?MIN_LONG_POLL_TIMEOUT,
                "GetActivityTask timeout raised: the service holds a poll for up to 60 s"
            );
        }
        self.config.long_poll = value.max(MIN_LONG_POLL_TIMEOUT);
        self
    }

    /// Time for one attempt of StartSyncExecution.
    pub fn sync_execution_timeout(mut self, value: Duration) -> Self {
        self.config.sync_execution = value;
        self
    }

    /// The configuration.
    pub fn build(self) -> TimeoutConfig {
        self.config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_poll_is_never_below_65_seconds() {
        let config = TimeoutConfig::builder()
            .long_poll_timeout(Duration::from_secs(10))
            .build();
        assert_eq!(config.long_poll_timeout(), MIN_LONG_POLL_TIMEOUT);
        assert_eq!(
            config.for_operation("GetActivityTask"),
            MIN_LONG_POLL_TIMEOUT
        );
    }

    #[test]
    fn call_timeout_applies_to_other_operations_only() {
        let config = TimeoutConfig::builder()
            .call_timeout(Duration::from_secs(1))
            .build();
        assert_eq!(
            config.for_operation("DescribeExecution"),
            Duration::from_secs(1)
        );
        assert_eq!(
            config.for_operation("GetActivityTask"),
            Duration::from_secs(70)
        );
    }
}
