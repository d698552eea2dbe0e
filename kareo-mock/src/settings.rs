//! [`Settings`]: which of the service's behaviours the mock reproduces, and its bounds.

use std::time::Duration;

/// Which of the real service's behaviours the mock reproduces. Every one is on by default
/// ([`Settings::default`]); turn one off to test code that does not deal with it yet.
///
/// ```
/// use kareo_mock::Settings;
///
/// let settings = Settings::default().throttles(false).date_window(false);
/// assert!(!settings.throttles && settings.placeholders);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// Per-operation throttles: a call within an operation's interval of the last accepted
    /// one (a gap of exactly the interval included) is answered HTTP 200 with
    /// `ErrorResponse.IsError = true` and the service's over-limit message. The intervals are
    /// the vendor's published table ([`MockKareo::throttle_table`](crate::MockKareo::throttle_table)).
    pub throttles: bool,
    /// Date windows: a request of a windowed operation whose range spans more days than its
    /// window (both ends counted) is answered with a validation error (HTTP 200,
    /// `IsError = true`). The operations, range members and days are the SDK's contract data
    /// ([`windows::all`](crate::windows::all)): `GetCharges` (`FromPostingDate`..`ToPostingDate`)
    /// and `GetAppointments` (`StartDate`..`EndDate`), 60 days each.
    pub date_window: bool,
    /// A list read that matches nothing answers one empty placeholder record (a self-closing
    /// `<ChargeData/>`), not an empty list.
    pub placeholders: bool,
    /// A list read without its `Filter` element is answered with the null-reference fault
    /// (HTTP 500, `Object reference not set to an instance of an object.`); off, it reads as
    /// an empty filter.
    pub require_filter: bool,
    /// Requests are read as WCF's `DataContractSerializer` reads them: a member out of
    /// sequence order or in a namespace its type does not declare is ignored (and counted,
    /// [`MockKareo::ignored_members`](crate::MockKareo::ignored_members)); off, the mock
    /// reads members in any order.
    pub strict_order: bool,
    /// A `SOAPAction` that names no operation (or is not double-quoted) is answered with
    /// WCF's `ActionNotSupported` fault (HTTP 500); off, the operation is taken from the body.
    pub check_action: bool,
    /// Wrong credentials are answered HTTP 200 with a failed `SecurityResponse`, as the
    /// service does; off, any credentials are accepted.
    pub check_credentials: bool,
    /// How much the mock serves before it stops.
    pub bounds: Bounds,
}

impl Default for Settings {
    /// Every behaviour on; [`Bounds::default`].
    fn default() -> Self {
        Settings {
            throttles: true,
            date_window: true,
            placeholders: true,
            require_filter: true,
            strict_order: true,
            check_action: true,
            check_credentials: true,
            bounds: Bounds::default(),
        }
    }
}

impl Settings {
    /// Every behaviour off: a mock that answers whatever it is sent, as fast as it is called.
    /// Credentials and the `SOAPAction` are still checked.
    pub fn lenient() -> Self {
        Settings {
            throttles: false,
            date_window: false,
            placeholders: false,
            require_filter: false,
            strict_order: false,
            ..Settings::default()
        }
    }

    /// With [`throttles`](Settings::throttles) on or off.
    pub fn throttles(mut self, on: bool) -> Self {
        self.throttles = on;
        self
    }

    /// With [`date_window`](Settings::date_window) on or off.
    pub fn date_window(mut self, on: bool) -> Self {
        self.date_window = on;
        self
    }

    /// With [`placeholders`](Settings::placeholders) on or off.
    pub fn placeholders(mut self, on: bool) -> Self {
        self.placeholders = on;
        self
    }

    /// With [`require_filter`](Settings::require_filter) on or off.
    pub fn require_filter(mut self, on: bool) -> Self {
        self.require_filter = on;
        self
    }

    /// With [`strict_order`](Settings::strict_order) on or off.
    pub fn strict_order(mut self, on: bool) -> Self {
        self.strict_order = on;
        self
    }

    /// With [`check_action`](Settings::check_action) on or off.
    pub fn check_action(mut self, on: bool) -> Self {
        self.check_action = on;
        self
    }

    /// With [`check_credentials`](Settings::check_credentials) on or off.
    pub fn check_credentials(mut self, on: bool) -> Self {
        self.check_credentials = on;
        self
    }

    /// With these bounds.
    pub fn bounds(mut self, bounds: Bounds) -> Self {
        self.bounds = bounds;
        self
    }
}

/// How much a mock serves: it binds loopback only, and stops after these.
///
/// The defaults do not stop a long export or a benchmark: a client keeps its connection
/// open across calls, so a 100-page export is 100 requests (of 1,000,000) on one or a few
/// connections (of 100,000), and at the published 5 s of `GetAllPatients` (plus a client's
/// margin) it takes about 9 minutes (of 30). Records are bounded separately:
/// [`MAX_RECORDS`](crate::MAX_RECORDS) of each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Bounds {
    /// Requests answered; later ones get HTTP 503.
    pub max_requests: usize,
    /// Connections accepted over the mock's life; it stops accepting after them.
    pub max_connections: usize,
    /// Connections open at once; more wait to be accepted.
    pub max_open_connections: usize,
    /// Largest request body read; a larger one gets HTTP 413.
    pub max_body_bytes: usize,
    /// How long the mock runs at most, whatever happens.
    pub lifetime: Duration,
}

impl Default for Bounds {
    /// 1,000,000 requests, 100,000 connections (256 at once), 16 MiB bodies, 30 minutes.
    fn default() -> Self {
        Bounds {
            max_requests: 1_000_000,
            max_connections: 100_000,
            max_open_connections: 256,
            max_body_bytes: 16 * 1024 * 1024,
            lifetime: Duration::from_secs(30 * 60),
        }
    }
}

impl Bounds {
    /// With at most `n` requests answered.
    pub fn max_requests(mut self, n: usize) -> Self {
        self.max_requests = n;
        self
    }

    /// With at most `n` connections accepted.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n;
        self
    }

    /// With at most `n` connections open at once.
    pub fn max_open_connections(mut self, n: usize) -> Self {
        self.max_open_connections = n.max(1);
        self
    }

    /// With request bodies of at most `n` bytes.
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.max_body_bytes = n;
        self
    }

    /// Stopping after `lifetime`.
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }
}
