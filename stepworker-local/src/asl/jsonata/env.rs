//! What a JSONata expression sees: `$states` and the workflow variables.

use std::cell::OnceCell;
use std::panic::AssertUnwindSafe;

use indexmap::IndexMap;
use jsonata_core::evaluator::{CancelToken, Context, Evaluator, EvaluatorOptions};
use jsonata_core::value::JValue;
use serde_json::Value;

use super::convert::{from_jvalue, jvalue_depth_exceeds, to_jvalue};
use super::error::Site;
use super::expression::JsonataExpression;
use super::functions;
use super::references::StatesReads;
use crate::asl::limits::MAX_VALUE_DEPTH;
use crate::asl::path::ContextObject;
use crate::asl::states_error::StatesError;
use crate::asl::variables::Variables;
use crate::memory;

/// Longest a single expression may run: a runaway expression fails its
/// state instead of holding an execution.
const TIMEOUT_MILLIS: u64 = 5_000;
/// Deepest evaluation stack (recursive functions).
const MAX_STACK_DEPTH: usize = 1_000;
/// Longest sequence an expression may build.
const MAX_SEQUENCE_LENGTH: usize = 1_000_000;

/// The members of the reserved `$states` variable.
///
/// AWS: `input` is the state's raw input, `result` the Task/Parallel/Map
/// result (when it succeeded), `errorOutput` the error output (only in a
/// Catch), `context` the context object.
#[derive(Clone, Copy, Debug)]
pub struct StatesBinding<'a> {
    /// `$states.input`.
    pub input: &'a Value,
    /// `$states.result`.
    pub result: Option<&'a Value>,
    /// `$states.errorOutput`.
    pub error_output: Option<&'a Value>,
    /// `$states.context`, built only if the expression reads it.
    pub context: &'a dyn ContextObject,
}

/// The environment of the expressions of one state at one step
/// (`Arguments`, or `Output` with `Assign`). Each member of `$states` is
/// converted the first time an expression reads it and shared by every
/// later expression: most read only `$states.input`, and the context object
/// repeats the execution input.
pub struct JsonataEnv<'a> {
    binding: StatesBinding<'a>,
    input: OnceCell<JValue>,
    result: OnceCell<Option<JValue>>,
    error_output: OnceCell<Option<JValue>>,
    context: OnceCell<JValue>,
    variables: &'a Variables,
}

impl<'a> JsonataEnv<'a> {
    /// The environment of one state's expressions.
    pub fn new(binding: StatesBinding<'a>, variables: &'a Variables) -> Self {
        Self {
            binding,
            input: OnceCell::new(),
            result: OnceCell::new(),
            error_output: OnceCell::new(),
            context: OnceCell::new(),
            variables,
        }
    }

    /// `$states` with the members `reads` needs.
    fn states(&self, reads: StatesReads) -> JValue {
        let mut states = IndexMap::with_capacity(4);
        if reads.whole || reads.input {
            let input = self.input.get_or_init(|| to_jvalue(self.binding.input));
            states.insert("input".to_owned(), input.clone());
        }
        if reads.whole || reads.result {
            let result = self
                .result
                .get_or_init(|| self.binding.result.map(to_jvalue));
            if let Some(result) = result {
                states.insert("result".to_owned(), result.clone());
            }
        }
        if reads.whole || reads.error_output {
            let error_output = self
                .error_output
                .get_or_init(|| self.binding.error_output.map(to_jvalue));
            if let Some(error_output) = error_output {
                states.insert("errorOutput".to_owned(), error_output.clone());
            }
        }
        if reads.whole || reads.context {
            let context = self
                .context
                .get_or_init(|| to_jvalue(self.binding.context.value()));
            states.insert("context".to_owned(), context.clone());
        }
        JValue::object(states)
    }

    /// The value of `expression` in field `field`; `None` when undefined.
    pub fn evaluate(
        &self,
        expression: &JsonataExpression,
        field: &str,
    ) -> Result<Option<Value>, StatesError> {
        let mut context = Context::new();
        context.bind("states".to_owned(), self.states(expression.states_reads()));
        for name in expression.variables() {
            if name == "states" {
                continue;
            }
            if let Some(value) = self.variables.get(name) {
                context.bind(name.clone(), to_jvalue(value));
            }
        }
        // The expression's own timeout, or what is left of the request's or
        // state's budget if that is less.
        let timeout_ms = match crate::asl::budget::remaining() {
            Some(left) if left.is_zero() => {
                return Err(self.site(expression, field).out_of_time());
            }
            Some(left) => {
                TIMEOUT_MILLIS.min(u64::try_from(left.as_millis()).unwrap_or(u64::MAX).max(1))
            }
            None => TIMEOUT_MILLIS,
        };
        let cancel = CancelToken::new();
        let watch = memory::Watch::new(memory::EVALUATION_MEMORY_BUDGET, cancel.clone());
        let options = EvaluatorOptions {
            timeout_ms: Some(timeout_ms),
            cancel: Some(cancel),
            max_stack_depth: Some(MAX_STACK_DEPTH),
            max_sequence_length: Some(MAX_SEQUENCE_LENGTH),
        };
        let mut evaluator = Evaluator::with_options(context, options);
        functions::install(&mut evaluator);
        // A panic inside the evaluator must fail this state, not take the
        // execution's task down with it (the execution would stay RUNNING).
        let evaluated = std::panic::catch_unwind(AssertUnwindSafe(|| {
            memory::watched(&watch, || {
                evaluator.evaluate(expression.ast(), &JValue::Null)
            })
        }));
        if watch.exceeded() {
            return Err(self
                .site(expression, field)
                .out_of_memory(memory::EVALUATION_MEMORY_BUDGET));
        }
        match evaluated {
            Ok(Ok(value)) if jvalue_depth_exceeds(&value, MAX_VALUE_DEPTH) => {
                Err(self.site(expression, field).too_deep(MAX_VALUE_DEPTH))
            }
            // A function is no JSON value: AWS refuses it in any field
            // (recorded: LocalStack's `test_base_scenarios.snapshot.json`,
            // `test_map_state_items_eval_jsonata_fail[function]`).
            Ok(Ok(JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. })) => {
                Err(self.site(expression, field).unsupported_type())
            }
            Ok(result) => result
                .map(|value| from_jvalue(&value))
                .map_err(|e| self.site(expression, field).failed(&e)),
            Err(_) => Err(self.site(expression, field).internal_error()),
        }
    }

    /// Like [`JsonataEnv::evaluate`], failing when the value is undefined.
    pub fn value(&self, expression: &JsonataExpression, field: &str) -> Result<Value, StatesError> {
        self.evaluate(expression, field)?
            .ok_or_else(|| self.site(expression, field).undefined())
    }

    /// An error for `expression` in `field` that produced `got` where the
    /// field needs `wanted`.
    pub fn wrong_type(
        &self,
        expression: &JsonataExpression,
        field: &str,
        wanted: &str,
        got: &Value,
    ) -> StatesError {
        self.site(expression, field).wrong_type(wanted, got)
    }

    /// An error for `expression` in `field` that produced `got`, not a
    /// value of the JSON type `expected` (`array`, ...).
    pub fn unexpected_type(
        &self,
        expression: &JsonataExpression,
        field: &str,
        expected: &str,
        got: &Value,
    ) -> StatesError {
        self.site(expression, field).unexpected_type(expected, got)
    }

    fn site<'s>(&'s self, expression: &'s JsonataExpression, field: &'s str) -> Site<'s> {
        Site {
            field,
            expression: expression.text(),
        }
    }
}
