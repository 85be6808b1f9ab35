//! The errors the engine answers with, by AWS's names.

use std::fmt;

use stepworker::model::ErrorCode;

/// Namespace AWS puts before `#` in `__type` for Step Functions' own errors.
const SERVICE_NAMESPACE: &str = "com.amazonaws.swf.service.v2.model";
/// Namespace of the errors the AWS request framework itself raises.
const FRAMEWORK_NAMESPACE: &str = "com.amazon.coral.service";
/// Namespace of the framework's constraint checks (lengths, ranges, enums).
const VALIDATION_NAMESPACE: &str = "com.amazon.coral.validate";
/// Namespace of the framework's throttling, as AWS JSON services send it
/// (`com.amazon.coral.availability#ThrottlingException`).
const AVAILABILITY_NAMESPACE: &str = "com.amazon.coral.availability";

/// One error answer: an AWS error name and a message for humans.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiError {
    code: ErrorCode,
    message: String,
}

impl ApiError {
    /// An error with a name and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// A `ValidationException` with the framework's one-violation wording.
    pub fn constraint(member: &str, constraint: &str) -> Self {
        Self::new(
            ErrorCode::ValidationException,
            format!("1 validation error detected: Value at '{member}' failed to satisfy constraint: {constraint}"),
        )
    }

    /// A `ValidationException` with a free-form message.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationException, message)
    }

    /// An `InvalidArn` error for the given ARN text.
    pub fn invalid_arn(arn: &str, reason: &str) -> Self {
        Self::new(
            ErrorCode::InvalidArn,
            format!("Invalid Arn: '{reason}: {arn}'"),
        )
    }

    /// The error name.
    pub fn code(&self) -> &ErrorCode {
        &self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status AWS answers this error with: 500 for
    /// `InternalFailure`, 503 for `ServiceUnavailable`, 400 for the rest
    /// (<https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html>).
    pub fn http_status(&self) -> u16 {
        match self.code {
            ErrorCode::InternalFailure => 500,
            ErrorCode::ServiceUnavailable => 503,
            _ => 400,
        }
    }

    /// The `__type` value: the error name qualified by the namespace AWS uses.
    pub fn wire_type(&self) -> String {
        let namespace = match self.code {
            ErrorCode::UnknownOperationException
            | ErrorCode::SerializationException
            | ErrorCode::InternalFailure
            | ErrorCode::ServiceUnavailable => FRAMEWORK_NAMESPACE,
            ErrorCode::ThrottlingException => AVAILABILITY_NAMESPACE,
            ErrorCode::ValidationException => VALIDATION_NAMESPACE,
            _ => SERVICE_NAMESPACE,
        };
        format!("{namespace}#{}", self.code.as_str())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}

/// The result of one operation.
pub type ApiResult<T> = Result<T, ApiError>;
