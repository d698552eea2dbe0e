//! List results read record by record as the response arrives ([`KareoClient::stream`]).

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;

use super::classify::{self, Redactor};
use super::transport::{BodyStream, HttpRequest, HttpResponse, StreamingResponse};
use super::{fmt_duration, transport_error, KareoClient};
use crate::error::{Error, TransportErrorKind};
use crate::xml::{DecodeError, ListOperation, ListSplitter, Step};

/// Longest a streamed exchange may last in all; the per-chunk wait is the request timeout.
const STREAM_MAX_DURATION: Duration = Duration::from_secs(24 * 3600);

/// The records of a list operation's response, read one at a time while the body arrives
/// (from [`KareoClient::stream`]).
///
/// Memory holds one record (bounded by [`StreamLimits`](crate::xml::StreamLimits)), whatever
/// the size of the answer. [`head`](Self::head) is the response as far as it came before the
/// records: a failure the service reports there (`IsError`, a failed security check, a
/// throttle) is the error of [`KareoClient::stream`] itself, never an empty stream. After the
/// last record, [`response`](Self::response) holds the whole response without its records
/// (the members after the list included).
///
/// A failure before the first record is retried like any read; after records were handed out
/// it is not retried: the error is [`Error::StreamInterrupted`], saying how many were
/// delivered. A body cut off inside a record ends in a decode error naming the record's index;
/// no partial record is ever handed out.
pub struct ListStream<O: ListOperation> {
    client: KareoClient,
    request: Bytes,
    redactor: Redactor,
    open: Open<O>,
    delivered: u64,
    /// Placeholder records skipped so far.
    placeholders_dropped: u64,
    response: Option<O::Response>,
    done: bool,
    /// Attempts made to read the records (the first open counts as one).
    attempts: u32,
}

/// An opened stream: the splitter over the body, or the records of a body that was read whole.
enum Open<O: ListOperation> {
    Streaming {
        /// The response up to the list.
        head: O::Response,
        splitter: Box<ListSplitter>,
        body: Box<dyn BodyStream>,
        status: u16,
        content_type: Option<String>,
    },
    /// The body held no list to stream (read as a whole response): its records, and the
    /// response without them.
    Whole {
        items: VecDeque<O::Item>,
        rest: O::Response,
    },
}

impl<O: ListOperation> std::fmt::Debug for ListStream<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListStream")
            .field("operation", &O::INFO.name)
            .field("delivered", &self.delivered)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl KareoClient {
    /// Calls list operation `O` and returns its records as a [`ListStream`], read while the
    /// response arrives, in memory that does not grow with the answer.
    ///
    /// Returns once the response's members before the list are in and checked: an
    /// `IsError`, security failure or throttle there is this method's error. Retried as
    /// [`call`](Self::call) is, up to the first record.
    pub async fn stream<O: ListOperation>(&self, mut request: O::Request) -> Result<ListStream<O>, Error> {
        let (body, redactor) = self.prepare::<O>(&mut request)?;
        let open = self
            .with_retries(&O::INFO, &mut super::CallReport::default(), |_| {
                self.open_stream::<O>(body.clone(), &redactor)
            })
            .await?;
        Ok(ListStream {
            client: self.clone(),
            request: body,
            redactor,
            open,
            delivered: 0,
            placeholders_dropped: 0,
            response: None,
            done: false,
            attempts: 1,
        })
    }

    /// One attempt at opening a stream: the request sent, the head of the answer read and
    /// checked.
    async fn open_stream<O: ListOperation>(&self, body: Bytes, redactor: &Redactor) -> Result<Open<O>, Error> {
        let info = O::INFO;
        let config = &self.inner.config;
        let request = HttpRequest {
            url: config.endpoint.clone(),
            soap_action: format!("\"{}\"", info.soap_action),
            body,
            timeout: STREAM_MAX_DURATION,
            head_timeout: config.response_head_timeout.min(config.request_timeout),
            max_response_bytes: usize::MAX,
        };
        let sent = tokio::time::timeout(config.request_timeout, self.inner.transport.send_streaming(request)).await;
        let response = match sent {
            Err(_) => {
                return Err(transport_error(
                    info.name,
                    TransportErrorKind::Timeout,
                    format!("no response head within {}", fmt_duration(config.request_timeout)),
                ))
            }
            Ok(Err(e)) => {
                return Err(transport_error(
                    info.name,
                    e.kind,
                    redactor.redact(&e.message).into_owned(),
                ))
            }
            Ok(Ok(r)) => r,
        };
        let StreamingResponse {
            status,
            content_type,
            retry_after,
            mut body,
        } = response;
        let whole_response = |body: Vec<u8>| HttpResponse {
            status,
            content_type: content_type.clone(),
            retry_after,
            body: Bytes::from(body),
        };
        if !(200..300).contains(&status) {
            // An error answer is read whole (bounded) and told apart as any call's is.
            let body = self.read_whole(&mut body, info.name, redactor).await?;
            return Err(
                classify::interpret::<O>(&whole_response(body), config.parse_limits(), redactor)
                    .err()
                    .unwrap_or_else(|| unexpected(info.name, status)),
            );
        }
        let limits = config.stream_limits;
        let mut splitter = Box::new(ListSplitter::new(O::LIST, info.soap_ns(), info.namespaces, limits));
        loop {
            let step = splitter.step().map_err(|e| decode_error(info.name, e, redactor))?;
            match step {
                Step::NeedMore => match self.next_chunk(&mut body, info.name, redactor).await? {
                    Some(chunk) => splitter
                        .feed(&chunk)
                        .map_err(|e| decode_error(info.name, e, redactor))?,
                    None => splitter.finish(),
                },
                Step::Head(head) => {
                    let head = classify::interpret::<O>(&whole_response(head), config.parse_limits(), redactor)?;
                    return Ok(Open::Streaming {
                        head,
                        splitter,
                        body,
                        status,
                        content_type,
                    });
                }
                Step::End(document) => {
                    // No list to stream: the body, read whole, is the answer.
                    if document.len() > config.max_response_bytes {
                        return Err(Error::ResponseTooLarge {
                            operation: info.name,
                            limit: config.max_response_bytes,
                        });
                    }
                    let mut rest =
                        classify::interpret::<O>(&whole_response(document), config.parse_limits(), redactor)?;
                    let items = O::take_items(&mut rest).into();
                    return Ok(Open::Whole { items, rest });
                }
                Step::Item(_) => return Err(unexpected(info.name, status)),
            }
        }
    }

    async fn next_chunk(
        &self,
        body: &mut Box<dyn BodyStream>,
        operation: &'static str,
        redactor: &Redactor,
    ) -> Result<Option<Bytes>, Error> {
        let idle = self.inner.config.request_timeout;
        match tokio::time::timeout(idle, body.next_chunk()).await {
            Err(_) => Err(transport_error(
                operation,
                TransportErrorKind::Timeout,
                format!("no data for {}", fmt_duration(idle)),
            )),
            Ok(Err(e)) => Err(transport_error(
                operation,
                e.kind,
                redactor.redact(&e.message).into_owned(),
            )),
            Ok(Ok(chunk)) => Ok(chunk),
        }
    }

    /// Reads a body whole, within the response limit.
    async fn read_whole(
        &self,
        body: &mut Box<dyn BodyStream>,
        operation: &'static str,
        redactor: &Redactor,
    ) -> Result<Vec<u8>, Error> {
        let limit = self.inner.config.max_response_bytes;
        let mut out = Vec::new();
        while let Some(chunk) = self.next_chunk(body, operation, redactor).await? {
            if out.len() + chunk.len() > limit {
                return Err(Error::ResponseTooLarge { operation, limit });
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }
}

impl<O: ListOperation> ListStream<O> {
    /// The response as far as it came before the records (its collection empty).
    pub fn head(&self) -> &O::Response {
        match &self.open {
            Open::Streaming { head, .. } => head,
            Open::Whole { rest, .. } => rest,
        }
    }

    /// How many records were handed out so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// How many placeholder records the stream skipped so far (records the service sends in
    /// place of data: see [`ListOperation::is_placeholder`]; none when the client keeps them,
    /// [`ClientBuilder::drop_placeholders`](super::ClientBuilder::drop_placeholders)).
    pub fn placeholders_dropped(&self) -> u64 {
        self.placeholders_dropped
    }

    /// The whole response without its records, once the stream has ended: the members before
    /// and after the list. `None` before the end.
    pub fn response(&self) -> Option<&O::Response> {
        match &self.open {
            Open::Whole { rest, items } if self.done && items.is_empty() => Some(rest),
            _ => self.response.as_ref(),
        }
    }

    /// The next record; `None` after the last one (then [`response`](Self::response) is set)
    /// or after an error.
    pub async fn next(&mut self) -> Option<Result<O::Item, Error>> {
        if self.done {
            return None;
        }
        loop {
            match self.advance().await {
                Ok(Some(item)) if self.client.inner.config.drop_placeholders && O::is_placeholder(&item) => {
                    self.placeholders_dropped += 1;
                    tracing::debug!(operation = O::INFO.name, "placeholder record dropped");
                }
                Ok(Some(item)) => {
                    self.delivered += 1;
                    return Some(Ok(item));
                }
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(error) if self.delivered == 0 && self.may_reopen(&error) => {
                    tracing::warn!(error = %error, "list stream failed before its first record; reopening");
                    match self.reopen().await {
                        Ok(()) => continue,
                        Err(e) => return self.fail(e),
                    }
                }
                Err(error) => return self.fail(error),
            }
        }
    }

    /// Reads every remaining record into a vector (what the whole-response method gives, in
    /// memory again).
    pub async fn collect(mut self) -> Result<Vec<O::Item>, Error> {
        let mut out = Vec::new();
        while let Some(item) = self.next().await {
            out.push(item?);
        }
        Ok(out)
    }

    fn fail(&mut self, error: Error) -> Option<Result<O::Item, Error>> {
        self.done = true;
        if self.delivered == 0 {
            return Some(Err(error));
        }
        Some(Err(Error::StreamInterrupted {
            operation: O::INFO.name,
            delivered: self.delivered,
            error: Box::new(error),
        }))
    }

    fn may_reopen(&mut self, error: &Error) -> bool {
        // Each reopen is an attempt of the policy's, however many the open itself took.
        let retry = self
            .client
            .inner
            .config
            .retry
            .should_retry(O::INFO.read_only, error, self.attempts);
        if retry {
            self.attempts += 1;
        }
        retry
    }

    async fn reopen(&mut self) -> Result<(), Error> {
        let client = self.client.clone();
        let body = self.request.clone();
        let redactor = &self.redactor;
        self.open = client
            .with_retries(&O::INFO, &mut super::CallReport::default(), |_| {
                client.open_stream::<O>(body.clone(), redactor)
            })
            .await?;
        Ok(())
    }

    async fn advance(&mut self) -> Result<Option<O::Item>, Error> {
        let name = O::INFO.name;
        let limits = self.client.inner.config.parse_limits();
        loop {
            match &mut self.open {
                Open::Whole { items, .. } => return Ok(items.pop_front()),
                Open::Streaming {
                    splitter,
                    body,
                    status,
                    content_type,
                    ..
                } => {
                    let step = splitter.step().map_err(|e| decode_error(name, e, &self.redactor))?;
                    match step {
                        Step::NeedMore => match self.client.next_chunk(body, name, &self.redactor).await? {
                            Some(chunk) => splitter
                                .feed(&chunk)
                                .map_err(|e| decode_error(name, e, &self.redactor))?,
                            None => splitter.finish(),
                        },
                        Step::Item(record) => {
                            if let Some(item) = record
                                .decode::<O::Item>()
                                .map_err(|e| decode_error(name, e, &self.redactor))?
                            {
                                return Ok(Some(item));
                            }
                        }
                        Step::End(document) => {
                            let response = HttpResponse {
                                status: *status,
                                content_type: content_type.clone(),
                                retry_after: None,
                                body: Bytes::from(document),
                            };
                            self.response = Some(classify::interpret::<O>(&response, limits, &self.redactor)?);
                            return Ok(None);
                        }
                        Step::Head(_) => return Err(unexpected(name, *status)),
                    }
                }
            }
        }
    }
}

fn decode_error(operation: &'static str, error: DecodeError, redactor: &Redactor) -> Error {
    Error::Decode {
        operation,
        truncated: error.kind == crate::xml::DecodeErrorKind::UnexpectedEof,
        error: classify::redact_decode(error, redactor),
    }
}

fn unexpected(operation: &'static str, status: u16) -> Error {
    Error::Decode {
        operation,
        truncated: false,
        error: DecodeError::new(crate::xml::DecodeErrorKind::Envelope(format!(
            "an HTTP {status} answer of an unexpected shape"
        ))),
    }
}
