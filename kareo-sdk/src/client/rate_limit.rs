//! Client-side rate limit per operation, so that bulk jobs stay under Kareo's throttles.
//!
//! A generic cell rate algorithm: each operation has a "theoretical arrival time"; a call that
//! comes earlier than its slot waits for it. Up to `calls` calls may go at once (the burst),
//! then one every `per / calls`. Every attempt, retries included, takes a slot.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::Error;

/// At most `calls` calls in any window of `per`, for one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    calls: u32,
    per: Duration,
}

impl RateLimit {
    /// `calls` calls per `per` (both must be non-zero; [`ClientBuilder::build`](super::ClientBuilder::build)
    /// checks).
    pub const fn new(calls: u32, per: Duration) -> Self {
        RateLimit { calls, per }
    }

    /// `calls` calls per second.
    pub const fn per_second(calls: u32) -> Self {
        RateLimit::new(calls, Duration::from_secs(1))
    }

    /// `calls` calls per minute.
    pub const fn per_minute(calls: u32) -> Self {
        RateLimit::new(calls, Duration::from_secs(60))
    }

    /// Calls allowed per window.
    pub fn calls(&self) -> u32 {
        self.calls
    }

    /// The window.
    pub fn per(&self) -> Duration {
        self.per
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if self.calls == 0 || self.per.is_zero() {
            return Err(Error::config(
                "a rate limit needs at least one call per non-zero period",
            ));
        }
        Ok(())
    }

    fn interval(&self) -> Duration {
        self.per / self.calls.max(1)
    }

    /// Reserves the next slot: given the operation's theoretical arrival time `tat` and the
    /// current time, returns the new arrival time and how long the caller must wait.
    pub(crate) fn reserve(&self, tat: Option<Instant>, now: Instant) -> (Instant, Duration) {
        let interval = self.interval();
        let tolerance = self.per.saturating_sub(interval);
        let tat = match tat {
            Some(t) if t > now => t,
            _ => now,
        };
        let allowed_at = tat.checked_sub(tolerance).unwrap_or(now);
        let wait = allowed_at.saturating_duration_since(now);
        (tat + interval, wait)
    }
}

/// The arrival times of all rate-limited operations of one client, and the intervals the
/// service last reported for them.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    slots: Mutex<HashMap<&'static str, Instant>>,
    reported: Mutex<HashMap<&'static str, Duration>>,
}

impl Limiter {
    /// The interval the service reported for `operation`, if a refresh brought one.
    pub(crate) fn reported(&self, operation: &str) -> Option<Duration> {
        let reported = self.reported.lock().unwrap_or_else(|p| p.into_inner());
        reported.get(operation).copied()
    }

    /// Replaces the reported intervals.
    pub(crate) fn set_reported(&self, intervals: HashMap<&'static str, Duration>) {
        *self.reported.lock().unwrap_or_else(|p| p.into_inner()) = intervals;
    }

    /// Holds every call of `operation` under `limit` until `wait` from now (the service said
    /// it is over its limit), so that concurrent calls wait too.
    pub(crate) fn hold(&self, operation: &'static str, limit: &RateLimit, wait: Duration) {
        let now = Instant::now();
        let tolerance = limit.per.saturating_sub(limit.interval());
        let until = now + wait + tolerance;
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let tat = slots.entry(operation).or_insert(until);
        if *tat < until {
            *tat = until;
        }
    }

    /// How long a call of `operation` must wait under `limit` (its slot is taken now).
    pub(crate) fn reserve(&self, operation: &'static str, limit: &RateLimit) -> Duration {
        let now = Instant::now();
        // A poisoned lock only means another call panicked while holding it; the map is
        // still a valid map of instants.
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let (tat, wait) = limit.reserve(slots.get(operation).copied(), now);
        slots.insert(operation, tat);
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_one_per_interval() {
        let limit = RateLimit::new(2, Duration::from_secs(1));
        let t0 = Instant::now();
        let mut tat = None;
        let mut waits = Vec::new();
        for _ in 0..5 {
            let (next, wait) = limit.reserve(tat, t0);
            tat = Some(next);
            waits.push(wait);
        }
        let ms = |m| Duration::from_millis(m);
        assert_eq!(waits, [ms(0), ms(0), ms(500), ms(1000), ms(1500)]);
    }

    #[test]
    fn an_idle_operation_gets_its_burst_back() {
        let limit = RateLimit::per_second(2);
        let t0 = Instant::now();
        let (tat, _) = limit.reserve(None, t0);
        let (tat, _) = limit.reserve(Some(tat), t0);
        let later = t0 + Duration::from_secs(5);
        let (tat, w1) = limit.reserve(Some(tat), later);
        let (_, w2) = limit.reserve(Some(tat), later);
        assert_eq!((w1, w2), (Duration::ZERO, Duration::ZERO));
    }

    #[test]
    fn one_call_per_window() {
        let limit = RateLimit::per_minute(1);
        let t0 = Instant::now();
        let (tat, w0) = limit.reserve(None, t0);
        let (_, w1) = limit.reserve(Some(tat), t0 + Duration::from_secs(20));
        assert_eq!(w0, Duration::ZERO);
        assert_eq!(w1, Duration::from_secs(40));
    }

    #[test]
    fn operations_are_limited_separately() {
        let limiter = Limiter::default();
        let limit = RateLimit::new(1, Duration::from_secs(3600));
        assert_eq!(limiter.reserve("GetPatients", &limit), Duration::ZERO);
        assert_eq!(limiter.reserve("GetCharges", &limit), Duration::ZERO);
        assert!(limiter.reserve("GetPatients", &limit) > Duration::from_secs(3000));
    }

    #[test]
    fn a_hold_delays_the_next_slot() {
        let limiter = Limiter::default();
        let limit = RateLimit::new(1, Duration::from_millis(10));
        limiter.hold("GetCharges", &limit, Duration::from_secs(60));
        assert!(limiter.reserve("GetCharges", &limit) > Duration::from_secs(59));
        assert_eq!(limiter.reserve("GetPatients", &limit), Duration::ZERO);
    }

    #[test]
    fn zero_limits_are_rejected() {
        assert!(RateLimit::new(0, Duration::from_secs(1)).validate().is_err());
        assert!(RateLimit::new(1, Duration::ZERO).validate().is_err());
        assert!(RateLimit::per_second(5).validate().is_ok());
    }
}
