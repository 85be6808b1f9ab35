//! Runs a model under many schedules: shuttle's random scheduler, seeded,
//! and its PCT scheduler (which finds bugs that need a few preemptions at
//! exact places).
//!
//! `SHUTTLE_ITERATIONS` sets the schedules per model and scheduler (CI
//! runs the small default); `SHUTTLE_SEED` picks the random scheduler's
//! seed. Shuttle prints a failing schedule as the string that
//! `shuttle::replay(model, "...")` takes to run exactly that schedule
//! again.

/// Schedules per model and scheduler when `SHUTTLE_ITERATIONS` is unset:
/// enough to catch a reordering bug in the table, a fraction of a second.
const DEFAULT_ITERATIONS: usize = 400;
/// The fixed seed CI uses, so CI runs the same schedules each time.
const DEFAULT_SEED: u64 = 0x5709_4e19;
/// Preemptions PCT places per schedule.
const PCT_DEPTH: usize = 3;

fn iterations() -> usize {
    std::env::var("SHUTTLE_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_ITERATIONS)
}

fn seed() -> u64 {
    std::env::var("SHUTTLE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_SEED)
}

/// Explores `model` under the random and the PCT scheduler.
pub fn explore(name: &str, model: impl Fn() + Send + Sync + 'static) {
    let model = std::sync::Arc::new(model);
    let (iterations, seed) = (iterations(), seed());
    eprintln!("{name}: {iterations} random schedules (SHUTTLE_SEED={seed}) and {iterations} PCT schedules");
    let random = model.clone();
    shuttle::check_random_with_seed(move || random(), seed, iterations);
    shuttle::check_pct(move || model(), iterations, PCT_DEPTH);
}
