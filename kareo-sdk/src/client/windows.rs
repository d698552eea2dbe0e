//! Long date ranges as several calls, each inside the service's window
//! ([`DateWindow`]): [`KareoClient::windows`].

use std::collections::HashSet;
use std::fmt;

use chrono::{Days, NaiveDate};

use super::KareoClient;
use crate::error::Error;
use crate::xml::DateWindow;

/// One call's range: both days are sent as the request's range ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// The first day.
    pub from: NaiveDate,
    /// The last day.
    pub to: NaiveDate,
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.from, self.to)
    }
}

/// Splits `from..=to` into windows of at most `days` days (both ends counted). Each window
/// starts on the day the one before it ends: whether the service reads the last day as
/// inclusive or exclusive, no day falls between two windows, and records of the shared day
/// that come twice are removed by identifier.
pub fn split_range(from: NaiveDate, to: NaiveDate, days: u32) -> Vec<Window> {
    let step = Days::new(u64::from(days.max(2) - 1));
    let mut windows = Vec::new();
    let mut start = from;
    loop {
        let end = start.checked_add_days(step).map_or(to, |e| e.min(to));
        windows.push(Window { from: start, to: end });
        if end >= to {
            return windows;
        }
        start = end;
    }
}

/// What [`Windows`] reports after each window.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WindowProgress {
    /// The window just read.
    pub window: Window,
    /// Its position, from 1.
    pub index: usize,
    /// How many windows the range has.
    pub windows: usize,
    /// New records this window brought (duplicates of earlier windows' records removed).
    pub records: usize,
    /// Records so far, over all windows read.
    pub total: usize,
    /// Records of this window already seen in an earlier one, removed.
    pub duplicates: usize,
    /// Placeholder records the client removed from this window's answer.
    pub placeholders_dropped: usize,
}

/// A date range of operation `O` read window by window: see [`KareoClient::windows`].
pub struct Windows<O: DateWindow> {
    client: KareoClient,
    request: O::Request,
    windows: Vec<Window>,
    next: usize,
    seen: HashSet<String>,
    total: usize,
}

impl<O: DateWindow> fmt::Debug for Windows<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Windows")
            .field("operation", &O::INFO.name)
            .field("windows", &self.windows)
            .field("next", &self.next)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl KareoClient {
    /// Reads operation `O` over the days `from..=to` as consecutive calls, each inside the
    /// service's window of [`O::MAX_DAYS`](DateWindow::MAX_DAYS) days (GetCharges' posting
    /// dates, GetAppointments' start dates; the service faults or answers nothing for wider
    /// ranges). `request` holds the other criteria; its range ends are replaced per window,
    /// written as `M/D/YYYY` ([`KareoDate::new`](crate::values::KareoDate::new), the form the
    /// service accepts).
    ///
    /// The calls go one after another, each under the operation's rate limit and retry
    /// policy. Records come in window order, each once: a record whose identifier an earlier
    /// window brought is removed ([`ListOperation::record_id`](crate::xml::ListOperation::record_id)).
    /// A failed window ends the run with [`Error::Window`], naming its range; records of the
    /// windows before it are never presented as the whole result.
    ///
    /// ```no_run
    /// # async fn run(client: kareo_sdk::client::KareoClient) -> Result<(), kareo_sdk::Error> {
    /// use chrono::NaiveDate;
    /// use kareo_sdk::operations::GetCharges;
    ///
    /// let year = (NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
    /// let charges = client
    ///     .windows::<GetCharges>(Default::default(), year.0, year.1)?
    ///     .collect(|p| eprintln!("{} of {}: {} charges", p.index, p.windows, p.total))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// An empty range (`to` before `from`) is an [`Error::InvalidInput`].
    pub fn windows<O: DateWindow>(
        &self,
        request: O::Request,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Windows<O>, Error> {
        self.windows_of::<O>(request, from, to, O::MAX_DAYS)
    }

    /// [`windows`](Self::windows) with windows of at most `days` days (from 2 to
    /// [`O::MAX_DAYS`](DateWindow::MAX_DAYS)), for a service that holds a range to less
    /// than it publishes.
    pub fn windows_of<O: DateWindow>(
        &self,
        request: O::Request,
        from: NaiveDate,
        to: NaiveDate,
        days: u32,
    ) -> Result<Windows<O>, Error> {
        let invalid = |message: String| Error::InvalidInput {
            operation: O::INFO.name,
            message,
        };
        if to < from {
            return Err(invalid(format!("the range {from}..{to} ends before it starts")));
        }
        if !(2..=O::MAX_DAYS.max(2)).contains(&days) {
            return Err(invalid(format!(
                "windows of {days} days: {} holds ranges to 2..={} days",
                O::INFO.name,
                O::MAX_DAYS
            )));
        }
        Ok(Windows {
            client: self.clone(),
            request,
            windows: split_range(from, to, days),
            next: 0,
            seen: HashSet::new(),
            total: 0,
        })
    }
}

impl<O: DateWindow> Windows<O> {
    /// The windows, in the order they are read.
    pub fn windows(&self) -> &[Window] {
        &self.windows
    }

    /// Reads the next window: its new records and what it brought, or `None` after the last.
    /// After an error the run is over (`None` follows).
    pub async fn next(&mut self) -> Option<Result<(Vec<O::Item>, WindowProgress), Error>> {
        let window = *self.windows.get(self.next)?;
        let index = self.next + 1;
        let mut request = self.request.clone();
        O::set_range(&mut request, day_text(window.from), day_text(window.to));
        let result = self.client.call_with_report::<O>(request).await;
        let (mut response, report) = match result {
            Ok(answer) => answer,
            Err(error) => {
                self.next = self.windows.len();
                return Some(Err(Error::Window {
                    operation: O::INFO.name,
                    from: window.from,
                    to: window.to,
                    index,
                    windows: self.windows.len(),
                    records_before: self.total,
                    error: Box::new(error),
                }));
            }
        };
        self.next += 1;
        let items = O::take_items(&mut response);
        let before = items.len();
        let seen = &mut self.seen;
        let fresh: Vec<O::Item> = items
            .into_iter()
            .filter(|item| match O::record_id(item) {
                Some(id) => seen.insert(id.into_owned()),
                None => true,
            })
            .collect();
        self.total += fresh.len();
        let progress = WindowProgress {
            window,
            index,
            windows: self.windows.len(),
            records: fresh.len(),
            total: self.total,
            duplicates: before - fresh.len(),
            placeholders_dropped: report.placeholders_dropped,
        };
        tracing::debug!(
            operation = O::INFO.name,
            window = %window,
            index,
            records = progress.records,
            duplicates = progress.duplicates,
            "window read"
        );
        Some(Ok((fresh, progress)))
    }

    /// Reads every window and returns all records, in order, each once; `progress` is called
    /// after each window. The first failed window is the error ([`Error::Window`]).
    pub async fn collect(mut self, mut progress: impl FnMut(&WindowProgress)) -> Result<Vec<O::Item>, Error> {
        let mut out = Vec::new();
        while let Some(window) = self.next().await {
            let (records, report) = window?;
            progress(&report);
            out.extend(records);
        }
        Ok(out)
    }
}

/// A day as the service's filters accept it (`6/2/2026`).
fn day_text(day: NaiveDate) -> String {
    crate::values::KareoDate::new(day).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn a_year_in_sixty_day_windows_leaves_no_gap_and_no_wide_window() {
        let (from, to) = (d(2026, 1, 1), d(2026, 12, 31));
        let windows = split_range(from, to, 60);
        assert_eq!(windows.len(), 7);
        assert_eq!(
            windows[0],
            Window {
                from,
                to: d(2026, 3, 1)
            }
        );
        assert_eq!(windows.last().map(|w| w.to), Some(to));
        for pair in windows.windows(2) {
            assert_eq!(pair[0].to, pair[1].from);
        }
        for w in &windows {
            assert!((w.to - w.from).num_days() <= 59, "{w}");
        }
    }

    #[test]
    fn a_short_range_is_one_window() {
        let day = d(2026, 6, 2);
        assert_eq!(split_range(day, day, 60), [Window { from: day, to: day }]);
        assert_eq!(split_range(day, d(2026, 6, 3), 2).len(), 1);
        assert_eq!(split_range(day, d(2026, 6, 4), 2).len(), 2);
    }

    #[test]
    fn window_ends_have_no_leading_zeros() {
        assert_eq!(day_text(d(2026, 6, 2)), "6/2/2026");
        assert_eq!(day_text(d(2026, 12, 31)), "12/31/2026");
    }
}
