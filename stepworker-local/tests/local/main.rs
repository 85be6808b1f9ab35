//! The engine's own tests: its command line (pressure, mocks), its guards
//! against hostile requests, memory bounds, the console's routes, shutdown;
//! over real HTTP on 127.0.0.1 or through its router. One test binary, one
//! module per subject, helpers in `support`. A new test goes in the module
//! of its subject, or a new module listed here.

mod api_latency_under_load;
mod console_pressure;
mod console_routes;
mod engine_shutdown;
mod heavy_state_evaluation;
mod history_pages;
mod hostile_requests;
mod memory_bounds;
mod mock_config_cli;
mod mock_config_proptest;
mod pressure_cli;
mod pressure_faults;
mod pressure_lost_polls;
mod pressure_quotas;
mod sigv4_required;
mod support;
