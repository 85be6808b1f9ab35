//! The `error` names the worker itself fails tasks with.
//!
//! They share the `Worker.` prefix so a state machine can `Retry` or `Catch`
//! them apart from the handler's own errors (`"ErrorEquals": ["Worker.Shutdown"]`).

/// The task input is not JSON of the handler's input type; the cause names
/// the field that did not deserialize.
pub const INVALID_INPUT: &str = "Worker.InvalidInput";

/// The handler's output serializes to more than the 262,144 bytes Step
/// Functions accepts.
pub const OUTPUT_TOO_LARGE: &str = "Worker.OutputTooLarge";

/// The handler's output could not be serialized to JSON.
pub const OUTPUT_NOT_SERIALIZABLE: &str = "Worker.OutputNotSerializable";

/// The handler panicked; the cause carries the panic message.
pub const PANIC: &str = "Worker.Panic";

/// The worker shut down before the handler finished; the task can be retried
/// on another worker at once.
pub const SHUTDOWN: &str = "Worker.Shutdown";
