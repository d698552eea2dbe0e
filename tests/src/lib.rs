//! Support for the workspace-level tests.

pub mod mock;
pub mod schema;
