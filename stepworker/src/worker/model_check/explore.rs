//! Runs a model under shuttle's seeded random scheduler and its PCT
//! scheduler (which places a few preemptions at chosen points).

/// Schedules per model and scheduler when `SHUTTLE_ITERATIONS` is unset:
/// under 10 s for both models in a debug build.
const DEFAULT_ITERATIONS: usize = 3_000;
/// CI's seed, so that CI explores the same schedules every time.
const DEFAULT_SEED: u64 = 0x0013_0019;
/// Preemptions PCT places in a schedule.
const PCT_DEPTH: usize = 3;

fn from_env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Explores `model` under both schedulers.
pub(super) fn explore(name: &str, model: impl Fn() + Send + Sync + 'static) {
    let model = std::sync::Arc::new(model);
    let iterations = from_env("SHUTTLE_ITERATIONS", DEFAULT_ITERATIONS);
    let seed = from_env("SHUTTLE_SEED", DEFAULT_SEED);
    eprintln!(
        "{name}: {iterations} random schedules (SHUTTLE_SEED={seed}) and {iterations} PCT schedules"
    );
    let random = std::sync::Arc::clone(&model);
    shuttle::check_random_with_seed(move || random(), seed, iterations);
    shuttle::check_pct(move || model(), iterations, PCT_DEPTH);
}
