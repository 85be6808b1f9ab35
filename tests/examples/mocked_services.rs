//! `cargo run --example mocked_services`: three test cases of a workflow
//! that calls Lambda and SQS run against mocks, with the approval callback
//! answered through its task token; the example checks each output itself
//! and this test checks that it says so and exits 0.

use std::time::Duration;

use crate::support::{describe, run_example};

const LIMIT: Duration = Duration::from_secs(60);

#[tokio::test]
async fn every_test_case_gives_its_expected_output() {
    let output = run_example("mocked_services", &[], LIMIT).await;
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for case in ["HappyPath", "BusyProcessor", "CardDeclined"] {
        assert!(
            stdout
                .lines()
                .any(|line| line.starts_with(case) && line.contains(" ok ")),
            "{case} missing or unexpected:\n{}",
            describe(&output)
        );
    }
    assert!(
        stdout.contains(r#""approvedBy":"ops@example.com""#),
        "{}",
        describe(&output)
    );
}
