//! How many calls a pacer sent in the last second, counted as they go.
//!
//! The AWS SDKs' limiter measures the rate from answers, in half-second
//! buckets smoothed over several of them: a burst of heartbeats sent
//! together is not in that figure until the next bucket closes, so the
//! throttle that answers the burst would cut the pace from the rate before
//! it (often nearly zero). A pacer cuts from what it really sent, so it
//! counts sends in ten 100 ms slots that cover the last second: fixed
//! memory, whatever the rate.

use tokio::time::Instant;

const SLOTS: usize = 10;
const SLOT_MILLIS: u128 = 100;

/// Calls sent during the last second.
#[derive(Debug)]
pub(crate) struct SendRate {
    origin: Instant,
    counts: [u32; SLOTS],
    /// The slot `counts` ends with, in slots since `origin`.
    newest: u128,
}

impl SendRate {
    pub(crate) fn new(origin: Instant) -> Self {
        Self {
            origin,
            counts: [0; SLOTS],
            newest: 0,
        }
    }

    /// Counts one call sent at `now`.
    pub(crate) fn count(&mut self, now: Instant) {
        let slot = self.advance(now);
        self.counts[slot] = self.counts[slot].saturating_add(1);
    }

    /// Calls per second over the second before `now`.
    pub(crate) fn per_second(&mut self, now: Instant) -> f64 {
        self.advance(now);
        self.counts.iter().map(|&n| f64::from(n)).sum()
    }

    /// Clears the slots that fell out of the last second; returns `now`'s.
    fn advance(&mut self, now: Instant) -> usize {
        let slot = now.saturating_duration_since(self.origin).as_millis() / SLOT_MILLIS;
        if slot > self.newest {
            let stale = (slot - self.newest).min(SLOTS as u128);
            for step in 1..=stale {
                self.counts[((self.newest + step) % SLOTS as u128) as usize] = 0;
            }
            self.newest = slot;
        }
        // A call timed before the newest slot (threads racing for the lock)
        // counts in the newest one: it was sent in the last second all the same.
        (self.newest % SLOTS as u128) as usize
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn counts_a_burst_at_once_and_forgets_it_after_a_second() {
        let start = Instant::now();
        let mut rate = SendRate::new(start);
        for _ in 0..60 {
            rate.count(start + Duration::from_millis(5));
        }
        assert_eq!(rate.per_second(start + Duration::from_millis(6)), 60.0);
        rate.count(start + Duration::from_millis(950));
        assert_eq!(rate.per_second(start + Duration::from_millis(999)), 61.0);
        assert_eq!(rate.per_second(start + Duration::from_millis(1050)), 1.0);
        assert_eq!(rate.per_second(start + Duration::from_secs(60)), 0.0);
    }

    #[test]
    fn a_steady_pace_reads_as_its_rate() {
        let start = Instant::now();
        let mut rate = SendRate::new(start);
        for n in 0..100_u64 {
            rate.count(start + Duration::from_millis(n * 50));
        }
        let measured = rate.per_second(start + Duration::from_millis(4_990));
        assert!((19.0..=21.0).contains(&measured), "{measured}");
    }
}
