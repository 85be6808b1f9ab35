//! A small parser of the shared `~/.aws/config` and `~/.aws/credentials` files.
//!
//! Written here rather than taken from `aws-config`: that crate brings an
//! HTTP stack, STS, SSO and IMDS clients, which a worker with static keys does
//! not need. The full chain stays available behind the `aws-config` feature.
//!
//! The format is INI as the AWS CLI reads it: `[default]` and `[profile name]`
//! sections in the config file, `[name]` in the credentials file, `key = value`
//! lines, `#` and `;` comment lines, and indented sub-properties (as under
//! `s3 =`) which this client has no use for and skips.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::error::Error;

/// Which of the two shared files a text comes from; they name sections differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// `~/.aws/config`: `[default]`, `[profile name]`.
    Config,
    /// `~/.aws/credentials`: `[name]`.
    Credentials,
}

/// The properties of every profile found, by profile name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ProfileSet {
    profiles: HashMap<String, HashMap<String, String>>,
}

impl ProfileSet {
    /// The properties of `name`, if the profile exists.
    pub(crate) fn profile(&self, name: &str) -> Option<&HashMap<String, String>> {
        self.profiles.get(name)
    }

    /// One property of a profile.
    pub(crate) fn get(&self, profile: &str, key: &str) -> Option<&str> {
        self.profiles
            .get(profile)?
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Adds `other`'s properties; on conflict `other` wins (credentials file
    /// over config file, as in the AWS CLI).
    pub(crate) fn merge(&mut self, other: ProfileSet) {
        for (name, properties) in other.profiles {
            self.profiles.entry(name).or_default().extend(properties);
        }
    }

    /// Reads and parses `path`; a file that does not exist is an empty set.
    pub(crate) fn load(path: &Path, kind: FileKind) -> Result<Self, Error> {
        match std::fs::read_to_string(path) {
            Ok(text) => parse(&text, kind).map_err(|e| e.in_file(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(Error::config(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }
}

/// A line the parser cannot make sense of.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ParseError {
    line: usize,
    message: &'static str,
}

impl ParseError {
    fn in_file(self, path: &Path) -> Error {
        Error::config(format!(
            "{}:{}: {}",
            path.display(),
            self.line,
            self.message
        ))
    }
}

/// Where properties of the current section go.
enum Section {
    /// Before any section header.
    None,
    /// A profile section.
    Profile(String),
    /// A section that is not a profile (`[sso-session x]`, `[services x]`).
    Other,
}

/// Parses the text of one shared file.
pub(crate) fn parse(text: &str, kind: FileKind) -> Result<ProfileSet, ParseError> {
    let mut set = ProfileSet::default();
    let mut section = Section::None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = line.len() != trimmed.len();
        if trimmed.starts_with('[') {
            let header = section_header(trimmed).ok_or(ParseError {
                line: line_no,
                message: "section header without a closing `]`",
            })?;
            section = match profile_name(header, kind) {
                Some(name) => {
                    set.profiles.entry(name.to_owned()).or_default();
                    Section::Profile(name.to_owned())
                }
                None => Section::Other,
            };
            continue;
        }
        if indented && !matches!(section, Section::None) {
            // A sub-property of the previous key (`s3 =` then `  max_concurrent_requests = 20`).
            continue;
        }
        let (key, value) = strip_trailing_comment(trimmed)
            .split_once('=')
            .ok_or(ParseError {
                line: line_no,
                message: "expected `key = value`",
            })?;
        let key = key.trim();
        if key.is_empty() {
            return Err(ParseError {
                line: line_no,
                message: "property without a name",
            });
        }
        match &section {
            Section::None => {
                return Err(ParseError {
                    line: line_no,
                    message: "property before any `[profile]` header",
                })
            }
            Section::Profile(name) => {
                set.profiles
                    .entry(name.clone())
                    .or_default()
                    .insert(key.to_owned(), value.trim().to_owned());
            }
            Section::Other => {}
        }
    }
    Ok(set)
}

/// `key = value # note` -> `key = value`. As in the AWS SDKs, `#` or `;`
/// starts a comment only after whitespace, so `a#b` stays a value.
fn strip_trailing_comment(line: &str) -> &str {
    let mut after_space = false;
    for (index, c) in line.char_indices() {
        if after_space && (c == '#' || c == ';') {
            return line[..index].trim_end();
        }
        after_space = c.is_whitespace();
    }
    line
}

/// The inside of `[ ... ]`, allowing a comment after the bracket.
fn section_header(line: &str) -> Option<&str> {
    let inner = line.strip_prefix('[')?;
    let end = inner.find(']')?;
    let rest = inner[end + 1..].trim_start();
    if !(rest.is_empty() || rest.starts_with('#') || rest.starts_with(';')) {
        return None;
    }
    Some(inner[..end].trim())
}

/// The profile a section header names in a file of `kind`, if it is a profile.
fn profile_name(header: &str, kind: FileKind) -> Option<&str> {
    match kind {
        FileKind::Credentials => Some(header),
        FileKind::Config if header == "default" => Some(header),
        FileKind::Config => header
            .strip_prefix("profile")
            .filter(|rest| rest.starts_with(char::is_whitespace))
            .map(str::trim)
            .filter(|name| !name.is_empty()),
    }
}

/// The paths of the two shared files: the environment's overrides, else
/// `~/.aws/config` and `~/.aws/credentials`.
pub(crate) fn shared_file_paths(env: &super::Environment) -> (Option<PathBuf>, Option<PathBuf>) {
    let path = |var: &str, default: &str| -> Option<PathBuf> {
        match env.get(var) {
            Some(p) => Some(env.expand_home(p)),
            None => env.home().map(|h| h.join(".aws").join(default)),
        }
    };
    (
        path("AWS_CONFIG_FILE", "config"),
        path("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
# a comment
[default]
region = eu-west-1

[profile work]  ; trailing comment
region=us-west-2 # the Sydney team moved
tag = a#b;c
s3 =
  max_concurrent_requests = 20
output = json

[sso-session corp]
sso_region = us-east-1

[work]
region = ignored-in-config-file
";

    #[test]
    fn config_file_sections_need_the_profile_prefix() {
        let set = parse(CONFIG, FileKind::Config).unwrap();
        assert_eq!(set.get("default", "region"), Some("eu-west-1"));
        assert_eq!(set.get("work", "region"), Some("us-west-2"));
        assert_eq!(set.get("work", "output"), Some("json"));
        assert_eq!(set.get("work", "tag"), Some("a#b;c"));
        assert_eq!(set.get("work", "max_concurrent_requests"), None);
        assert!(set.profile("corp").is_none());
        assert!(set.profile("sso-session corp").is_none());
    }

    #[test]
    fn credentials_file_sections_are_bare_names() {
        let text = "[work]\naws_access_key_id = AKID\naws_secret_access_key = abc/def=\n";
        let set = parse(text, FileKind::Credentials).unwrap();
        assert_eq!(set.get("work", "aws_access_key_id"), Some("AKID"));
        assert_eq!(set.get("work", "aws_secret_access_key"), Some("abc/def="));
    }

    #[test]
    fn credentials_override_config_on_merge() {
        let mut set = parse("[default]\nregion = a\nx = 1\n", FileKind::Config).unwrap();
        set.merge(parse("[default]\nx = 2\n", FileKind::Credentials).unwrap());
        assert_eq!(set.get("default", "region"), Some("a"));
        assert_eq!(set.get("default", "x"), Some("2"));
    }

    #[test]
    fn malformed_lines_name_their_line() {
        assert_eq!(
            parse("[default]\nregion\n", FileKind::Config)
                .unwrap_err()
                .line,
            2
        );
        assert_eq!(parse("region = x\n", FileKind::Config).unwrap_err().line, 1);
        assert_eq!(parse("[default\n", FileKind::Config).unwrap_err().line, 1);
    }
}
