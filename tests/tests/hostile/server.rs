//! A raw, scripted HTTP/1.1 server on loopback: every request on every connection gets the
//! same [`Reply`], written byte by byte as scripted (no HTTP library on this side, so it can
//! send what a correct server never would).
//!
//! Bodies are streamed from a few small reused segments, so a reply of gigabytes costs the
//! test no memory. The server is bounded: at most [`MAX_CONNECTIONS`] connections, each closed
//! when the client goes away (a failed read or write), and a lifetime of [`LIFETIME`] after
//! which its task ends. Dropping the [`Server`] stops it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// Most connections one server accepts.
pub const MAX_CONNECTIONS: usize = 16;
/// How long a server lives at most.
pub const LIFETIME: Duration = Duration::from_secs(60);
/// Longest request head read.
const MAX_REQUEST_HEAD: usize = 64 * 1024;
/// Longest request body read.
const MAX_REQUEST_BODY: usize = 4 * 1024 * 1024;

/// A body as segments, each written `count` times in order.
#[derive(Clone, Default)]
pub struct Body {
    segments: Vec<(Arc<[u8]>, u64)>,
}

impl Body {
    /// An empty body.
    pub fn new() -> Self {
        Body::default()
    }

    /// `bytes`, once.
    pub fn then(self, bytes: impl AsRef<[u8]>) -> Self {
        self.repeat(bytes, 1)
    }

    /// `bytes`, `count` times.
    pub fn repeat(mut self, bytes: impl AsRef<[u8]>, count: u64) -> Self {
        self.segments.push((Arc::from(bytes.as_ref()), count));
        self
    }

    /// Total length in bytes.
    pub fn len(&self) -> u64 {
        self.segments.iter().map(|(b, n)| b.len() as u64 * n).sum()
    }
}

impl<T: AsRef<[u8]>> From<T> for Body {
    fn from(bytes: T) -> Self {
        Body::new().then(bytes)
    }
}

/// How the body's end is marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length` with the body's true length.
    Length,
    /// `Content-Length` with this (false) length; the connection is closed after the body.
    Declared(u64),
    /// `Transfer-Encoding: chunked`, one chunk per write.
    Chunked,
    /// Chunked, without the last (empty) chunk: the connection is closed after the body.
    ChunkedUnfinished,
    /// No length: the body ends when the server closes the connection.
    Close,
}

/// What the server writes back to every request.
#[derive(Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    framing: Framing,
    /// Writes the status line and headers one byte at a time, sleeping this long after each.
    head_byte_delay: Option<Duration>,
    /// Sleeps this long after each body write.
    pace: Option<Duration>,
}

impl Reply {
    /// A reply with this status and body, `Content-Length` framed, no headers yet.
    pub fn new(status: u16, body: impl Into<Body>) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: body.into(),
            framing: Framing::Length,
            head_byte_delay: None,
            pace: None,
        }
    }

    /// A SOAP reply: this status, `Content-Type: text/xml; charset=utf-8`.
    pub fn xml(status: u16, body: impl Into<Body>) -> Self {
        Reply::new(status, body).header("Content-Type", "text/xml; charset=utf-8")
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the framing.
    pub fn framing(mut self, framing: Framing) -> Self {
        self.framing = framing;
        self
    }

    /// Trickles the head: one byte, then `delay`.
    pub fn trickle_head(mut self, delay: Duration) -> Self {
        self.head_byte_delay = Some(delay);
        self
    }

    /// Sleeps `delay` after each body write.
    pub fn pace(mut self, delay: Duration) -> Self {
        self.pace = Some(delay);
        self
    }

    fn closes(&self) -> bool {
        matches!(
            self.framing,
            Framing::Close | Framing::Declared(_) | Framing::ChunkedUnfinished
        )
    }

    fn head(&self) -> String {
        let reason = match self.status {
            200 => "OK",
            500 => "Internal Server Error",
            _ => "Whatever",
        };
        let mut head = format!("HTTP/1.1 {} {reason}\r\n", self.status);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        match self.framing {
            Framing::Length => head.push_str(&format!("Content-Length: {}\r\n", self.body.len())),
            Framing::Declared(n) => head.push_str(&format!("Content-Length: {n}\r\n")),
            Framing::Chunked | Framing::ChunkedUnfinished => head.push_str("Transfer-Encoding: chunked\r\n"),
            Framing::Close => head.push_str("Connection: close\r\n"),
        }
        head.push_str("\r\n");
        head
    }
}

/// A running server; stops when dropped.
pub struct Server {
    url: String,
    requests: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl Server {
    /// Starts a server answering every request with `reply`.
    pub async fn start(reply: Reply) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let requests = Arc::new(AtomicUsize::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let reply = Arc::new(reply);
        let task = tokio::spawn({
            let (requests, connections, heads) = (requests.clone(), connections.clone(), heads.clone());
            async move {
                let mut tasks = JoinSet::new();
                let serve = async {
                    while connections.load(Ordering::SeqCst) < MAX_CONNECTIONS {
                        let Ok((stream, _)) = listener.accept().await else {
                            break;
                        };
                        connections.fetch_add(1, Ordering::SeqCst);
                        tasks.spawn(serve_connection(stream, reply.clone(), requests.clone(), heads.clone()));
                    }
                    std::future::pending::<()>().await
                };
                // Ends the accept loop and (by dropping the join set) every connection.
                let _ = tokio::time::timeout(LIFETIME, serve).await;
            }
        });
        Server {
            url: format!("http://{addr}/KareoServices/KareoServices.svc"),
            requests,
            connections,
            heads,
            task,
        }
    }

    /// The endpoint URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Requests read so far (a request counts once its head and body are in).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// The request heads read so far (request line and headers), lowercased.
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_connection(
    mut stream: TcpStream,
    reply: Arc<Reply>,
    requests: Arc<AtomicUsize>,
    heads: Arc<Mutex<Vec<String>>>,
) {
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::with_capacity(8 * 1024);
    loop {
        let Some(head) = read_request(&mut stream, &mut buf).await else {
            return;
        };
        requests.fetch_add(1, Ordering::SeqCst);
        heads.lock().unwrap_or_else(|p| p.into_inner()).push(head);
        if write_reply(&mut stream, &reply).await.is_err() || reply.closes() {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// Reads one request (head, then `Content-Length` bytes of body), bounded. `None` when the
/// client closed the connection or sent too much.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<String> {
    let mut chunk = [0u8; 8 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_REQUEST_HEAD {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    if length > MAX_REQUEST_BODY {
        return None;
    }
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    buf.drain(..head_end + length);
    Some(head)
}

async fn write_reply(stream: &mut TcpStream, reply: &Reply) -> std::io::Result<()> {
    let head = reply.head();
    match reply.head_byte_delay {
        Some(delay) => {
            for b in head.as_bytes() {
                stream.write_all(std::slice::from_ref(b)).await?;
                tokio::time::sleep(delay).await;
            }
        }
        None => stream.write_all(head.as_bytes()).await?,
    }
    let chunked = matches!(reply.framing, Framing::Chunked | Framing::ChunkedUnfinished);
    for (bytes, count) in &reply.body.segments {
        if bytes.is_empty() {
            continue;
        }
        for _ in 0..*count {
            if chunked {
                stream.write_all(format!("{:x}\r\n", bytes.len()).as_bytes()).await?;
            }
            stream.write_all(bytes).await?;
            if chunked {
                stream.write_all(b"\r\n").await?;
            }
            if let Some(delay) = reply.pace {
                tokio::time::sleep(delay).await;
            }
        }
    }
    if reply.framing == Framing::Chunked {
        stream.write_all(b"0\r\n\r\n").await?;
    }
    stream.flush().await
}
