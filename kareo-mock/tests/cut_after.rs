//! `ListBody::cut_after(n)`: a client always receives the head and exactly `n` whole records
//! before the connection is cut, whatever `n` and however often. Read with a raw `TcpStream`
//! (no client library between the socket and the count). Every record is invented.

use kareo_mock::list_body::ListBody;
use kareo_mock::{MockKareo, Settings, MOCK_CUSTOMER_KEY, MOCK_PASSWORD, MOCK_USER};
use kareo_sdk::envelope;
use kareo_sdk::operations::GetPatients;
use kareo_sdk::types::GetPatientsReq;
use kareo_sdk::xml::{CredentialSource, Credentialed, Operation};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct MockCredentials;

impl CredentialSource for MockCredentials {
    fn credential(&self, role: &str) -> Option<&str> {
        match role {
            "customer_key" => Some(MOCK_CUSTOMER_KEY),
            "user" => Some(MOCK_USER),
            "password" => Some(MOCK_PASSWORD),
            _ => None,
        }
    }
}

/// What one raw exchange delivered before the connection ended.
struct Received {
    status: u16,
    declared: usize,
    body: Vec<u8>,
}

/// Posts a `GetPatients` by hand and reads until the server ends the connection (EOF or an
/// error: whatever arrived before it is kept).
async fn exchange(mock: &MockKareo) -> Received {
    let mut request = GetPatientsReq::default();
    request.fill_credentials(&MockCredentials);
    let body = envelope::write_request::<GetPatients>(&request).expect("encodes");
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: \"{}\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        kareo_mock::ENDPOINT_PATH,
        mock.addr(),
        GetPatients::INFO.soap_action,
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(mock.addr()).await.expect("connects");
    stream.write_all(head.as_bytes()).await.expect("writes");
    stream.write_all(body.as_bytes()).await.expect("writes");
    let mut answer = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {} bytes received", answer.len()));
    let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let declared = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("a declared length");
    Received {
        status,
        declared,
        body: answer[split + 4..].to_vec(),
    }
}

/// Closing tags of `PatientData` elements (whatever their prefix): the whole records.
fn whole_records(body: &[u8]) -> usize {
    let text = String::from_utf8_lossy(body);
    text.split("</")
        .skip(1)
        .filter(|rest| {
            let name = rest.split('>').next().unwrap_or("");
            rest.contains('>') && name.rsplit(':').next() == Some("PatientData")
        })
        .count()
}

async fn mock(spec: ListBody) -> MockKareo {
    let mock = MockKareo::builder()
        .settings(Settings::default().throttles(false))
        .empty()
        .start()
        .await
        .expect("mock starts");
    mock.set_patient_count(3);
    mock.serve_lists(Some(spec));
    mock
}

async fn check(spec: ListBody, n: u64, repetitions: usize) {
    let mock = mock(spec).await;
    for attempt in 0..repetitions {
        let got = exchange(&mock).await;
        assert_eq!(got.status, 200);
        assert!(
            got.body.len() < got.declared,
            "n = {n}, attempt {attempt}: the body is cut ({} of {} bytes)",
            got.body.len(),
            got.declared
        );
        assert_eq!(
            whole_records(&got.body) as u64,
            n,
            "n = {n}, attempt {attempt}: whole records before the cut ({} bytes received)",
            got.body.len()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_body_delivers_exactly_n_whole_records_every_time() {
    for n in [0, 1, 7, 1000] {
        check(ListBody::new(1500).cut_after(n), n, 20).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_body_in_small_chunks_delivers_exactly_n_whole_records_every_time() {
    for n in [0, 1, 7, 1000] {
        // Unpaced in effect (the rate is never reached), in chunks smaller than a record.
        check(ListBody::new(1500).cut_after(n).paced(u64::MAX, 97), n, 20).await;
    }
}

#[tokio::test]
async fn a_cut_body_on_a_current_thread_runtime_delivers_exactly_n_whole_records() {
    for n in [0, 1, 7, 1000] {
        check(ListBody::new(1500).cut_after(n), n, 20).await;
    }
}

#[tokio::test]
async fn a_cut_after_at_or_past_the_end_sends_the_whole_body() {
    let mock = mock(ListBody::new(5).cut_after(5)).await;
    let got = exchange(&mock).await;
    assert_eq!(got.body.len(), got.declared, "nothing to cut");
    assert_eq!(whole_records(&got.body), 5);
}

#[tokio::test]
async fn the_sdk_stream_yields_exactly_n_records_then_the_error() {
    use kareo_sdk::{Error, KareoClient, RetryPolicy};
    for n in [0u64, 1, 7, 1000] {
        let mock = mock(ListBody::new(1500).cut_after(n)).await;
        let client = KareoClient::builder(mock.credentials())
            .endpoint(mock.endpoint())
            .retry(RetryPolicy::none())
            .published_limits(false)
            .build()
            .expect("client");
        for attempt in 0..20 {
            let mut stream = client
                .stream_get_patients(GetPatientsReq::default())
                .await
                .expect("the head arrives");
            let mut got = 0u64;
            let err = loop {
                match stream.next().await {
                    Some(Ok(_)) => got += 1,
                    Some(Err(e)) => break e,
                    None => panic!("n = {n}, attempt {attempt}: ended without an error after {got}"),
                }
            };
            assert_eq!(got, n, "n = {n}, attempt {attempt}: {err}");
            if n > 0 {
                assert!(
                    matches!(&err, Error::StreamInterrupted { delivered, .. } if *delivered == n),
                    "{err}"
                );
            }
        }
    }
}
