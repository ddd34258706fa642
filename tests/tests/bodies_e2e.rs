//! Bodies beyond JSON, checked byte for byte on the wire: a `multipart/form-data`
//! upload (text, repeated, JSON and binary parts), `application/octet-stream`
//! bodies from a bytes input and from a bytes step output, a `text/*` body; and
//! binary and text responses decoded into `Vec<u8>` and `String` outputs.

mod flows {
    arazzo::arazzo_workflow!("tests/specs/arazzo/files.arazzo.yaml");
}

use flows::store_files::{run, Inputs};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

fn inputs(thumbnail: Option<Vec<u8>>) -> Inputs {
    Inputs {
        title: "Q3 report".into(),
        file: vec![0, 1, 2, 0xff, b'\r', b'\n', b'-', b'-'],
        thumbnail,
        blob: b"\x00blob\xfe".to_vec(),
        note: "all good".into(),
    }
}

async fn server(note: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "f-1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/blobs/f-1"))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw("stored 6 bytes", "text/plain; charset=utf-8"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/blobs/f-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(vec![9u8, 0, 0xfe, 7], "application/octet-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/blobs/copy"))
        .respond_with(ResponseTemplate::new(201).set_body_raw("ok", "text/plain"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/images/logo"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(PNG.to_vec(), "image/png"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/notes"))
        .respond_with(note)
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> arazzo::Client {
    arazzo::Client::builder()
        .server("files", server.uri())
        .build()
        .expect("client")
}

async fn request(server: &MockServer, verb: &str, at: &str) -> Request {
    let all = server.received_requests().await.expect("recording is on");
    let mut found: Vec<Request> = all
        .into_iter()
        .filter(|r| r.method.as_str() == verb && r.url.path() == at)
        .collect();
    assert_eq!(found.len(), 1, "{verb} {at}");
    found.remove(0)
}

fn header(r: &Request, name: &str) -> String {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The exact multipart body for `parts` (part headers after `Content-Disposition: form-data; `).
fn multipart(boundary: &str, parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (head, data) in parts {
        out.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; {head}\r\n\r\n").as_bytes(),
        );
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

#[tokio::test]
async fn bodies_and_outputs_beyond_json_byte_for_byte() {
    let server =
        server(ResponseTemplate::new(200).set_body_raw("# Q3 report: all good", "text/plain"))
            .await;
    let out = run(&client(&server), &inputs(Some(PNG.to_vec())))
        .await
        .expect("run");

    // `Debug` shows the length of bytes fields, not their content.
    let shown = format!("{out:?}");
    assert!(shown.contains("data: <4 bytes>"), "{shown}");
    assert!(!shown.contains("254"), "{shown}");
    let shown = format!("{:?}", inputs(Some(PNG.to_vec())));
    assert!(shown.contains("file: <8 bytes>"), "{shown}");
    assert!(
        shown.contains(&format!("thumbnail: Some(<{} bytes>)", PNG.len())),
        "{shown}"
    );

    // Outputs: text bodies as `String`, binary bodies as `Vec<u8>`, as they came.
    let id: String = out.id;
    let message: String = out.message;
    let data: Vec<u8> = out.data;
    let image: Vec<u8> = out.image;
    let echo: String = out.echo;
    assert_eq!(id, "f-1");
    assert_eq!(message, "stored 6 bytes");
    assert_eq!(data, vec![9u8, 0, 0xfe, 7]);
    assert_eq!(image, PNG);
    assert_eq!(echo, "# Q3 report: all good");

    // The multipart upload, byte for byte.
    let upload = request(&server, "POST", "/uploads").await;
    let content_type = header(&upload, "content-type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("content type {content_type}"));
    let file = inputs(None).file;
    let expected = multipart(
        boundary,
        &[
            ("name=\"title\"", b"Q3 report"),
            ("name=\"tags\"", b"a"),
            ("name=\"tags\"", b"b c"),
            (
                "name=\"meta\"\r\nContent-Type: application/json",
                b"{\"size\":3}",
            ),
            (
                "name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream",
                &file,
            ),
            (
                "name=\"thumbnail\"; filename=\"thumbnail\"\r\nContent-Type: image/png",
                PNG,
            ),
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&upload.body),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(upload.body, expected);
    assert_eq!(
        header(&upload, "content-length"),
        expected.len().to_string()
    );

    // The octet-stream bodies: from the bytes input, and from the bytes output of `getBlob`.
    let put = request(&server, "PUT", "/blobs/f-1").await;
    assert_eq!(header(&put, "content-type"), "application/octet-stream");
    assert_eq!(put.body, b"\x00blob\xfe");
    let copy = request(&server, "PUT", "/blobs/copy").await;
    assert_eq!(header(&copy, "content-type"), "application/octet-stream");
    assert_eq!(copy.body, vec![9u8, 0, 0xfe, 7]);

    // The text body, with its embedded expressions substituted.
    let note = request(&server, "POST", "/notes").await;
    assert_eq!(header(&note, "content-type"), "text/markdown");
    assert_eq!(note.body, b"# Q3 report: all good");
}

#[tokio::test]
async fn an_absent_optional_file_sends_no_part_and_a_json_string_reads_as_text() {
    // The note's response is documented `text/plain`; a JSON string is read as its text.
    let server =
        server(ResponseTemplate::new(200).set_body_json(json!("stored \"as\" JSON"))).await;
    let out = run(&client(&server), &inputs(None)).await.expect("run");
    assert_eq!(out.echo, "stored \"as\" JSON");
    let upload = request(&server, "POST", "/uploads").await;
    let text = String::from_utf8_lossy(&upload.body).into_owned();
    assert!(text.contains("name=\"file\""), "{text}");
    assert!(!text.contains("thumbnail"), "{text}");
}
