//! The Map state: run an item processor for each item of an array (inline)
//! or of a data set in S3 (distributed).

use serde::Serialize;
use serde_json::Value;

use crate::asl::fields::{Common, NumberOrExpr, Transition};
use crate::asl::setters::state_setters;
use crate::asl::{Branch, Catch, Retry};

/// `ProcessorConfig.Mode`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ProcessorMode {
    /// `"INLINE"`: iterations run inside the execution (up to 40 at once);
    /// the default, and the only mode of the legacy `Iterator`.
    #[default]
    #[serde(rename = "INLINE")]
    Inline,
    /// `"DISTRIBUTED"`: iterations run as child executions.
    #[serde(rename = "DISTRIBUTED")]
    Distributed,
}

/// `ProcessorConfig.ExecutionType` of a distributed Map's child executions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ExecutionType {
    /// `"STANDARD"`.
    #[serde(rename = "STANDARD")]
    Standard,
    /// `"EXPRESS"`.
    #[serde(rename = "EXPRESS")]
    Express,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ProcessorConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) mode: Option<ProcessorMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) execution_type: Option<ExecutionType>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ItemProcessor {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) processor_config: Option<ProcessorConfig>,
    #[serde(flatten)]
    pub(crate) branch: Branch,
}

/// `MaxConcurrency` / `MaxConcurrencyPath`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) enum MaxConcurrency {
    #[serde(rename = "MaxConcurrency")]
    Value(NumberOrExpr<u64>),
    #[serde(rename = "MaxConcurrencyPath")]
    Path(String),
}

/// `ToleratedFailureCount` / `ToleratedFailureCountPath`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) enum ToleratedFailureCount {
    #[serde(rename = "ToleratedFailureCount")]
    Value(NumberOrExpr<u64>),
    #[serde(rename = "ToleratedFailureCountPath")]
    Path(String),
}

/// `ToleratedFailurePercentage` / `ToleratedFailurePercentagePath`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) enum ToleratedFailurePercentage {
    #[serde(rename = "ToleratedFailurePercentage")]
    Value(NumberOrExpr<f64>),
    #[serde(rename = "ToleratedFailurePercentagePath")]
    Path(String),
}

/// A `"Type": "Map"` state.
///
/// ```
/// use serde_json::json;
/// use stepworker::asl::{Branch, Map, Task};
///
/// let each = Map::new(
///     Branch::new()
///         .start_at("Resize")
///         .state("Resize", Task::activity_named("resize-image").end()),
/// )
/// .items_path("$.images")
/// .item_selector(json!({"image.$": "$$.Map.Item.Value", "width": 200}))
/// .max_concurrency(10)
/// .next("Done");
/// # let _ = each;
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Map {
    #[serde(flatten)]
    pub(crate) common: Common,
    pub(crate) item_processor: ItemProcessor,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) items_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) items: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) item_selector: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) item_reader: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) item_batcher: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) result_writer: Option<Value>,
    #[serde(flatten)]
    pub(crate) max_concurrency: Option<MaxConcurrency>,
    #[serde(flatten)]
    pub(crate) tolerated_failure_count: Option<ToleratedFailureCount>,
    #[serde(flatten)]
    pub(crate) tolerated_failure_percentage: Option<ToleratedFailurePercentage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) label: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) retry: Vec<Retry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) catch: Vec<Catch>,
    #[serde(flatten)]
    pub(crate) transition: Option<Transition>,
}

impl Map {
    /// A Map state running `processor` for each item (`ItemProcessor`).
    /// Without [`Map::processor_mode`] the service runs it inline.
    pub fn new(processor: Branch) -> Self {
        Self {
            common: Common::default(),
            item_processor: ItemProcessor {
                processor_config: None,
                branch: processor,
            },
            items_path: None,
            items: None,
            item_selector: None,
            item_reader: None,
            item_batcher: None,
            result_writer: None,
            max_concurrency: None,
            tolerated_failure_count: None,
            tolerated_failure_percentage: None,
            label: None,
            retry: Vec::new(),
            catch: Vec::new(),
            transition: None,
        }
    }

    fn processor_config(&mut self) -> &mut ProcessorConfig {
        self.item_processor
            .processor_config
            .get_or_insert_with(ProcessorConfig::default)
    }

    /// Sets `ProcessorConfig.Mode`.
    pub fn processor_mode(mut self, mode: ProcessorMode) -> Self {
        self.processor_config().mode = Some(mode);
        self
    }

    /// Sets `ProcessorConfig.ExecutionType` (distributed mode only).
    pub fn execution_type(mut self, execution_type: ExecutionType) -> Self {
        self.processor_config().execution_type = Some(execution_type);
        self
    }

    /// Sets `ItemsPath` (JSONPath): where the array is in the input.
    pub fn items_path(mut self, path: impl Into<String>) -> Self {
        self.items_path = Some(path.into());
        self
    }

    /// Sets `Items` (JSONata): the array itself or a `{% ... %}` expression.
    pub fn items(mut self, items: impl Into<Value>) -> Self {
        self.items = Some(items.into());
        self
    }

    /// Sets `ItemSelector`: the template each iteration's input is built from.
    pub fn item_selector(mut self, template: impl Into<Value>) -> Self {
        self.item_selector = Some(template.into());
        self
    }

    /// Sets `ItemReader` (distributed): where to read items from, as written
    /// in ASL (e.g. `{"Resource": "arn:aws:states:::s3:getObject", ...}`).
    pub fn item_reader(mut self, reader: impl Into<Value>) -> Self {
        self.item_reader = Some(reader.into());
        self
    }

    /// Sets `ItemBatcher` (distributed): how items are grouped, as in ASL.
    pub fn item_batcher(mut self, batcher: impl Into<Value>) -> Self {
        self.item_batcher = Some(batcher.into());
        self
    }

    /// Sets `ResultWriter` (distributed): where results are written, as in ASL.
    pub fn result_writer(mut self, writer: impl Into<Value>) -> Self {
        self.result_writer = Some(writer.into());
        self
    }

    /// Sets `MaxConcurrency` (0 means as many as the service allows).
    pub fn max_concurrency(mut self, limit: u64) -> Self {
        self.max_concurrency = Some(MaxConcurrency::Value(NumberOrExpr::Number(limit)));
        self
    }

    /// Sets `MaxConcurrency` to a JSONata expression (`{% ... %}`).
    pub fn max_concurrency_expr(mut self, expression: impl Into<String>) -> Self {
        self.max_concurrency = Some(MaxConcurrency::Value(NumberOrExpr::Expr(expression.into())));
        self
    }

    /// Sets `MaxConcurrencyPath` (JSONPath).
    pub fn max_concurrency_path(mut self, path: impl Into<String>) -> Self {
        self.max_concurrency = Some(MaxConcurrency::Path(path.into()));
        self
    }

    /// Sets `ToleratedFailureCount` (distributed).
    pub fn tolerated_failure_count(mut self, count: u64) -> Self {
        self.tolerated_failure_count =
            Some(ToleratedFailureCount::Value(NumberOrExpr::Number(count)));
        self
    }

    /// Sets `ToleratedFailureCount` to a JSONata expression.
    pub fn tolerated_failure_count_expr(mut self, expression: impl Into<String>) -> Self {
        self.tolerated_failure_count = Some(ToleratedFailureCount::Value(NumberOrExpr::Expr(
            expression.into(),
        )));
        self
    }

    /// Sets `ToleratedFailureCountPath` (JSONPath).
    pub fn tolerated_failure_count_path(mut self, path: impl Into<String>) -> Self {
        self.tolerated_failure_count = Some(ToleratedFailureCount::Path(path.into()));
        self
    }

    /// Sets `ToleratedFailurePercentage` (distributed, 0 to 100).
    pub fn tolerated_failure_percentage(mut self, percentage: f64) -> Self {
        self.tolerated_failure_percentage = Some(ToleratedFailurePercentage::Value(
            NumberOrExpr::Number(percentage),
        ));
        self
    }

    /// Sets `ToleratedFailurePercentage` to a JSONata expression.
    pub fn tolerated_failure_percentage_expr(mut self, expression: impl Into<String>) -> Self {
        self.tolerated_failure_percentage = Some(ToleratedFailurePercentage::Value(
            NumberOrExpr::Expr(expression.into()),
        ));
        self
    }

    /// Sets `ToleratedFailurePercentagePath` (JSONPath).
    pub fn tolerated_failure_percentage_path(mut self, path: impl Into<String>) -> Self {
        self.tolerated_failure_percentage = Some(ToleratedFailurePercentage::Path(path.into()));
        self
    }

    /// Sets `Label` (distributed): a name for the child executions.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// The item processor's states.
    pub fn processor(&self) -> &Branch {
        &self.item_processor.branch
    }

    /// The names of the set JSONPath-only fields of the Map itself.
    pub(crate) fn own_json_path_fields(&self) -> Vec<&'static str> {
        let mut fields = Vec::new();
        if self.items_path.is_some() {
            fields.push("ItemsPath");
        }
        if matches!(self.max_concurrency, Some(MaxConcurrency::Path(_))) {
            fields.push("MaxConcurrencyPath");
        }
        if matches!(
            self.tolerated_failure_count,
            Some(ToleratedFailureCount::Path(_))
        ) {
            fields.push("ToleratedFailureCountPath");
        }
        if matches!(
            self.tolerated_failure_percentage,
            Some(ToleratedFailurePercentage::Path(_))
        ) {
            fields.push("ToleratedFailurePercentagePath");
        }
        fields
    }

    /// The names of the set JSONata-only fields of the Map itself.
    pub(crate) fn own_jsonata_fields(&self) -> Vec<&'static str> {
        if self.items.is_some() {
            vec!["Items"]
        } else {
            Vec::new()
        }
    }
}

state_setters!(Map: comment, paths, result_selector, result_path, output, assign, errors, transition);
