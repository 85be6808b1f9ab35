//! Request bodies into model input shapes, with AWS's error names for
//! malformed JSON, wrong types and missing members.

use serde::de::DeserializeOwned;
use serde_json::error::Category;
use stepworker::model::ErrorCode;

use crate::error::{ApiError, ApiResult};

/// Decodes a JSON 1.0 request body (an empty body is an empty object).
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| classify(&e))
}

fn classify(e: &serde_json::Error) -> ApiError {
    let text = e.to_string();
    if e.classify() == Category::Data {
        if let Some(member) = missing_member(&text) {
            return ApiError::validation(format!(
                "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
            ));
        }
    }
    ApiError::new(
        ErrorCode::SerializationException,
        format!("The request body could not be read: {text}"),
    )
}

/// The member named by serde's "missing field `x`" message.
fn missing_member(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepworker::model::CreateActivityInput;

    #[test]
    fn errors_are_named_like_aws() {
        let missing = decode::<CreateActivityInput>(b"{}").expect_err("missing");
        assert_eq!(missing.code(), &ErrorCode::ValidationException);
        assert!(
            missing.message().contains("'name'"),
            "{}",
            missing.message()
        );
        let malformed = decode::<CreateActivityInput>(b"{\"name\":").expect_err("malformed");
        assert_eq!(malformed.code(), &ErrorCode::SerializationException);
        let wrong_type = decode::<CreateActivityInput>(b"{\"name\":5}").expect_err("type");
        assert_eq!(wrong_type.code(), &ErrorCode::SerializationException);
        let not_object = decode::<CreateActivityInput>(b"[1]").expect_err("array");
        assert_eq!(not_object.code(), &ErrorCode::SerializationException);
        let ok = decode::<CreateActivityInput>(b"{\"name\":\"a\",\"extra\":1}");
        assert_eq!(ok.map(|i| i.name).ok().as_deref(), Some("a"));
    }
}
