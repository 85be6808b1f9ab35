//! The intrinsic functions AWS defines, with their arities.

/// An intrinsic function name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    /// `States.Format`.
    Format,
    /// `States.StringToJson`.
    StringToJson,
    /// `States.JsonToString`.
    JsonToString,
    /// `States.Array`.
    Array,
    /// `States.ArrayPartition`.
    ArrayPartition,
    /// `States.ArrayContains`.
    ArrayContains,
    /// `States.ArrayRange`.
    ArrayRange,
    /// `States.ArrayGetItem`.
    ArrayGetItem,
    /// `States.ArrayLength`.
    ArrayLength,
    /// `States.ArrayUnique`.
    ArrayUnique,
    /// `States.Base64Encode`.
    Base64Encode,
    /// `States.Base64Decode`.
    Base64Decode,
    /// `States.Hash`.
    Hash,
    /// `States.JsonMerge`.
    JsonMerge,
    /// `States.MathRandom`.
    MathRandom,
    /// `States.MathAdd`.
    MathAdd,
    /// `States.StringSplit`.
    StringSplit,
    /// `States.UUID`.
    Uuid,
}

impl Function {
    /// Every function, for lookups by name.
    pub const ALL: [Function; 18] = [
        Function::Format,
        Function::StringToJson,
        Function::JsonToString,
        Function::Array,
        Function::ArrayPartition,
        Function::ArrayContains,
        Function::ArrayRange,
        Function::ArrayGetItem,
        Function::ArrayLength,
        Function::ArrayUnique,
        Function::Base64Encode,
        Function::Base64Decode,
        Function::Hash,
        Function::JsonMerge,
        Function::MathRandom,
        Function::MathAdd,
        Function::StringSplit,
        Function::Uuid,
    ];

    /// The full name, e.g. `States.Format`.
    pub fn name(&self) -> &'static str {
        match self {
            Function::Format => "States.Format",
            Function::StringToJson => "States.StringToJson",
            Function::JsonToString => "States.JsonToString",
            Function::Array => "States.Array",
            Function::ArrayPartition => "States.ArrayPartition",
            Function::ArrayContains => "States.ArrayContains",
            Function::ArrayRange => "States.ArrayRange",
            Function::ArrayGetItem => "States.ArrayGetItem",
            Function::ArrayLength => "States.ArrayLength",
            Function::ArrayUnique => "States.ArrayUnique",
            Function::Base64Encode => "States.Base64Encode",
            Function::Base64Decode => "States.Base64Decode",
            Function::Hash => "States.Hash",
            Function::JsonMerge => "States.JsonMerge",
            Function::MathRandom => "States.MathRandom",
            Function::MathAdd => "States.MathAdd",
            Function::StringSplit => "States.StringSplit",
            Function::Uuid => "States.UUID",
        }
    }

    /// The function called `name`, if any.
    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The smallest and largest argument counts accepted (`None` = no upper bound).
    pub fn arity(&self) -> (usize, Option<usize>) {
        match self {
            Function::Format => (1, None),
            Function::Array => (0, None),
            Function::Uuid => (0, Some(0)),
            Function::StringToJson
            | Function::JsonToString
            | Function::ArrayLength
            | Function::ArrayUnique
            | Function::Base64Encode
            | Function::Base64Decode => (1, Some(1)),
            Function::ArrayPartition
            | Function::ArrayContains
            | Function::ArrayGetItem
            | Function::Hash
            | Function::MathAdd
            | Function::StringSplit => (2, Some(2)),
            Function::MathRandom => (2, Some(3)),
            Function::ArrayRange | Function::JsonMerge => (3, Some(3)),
        }
    }
}
