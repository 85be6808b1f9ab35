//! Typed Amazon States Language builder and deploy (issue 6; not built yet).
