//! What EXPRESS state machines may not use: activities, and the `.sync` and
//! `.waitForTaskToken` integration patterns (AWS supports only
//! request-response integrations in Express workflows).

use super::definition::{Definition, Diagnostic, DiagnosticCode, StateKind};

/// The diagnostics of a definition that would run as an EXPRESS machine,
/// one per Task state whose resource Express workflows do not support.
pub fn express_diagnostics(definition: &Definition) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    collect(definition, "", &mut found);
    found
}

fn collect(definition: &Definition, at: &str, found: &mut Vec<Diagnostic>) {
    for (name, state) in &definition.states {
        let location = format!("{at}/States/{name}");
        match &state.kind {
            StateKind::Task(task) => {
                if let Some(reason) = unsupported(&task.resource) {
                    found.push(Diagnostic::new(
                        DiagnosticCode::SchemaValidationFailed,
                        format!(
                            "Express state machines do not support {reason}: '{}'",
                            task.resource
                        ),
                        format!("{location}/Resource"),
                    ));
                }
            }
            StateKind::Parallel { branches } => {
                for (i, branch) in branches.iter().enumerate() {
                    collect(branch, &format!("{location}/Branches[{i}]"), found);
                }
            }
            StateKind::Map(map) => collect(
                &map.item_processor,
                &format!("{location}/ItemProcessor"),
                found,
            ),
            _ => {}
        }
    }
}

fn unsupported(resource: &str) -> Option<&'static str> {
    let kind = resource.split(':').nth(5).unwrap_or_default();
    if kind == "activity" {
        Some("activities")
    } else if resource.ends_with(".waitForTaskToken") {
        Some("the .waitForTaskToken integration pattern")
    } else if resource.contains(".sync") {
        Some("the .sync integration pattern")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asl::parse_definition;

    #[test]
    fn activities_and_callback_patterns_are_reported_where_they_are() {
        let definition = parse_definition(
            r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
                {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:x","End":true}}},
                {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}},
                {"StartAt":"C","States":{"C":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}
            ]}}}"#,
        )
        .expect("valid definition");
        let found = express_diagnostics(&definition);
        let locations: Vec<_> = found.iter().filter_map(|d| d.location.as_deref()).collect();
        assert_eq!(
            locations,
            [
                "/States/P/Branches[0]/States/A/Resource",
                "/States/P/Branches[1]/States/B/Resource"
            ]
        );
    }
}
