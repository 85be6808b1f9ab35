//! Member checks against the service model's limits, answering AWS's names.

use serde_json::Value;
use stepworker::model::{ErrorCode, Tag};

use crate::error::{ApiError, ApiResult};

pub use stepworker::model::MAX_PAYLOAD_BYTES;
/// Tags one resource may carry.
pub const MAX_TAGS: usize = 50;
/// Page size when a request leaves `maxResults` unset or 0.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// Largest `maxResults` (model shape `PageSize`).
pub const MAX_PAGE_SIZE: i32 = 1000;

/// Model limits of the string shapes the 22 operations use, in characters.
pub mod limits {
    /// `Name`.
    pub const NAME: (usize, usize) = (1, 80);
    /// `Arn`.
    pub const ARN: (usize, usize) = (1, 256);
    /// `TaskToken`.
    pub const TASK_TOKEN: (usize, usize) = (1, 2048);
    /// `SensitiveError`.
    pub const ERROR: (usize, usize) = (0, 256);
    /// `SensitiveCause`.
    pub const CAUSE: (usize, usize) = (0, 32_768);
    /// `Definition`.
    pub const DEFINITION: (usize, usize) = (1, 1_048_576);
    /// `TraceHeader`.
    pub const TRACE_HEADER: (usize, usize) = (0, 256);
    /// `PageToken`.
    pub const PAGE_TOKEN: (usize, usize) = (1, 1024);
    /// `ListExecutionsPageToken`.
    pub const EXECUTIONS_PAGE_TOKEN: (usize, usize) = (1, 3096);
    /// `TagKey`.
    pub const TAG_KEY: (usize, usize) = (1, 128);
    /// `TagValue`.
    pub const TAG_VALUE: (usize, usize) = (0, 256);
    /// `LongArn`.
    pub const LONG_ARN: (usize, usize) = (1, 2000);
    /// `AliasDescription`.
    pub const ALIAS_DESCRIPTION: (usize, usize) = (0, 256);
    /// `VersionDescription`.
    pub const VERSION_DESCRIPTION: (usize, usize) = (0, 256);
}

/// Checks a member's length in characters against `(min, max)`.
pub fn length(member: &str, value: &str, (min, max): (usize, usize)) -> ApiResult<()> {
    let len = value.chars().count();
    if len < min {
        return Err(ApiError::constraint(
            member,
            &format!("Member must have length greater than or equal to {min}"),
        ));
    }
    if len > max {
        return Err(ApiError::constraint(
            member,
            &format!("Member must have length less than or equal to {max}"),
        ));
    }
    Ok(())
}

/// Checks an optional member's length.
pub fn optional_length(member: &str, value: Option<&str>, bounds: (usize, usize)) -> ApiResult<()> {
    value.map_or(Ok(()), |v| length(member, v, bounds))
}

/// Checks an ARN member's length (the shape check is `ArnScope::parse`).
pub fn arn(member: &str, value: &str) -> ApiResult<()> {
    length(member, value, limits::ARN)
}

/// Checks a resource name: 1-80 characters of `[A-Za-z0-9_-]`.
pub fn name(value: &str) -> ApiResult<()> {
    let valid = (limits::NAME.0..=limits::NAME.1).contains(&value.chars().count())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidName,
            format!("Invalid Name: '{value}'"),
        ))
    }
}

/// Parses a JSON payload (execution input, task output), checking its size
/// first. `code` is the error to answer (`InvalidExecutionInput`, `InvalidOutput`).
pub fn json_payload(text: &str, code: ErrorCode, what: &str) -> ApiResult<Value> {
    if text.len() > MAX_PAYLOAD_BYTES {
        return Err(ApiError::new(
            code,
            format!(
                "{what} is {} bytes, over the limit of {MAX_PAYLOAD_BYTES} bytes",
                text.len()
            ),
        ));
    }
    serde_json::from_str(text)
        .map_err(|e| ApiError::new(code, format!("{what} is not valid JSON: {e}")))
}

/// Reads `maxResults`: 0..=1000, where 0 and absent mean the default size.
pub fn page_size(max_results: Option<i32>) -> ApiResult<usize> {
    let bound = match max_results {
        None | Some(0) => return Ok(DEFAULT_PAGE_SIZE),
        Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => return Ok(n as usize),
        Some(n) if n < 0 => (n, "greater than or equal to 0"),
        Some(n) => (n, "less than or equal to 1000"),
    };
    Err(ApiError::validation(format!(
        "1 validation error detected: Value '{}' at 'maxResults' failed to satisfy constraint: Member must have value {}",
        bound.0, bound.1
    )))
}

/// Checks a list of tags: key and value lengths and charset.
pub fn tags(tags: &[Tag]) -> ApiResult<()> {
    for tag in tags {
        let key = tag.key.as_deref().unwrap_or_default();
        let value = tag.value.as_deref().unwrap_or_default();
        length("tags.member.key", key, limits::TAG_KEY)?;
        length("tags.member.value", value, limits::TAG_VALUE)?;
        tag_charset("tags.member.key", key)?;
        tag_charset("tags.member.value", value)?;
    }
    Ok(())
}

/// Checks tag keys given to UntagResource.
pub fn tag_keys(keys: &[String]) -> ApiResult<()> {
    for key in keys {
        length("tagKeys.member", key, limits::TAG_KEY)?;
        tag_charset("tagKeys.member", key)?;
    }
    Ok(())
}

/// Letters, digits, spaces and `_ . : / = + - @`, as AWS tagging allows.
fn tag_charset(member: &str, text: &str) -> ApiResult<()> {
    let allowed = |c: char| {
        c.is_alphanumeric()
            || c.is_whitespace()
            || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
    };
    if text.chars().all(allowed) {
        Ok(())
    } else {
        Err(ApiError::constraint(
            member,
            "Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$",
        ))
    }
}

/// Rejects an enum value the model does not define.
pub fn enum_value(member: &str, value: &str, allowed: &[&str]) -> ApiResult<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            allowed.join(", ")
        )))
    }
}

/// Checks a trace header: at most 256 ASCII characters.
pub fn trace_header(value: Option<&str>) -> ApiResult<()> {
    optional_length("traceHeader", value, limits::TRACE_HEADER)?;
    if value.is_some_and(|v| !v.is_ascii()) {
        return Err(ApiError::constraint(
            "traceHeader",
            "Member must satisfy regular expression pattern: \\p{ASCII}*",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_charset_and_length() {
        assert!(name("order-42_x").is_ok());
        for bad in ["", "has space", "a:b", "é", &"x".repeat(81)] {
            assert_eq!(name(bad).expect_err(bad).code(), &ErrorCode::InvalidName);
        }
        assert!(name(&"x".repeat(80)).is_ok());
    }

    #[test]
    fn page_size_bounds() {
        assert_eq!(page_size(None).ok(), Some(DEFAULT_PAGE_SIZE));
        assert_eq!(page_size(Some(0)).ok(), Some(DEFAULT_PAGE_SIZE));
        assert_eq!(page_size(Some(1000)).ok(), Some(1000));
        assert!(page_size(Some(1001)).is_err());
        assert!(page_size(Some(-1)).is_err());
    }

    #[test]
    fn payload_size_is_counted_in_bytes() {
        let at_limit = format!("\"{}\"", "a".repeat(MAX_PAYLOAD_BYTES - 2));
        assert!(json_payload(&at_limit, ErrorCode::InvalidOutput, "output").is_ok());
        let over = format!("\"{}\"", "é".repeat(MAX_PAYLOAD_BYTES / 2));
        let err = json_payload(&over, ErrorCode::InvalidOutput, "output").expect_err("over");
        assert_eq!(err.code(), &ErrorCode::InvalidOutput);
    }

    #[test]
    fn tag_charset_rejects_symbols_outside_the_set() {
        let tag = |k: &str| Tag {
            key: Some(k.into()),
            value: Some("v".into()),
        };
        assert!(tags(&[tag("team:billing/x=y+z-w@q")]).is_ok());
        assert!(tags(&[tag("bad*key")]).is_err());
        assert!(tags(&[tag("")]).is_err());
    }
}
