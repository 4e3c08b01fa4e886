//! A forwarder in front of moto that refuses STS `AssumeRole` for chosen
//! roles as AWS does (moto never refuses one), passes every other request
//! through byte for byte, and counts the operations it saw.
//!
//! HTTP/1.1 with keep-alive: one upstream connection per client connection,
//! bodies framed by Content-Length or chunked, as both sides send them.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

#[derive(Default)]
struct Rules {
    /// Role ARNs whose AssumeRole is refused.
    roles: HashSet<String>,
    /// Accounts in which every role is refused.
    accounts: HashSet<String>,
    /// Every operation received, in order (refused ones too).
    calls: Vec<String>,
    /// The RoleArn of every AssumeRole received, in order.
    roles_asked: Vec<String>,
}

struct Shared {
    upstream: u16,
    /// Who the refusal says was refused: the caller's principal.
    caller: String,
    rules: Mutex<Rules>,
    requests: AtomicU64,
}

/// The proxy; stops when dropped.
pub struct Proxy {
    port: u16,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<TcpStream>>>,
    acceptor: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Forwards to `127.0.0.1:upstream`; refusals name `caller` (an ARN).
    pub fn start(upstream: u16, caller: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().expect("local addr").port();
        let shared = Arc::new(Shared {
            upstream,
            caller: caller.to_owned(),
            rules: Mutex::new(Rules::default()),
            requests: AtomicU64::new(0),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let acceptor = {
            let (shared, stop, connections) = (shared.clone(), stop.clone(), connections.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(stream) = stream else { continue };
                    if let Ok(clone) = stream.try_clone() {
                        lock(&connections).push(clone);
                    }
                    let shared = shared.clone();
                    std::thread::spawn(move || {
                        let _ = relay(stream, &shared);
                    });
                }
            })
        };
        Proxy {
            port,
            shared,
            stop,
            connections,
            acceptor: Some(acceptor),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `AssumeRole` on this role ARN is refused from now on.
    pub fn refuse_role(&self, role_arn: &str) {
        lock(&self.shared.rules).roles.insert(role_arn.to_owned());
    }

    /// `AssumeRole` on any role of this account is refused from now on.
    pub fn refuse_account(&self, account: &str) {
        lock(&self.shared.rules).accounts.insert(account.to_owned());
    }

    /// Every operation received, in order: "ListSecrets", "AssumeRole", ...
    pub fn calls(&self) -> Vec<String> {
        lock(&self.shared.rules).calls.clone()
    }

    /// The role of every AssumeRole received, refused or not, in order.
    pub fn roles_asked(&self) -> Vec<String> {
        lock(&self.shared.rules).roles_asked.clone()
    }

    /// How many times each operation was received.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for call in self.calls() {
            *out.entry(call).or_default() += 1;
        }
        out
    }

    pub fn count(&self, operation: &str) -> usize {
        self.calls().iter().filter(|c| *c == operation).count()
    }

    /// Forgets the calls counted so far.
    pub fn clear_calls(&self) {
        let mut rules = lock(&self.shared.rules);
        rules.calls.clear();
        rules.roles_asked.clear();
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the thread sees `stop`.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        for c in lock(&self.connections).drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not take the proxy down with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One HTTP message as read: its head and body exactly as they came, and
/// the body decoded (for chunked bodies) to look into.
struct Message {
    raw: Vec<u8>,
    start_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// No framing: the body ran to the end of the connection.
    until_close: bool,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn closes(&self) -> bool {
        self.until_close
            || self
                .header("connection")
                .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// Reads one message; `None` when the connection closed between messages.
/// A response to anything but HEAD without framing runs until close.
fn read_message(reader: &mut BufReader<TcpStream>, response: bool) -> io::Result<Option<Message>> {
    let mut raw = Vec::new();
    let mut start_line = String::new();
    let mut headers = Vec::new();
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return if raw.is_empty() {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
        raw.extend_from_slice(&line);
        let text = String::from_utf8_lossy(&line).trim_end().to_owned();
        if text.is_empty() {
            if start_line.is_empty() {
                continue;
            }
            break;
        }
        if start_line.is_empty() {
            start_line = text;
        } else if let Some((name, value)) = text.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let mut message = Message {
        raw,
        start_line,
        headers,
        body: Vec::new(),
        until_close: false,
    };
    let status = response
        .then(|| {
            message
                .start_line
                .split_whitespace()
                .nth(1)?
                .parse::<u16>()
                .ok()
        })
        .flatten();
    let bodiless = status.is_some_and(|s| s < 200 || s == 204 || s == 304);
    let chunked = message
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = message
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok());
    if bodiless {
    } else if chunked {
        read_chunks(reader, &mut message)?;
    } else if let Some(n) = length {
        let mut body = vec![0; n];
        reader.read_exact(&mut body)?;
        message.raw.extend_from_slice(&body);
        message.body = body;
    } else if response {
        let mut body = Vec::new();
        reader.read_to_end(&mut body)?;
        message.raw.extend_from_slice(&body);
        message.body = body;
        message.until_close = true;
    }
    Ok(Some(message))
}

/// A chunked body: kept raw for forwarding, decoded for reading.
fn read_chunks(reader: &mut BufReader<TcpStream>, message: &mut Message) -> io::Result<()> {
    loop {
        let mut size_line = Vec::new();
        reader.read_until(b'\n', &mut size_line)?;
        message.raw.extend_from_slice(&size_line);
        let text = String::from_utf8_lossy(&size_line);
        let hex = text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(hex, 16).map_err(|_| io::ErrorKind::InvalidData)?;
        if size == 0 {
            // Trailers, then the blank line.
            loop {
                let mut line = Vec::new();
                if reader.read_until(b'\n', &mut line)? == 0 {
                    return Ok(());
                }
                message.raw.extend_from_slice(&line);
                if line == b"\r\n" || line == b"\n" {
                    return Ok(());
                }
            }
        }
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk)?;
        message.raw.extend_from_slice(&chunk);
        message.body.extend_from_slice(&chunk[..size]);
    }
}

/// Relays requests on one client connection until either side closes.
fn relay(client: TcpStream, shared: &Shared) -> io::Result<()> {
    client.set_nodelay(true).ok();
    let mut from_client = BufReader::new(client.try_clone()?);
    let mut to_client = client;
    let mut upstream: Option<(BufReader<TcpStream>, TcpStream)> = None;
    while let Some(request) = read_message(&mut from_client, false)? {
        shared.requests.fetch_add(1, Ordering::SeqCst);
        let operation = operation(&request);
        let refused = (operation == "AssumeRole")
            .then(|| refusal(&request, shared))
            .flatten();
        {
            let mut rules = lock(&shared.rules);
            if operation == "AssumeRole" {
                let body = String::from_utf8_lossy(&request.body);
                rules.roles_asked.extend(form_value(&body, "RoleArn"));
            }
            rules.calls.push(operation);
        }
        if let Some(answer) = refused {
            to_client.write_all(&answer)?;
            if request.closes() {
                return Ok(());
            }
            continue;
        }
        let (from_up, to_up) = match &mut upstream {
            Some(pair) => pair,
            None => {
                let stream = TcpStream::connect(("127.0.0.1", shared.upstream))?;
                stream.set_nodelay(true).ok();
                upstream.insert((BufReader::new(stream.try_clone()?), stream))
            }
        };
        to_up.write_all(&request.raw)?;
        let Some(response) = read_message(from_up, true)? else {
            return Ok(());
        };
        to_client.write_all(&response.raw)?;
        if response.closes() || request.closes() {
            return Ok(());
        }
    }
    Ok(())
}

/// The operation a request asks for: `X-Amz-Target` (JSON protocols),
/// `Action=` (query protocol, in the form body or the URL), else the last
/// part of a REST path (`/listRegions` is ListRegions).
fn operation(request: &Message) -> String {
    if let Some(target) = request.header("x-amz-target") {
        return target.rsplit('.').next().unwrap_or(target).to_owned();
    }
    let body = String::from_utf8_lossy(&request.body);
    let path = request.start_line.split_whitespace().nth(1).unwrap_or("/");
    let query = path.split_once('?').map_or("", |(_, q)| q);
    if let Some(action) = form_value(&body, "Action").or_else(|| form_value(query, "Action")) {
        return action;
    }
    let last = path
        .split('?')
        .next()
        .unwrap_or_default()
        .rsplit('/')
        .find(|p| !p.is_empty())
        .unwrap_or_default();
    let mut chars = last.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

/// One value of an `application/x-www-form-urlencoded` text, decoded.
fn form_value(form: &str, key: &str) -> Option<String> {
    form.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (decode(k) == key).then(|| decode(v))
    })
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// AWS's answer to an `AssumeRole` the caller may not make, when the
/// request's role is one to refuse.
fn refusal(request: &Message, shared: &Shared) -> Option<Vec<u8>> {
    let body = String::from_utf8_lossy(&request.body);
    let role = form_value(&body, "RoleArn")?;
    let account = role.split(':').nth(4).unwrap_or_default();
    let rules = lock(&shared.rules);
    if !rules.roles.contains(&role) && !rules.accounts.contains(account) {
        return None;
    }
    drop(rules);
    let n = shared.requests.load(Ordering::SeqCst);
    let request_id = format!(
        "{:08x}-7e57-4d0e-9a11-{n:012x}",
        (n as u32).wrapping_mul(2_654_435_761)
    );
    let xml = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  \
         <Error>\n    <Type>Sender</Type>\n    <Code>AccessDenied</Code>\n    \
         <Message>User: {} is not authorized to perform: sts:AssumeRole on resource: {role}</Message>\n  \
         </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
        shared.caller
    );
    let head = format!(
        "HTTP/1.1 403 Forbidden\r\nx-amzn-RequestId: {request_id}\r\n\
         Content-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        xml.len()
    );
    Some([head.into_bytes(), xml.into_bytes()].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_decoded() {
        let body = "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FR&X=a+b";
        assert_eq!(form_value(body, "Action").as_deref(), Some("AssumeRole"));
        assert_eq!(
            form_value(body, "RoleArn").as_deref(),
            Some("arn:aws:iam::1:role/R")
        );
        assert_eq!(form_value(body, "X").as_deref(), Some("a b"));
    }
}
