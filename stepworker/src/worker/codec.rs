//! Task input and output as JSON text, with the errors the service will see.

use std::any::Any;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{error_names, TaskFailure};

/// The most output SendTaskSuccess accepts: 256 KiB of UTF-8.
pub const MAX_OUTPUT_BYTES: usize = crate::model::MAX_PAYLOAD_BYTES;

/// Deserializes the task input, naming the field that does not fit.
pub(crate) fn decode_input<T: DeserializeOwned>(input: &str) -> Result<T, TaskFailure> {
    let mut deserializer = serde_json::Deserializer::from_str(input);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let cause = if path == "." {
            format!(
                "the task input does not match the handler's input type: {}",
                error.inner()
            )
        } else {
            format!("input field `{path}`: {}", error.inner())
        };
        TaskFailure::new(error_names::INVALID_INPUT, cause)
    })?;
    deserializer.end().map_err(|error| {
        TaskFailure::new(
            error_names::INVALID_INPUT,
            format!("the task input has more text after its JSON value: {error}"),
        )
    })?;
    Ok(value)
}

/// Serializes the task output, refusing what the service would refuse.
pub(crate) fn encode_output<T: Serialize>(output: &T) -> Result<String, TaskFailure> {
    let json = serde_json::to_string(output).map_err(|error| {
        TaskFailure::new(
            error_names::OUTPUT_NOT_SERIALIZABLE,
            format!("the handler's output cannot be serialized to JSON: {error}"),
        )
    })?;
    if json.len() > MAX_OUTPUT_BYTES {
        return Err(TaskFailure::new(
            error_names::OUTPUT_TOO_LARGE,
            format!(
                "the handler's output is {} bytes of JSON; Step Functions accepts at most {MAX_OUTPUT_BYTES}",
                json.len()
            ),
        ));
    }
    Ok(json)
}

/// The failure reported for a handler that panicked with `payload`.
pub(crate) fn panic_failure(payload: &(dyn Any + Send)) -> TaskFailure {
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message");
    TaskFailure::new(
        error_names::PANIC,
        format!("the handler panicked: {message}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Order {
        id: u32,
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Item {
        qty: u32,
    }

    #[test]
    fn decodes_good_input() {
        let order: Order =
            decode_input(r#"{"id": 7, "items": [{"qty": 2}]}"#).expect("valid input");
        assert_eq!(
            order,
            Order {
                id: 7,
                items: vec![Item { qty: 2 }]
            }
        );
    }

    #[test]
    fn names_the_field_that_does_not_deserialize() {
        let failure = decode_input::<Order>(r#"{"id": 7, "items": [{"qty": 2}, {"qty": "x"}]}"#)
            .expect_err("qty is a string");
        assert_eq!(failure.error(), error_names::INVALID_INPUT);
        assert!(
            failure.cause().contains("`items[1].qty`"),
            "{}",
            failure.cause()
        );
    }

    #[test]
    fn names_a_missing_field_and_rejects_non_json() {
        let missing = decode_input::<Order>(r#"{"id": 7}"#).expect_err("items missing");
        assert!(missing.cause().contains("items"), "{}", missing.cause());
        let garbage = decode_input::<Order>("not json").expect_err("not json");
        assert_eq!(garbage.error(), error_names::INVALID_INPUT);
        let trailing = decode_input::<u32>("1 2").expect_err("trailing value");
        assert_eq!(trailing.error(), error_names::INVALID_INPUT);
    }

    #[test]
    fn output_up_to_the_limit_passes_and_one_byte_more_fails() {
        // A JSON string of n chars is n + 2 bytes with its quotes.
        let at_limit = "a".repeat(MAX_OUTPUT_BYTES - 2);
        assert_eq!(
            encode_output(&at_limit).map(|json| json.len()),
            Ok(MAX_OUTPUT_BYTES)
        );
        let failure = encode_output(&"a".repeat(MAX_OUTPUT_BYTES - 1)).expect_err("one byte over");
        assert_eq!(failure.error(), error_names::OUTPUT_TOO_LARGE);
    }

    #[test]
    fn output_limit_counts_utf8_bytes() {
        // 100,000 'é' are 200,000 bytes, plus escapes none: under; 140,000 are over.
        assert!(encode_output(&"é".repeat(100_000)).is_ok());
        assert!(encode_output(&"é".repeat(140_000)).is_err());
    }

    #[test]
    fn panic_messages_are_kept() {
        let failure = panic_failure(&"boom");
        assert_eq!(failure.error(), error_names::PANIC);
        assert!(failure.cause().ends_with("boom"));
        let owned = panic_failure(&String::from("bang"));
        assert!(owned.cause().ends_with("bang"));
    }
}
