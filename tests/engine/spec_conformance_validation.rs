//! CreateStateMachine refusals checked against answers recorded against
//! AWS: LocalStack's snapshot tests (github.com/localstack/localstack,
//! `tests/aws/services/stepfunctions/v2/`), each named where it is used,
//! and the developer guide's Map state page ("Map state in Distributed
//! mode", field `Label`:
//! https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html).

use serde_json::{json, Value};

use crate::support::api;
use crate::support::api::{Api, ROLE};
use crate::support::spec::unique_name;

/// A Distributed Map state labelled `label`, as the recorded test sends it.
fn labelled_map(label: &str) -> Value {
    json!({
        "Comment": "MAP_STATE_LABEL_JSON",
        "StartAt": "MapState",
        "States": { "MapState": {
            "Type": "Map",
            "ItemProcessor": {
                "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
                "StartAt": "IteratorInner",
                "States": { "IteratorInner": { "Type": "Pass", "End": true } }
            },
            "Label": label,
            "End": true
        } }
    })
}

/// CreateStateMachine with `definition` sent as `text`; the error answer.
async fn refused_text(api: &Api, text: &str) -> api::WireError {
    api.err(
        "CreateStateMachine",
        json!({ "name": unique_name(), "definition": text, "roleArn": ROLE }),
    )
    .await
}

/// The recorded message for a label problem (already quoted as recorded).
fn label_message(quoted_problem: &str, text: &str) -> String {
    format!("Error=ValueError Args=[{quoted_problem}] in definition '{text}'.")
}

// Recorded: `test_sfn_api_map_run.snapshot.json`,
// `test_map_state_label_invalid_char_fail[<c>]` for each character of
// ` ?*<>{}[]:;,\|^~$#%&`"` and U+0000-U+001F, U+007F-U+009F: InvalidDefinition,
// `Error=ValueError Args=["Label contains invalid character: '<c>'"] in
// definition '<the definition sent>'.`, control characters escaped.
#[tokio::test]
async fn labels_with_a_forbidden_character_are_refused_with_the_recorded_message() {
    let api = Api::start().await;
    let printable = " ?*<>{}[]:;,|^~$#%&`/".chars();
    let control = (0x00u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32);
    for c in printable.chain(control) {
        let text = labelled_map(&format!("label_{c}")).to_string();
        let refused = refused_text(&api, &text).await;
        assert_eq!(refused.name(), "InvalidDefinition", "{c:?}: {refused:?}");
        let shown = match c {
            '\t' => "\\\\t".to_owned(),
            '\n' => "\\\\n".to_owned(),
            '\r' => "\\\\r".to_owned(),
            c if c.is_control() => format!("\\\\x{:02x}", u32::from(c)),
            c => c.to_string(),
        };
        let quoted = format!("\"Label contains invalid character: '{shown}'\"");
        assert_eq!(refused.message, label_message(&quoted, &text), "{c:?}");
    }
}

// Recorded: `test_map_state_label_invalid_char_fail[\\]` and `["]`, whose
// quoting differs (a doubled backslash; single quotes around a message
// holding a double quote).
#[tokio::test]
async fn backslash_and_double_quote_labels_are_quoted_as_recorded() {
    let api = Api::start().await;
    let text = labelled_map("label_\\").to_string();
    let refused = refused_text(&api, &text).await;
    assert_eq!(
        refused.message,
        label_message("\"Label contains invalid character: '\\\\\\\\'\"", &text)
    );
    let text = labelled_map("label_\"").to_string();
    let refused = refused_text(&api, &text).await;
    assert_eq!(
        refused.message,
        label_message("'Label contains invalid character: \\'\"\\''", &text)
    );
}

// Recorded: `test_map_state_label_empty_fail` and
// `test_map_state_label_too_long_fail`.
#[tokio::test]
async fn empty_and_over_long_labels_are_refused() {
    let api = Api::start().await;
    let text = labelled_map("").to_string();
    let refused = refused_text(&api, &text).await;
    assert_eq!(refused.name(), "InvalidDefinition");
    assert_eq!(
        refused.message,
        label_message("'Label cannot be empty'", &text)
    );
    let text = labelled_map(&"a".repeat(41)).to_string();
    let refused = refused_text(&api, &text).await;
    assert_eq!(
        refused.message,
        label_message("'Label cannot exceed 40 characters'", &text)
    );
}

// Guide: a label of up to 40 allowed characters is fine, and a nested Map
// state is checked too.
#[tokio::test]
async fn good_labels_deploy_and_nested_labels_are_checked() {
    let api = Api::start().await;
    api.machine("forty", labelled_map(&"L".repeat(40))).await;
    api.machine("plain", labelled_map("Files-2024_v1.2")).await;
    let nested = json!({
        "StartAt": "Outer",
        "States": { "Outer": {
            "Type": "Parallel",
            "Branches": [labelled_map("bad label")],
            "End": true
        } }
    });
    let refused = refused_text(&api, &nested.to_string()).await;
    assert_eq!(refused.name(), "InvalidDefinition");
    assert!(
        refused
            .message
            .starts_with("Error=ValueError Args=[\"Label contains invalid character: ' '\"]"),
        "{}",
        refused.message
    );
}

// Recorded: `test_sfn_api_versioning.snapshot.json`,
// `test_create_with_version_description_no_publish`: ValidationException,
// "Version description can only be set when publish is true". The API
// reference says the same of UpdateStateMachine's versionDescription.
#[tokio::test]
async fn a_version_description_needs_publish() {
    let api = Api::start().await;
    let definition = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}});
    for publish in [None, Some(false)] {
        let mut request = json!({
            "name": unique_name(),
            "definition": definition.to_string(),
            "roleArn": ROLE,
            "versionDescription": "first"
        });
        if let Some(publish) = publish {
            request["publish"] = json!(publish);
        }
        let refused = api.err("CreateStateMachine", request).await;
        assert_eq!(refused.name(), "ValidationException", "{refused:?}");
        assert_eq!(
            refused.message,
            "Version description can only be set when publish is true"
        );
    }
    let created = api
        .ok(
            "CreateStateMachine",
            json!({
                "name": unique_name(),
                "definition": definition.to_string(),
                "roleArn": ROLE,
                "publish": true,
                "versionDescription": "first"
            }),
        )
        .await;
    assert!(created["stateMachineVersionArn"].is_string(), "{created}");
    let refused = api
        .err(
            "UpdateStateMachine",
            json!({
                "stateMachineArn": created["stateMachineArn"],
                "definition": definition.to_string(),
                "versionDescription": "second"
            }),
        )
        .await;
    assert_eq!(refused.name(), "ValidationException", "{refused:?}");
}
