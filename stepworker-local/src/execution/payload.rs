//! A state's input or output as a value and as JSON text, serialized once
//! for the history, the size limit and the wire.

use std::sync::Arc;

use serde_json::Value;

use crate::asl::{self, StatesError};

/// A value with its JSON text, so history and size checks serialize once.
#[derive(Clone)]
pub(super) struct Payload {
    pub value: Value,
    pub text: Arc<str>,
}

impl Payload {
    /// Serializes `value`, failing with `States.DataLimitExceeded` past 256 KiB.
    pub fn new(value: Value) -> Result<Self, StatesError> {
        Self::sharing(value, None)
    }

    /// [`Payload::new`] for a state's output, which shares `input`'s text
    /// when it serializes to the same (a Pass, Choice or Wait state that
    /// hands its input on): a retained history then holds that text once,
    /// not once per state.
    pub fn output_of(value: Value, input: &Arc<str>) -> Result<Self, StatesError> {
        Self::sharing(value, Some(input))
    }

    fn sharing(value: Value, same_as: Option<&Arc<str>>) -> Result<Self, StatesError> {
        if let Err(e) = asl::check_payload_depth(&value) {
            // Its default drop would recurse once per level.
            asl::limits::drop_flat(value);
            return Err(e);
        }
        let text = SERIALIZE_BUFFER.with(|buffer| {
            // Written into a per-thread buffer and copied once into the
            // shared text: one allocation per payload instead of a growing
            // `String` and then its copy.
            let mut buffer = buffer.borrow_mut();
            buffer.clear();
            let text = serialize_into(&mut buffer, &value, same_as);
            if buffer.capacity() > KEPT_BUFFER_BYTES {
                *buffer = Vec::new();
            }
            text
        })?;
        Ok(Self { value, text })
    }
}

/// Largest serialization buffer a thread keeps between payloads.
const KEPT_BUFFER_BYTES: usize = 2 * asl::MAX_PAYLOAD_BYTES;

thread_local! {
    static SERIALIZE_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn serialize_into(
    buffer: &mut Vec<u8>,
    value: &Value,
    same_as: Option<&Arc<str>>,
) -> Result<Arc<str>, StatesError> {
    serde_json::to_writer(&mut *buffer, value)
        .map_err(|e| StatesError::runtime(format!("Could not serialize a value: {e}")))?;
    if buffer.len() > asl::MAX_PAYLOAD_BYTES {
        return Err(StatesError::data_limit_exceeded(format!(
            "The state/task returned a result with a size exceeding the maximum number of bytes service limit ({} bytes).",
            asl::MAX_PAYLOAD_BYTES
        )));
    }
    if let Some(same) = same_as.filter(|same| same.as_bytes() == buffer.as_slice()) {
        return Ok(same.clone());
    }
    std::str::from_utf8(buffer)
        .map(Arc::from)
        .map_err(|e| StatesError::runtime(format!("Could not serialize a value: {e}")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_output_equal_to_its_input_shares_the_input_text() {
        let input = Payload::new(json!({"order": 42})).expect("payload");
        let same = Payload::output_of(json!({"order": 42}), &input.text).expect("payload");
        assert!(Arc::ptr_eq(&same.text, &input.text));
        let changed = Payload::output_of(json!({"order": 43}), &input.text).expect("payload");
        assert_eq!(&*changed.text, r#"{"order":43}"#);
        assert!(!Arc::ptr_eq(&changed.text, &input.text));
    }
}
