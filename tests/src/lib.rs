//! Support for the workspace-level tests.

pub mod schema;
