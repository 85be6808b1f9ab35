use std::fmt;

use super::ActivityError;

/// The longest `error` Step Functions accepts, in characters.
pub const MAX_ERROR_CHARS: usize = 256;

/// The longest `cause` Step Functions accepts, in characters.
pub const MAX_CAUSE_CHARS: usize = 32_768;

/// A task failure as SendTaskFailure carries it: an `error` name and a
/// `cause`, already cut to the service's limits.
///
/// It is also an error type of its own, for handlers that pick the name at
/// the failure site: `Err(TaskFailure::new("Resize.TooLarge", "4000 px"))`.
#[derive(Clone, PartialEq, Eq)]
pub struct TaskFailure {
    error: String,
    cause: String,
}

impl TaskFailure {
    /// A failure named `error` with `cause`, each cut to its limit on a char
    /// boundary.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        let mut error = error.into();
        let mut cause = cause.into();
        truncate_chars(&mut error, MAX_ERROR_CHARS);
        truncate_chars(&mut cause, MAX_CAUSE_CHARS);
        Self { error, cause }
    }

    /// The failure an [`ActivityError`] maps to.
    pub fn from_error<E: ActivityError + ?Sized>(error: &E) -> Self {
        Self::new(error.error_name(), error.cause())
    }

    /// The `error` name (at most 256 characters).
    pub fn error(&self) -> &str {
        &self.error
    }

    /// The `cause` (at most 32,768 characters).
    pub fn cause(&self) -> &str {
        &self.cause
    }
}

// The cause can carry user data, so Debug shows only its length, like the
// model's redacted `cause` members.
impl fmt::Debug for TaskFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskFailure")
            .field("error", &self.error)
            .field("cause_chars", &self.cause.chars().count())
            .finish()
    }
}

impl fmt::Display for TaskFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.cause.is_empty() {
            f.write_str(&self.error)
        } else {
            write!(f, "{}: {}", self.error, self.cause)
        }
    }
}

impl std::error::Error for TaskFailure {}

/// Cuts `text` to at most `max_chars` characters, never inside a character.
pub(crate) fn truncate_chars(text: &mut String, max_chars: usize) {
    if let Some((byte_index, _)) = text.char_indices().nth(max_chars) {
        text.truncate(byte_index);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_error_and_cause_to_the_service_limits() {
        let failure = TaskFailure::new("e".repeat(300), "c".repeat(40_000));
        assert_eq!(failure.error().chars().count(), MAX_ERROR_CHARS);
        assert_eq!(failure.cause().chars().count(), MAX_CAUSE_CHARS);
    }

    #[test]
    fn cuts_on_a_char_boundary() {
        // 'é' is two bytes, so a byte cut at 256 would split the 128th one.
        let failure = TaskFailure::new("é".repeat(300), "🦀".repeat(MAX_CAUSE_CHARS + 1));
        assert_eq!(failure.error(), "é".repeat(MAX_ERROR_CHARS));
        assert_eq!(failure.cause(), "🦀".repeat(MAX_CAUSE_CHARS));
    }

    #[test]
    fn keeps_short_text_whole() {
        let failure = TaskFailure::new("Resize.TooLarge", "4000 px");
        assert_eq!(
            (failure.error(), failure.cause()),
            ("Resize.TooLarge", "4000 px")
        );
    }

    #[test]
    fn debug_does_not_show_the_cause() {
        let failure = TaskFailure::new("E", "secret-value");
        assert!(!format!("{failure:?}").contains("secret-value"));
    }
}
