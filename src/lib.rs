//! Examples and end-to-end tests of stepworker live beside this crate; its
//! only code is what the load tools (`src/bin`) share.

pub mod load;
