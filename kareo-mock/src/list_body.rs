//! Response bodies of any size, generated while they are sent: a list response's frame around
//! as many records as asked for, cycling through a few encoded templates, in chunks of a set
//! size at a set rate. Nothing the size of the answer is ever held in memory.
//!
//! # A cut body, exactly
//!
//! [`ListBody::cut_after`]`(n)` makes the mock send the HTTP head (its `Content-Length` the
//! whole answer's), the body up to and including the `n`-th whole record, then the first half
//! of record `n + 1` (never its end tag), and then close the connection: the client reads
//! exactly `n` whole records and then a body shorter than declared, a transport error. Every
//! time: the mock closes only once everything it wrote has reached the socket, and nothing in
//! that depends on timing.
//!
//! How: the body hands its last bytes to hyper and then never ends (an ended body shorter than
//! its declared length makes hyper fail the connection at once, dropping the head and records
//! still in its write buffer: a client then sees nothing, or fewer records, depending on how
//! much had been flushed). The connection's transport is told the cut is due; the next time
//! hyper flushes it (which hyper does only once its own buffer is written out) it shuts the
//! socket's write side down and fails, so hyper drops the connection.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use hyper::body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// How the mock sends a list answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListBody {
    /// Records in the answer.
    pub records: u64,
    /// Records with every member of the schema set (about 16 KB each for a patient), instead
    /// of the mock's few-field records.
    pub populated: bool,
    /// Pacing, in bytes per second (`None`: as fast as the connection takes them).
    pub bytes_per_second: Option<u64>,
    /// Size of each chunk written.
    pub chunk_bytes: usize,
    /// Ends the answer after `n` whole records and the first half of record `n + 1` (counting
    /// from 1), its declared length still the whole answer's, and closes the connection: a
    /// transfer cut short ([the exact contract](crate::list_body#a-cut-body-exactly)). No cut
    /// when the answer has `n` records or fewer.
    pub cut_after: Option<u64>,
}

impl ListBody {
    /// `records` records, sent unpaced in 64 KiB chunks.
    pub fn new(records: u64) -> Self {
        ListBody {
            records,
            populated: false,
            bytes_per_second: None,
            chunk_bytes: 64 * 1024,
            cut_after: None,
        }
    }

    /// Cut short after exactly `n` whole records: the client receives the head, everything
    /// before record `n + 1`, the first half of record `n + 1`, and then the connection closes
    /// ([the exact contract](crate::list_body#a-cut-body-exactly)). `cut_after(0)` sends the list's
    /// opening and half a record. With `n` at or past [`records`](ListBody::records), nothing
    /// is cut.
    pub fn cut_after(mut self, n: u64) -> Self {
        self.cut_after = Some(n);
        self
    }

    /// With every member of each record set.
    pub fn populated(mut self) -> Self {
        self.populated = true;
        self
    }

    /// Sent at `bytes_per_second` in chunks of `chunk_bytes`.
    pub fn paced(mut self, bytes_per_second: u64, chunk_bytes: usize) -> Self {
        self.bytes_per_second = Some(bytes_per_second.max(1));
        self.chunk_bytes = chunk_bytes.max(1);
        self
    }
}

/// The pieces a generated body is made of.
#[derive(Debug)]
pub struct Template {
    /// Everything before the first record.
    pub prefix: Bytes,
    /// Encoded records, used in turn.
    pub records: Vec<Bytes>,
    /// Everything after the last record.
    pub suffix: Bytes,
}

impl Template {
    /// The length of a body of `n` records.
    pub fn body_len(&self, n: u64) -> u64 {
        let cycle: u64 = self.records.iter().map(|r| r.len() as u64).sum();
        let k = self.records.len().max(1) as u64;
        let whole = n / k * cycle
            + self
                .records
                .iter()
                .take((n % k) as usize)
                .map(|r| r.len() as u64)
                .sum::<u64>();
        self.prefix.len() as u64 + whole + self.suffix.len() as u64
    }
}

/// A body generated from a [`Template`] as it is sent.
pub struct Generated {
    template: Arc<Template>,
    total: u64,
    cut_after: Option<u64>,
    next_record: u64,
    /// 0: prefix, 1: records, 2: suffix, 3: done.
    stage: u8,
    carry: BytesMut,
    chunk: usize,
    rate: Option<u64>,
    started: Instant,
    sent: u64,
    sleep: Option<Pin<Box<Sleep>>>,
    /// The connection's cut signal, when the body is served by the mock.
    cut: Option<Arc<CutSignal>>,
}

impl Generated {
    /// A body of `spec.records` records from `template`.
    pub fn new(template: Arc<Template>, spec: &ListBody) -> Self {
        Generated {
            template,
            total: spec.records,
            cut_after: spec.cut_after,
            next_record: 0,
            stage: 0,
            carry: BytesMut::new(),
            chunk: spec.chunk_bytes.max(1),
            rate: spec.bytes_per_second,
            started: Instant::now(),
            sent: 0,
            sleep: None,
            cut: None,
        }
    }

    /// Signals a cut to the connection's transport instead of ending the body early.
    pub(crate) fn with_cut_signal(mut self, cut: Arc<CutSignal>) -> Self {
        self.cut = Some(cut);
        self
    }

    /// Whether this body stops before its declared length.
    fn is_cut(&self) -> bool {
        self.cut_after.is_some_and(|n| n < self.total) && !self.template.records.is_empty()
    }

    /// The body's exact length.
    pub fn body_len(&self) -> u64 {
        self.template.body_len(self.total)
    }

    fn fill(&mut self) {
        while self.carry.len() < self.chunk && self.stage < 3 {
            match self.stage {
                0 => {
                    self.carry.extend_from_slice(&self.template.prefix);
                    self.stage = 1;
                }
                1 if self.next_record < self.total && !self.template.records.is_empty() => {
                    let i = (self.next_record % self.template.records.len() as u64) as usize;
                    let record = &self.template.records[i];
                    if self.cut_after == Some(self.next_record) {
                        self.carry.extend_from_slice(&record[..record.len() / 2]);
                        self.stage = 3;
                        return;
                    }
                    self.carry.extend_from_slice(record);
                    self.next_record += 1;
                }
                1 => self.stage = 2,
                _ => {
                    self.carry.extend_from_slice(&self.template.suffix);
                    self.stage = 3;
                }
            }
        }
    }
}

impl Body for Generated {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if let Some(sleep) = this.sleep.as_mut() {
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.sleep = None;
        }
        this.fill();
        if this.carry.is_empty() {
            if this.is_cut() && this.cut.is_some() {
                // Never ends: the transport closes the connection once the bytes before the
                // cut are on the socket (ending here would make hyper drop them unsent).
                return Poll::Pending;
            }
            return Poll::Ready(None);
        }
        let n = this.chunk.min(this.carry.len());
        let out = this.carry.split_to(n).freeze();
        this.sent += n as u64;
        if this.stage == 3 && this.carry.is_empty() {
            if let (true, Some(cut)) = (this.is_cut(), &this.cut) {
                cut.arm();
            }
        }
        if let Some(rate) = this.rate {
            // The next chunk is due when the bytes sent so far fill the time at this rate.
            let due = this.started + Duration::from_secs_f64(this.sent as f64 / rate as f64);
            if due > Instant::now() {
                this.sleep = Some(Box::pin(tokio::time::sleep_until(due)));
            }
        }
        Poll::Ready(Some(Ok(Frame::data(out))))
    }

    fn is_end_stream(&self) -> bool {
        // A cut body served by the mock never ends: its connection closes before its declared
        // length. Without a transport to close (a body used on its own), it ends at the cut.
        self.stage == 3 && self.carry.is_empty() && !(self.is_cut() && self.cut.is_some())
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.body_len().saturating_sub(self.sent))
    }
}

/// Shared by a connection's transport ([`CutIo`]) and the cut body it serves: set once the
/// body has handed hyper its last bytes before the cut.
#[derive(Debug, Default)]
pub(crate) struct CutSignal {
    armed: AtomicBool,
}

impl CutSignal {
    fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }

    fn is_armed(&self) -> bool {
        self.armed.load(Ordering::SeqCst)
    }
}

/// A connection's transport that closes the connection when a cut is due: the first flush
/// after the cut body handed over its last bytes (hyper flushes its transport only once its
/// own write buffer is written to it) shuts the write side down, so the client reads every
/// byte sent and then the end of the stream, and fails, so hyper drops the connection.
#[derive(Debug)]
pub(crate) struct CutIo<T> {
    inner: T,
    cut: Arc<CutSignal>,
}

impl<T> CutIo<T> {
    pub(crate) fn new(inner: T, cut: Arc<CutSignal>) -> Self {
        CutIo { inner, cut }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for CutIo<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for CutIo<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(Pin::new(&mut self.inner).poll_flush(cx))?;
        if !self.cut.is_armed() {
            return Poll::Ready(Ok(()));
        }
        std::task::ready!(Pin::new(&mut self.inner).poll_shutdown(cx))?;
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "the answer is cut short on purpose",
        )))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
