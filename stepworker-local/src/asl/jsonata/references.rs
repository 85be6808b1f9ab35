//! What a JSONata expression reads from the top-level context.
//!
//! Step Functions evaluates an expression with no context item: the state
//! input is `$states.input` and variables are `$name`. A path whose first
//! step is a bare name (`phone`, `a.b`) or `$` reads that absent context,
//! and AWS refuses the definition with UNSUPPORTED_JSONATA_EXPRESSION
//! (`Reference to 'phone' at the top level is not supported.`). Later path
//! steps, predicates, sort terms and object-transform patterns run against
//! the value the step before produced, so names there are fine.
//!
//! A lambda body keeps the context of the expression that defines it, so a
//! bare name inside one does read the top level. AWS was measured refusing
//! `$map($states.input.a, function($x){ b })` (floci-io/floci #2699); we
//! follow that measurement rather than treating lambda bodies as nested.

use jsonata_core::ast::{AstNode, PathStep, Stage};

/// What an expression reads that Step Functions restricts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ContextReads {
    /// Distinct bare names read from the top-level context, in the order
    /// written; `$` when the context item itself is read.
    pub top_level_names: Vec<String>,
    /// True when some path starts `$states.errorOutput`.
    pub error_output: bool,
    /// The members of `$states` the expression reads.
    pub states: StatesReads,
}

/// Which members of `$states` an expression reads, so evaluating it
/// converts only those (the context object repeats the execution input).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatesReads {
    /// `$states.input`.
    pub input: bool,
    /// `$states.result`.
    pub result: bool,
    /// `$states.errorOutput`.
    pub error_output: bool,
    /// `$states.context`.
    pub context: bool,
    /// `$states` itself (passed whole, rebound, or read with a computed
    /// member): every member is needed.
    pub whole: bool,
}

impl StatesReads {
    fn member(&mut self, name: &str) {
        match name {
            "input" => self.input = true,
            "result" => self.result = true,
            "errorOutput" => self.error_output = true,
            "context" => self.context = true,
            // Any other member is undefined whatever we bind.
            _ => {}
        }
    }
}

impl ContextReads {
    /// The reads of the expression `ast`.
    pub(super) fn of(ast: &AstNode) -> Self {
        let mut reads = Self::default();
        reads.node(ast, true);
        reads
    }

    fn name(&mut self, name: &str) {
        if !self.top_level_names.iter().any(|n| n == name) {
            self.top_level_names.push(name.to_owned());
        }
    }

    fn nodes(&mut self, nodes: &[AstNode], top: bool) {
        for node in nodes {
            self.node(node, top);
        }
    }

    /// Visits `node`; `top` is true while it is evaluated against the
    /// top-level context. Every node is visited, top or not, so that
    /// `$states.errorOutput` is found wherever it is.
    fn node(&mut self, node: &AstNode, top: bool) {
        match node {
            AstNode::Name(name) if top => self.name(name),
            // `$` alone is the context item; `$$` (ParentVariable) is left
            // alone: AWS words that case differently and it was not measured.
            AstNode::Variable(name) if top && name.is_empty() => self.name("$"),
            AstNode::Variable(name) if name == "states" => self.states.whole = true,
            AstNode::Path { steps } => self.path(steps, top),
            AstNode::Binary { lhs, rhs, .. } => {
                self.node(lhs, top);
                self.node(rhs, top);
            }
            AstNode::Unary { operand, .. } => self.node(operand, top),
            AstNode::Function { args, .. } => self.nodes(args, top),
            AstNode::Call { procedure, args } => {
                self.node(procedure, top);
                self.nodes(args, top);
            }
            AstNode::Lambda { body, .. } => self.node(body, top),
            AstNode::Array(items) | AstNode::Block(items) => self.nodes(items, top),
            AstNode::Object(pairs) => {
                for (key, value) in pairs {
                    self.node(key, top);
                    self.node(value, top);
                }
            }
            AstNode::ObjectTransform { input, pattern } => {
                self.node(input, top);
                for (key, value) in pattern {
                    self.node(key, false);
                    self.node(value, false);
                }
            }
            AstNode::Conditional {
                condition,
                then_branch,
                else_branch,
            } => {
                self.node(condition, top);
                self.node(then_branch, top);
                if let Some(else_branch) = else_branch {
                    self.node(else_branch, top);
                }
            }
            AstNode::Sort { input, terms } => {
                self.node(input, top);
                for (term, _) in terms {
                    self.node(term, false);
                }
            }
            // A transform is a function of the value it is applied to.
            AstNode::Transform {
                location,
                update,
                delete,
            } => {
                self.node(location, false);
                self.node(update, false);
                if let Some(delete) = delete {
                    self.node(delete, false);
                }
            }
            AstNode::ArrayGroup(items) => self.nodes(items, false),
            AstNode::FunctionApplication(inner) => self.node(inner, false),
            _ => {}
        }
    }

    fn path(&mut self, steps: &[PathStep], top: bool) {
        let from_states = steps
            .first()
            .is_some_and(|first| matches!(&first.node, AstNode::Variable(v) if v == "states"));
        // `$states.<member>...`: only that member is read. Anything else
        // that starts at `$states` (alone, with a filter) reads it whole,
        // through the variable visit below.
        let member = match steps {
            [first, second, ..] if from_states && first.stages.is_empty() => match &second.node {
                AstNode::Name(name) => Some(name.as_str()),
                _ => None,
            },
            _ => None,
        };
        if let Some(name) = member {
            self.error_output |= name == "errorOutput";
            self.states.member(name);
        }
        for (i, step) in steps.iter().enumerate() {
            if i == 0 && member.is_some() {
                continue;
            }
            self.node(&step.node, top && i == 0);
            for stage in &step.stages {
                if let Stage::Filter(predicate) = stage {
                    self.node(predicate, false);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(body: &str) -> ContextReads {
        match jsonata_core::parser::parse(body) {
            Ok(ast) => ContextReads::of(&ast),
            Err(e) => panic!("{body}: {e}"),
        }
    }

    #[test]
    fn only_the_members_of_states_an_expression_reads_are_needed() {
        let members = |body: &str| {
            let r = reads(body).states;
            (r.input, r.result, r.error_output, r.context, r.whole)
        };
        assert_eq!(
            members("$states.input.x"),
            (true, false, false, false, false)
        );
        assert_eq!(
            members("$states.context.Execution.Id & $states.input.a"),
            (true, false, false, true, false)
        );
        assert_eq!(
            members("$states.input.items[price > $states.result.min]"),
            (true, true, false, false, false)
        );
        assert!(members("$states.errorOutput.Cause").2);
        assert_eq!(members("42"), (false, false, false, false, false));
        // Whole uses: the object itself, a computed member, a rebinding.
        for body in [
            "$states",
            "$keys($states)",
            "$lookup($states, 'input')",
            "($s := $states; $s.input)",
            "$states[0].input",
        ] {
            assert!(members(body).4, "{body}");
        }
    }

    #[test]
    fn ordinary_step_functions_expressions_read_nothing_at_the_top_level() {
        for body in [
            "$states.input.x",
            "$sum($states.input.a)",
            "$x.y",
            "{'a': 1}",
            "$map($states.input, function($v) {$v.id})",
            "$states.input[price > 3].name",
            "$states.input.items.(name & '!')",
            "$states.input.items^(>price).name",
            "$states.input{category: $sum(price)}",
            "($total := $sum($states.input.a); $total * 2)",
            "$states.context.Execution.Id & ' ' & $string(42)",
            "$count($states.input) > 0 ? 'many' : 'none'",
            "[1, 2, 3][$ > 1]",
            "'phone'",
        ] {
            let found = reads(body);
            assert!(found.top_level_names.is_empty(), "{body}: {found:?}");
            assert!(!found.error_output, "{body}");
        }
    }

    #[test]
    fn bare_names_at_the_top_level_are_listed_once_each_in_order() {
        assert_eq!(reads("phone").top_level_names, ["phone"]);
        assert_eq!(reads("a.b").top_level_names, ["a"]);
        assert_eq!(reads("b + a + b").top_level_names, ["b", "a"]);
        assert_eq!(reads("$sum(items.price)").top_level_names, ["items"]);
        assert_eq!(reads("{a: 1}").top_level_names, ["a"]);
        assert_eq!(reads("$").top_level_names, ["$"]);
        assert_eq!(
            reads("$map($states.input.a, function($x){ b })").top_level_names,
            ["b"]
        );
    }

    #[test]
    fn error_output_is_found_at_any_depth() {
        assert!(reads("$states.errorOutput").error_output);
        assert!(reads("$states.errorOutput.Cause").error_output);
        assert!(reads("$merge([$states.input, {'e': $states.errorOutput}])").error_output);
        assert!(!reads("$states.input.errorOutput").error_output);
    }
}
