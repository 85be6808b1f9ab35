//! TagResource, UntagResource, ListTagsForResource on activities and state
//! machines.

use std::sync::Arc;

use stepworker::model::{
    ErrorCode, ListTagsForResourceInput, ListTagsForResourceOutput, TagResourceInput,
    TagResourceOutput, UntagResourceInput, UntagResourceOutput,
};

use crate::arn::{Expect, Resource};
use crate::core::Core;
use crate::error::{ApiError, ApiResult};
use crate::store::{Registry, TagSet};
use crate::validate;

/// TagResource: adds or overwrites; more than 50 in all is `TooManyTags`.
pub fn tag(core: &Arc<Core>, input: TagResourceInput) -> ApiResult<TagResourceOutput> {
    validate::tags(&input.tags)?;
    with_tags(core, &input.resource_arn, |tags| tags.apply(&input.tags))?;
    Ok(TagResourceOutput {})
}

/// UntagResource: unknown keys are ignored.
pub fn untag(core: &Arc<Core>, input: UntagResourceInput) -> ApiResult<UntagResourceOutput> {
    validate::tag_keys(&input.tag_keys)?;
    with_tags(core, &input.resource_arn, |tags| {
        tags.remove(&input.tag_keys);
        Ok(())
    })?;
    Ok(UntagResourceOutput {})
}

/// ListTagsForResource.
pub fn list(
    core: &Arc<Core>,
    input: ListTagsForResourceInput,
) -> ApiResult<ListTagsForResourceOutput> {
    let tags = with_tags(core, &input.resource_arn, |tags| Ok(tags.to_wire()))?;
    Ok(ListTagsForResourceOutput { tags: Some(tags) })
}

fn with_tags<R>(
    core: &Core,
    arn: &str,
    f: impl FnOnce(&mut TagSet) -> ApiResult<R>,
) -> ApiResult<R> {
    validate::arn("resourceArn", arn)?;
    let resource = core.arns.parse(arn, Expect::Taggable)?;
    let mut registry = core.registry.lock();
    let tags = tags_of(&mut registry, &resource).ok_or_else(|| {
        ApiError::new(
            ErrorCode::ResourceNotFound,
            format!("Resource not found: '{arn}'"),
        )
    })?;
    f(tags)
}

fn tags_of<'r>(registry: &'r mut Registry, resource: &Resource) -> Option<&'r mut TagSet> {
    match resource {
        Resource::Activity { name } => registry.activities.get_mut(name).map(|a| &mut a.tags),
        Resource::StateMachine { name } => registry
            .machines
            .get_mut(name)
            .filter(|m| !m.deleting)
            .map(|m| &mut m.tags),
        Resource::Execution { .. } | Resource::QualifiedStateMachine { .. } => None,
    }
}
