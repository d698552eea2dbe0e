//! List results read record by record as the response arrives ([`KareoClient::stream`]).

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use bytes::Bytes;

use super::classify::{self, Redactor};
use super::transport::{BodyStream, HttpRequest, HttpResponse, StreamingResponse};
use super::{fmt_duration, transport_error, KareoClient};
use crate::error::{Error, TransportErrorKind};
use crate::xml::{DecodeError, ListOperation, ListSplitter, Step};

/// Longest a streamed exchange may last in all; the per-chunk wait is the request timeout.
const STREAM_MAX_DURATION: Duration = Duration::from_secs(24 * 3600);

/// The records of a list operation, read one at a time while each response arrives (from
/// [`KareoClient::stream`]), over every page of a paged operation.
///
/// Memory holds one record (bounded by [`StreamLimits`](crate::xml::StreamLimits)), whatever
/// the size of the answer or the number of pages. [`head`](Self::head) is the current page's
/// response as far as it came before the records: a failure the service reports there
/// (`IsError`, a failed security check, a throttle) is the error of [`KareoClient::stream`]
/// itself (or of [`next`](Self::next), for a later page), never an empty stream. After the last
/// record, [`response`](Self::response) holds the last page's response without its records.
///
/// **Pages.** For an operation whose results come in pages ([`ListOperation::PAGING`]; today
/// `GetAllPatients`, up to 1,000 patients a batch), the stream sends each answer's next key
/// back as the next request's start key, spaced by the operation's rate limit, until an answer
/// holds no key. The request's own start key and page size are honoured: the stream starts at
/// that page. A key that does not advance (one the stream already asked for) is
/// [`Error::Paging`], never an endless loop. To read one page on purpose, use
/// [`KareoClient::stream_page`], or the whole-response method (`get_all_patients`).
///
/// A failure before a page's first record is retried like any read (the page is asked for
/// again); after records of a page were handed out it is not: the error is
/// [`Error::StreamInterrupted`], saying how many records were delivered and which record was
/// being read. [`KareoClient::export`] resumes such a run from its cursor. A body cut off
/// inside a record never hands out a partial record.
pub struct ListStream<O: ListOperation> {
    client: KareoClient,
    /// The caller's request with its credentials filled; each page's key is set on a copy.
    request: O::Request,
    redactor: Redactor,
    open: Open<O>,
    /// Read only the first page.
    single_page: bool,
    /// The key the current page was asked for (`None`: the request's own).
    page_key: Option<String>,
    /// Keys asked for so far: a next key among them does not advance.
    keys: HashSet<String>,
    /// Records (placeholders aside) read from the current page, skipped ones included.
    page_records: u64,
    /// Records of the current page to read without handing them out (a resumed page), and the
    /// identifier the last of them must have.
    skip: u64,
    skip_last: Option<String>,
    /// The identifier of the current page's last record read.
    last_id: Option<String>,
    delivered: u64,
    placeholders_dropped: u64,
    pages: u64,
    bytes: u64,
    report: super::CallReport,
    response: Option<O::Response>,
    done: bool,
    /// Attempts made to read the current page (the first open counts as one).
    attempts: u32,
}

/// Where a [`ListStream`] stands in a paged result: the page it reads and how many of that
/// page's records it has read. What [`KareoClient::export`]'s cursor keeps of a stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PagePosition {
    /// The key the page was asked for (`None`: the request's own start key).
    pub key: Option<String>,
    /// Records of the page read so far (placeholders not counted).
    pub records: u64,
    /// The identifier of the last of them ([`ListOperation::record_id`]), where the record
    /// type has one: a resumed read checks it, so that a page that changed meanwhile is an
    /// error rather than a gap or a duplicate.
    pub last_id: Option<String>,
}

/// A page asked for: what was read of it, and the calls it took.
struct OpenedPage<O: ListOperation> {
    open: Open<O>,
    bytes: u64,
    report: super::CallReport,
}

/// An opened page: the splitter over the body, or the records of a body that was read whole.
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
            .field("pages", &self.pages)
            .field("delivered", &self.delivered)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl KareoClient {
    /// Calls list operation `O` and returns its records as a [`ListStream`], read while each
    /// response arrives, in memory that does not grow with the answer; a paged operation's
    /// stream reads every page ([`ListOperation::PAGING`]).
    ///
    /// Returns once the first response's members before the list are in and checked: an
    /// `IsError`, security failure or throttle there is this method's error. Retried as
    /// [`call`](Self::call) is, up to the first record.
    pub async fn stream<O: ListOperation>(&self, request: O::Request) -> Result<ListStream<O>, Error> {
        self.open_list::<O>(request, false, PagePosition::default()).await
    }

    /// Like [`stream`](Self::stream), but reads only the page the request asks for: one
    /// answer, whatever its next key says ([`ListStream::next_page_key`] tells it).
    pub async fn stream_page<O: ListOperation>(&self, request: O::Request) -> Result<ListStream<O>, Error> {
        self.open_list::<O>(request, true, PagePosition::default()).await
    }

    /// Opens a list stream at `at` (a page key and the records of that page already read).
    pub(crate) async fn open_list<O: ListOperation>(
        &self,
        mut request: O::Request,
        single_page: bool,
        at: PagePosition,
    ) -> Result<ListStream<O>, Error> {
        let (_, redactor) = self.prepare::<O>(&mut request)?;
        let page = self.open_page::<O>(&request, at.key.as_deref(), &redactor).await?;
        let mut stream = ListStream {
            client: self.clone(),
            request,
            redactor,
            open: page.open,
            single_page,
            page_key: at.key,
            keys: HashSet::new(),
            page_records: 0,
            skip: at.records,
            skip_last: at.last_id,
            last_id: None,
            delivered: 0,
            placeholders_dropped: 0,
            pages: 1,
            bytes: page.bytes,
            report: page.report,
            response: None,
            done: false,
            attempts: 1,
        };
        if let Some(k) = stream.page_key.clone().or_else(|| O::page_key(&stream.request)) {
            stream.keys.insert(k);
        }
        Ok(stream)
    }

    /// Asks for the page of `key` (`None`: the request's own start key) and reads its head,
    /// retried as a read.
    async fn open_page<O: ListOperation>(
        &self,
        request: &O::Request,
        key: Option<&str>,
        redactor: &Redactor,
    ) -> Result<OpenedPage<O>, Error> {
        let name = O::INFO.name;
        let mut request = request.clone();
        if let Some(k) = key {
            O::set_page_key(&mut request, Some(k)).map_err(|message| Error::Paging {
                operation: name,
                key: k.to_owned(),
                message: format!("not a key of this operation: {message}"),
            })?;
        }
        let body = Bytes::from(crate::envelope::write_request::<O>(&request).map_err(|e| Error::encode(name, e))?);
        let mut report = super::CallReport::default();
        let (open, bytes) = self
            .with_retries(&O::INFO, &mut report, |_| self.open_stream::<O>(body.clone(), redactor))
            .await?;
        Ok(OpenedPage { open, bytes, report })
    }

    /// One attempt at opening a stream: the request sent, the head of the answer read and
    /// checked.
    async fn open_stream<O: ListOperation>(&self, body: Bytes, redactor: &Redactor) -> Result<(Open<O>, u64), Error> {
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
        let mut bytes = 0u64;
        loop {
            let step = splitter.step().map_err(|e| decode_error(info.name, e, redactor))?;
            match step {
                Step::NeedMore => match self.next_chunk(&mut body, info.name, redactor).await? {
                    Some(chunk) => {
                        bytes += chunk.len() as u64;
                        splitter
                            .feed(&chunk)
                            .map_err(|e| decode_error(info.name, e, redactor))?
                    }
                    None => splitter.finish(),
                },
                Step::Head(head) => {
                    let head = classify::interpret::<O>(&whole_response(head), config.parse_limits(), redactor)?;
                    return Ok((
                        Open::Streaming {
                            head,
                            splitter,
                            body,
                            status,
                            content_type,
                        },
                        bytes,
                    ));
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
                    return Ok((Open::Whole { items, rest }, bytes));
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
    /// The current page's response as far as it came before the records (its collection
    /// empty).
    pub fn head(&self) -> &O::Response {
        match &self.open {
            Open::Streaming { head, .. } => head,
            Open::Whole { rest, .. } => rest,
        }
    }

    /// How many records were handed out so far, over all pages.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// How many placeholder records the stream skipped so far (records the service sends in
    /// place of data: see [`ListOperation::is_placeholder`]; none when the client keeps them,
    /// [`ClientBuilder::drop_placeholders`](super::ClientBuilder::drop_placeholders)).
    pub fn placeholders_dropped(&self) -> u64 {
        self.placeholders_dropped
    }

    /// Pages asked for so far (1 for an operation without pages).
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// Response bytes received so far, over all pages (after decompression).
    pub fn bytes_received(&self) -> u64 {
        self.bytes
    }

    /// What the client did for the pages' calls: attempts, time spent waiting for the rate
    /// limit, throttle answers waited out.
    pub fn report(&self) -> &super::CallReport {
        &self.report
    }

    /// Where the stream stands: the current page's key and how many of its records were read.
    pub fn position(&self) -> PagePosition {
        PagePosition {
            key: self.page_key.clone(),
            records: self.page_records,
            last_id: self.last_id.clone(),
        }
    }

    /// The key of the page after the last one read, once the stream has ended: `None` when
    /// the last answer held none (the whole result was read), or for an operation without
    /// pages. Set after a [`stream_page`](KareoClient::stream_page) too.
    pub fn next_page_key(&self) -> Option<String> {
        self.response().and_then(O::next_page_key)
    }

    /// The last page's response without its records, once the stream has ended: the members
    /// before and after the list. `None` before the end.
    pub fn response(&self) -> Option<&O::Response> {
        match &self.open {
            Open::Whole { rest, items } if self.done && items.is_empty() => Some(rest),
            _ => self.response.as_ref(),
        }
    }

    /// The next record; `None` after the last one of the last page (then
    /// [`response`](Self::response) is set) or after an error.
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
                    self.page_records += 1;
                    if O::HAS_PLACEHOLDERS {
                        self.last_id = O::record_id(&item).map(|id| id.into_owned());
                    }
                    if self.page_records < self.skip {
                        continue;
                    }
                    if self.page_records == self.skip {
                        let expected = self.skip_last.take();
                        if let (Some(expected), Some(found)) = (expected, self.last_id.clone()) {
                            if expected != found {
                                let error = self.paging_error(format!(
                                    "record {} of the page is `{found}` where the cursor expects `{expected}`: \
                                     the page changed since the cursor was taken",
                                    self.skip
                                ));
                                return self.fail(error);
                            }
                        }
                        continue;
                    }
                    self.delivered += 1;
                    return Some(Ok(item));
                }
                Ok(None) if self.page_records < self.skip => {
                    let error = self.paging_error(format!(
                        "the page holds {} records where the cursor saw {}: the page changed since the cursor was taken",
                        self.page_records, self.skip
                    ));
                    return self.fail(error);
                }
                Ok(None) => match self.next_page() {
                    Ok(None) => {
                        self.done = true;
                        return None;
                    }
                    Ok(Some(key)) => {
                        // A resumed stream skips records of its first page only; each page
                        // has the retry policy's attempts.
                        self.skip = 0;
                        self.skip_last = None;
                        self.attempts = 1;
                        if let Err(e) = self.open_page(Some(key)).await {
                            return self.fail(e);
                        }
                    }
                    Err(e) => return self.fail(e),
                },
                Err(error) if self.page_records <= self.skip && self.may_reopen(&error) => {
                    tracing::warn!(error = %error, "list page failed before its first record; asking for it again");
                    let key = self.page_key.clone();
                    self.pages -= 1;
                    if let Err(e) = self.open_page(key).await {
                        return self.fail(e);
                    }
                }
                Err(error) => return self.fail(error),
            }
        }
    }

    /// Reads every remaining record into a vector (what the whole-response method gives, in
    /// memory again, over every page).
    pub async fn collect(mut self) -> Result<Vec<O::Item>, Error> {
        let mut out = Vec::new();
        while let Some(item) = self.next().await {
            out.push(item?);
        }
        Ok(out)
    }

    /// The key of the page to read after the one that ended, or `None` when it was the last.
    fn next_page(&mut self) -> Result<Option<String>, Error> {
        if self.single_page || O::PAGING.is_none() {
            return Ok(None);
        }
        let ended = match &self.open {
            Open::Whole { rest, .. } => Some(rest),
            Open::Streaming { .. } => self.response.as_ref(),
        };
        let Some(key) = ended.and_then(O::next_page_key) else {
            return Ok(None);
        };
        if self.keys.contains(&key) {
            let what = if self.page_key.as_deref() == Some(key.as_str()) {
                "does not advance: it names the page just read"
            } else {
                "names a page already read"
            };
            return Err(Error::Paging {
                operation: O::INFO.name,
                key,
                message: format!("the next key {what}"),
            });
        }
        Ok(Some(key))
    }

    /// Moves to the page of `key` (`None`: the request's own start key): asks for it and
    /// reads its head.
    async fn open_page(&mut self, key: Option<String>) -> Result<(), Error> {
        let client = self.client.clone();
        let page = client
            .open_page::<O>(&self.request, key.as_deref(), &self.redactor)
            .await;
        self.pages += 1;
        let page = page?;
        self.report.add(&page.report);
        if let Some(k) = key.clone().or_else(|| O::page_key(&self.request)) {
            self.keys.insert(k);
        }
        self.open = page.open;
        self.bytes += page.bytes;
        self.page_key = key;
        self.page_records = 0;
        self.last_id = None;
        self.response = None;
        Ok(())
    }

    fn paging_error(&self, message: String) -> Error {
        Error::Paging {
            operation: O::INFO.name,
            key: self.page_key.clone().unwrap_or_default(),
            message,
        }
    }

    fn fail(&mut self, error: Error) -> Option<Result<O::Item, Error>> {
        self.done = true;
        if self.delivered == 0 || matches!(error, Error::Paging { .. }) {
            return Some(Err(error));
        }
        let list = O::LIST;
        let path: Vec<&str> = list.elements.iter().map(|(_, name)| *name).collect();
        let record = format!(
            "{}/{}[{}] of the page {}",
            path.join("/"),
            list.item.1,
            self.page_records + 1,
            match &self.page_key {
                Some(k) => format!("at key {k}"),
                None => "first asked for".to_owned(),
            }
        );
        Some(Err(Error::StreamInterrupted {
            operation: O::INFO.name,
            delivered: self.delivered,
            record,
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
                            Some(chunk) => {
                                self.bytes += chunk.len() as u64;
                                splitter
                                    .feed(&chunk)
                                    .map_err(|e| decode_error(name, e, &self.redactor))?
                            }
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
