//! A tiny hand-written HTTP/1.1 server for fault-injection tests.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request.
pub enum Reply {
    /// Write these bytes, then close.
    Raw(Vec<u8>),
    /// Write these bytes, then keep the connection open without writing.
    RawThenHang(Vec<u8>),
    /// Never answer.
    Hang,
}

pub struct Server {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<AtomicUsize>,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn requests(&self) -> Vec<Recorded> {
        self.seen.lock().unwrap().clone()
    }
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// A complete response with `Content-Length` and `Connection: close`.
pub fn http(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    Reply::Raw(bytes)
}

pub fn json(status: u16, body: &str) -> Reply {
    http(status, &[("Content-Type", "application/json")], body)
}

pub async fn serve<F>(handler: F) -> Server
where
    F: Fn(&Recorded) -> Reply + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let handler = Arc::new(handler);
    {
        let seen = seen.clone();
        let connections = connections.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                connections.fetch_add(1, Ordering::SeqCst);
                let seen = seen.clone();
                let handler = handler.clone();
                tokio::spawn(async move {
                    let _ = handle(stream, seen, handler).await;
                });
            }
        });
    }
    Server {
        addr,
        seen,
        connections,
    }
}

async fn handle<F>(
    mut stream: TcpStream,
    seen: Arc<Mutex<Vec<Recorded>>>,
    handler: Arc<F>,
) -> std::io::Result<()>
where
    F: Fn(&Recorded) -> Reply,
{
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let recorded = Recorded {
        method,
        target,
        headers,
        body,
    };
    seen.lock().unwrap().push(recorded.clone());
    match handler(&recorded) {
        Reply::Raw(bytes) => {
            stream.write_all(&bytes).await?;
            stream.flush().await?;
            stream.shutdown().await?;
        }
        Reply::RawThenHang(bytes) => {
            stream.write_all(&bytes).await?;
            stream.flush().await?;
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        Reply::Hang => tokio::time::sleep(Duration::from_secs(30)).await,
    }
    Ok(())
}

/// A port nothing listens on (bound, then released).
pub async fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

/// A client whose source `api` goes to `url`, with a short request timeout.
pub fn client_for(url: &str) -> arazzo::Client {
    arazzo::Client::builder()
        .server("api", url)
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

/// `GET /items/{id}` of workflow `wf`, step `getItem` (the secrets tests' step).
pub static GET_ITEM_STEP: arazzo::__private::StepInfo = arazzo::__private::StepInfo {
    workflow: "wf",
    step: "getItem",
    operation: "getItemById",
    source: "api",
    default_server: "http://127.0.0.1:9",
    method: "GET",
    path: "/items/{id}",
};
