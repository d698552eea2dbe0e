//! Server-side date windows: the operations whose request date range the service holds to a
//! number of days ([`kareo_sdk::xml::DateWindow`], declared in the SDK's contract data).

use std::any::Any;

use kareo_sdk::xml::{DateWindow, Operation};

/// An operation's date window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The operation.
    pub operation: &'static str,
    /// Most days the range may span, both ends counted.
    pub max_days: u32,
    /// The request member that starts the range (`FromPostingDate`).
    pub from: &'static str,
    /// The request member that ends it.
    pub to: &'static str,
}

impl Window {
    fn of<O: DateWindow>() -> Window {
        let last = |path: &'static str| path.rsplit('/').next().unwrap_or(path);
        Window {
            operation: O::INFO.name,
            max_days: O::MAX_DAYS,
            from: last(O::FROM),
            to: last(O::TO),
        }
    }

    /// The validation message the mock answers a wider range with.
    pub fn message(&self) -> String {
        format!(
            "The date range from {} to {} may span at most {} days; split the request into smaller ranges.",
            self.from, self.to, self.max_days
        )
    }
}

macro_rules! windows {
    ($($op:ident),* $(,)?) => {
        /// Every date window of the SDK's contract.
        pub fn all() -> Vec<Window> {
            vec![$(Window::of::<kareo_sdk::operations::$op>()),*]
        }

        /// The window of the request's operation and the request's range, when it has one.
        pub(crate) fn range_of(request: &dyn Any) -> Option<(Window, Option<&str>, Option<&str>)> {
            $(
                if let Some(r) = request.downcast_ref::<<kareo_sdk::operations::$op as Operation>::Request>() {
                    let (from, to) = <kareo_sdk::operations::$op as DateWindow>::range(r);
                    return Some((Window::of::<kareo_sdk::operations::$op>(), from, to));
                }
            )*
            None
        }
    };
}

kareo_sdk::for_each_date_window_operation!(windows);

/// The date window of `operation`, if it has one.
pub fn of(operation: &str) -> Option<Window> {
    all().into_iter().find(|w| w.operation == operation)
}
