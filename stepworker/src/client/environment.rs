//! A snapshot of what the configuration loaders read from the process: the
//! environment variables and the home directory.
//!
//! Loaders take it as an argument instead of calling `std::env` themselves,
//! so tests (and embedders) hand them any environment without mutating the
//! process's, which is unsound while other threads read it.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Environment variables and home directory, as the loaders see them.
#[derive(Clone, Default)]
pub struct Environment {
    vars: HashMap<String, String>,
    home: Option<PathBuf>,
    /// Whether this is the process's own environment: only then may a
    /// loader fall back to the AWS credential chain, which reads the process
    /// environment and the instance metadata service itself.
    process: bool,
}

impl Environment {
    /// The current process's variables (those that are valid UTF-8) and home
    /// directory (`HOME`, else `USERPROFILE`).
    pub fn process() -> Self {
        let mut env = Self::from_vars(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        );
        env.process = true;
        env
    }

    /// The given variables only; the home directory is taken from their
    /// `HOME` (else `USERPROFILE`). Loaders given such an environment never
    /// fall back to the AWS credential chain (which would read the process
    /// environment and call the instance metadata service), so what they
    /// load depends on these variables alone.
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let vars: HashMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let home = ["HOME", "USERPROFILE"]
            .iter()
            .find_map(|name| vars.get(*name).filter(|v| !v.is_empty()))
            .map(PathBuf::from);
        Self {
            vars,
            home,
            process: false,
        }
    }

    /// Whether this is [`Environment::process`].
    pub fn is_process(&self) -> bool {
        self.process
    }

    /// The value of `name`; an empty value counts as unset, as in the AWS SDKs.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// The home directory, if known.
    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }

    /// `path` with a leading `~/` replaced by the home directory.
    pub(crate) fn expand_home(&self, path: &str) -> PathBuf {
        match (path.strip_prefix("~/"), self.home()) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => PathBuf::from(path),
        }
    }
}

impl fmt::Debug for Environment {
    /// Names only: values include secret keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("Environment")
            .field("vars", &names)
            .field("home", &self.home)
            .field("process", &self.process)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_unset_and_debug_hides_values() {
        let env = Environment::from_vars([
            ("AWS_REGION", ""),
            ("AWS_SECRET_ACCESS_KEY", "s3cr3t"),
            ("HOME", "/home/u"),
        ]);
        assert_eq!(env.get("AWS_REGION"), None);
        assert_eq!(env.home(), Some(Path::new("/home/u")));
        assert_eq!(
            env.expand_home("~/.aws/config"),
            PathBuf::from("/home/u/.aws/config")
        );
        assert!(!format!("{env:?}").contains("s3cr3t"));
    }
}
