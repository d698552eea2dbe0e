//! The checks of the `parse_response` fuzz target, shared with the corpus replay test
//! (`tests/tests/fuzz_corpus.rs`).

use kareo_sdk::envelope::{self, reference, Response};
use kareo_sdk::operations::{CreatePatient, GetAppointments, GetExternalVendors, GetPatients, GetServiceLocations};
use kareo_sdk::xml::{DecodeError, DecodeErrorKind, Limits, ListOperation, ListSplitter, Step, StreamLimits};

/// The limits every check parses with: small enough to reach them.
pub const LIMITS: Limits = Limits {
    max_depth: 64,
    max_bytes: 1 << 20,
    max_unknown: 10_000,
};

const OPEN: &str = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
    <GetPatientsResponse xmlns=\"http://www.kareo.com/api/schemas/\"><GetPatientsResult>";
const RESULT_CLOSE: &str = "</GetPatientsResult>";
const RESPONSE_CLOSE: &str = "</GetPatientsResponse>";
const CLOSE: &str = "</s:Body></s:Envelope>";

/// Where the fuzzer's bytes are placed in a valid `GetPatients` response.
#[derive(Debug, Clone, Copy)]
pub enum Wrap {
    /// Inside an unknown element inside the result: the skip path.
    Unknown,
    /// After the result, inside the response element.
    AfterResult,
    /// After the response element, inside the body.
    AfterResponse,
}

impl Wrap {
    /// Every placement.
    pub const ALL: [Wrap; 3] = [Wrap::Unknown, Wrap::AfterResult, Wrap::AfterResponse];

    /// The response with `data` in this place.
    pub fn apply(self, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len() + 256);
        out.extend_from_slice(OPEN.as_bytes());
        match self {
            Wrap::Unknown => {
                out.extend_from_slice(b"<Unknown>");
                out.extend_from_slice(data);
                out.extend_from_slice(b"</Unknown>");
                out.extend_from_slice(RESULT_CLOSE.as_bytes());
                out.extend_from_slice(RESPONSE_CLOSE.as_bytes());
            }
            Wrap::AfterResult => {
                out.extend_from_slice(RESULT_CLOSE.as_bytes());
                out.extend_from_slice(data);
                out.extend_from_slice(RESPONSE_CLOSE.as_bytes());
            }
            Wrap::AfterResponse => {
                out.extend_from_slice(RESULT_CLOSE.as_bytes());
                out.extend_from_slice(RESPONSE_CLOSE.as_bytes());
                out.extend_from_slice(data);
            }
        }
        out.extend_from_slice(CLOSE.as_bytes());
        out
    }
}

macro_rules! agree {
    ($read:ident, $op:ty, $data:expr) => {{
        let fast = envelope::$read::<$op>($data, LIMITS);
        assert_eq!(
            fast,
            reference::$read::<$op>($data, LIMITS),
            "fast path and reference disagree"
        );
        fast
    }};
}

/// Parses `data` every way the target does and checks the rules: both paths agree, and
/// an answer that holds two answers is never a success.
pub fn check(data: &[u8]) {
    let patients = agree!(read_response, GetPatients, data);
    let _ = agree!(read_response, GetAppointments, data);
    let _ = agree!(read_response, GetServiceLocations, data);
    let _ = agree!(read_response, GetExternalVendors, data);
    let _ = agree!(read_response, CreatePatient, data);
    let _ = agree!(read_request, CreatePatient, data);
    streamed_agrees(data);
    if let Ok((answer, _)) = patients {
        for doubled in doubled(data, &answer) {
            match envelope::read_response::<GetPatients>(&doubled, LIMITS) {
                Err(e) => assert!(
                    matches!(
                        e.kind,
                        DecodeErrorKind::Duplicate
                            | DecodeErrorKind::Envelope(_)
                            | DecodeErrorKind::TooLarge(_)
                            | DecodeErrorKind::TooManyUnknown(_)
                    ),
                    "a doubled answer fails for another reason: {e}"
                ),
                Ok(_) => panic!("a doubled answer was accepted"),
            }
        }
    }
}

/// `data` (a readable response) with its answer written twice: its `Body`, its result or
/// fault element, found by their literal tags (inputs with other prefixes are skipped).
pub fn doubled<T>(data: &[u8], answer: &Response<T>) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let element: &[&[u8]] = match answer {
        Response::Result(_) => &[b"GetPatientsResponse"],
        Response::Fault(_) => &[b"s:Fault"],
    };
    for name in element.iter().copied().chain([b"s:Body".as_slice()]) {
        if let Some((start, end)) = span(data, name) {
            let mut twice = Vec::with_capacity(data.len() + end - start);
            twice.extend_from_slice(&data[..end]);
            twice.extend_from_slice(&data[start..]);
            out.push(twice);
        }
    }
    out
}

/// Where the only element `name` starts and ends in `data`, when it occurs once, written
/// `<name ...>...</name>` or `<name .../>`.
fn span(data: &[u8], name: &[u8]) -> Option<(usize, usize)> {
    let open: Vec<u8> = [b"<".as_slice(), name].concat();
    let close: Vec<u8> = [b"</".as_slice(), name, b">"].concat();
    let starts: Vec<usize> = find_all(data, &open)
        .filter(|&i| matches!(data.get(i + open.len()), Some(b' ' | b'>' | b'/')))
        .collect();
    let [start] = starts[..] else { return None };
    let ends: Vec<usize> = find_all(data, &close).collect();
    match ends[..] {
        [end] if end > start => Some((start, end + close.len())),
        [] => {
            let tag_end = start + data[start..].iter().position(|&b| b == b'>')?;
            (data[tag_end - 1] == b'/').then_some((start, tag_end + 1))
        }
        _ => None,
    }
}

fn find_all<'a>(data: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    (0..data.len().saturating_sub(needle.len() - 1)).filter(move |&i| data[i..].starts_with(needle))
}

/// The streamed reading of `data` as a `GetPatients` response, fed in chunks whose size the
/// input picks, agrees with the whole parse: the same records when the whole parse succeeds,
/// an error somewhere when it fails.
pub fn streamed_agrees(data: &[u8]) {
    // Per-record limits are not the whole document's: keep the counts out of the comparison.
    let limits = Limits {
        max_unknown: u64::MAX,
        ..LIMITS
    };
    let whole = envelope::read_response::<GetPatients>(data, limits);
    let chunk = 1 + data.first().map_or(0, |b| usize::from(*b) % 64);
    let streamed = streamed::<GetPatients>(data, chunk, limits);
    match (&whole, &streamed) {
        (Ok((Response::Result(r), _)), Ok(records)) => {
            let expected = r.patients.value().cloned().unwrap_or_default();
            assert_eq!(
                &expected, records,
                "the stream and the whole parse disagree on the records"
            );
        }
        (Ok((Response::Fault(_), _)), Ok(records)) => assert!(records.is_empty()),
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) => panic!("the whole parse succeeds, the stream fails: {e}"),
        (Err(e), Ok(_)) => panic!("the whole parse fails ({e}), the stream succeeds"),
    }
}

/// The records of `data` read by the list splitter in chunks of `chunk` bytes, the head and
/// end documents parsed as the client parses them. A body read whole (no list found) gives
/// its records through the end document; a streamed one must hold none there.
pub fn streamed<O: ListOperation>(data: &[u8], chunk: usize, limits: Limits) -> Result<Vec<O::Item>, DecodeError> {
    let info = O::INFO;
    let stream_limits = StreamLimits {
        max_depth: limits.max_depth,
        max_unknown: limits.max_unknown,
        ..StreamLimits::default()
    };
    let mut splitter = ListSplitter::new(O::LIST, info.soap_ns(), info.namespaces, stream_limits);
    let mut chunks = data.chunks(chunk.max(1));
    let mut records = Vec::new();
    loop {
        match splitter.step()? {
            Step::NeedMore => match chunks.next() {
                Some(c) => splitter.feed(c)?,
                None => splitter.finish(),
            },
            Step::Head(head) => {
                envelope::read_response::<O>(&head, limits)?;
            }
            Step::Item(record) => records.extend(record.decode::<O::Item>()?),
            Step::End(end) => {
                if let (Response::Result(mut rest), _) = envelope::read_response::<O>(&end, limits)? {
                    let outside = O::take_items(&mut rest);
                    assert!(
                        records.is_empty() || outside.is_empty(),
                        "records outside the streamed list"
                    );
                    records.extend(outside);
                }
                return Ok(records);
            }
        }
    }
}
