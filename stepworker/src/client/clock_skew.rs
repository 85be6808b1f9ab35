//! Signing time corrected by the service's clock.
//!
//! The service rejects a signature dated more than five minutes from its own
//! clock (`InvalidSignatureException: Signature expired`, `RequestExpired`).
//! A worker on a host whose clock drifted would fail every call; as the AWS
//! SDKs do, the client learns the offset from each answer's `Date` header
//! and signs with local time plus that offset. A call refused for skew is then
//! retried: it had no effect, and the next signature carries the right time.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// Offsets below this are noise of the `Date` header's one-second resolution
/// and the answer's transit time, and are not applied.
const NOISE: Duration = Duration::from_secs(2);

/// The service clock minus the local clock, learned from answers.
#[derive(Debug, Default)]
pub(crate) struct ClockSkew {
    offset_millis: AtomicI64,
}

impl ClockSkew {
    /// The time to sign with.
    pub(crate) fn now(&self) -> SystemTime {
        shift(
            SystemTime::now(),
            self.offset_millis.load(Ordering::Relaxed),
        )
    }

    /// Learns the offset from an answer's `Date` header, received just now.
    pub(crate) fn observe(&self, headers: &HeaderMap) {
        let Some(server_time) = headers
            .get(http::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
        else {
            return;
        };
        let offset = signed_millis_between(SystemTime::now(), server_time);
        let applied = if offset.unsigned_abs() < NOISE.as_millis() as u64 {
            0
        } else {
            offset
        };
        self.offset_millis.store(applied, Ordering::Relaxed);
    }
}

/// `to - from` in milliseconds, negative when `to` is earlier.
fn signed_millis_between(from: SystemTime, to: SystemTime) -> i64 {
    match to.duration_since(from) {
        Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
        Err(behind) => -i64::try_from(behind.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

fn shift(time: SystemTime, millis: i64) -> SystemTime {
    let by = Duration::from_millis(millis.unsigned_abs());
    let shifted = if millis >= 0 {
        time.checked_add(by)
    } else {
        time.checked_sub(by)
    };
    shifted.unwrap_or(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date_header(time: SystemTime) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = httpdate::fmt_http_date(time);
        headers.insert(http::header::DATE, value.parse().unwrap());
        headers
    }

    #[test]
    fn a_service_clock_an_hour_ahead_moves_signing_time() {
        let skew = ClockSkew::default();
        skew.observe(&date_header(SystemTime::now() + Duration::from_secs(3600)));
        let ahead = signed_millis_between(SystemTime::now(), skew.now());
        assert!((3_597_000..=3_601_000).contains(&ahead), "{ahead}");
    }

    #[test]
    fn a_service_clock_behind_moves_signing_time_back() {
        let skew = ClockSkew::default();
        skew.observe(&date_header(SystemTime::now() - Duration::from_secs(600)));
        let behind = signed_millis_between(skew.now(), SystemTime::now());
        assert!((597_000..=601_000).contains(&behind), "{behind}");
    }

    #[test]
    fn small_offsets_and_bad_headers_change_nothing() {
        let skew = ClockSkew::default();
        skew.observe(&date_header(SystemTime::now()));
        let mut garbage = HeaderMap::new();
        garbage.insert(http::header::DATE, "yesterday".parse().unwrap());
        skew.observe(&garbage);
        let drift = signed_millis_between(SystemTime::now(), skew.now());
        assert!(drift.abs() < 100, "{drift}");
    }
}
