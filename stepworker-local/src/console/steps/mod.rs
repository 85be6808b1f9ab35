//! An execution step by step: the state visits, inputs, outputs, errors,
//! retries and durations that its history records.

mod derive;
mod events;
mod record;

pub use derive::derive_steps;

#[cfg(test)]
mod tests;
