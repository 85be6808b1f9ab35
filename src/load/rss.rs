//! Resident memory of a process, from Linux's `/proc/<pid>/status`.

use anyhow::{Context, Result};

/// A process's resident memory, in kB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rss {
    /// All resident pages.
    pub total_kb: u64,
    /// Heap, stacks and other private memory.
    pub anon_kb: u64,
    /// Mapped executable and library pages.
    pub file_kb: u64,
}

impl Rss {
    /// The resident memory of process `pid`, or of this process for `None`.
    pub fn of(pid: Option<u32>) -> Result<Self> {
        let path = match pid {
            Some(pid) => format!("/proc/{pid}/status"),
            None => "/proc/self/status".to_owned(),
        };
        let status =
            std::fs::read_to_string(&path).with_context(|| format!("RSS needs Linux {path}"))?;
        let field = |name: &str| -> Result<u64> {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
                .with_context(|| format!("no {name} in {path}"))
        };
        Ok(Self {
            total_kb: field("VmRSS:")?,
            anon_kb: field("RssAnon:")?,
            file_kb: field("RssFile:")?,
        })
    }

    /// All resident memory in MiB.
    pub fn total_mib(&self) -> f64 {
        self.total_kb as f64 / 1024.0
    }

    /// `<total> <anonymous> <file-backed>` kB: the line a child process
    /// prints for its parent, read back by [`str::parse`].
    pub fn to_line(&self) -> String {
        format!("{} {} {}", self.total_kb, self.anon_kb, self.file_kb)
    }
}

impl std::fmt::Display for Rss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mb = |kb: u64| kb as f64 / 1024.0;
        write!(
            f,
            "{:.1} MiB ({:.1} MiB anonymous + {:.1} MiB file-backed)",
            mb(self.total_kb),
            mb(self.anon_kb),
            mb(self.file_kb)
        )
    }
}

impl std::str::FromStr for Rss {
    type Err = anyhow::Error;

    /// Parses `<total> <anon> <file>`, as [`Rss::to_line`] writes it.
    fn from_str(line: &str) -> Result<Self> {
        let mut numbers = line.split_whitespace().map(str::parse::<u64>);
        let mut next = || -> Result<u64> { Ok(numbers.next().context("missing figure")??) };
        Ok(Self {
            total_kb: next()?,
            anon_kb: next()?,
            file_kb: next()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_resident_memory_and_its_line_round_trips() {
        let rss = Rss::of(None).unwrap();
        assert!(rss.total_kb > 0 && rss.anon_kb > 0);
        assert_eq!(rss.to_line().parse::<Rss>().unwrap(), rss);
    }

    #[test]
    fn a_short_line_is_an_error() {
        assert!("12 34".parse::<Rss>().is_err());
    }
}
