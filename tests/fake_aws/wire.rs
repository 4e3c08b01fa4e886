//! HTTP/1.1 on one keep-alive connection: headers and a body in, a JSON
//! (or, for STS, XML) answer out.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;

use serde_json::{Value, json};

use super::State;
use super::operations::{handle, sts};

/// Answers requests on one keep-alive connection until it closes.
pub(super) fn serve(stream: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut writer = stream;
    loop {
        let (mut target, mut length, mut close) = (String::new(), 0, false);
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line.trim().is_empty() => break,
                Ok(_) => {}
            }
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "x-amz-target" => target = value.to_owned(),
                "content-length" => length = value.parse().unwrap_or(0),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        // STS speaks the query protocol: a form body, an XML answer.
        if target.is_empty() && body.starts_with(b"Action=") {
            let text = String::from_utf8_lossy(&body);
            let action = text
                .split('&')
                .find_map(|p| p.strip_prefix("Action="))
                .unwrap_or_default()
                .to_owned();
            let xml = sts(state, &action);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {}\r\n\r\n",
                xml.len()
            );
            let sent = writer
                .write_all(head.as_bytes())
                .and_then(|()| writer.write_all(xml.as_bytes()));
            if sent.is_err() || close {
                return;
            }
            continue;
        }
        let request = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let (status, extra, body) = match handle(state, &target, &request) {
            Ok(v) => ("200 OK", String::new(), v),
            Err((code, message)) => (
                "400 Bad Request",
                format!("x-amzn-errortype: {code}\r\n"),
                json!({"__type": code, "message": message}),
            ),
        };
        let body = body.to_string();
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\n{extra}content-length: {}\r\n\r\n",
            body.len()
        );
        let sent = writer
            .write_all(head.as_bytes())
            .and_then(|()| writer.write_all(body.as_bytes()));
        if sent.is_err() || close {
            return;
        }
    }
}
