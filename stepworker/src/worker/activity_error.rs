use std::borrow::Cow;
use std::convert::Infallible;
use std::error::Error as StdError;

use super::TaskFailure;

/// The `error` name given to errors that carry no name of their own
/// (`String`, `anyhow::Error`, boxed errors).
pub const GENERIC_ERROR_NAME: &str = "Error";

/// Maps a handler's error to the `error` and `cause` of SendTaskFailure.
///
/// The `error` is what a state's `Retry` and `Catch` match in `ErrorEquals`,
/// so it should name the kind of failure, not the instance; the `cause` is
/// the human-readable detail. The worker cuts them to 256 and 32,768
/// characters on a char boundary.
///
/// Implemented for `String`, `&'static str`, `Box<dyn Error + Send + Sync>`,
/// [`TaskFailure`], `anyhow::Error` (feature `anyhow`) and `Infallible`.
/// For your own error enums (for example `thiserror` ones) derive it:
///
/// ```
/// #[derive(Debug, thiserror::Error, stepworker::ActivityError)]
/// enum ResizeError {
///     #[error("image is {0} px wide")]
///     TooLarge(u32),
///     #[error("not an image")]
///     #[activity_error(name = "Resize.NotAnImage")]
///     NotAnImage,
/// }
/// use stepworker::worker::ActivityError;
/// assert_eq!(ResizeError::TooLarge(9000).error_name(), "ResizeError.TooLarge");
/// assert_eq!(ResizeError::NotAnImage.error_name(), "Resize.NotAnImage");
/// ```
pub trait ActivityError {
    /// The `error` name.
    fn error_name(&self) -> Cow<'_, str>;

    /// The `cause`.
    fn cause(&self) -> Cow<'_, str>;
}

impl ActivityError for String {
    fn error_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(GENERIC_ERROR_NAME)
    }

    fn cause(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl ActivityError for &'static str {
    fn error_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(GENERIC_ERROR_NAME)
    }

    fn cause(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl ActivityError for Box<dyn StdError + Send + Sync> {
    fn error_name(&self) -> Cow<'_, str> {
        match self.downcast_ref::<TaskFailure>() {
            Some(failure) => Cow::Borrowed(failure.error()),
            None => Cow::Borrowed(GENERIC_ERROR_NAME),
        }
    }

    fn cause(&self) -> Cow<'_, str> {
        match self.downcast_ref::<TaskFailure>() {
            Some(failure) => Cow::Borrowed(failure.cause()),
            None => Cow::Owned(error_chain(self.as_ref())),
        }
    }
}

impl ActivityError for TaskFailure {
    fn error_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.error())
    }

    fn cause(&self) -> Cow<'_, str> {
        Cow::Borrowed(TaskFailure::cause(self))
    }
}

/// A `TaskFailure` anywhere in an `anyhow` chain (for example one returned
/// with `?` and then given `.context(..)`) keeps its name; anything else is
/// named [`GENERIC_ERROR_NAME`], with the whole context chain as the cause.
#[cfg(feature = "anyhow")]
impl ActivityError for anyhow::Error {
    fn error_name(&self) -> Cow<'_, str> {
        match self.downcast_ref::<TaskFailure>() {
            Some(failure) => Cow::Borrowed(failure.error()),
            None => Cow::Borrowed(GENERIC_ERROR_NAME),
        }
    }

    fn cause(&self) -> Cow<'_, str> {
        Cow::Owned(format!("{self:#}"))
    }
}

impl ActivityError for Infallible {
    fn error_name(&self) -> Cow<'_, str> {
        match *self {}
    }

    fn cause(&self) -> Cow<'_, str> {
        match *self {}
    }
}

/// An error and its `source()` chain on one line: `outer: inner: root`.
pub fn error_chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl StdError for Layer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            self.1
                .as_deref()
                .map(|inner| inner as &(dyn StdError + 'static))
        }
    }

    #[test]
    fn chain_joins_every_source() {
        let error = Layer(
            "upload failed",
            Some(Box::new(Layer("connection reset", None))),
        );
        assert_eq!(error_chain(&error), "upload failed: connection reset");
    }

    #[test]
    fn strings_fail_with_the_generic_name_and_themselves_as_cause() {
        let failure = TaskFailure::from_error(&String::from("disk full"));
        assert_eq!(
            (failure.error(), failure.cause()),
            (GENERIC_ERROR_NAME, "disk full")
        );
    }

    #[test]
    fn a_boxed_task_failure_keeps_its_name() {
        let boxed: Box<dyn StdError + Send + Sync> =
            Box::new(TaskFailure::new("Quota.Exceeded", "10/10"));
        let failure = TaskFailure::from_error(&boxed);
        assert_eq!(
            (failure.error(), failure.cause()),
            ("Quota.Exceeded", "10/10")
        );
    }

    #[cfg(feature = "anyhow")]
    #[test]
    fn anyhow_keeps_a_task_failure_name_through_context() {
        let error =
            anyhow::Error::new(TaskFailure::new("Quota.Exceeded", "10/10")).context("uploading");
        let failure = TaskFailure::from_error(&error);
        assert_eq!(failure.error(), "Quota.Exceeded");
        assert!(
            failure.cause().starts_with("uploading: "),
            "{}",
            failure.cause()
        );
    }
}
