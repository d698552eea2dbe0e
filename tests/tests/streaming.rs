//! The list splitter (`kareo_sdk::xml::ListSplitter`): a response fed in chunks of any size
//! gives the same records, in order, as the whole parse, and the rest of the message through
//! the frame documents.

use kareo_mock::fake_patient;
use kareo_sdk::envelope::{self, Response};
use kareo_sdk::operations::GetPatients;
use kareo_sdk::types::{GetPatientsResp, PatientData};
use kareo_sdk::xml::{DecodeErrorKind, Limits, ListOperation, ListPath, ListSplitter, Operation, Step, StreamLimits};

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;

fn path() -> ListPath {
    GetPatients::LIST
}

fn body(n: usize) -> Vec<u8> {
    let response = GetPatientsResp::new().patients((0..n).map(fake_patient).collect::<Vec<_>>());
    envelope::write_response::<GetPatients>(&response)
        .expect("encodes")
        .into_bytes()
}

fn whole(body: &[u8]) -> GetPatientsResp {
    match envelope::read_response::<GetPatients>(body, Limits::default())
        .expect("parses")
        .0
    {
        Response::Result(r) => r,
        Response::Fault(f) => panic!("{f}"),
    }
}

/// What a streamed body gave: the head document, the records, the end document.
type Parts = (Vec<u8>, Vec<PatientData>, Vec<u8>);

/// Streams `body` in chunks of `chunk` bytes.
fn stream(body: &[u8], chunk: usize) -> Result<Parts, kareo_sdk::xml::DecodeError> {
    let info = GetPatients::INFO;
    let mut splitter = ListSplitter::new(path(), info.soap_ns(), info.namespaces, StreamLimits::default());
    let mut chunks = body.chunks(chunk.max(1));
    let (mut head, mut records) = (Vec::new(), Vec::new());
    loop {
        match splitter.step()? {
            Step::NeedMore => match chunks.next() {
                Some(c) => splitter.feed(c)?,
                None => splitter.finish(),
            },
            Step::Head(h) => head = h,
            Step::Item(record) => records.extend(record.decode::<PatientData>()?),
            Step::End(end) => return Ok((head, records, end)),
        }
    }
}

#[test]
fn any_chunking_gives_the_whole_parse_records() {
    assert_eq!(
        GetPatients::INFO.output.ns,
        kareo_sdk::xml::Ns(0),
        "the path's namespace"
    );
    let body = body(25);
    let expected = whole(&body);
    for chunk in [1, 2, 3, 7, 64, 1000, 4096, body.len()] {
        let (head, records, end) = stream(&body, chunk).unwrap_or_else(|e| panic!("chunk {chunk}: {e}"));
        assert_eq!(Some(&records), expected.patients.value(), "chunk {chunk}");
        let head = whole(&head);
        assert_eq!(head.patients.value().map(Vec::len), Some(0), "chunk {chunk}");
        assert_eq!(head.error_response, expected.error_response);
        let end = whole(&end);
        assert_eq!(end.security_response, expected.security_response);
        assert_eq!(end.patients.value().map(Vec::len), Some(0));
    }
}

#[test]
fn a_body_cut_inside_a_record_names_the_record() {
    let body = body(5);
    let text = String::from_utf8(body.clone()).expect("utf-8");
    let third = text.match_indices("<n0:PatientData").nth(2).map(|(i, _)| i);
    let cut = third.expect("a third record") + 40;
    let err = stream(&body[..cut], 16).expect_err("cut");
    assert_eq!(err.kind, DecodeErrorKind::UnexpectedEof);
    assert!(err.path_string().ends_with("Patients/PatientData[3]"), "{err}");
}

#[test]
fn a_body_without_a_list_is_given_whole() {
    let fault = envelope::write_fault(&kareo_sdk::envelope::Fault {
        code: "s:Server".into(),
        string: "boom".into(),
        ..Default::default()
    })
    .expect("fault");
    let (head, records, end) = stream(fault.as_bytes(), 5).expect("splits");
    assert!(head.is_empty() && records.is_empty());
    assert_eq!(end, fault.as_bytes());
    let empty = body(0);
    let (_, records, end) = stream(&empty, 5).expect("splits");
    assert!(records.is_empty());
    assert_eq!(end, empty);
}

/// A mock Kareo (without throttles: these tests call faster than the service allows) and a
/// client of it that retries reads at once.
async fn mock_and_client() -> (kareo_mock::MockKareo, kareo_sdk::client::KareoClient) {
    let mock = kareo_mock::MockKareo::builder()
        .settings(kareo_mock::Settings::default().throttles(false))
        .start()
        .await
        .expect("mock starts");
    let client = kareo_sdk::client::KareoClient::builder(mock.credentials())
        .endpoint(mock.endpoint())
        .retry(
            kareo_sdk::client::RetryPolicy::default()
                .with_backoff(std::time::Duration::from_millis(1), std::time::Duration::from_millis(5)),
        )
        .build()
        .expect("client");
    (mock, client)
}

mod e2e {
    use super::*;
    use kareo_mock::{Behavior, Rule};
    use kareo_sdk::error::Error;
    use kareo_sdk::types::GetPatientsReq;

    #[tokio::test]
    async fn a_stream_gives_the_records_of_the_whole_call() {
        let (mock, client) = mock_and_client().await;
        mock.set_patient_count(300);
        let whole = client
            .get_patients(GetPatientsReq::default())
            .await
            .expect("whole call");
        let mut stream = client
            .stream::<GetPatients>(GetPatientsReq::default())
            .await
            .expect("opens");
        assert_eq!(stream.head().patients.value().map(Vec::len), Some(0));
        let mut records = Vec::new();
        while let Some(record) = stream.next().await {
            records.push(record.expect("record"));
        }
        assert_eq!(Some(&records), whole.patients.value());
        assert_eq!(stream.delivered(), 300);
        let rest = stream.response().expect("the rest of the response");
        assert_eq!(rest.security_response, whole.security_response);
        assert!(stream.next().await.is_none(), "ended");
    }

    #[tokio::test]
    async fn a_reported_error_before_the_records_is_the_streams_error() {
        let (mock, client) = mock_and_client().await;
        mock.inject(Rule::new(Behavior::IsError("invented failure".into())).times(1));
        let err = client
            .stream::<GetPatients>(GetPatientsReq::default())
            .await
            .expect_err("IsError");
        assert!(matches!(err, Error::Service { .. }), "{err}");
        mock.inject(Rule::new(Behavior::Throttle).times(1));
        let stream = client.stream::<GetPatients>(GetPatientsReq::default()).await;
        assert!(stream.is_ok(), "a throttled read is retried: {stream:?}");
        assert_eq!(mock.requests_for("GetPatients"), 3);
    }

    #[tokio::test]
    async fn a_fault_is_the_streams_error() {
        let (mock, client) = mock_and_client().await;
        mock.inject(
            Rule::new(Behavior::Fault {
                code: "s:Client".into(),
                string: "invented fault".into(),
            })
            .times(1),
        );
        let err = client
            .stream::<GetPatients>(GetPatientsReq::default())
            .await
            .expect_err("fault");
        assert!(matches!(err, Error::Fault { .. }), "{err}");
    }
}

mod generated_bodies {
    use kareo_mock::list_body::ListBody;
    use kareo_mock::{fake_batch_patient, MockKareo};
    use kareo_sdk::client::KareoClient;
    use kareo_sdk::error::Error;
    use kareo_sdk::types::GetAllPatientsReq;

    async fn setup() -> (MockKareo, KareoClient) {
        let (mock, client) = super::mock_and_client().await;
        mock.set_patient_count(3);
        (mock, client)
    }

    #[tokio::test]
    async fn a_generated_answer_of_any_size_streams_in_order() {
        let (mock, client) = setup().await;
        mock.serve_lists(Some(ListBody::new(20_000)));
        let mut stream = client
            .stream_get_all_patients(GetAllPatientsReq::default())
            .await
            .expect("opens");
        let mut n = 0usize;
        while let Some(record) = stream.next().await {
            let record = record.expect("record");
            // The mock cycles through the 3 records it would answer.
            assert_eq!(record, fake_batch_patient(n % 3), "record {n}");
            n += 1;
        }
        assert_eq!(n, 20_000);
        assert!(stream.response().is_some());
    }

    #[tokio::test]
    async fn a_stream_cut_after_records_says_how_many_were_delivered_and_is_not_retried() {
        let (mock, client) = setup().await;
        mock.serve_lists(Some(ListBody::new(1_000).cut_after(700).paced(50_000_000, 16 * 1024)));
        let mut stream = client
            .stream_get_all_patients(GetAllPatientsReq::default())
            .await
            .expect("opens");
        let mut n = 0u64;
        let err = loop {
            match stream.next().await {
                Some(Ok(_)) => n += 1,
                Some(Err(e)) => break e,
                None => panic!("a cut stream ended without an error after {n} records"),
            }
        };
        assert_eq!(n, 700, "every whole record before the cut, no partial one");
        match &err {
            Error::StreamInterrupted { delivered, .. } => assert_eq!(*delivered, 700),
            other => panic!("{other}"),
        }
        assert!(err.to_string().contains("after 700 records"), "{err}");
        assert!(!err.is_retryable());
        assert!(stream.next().await.is_none());
        assert_eq!(mock.requests_for("GetAllPatients"), 1);
    }

    #[tokio::test]
    async fn populated_records_stream_whole() {
        let (mock, client) = setup().await;
        mock.serve_lists(Some(ListBody::new(50).populated()));
        let records = client
            .stream_get_all_patients(GetAllPatientsReq::default())
            .await
            .expect("opens")
            .collect()
            .await
            .expect("records");
        assert_eq!(records.len(), 50);
        assert_ne!(
            records[0],
            fake_batch_patient(0),
            "the schema's sample, every member set"
        );
        let whole = client
            .get_all_patients(GetAllPatientsReq::default())
            .await
            .expect("whole");
        assert_eq!(whole.patients.value(), Some(&records));
    }
}

mod every_list_operation {
    use super::checks::streamed;
    use kareo_sdk::envelope::{self, Response};
    use kareo_sdk::xml::{Limits, ListOperation};
    use kareo_tests::schema::{self, Direction, Fill};

    fn agree<O>()
    where
        O: ListOperation,
        O::Item: PartialEq + std::fmt::Debug,
    {
        let op = schema::operation(O::INFO.name);
        for fill in [Fill::Full, Fill::Nil, Fill::Absent] {
            let body = schema::sample_envelope(op, Direction::Response, fill);
            let whole = match envelope::read_response::<O>(body.as_bytes(), Limits::default()) {
                Ok((Response::Result(mut r), _)) => O::take_items(&mut r),
                Ok((Response::Fault(f), _)) => panic!("{} {fill:?}: a fault: {f}", O::INFO.name),
                Err(e) => panic!("{} {fill:?}: the sample parses: {e}", O::INFO.name),
            };
            if matches!(fill, Fill::Full) {
                assert!(!whole.is_empty(), "{}: the full sample has records", O::INFO.name);
            }
            for chunk in [61, 4096, body.len()] {
                let items = streamed::<O>(body.as_bytes(), chunk, Limits::default())
                    .unwrap_or_else(|e| panic!("{} {fill:?} chunk {chunk}: {e}", O::INFO.name));
                assert_eq!(items, whole, "{} {fill:?} chunk {chunk}", O::INFO.name);
            }
        }
    }

    macro_rules! every {
        ($(($op:ident, $method:ident, $stream:ident, $($types:tt)*)),* $(,)?) => {
            #[test]
            fn streamed_records_equal_the_whole_parse_on_every_sample() {
                $( agree::<kareo_sdk::operations::$op>(); )*
            }
        };
    }

    kareo_sdk::for_each_list_operation!(every);
}

mod reopening {
    use kareo_mock::list_body::ListBody;
    use kareo_sdk::error::Error;
    use kareo_sdk::types::GetAllPatientsReq;

    #[tokio::test]
    async fn a_stream_failing_before_its_first_record_is_reopened_as_the_policy_allows() {
        let (mock, client) = super::mock_and_client().await;
        // Every answer is cut inside its first record.
        mock.serve_lists(Some(ListBody::new(10).cut_after(0)));
        let mut stream = client
            .stream_get_all_patients(GetAllPatientsReq::default())
            .await
            .expect("opens");
        let err = match stream.next().await {
            Some(Err(e)) => e,
            other => panic!("{other:?}"),
        };
        assert!(
            !matches!(err, Error::StreamInterrupted { .. }),
            "nothing was delivered: {err}"
        );
        assert!(err.is_retryable(), "{err}");
        assert!(stream.next().await.is_none());
        // The first attempt and two reopens: the default policy's three attempts.
        assert_eq!(mock.requests_for("GetAllPatients"), 3);
    }
}
