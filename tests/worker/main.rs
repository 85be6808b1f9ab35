//! Workers against the local engine, over real HTTP (127.0.0.1): one test
//! binary, one module per subject, helpers in `support`. A new worker test
//! goes in the module of its subject, or a new module listed here.

mod heartbeats;
mod load;
mod results;
mod shutdown;
mod shutdown_deadline;
mod support;
mod throttling;
