//! Compile-time behaviour of `#[activity]` and `#[derive(ActivityError)]`:
//! what compiles (and runs as written), and the error every misuse gets.
//!
//! Regenerate the expected `.stderr` files with `TRYBUILD=overwrite`.

#[test]
fn activity_macro_ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
