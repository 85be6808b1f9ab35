//! Which fields each part of a definition may carry.

/// Top-level definition fields.
pub(super) const TOP_LEVEL: &[&str] = &[
    "StartAt",
    "States",
    "Comment",
    "Version",
    "TimeoutSeconds",
    "QueryLanguage",
];
/// Parallel branch fields.
pub(super) const BRANCH: &[&str] = &["StartAt", "States", "Comment", "QueryLanguage"];
/// Map `ItemProcessor` fields. AWS refuses `QueryLanguage` here: the states
/// inside take the machine's language.
pub(super) const ITEM_PROCESSOR: &[&str] = &["StartAt", "States", "Comment", "ProcessorConfig"];
/// Legacy Map `Iterator` fields. AWS takes a `ProcessorConfig` here too,
/// INLINE or DISTRIBUTED (recorded: LocalStack's
/// `test_base_scenarios.snapshot.json`, `test_map_state_legacy_config_*`).
pub(super) const ITERATOR: &[&str] = &["StartAt", "States", "Comment", "ProcessorConfig"];

/// Fields only JSONPath states may have (AWS rejects them in JSONata
/// states: `Arguments` and `Output` replace them).
pub(super) const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "ResultPath",
    "Parameters",
    "ResultSelector",
    "Result",
    "ItemsPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "SecondsPath",
    "TimestampPath",
    "ErrorPath",
    "CausePath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
];

/// Fields only JSONata states may have.
pub(super) const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items"];

const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage"];

/// The fields a state of `type_name` may carry, beyond the common ones.
pub(super) fn allowed_for(type_name: &str) -> Option<Vec<&'static str>> {
    let specific: &[&str] = match type_name {
        "Pass" => &[
            "Output",
            "Assign",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "ResultPath",
            "Parameters",
            "Result",
        ],
        "Task" => &[
            "Arguments",
            "Output",
            "Assign",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "ResultPath",
            "Parameters",
            "ResultSelector",
            "Retry",
            "Catch",
            "Resource",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
        ],
        "Choice" => &[
            "InputPath",
            "OutputPath",
            "Choices",
            "Default",
            "Output",
            "Assign",
        ],
        "Wait" => &[
            "Output",
            "Assign",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Seconds",
            "Timestamp",
            "SecondsPath",
            "TimestampPath",
        ],
        "Succeed" => &["InputPath", "OutputPath", "Output"],
        "Fail" => &["Error", "ErrorPath", "Cause", "CausePath"],
        "Parallel" => &[
            "Arguments",
            "Output",
            "Assign",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "ResultPath",
            "Parameters",
            "ResultSelector",
            "Retry",
            "Catch",
            "Branches",
        ],
        "Map" => &[
            "Items",
            "Output",
            "Assign",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "ResultPath",
            "Parameters",
            "ResultSelector",
            "Retry",
            "Catch",
            "Iterator",
            "ItemProcessor",
            "ItemsPath",
            "ItemSelector",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "Label",
        ],
        _ => return None,
    };
    Some(COMMON.iter().chain(specific).copied().collect())
}

/// Every state type name, for the "unknown Type" message.
pub(super) const STATE_TYPES: &str = "[Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]";
