//! The parsed form of Choice rules.

use crate::asl::jsonata::{JsonataExpression, JsonataTemplate};
use crate::asl::path::Path;
use crate::asl::variables::Assign;

/// A top-level Choice rule: a condition and the state to go to.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceRule {
    /// The condition to test.
    pub condition: Condition,
    /// `Next`.
    pub next: String,
    /// `Output` when this rule matches (JSONata).
    pub output: Option<JsonataTemplate>,
    /// `Assign` when this rule matches.
    pub assign: Option<Assign>,
}

/// A boolean expression over the state input.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `And`: every condition holds.
    And(Vec<Condition>),
    /// `Or`: some condition holds.
    Or(Vec<Condition>),
    /// `Not`.
    Not(Box<Condition>),
    /// A `Variable` with one comparison operator.
    Test {
        /// `Variable`.
        variable: Path,
        /// The operator and its operand.
        test: Test,
    },
    /// A JSONata `Condition` that must give a boolean.
    Jsonata(JsonataExpression),
}

/// One comparison on a variable.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    /// A comparison with a literal or with the value at a path (`...Path`).
    Compare {
        /// The comparison.
        op: Comparison,
        /// What to compare with.
        operand: Operand,
    },
    /// `StringMatches` with a compiled wildcard pattern.
    StringMatches(WildcardPattern),
    /// A type or presence test (`IsPresent`, `IsNull`, ...), with the
    /// expected answer.
    Is(TypeTest, bool),
}

/// The right-hand side of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A string (for String* and Timestamp* operators).
    String(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Boolean(bool),
    /// A timestamp, in epoch nanoseconds, parsed from the literal.
    Timestamp(i128),
    /// The value at a path (the `...Path` form).
    Path(Path),
}

/// The family a comparison belongs to: decides how both sides are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// String* operators.
    String,
    /// Numeric* operators.
    Numeric,
    /// Boolean* operators.
    Boolean,
    /// Timestamp* operators.
    Timestamp,
}

/// How the two sides are related.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// `...Equals`.
    Equals,
    /// `...LessThan`.
    LessThan,
    /// `...GreaterThan`.
    GreaterThan,
    /// `...LessThanEquals`.
    LessThanEquals,
    /// `...GreaterThanEquals`.
    GreaterThanEquals,
}

/// A comparison operator such as `NumericLessThan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The type both sides must have.
    pub kind: ValueKind,
    /// The relation tested.
    pub relation: Relation,
}

/// The type and presence tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeTest {
    /// `IsPresent`.
    Present,
    /// `IsNull`.
    Null,
    /// `IsNumeric`.
    Numeric,
    /// `IsString`.
    String,
    /// `IsBoolean`.
    Boolean,
    /// `IsTimestamp`.
    Timestamp,
}

/// One piece of a `StringMatches` pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatternPiece {
    /// Literal text (escapes already resolved).
    Literal(String),
    /// `*`: any run of characters, possibly empty.
    AnyRun,
}

/// A compiled `StringMatches` pattern: `*` is a wildcard, `\*` a literal
/// star and `\\` a literal backslash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WildcardPattern {
    /// The pattern as written.
    pub source: String,
    /// The pieces, with adjacent wildcards merged.
    pub pieces: Vec<PatternPiece>,
}
