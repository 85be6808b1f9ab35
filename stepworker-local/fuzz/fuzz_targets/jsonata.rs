//! JSONata expressions: parse, then evaluate as a state's `Output` field
//! over a document, with a variable bound. Every failure must be
//! `States.QueryEvaluationError`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::json;
use stepworker_local::asl::jsonata::{JsonataEnv, JsonataExpression, StatesBinding};
use stepworker_local::asl::{Assignment, Variables};

fuzz_target!(|data: &[u8]| {
    stepworker_local_fuzz::init();
    let Some(text) = stepworker_local_fuzz::text(data) else {
        return;
    };
    let Ok(expression) = JsonataExpression::parse(text) else {
        return;
    };
    let input = stepworker_local_fuzz::document();
    let context =
        json!({"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:m:e"}});
    let mut variables = Variables::default();
    if let Ok(assignment) = Assignment::of(vec![("v".to_owned(), json!([1, "two", {"three": 3}]))])
    {
        let _ = variables.apply(assignment);
    }
    let env = JsonataEnv::new(
        StatesBinding {
            input: &input,
            result: None,
            error_output: None,
            context: &context,
        },
        &variables,
    );
    // A short budget: the fuzzer wants many inputs per second, and the
    // engine's budget handling is what is under test, not its length.
    let evaluated =
        stepworker_local::asl::budget::with_budget(std::time::Duration::from_millis(500), || {
            env.evaluate(&expression, "Output")
        });
    if let Err(error) = evaluated {
        assert_eq!(error.error, "States.QueryEvaluationError", "{error:?}");
    }
});
