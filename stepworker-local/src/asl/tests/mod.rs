//! Tests of the ASL core as a whole: definitions as CreateStateMachine
//! reads them, intrinsic functions against the AWS guide's examples, and
//! the parsers under arbitrary and hostile input.

mod definition;
mod intrinsic;
mod jsonata_detect;
mod parser_bounds;
mod parsers_never_panic;
