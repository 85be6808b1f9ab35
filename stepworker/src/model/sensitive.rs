use std::fmt;

/// Wraps a sensitive value so `Debug` never prints it.
///
/// The model marks task tokens, inputs, outputs, causes and definitions as
/// sensitive; logs of a worker must not leak them.
pub struct Redacted<'a, T>(pub &'a T);

impl<T> fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"*** Sensitive Data Redacted ***\"")
    }
}
