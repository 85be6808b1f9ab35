//! The examples as a user runs them: built by cargo, started as processes,
//! judged by exit status and output. One test binary, one module per
//! example, helpers in `support`.

mod deploy_and_run;
mod fleet;
mod hello_worker;
mod mocked_services;
mod support;
