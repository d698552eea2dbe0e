//! When to retry, and how long to wait: exponential backoff with jitter.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use crate::error::Error;

/// Automatic retries.
///
/// A failed call is tried again only when all of these hold:
/// - the error [is retryable](Error::is_retryable) (connection problems, timeouts, throttling,
///   some HTTP statuses, a truncated response);
/// - fewer than [`max_attempts`](Self::max_attempts) attempts were made;
/// - the operation is read-only (`Get…`, declared in the WSDL overrides), **or** the request
///   provably never reached the server (no connection, failed TLS handshake) and
///   [`retry_unsent_writes`](Self::retry_unsent_writes) is on. A create, update or delete whose
///   bytes may have reached Kareo is never sent twice: that could duplicate a patient or a
///   payment.
///
/// Waits grow exponentially from [`initial_backoff`](Self::initial_backoff), capped at
/// [`max_backoff`](Self::max_backoff), with random jitter (between half and all of the step). A
/// server's `Retry-After` is honoured when it is not longer than `max_backoff`; a longer one
/// ends the retries. A throttled call waits at least as long as the service asked (its
/// over-limit message or the published table, plus the margin: [`Error::retry_after`]), up to
/// [`max_throttle_wait`](Self::max_throttle_wait).
///
/// A write the service refused as over its limit is resent only with
/// [`retry_throttled_writes`](Self::retry_throttled_writes).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries). Default 3.
    pub max_attempts: u32,
    /// Wait before the first retry (before jitter). Default 500 ms.
    pub initial_backoff: Duration,
    /// Longest wait between attempts. Default 10 s.
    pub max_backoff: Duration,
    /// Longest wait a throttled call is retried after, when the service said how long to
    /// wait (its over-limit message, the published table, `Retry-After`). Default 60 s; a
    /// longer wait ends the retries, and the error carries it.
    pub max_throttle_wait: Duration,
    /// Also retry create/update/delete operations when the request provably never left the
    /// client (connection never established). Default off.
    pub retry_unsent_writes: bool,
    /// Also resend a create/update/delete operation that the service refused as over its
    /// limit (its over-limit answer, not an HTTP 429/503 from a proxy), after the wait the
    /// error states. Default off: the error carries the wait
    /// ([`Error::retry_after`]) and the caller decides.
    pub retry_throttled_writes: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_throttle_wait: Duration::from_secs(60),
            retry_unsent_writes: false,
            retry_throttled_writes: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Sets [`max_attempts`](Self::max_attempts).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Sets [`initial_backoff`](Self::initial_backoff) and [`max_backoff`](Self::max_backoff).
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// Sets [`retry_unsent_writes`](Self::retry_unsent_writes).
    pub fn with_retry_unsent_writes(mut self, on: bool) -> Self {
        self.retry_unsent_writes = on;
        self
    }

    /// Sets [`retry_throttled_writes`](Self::retry_throttled_writes).
    pub fn with_retry_throttled_writes(mut self, on: bool) -> Self {
        self.retry_throttled_writes = on;
        self
    }

    /// Whether a call of an operation (`read_only` as declared) that failed with `error` on
    /// attempt `attempt` (1-based) may be tried again.
    pub fn should_retry(&self, read_only: bool, error: &Error, attempt: u32) -> bool {
        if attempt >= self.max_attempts || !error.is_retryable() {
            return false;
        }
        if !read_only {
            let unsent = self.retry_unsent_writes && !error.may_have_reached_server();
            let refused = self.retry_throttled_writes && matches!(error, Error::Throttled { status: None, .. });
            if !unsent && !refused {
                return false;
            }
        }
        let longest = match error {
            Error::Throttled { .. } => self.max_backoff.max(self.max_throttle_wait),
            _ => self.max_backoff,
        };
        match error.retry_after() {
            Some(wait) => wait <= longest,
            None => true,
        }
    }

    /// The wait before attempt `attempt + 1`, without jitter: `initial · 2^(attempt-1)`,
    /// capped.
    pub fn step(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// The wait before attempt `attempt + 1`: the step with jitter, at least the server's
    /// `Retry-After`.
    pub(crate) fn delay(&self, attempt: u32, retry_after: Option<Duration>, jitter: &mut Jitter) -> Duration {
        let step = self.step(attempt);
        let half = step / 2;
        let span = step.saturating_sub(half).as_nanos() as u64;
        let extra = if span == 0 { 0 } else { jitter.next() % (span + 1) };
        let wait = half + Duration::from_nanos(extra);
        match retry_after {
            Some(server) => wait.max(server),
            None => wait,
        }
    }
}

/// A small xorshift64* generator for backoff jitter, seeded from the standard library's
/// per-process random hash keys (no cryptographic use).
#[derive(Debug, Clone)]
pub(crate) struct Jitter(u64);

impl Jitter {
    pub(crate) fn new() -> Self {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(0x9E37_79B9_7F4A_7C15);
        Jitter::seeded(h.finish())
    }

    pub(crate) fn seeded(seed: u64) -> Self {
        Jitter(seed | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TransportErrorKind;

    fn transport(kind: TransportErrorKind) -> Error {
        Error::Transport {
            operation: "X",
            kind,
            message: String::new(),
        }
    }

    #[test]
    fn steps_grow_and_cap() {
        let p = RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_millis(350));
        assert_eq!(p.step(1), Duration::from_millis(100));
        assert_eq!(p.step(2), Duration::from_millis(200));
        assert_eq!(p.step(3), Duration::from_millis(350));
        assert_eq!(p.step(64), Duration::from_millis(350));
    }

    #[test]
    fn jittered_delay_stays_between_half_and_full_step() {
        let p = RetryPolicy::default().with_backoff(Duration::from_millis(100), Duration::from_secs(1));
        let mut j = Jitter::seeded(42);
        let mut seen = std::collections::HashSet::new();
        for attempt in 1..=4 {
            let step = p.step(attempt);
            for _ in 0..200 {
                let d = p.delay(attempt, None, &mut j);
                assert!(d >= step / 2 && d <= step, "{d:?} outside [{:?}, {step:?}]", step / 2);
                seen.insert(d);
            }
        }
        assert!(seen.len() > 100, "jitter varies the waits");
        let d = p.delay(1, Some(Duration::from_millis(700)), &mut j);
        assert_eq!(d, Duration::from_millis(700), "Retry-After is a floor");
    }

    #[test]
    fn reads_retry_retryable_errors_only_within_attempts() {
        let p = RetryPolicy::default();
        assert!(p.should_retry(true, &transport(TransportErrorKind::Timeout), 1));
        assert!(p.should_retry(true, &transport(TransportErrorKind::Connection), 2));
        assert!(!p.should_retry(true, &transport(TransportErrorKind::Timeout), 3));
        assert!(!p.should_retry(true, &transport(TransportErrorKind::Tls), 1));
        assert!(!RetryPolicy::none().should_retry(true, &transport(TransportErrorKind::Connect), 1));
    }

    #[test]
    fn writes_retry_only_unsent_requests_and_only_when_allowed() {
        let default = RetryPolicy::default();
        let unsent = RetryPolicy::default().with_retry_unsent_writes(true);
        for kind in [TransportErrorKind::Timeout, TransportErrorKind::Connection] {
            assert!(!default.should_retry(false, &transport(kind), 1));
            assert!(
                !unsent.should_retry(false, &transport(kind), 1),
                "{kind:?} may have reached the server"
            );
        }
        let throttled = Error::Throttled {
            operation: "CreatePatient",
            status: Some(503),
            retry_after: None,
            message: String::new(),
        };
        assert!(!unsent.should_retry(false, &throttled, 1));
        assert!(!default.should_retry(false, &transport(TransportErrorKind::Connect), 1));
        assert!(unsent.should_retry(false, &transport(TransportErrorKind::Connect), 1));
    }

    #[test]
    fn long_retry_after_ends_retries() {
        let p = RetryPolicy::default().with_backoff(Duration::from_millis(10), Duration::from_secs(1));
        let e = |secs| Error::Throttled {
            operation: "GetPatients",
            status: Some(429),
            retry_after: Some(Duration::from_secs(secs)),
            message: String::new(),
        };
        assert!(p.should_retry(true, &e(1), 1));
        // A throttle's wait is honoured up to max_throttle_wait (60 s), beyond max_backoff.
        assert!(p.should_retry(true, &e(30), 1));
        assert!(!p.should_retry(true, &e(61), 1));
        let mut short = p.clone();
        short.max_throttle_wait = Duration::ZERO;
        assert!(!short.should_retry(true, &e(30), 1));
        assert!(short.should_retry(true, &e(1), 1), "max_backoff still allows 1 s");
    }

    #[test]
    fn a_write_refused_as_over_its_limit_is_resent_only_when_asked() {
        let throttled = |status| Error::Throttled {
            operation: "CreatePatient",
            status,
            retry_after: Some(Duration::from_millis(750)),
            message: "CreatePatient endpoint requested more than allowed".into(),
        };
        let (refused, proxy_busy) = (throttled(None), throttled(Some(503)));
        assert!(!RetryPolicy::default().should_retry(false, &refused, 1));
        let opted_in = RetryPolicy::default().with_retry_throttled_writes(true);
        assert!(opted_in.should_retry(false, &refused, 1));
        assert!(
            !opted_in.should_retry(false, &proxy_busy, 1),
            "a proxy's 503 may hide a write that ran"
        );
        assert!(!opted_in.should_retry(false, &refused, 3), "attempts still count");
    }
}
