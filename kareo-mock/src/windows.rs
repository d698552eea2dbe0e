//! Server-side date windows: operations whose date range may span at most so many days.

/// An operation's date window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The operation.
    pub operation: &'static str,
    /// Most days the range may span.
    pub max_days: u32,
    /// The filter member that starts the range.
    pub from: &'static str,
    /// The filter member that ends it.
    pub to: &'static str,
}

impl Window {
    /// The validation message the mock answers a wider range with.
    pub fn message(&self) -> String {
        format!(
            "The date range from {} to {} may span at most {} days; split the request into smaller ranges.",
            self.from, self.to, self.max_days
        )
    }
}

/// Every date window of the SDK's contract.
pub fn all() -> Vec<Window> {
    // INTERIM until kareo-sdk's `DateWindow` and `for_each_date_window_operation!` land.
    vec![
        Window {
            operation: "GetCharges",
            max_days: 60,
            from: "FromPostingDate",
            to: "ToPostingDate",
        },
        Window {
            operation: "GetAppointments",
            max_days: 60,
            from: "StartDate",
            to: "EndDate",
        },
    ]
}

/// The date window of `operation`, if it has one.
pub fn of(operation: &str) -> Option<Window> {
    all().into_iter().find(|w| w.operation == operation)
}
