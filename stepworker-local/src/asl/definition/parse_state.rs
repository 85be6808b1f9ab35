//! Parsing one state.

use std::sync::Arc;

use serde_json::Value;

use super::context::{query_language, ParseContext, Scope};
use super::error::{Diagnostic, DiagnosticCode};
use super::fields;
use super::jsonata_checks::ErrorOutput;
use super::language_fields::{self, check_language_fields};
use super::location;
use super::parse::parse_machine;
use super::parse_choice::parse_choices;
use super::reader::{schema, Obj, Read, MAX_SECONDS};
use super::types::{
    Catcher, FailState, JitterStrategy, MapState, NumberSource, ProcessorMode, QueryLanguage,
    Retrier, SecondsSource, State, StateKind, TaskState, WaitState,
};
use crate::asl::errors;
use crate::asl::expression::Expression;
use crate::asl::jsonata::JsonataTemplate;
use crate::asl::path::Path;
use crate::asl::template::Template;
use crate::asl::timestamp::parse_timestamp_millis;

/// Parses the state `name`; `None` if it is unusable (reasons in `cx`).
pub(super) fn parse_state(
    name: &str,
    body: &Value,
    location: String,
    inherited: QueryLanguage,
    cx: &mut ParseContext,
) -> Option<State> {
    let obj = match Obj::new(body, location, "A state") {
        Ok(obj) => obj,
        Err(d) => {
            cx.report(d);
            return None;
        }
    };
    let type_name = match obj.required_str("Type") {
        Ok(t) => t,
        Err(d) => {
            cx.report(d);
            return None;
        }
    };
    let Some(allowed) = fields::allowed_for(type_name) else {
        cx.report(schema(
            format!(
                "The value for the field 'Type' must be one of {}",
                fields::STATE_TYPES
            ),
            obj.at("Type"),
        ));
        return None;
    };
    let before = cx.diagnostics.len();
    for d in obj.check_fields(&allowed) {
        cx.report(d);
    }
    let language = query_language(&obj, inherited).unwrap_or(inherited);
    if cx.machine_language == QueryLanguage::Jsonata && language == QueryLanguage::JsonPath {
        cx.report(schema(
            "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
            obj.here(),
        ));
    }
    check_language_fields(&obj, name, language, cx);
    let state = StateParser {
        obj: &obj,
        name,
        language,
        cx,
    }
    .parse(type_name, inherited);
    if cx.diagnostics.len() > before {
        return None;
    }
    state
}

struct StateParser<'o, 'a, 'c> {
    obj: &'o Obj<'a>,
    name: &'o str,
    language: QueryLanguage,
    cx: &'c mut ParseContext,
}

impl<'a> StateParser<'_, 'a, '_> {
    /// Keeps the value, or records the diagnostic and yields `None`.
    fn take<T>(&mut self, read: Read<T>) -> Option<T> {
        read.map_err(|d| self.cx.report(d)).ok()
    }

    fn parse(mut self, type_name: &str, inherited: QueryLanguage) -> Option<State> {
        let obj = self.obj;
        let query_language = self
            .take(query_language(obj, inherited))
            .unwrap_or(inherited);
        let comment = self
            .take(obj.opt_str("Comment"))
            .flatten()
            .map(str::to_owned);
        let (next, end) = self.transition(type_name);
        let input_path = self.take(obj.path_or_null("InputPath")).unwrap_or(None);
        let output_path = self.take(obj.path_or_null("OutputPath")).unwrap_or(None);
        let result_path = self
            .take(obj.reference_path_or_null("ResultPath"))
            .unwrap_or(None);
        let mut parameters = self.template("Parameters");
        let result_selector = self.template("ResultSelector");
        let retry = self.retriers();
        let catch = self.catchers();
        let jsonata = query_language == QueryLanguage::Jsonata;
        let arguments = self.jsonata_template("Arguments");
        let output = self.jsonata_template("Output");
        let assign =
            language_fields::assign(obj, query_language, ErrorOutput::Unavailable, self.cx);
        let kind = match type_name {
            "Pass" => Some(StateKind::Pass {
                result: obj.get("Result").cloned(),
            }),
            "Task" => self.task().map(StateKind::Task),
            "Choice" => {
                let choices = parse_choices(obj, query_language, self.cx);
                let default = self
                    .take(obj.opt_str("Default"))
                    .flatten()
                    .map(str::to_owned);
                choices.map(|choices| {
                    StateKind::Choice(super::types::ChoiceState { choices, default })
                })
            }
            "Wait" if jsonata => self.wait_jsonata().map(StateKind::Wait),
            "Wait" => self.wait().map(StateKind::Wait),
            "Succeed" => Some(StateKind::Succeed),
            "Fail" => self.fail().map(StateKind::Fail),
            "Parallel" => self
                .branches(query_language)
                .map(|branches| StateKind::Parallel { branches }),
            "Map" => {
                // On Map, `Parameters` is the legacy name of `ItemSelector`.
                let legacy_selector = parameters.take();
                self.map(query_language, legacy_selector)
                    .map(|m| StateKind::Map(Box::new(m)))
            }
            _ => None,
        }?;
        Some(State {
            name: Arc::from(self.name),
            kind,
            comment,
            next,
            end,
            input_path,
            output_path,
            result_path,
            parameters,
            result_selector,
            retry,
            catch,
            query_language,
            arguments,
            output,
            assign,
        })
    }

    /// `Next`/`End`: states that continue need exactly one of them.
    fn transition(&mut self, type_name: &str) -> (Option<String>, bool) {
        let obj = self.obj;
        let next = self.take(obj.opt_str("Next")).flatten().map(str::to_owned);
        let end = self.take(obj.opt_bool("End")).flatten().unwrap_or(false);
        let needs_transition = !matches!(type_name, "Choice" | "Succeed" | "Fail");
        if needs_transition {
            match (&next, end) {
                (Some(_), true) => self.cx.report(schema(
                    "The fields 'Next' and 'End' are mutually exclusive",
                    obj.here(),
                )),
                (None, false) => self.cx.report(schema(
                    "Exactly one of the fields 'Next' or 'End' (true) is required",
                    obj.here(),
                )),
                _ => {}
            }
        }
        (next, end)
    }

    /// A state-level JSONata field (never reads `$states.errorOutput`).
    fn jsonata_template(&mut self, key: &str) -> Option<JsonataTemplate> {
        language_fields::jsonata_template(self.obj, key, ErrorOutput::Unavailable, self.cx)
    }

    fn template(&mut self, key: &str) -> Option<Template> {
        let value = self.obj.get(key)?;
        match Template::compile(value) {
            Ok(template) => Some(template),
            Err(e) => {
                let location =
                    format!("{}{}", self.obj.at(key), location::below(value, &e.pointer));
                self.cx.report(schema(e.message, location));
                None
            }
        }
    }

    fn error_equals(&mut self, entry: &Obj<'_>) -> Vec<String> {
        let names = match entry.required("ErrorEquals") {
            Ok(Value::Array(items)) if !items.is_empty() => items,
            Ok(_) => {
                self.cx.report(schema(
                    "The value for the field 'ErrorEquals' must be a non-empty array of strings",
                    entry.at("ErrorEquals"),
                ));
                return Vec::new();
            }
            Err(d) => {
                self.cx.report(d);
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            match name.as_str() {
                Some(s) => out.push(s.to_owned()),
                None => self.cx.report(schema(
                    "The value for the field 'ErrorEquals' must be a non-empty array of strings",
                    entry.at("ErrorEquals"),
                )),
            }
        }
        if out.iter().any(|e| e == errors::ALL) && out.len() > 1 {
            self.cx.report(schema(
                "States.ALL must appear alone in 'ErrorEquals'",
                entry.at("ErrorEquals"),
            ));
        }
        out
    }

    /// Entries of `Retry` or `Catch` as located objects; `States.ALL`
    /// must be in the last entry.
    fn entries(&mut self, key: &str) -> Vec<(usize, Obj<'a>)> {
        let obj = self.obj;
        let Some(value) = obj.get(key) else {
            return Vec::new();
        };
        let Some(items) = value.as_array() else {
            self.cx.report(obj.wrong_type(key, "an array"));
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match Obj::new(
                item,
                location::element(&obj.at(key), i),
                &format!("Each '{key}' entry"),
            ) {
                Ok(entry) => out.push((i, entry)),
                Err(d) => self.cx.report(d),
            }
        }
        let last = items.len().saturating_sub(1);
        for (i, entry) in &out {
            let has_all = entry
                .get("ErrorEquals")
                .and_then(Value::as_array)
                .is_some_and(|names| names.iter().any(|n| n == errors::ALL));
            if has_all && *i != last {
                self.cx.report(schema(
                    format!("The '{key}' entry with States.ALL must be the last one"),
                    entry.here(),
                ));
            }
        }
        out
    }

    fn retriers(&mut self) -> Vec<Retrier> {
        let mut retriers = Vec::new();
        for (_, entry) in self.entries("Retry") {
            for d in entry.check_fields(&[
                "ErrorEquals",
                "IntervalSeconds",
                "MaxAttempts",
                "BackoffRate",
                "MaxDelaySeconds",
                "JitterStrategy",
                "Comment",
            ]) {
                self.cx.report(d);
            }
            let error_equals = self.error_equals(&entry);
            let interval_seconds = self
                .take(entry.opt_int("IntervalSeconds", 1, MAX_SECONDS))
                .flatten();
            let max_attempts = self
                .take(entry.opt_int("MaxAttempts", 0, MAX_SECONDS))
                .flatten();
            let backoff_rate = self
                .take(entry.opt_number("BackoffRate", 1.0, f64::MAX))
                .flatten();
            let max_delay_seconds = self
                .take(entry.opt_int("MaxDelaySeconds", 1, 31_622_400))
                .flatten();
            let jitter_strategy = match self.take(entry.opt_str("JitterStrategy")).flatten() {
                None | Some("NONE") => JitterStrategy::None,
                Some("FULL") => JitterStrategy::Full,
                Some(_) => {
                    self.cx.report(schema(
                        "The value for the field 'JitterStrategy' must be one of [FULL, NONE]",
                        entry.at("JitterStrategy"),
                    ));
                    JitterStrategy::None
                }
            };
            retriers.push(Retrier {
                error_equals,
                interval_seconds: interval_seconds.unwrap_or(1),
                max_attempts: max_attempts.map_or(3, |n| u32::try_from(n).unwrap_or(u32::MAX)),
                backoff_rate: backoff_rate.unwrap_or(2.0),
                max_delay_seconds,
                jitter_strategy,
            });
        }
        retriers
    }

    fn catchers(&mut self) -> Vec<Catcher> {
        let mut catchers = Vec::new();
        for (_, entry) in self.entries("Catch") {
            for d in entry.check_fields(&[
                "ErrorEquals",
                "Next",
                "ResultPath",
                "Comment",
                "Output",
                "Assign",
            ]) {
                self.cx.report(d);
            }
            let error_equals = self.error_equals(&entry);
            let next = self.take(entry.required_str("Next")).map(str::to_owned);
            let result_path = self
                .take(entry.reference_path_or_null("ResultPath"))
                .unwrap_or(None);
            // A catcher's Output and Assign are where `$states.errorOutput`
            // exists.
            let output = language_fields::jsonata_template(
                &entry,
                "Output",
                ErrorOutput::Available,
                self.cx,
            );
            let assign =
                language_fields::assign(&entry, self.language, ErrorOutput::Available, self.cx);
            if let Some(next) = next {
                catchers.push(Catcher {
                    error_equals,
                    next,
                    result_path,
                    output,
                    assign,
                });
            }
        }
        catchers
    }

    fn seconds_source(&mut self, literal: &str, path: &str, min: u64) -> Option<SecondsSource> {
        let obj = self.obj;
        if let Some(expression) = language_fields::jsonata_expression(obj, literal, self.cx) {
            return Some(SecondsSource::Expression(expression));
        }
        self.take(obj.exclusive(literal, path));
        if let Some(seconds) = self.take(obj.opt_int(literal, min, MAX_SECONDS)).flatten() {
            return Some(SecondsSource::Literal(seconds));
        }
        self.take(obj.opt_path(path))
            .flatten()
            .map(SecondsSource::Path)
    }

    fn task(&mut self) -> Option<TaskState> {
        let obj = self.obj;
        let resource = self.take(obj.required_str("Resource"))?;
        if !resource.starts_with("arn:") {
            self.cx.report(Diagnostic::new(
                DiagnosticCode::InvalidResource,
                format!("Invalid Resource: '{resource}' is not an ARN"),
                obj.at("Resource"),
            ));
        }
        let timeout = self.seconds_source("TimeoutSeconds", "TimeoutSecondsPath", 1);
        let heartbeat = self.seconds_source("HeartbeatSeconds", "HeartbeatSecondsPath", 1);
        if let (Some(SecondsSource::Literal(t)), Some(SecondsSource::Literal(h))) =
            (&timeout, &heartbeat)
        {
            if h >= t {
                self.cx.report(schema(
                    "The value for the field 'HeartbeatSeconds' must be smaller than the value for the field 'TimeoutSeconds'",
                    obj.at("HeartbeatSeconds"),
                ));
            }
        }
        Some(TaskState {
            resource: resource.to_owned(),
            timeout,
            heartbeat,
            credentials: obj.get("Credentials").cloned(),
        })
    }

    /// A JSONata Wait: `Seconds` or `Timestamp`, each a literal or an
    /// expression.
    fn wait_jsonata(&mut self) -> Option<WaitState> {
        let obj = self.obj;
        if obj.has("Seconds") == obj.has("Timestamp") {
            self.cx.report(schema(
                "Exactly one of the fields [Seconds, Timestamp] is required",
                obj.here(),
            ));
            return None;
        }
        let key = if obj.has("Seconds") {
            "Seconds"
        } else {
            "Timestamp"
        };
        match language_fields::jsonata_expression(obj, key, self.cx) {
            Some(e) if key == "Seconds" => Some(WaitState::SecondsExpression(e)),
            Some(e) => Some(WaitState::TimestampExpression(e)),
            None => self.wait(),
        }
    }

    fn wait(&mut self) -> Option<WaitState> {
        let obj = self.obj;
        let present: Vec<&str> = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
            .into_iter()
            .filter(|k| obj.has(k))
            .collect();
        if present.len() != 1 {
            self.cx.report(schema(
                "Exactly one of the fields [Seconds, Timestamp, SecondsPath, TimestampPath] is required",
                obj.here(),
            ));
            return None;
        }
        match present[0] {
            "Seconds" => self
                .take(obj.opt_int("Seconds", 0, MAX_SECONDS))
                .flatten()
                .map(WaitState::Seconds),
            "Timestamp" => {
                let text = self.take(obj.opt_str("Timestamp")).flatten()?;
                match parse_timestamp_millis(text) {
                    Some(millis) => Some(WaitState::Timestamp(millis)),
                    None => {
                        self.cx.report(schema(
                            "The value for the field 'Timestamp' must be a valid RFC3339 timestamp",
                            obj.at("Timestamp"),
                        ));
                        None
                    }
                }
            }
            "SecondsPath" => self
                .take(obj.opt_path("SecondsPath"))
                .flatten()
                .map(WaitState::SecondsPath),
            _ => self
                .take(obj.opt_path("TimestampPath"))
                .flatten()
                .map(WaitState::TimestampPath),
        }
    }

    fn expression(&mut self, key: &str) -> Option<Expression> {
        let obj = self.obj;
        let text = self.take(obj.opt_str(key)).flatten()?;
        match Expression::parse(text) {
            Ok(expression) => Some(expression),
            Err(reason) => {
                self.cx.report(schema(
                    format!("The value for the field '{key}' must be a valid JSONPath or intrinsic function: {reason}"),
                    obj.at(key),
                ));
                None
            }
        }
    }

    fn fail(&mut self) -> Option<FailState> {
        let obj = self.obj;
        self.take(obj.exclusive("Error", "ErrorPath"));
        self.take(obj.exclusive("Cause", "CausePath"));
        let error_expression = language_fields::jsonata_expression(obj, "Error", self.cx);
        let cause_expression = language_fields::jsonata_expression(obj, "Cause", self.cx);
        let error = self.take(obj.opt_str("Error")).flatten().map(str::to_owned);
        let cause = self.take(obj.opt_str("Cause")).flatten().map(str::to_owned);
        let error_path = self.expression("ErrorPath");
        let cause_path = self.expression("CausePath");
        Some(FailState {
            error: error.filter(|_| error_expression.is_none()),
            error_path,
            cause: cause.filter(|_| cause_expression.is_none()),
            cause_path,
            error_expression,
            cause_expression,
        })
    }

    fn branches(&mut self, query_language: QueryLanguage) -> Option<Vec<super::types::Definition>> {
        let obj = self.obj;
        let items = match self.take(obj.required("Branches"))? {
            Value::Array(items) if !items.is_empty() => items,
            _ => {
                self.cx
                    .report(obj.wrong_type("Branches", "a non-empty array"));
                return None;
            }
        };
        let mut branches = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let location = location::element(&obj.at("Branches"), i);
            branches.push(parse_machine(
                item,
                location,
                Scope::Branch,
                query_language,
                self.cx,
            ));
        }
        branches.into_iter().collect()
    }

    fn number_source(&mut self, literal: &str, path: &str, max: f64) -> Option<NumberSource> {
        let obj = self.obj;
        if self.language == QueryLanguage::Jsonata {
            // Read by `MapJsonata`, where a number may be an expression.
            return None;
        }
        self.take(obj.exclusive(literal, path));
        if let Some(n) = self.take(obj.opt_number(literal, 0.0, max)).flatten() {
            return Some(NumberSource::Literal(n));
        }
        self.take(obj.opt_path(path))
            .flatten()
            .map(NumberSource::Path)
    }

    fn map(
        &mut self,
        query_language: QueryLanguage,
        legacy_selector: Option<Template>,
    ) -> Option<MapState> {
        let obj = self.obj;
        self.take(obj.exclusive("ItemProcessor", "Iterator"));
        self.take(obj.exclusive("ItemSelector", "Parameters"));
        let (processor_key, scope) = if obj.has("Iterator") {
            ("Iterator", Scope::Iterator)
        } else {
            ("ItemProcessor", Scope::ItemProcessor)
        };
        let processor_value = self.take(obj.required(processor_key))?;
        let (processor_mode, execution_type) =
            self.processor_config(processor_value, processor_key);
        let item_processor = parse_machine(
            processor_value,
            obj.at(processor_key),
            scope,
            query_language,
            self.cx,
        );
        let items_path = self
            .take(obj.opt_path("ItemsPath"))
            .flatten()
            .unwrap_or_else(Path::root);
        let jsonata = (self.language == QueryLanguage::Jsonata)
            .then(|| Box::new(language_fields::map_jsonata(obj, self.cx)));
        let item_selector = if jsonata.is_some() {
            None
        } else {
            self.template("ItemSelector").or(legacy_selector)
        };
        let max_concurrency = self.number_source("MaxConcurrency", "MaxConcurrencyPath", f64::MAX);
        let tolerated_failure_count = self.number_source(
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            f64::MAX,
        );
        let tolerated_failure_percentage = self.number_source(
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            100.0,
        );
        let label = self.take(obj.opt_str("Label")).flatten().map(str::to_owned);
        Some(MapState {
            item_processor: item_processor?,
            processor_mode,
            execution_type,
            items_path,
            item_selector,
            max_concurrency,
            tolerated_failure_count,
            tolerated_failure_percentage,
            item_reader: obj.get("ItemReader").cloned(),
            item_batcher: obj.get("ItemBatcher").cloned(),
            result_writer: obj.get("ResultWriter").cloned(),
            label,
            jsonata,
        })
    }

    fn processor_config(
        &mut self,
        processor: &Value,
        processor_key: &str,
    ) -> (ProcessorMode, Option<String>) {
        let Some(config) = processor.get("ProcessorConfig") else {
            return (ProcessorMode::Inline, None);
        };
        let location = format!("{}/ProcessorConfig", self.obj.at(processor_key));
        let Some(config) = self.take(Obj::new(config, location, "ProcessorConfig")) else {
            return (ProcessorMode::Inline, None);
        };
        for d in config.check_fields(&["Mode", "ExecutionType"]) {
            self.cx.report(d);
        }
        let mode = match self.take(config.opt_str("Mode")).flatten() {
            None | Some("INLINE") => ProcessorMode::Inline,
            Some("DISTRIBUTED") => ProcessorMode::Distributed,
            Some(_) => {
                self.cx.report(schema(
                    "The value for the field 'Mode' must be one of [INLINE, DISTRIBUTED]",
                    config.at("Mode"),
                ));
                ProcessorMode::Inline
            }
        };
        let execution_type = self
            .take(config.opt_str("ExecutionType"))
            .flatten()
            .map(str::to_owned);
        (mode, execution_type)
    }
}
