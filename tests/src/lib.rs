//! Support for the workspace-level tests.

pub mod list_body;
pub mod mock;
pub mod schema;
