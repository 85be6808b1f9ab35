//! The default `workerName`: host name and process id.

/// `workerName` is a `Name`: at most 80 characters.
pub(crate) const MAX_WORKER_NAME_CHARS: usize = 80;

/// `<host>-<pid>`, cut to 80 characters, so the execution history shows which
/// machine and process ran each task.
pub(crate) fn default_worker_name() -> String {
    let mut name = format!("{}-{}", host_name(), std::process::id());
    super::failure::truncate_chars(&mut name, MAX_WORKER_NAME_CHARS);
    name
}

fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .chain(
            ["COMPUTERNAME", "HOSTNAME"]
                .iter()
                .filter_map(|var| std::env::var(var).ok()),
        )
        .map(|name| name.trim().to_owned())
        .find(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown-host".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_name_ends_with_the_pid_and_fits_the_limit() {
        let name = default_worker_name();
        assert!(name.chars().count() <= MAX_WORKER_NAME_CHARS);
        assert!(
            name.ends_with(&format!("-{}", std::process::id())),
            "{name}"
        );
    }
}
