//! The wire model of the Step Functions API, shared by the client and by
//! `stepworker-local` so both sides of the wire use one definition.
//!
//! The shapes, enums, error names and operation markers are generated from the
//! official service model (`stepworker/model/sfn-api.json`) by
//! `tools/gen_model.py`; every member of the model is present. Members the
//! model marks `sensitive` (task tokens, inputs, outputs, causes, definitions)
//! print as `*** Sensitive Data Redacted ***` in `Debug` output.

mod enums;
mod error_code;
mod operation;
mod operation_list;
mod quotas;
mod sensitive;
mod shapes;
mod timestamp;

pub use enums::*;
pub use error_code::ErrorCode;
pub use operation::{Operation, Paginated};
pub use quotas::MAX_PAYLOAD_BYTES;
pub use sensitive::Redacted;
pub use shapes::*;
pub use timestamp::Timestamp;

/// Marker types, one per operation, implementing [`Operation`].
pub mod operations {
    pub use super::operation_list::*;
}

/// The raw service model this crate was generated from (JSON text).
pub const SERVICE_MODEL_JSON: &str = include_str!("../../model/sfn-api.json");
