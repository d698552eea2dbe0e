//! Response bodies of any size, generated while they are sent: a list response's frame around
//! as many records as asked for, cycling through a few encoded templates, in chunks of a set
//! size at a set rate. Nothing the size of the answer is ever held in memory.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use hyper::body::{Body, Frame, SizeHint};
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
    /// Ends the body inside record `n + 1` (from 1) after `n` whole records, its declared
    /// length still the whole answer's: a transfer cut short.
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

    /// Cut short inside the record after the first `n`.
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
        }
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
            return Poll::Ready(None);
        }
        let n = this.chunk.min(this.carry.len());
        let out = this.carry.split_to(n).freeze();
        this.sent += n as u64;
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
        // A cut body is never at its end: the connection closes before its declared length.
        self.stage == 3 && self.carry.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.body_len().saturating_sub(self.sent))
    }
}
