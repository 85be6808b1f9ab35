use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time as the JSON 1.0 protocol sends it: seconds since the Unix
/// epoch, as a JSON number that may carry a fraction.
#[derive(Clone, Copy, Default, PartialEq, PartialOrd)]
pub struct Timestamp(f64);

impl Timestamp {
    /// A timestamp from epoch seconds (fraction allowed).
    pub fn from_epoch_seconds(seconds: f64) -> Self {
        Self(seconds)
    }

    /// Seconds since the Unix epoch.
    pub fn epoch_seconds(self) -> f64 {
        self.0
    }

    /// The current wall-clock time, to the millisecond like the service.
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    /// Milliseconds since the Unix epoch, rounded down.
    pub fn epoch_millis(self) -> i64 {
        (self.0 * 1000.0).floor() as i64
    }

    /// A timestamp from milliseconds since the Unix epoch.
    pub fn from_epoch_millis(millis: i64) -> Self {
        Self(millis as f64 / 1000.0)
    }
}

impl From<SystemTime> for Timestamp {
    fn from(t: SystemTime) -> Self {
        let millis = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_millis() as i64,
            Err(e) => -(e.duration().as_millis() as i64),
        };
        Self::from_epoch_millis(millis)
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> Self {
        if t.0 >= 0.0 {
            UNIX_EPOCH + Duration::from_secs_f64(t.0)
        } else {
            UNIX_EPOCH - Duration::from_secs_f64(-t.0)
        }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.0)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Whole seconds go out as integers, as the service writes them.
        if self.0.fract() == 0.0 && self.0.abs() < 9.0e15 {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        f64::deserialize(d).map(Self)
    }
}
