//! The local stand-in for Secrets Manager, in a process of its own (so its
//! CPU is not counted): `ListSecrets` from pages rendered up front, and
//! `RestoreSecret` throttled above 50 a second; and the real AWS store
//! pointed at it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::data::{PAGE, ROWS, arn, deleted, name};

/// The `ListSecrets` stand-in: every page rendered before the first call,
/// so its own cost is a lookup. Prints its port, then serves until killed.
pub fn serve(pages: Option<usize>, latency: Duration) {
    let when = |t: Timestamp| t.as_millisecond() as f64 / 1000.0;
    let count = pages.unwrap_or(ROWS / PAGE);
    let pages: Vec<String> = (0..count)
        .map(|p| {
            let entries: Vec<String> = (p * PAGE..(p + 1) * PAGE)
                .map(|i| {
                    format!(
                        r#"{{"ARN":"{}","Name":"{}","Description":"Credentials of service {i} for the nightly jobs","DeletedDate":{},"CreatedDate":1700000000.0,"LastChangedDate":{}}}"#,
                        arn(i),
                        name(i),
                        when(deleted(i)),
                        when(deleted(i))
                    )
                })
                .collect();
            let next = if p + 1 < count {
                format!(r#","NextToken":"{}""#, p + 1)
            } else {
                String::new()
            };
            format!(r#"{{"SecretList":[{}]{next}}}"#, entries.join(","))
        })
        .collect();
    let pages = std::sync::Arc::new(pages);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    println!("{}", listener.local_addr().expect("addr").port());
    std::io::stdout().flush().ok();
    for stream in listener.incoming().flatten() {
        let pages = std::sync::Arc::clone(&pages);
        std::thread::spawn(move || answer(stream, &pages, latency));
    }
}

/// When the stand-in answered RestoreSecret, for its 50-a-second quota.
static RESTORE_CALLS: std::sync::Mutex<Vec<Instant>> = std::sync::Mutex::new(Vec::new());

/// Answers requests on one keep-alive connection.
fn answer(stream: TcpStream, pages: &[String], latency: Duration) {
    // One write per answer and no Nagle delay: otherwise every answer
    // waits for a delayed ACK and the clients are not what is measured.
    stream.set_nodelay(true).ok();
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    loop {
        let mut length = 0;
        // The signing region, from the Authorization header's scope.
        let mut region = String::from("us-east-1");
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            if lower.starts_with("authorization:")
                && let Some(scope) = lower.split("credential=").nth(1)
                && let Some(r) = scope.split('/').nth(2)
            {
                region = r.to_owned();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body = String::from_utf8_lossy(&body);
        // RestoreSecret: 50 a second (over the trailing second), then
        // ThrottlingException, as AWS does.
        if body.contains("\"SecretId\"") {
            let throttled = {
                let mut calls = RESTORE_CALLS.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                calls.retain(|t| now.duration_since(*t) < Duration::from_secs(1));
                let over = calls.len() >= 50;
                calls.push(now);
                over
            };
            std::thread::sleep(latency);
            let (status, reply) = if throttled {
                (
                    "400 Bad Request",
                    r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.to_owned(),
                )
            } else {
                let id = body.split('"').nth(3).unwrap_or_default().to_owned();
                ("200 OK", format!(r#"{{"ARN":"{id}","Name":"x"}}"#))
            };
            let answer = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-requestid: bench\r\ncontent-length: {}\r\n\r\n{reply}",
                reply.len()
            );
            if writer.write_all(answer.as_bytes()).is_err() {
                return;
            }
            continue;
        }
        let page = body
            .split("\"NextToken\"")
            .nth(1)
            .and_then(|t| t.split('"').nth(1))
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(0);
        let reply = &pages[page.min(pages.len() - 1)];
        // Each region its own secrets: the same pages, other ARNs.
        let reply = if region == "us-east-1" {
            std::borrow::Cow::Borrowed(reply.as_str())
        } else {
            std::borrow::Cow::Owned(reply.replace(":us-east-1:", &format!(":{region}:")))
        };
        // A service's own time to answer, as over a network.
        std::thread::sleep(latency);
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\n\r\n{reply}",
            reply.len()
        );
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

/// Starts the stand-in with `pages` pages; returns it and its URL.
pub fn stand_in(pages: usize, latency_ms: u64) -> (std::process::Child, String) {
    let exe = std::env::current_exe().expect("own path");
    let mut server = Command::new(exe)
        .arg("--serve")
        .arg(pages.to_string())
        .arg(latency_ms.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the stand-in");
    let mut port = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut port)
        .expect("the stand-in's port");
    (server, format!("http://127.0.0.1:{}", port.trim()))
}

/// The real AWS store for `region`, pointed at the stand-in, with the
/// app's own retries and timeouts.
pub async fn aws_store(url: &str, region: &str) -> reprieve::store::aws::AwsStore {
    let options = reprieve::store::aws::AwsOptions {
        profile: None,
        region: Some(region.to_owned()),
        endpoint_url: Some(url.into()),
    };
    let config = reprieve::store::aws::load_config(&options)
        .await
        .into_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new("bench", "bench", None, None, "bench"),
            ),
        )
        .build();
    reprieve::store::aws::AwsStore::from_config(&config)
}
