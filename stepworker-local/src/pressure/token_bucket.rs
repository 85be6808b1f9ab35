//! One token bucket, refilled from the engine's clock.
//!
//! AWS describes its API throttling as a token bucket per operation: a call
//! takes a token, tokens come back at the refill rate up to the bucket
//! size, and a call that finds the bucket empty is throttled. Time comes in
//! as epoch milliseconds from the engine's [`Clock`](crate::Clock), so a
//! test's `ManualClock` decides when tokens come back.

use super::quotas::Bucket;

/// Tokens are counted in thousandths: `refill_per_second` tokens a second is
/// then exactly `refill_per_second` thousandths a millisecond, with no
/// rounding drift however the clock is stepped.
const MILLI: u64 = 1_000;

/// A bucket's live state.
#[derive(Debug)]
pub struct TokenBucket {
    bucket: Bucket,
    /// Thousandths of a token in the bucket now.
    milli_tokens: u64,
    /// The clock reading the last refill was computed at.
    refilled_at_millis: i64,
}

impl TokenBucket {
    /// A full bucket at `now_millis` (AWS starts an account with full buckets).
    pub fn full(bucket: Bucket, now_millis: i64) -> Self {
        Self {
            bucket,
            milli_tokens: u64::from(bucket.size) * MILLI,
            refilled_at_millis: now_millis,
        }
    }

    /// Takes one token if there is one; false means throttled.
    pub fn try_take(&mut self, now_millis: i64) -> bool {
        self.refill(now_millis);
        if self.milli_tokens >= MILLI {
            self.milli_tokens -= MILLI;
            true
        } else {
            false
        }
    }

    /// Whole tokens left at `now_millis`.
    #[cfg(test)]
    pub fn available(&mut self, now_millis: i64) -> u64 {
        self.refill(now_millis);
        self.milli_tokens / MILLI
    }

    fn refill(&mut self, now_millis: i64) {
        // A clock that steps back refills nothing rather than panicking.
        let elapsed =
            u64::try_from(now_millis.saturating_sub(self.refilled_at_millis)).unwrap_or(0);
        if elapsed == 0 {
            return;
        }
        self.refilled_at_millis = now_millis;
        let capacity = u64::from(self.bucket.size) * MILLI;
        let added = elapsed.saturating_mul(u64::from(self.bucket.refill_per_second));
        self.milli_tokens = self.milli_tokens.saturating_add(added).min(capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empties_then_refills_at_the_rate_up_to_the_size() {
        let mut bucket = TokenBucket::full(Bucket::new(3, 2), 0);
        assert!((0..3).all(|_| bucket.try_take(0)));
        assert!(
            !bucket.try_take(0),
            "a fourth call in the same instant is throttled"
        );
        // 2 tokens a second: one every 500 ms.
        assert!(!bucket.try_take(499));
        assert!(bucket.try_take(500));
        assert!(!bucket.try_take(500));
        // A long pause refills to the size, never beyond.
        assert_eq!(bucket.available(60_000), 3);
    }

    #[test]
    fn a_clock_stepping_back_refills_nothing() {
        let mut bucket = TokenBucket::full(Bucket::new(1, 1), 10_000);
        assert!(bucket.try_take(10_000));
        assert!(!bucket.try_take(5_000));
        assert!(!bucket.try_take(10_999));
        assert!(bucket.try_take(11_000));
    }

    #[test]
    fn a_zero_refill_never_comes_back() {
        let mut bucket = TokenBucket::full(Bucket::new(1, 0), 0);
        assert!(bucket.try_take(0));
        assert!(!bucket.try_take(i64::MAX));
    }
}
