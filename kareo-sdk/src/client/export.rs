//! Every record of a list operation, across date windows × pages × records, in constant memory,
//! with a cursor to resume from: [`KareoClient::export`].

use std::collections::HashSet;
use std::fmt;
use std::ops::{RangeFull, RangeInclusive};
use std::str::FromStr;
use std::time::Duration;

use chrono::{Days, NaiveDate};

use super::stream::{ListStream, PagePosition};
use super::KareoClient;
use crate::error::Error;
use crate::values::KareoDateTime;
use crate::xml::{Credentialed, ListOperation};

/// One call's range: both days are sent as the request's range ends (shown `from..=to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// The first day.
    pub from: NaiveDate,
    /// The last day.
    pub to: NaiveDate,
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..={}", self.from, self.to)
    }
}

/// Splits `from..=to` into windows of at most `days` days (both ends counted). Each window
/// starts on the day the one before it ends: whether the service reads the last day as
/// inclusive or exclusive, no day falls between two windows, and records of the shared day
/// that come twice are delivered once (told apart by identifier).
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

/// The days an export covers: [`All`](Self::All) (`..`) sends the request's own criteria in
/// one pass; [`Days`](Self::Days) (`from..=to`) runs a windowed operation's range window by
/// window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportRange {
    /// No range of the export's own: the request as it is.
    All,
    /// The days `from..=to`, split into the operation's windows.
    Days {
        /// The first day.
        from: NaiveDate,
        /// The last day.
        to: NaiveDate,
    },
}

impl From<RangeFull> for ExportRange {
    fn from(_: RangeFull) -> Self {
        ExportRange::All
    }
}

impl From<RangeInclusive<NaiveDate>> for ExportRange {
    fn from(r: RangeInclusive<NaiveDate>) -> Self {
        ExportRange::Days {
            from: *r.start(),
            to: *r.end(),
        }
    }
}

impl From<(NaiveDate, NaiveDate)> for ExportRange {
    fn from((from, to): (NaiveDate, NaiveDate)) -> Self {
        ExportRange::Days { from, to }
    }
}

/// How far an [`Export`] has come: enough to draw a progress bar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportProgress {
    /// Records delivered, over the whole export (a resumed one counts those before it too).
    pub records: u64,
    /// Pages asked for in this run: one per call of an operation without pages (a window's
    /// answer is one page).
    pub pages: u64,
    /// The window being read, for a ranged export (`None` once all are read).
    pub window: Option<Window>,
    /// Its position, from 1 ("window 3 of 7"); `windows` once all are read.
    pub window_number: usize,
    /// Windows read to their end.
    pub windows_done: usize,
    /// Windows in all (1 for an export without a range).
    pub windows: usize,
    /// HTTP calls made in this run (retries included).
    pub calls: u64,
    /// Time spent waiting for the operations' rate limits in this run.
    pub throttle_wait: Duration,
    /// Over-limit answers the client waited out and retried.
    pub throttled: u64,
    /// Response bytes received in this run (after decompression).
    pub bytes: u64,
    /// Records of a window's first day that the window before it delivered already, skipped.
    pub duplicates: u64,
    /// Placeholder records dropped.
    pub placeholders_dropped: u64,
}

impl ExportProgress {
    /// Adds what a page stream did.
    fn add_stream<O: ListOperation>(&mut self, s: &ListStream<O>) {
        let r = s.report();
        self.pages += s.pages();
        self.calls += u64::from(r.attempts);
        self.throttle_wait += r.rate_limit_wait;
        self.throttled += u64::from(r.throttled);
        self.bytes += s.bytes_received();
        self.placeholders_dropped += s.placeholders_dropped();
    }
}

/// Where an [`Export`] stands: the window, the page and the records of that page delivered,
/// and the identifiers of the records on the day the window shares with the next. Small and
/// serializable: `to_string()` gives one line of text, [`FromStr`] reads it back.
///
/// [`Export::resume`] continues from it with no record twice and none missing, after a crash,
/// a cut transfer or a spent retry budget: it asks for the cursor's page again, reads past the
/// records already delivered (checking that the last of them is the one the cursor saw) and
/// goes on from there. It names its operation, range and request (a digest, secrets left out):
/// a cursor of another export is refused. Its size is a few dozen bytes plus the identifiers of
/// the records on the day two windows share (for 50,000 charges a year, about 137 a day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportCursor {
    operation: String,
    request: u64,
    range: Option<(NaiveDate, NaiveDate)>,
    window_days: u32,
    window: usize,
    page: PagePosition,
    records: u64,
    boundary: Vec<String>,
    next_boundary: Vec<String>,
}

impl ExportCursor {
    /// The operation the cursor belongs to.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// Records delivered before it.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// The window it stands in (from 0).
    pub fn window(&self) -> usize {
        self.window
    }

    /// The page it stands in, and the records of that page delivered.
    pub fn page(&self) -> &PagePosition {
        &self.page
    }
}

const CURSOR_TAG: &str = "kareo-export-cursor/1";

impl fmt::Display for ExportCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let range = match self.range {
            Some((from, to)) => format!("{from}..={to}"),
            None => "..".to_owned(),
        };
        let list = |ids: &[String]| ids.iter().map(|i| escape(i)).collect::<Vec<_>>().join(",");
        write!(
            f,
            "{CURSOR_TAG} op={} req={:016x} range={range} days={} window={} key={} page={} last={} records={} boundary={} next={}",
            escape(&self.operation),
            self.request,
            self.window_days,
            self.window,
            self.page.key.as_deref().map(|k| format!("+{}", escape(k))).unwrap_or_default(),
            self.page.records,
            self.page.last_id.as_deref().map(|k| format!("+{}", escape(k))).unwrap_or_default(),
            self.records,
            list(&self.boundary),
            list(&self.next_boundary),
        )
    }
}

/// Why a cursor's text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an export cursor: {0}")]
pub struct CursorParseError(String);

impl FromStr for ExportCursor {
    type Err = CursorParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |what: &str| CursorParseError(what.to_owned());
        let mut parts = s.trim().split(' ');
        if parts.next() != Some(CURSOR_TAG) {
            return Err(bad("it does not start with kareo-export-cursor/1"));
        }
        let mut fields = std::collections::HashMap::new();
        for part in parts {
            let (k, v) = part.split_once('=').ok_or_else(|| bad("a field without `=`"))?;
            if fields.insert(k, v).is_some() {
                return Err(bad(&format!("`{k}` twice")));
            }
        }
        let field = |k: &str| fields.get(k).copied().ok_or_else(|| bad(&format!("no `{k}`")));
        let number = |k: &str| -> Result<u64, CursorParseError> {
            field(k)?.parse().map_err(|_| bad(&format!("`{k}` is not a number")))
        };
        let optional = |k: &str| -> Result<Option<String>, CursorParseError> {
            match field(k)? {
                "" => Ok(None),
                v => v
                    .strip_prefix('+')
                    .map(unescape)
                    .transpose()?
                    .map(Some)
                    .ok_or_else(|| bad(&format!("`{k}` is malformed"))),
            }
        };
        let list = |k: &str| -> Result<Vec<String>, CursorParseError> {
            match field(k)? {
                "" => Ok(Vec::new()),
                v => v.split(',').map(unescape).collect(),
            }
        };
        let range = match field("range")? {
            ".." => None,
            r => {
                let (a, b) = r.split_once("..=").ok_or_else(|| bad("`range` is malformed"))?;
                let day = |t: &str| NaiveDate::from_str(t).map_err(|_| bad("`range` is malformed"));
                Some((day(a)?, day(b)?))
            }
        };
        let small = |k: &str| -> Result<u32, CursorParseError> {
            u32::try_from(number(k)?).map_err(|_| bad(&format!("`{k}` is too large")))
        };
        Ok(ExportCursor {
            operation: unescape(field("op")?)?,
            request: u64::from_str_radix(field("req")?, 16).map_err(|_| bad("`req` is malformed"))?,
            range,
            window_days: small("days")?,
            window: small("window")? as usize,
            page: PagePosition {
                key: optional("key")?,
                records: number("page")?,
                last_id: optional("last")?,
            },
            records: number("records")?,
            boundary: list("boundary")?,
            next_boundary: list("next")?,
        })
    }
}

/// Percent-encodes what would break the cursor's line: `%`, space, `,`, `=`, `+` and controls.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | ' ' | ',' | '=' | '+') || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn unescape(s: &str) -> Result<String, CursorParseError> {
    let bad = || CursorParseError("a malformed %-escape".to_owned());
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or_else(bad)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}

/// Every record of list operation `O`: see [`KareoClient::export`].
pub struct Export<O: ListOperation> {
    client: KareoClient,
    request: O::Request,
    digest: u64,
    range: Option<(NaiveDate, NaiveDate)>,
    window_days: u32,
    windows: Vec<Window>,
    /// The window being read (from 0).
    index: usize,
    stream: Option<ListStream<O>>,
    /// Where the next stream opened starts (a resumed export's page).
    start: PagePosition,
    /// Identifiers delivered by the window before on the day it shares with this one.
    boundary: HashSet<String>,
    /// Identifiers this window delivered on the day it shares with the next (or of no
    /// readable day).
    next_boundary: HashSet<String>,
    /// Records delivered before this window.
    records_before_window: u64,
    progress: ExportProgress,
    done: bool,
}

impl<O: ListOperation> fmt::Debug for Export<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Export")
            .field("operation", &O::INFO.name)
            .field("windows", &self.windows)
            .field("progress", &self.progress)
            .finish_non_exhaustive()
    }
}

impl KareoClient {
    /// Every record of list operation `O`, one at a time, across the range's date windows, each
    /// window's pages and each page's records, in memory that depends on neither the range
    /// nor the number of records; with [progress](Export::progress) and a
    /// [cursor](Export::cursor) to [resume](Export::resume) from.
    ///
    /// - **Pages** ([`ListOperation::PAGING`], `GetAllPatients`): every page is read, each
    ///   next key sent back until none comes (see [`ListStream`]).
    /// - **Windows** ([`DateWindow`](crate::xml::DateWindow): `GetCharges`' posting dates,
    ///   `GetAppointments`' dates): `range` `from..=to` is read as consecutive calls, each inside
    ///   the service's window of days, its ends written as `M/D/YYYY`. Windows share their
    ///   boundary day (no day is lost whether the service reads an end as inclusive or
    ///   exclusive); a record of that day that both bring is delivered once. Only the
    ///   identifiers of that day's records are kept.
    /// - `range` `..` ([`ExportRange::All`]) sends the request as it is, in one pass.
    ///
    /// Calls go one after another, each under the operation's rate limit (its published
    /// throttle plus margin) and retry policy. A failure ends the export: the error of a ranged
    /// export is [`Error::Window`], naming the window's range, around the cause; a cut
    /// transfer is [`Error::StreamInterrupted`]. [`Export::cursor`] then says where to resume.
    ///
    /// ```no_run
    /// # async fn run(client: kareo_sdk::client::KareoClient) -> Result<(), kareo_sdk::Error> {
    /// use kareo_sdk::operations::{GetAllPatients, GetCharges};
    /// use kareo_sdk::types::{GetAllPatientsReq, GetChargesReq};
    /// use kareo_sdk::values::NaiveDate;
    ///
    /// // Every patient, page after page.
    /// let mut patients = client.export::<GetAllPatients>(GetAllPatientsReq::new(), ..)?;
    /// while let Some(patient) = patients.next().await {
    ///     println!("{:?}", patient?.id_value()?); // Some(PatientId(4711))
    /// }
    ///
    /// // A year of charges, window after window.
    /// let (from, to) = (NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
    /// let mut charges = client.export::<GetCharges>(GetChargesReq::new(), from..=to)?;
    /// while let Some(charge) = charges.next().await {
    ///     let charge = charge?;
    ///     // ... write the charge, then keep `charges.cursor().to_string()` with it.
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// Refused before any call ([`Error::InvalidInput`]): a range that ends before it starts,
    /// and a range of days for an operation without a date window.
    pub fn export<O: ListOperation>(
        &self,
        request: O::Request,
        range: impl Into<ExportRange>,
    ) -> Result<Export<O>, Error> {
        let invalid = |message: String| Error::InvalidInput {
            operation: O::INFO.name,
            message,
        };
        let (range, window_days, windows) = match range.into() {
            ExportRange::All => (None, 0, vec![]),
            ExportRange::Days { from, to } => {
                let Some(w) = O::DATE_WINDOW else {
                    return Err(invalid(format!(
                        "{} has no date window: export it with the range `..` and its own filter",
                        O::INFO.name
                    )));
                };
                if to < from {
                    return Err(invalid(format!("the range {from}..={to} ends before it starts")));
                }
                (Some((from, to)), w.max_days, split_range(from, to, w.max_days))
            }
        };
        Ok(Export {
            client: self.clone(),
            digest: request_digest::<O>(&request),
            request,
            range,
            window_days,
            progress: ExportProgress {
                windows: windows.len().max(1),
                window: windows.first().copied(),
                window_number: 1,
                ..ExportProgress::default()
            },
            windows,
            index: 0,
            stream: None,
            start: PagePosition::default(),
            boundary: HashSet::new(),
            next_boundary: HashSet::new(),
            records_before_window: 0,
            done: false,
        })
    }
}

impl<O: ListOperation> Export<O> {
    /// Windows of at most `days` days (from 2 to the operation's window), for a service that
    /// holds a range to less than it publishes. Before the first record only.
    pub fn window_days(mut self, days: u32) -> Result<Self, Error> {
        let Some((from, to)) = self.range else {
            return Err(self.invalid("window_days needs a range of days".to_owned()));
        };
        if !(2..=self.window_days.max(2)).contains(&days) {
            return Err(self.invalid(format!(
                "windows of {days} days: {} holds ranges to 2..={} days",
                O::INFO.name,
                self.window_days
            )));
        }
        if self.started() {
            return Err(self.invalid("window_days after the export started".to_owned()));
        }
        self.window_days = days;
        self.windows = split_range(from, to, days);
        self.progress.windows = self.windows.len();
        self.progress.window = self.windows.first().copied();
        Ok(self)
    }

    /// Continues from `cursor` (taken from an export of the same operation, range, window
    /// size and request): the next record is the one after the cursor's last. Before the
    /// first record only. A cursor of another export is refused ([`Error::InvalidInput`]).
    pub fn resume(mut self, cursor: &ExportCursor) -> Result<Self, Error> {
        if cursor.operation != O::INFO.name {
            return Err(self.invalid(format!("the cursor is of {}, not {}", cursor.operation, O::INFO.name)));
        }
        if cursor.range != self.range || cursor.window_days != self.window_days {
            let show = |r: Option<(NaiveDate, NaiveDate)>, days: u32| match r {
                Some((a, b)) => format!("{a}..={b} in windows of {days} days"),
                None => "no range".to_owned(),
            };
            return Err(self.invalid(format!(
                "the cursor is of {}, this export of {}",
                show(cursor.range, cursor.window_days),
                show(self.range, self.window_days)
            )));
        }
        if cursor.request != self.digest {
            return Err(self.invalid("the cursor is of an export with another request".to_owned()));
        }
        if cursor.window > self.windows.len().max(1) {
            return Err(self.invalid(format!("the cursor's window {} is past the range", cursor.window + 1)));
        }
        if self.started() {
            return Err(self.invalid("resume after the export started".to_owned()));
        }
        self.index = cursor.window;
        self.start = cursor.page.clone();
        self.boundary = cursor.boundary.iter().cloned().collect();
        self.next_boundary = cursor.next_boundary.iter().cloned().collect();
        self.progress.records = cursor.records;
        self.progress.windows_done = cursor.window;
        self.progress.window = self.windows.get(cursor.window).copied();
        self.progress.window_number = (cursor.window + 1).min(self.progress.windows);
        self.records_before_window = cursor.records;
        Ok(self)
    }

    /// Where the export stands: after the last record [`next`](Self::next) returned. Keep it
    /// with the records written (or after them), and [`resume`](Self::resume) from it.
    pub fn cursor(&self) -> ExportCursor {
        let page = match &self.stream {
            Some(s) => s.position(),
            None => self.start.clone(),
        };
        let sorted = |set: &HashSet<String>| {
            let mut v: Vec<String> = set.iter().cloned().collect();
            v.sort_unstable();
            v
        };
        ExportCursor {
            operation: O::INFO.name.to_owned(),
            request: self.digest,
            range: self.range,
            window_days: self.window_days,
            window: self.index,
            page,
            records: self.progress.records,
            boundary: sorted(&self.boundary),
            next_boundary: sorted(&self.next_boundary),
        }
    }

    /// How far the export has come.
    pub fn progress(&self) -> ExportProgress {
        let mut p = self.progress.clone();
        if let Some(s) = &self.stream {
            p.add_stream(s);
        }
        p
    }

    /// The windows, in the order they are read (none for an export without a range).
    pub fn windows(&self) -> &[Window] {
        &self.windows
    }

    /// The next record; `None` after the last, or after an error (the export is over; resume
    /// a new one from [`cursor`](Self::cursor)).
    pub async fn next(&mut self) -> Option<Result<O::Item, Error>> {
        loop {
            if self.done {
                return None;
            }
            if self.stream.is_none() {
                if self.index >= self.windows.len().max(1) {
                    self.done = true;
                    return None;
                }
                let mut request = self.request.clone();
                if let Some(w) = self.windows.get(self.index) {
                    O::set_date_range(&mut request, day_text(w.from), day_text(w.to));
                }
                let at = std::mem::take(&mut self.start);
                match self.client.open_list::<O>(request, false, at).await {
                    Ok(stream) => self.stream = Some(stream),
                    Err(e) => return self.fail(e),
                }
            }
            let stream = self.stream.as_mut()?;
            match stream.next().await {
                Some(Ok(item)) => {
                    let id = O::record_id(&item);
                    if let (Some(id), Some(w)) = (&id, self.windows.get(self.index)) {
                        if self.index + 1 < self.windows.len() && on_or_after(O::record_date(&item), w.to) {
                            self.next_boundary.insert(id.to_string());
                        }
                        if self.boundary.contains(id.as_ref()) {
                            self.progress.duplicates += 1;
                            continue;
                        }
                    }
                    self.progress.records += 1;
                    return Some(Ok(item));
                }
                Some(Err(e)) => return self.fail(e),
                None => {
                    self.fold_stream();
                    self.index += 1;
                    self.progress.windows_done = self.index;
                    self.progress.window = self.windows.get(self.index).copied();
                    self.progress.window_number = (self.index + 1).min(self.progress.windows);
                    self.boundary = std::mem::take(&mut self.next_boundary);
                    self.records_before_window = self.progress.records;
                    if let Some(w) = self.windows.get(self.index - 1) {
                        tracing::debug!(operation = O::INFO.name, window = %w, records = self.progress.records, "window read");
                    }
                }
            }
        }
    }

    /// Reads every remaining record into a vector: the whole export in memory again, for
    /// ranges known to be small.
    pub async fn collect(mut self) -> Result<Vec<O::Item>, Error> {
        let mut out = Vec::new();
        while let Some(item) = self.next().await {
            out.push(item?);
        }
        Ok(out)
    }

    /// Adds the finished stream's counts to the progress.
    fn fold_stream(&mut self) {
        if let Some(s) = self.stream.take() {
            self.progress.add_stream(&s);
            // Where a resumed export continues: the next window's first page.
            self.start = PagePosition::default();
        }
    }

    fn fail(&mut self, error: Error) -> Option<Result<O::Item, Error>> {
        self.done = true;
        let error = match self.windows.get(self.index) {
            Some(w) => Error::Window {
                operation: O::INFO.name,
                from: w.from,
                to: w.to,
                index: self.index + 1,
                windows: self.windows.len(),
                records_before: usize::try_from(self.records_before_window).unwrap_or(usize::MAX),
                error: Box::new(error),
            },
            None => error,
        };
        Some(Err(error))
    }

    /// Whether a record was asked for (or a cursor taken up) already.
    fn started(&self) -> bool {
        self.stream.is_some() || self.index > 0 || self.progress.records > 0
    }

    fn invalid(&self, message: String) -> Error {
        Error::InvalidInput {
            operation: O::INFO.name,
            message,
        }
    }
}

/// Whether a record's day is `day` or later; a record without a readable day is counted as
/// such (it is remembered, so it can never come twice).
fn on_or_after(text: Option<&str>, day: NaiveDate) -> bool {
    match text.and_then(|t| t.parse::<KareoDateTime>().ok()) {
        Some(d) => d.date() >= day,
        None => true,
    }
}

/// A day as the service's filters accept it (`6/2/2026`).
fn day_text(day: NaiveDate) -> String {
    crate::values::KareoDate::new(day).to_string()
}

/// A digest of the request as the caller gave it, secrets masked: FNV-1a over its envelope
/// (stable across builds, unlike `std`'s hasher).
fn request_digest<O: ListOperation>(request: &O::Request) -> u64 {
    let mut masked = request.clone();
    masked.mask_secrets();
    let text = crate::envelope::write_request::<O>(&masked).unwrap_or_default();
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
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

    #[test]
    fn a_cursor_reads_back_as_it_was_written() {
        let cursor = ExportCursor {
            operation: "GetCharges".into(),
            request: 0xdead_beef,
            range: Some((d(2026, 1, 1), d(2026, 12, 31))),
            window_days: 60,
            window: 3,
            page: PagePosition {
                key: Some("a key, with = and %".into()),
                records: 17,
                last_id: Some("x+y".into()),
            },
            records: 1234,
            boundary: vec!["1".into(), "2 3".into()],
            next_boundary: vec![],
        };
        let text = cursor.to_string();
        assert!(!text.contains('\n'));
        assert_eq!(text.parse::<ExportCursor>(), Ok(cursor));
        let plain = ExportCursor {
            range: None,
            page: PagePosition::default(),
            boundary: vec![],
            ..ExportCursor::from_str(&text).unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(plain.to_string().parse::<ExportCursor>(), Ok(plain));
    }

    #[test]
    fn malformed_cursors_are_refused() {
        for text in [
            "",
            "kareo-export-cursor/2 op=X",
            "kareo-export-cursor/1 op=X",
            "kareo-export-cursor/1 op=X req=zz range=.. days=0 window=0 key= page=0 last= records=0 boundary= next=",
            "kareo-export-cursor/1 op=X req=1 range=2026-01-01 days=0 window=0 key= page=0 last= records=0 boundary= next=",
            "kareo-export-cursor/1 op=X req=1 range=.. days=0 window=0 key=k page=0 last= records=0 boundary= next=",
            "kareo-export-cursor/1 op=X req=1 range=.. days=0 window=0 key= page=0 last= records=0 boundary=%G1 next=",
            "kareo-export-cursor/1 op=X op=Y req=1 range=.. days=0 window=0 key= page=0 last= records=0 boundary= next=",
        ] {
            assert!(text.parse::<ExportCursor>().is_err(), "{text}");
        }
    }

    #[test]
    fn records_without_a_readable_day_are_remembered() {
        let day = d(2026, 3, 1);
        assert!(on_or_after(None, day));
        assert!(on_or_after(Some("not a date"), day));
        assert!(on_or_after(Some("3/1/2026"), day));
        assert!(on_or_after(Some("3/1/2026 1:00:00 PM"), day));
        assert!(!on_or_after(Some("2/28/2026"), day));
        assert!(on_or_after(Some("2026-03-02"), day));
    }
}
