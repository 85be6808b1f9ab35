//! Benchmarks of the fleet example (release): see `--help`.

fn main() {}
