//! The client against a hostile server: a raw TCP listener on loopback, inside the test, that
//! answers each case's script (DTDs, deep nesting, floods of unknown elements, bodies of 2 GiB
//! in every framing, trickled heads and bodies, bad UTF-8 and references, pages instead of
//! envelopes, gzip bombs, answers that say two things, echoed credentials, cut transfers).
//!
//! Every case asserts the error's kind, that its text is readable, whether it is retryable,
//! how many requests the server saw, that the memory the case allocated stayed below a stated
//! bound (a counting allocator of this test binary), and that no credential appears in the
//! error's `Display` or `Debug`. Large bodies are streamed from a small reused buffer. The
//! server is bounded in connections and lifetime and stops when dropped. No case asserts a time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kareo_sdk::client::{KareoClient, RetryPolicy};
use kareo_sdk::error::{Error, TransportErrorKind};
use kareo_sdk::types::{CreatePatientReq, GetPatientsReq, GetPatientsResp, PatientCreate};
use kareo_sdk::xml::{DecodeErrorKind, Nillable};
use kareo_sdk::Credentials;
use kareo_tests::mock::fake_patient;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------------------------
// Memory: a counting allocator.

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: usize = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// The server.

/// Invented credentials, distinctive enough to find in any text; the password holds the
/// characters XML escapes.
const KEY: &str = "HOSTILE-KEY-4417-c2f9";
const USER: &str = "hostile.user.9931";
const PASSWORD: &str = "Pa&ss<w0rd-0552";

/// How the body is framed.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Framing {
    /// `Content-Length` of the body (or of this many bytes, when they differ).
    Length(Option<u64>),
    Chunked,
    /// Ended by closing the connection.
    Close,
}

/// A body: `prefix`, `unit` repeated `count` times, `suffix`, never built whole.
#[derive(Clone, Debug)]
struct Body {
    prefix: Vec<u8>,
    unit: Vec<u8>,
    count: u64,
    suffix: Vec<u8>,
}

impl Body {
    fn plain(bytes: impl Into<Vec<u8>>) -> Self {
        Body {
            prefix: bytes.into(),
            unit: Vec::new(),
            count: 0,
            suffix: Vec::new(),
        }
    }
    fn repeat(prefix: impl Into<Vec<u8>>, unit: impl Into<Vec<u8>>, count: u64, suffix: impl Into<Vec<u8>>) -> Self {
        Body {
            prefix: prefix.into(),
            unit: unit.into(),
            count,
            suffix: suffix.into(),
        }
    }
    fn len(&self) -> u64 {
        self.prefix.len() as u64 + self.unit.len() as u64 * self.count + self.suffix.len() as u64
    }
}

/// What the server answers to every request.
#[derive(Clone, Debug)]
struct Script {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    framing: Framing,
    /// A pause before each byte of the head.
    head_byte_delay: Option<Duration>,
    /// A pause before each 16-byte piece of the body.
    body_delay: Option<Duration>,
}

impl Script {
    fn new(status: u16, content_type: &str, body: Body) -> Self {
        Script {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
            framing: Framing::Length(None),
            head_byte_delay: None,
            body_delay: None,
        }
    }
    fn xml(body: impl Into<Vec<u8>>) -> Self {
        Script::new(200, "text/xml; charset=utf-8", Body::plain(body))
    }
    fn framing(mut self, framing: Framing) -> Self {
        self.framing = framing;
        self
    }
    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// The raw server: bounded in connections and lifetime, stopped on drop.
struct Server {
    port: u16,
    requests: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

const MAX_CONNECTIONS: usize = 16;
const SERVER_LIFETIME: Duration = Duration::from_secs(120);

impl Server {
    async fn start(script: Script) -> Server {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind loopback");
        let port = listener.local_addr().expect("address").port();
        let requests = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (r, h) = (Arc::clone(&requests), Arc::clone(&heads));
        let task = tokio::spawn(async move {
            let serve = async {
                for _ in 0..MAX_CONNECTIONS {
                    let Ok((socket, _)) = listener.accept().await else {
                        return;
                    };
                    let (script, r, h) = (script.clone(), Arc::clone(&r), Arc::clone(&h));
                    tokio::spawn(async move {
                        let _ = tokio::time::timeout(SERVER_LIFETIME, answer(socket, &script, &r, &h)).await;
                    });
                }
            };
            let _ = tokio::time::timeout(SERVER_LIFETIME, serve).await;
        });
        Server {
            port,
            requests,
            heads,
            task,
        }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/services/soap/2.1/KareoServices.svc", self.port)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Writes `bytes` of the body as the script frames and paces it.
async fn write_body(socket: &mut TcpStream, script: &Script, bytes: Vec<u8>) -> std::io::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    let pieces: Vec<&[u8]> = match script.body_delay {
        Some(_) => bytes.chunks(16).collect(),
        None => vec![&bytes[..]],
    };
    for piece in pieces {
        if let Some(d) = script.body_delay {
            tokio::time::sleep(d).await;
        }
        if script.framing == Framing::Chunked {
            socket.write_all(format!("{:x}\r\n", piece.len()).as_bytes()).await?;
            socket.write_all(piece).await?;
            socket.write_all(b"\r\n").await?;
        } else {
            socket.write_all(piece).await?;
        }
    }
    Ok(())
}

/// Reads one request (head and body, bounded), then writes the script's answer and closes.
async fn answer(
    mut socket: TcpStream,
    script: &Script,
    requests: &AtomicUsize,
    heads: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return Ok(());
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
        .min(MIB);
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    requests.fetch_add(1, Ordering::SeqCst);
    heads.lock().unwrap_or_else(|p| p.into_inner()).push(head);

    let mut out = format!("HTTP/1.1 {} Hostile\r\nConnection: close\r\n", script.status);
    for (name, value) in &script.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    match script.framing {
        Framing::Length(declared) => out.push_str(&format!(
            "Content-Length: {}\r\n",
            declared.unwrap_or(script.body.len())
        )),
        Framing::Chunked => out.push_str("Transfer-Encoding: chunked\r\n"),
        Framing::Close => {}
    }
    out.push_str("\r\n");
    match script.head_byte_delay {
        Some(delay) => {
            for b in out.as_bytes() {
                tokio::time::sleep(delay).await;
                socket.write_all(&[*b]).await?;
            }
        }
        None => socket.write_all(out.as_bytes()).await?,
    }
    write_body(&mut socket, script, script.body.prefix.clone()).await?;
    // The repeated unit goes out in blocks of about 64 KiB, from one reused buffer.
    let per_block = (64 * 1024 / script.body.unit.len().max(1)).max(1) as u64;
    let block: Vec<u8> = script.body.unit.repeat(per_block as usize);
    let mut left = script.body.count;
    while left > 0 {
        let n = left.min(per_block);
        let bytes = if n == per_block {
            block.clone()
        } else {
            script.body.unit.repeat(n as usize)
        };
        write_body(&mut socket, script, bytes).await?;
        left -= n;
    }
    write_body(&mut socket, script, script.body.suffix.clone()).await?;
    if script.framing == Framing::Chunked {
        socket.write_all(b"0\r\n\r\n").await?;
    }
    socket.shutdown().await
}

// ---------------------------------------------------------------------------------------------
// Cases.

const ENVELOPE_OPEN: &str = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>";
const ENVELOPE_CLOSE: &str = "</s:Body></s:Envelope>";

/// A `GetPatients` response with `result` as the result's content.
fn patients(result: &str) -> String {
    format!(
        "{ENVELOPE_OPEN}<GetPatientsResponse xmlns=\"http://www.kareo.com/api/schemas/\"><GetPatientsResult>\
         {result}</GetPatientsResult></GetPatientsResponse>{ENVELOPE_CLOSE}"
    )
}

fn patients_parts(result_prefix: &str) -> (String, String) {
    let whole = patients(&format!("{result_prefix}\u{0}"));
    let (a, b) = whole.split_once('\u{0}').expect("marker");
    (a.to_owned(), b.to_owned())
}

fn fault(code: &str, string: &str, detail: &str) -> String {
    format!(
        "{ENVELOPE_OPEN}<s:Fault><faultcode>{code}</faultcode><faultstring>{string}</faultstring>\
         <detail>{detail}</detail></s:Fault>{ENVELOPE_CLOSE}"
    )
}

/// What one call should end in.
struct Expect {
    kind: fn(&Error) -> bool,
    /// A phrase the error's text holds.
    says: &'static str,
    retryable: bool,
    requests: usize,
    /// Bound on the memory the case allocated beyond what was allocated before it.
    peak: usize,
}

/// The calls a case makes.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Call {
    /// `GetPatients`, a read (retried when retryable).
    Read,
    /// `CreatePatient`, a write (never resent).
    Write,
}

struct Case {
    name: &'static str,
    script: Script,
    call: Call,
    configure: fn(kareo_sdk::client::ClientBuilder) -> kareo_sdk::client::ClientBuilder,
    expect: Expect,
}

fn keep(b: kareo_sdk::client::ClientBuilder) -> kareo_sdk::client::ClientBuilder {
    b
}

fn small_limit(b: kareo_sdk::client::ClientBuilder) -> kareo_sdk::client::ClientBuilder {
    b.max_response_bytes(4 * MIB)
}

async fn call(server: &Server, case: &Case) -> Result<(), Error> {
    let builder = KareoClient::builder(Credentials::new(KEY, USER, PASSWORD))
        .endpoint(server.endpoint())
        .retry(RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .request_timeout(Duration::from_secs(30));
    let client = (case.configure)(builder).build().expect("client");
    match case.call {
        Call::Read => client.get_patients(GetPatientsReq::default()).await.map(drop),
        Call::Write => client
            .create_patient(CreatePatientReq {
                patient: Some(PatientCreate {
                    last_name: "Testpatient".to_owned().into(),
                    ..PatientCreate::default()
                }),
                ..CreatePatientReq::default()
            })
            .await
            .map(drop),
    }
}

/// Runs `case` and checks every point of its expectation.
async fn run(case: Case) {
    let server = Server::start(case.script.clone()).await;
    let before = CURRENT.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let result = call(&server, &case).await;
    let peak = PEAK.load(Ordering::SeqCst).saturating_sub(before);
    let name = case.name;
    let err = match result {
        Ok(()) => panic!("{name}: the call succeeded"),
        Err(e) => e,
    };
    let (display, debug) = (err.to_string(), format!("{err:?}"));
    eprintln!(
        "{name}: {} requests, peak {:.1} MiB: {display}",
        server.requests(),
        peak as f64 / MIB as f64
    );
    assert!((case.expect.kind)(&err), "{name}: unexpected error kind: {debug}");
    let op = if case.call == Call::Read {
        "GetPatients"
    } else {
        "CreatePatient"
    };
    assert!(
        display.starts_with(op),
        "{name}: the error names its operation: {display}"
    );
    assert!(
        display.contains(case.expect.says),
        "{name}: says {:?}: {display}",
        case.expect.says
    );
    assert!(
        !display.contains("at :") && !display.ends_with("inside "),
        "{name}: {display}"
    );
    assert_eq!(
        err.is_retryable(),
        case.expect.retryable,
        "{name}: retryable: {display}"
    );
    assert_eq!(server.requests(), case.expect.requests, "{name}: requests seen");
    assert!(
        peak < case.expect.peak,
        "{name}: peak {peak} bytes, bound {}",
        case.expect.peak
    );
    // No credential, nor any five characters of one, escaped or not.
    for secret in [KEY, USER, PASSWORD, "Pa&amp;ss&lt;w0rd-0552"] {
        let chars: Vec<char> = secret.chars().collect();
        for piece in chars.windows(5).map(|w| w.iter().collect::<String>()) {
            assert!(
                !display.contains(&piece) && !debug.contains(&piece),
                "{name}: {piece:?} of a credential shows: {debug}"
            );
        }
    }
}

fn decode(kind: fn(&DecodeErrorKind) -> bool) -> impl Fn(&Error) -> bool {
    move |e| matches!(e, Error::Decode { error, .. } if kind(&error.kind))
}

macro_rules! expect {
    ($pattern:pat, $says:expr, $retryable:expr, $requests:expr, $peak:expr) => {
        Expect {
            kind: |e| matches!(e, $pattern),
            says: $says,
            retryable: $retryable,
            requests: $requests,
            peak: $peak,
        }
    };
}

fn is_malformed(e: &Error) -> bool {
    decode(|k| matches!(k, DecodeErrorKind::Malformed(_)))(e)
}

fn is_duplicate(e: &Error) -> bool {
    decode(|k| matches!(k, DecodeErrorKind::Duplicate))(e)
}

fn is_envelope(e: &Error) -> bool {
    decode(|k| matches!(k, DecodeErrorKind::Envelope(_)))(e)
}

/// Three attempts of a read: the default policy.
const RETRIED: usize = 3;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

/// A gzip stream that decompresses to about `mib` MiB of zeros: a header, then one deflate
/// block of 1 MiB of zeros (byte-aligned by a full flush) repeated.
fn gzip_bomb(mib: u64) -> Body {
    let mut deflate = flate2::Compress::new(flate2::Compression::best(), false);
    let zeros = vec![0u8; MIB];
    let mut block = Vec::with_capacity(4096);
    deflate
        .compress_vec(&zeros, &mut block, flate2::FlushCompress::Full)
        .expect("deflate");
    let header = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    Body::repeat(header, block, mib, Vec::new())
}

#[tokio::test]
async fn hostile_responses_end_in_bounded_readable_typed_errors() {
    let lol =
        "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>";
    let xxe = "<!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>";
    let param = "<!DOCTYPE foo [<!ENTITY % p \"<!ENTITY e 'x'>\"> %p;]>";
    let big = 2u64 << 30;
    let (deep_open, deep_close) = patients_parts("<Patients><PatientData>");
    let record = {
        let resp = GetPatientsResp {
            patients: Nillable::Value(vec![fake_patient(1)]),
            ..Default::default()
        };
        let xml = kareo_sdk::envelope::write_response::<kareo_sdk::operations::GetPatients>(&resp).expect("encodes");
        let start = xml.find("<n0:PatientData>").expect("record");
        let end = xml.find("</n0:PatientData>").expect("record end") + "</n0:PatientData>".len();
        (
            xml[..start].to_owned(),
            xml[start..end].to_owned(),
            xml[end..].to_owned(),
        )
    };
    let html = "<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Service error</h1></body></html>";
    let cases = vec![
        Case {
            name: "billion laughs",
            script: Script::xml(format!("<?xml version=\"1.0\"?>{lol}{}", patients("<Patients/>"))),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_malformed, says: "DTD", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "external entity",
            script: Script::xml(format!("{xxe}{}", patients("<Patients><PatientData><FirstName>&xxe;</FirstName></PatientData></Patients>"))),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_malformed, says: "DTD", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "parameter entity",
            script: Script::xml(format!("{param}{}", patients(""))),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_malformed, says: "DTD", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "undefined entity in a value",
            script: Script::xml(patients("<Patients><PatientData><FirstName>&foo;</FirstName></PatientData></Patients>")),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_malformed, says: "FirstName", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "100,000 levels of unknown elements",
            script: Script::new(200, "text/xml", Body::repeat(deep_open.clone(), "<x>", 100_000, deep_close.clone())),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::Decode { error: kareo_sdk::xml::DecodeError { kind: DecodeErrorKind::TooDeep(128), .. }, .. }, "nested deeper than 128", false, 1, 8 * MIB),
        },
        Case {
            name: "100,000 levels of known elements",
            script: Script::new(200, "text/xml", Body::repeat(patients_parts("").0, "<Patients><PatientData>", 50_000, patients_parts("").1)),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::Decode { error: kareo_sdk::xml::DecodeError { kind: DecodeErrorKind::TooDeep(128), .. }, .. }, "nested deeper than 128", false, 1, 8 * MIB),
        },
        Case {
            name: "1,000,000 unknown siblings",
            script: Script::new(200, "text/xml", Body::repeat(patients_parts("").0, "<x/>", 1_000_000, patients_parts("").1)),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::Decode { error: kareo_sdk::xml::DecodeError { kind: DecodeErrorKind::TooManyUnknown(100_000), .. }, .. }, "elements the schema does not declare", false, 1, 16 * MIB),
        },
        Case {
            name: "2 GiB with Content-Length",
            script: Script::new(200, "text/xml", Body::repeat(deep_open.clone(), "<x/>", big / 4, deep_close.clone())),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::ResponseTooLarge { limit: 67_108_864, .. }, "larger than the limit", false, 1, 4 * MIB),
        },
        Case {
            name: "2 GiB chunked, default limit",
            script: Script::new(200, "text/xml", Body::repeat(deep_open.clone(), "<x/>", big / 4, deep_close.clone())).framing(Framing::Chunked),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::ResponseTooLarge { limit: 67_108_864, .. }, "larger than the limit", false, 1, 2 * 64 * MIB + 16 * MIB),
        },
        Case {
            name: "2 GiB close-delimited",
            script: Script::new(200, "text/xml", Body::repeat(deep_open.clone(), "<x/>", big / 4, deep_close.clone())).framing(Framing::Close),
            call: Call::Read,
            configure: small_limit,
            expect: expect!(Error::ResponseTooLarge { limit: 4_194_304, .. }, "larger than the limit", false, 1, 2 * 4 * MIB + 8 * MIB),
        },
        Case {
            name: "slow body",
            script: Script { body_delay: Some(Duration::from_millis(100)), ..Script::xml(patients("<Patients/>")) },
            call: Call::Read,
            configure: |b| b.request_timeout(Duration::from_millis(1500)),
            expect: expect!(Error::Transport { kind: TransportErrorKind::Timeout, .. }, "timed out", true, RETRIED, 4 * MIB),
        },
        Case {
            name: "slow headers",
            script: Script { head_byte_delay: Some(Duration::from_millis(100)), ..Script::xml(patients("<Patients/>")) },
            call: Call::Read,
            configure: |b| b.response_head_timeout(Duration::from_millis(800)),
            expect: expect!(Error::Transport { kind: TransportErrorKind::Timeout, .. }, "no response head within 800 ms", true, RETRIED, 4 * MIB),
        },
        Case {
            name: "bad UTF-8 in a known value",
            script: Script::xml([patients_parts("<Patients><PatientData><FirstName>").0.as_bytes(), b"A\xff\xfeB", b"</FirstName></PatientData></Patients>", patients_parts("").1.as_bytes()].concat()),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_malformed, says: "PatientData[1]/FirstName", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "NUL reference in a known value",
            script: Script::xml(patients("<Patients><PatientData><FirstName>a&#0;b</FirstName></PatientData></Patients>")),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_malformed, says: "FirstName", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "surrogate reference in a known value",
            script: Script::xml(patients("<Patients><PatientData><LastName>&#xD800;</LastName></PatientData></Patients>")),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_malformed, says: "LastName", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "bad UTF-8 inside a skipped element",
            script: Script::xml([patients_parts("<Unknown><Deeper>").0.as_bytes(), b"\xc3\x28", b"</Deeper></Unknown>", patients_parts("").1.as_bytes()].concat()),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_malformed, says: "malformed XML", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "NUL reference inside a skipped element",
            script: Script::xml(patients("<Unknown><Deeper>&#0;</Deeper></Unknown>")),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_malformed, says: "malformed XML", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "surrogate reference inside a skipped element",
            script: Script::xml(patients("<Unknown a=\"1\">&#xDFFF;</Unknown>")),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_malformed, says: "malformed XML", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "HTML on 200",
            script: Script::new(200, "text/html; charset=utf-8", Body::plain(html)),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::NotSoap { status: 200, .. }, "(text/html; charset=utf-8): the body is not a SOAP envelope: Error Service error", false, 1, 4 * MIB),
        },
        Case {
            name: "JSON on 200",
            script: Script::new(200, "application/json", Body::plain("{\"error\": \"maintenance\"}")),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::NotSoap { status: 200, .. }, "(application/json): the body is not a SOAP envelope: {\"error\": \"maintenance\"}", false, 1, 4 * MIB),
        },
        Case {
            name: "empty body on 200",
            script: Script::new(200, "text/xml", Body::plain("")),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::NotSoap { status: 200, .. }, "the body is empty", false, 1, 4 * MIB),
        },
        Case {
            name: "XML that is not SOAP on 200",
            script: Script::xml("<status>ok</status>"),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::NotSoap { status: 200, .. }, "not a SOAP envelope", false, 1, 4 * MIB),
        },
        Case {
            name: "HTML on 500, a read",
            script: Script::new(500, "text/html", Body::plain(html)),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::Http { status: 500, .. }, "Service error", true, RETRIED, 4 * MIB),
        },
        Case {
            name: "HTML on 500, a write",
            script: Script::new(500, "text/html", Body::plain(html)),
            call: Call::Write,
            configure: keep,
            expect: expect!(Error::Http { status: 500, .. }, "Service error", true, 1, 4 * MIB),
        },
        Case {
            name: "JSON on 500",
            script: Script::new(500, "application/json", Body::plain("{\"error\": 1}")),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::Http { status: 500, .. }, "application/json", true, RETRIED, 4 * MIB),
        },
        Case {
            name: "empty body on 500, a write",
            script: Script::new(500, "text/xml", Body::plain("")),
            call: Call::Write,
            configure: keep,
            expect: expect!(Error::Http { status: 500, .. }, "the body is empty", true, 1, 4 * MIB),
        },
        Case {
            name: "unreadable fault on 500",
            script: Script::new(500, "text/xml", Body::plain(fault("s:Server", "boom &bogus;", ""))),
            call: Call::Write,
            configure: keep,
            expect: expect!(Error::Http { status: 500, fault_error: Some(_), .. }, "not a readable SOAP fault (malformed XML at Fault/faultstring", true, 1, 4 * MIB),
        },
        Case {
            name: "a gzip bomb",
            script: Script::new(200, "text/xml", gzip_bomb(10 * 1024)).header("Content-Encoding", "gzip").framing(Framing::Chunked),
            call: Call::Read,
            configure: small_limit,
            expect: expect!(Error::ResponseTooLarge { limit: 4_194_304, .. }, "larger than the limit", false, 1, 2 * 4 * MIB + 8 * MIB),
        },
        Case {
            name: "two results",
            script: Script::xml(format!("{ENVELOPE_OPEN}<GetPatientsResponse xmlns=\"http://www.kareo.com/api/schemas/\"><GetPatientsResult/><GetPatientsResult/></GetPatientsResponse>{ENVELOPE_CLOSE}")),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_duplicate, says: "GetPatientsResult: element occurs more than once", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "two responses",
            script: Script::xml(format!("{ENVELOPE_OPEN}<GetPatientsResponse xmlns=\"http://www.kareo.com/api/schemas/\"><GetPatientsResult/></GetPatientsResponse><GetPatientsResponse xmlns=\"http://www.kareo.com/api/schemas/\"><GetPatientsResult/></GetPatientsResponse>{ENVELOPE_CLOSE}")),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_envelope, says: "two GetPatientsResponse", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "two bodies",
            script: Script::xml(format!("{}<s:Body/></s:Envelope>", patients("").trim_end_matches("</s:Envelope>"))),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_envelope, says: "two Body elements", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "a result then a fault",
            script: Script::xml(patients("").replace(ENVELOPE_CLOSE, &format!("<s:Fault><faultcode>s:Server</faultcode><faultstring>x</faultstring></s:Fault>{ENVELOPE_CLOSE}"))),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_envelope, says: "both GetPatientsResponse and Fault", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "a cut envelope",
            script: Script::xml({
                let whole = patients("<Patients><PatientData><FirstName>Alpha</FirstName></PatientData></Patients>");
                whole[..whole.find("Alpha").expect("value") + 2].to_owned()
            }),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::Decode { truncated: true, .. }, "it ends early", true, RETRIED, 4 * MIB),
        },
        Case {
            name: "a Content-Length longer than the body",
            script: Script::xml(patients("<Patients/>")).framing(Framing::Length(Some(100_000))),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::Transport { kind: TransportErrorKind::Connection, .. }, "connection closed", true, RETRIED, 4 * MIB),
        },
        // Credentials echoed everywhere an error can quote.
        Case {
            name: "credentials in a fault",
            script: Script::new(500, "text/xml", Body::plain(fault("s:Client", &format!("bad key {KEY} for {USER}"), "Pa&amp;ss&lt;w0rd-0552"))),
            call: Call::Write,
            configure: keep,
            expect: expect!(Error::Fault { .. }, "bad key *** for ***", false, 1, 4 * MIB),
        },
        Case {
            name: "credentials in ErrorMessage and SecurityResult",
            script: Script::xml(patients(&format!("<ErrorResponse><ErrorMessage>user {USER} key {KEY}</ErrorMessage><IsError>true</IsError></ErrorResponse><SecurityResponse><Authenticated>false</Authenticated><SecurityResult>password Pa&amp;ss&lt;w0rd-0552 wrong</SecurityResult></SecurityResponse>"))),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::Security { .. }, "password *** wrong", false, 1, 4 * MIB),
        },
        Case {
            name: "credentials in an HTML page on 500",
            script: Script::new(500, "text/html", Body::plain(format!("<html><body>rejected {KEY} / {USER} / Pa&amp;ss&lt;w0rd-0552</body></html>"))),
            call: Call::Write,
            configure: keep,
            expect: expect!(Error::Http { .. }, "rejected *** / *** / ***", true, 1, 4 * MIB),
        },
        Case {
            name: "credentials in an HTML page on 200",
            script: Script::new(200, "text/html", Body::plain(format!("<html><body>hello {USER}, key {KEY}</body></html>"))),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::NotSoap { .. }, "hello ***, key ***", false, 1, 4 * MIB),
        },
        Case {
            name: "credentials in JSON and the content type",
            script: Script::new(200, &format!("application/json; user={USER}"), Body::plain(format!("{{\"password\": \"{PASSWORD}\"}}"))),
            call: Call::Read,
            configure: keep,
            expect: expect!(Error::NotSoap { .. }, "user=***", false, 1, 4 * MIB),
        },
        Case {
            name: "credentials in a mismatched tag",
            script: Script::xml(patients(&format!("<Patients><{USER}></Other></Patients>"))),
            call: Call::Read,
            configure: keep,
            expect: Expect { kind: is_malformed, says: "malformed XML", retryable: false, requests: 1, peak: 4 * MIB },
        },
        Case {
            name: "a key cut at the excerpt's end",
            script: Script::new(500, "text/html", Body::plain(format!("{} {KEY}", "<a/>".repeat(16 * 1024 / 4 - 2)))),
            call: Call::Write,
            configure: keep,
            expect: expect!(Error::Http { .. }, "***…", true, 1, 4 * MIB),
        },
    ];
    for case in cases {
        run(case).await;
    }

    // Large but valid answers pass, within bounds.
    let client = |server: &Server, limit: usize, gzip: bool| {
        KareoClient::builder(Credentials::new(KEY, USER, PASSWORD))
            .endpoint(server.endpoint())
            .max_response_bytes(limit)
            .gzip(gzip)
            .build()
            .expect("client")
    };
    let measure = || {
        let before = CURRENT.load(Ordering::SeqCst);
        PEAK.store(before, Ordering::SeqCst);
        move || PEAK.load(Ordering::SeqCst).saturating_sub(before)
    };

    // A 66 MiB answer under a 70 MiB limit: the parser follows the client's limit.
    let (open, one, close) = &record;
    let n = (66 * MIB / one.len()) as u64;
    let server = Server::start(Script::new(
        200,
        "text/xml",
        Body::repeat(open.clone(), one.clone(), n, close.clone()),
    ))
    .await;
    let peak = measure();
    let response = client(&server, 70 * MIB, true)
        .get_patients(GetPatientsReq::default())
        .await
        .expect("a 66 MiB answer");
    let peak = peak();
    assert_eq!(response.patients.value().map(Vec::len), Some(n as usize));
    drop(response);
    eprintln!("66 MiB answer: {n} records, peak {:.1} MiB", peak as f64 / MIB as f64);
    assert!(peak < 6 * 66 * MIB, "peak {peak}");

    // A 20 MiB text value under a 32 MiB limit.
    let (open, close) = patients_parts("<Patients><PatientData><LastName>");
    let close = format!("</LastName></PatientData></Patients>{close}");
    let server = Server::start(Script::new(
        200,
        "text/xml",
        Body::repeat(open, "x", 20 * MIB as u64, close),
    ))
    .await;
    let peak = measure();
    let response = client(&server, 32 * MIB, true)
        .get_patients(GetPatientsReq::default())
        .await
        .expect("a huge value");
    let peak = peak();
    let last = response
        .patients
        .value()
        .and_then(|p| p.first())
        .and_then(|p| p.last_name.value().map(String::len));
    assert_eq!(last, Some(20 * MIB));
    drop(response);
    eprintln!("20 MiB text value: peak {:.1} MiB", peak as f64 / MIB as f64);
    assert!(peak < 4 * 21 * MIB, "peak {peak}");

    // A gzip-compressed answer is asked for and read; without gzip it is not asked for.
    let thousand = {
        let resp = GetPatientsResp {
            patients: Nillable::Value((0..1000).map(fake_patient).collect()),
            ..Default::default()
        };
        kareo_sdk::envelope::write_response::<kareo_sdk::operations::GetPatients>(&resp).expect("encodes")
    };
    let compressed = gzip(thousand.as_bytes());
    eprintln!(
        "GetPatients, 1,000 records: {} bytes, gzip {} bytes ({:.1}% of the transfer saved)",
        thousand.len(),
        compressed.len(),
        100.0 * (1.0 - compressed.len() as f64 / thousand.len() as f64)
    );
    assert!(compressed.len() * 5 < thousand.len(), "Kareo's XML compresses well");
    let server =
        Server::start(Script::new(200, "text/xml", Body::plain(compressed)).header("Content-Encoding", "gzip")).await;
    let response = client(&server, 4 * MIB, true)
        .get_patients(GetPatientsReq::default())
        .await
        .expect("gzip answer");
    assert_eq!(response.patients.value().map(Vec::len), Some(1000));
    let head = server.heads.lock().unwrap_or_else(|p| p.into_inner())[0].clone();
    assert!(head.contains("accept-encoding: gzip"), "{head}");
    let server = Server::start(Script::xml(thousand)).await;
    client(&server, 4 * MIB, false)
        .get_patients(GetPatientsReq::default())
        .await
        .expect("plain answer");
    let head = server.heads.lock().unwrap_or_else(|p| p.into_inner())[0].clone();
    assert!(!head.contains("accept-encoding"), "{head}");
}
