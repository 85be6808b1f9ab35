//! Latency quantiles of a set of samples.

use std::time::Duration;

/// p50 and p99 of a set of latency samples.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Quantiles {
    /// The median.
    pub p50: Duration,
    /// The 99th percentile.
    pub p99: Duration,
}

impl Quantiles {
    /// The quantiles of `samples` (sorted here); zero for no samples.
    pub fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        let at = |q: f64| {
            samples
                .get(((samples.len().saturating_sub(1)) as f64 * q) as usize)
                .copied()
                .unwrap_or_default()
        };
        Self {
            p50: at(0.50),
            p99: at(0.99),
        }
    }

    /// Each quantile of `self` divided by the same quantile of `baseline`.
    pub fn ratio_to(&self, baseline: &Self) -> (f64, f64) {
        let ratio =
            |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(f64::MIN_POSITIVE);
        (ratio(self.p50, baseline.p50), ratio(self.p99, baseline.p99))
    }
}

/// Milliseconds, for printing.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_pick_the_median_and_the_99th_sample() {
        let samples = (1..=101).rev().map(Duration::from_millis).collect();
        let q = Quantiles::of(samples);
        assert_eq!(q.p50, Duration::from_millis(51));
        assert_eq!(q.p99, Duration::from_millis(100));
    }

    #[test]
    fn no_samples_give_zero_not_a_panic() {
        assert_eq!(Quantiles::of(Vec::new()), Quantiles::default());
    }
}
