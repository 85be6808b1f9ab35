//! Conversions between `(key, value)` pairs and the wire `Tag` list.

use std::collections::BTreeMap;

use crate::model::Tag;

/// Tags as a map; entries without a key are dropped, a missing value is "".
pub(crate) fn to_map(tags: Option<Vec<Tag>>) -> BTreeMap<String, String> {
    tags.unwrap_or_default()
        .into_iter()
        .filter_map(|tag| Some((tag.key?, tag.value.unwrap_or_default())))
        .collect()
}

/// The wire form of `(key, value)` pairs.
pub(crate) fn to_wire<'a>(tags: impl IntoIterator<Item = (&'a String, &'a String)>) -> Vec<Tag> {
    tags.into_iter()
        .map(|(key, value)| Tag {
            key: Some(key.clone()),
            value: Some(value.clone()),
        })
        .collect()
}

/// The entries of `wanted` that `current` lacks or holds another value for.
pub(crate) fn missing<'a>(
    wanted: &'a BTreeMap<String, String>,
    current: &BTreeMap<String, String>,
) -> BTreeMap<&'a String, &'a String> {
    wanted
        .iter()
        .filter(|(key, value)| current.get(*key) != Some(*value))
        .collect()
}
