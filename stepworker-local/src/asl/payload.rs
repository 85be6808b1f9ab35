//! The 256 KiB payload limit.

use std::io;

use serde_json::Value;

use super::states_error::StatesError;

pub use stepworker::model::MAX_PAYLOAD_BYTES;

/// The size in bytes of `value` serialized as compact JSON, computed
/// without building the string.
pub fn payload_size(value: &Value) -> usize {
    let mut counter = ByteCounter(0);
    // Writing to a counter cannot fail, and a `Value` always serializes.
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

/// `States.DataLimitExceeded` if `value` is larger than the payload limit;
/// `States.Runtime` if it nests deeper than
/// [`MAX_VALUE_DEPTH`](super::limits::MAX_VALUE_DEPTH).
pub fn check_payload_size(value: &Value) -> Result<(), StatesError> {
    check_payload_depth(value)?;
    let size = payload_size(value);
    if size > MAX_PAYLOAD_BYTES {
        return Err(StatesError::data_limit_exceeded(format!(
            "The state/task returned a result with a size exceeding the maximum number of bytes service limit \
             ({size} bytes > {MAX_PAYLOAD_BYTES} bytes)."
        )));
    }
    Ok(())
}

/// `States.Runtime` if `value` nests deeper than
/// [`MAX_VALUE_DEPTH`](super::limits::MAX_VALUE_DEPTH): every state output
/// passes here, so a loop that wraps its input one level per iteration
/// (`ResultPath: "$.a"`) stops before a recursive walk could overflow.
pub fn check_payload_depth(value: &Value) -> Result<(), StatesError> {
    use super::limits::{depth_exceeds, MAX_VALUE_DEPTH};
    if depth_exceeds(value, MAX_VALUE_DEPTH) {
        return Err(StatesError::runtime(format!(
            "The state/task returned a result nested more than {MAX_VALUE_DEPTH} levels deep."
        )));
    }
    Ok(())
}

struct ByteCounter(usize);

impl io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn size_is_the_compact_json_length() {
        let value = json!({"a": [1, "é"]});
        assert_eq!(payload_size(&value), value.to_string().len());
    }

    #[test]
    fn the_limit_is_inclusive() {
        // A JSON string of n characters serializes to n + 2 bytes.
        let at_limit = Value::String("x".repeat(MAX_PAYLOAD_BYTES - 2));
        assert_eq!(check_payload_size(&at_limit), Ok(()));
        let over = Value::String("x".repeat(MAX_PAYLOAD_BYTES - 1));
        let error = check_payload_size(&over).expect_err("over the limit");
        assert_eq!(error.error, "States.DataLimitExceeded");
    }
}
