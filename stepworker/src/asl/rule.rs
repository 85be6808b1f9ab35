//! Choice rules: comparisons (`Variable` + operator), `And`/`Or`/`Not`, and
//! JSONata `Condition`s.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;

/// A boolean expression a Choice state evaluates.
///
/// Build rules with the constructors (`Rule::string_equals`,
/// `Rule::numeric_greater_than_path`, `Rule::is_present`, `Rule::and`, ...),
/// which give each operator its operand type.
///
/// ```
/// use stepworker::asl::Rule;
///
/// let rule = Rule::and([
///     Rule::is_present("$.size", true),
///     Rule::numeric_less_than("$.size", 1024),
///     Rule::not(Rule::string_matches("$.name", "*.tmp")),
/// ]);
/// # let _ = rule;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// `{"Variable": variable, operator: operand}` (JSONPath).
    Compare {
        /// The path of the value tested, e.g. `$.kind`.
        variable: String,
        /// The comparison operator.
        operator: Operator,
        /// The right-hand side: a literal, or a path for `*Path` operators.
        operand: Value,
    },
    /// `{"And": [...]}`: every rule matches.
    And(Vec<Rule>),
    /// `{"Or": [...]}`: at least one rule matches.
    Or(Vec<Rule>),
    /// `{"Not": rule}`.
    Not(Box<Rule>),
    /// `{"Condition": "{% ... %}"}` (JSONata): a boolean expression.
    Condition(String),
}

/// A comparison operator of a Choice rule, named as in ASL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // each variant is the ASL operator of the same name
pub enum Operator {
    StringEquals,
    StringEqualsPath,
    StringLessThan,
    StringLessThanPath,
    StringGreaterThan,
    StringGreaterThanPath,
    StringLessThanEquals,
    StringLessThanEqualsPath,
    StringGreaterThanEquals,
    StringGreaterThanEqualsPath,
    StringMatches,
    NumericEquals,
    NumericEqualsPath,
    NumericLessThan,
    NumericLessThanPath,
    NumericGreaterThan,
    NumericGreaterThanPath,
    NumericLessThanEquals,
    NumericLessThanEqualsPath,
    NumericGreaterThanEquals,
    NumericGreaterThanEqualsPath,
    BooleanEquals,
    BooleanEqualsPath,
    TimestampEquals,
    TimestampEqualsPath,
    TimestampLessThan,
    TimestampLessThanPath,
    TimestampGreaterThan,
    TimestampGreaterThanPath,
    TimestampLessThanEquals,
    TimestampLessThanEqualsPath,
    TimestampGreaterThanEquals,
    TimestampGreaterThanEqualsPath,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

impl Operator {
    /// The ASL field name of the operator, e.g. `"StringEquals"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StringEquals => "StringEquals",
            Self::StringEqualsPath => "StringEqualsPath",
            Self::StringLessThan => "StringLessThan",
            Self::StringLessThanPath => "StringLessThanPath",
            Self::StringGreaterThan => "StringGreaterThan",
            Self::StringGreaterThanPath => "StringGreaterThanPath",
            Self::StringLessThanEquals => "StringLessThanEquals",
            Self::StringLessThanEqualsPath => "StringLessThanEqualsPath",
            Self::StringGreaterThanEquals => "StringGreaterThanEquals",
            Self::StringGreaterThanEqualsPath => "StringGreaterThanEqualsPath",
            Self::StringMatches => "StringMatches",
            Self::NumericEquals => "NumericEquals",
            Self::NumericEqualsPath => "NumericEqualsPath",
            Self::NumericLessThan => "NumericLessThan",
            Self::NumericLessThanPath => "NumericLessThanPath",
            Self::NumericGreaterThan => "NumericGreaterThan",
            Self::NumericGreaterThanPath => "NumericGreaterThanPath",
            Self::NumericLessThanEquals => "NumericLessThanEquals",
            Self::NumericLessThanEqualsPath => "NumericLessThanEqualsPath",
            Self::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            Self::NumericGreaterThanEqualsPath => "NumericGreaterThanEqualsPath",
            Self::BooleanEquals => "BooleanEquals",
            Self::BooleanEqualsPath => "BooleanEqualsPath",
            Self::TimestampEquals => "TimestampEquals",
            Self::TimestampEqualsPath => "TimestampEqualsPath",
            Self::TimestampLessThan => "TimestampLessThan",
            Self::TimestampLessThanPath => "TimestampLessThanPath",
            Self::TimestampGreaterThan => "TimestampGreaterThan",
            Self::TimestampGreaterThanPath => "TimestampGreaterThanPath",
            Self::TimestampLessThanEquals => "TimestampLessThanEquals",
            Self::TimestampLessThanEqualsPath => "TimestampLessThanEqualsPath",
            Self::TimestampGreaterThanEquals => "TimestampGreaterThanEquals",
            Self::TimestampGreaterThanEqualsPath => "TimestampGreaterThanEqualsPath",
            Self::IsNull => "IsNull",
            Self::IsPresent => "IsPresent",
            Self::IsNumeric => "IsNumeric",
            Self::IsString => "IsString",
            Self::IsBoolean => "IsBoolean",
            Self::IsTimestamp => "IsTimestamp",
        }
    }
}

/// Generates one constructor per operator; the group decides the operand's
/// Rust type and how it becomes JSON.
macro_rules! comparisons {
    ($kind:ident: $( $(#[$doc:meta])* $name:ident => $operator:ident; )+) => {
        impl Rule {
            $(
                $(#[$doc])*
                pub fn $name(variable: impl Into<String>, operand: comparisons!(@type $kind)) -> Self {
                    Self::Compare {
                        variable: variable.into(),
                        operator: Operator::$operator,
                        operand: comparisons!(@json $kind operand),
                    }
                }
            )+
        }
    };
    (@type text) => { impl Into<String> };
    (@type number) => { impl Into<f64> };
    (@type boolean) => { bool };
    (@json text $operand:ident) => { Value::String($operand.into()) };
    (@json number $operand:ident) => { number($operand.into()) };
    (@json boolean $operand:ident) => { Value::Bool($operand) };
}

/// ASL compares numbers as numbers, but a whole `f64` written as `3.0`
/// reads oddly in a definition, so whole values are written as integers.
fn number(value: f64) -> Value {
    const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53
    if value.fract() == 0.0 && value.abs() < EXACT_INTEGER_LIMIT {
        Value::from(value as i64)
    } else {
        serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
    }
}

comparisons! {
    text:
    /// `StringEquals`: the variable equals the string.
    string_equals => StringEquals;
    /// `StringEqualsPath`: the variable equals the string at `path`.
    string_equals_path => StringEqualsPath;
    /// `StringLessThan`.
    string_less_than => StringLessThan;
    /// `StringLessThanPath`.
    string_less_than_path => StringLessThanPath;
    /// `StringGreaterThan`.
    string_greater_than => StringGreaterThan;
    /// `StringGreaterThanPath`.
    string_greater_than_path => StringGreaterThanPath;
    /// `StringLessThanEquals`.
    string_less_than_equals => StringLessThanEquals;
    /// `StringLessThanEqualsPath`.
    string_less_than_equals_path => StringLessThanEqualsPath;
    /// `StringGreaterThanEquals`.
    string_greater_than_equals => StringGreaterThanEquals;
    /// `StringGreaterThanEqualsPath`.
    string_greater_than_equals_path => StringGreaterThanEqualsPath;
    /// `StringMatches`: the variable matches a pattern where `*` is a
    /// wildcard (`\\*` is a literal star).
    string_matches => StringMatches;
    /// `NumericEqualsPath`.
    numeric_equals_path => NumericEqualsPath;
    /// `NumericLessThanPath`.
    numeric_less_than_path => NumericLessThanPath;
    /// `NumericGreaterThanPath`.
    numeric_greater_than_path => NumericGreaterThanPath;
    /// `NumericLessThanEqualsPath`.
    numeric_less_than_equals_path => NumericLessThanEqualsPath;
    /// `NumericGreaterThanEqualsPath`.
    numeric_greater_than_equals_path => NumericGreaterThanEqualsPath;
    /// `BooleanEqualsPath`.
    boolean_equals_path => BooleanEqualsPath;
    /// `TimestampEquals`: the operand is an RFC 3339 timestamp.
    timestamp_equals => TimestampEquals;
    /// `TimestampEqualsPath`.
    timestamp_equals_path => TimestampEqualsPath;
    /// `TimestampLessThan`.
    timestamp_less_than => TimestampLessThan;
    /// `TimestampLessThanPath`.
    timestamp_less_than_path => TimestampLessThanPath;
    /// `TimestampGreaterThan`.
    timestamp_greater_than => TimestampGreaterThan;
    /// `TimestampGreaterThanPath`.
    timestamp_greater_than_path => TimestampGreaterThanPath;
    /// `TimestampLessThanEquals`.
    timestamp_less_than_equals => TimestampLessThanEquals;
    /// `TimestampLessThanEqualsPath`.
    timestamp_less_than_equals_path => TimestampLessThanEqualsPath;
    /// `TimestampGreaterThanEquals`.
    timestamp_greater_than_equals => TimestampGreaterThanEquals;
    /// `TimestampGreaterThanEqualsPath`.
    timestamp_greater_than_equals_path => TimestampGreaterThanEqualsPath;
}

comparisons! {
    number:
    /// `NumericEquals`.
    numeric_equals => NumericEquals;
    /// `NumericLessThan`.
    numeric_less_than => NumericLessThan;
    /// `NumericGreaterThan`.
    numeric_greater_than => NumericGreaterThan;
    /// `NumericLessThanEquals`.
    numeric_less_than_equals => NumericLessThanEquals;
    /// `NumericGreaterThanEquals`.
    numeric_greater_than_equals => NumericGreaterThanEquals;
}

comparisons! {
    boolean:
    /// `BooleanEquals`.
    boolean_equals => BooleanEquals;
    /// `IsNull`: whether the variable is (`true`) or is not JSON `null`.
    is_null => IsNull;
    /// `IsPresent`: whether the variable's path exists in the input.
    is_present => IsPresent;
    /// `IsNumeric`.
    is_numeric => IsNumeric;
    /// `IsString`.
    is_string => IsString;
    /// `IsBoolean`.
    is_boolean => IsBoolean;
    /// `IsTimestamp`: whether the variable is an RFC 3339 timestamp string.
    is_timestamp => IsTimestamp;
}

impl Rule {
    /// `And`: every rule matches.
    pub fn and(rules: impl IntoIterator<Item = Rule>) -> Self {
        Self::And(rules.into_iter().collect())
    }

    /// `Or`: at least one rule matches.
    pub fn or(rules: impl IntoIterator<Item = Rule>) -> Self {
        Self::Or(rules.into_iter().collect())
    }

    /// `Not`: the rule does not match.
    #[allow(clippy::should_implement_trait)] // a constructor, not negation of a Rule value
    pub fn not(rule: Rule) -> Self {
        Self::Not(Box::new(rule))
    }

    /// `Condition` (JSONata): a `{% ... %}` expression that yields a boolean.
    pub fn condition(expression: impl Into<String>) -> Self {
        Self::Condition(expression.into())
    }

    /// Whether this rule, or a rule nested in it, is an `And`/`Or` with no
    /// rules (the service rejects those).
    pub(crate) fn has_empty_list(&self) -> bool {
        match self {
            Self::And(rules) | Self::Or(rules) => {
                rules.is_empty() || rules.iter().any(Rule::has_empty_list)
            }
            Self::Not(rule) => rule.has_empty_list(),
            Self::Compare { .. } | Self::Condition(_) => false,
        }
    }

    /// Writes this rule's fields into a map being serialized, so a top-level
    /// choice rule can add `Next` and friends beside them.
    pub(crate) fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        match self {
            Self::Compare {
                variable,
                operator,
                operand,
            } => {
                map.serialize_entry("Variable", variable)?;
                map.serialize_entry(operator.as_str(), operand)
            }
            Self::And(rules) => map.serialize_entry("And", rules),
            Self::Or(rules) => map.serialize_entry("Or", rules),
            Self::Not(rule) => map.serialize_entry("Not", rule),
            Self::Condition(expression) => map.serialize_entry("Condition", expression),
        }
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.serialize_fields(&mut map)?;
        map.end()
    }
}
