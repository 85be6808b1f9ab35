//! Examples and end-to-end tests of stepworker live beside this crate; it has no code of its own.
