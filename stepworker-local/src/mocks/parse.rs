//! JSON text to [`MockConfig`], with every error pointing at its field.
//!
//! Stricter than Step Functions Local in one way: unknown fields, overlapping
//! invocation ranges and test cases naming an undefined response are errors
//! at load time, so a typo fails the engine's start rather than an
//! execution. A response with gaps in its invocations (or none at all) is
//! accepted, as Step Functions Local accepts it, and fails the state that
//! reaches a missing invocation at run time.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::config::{InvocationRange, MockConfig, MockOutcome, MockedResponse, TestCase};
use super::error::MockConfigError;
use crate::validate::limits;

/// Parses the configuration in `text`; `source` names it in errors.
pub fn parse(source: &str, text: &str) -> Result<MockConfig, MockConfigError> {
    let document: Value = serde_json::from_str(text)
        .map_err(|e| MockConfigError::at(source, "", format!("not valid JSON: {e}")))?;
    Parser { source }.config(&document)
}

struct Parser<'s> {
    source: &'s str,
}

impl Parser<'_> {
    fn error(&self, pointer: &str, message: impl Into<String>) -> MockConfigError {
        MockConfigError::at(self.source, pointer, message)
    }

    fn object<'v>(
        &self,
        value: &'v Value,
        pointer: &str,
        what: &str,
    ) -> Result<&'v Map<String, Value>, MockConfigError> {
        value
            .as_object()
            .ok_or_else(|| self.error(pointer, format!("{what} must be a JSON object")))
    }

    /// Rejects members other than `allowed`.
    fn known_fields(
        &self,
        object: &Map<String, Value>,
        pointer: &str,
        allowed: &[&str],
    ) -> Result<(), MockConfigError> {
        match object.keys().find(|key| !allowed.contains(&key.as_str())) {
            None => Ok(()),
            Some(key) => Err(self.error(
                &child(pointer, key),
                format!("unknown field '{key}'; expected {}", allowed.join(" or ")),
            )),
        }
    }

    fn config(&self, document: &Value) -> Result<MockConfig, MockConfigError> {
        let root = self.object(document, "", "the mock configuration")?;
        self.known_fields(root, "", &["StateMachines", "MockedResponses"])?;
        let mut responses = BTreeMap::new();
        if let Some(value) = root.get("MockedResponses") {
            let pointer = "/MockedResponses";
            for (name, response) in self.object(value, pointer, "MockedResponses")? {
                let response = self.response(response, &child(pointer, name))?;
                responses.insert(name.clone(), response);
            }
        }
        let mut state_machines = BTreeMap::new();
        if let Some(value) = root.get("StateMachines") {
            let pointer = "/StateMachines";
            for (name, machine) in self.object(value, pointer, "StateMachines")? {
                let cases = self.state_machine(machine, &child(pointer, name), &responses)?;
                state_machines.insert(name.clone(), cases);
            }
        }
        Ok(MockConfig {
            state_machines,
            responses,
        })
    }

    fn state_machine(
        &self,
        value: &Value,
        pointer: &str,
        responses: &BTreeMap<String, MockedResponse>,
    ) -> Result<BTreeMap<String, TestCase>, MockConfigError> {
        let machine = self.object(value, pointer, "a state machine entry")?;
        self.known_fields(machine, pointer, &["TestCases"])?;
        let Some(cases) = machine.get("TestCases") else {
            return Err(self.error(pointer, "missing the field 'TestCases'"));
        };
        let pointer = child(pointer, "TestCases");
        let mut test_cases = BTreeMap::new();
        for (name, case) in self.object(cases, &pointer, "TestCases")? {
            let case = self.test_case(case, &child(&pointer, name), responses)?;
            test_cases.insert(name.clone(), case);
        }
        Ok(test_cases)
    }

    fn test_case(
        &self,
        value: &Value,
        pointer: &str,
        responses: &BTreeMap<String, MockedResponse>,
    ) -> Result<TestCase, MockConfigError> {
        let mut states = BTreeMap::new();
        for (state, response) in self.object(value, pointer, "a test case")? {
            let pointer = child(pointer, state);
            let Some(response) = response.as_str() else {
                return Err(self.error(&pointer, "must be a string: the name of a mocked response"));
            };
            if !responses.contains_key(response) {
                return Err(self.error(
                    &pointer,
                    format!("names the mocked response '{response}', which MockedResponses does not define"),
                ));
            }
            states.insert(state.clone(), response.to_owned());
        }
        Ok(TestCase { states })
    }

    fn response(&self, value: &Value, pointer: &str) -> Result<MockedResponse, MockConfigError> {
        let mut ranges: Vec<InvocationRange> = Vec::new();
        for (key, invocation) in self.object(value, pointer, "a mocked response")? {
            let pointer = child(pointer, key);
            let (first, last) = self.invocation_range(key, &pointer)?;
            if let Some(other) = ranges.iter().find(|r| first <= r.last && r.first <= last) {
                return Err(self.error(
                    &pointer,
                    format!(
                        "invocations {first}-{last} overlap invocations {}-{} defined before",
                        other.first, other.last
                    ),
                ));
            }
            let outcome = self.outcome(invocation, &pointer)?;
            ranges.push(InvocationRange {
                first,
                last,
                outcome,
            });
        }
        ranges.sort_by_key(|range| range.first);
        Ok(MockedResponse { ranges })
    }

    /// `"3"` or an inclusive range `"1-2"`.
    fn invocation_range(&self, key: &str, pointer: &str) -> Result<(u32, u32), MockConfigError> {
        let number = |text: &str| {
            (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse::<u32>().ok())
                .flatten()
        };
        let bounds = match key.split_once('-') {
            None => number(key).map(|n| (n, n)),
            Some((first, last)) => number(first).zip(number(last)),
        };
        match bounds {
            Some((first, last)) if first <= last => Ok((first, last)),
            Some(_) => Err(self.error(
                pointer,
                format!("the invocation range '{key}' ends before it starts"),
            )),
            None => Err(self.error(
                pointer,
                format!(
                    "'{key}' is not an invocation number (\"0\") or an inclusive range (\"1-2\")"
                ),
            )),
        }
    }

    fn outcome(&self, value: &Value, pointer: &str) -> Result<MockOutcome, MockConfigError> {
        let invocation = self.object(value, pointer, "an invocation")?;
        self.known_fields(invocation, pointer, &["Return", "Throw"])?;
        match (invocation.get("Return"), invocation.get("Throw")) {
            (Some(result), None) => Ok(MockOutcome::Return(result.clone())),
            (None, Some(throw)) => self.throw(throw, &child(pointer, "Throw")),
            _ => Err(self.error(
                pointer,
                "an invocation must have exactly one field: Return or Throw",
            )),
        }
    }

    fn throw(&self, value: &Value, pointer: &str) -> Result<MockOutcome, MockConfigError> {
        let throw = self.object(value, pointer, "Throw")?;
        self.known_fields(throw, pointer, &["Error", "Cause"])?;
        let text = |field: &str, max: usize| -> Result<Option<String>, MockConfigError> {
            let pointer = child(pointer, field);
            match throw.get(field) {
                None => Ok(None),
                Some(Value::String(text)) if text.chars().count() <= max => Ok(Some(text.clone())),
                Some(Value::String(_)) => {
                    Err(self.error(&pointer, format!("must be at most {max} characters long")))
                }
                Some(_) => Err(self.error(&pointer, "must be a string")),
            }
        };
        let Some(error) = text("Error", limits::ERROR.1)? else {
            return Err(self.error(pointer, "missing the field 'Error'"));
        };
        let cause = text("Cause", limits::CAUSE.1)?.unwrap_or_default();
        Ok(MockOutcome::Throw { error, cause })
    }
}

/// The pointer to member `key` of the value at `pointer` (RFC 6901 escaping).
fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse_value(value: Value) -> Result<MockConfig, MockConfigError> {
        parse("mocks.json", &value.to_string())
    }

    #[test]
    fn the_developer_guide_example_parses() {
        let config = parse_value(json!({
            "StateMachines": {"LambdaSQSIntegration": {"TestCases": {
                "HappyPath": {"LambdaState": "MockedLambdaSuccess"},
                "RetryPath": {"LambdaState": "MockedLambdaRetry"}
            }}},
            "MockedResponses": {
                "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200}}},
                "MockedLambdaRetry": {
                    "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "not ready"}},
                    "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "timed out"}},
                    "3": {"Return": {"StatusCode": 200}}
                }
            }
        }))
        .expect("valid");
        let case = config
            .test_case("LambdaSQSIntegration", "RetryPath")
            .expect("test case");
        let response = config
            .response(case.response_for("LambdaState").expect("mocked"))
            .expect("response");
        let throws = |i| matches!(response.at(i), Some(MockOutcome::Throw { error, .. }) if error.starts_with("Lambda."));
        assert!(throws(0) && throws(1) && throws(2));
        assert_eq!(
            response.at(3),
            Some(&MockOutcome::Return(json!({"StatusCode": 200})))
        );
        assert_eq!(response.at(4), None);
    }

    #[test]
    fn errors_point_at_the_bad_field() {
        let cases = [
            (json!({"MockedResponse": {}}), "/MockedResponse"),
            (
                json!({"MockedResponses": {"R": {"0": {"Throw": {"Error": 5}}}}}),
                "/MockedResponses/R/0/Throw/Error",
            ),
            (
                json!({"MockedResponses": {"R": {"0": {"Throw": {"Cause": "c"}}}}}),
                "/MockedResponses/R/0/Throw",
            ),
            (
                json!({"MockedResponses": {"R": {"zero": {"Return": 1}}}}),
                "/MockedResponses/R/zero",
            ),
            (
                json!({"MockedResponses": {"R": {"2-1": {"Return": 1}}}}),
                "/MockedResponses/R/2-1",
            ),
            (
                json!({"MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}}),
                "/MockedResponses/R/2",
            ),
            (
                json!({"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "E"}}}}}),
                "/MockedResponses/R/0",
            ),
            (
                json!({"StateMachines": {"M": {"TestCases": {"C": {"S": "Nope"}}}}}),
                "/StateMachines/M/TestCases/C/S",
            ),
            (
                json!({"StateMachines": {"M": {"Cases": {}}}}),
                "/StateMachines/M/Cases",
            ),
            (json!({"StateMachines": {"a/b": {}}}), "/StateMachines/a~1b"),
        ];
        for (document, pointer) in cases {
            let error = parse_value(document.clone()).expect_err(&document.to_string());
            assert_eq!(error.pointer, pointer, "{document}: {error}");
            assert_eq!(error.source_name, "mocks.json");
            assert!(error.to_string().contains(pointer), "{error}");
        }
    }

    #[test]
    fn gaps_and_empty_responses_are_accepted_for_run_time() {
        let config = parse_value(json!({"MockedResponses": {
            "Gap": {"1": {"Return": 1}},
            "Empty": {}
        }}))
        .expect("valid");
        assert_eq!(config.response("Gap").and_then(|r| r.at(0)), None);
        assert_eq!(config.response("Empty").and_then(|r| r.at(0)), None);
    }

    #[test]
    fn bad_json_names_the_source() {
        let error = parse("mocks.json", "{not json").expect_err("invalid");
        assert_eq!(error.pointer, "");
        assert!(error.to_string().starts_with("mocks.json: not valid JSON"));
    }
}
