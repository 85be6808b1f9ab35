//! Task states of activities: Resource, HeartbeatSeconds and TimeoutSeconds
//! come from the activity, and the ARN is filled in for the deploy target.

use std::time::Duration;

use serde_json::json;
use stepworker::asl::{Branch, Map, Parallel, Resource, StateMachine, Succeed, Task};
use stepworker::ActivityContext;

#[stepworker::activity(name = "resize-image", heartbeat = "10s", timeout = "5m")]
async fn resize(path: String, _ctx: ActivityContext) -> Result<String, String> {
    Ok(path)
}

/// An activity implemented by hand, with durations that are not whole seconds.
struct Fractional;

impl stepworker::Activity for Fractional {
    const NAME: &'static str = "fractional";
    const HEARTBEAT: Option<Duration> = Some(Duration::from_millis(1500));
    const TIMEOUT: Option<Duration> = None;
    type Input = String;
    type Output = String;
    type Error = String;

    async fn run(&self, input: String, _ctx: ActivityContext) -> Result<String, String> {
        Ok(input)
    }
}

const PLACEHOLDER: &str =
    "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:activity:resize-image";

#[test]
fn activity_task_carries_name_heartbeat_and_timeout() {
    let task = Task::activity::<resize>().next("Done");
    assert_eq!(task.resource().activity_name(), Some("resize-image"));
    assert_eq!(task.resource().arn(), None);
    assert_eq!(
        serde_json::to_value(stepworker::asl::State::from(task)).expect("serializes"),
        json!({
            "Type": "Task",
            "Resource": PLACEHOLDER,
            "HeartbeatSeconds": 10,
            "TimeoutSeconds": 300,
            "Retry": [{
                "ErrorEquals": ["Worker.Shutdown"],
                "IntervalSeconds": 1,
                "MaxAttempts": 3,
                "BackoffRate": 2.0
            }],
            "Next": "Done"
        })
    );
    let without = Task::activity::<resize>().without_shutdown_retry().end();
    let value = serde_json::to_value(stepworker::asl::State::from(without)).expect("serializes");
    assert!(value.get("Retry").is_none(), "{value}");
}

#[test]
fn durations_round_up_and_absent_ones_are_left_out() {
    let value = serde_json::to_value(stepworker::asl::State::from(
        Task::activity::<Fractional>().end(),
    ))
    .expect("serializes");
    assert_eq!(value["HeartbeatSeconds"], 2);
    assert!(value.get("TimeoutSeconds").is_none(), "{value}");
}

fn machine() -> StateMachine {
    StateMachine::builder()
        .start_at("Resize")
        .state("Resize", Task::activity::<resize>().next("Fan"))
        .state(
            "Fan",
            Parallel::new()
                .branch(
                    Branch::new()
                        .start_at("Thumb")
                        .state("Thumb", Task::activity_named("thumbnail").end()),
                )
                .branch(
                    Branch::new().start_at("Each").state(
                        "Each",
                        Map::new(
                            Branch::new()
                                .start_at("ResizeAgain")
                                .state("ResizeAgain", Task::activity::<resize>().end()),
                        )
                        .end(),
                    ),
                )
                .next("Notify"),
        )
        .state(
            "Notify",
            Task::new("arn:aws:states:::sns:publish").next("Done"),
        )
        .state("Done", Succeed::new())
        .build()
        .expect("valid definition")
}

#[test]
fn definition_lists_each_referenced_activity_once() {
    assert_eq!(machine().activities(), ["resize-image", "thumbnail"]);
    assert_eq!(
        machine().unresolved_activities(),
        ["resize-image", "thumbnail"]
    );
}

#[test]
fn unresolved_activities_serialize_as_cloudformation_placeholders() {
    let value = machine().to_value();
    assert_eq!(value["States"]["Resize"]["Resource"], PLACEHOLDER);
    assert_eq!(
        value["States"]["Notify"]["Resource"],
        "arn:aws:states:::sns:publish"
    );
}

#[test]
fn resolve_fills_every_activity_arn_from_region_and_account() {
    let value = machine().resolve("eu-west-1", "123456789012").to_value();
    let resize_arn = "arn:aws:states:eu-west-1:123456789012:activity:resize-image";
    assert_eq!(value["States"]["Resize"]["Resource"], resize_arn);
    assert_eq!(
        value["States"]["Fan"]["Branches"][0]["States"]["Thumb"]["Resource"],
        "arn:aws:states:eu-west-1:123456789012:activity:thumbnail"
    );
    assert_eq!(
        value["States"]["Fan"]["Branches"][1]["States"]["Each"]["ItemProcessor"]["States"]
            ["ResizeAgain"]["Resource"],
        resize_arn
    );
    assert_eq!(
        value["States"]["Notify"]["Resource"], "arn:aws:states:::sns:publish",
        "ARNs given in full are left alone"
    );
    // The definition still knows which activities it uses.
    let resolved = machine().resolve("eu-west-1", "123456789012");
    assert_eq!(resolved.activities(), ["resize-image", "thumbnail"]);
    assert!(resolved.unresolved_activities().is_empty());
}

#[test]
fn resolve_uses_the_region_partition() {
    let value = machine().resolve("cn-north-1", "123456789012").to_value();
    assert_eq!(
        value["States"]["Resize"]["Resource"],
        "arn:aws-cn:states:cn-north-1:123456789012:activity:resize-image"
    );
    let value = machine()
        .resolve("us-gov-west-1", "123456789012")
        .to_value();
    assert_eq!(
        value["States"]["Resize"]["Resource"],
        "arn:aws-us-gov:states:us-gov-west-1:123456789012:activity:resize-image"
    );
}

#[test]
fn resolve_activity_sets_a_given_arn_on_every_use() {
    let mut machine = machine();
    let arn = "arn:aws:states:us-east-1:000000000000:activity:resize-image";
    assert_eq!(machine.resolve_activity("resize-image", arn), 2);
    assert_eq!(machine.unresolved_activities(), ["thumbnail"]);
    let value = machine.to_value();
    assert_eq!(value["States"]["Resize"]["Resource"], arn);
    assert_eq!(
        value["States"]["Fan"]["Branches"][0]["States"]["Thumb"]["Resource"],
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:activity:thumbnail"
    );
    assert_eq!(machine.resolve_activity("unknown", arn), 0);
}

#[test]
fn plain_arns_are_not_activities() {
    let task = Task::new("arn:aws:lambda:us-east-1:123456789012:function:f");
    assert_eq!(task.resource().activity_name(), None);
    assert_eq!(
        task.resource(),
        &Resource::Arn("arn:aws:lambda:us-east-1:123456789012:function:f".into())
    );
}
