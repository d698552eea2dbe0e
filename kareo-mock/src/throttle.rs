//! Per-operation throttles: one call per interval, per account, as the service counts them.

use std::collections::BTreeMap;
use std::time::Duration;

use kareo_sdk::operations::{OPERATIONS, THROTTLES};
use tokio::time::Instant;

/// The message the service's over-limit answer carries: the text and interval pattern the
/// SDK's contract declares ([`THROTTLES`]), in the service's sentence.
pub fn over_limit_message(operation: &str, interval: Duration) -> String {
    let text = THROTTLES
        .over_limit_text
        .unwrap_or("endpoint requested more than allowed");
    let ms = interval.as_millis().to_string();
    let stated = THROTTLES.interval_pattern.map_or_else(
        || format!("over time interval {ms} milliseconds"),
        |p| p.replace("{ms}", &ms),
    );
    format!("429: {operation} {text} {stated}. Please wait to try again.")
}

/// Whether a call at `now` is over the limit, the last accepted one having been at `last`:
/// a gap of exactly the interval still is (the service's window includes its end).
pub(crate) fn over_limit(last: Option<Instant>, now: Instant, interval: Duration) -> bool {
    last.is_some_and(|last| now.saturating_duration_since(last) <= interval)
}

/// The throttle table and when each operation was last accepted.
#[derive(Debug)]
pub(crate) struct Throttles {
    pub(crate) table: BTreeMap<&'static str, Duration>,
    last: BTreeMap<&'static str, Instant>,
}

impl Throttles {
    /// The published table of the SDK's contract.
    pub(crate) fn published() -> Self {
        let table = OPERATIONS
            .iter()
            .filter_map(|info| Some((info.name, info.published_interval?)))
            .collect();
        Throttles {
            table,
            last: BTreeMap::new(),
        }
    }

    /// Checks a call of `op` at `now`: `Some(interval)` when it is over the limit (and not
    /// counted), `None` when it is accepted (and counted).
    pub(crate) fn check(&mut self, op: &'static str, now: Instant) -> Option<Duration> {
        let interval = *self.table.get(op)?;
        if over_limit(self.last.get(op).copied(), now, interval) {
            return Some(interval);
        }
        self.last.insert(op, now);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_of_exactly_the_interval_is_still_over_the_limit() {
        let t0 = Instant::now();
        let second = Duration::from_secs(1);
        assert!(!over_limit(None, t0, second));
        assert!(over_limit(Some(t0), t0, second));
        assert!(over_limit(Some(t0), t0 + second, second), "exactly the interval");
        assert!(!over_limit(Some(t0), t0 + second + Duration::from_millis(1), second));
    }

    #[test]
    fn the_message_is_the_services() {
        assert_eq!(
            over_limit_message("GetPatients", Duration::from_secs(1)),
            "429: GetPatients endpoint requested more than allowed over time interval 1000 milliseconds. Please wait to try again."
        );
    }

    #[test]
    fn an_over_limit_call_is_not_counted() {
        let mut t = Throttles {
            table: [("GetPatients", Duration::from_secs(1))].into_iter().collect(),
            last: BTreeMap::new(),
        };
        let t0 = Instant::now();
        assert_eq!(t.check("GetPatients", t0), None);
        assert_eq!(
            t.check("GetPatients", t0 + Duration::from_millis(500)),
            Some(Duration::from_secs(1))
        );
        assert_eq!(t.check("GetPatients", t0 + Duration::from_millis(1001)), None);
        assert_eq!(t.check("GetProviders", t0), None, "no limit published");
    }
}
