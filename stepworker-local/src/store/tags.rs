//! The tags of one resource.

use stepworker::model::{ErrorCode, Tag};

use crate::error::{ApiError, ApiResult};
use crate::validate::MAX_TAGS;

/// Tags in the order they were first set; keys are unique.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagSet(Vec<(String, String)>);

impl TagSet {
    /// Adds or overwrites tags; refuses (changing nothing) past 50 tags.
    pub fn apply(&mut self, tags: &[Tag]) -> ApiResult<()> {
        let mut next = self.0.clone();
        for tag in tags {
            let key = tag.key.clone().unwrap_or_default();
            let value = tag.value.clone().unwrap_or_default();
            match next.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => next.push((key, value)),
            }
        }
        if next.len() > MAX_TAGS {
            return Err(ApiError::new(
                ErrorCode::TooManyTags,
                format!("Too many tags: a resource can have at most {MAX_TAGS} tags"),
            ));
        }
        self.0 = next;
        Ok(())
    }

    /// Removes tags by key (unknown keys are ignored, like AWS).
    pub fn remove(&mut self, keys: &[String]) {
        self.0.retain(|(k, _)| !keys.contains(k));
    }

    /// The tags as the wire model lists them.
    pub fn to_wire(&self) -> Vec<Tag> {
        self.0
            .iter()
            .map(|(k, v)| Tag {
                key: Some(k.clone()),
                value: Some(v.clone()),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: &str) -> Tag {
        Tag {
            key: Some(k.into()),
            value: Some(v.into()),
        }
    }

    #[test]
    fn overwrite_keeps_one_entry_and_limit_is_atomic() {
        let mut set = TagSet::default();
        set.apply(&[tag("a", "1"), tag("a", "2")]).expect("apply");
        assert_eq!(set.to_wire(), vec![tag("a", "2")]);
        let many: Vec<Tag> = (0..50).map(|i| tag(&format!("k{i}"), "v")).collect();
        let err = set.apply(&many).expect_err("51 tags");
        assert_eq!(err.code(), &ErrorCode::TooManyTags);
        assert_eq!(set.to_wire().len(), 1);
        set.remove(&["a".into(), "missing".into()]);
        assert!(set.to_wire().is_empty());
    }
}
