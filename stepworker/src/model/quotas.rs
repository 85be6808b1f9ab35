//! Service quotas both sides of the wire enforce: the client and worker
//! before sending, `stepworker-local` when it runs a state machine.

/// The largest execution input or output, task result or state payload:
/// 256 KiB of UTF-8 (AWS developer guide, "Step Functions service quotas";
/// the model's `SensitiveData` members allow 262,144 characters).
pub const MAX_PAYLOAD_BYTES: usize = 262_144;
