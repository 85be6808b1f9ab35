//! Setter methods shared by several state types, generated per state so each
//! state type only offers the fields ASL allows on it.
//!
//! `state_setters!(Task: comment, paths, ...)` adds the named groups of
//! methods to `Task`; every group writes the state's `common` field (or
//! `transition`, `retry`, `catch` for the groups of those names).

macro_rules! state_setters {
    ($state:ty: $($group:ident),+ $(,)?) => {
        impl $state {
            $( $crate::asl::setters::state_setters!(@$group); )+
        }
    };
    (@comment) => {
        /// Sets `Comment`, a human-readable description of the state.
        pub fn comment(mut self, comment: impl Into<String>) -> Self {
            self.common.comment = Some(comment.into());
            self
        }

        /// Sets this state's `QueryLanguage`, overriding the state machine's.
        pub fn query_language(mut self, language: $crate::asl::QueryLanguage) -> Self {
            self.common.query_language = Some(language);
            self
        }
    };
    (@paths) => {
        /// Sets `InputPath` (JSONPath): the part of the state input to use.
        pub fn input_path(mut self, path: impl Into<String>) -> Self {
            self.common.input_path = Some($crate::asl::fields::NullablePath::Path(path.into()));
            self
        }

        /// Sets `"InputPath": null`: the state sees `{}` as its input.
        pub fn input_path_null(mut self) -> Self {
            self.common.input_path = Some($crate::asl::fields::NullablePath::Null);
            self
        }

        /// Sets `OutputPath` (JSONPath): the part of the result to pass on.
        pub fn output_path(mut self, path: impl Into<String>) -> Self {
            self.common.output_path = Some($crate::asl::fields::NullablePath::Path(path.into()));
            self
        }

        /// Sets `"OutputPath": null`: the state passes `{}` on.
        pub fn output_path_null(mut self) -> Self {
            self.common.output_path = Some($crate::asl::fields::NullablePath::Null);
            self
        }
    };
    (@output) => {
        /// Sets `Output` (JSONata): the state output, any JSON value; strings
        /// of the form `{% ... %}` are evaluated.
        pub fn output(mut self, output: impl Into<::serde_json::Value>) -> Self {
            self.common.output = Some(output.into());
            self
        }
    };
    (@assign) => {
        /// Sets `Assign`: workflow variables to store, as a JSON object.
        pub fn assign(mut self, variables: impl Into<::serde_json::Value>) -> Self {
            self.common.assign = Some(variables.into());
            self
        }
    };
    (@parameters) => {
        /// Sets `Parameters` (JSONPath): the effective input template; keys
        /// ending in `.$` take a path or intrinsic function.
        pub fn parameters(mut self, template: impl Into<::serde_json::Value>) -> Self {
            self.common.parameters = Some(template.into());
            self
        }
    };
    (@arguments) => {
        /// Sets `Arguments` (JSONata): the effective input, any JSON value with
        /// optional `{% ... %}` expressions.
        pub fn arguments(mut self, arguments: impl Into<::serde_json::Value>) -> Self {
            self.common.arguments = Some(arguments.into());
            self
        }
    };
    (@result_selector) => {
        /// Sets `ResultSelector` (JSONPath): a template applied to the raw result.
        pub fn result_selector(mut self, template: impl Into<::serde_json::Value>) -> Self {
            self.common.result_selector = Some(template.into());
            self
        }
    };
    (@result_path) => {
        /// Sets `ResultPath` (JSONPath): where in the input the result goes.
        pub fn result_path(mut self, path: impl Into<String>) -> Self {
            self.common.result_path = Some($crate::asl::fields::NullablePath::Path(path.into()));
            self
        }

        /// Sets `"ResultPath": null`: the result is discarded and the state
        /// input passes through.
        pub fn result_path_null(mut self) -> Self {
            self.common.result_path = Some($crate::asl::fields::NullablePath::Null);
            self
        }
    };
    (@transition) => {
        /// Sets `Next`: the state to run after this one.
        pub fn next(mut self, state: impl Into<String>) -> Self {
            self.transition = Some($crate::asl::fields::Transition::Next(state.into()));
            self
        }

        /// Sets `"End": true`: the execution (or branch) ends after this state.
        pub fn end(mut self) -> Self {
            self.transition = Some($crate::asl::fields::Transition::End);
            self
        }
    };
    (@errors) => {
        /// Appends a retrier to `Retry`; retriers are tried in order.
        pub fn retry(mut self, retrier: $crate::asl::Retry) -> Self {
            self.retry.push(retrier);
            self
        }

        /// Appends a catcher to `Catch`; catchers are tried in order after
        /// the retriers are exhausted.
        pub fn catch(mut self, catcher: $crate::asl::Catch) -> Self {
            self.catch.push(catcher);
            self
        }
    };
}

pub(crate) use state_setters;
