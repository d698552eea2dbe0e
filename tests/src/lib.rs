//! Support for the workspace-level tests (the mock Kareo is the `kareo-mock` crate).

pub mod schema;
