//! The HTTP side on hyper, which bounds what arrives before the pipeline sees it: connections
//! at once, header read time (hyper's timer), body size and read time. Hyper's own answers to
//! requests it cannot parse (400, 414, 431) are rewritten into Stripe's error JSON on their way
//! out ([`JsonErrors`]), so every answer a client reads is Stripe's shape.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::answer::{Answer, StripeError};
use crate::limits::{BODY_TIMEOUT, HEADER_TIMEOUT, MAX_BODY_BYTES, MAX_CONNECTIONS, WRITE_TIMEOUT};
use crate::pipeline::{self, Outcome, Received};
use crate::shared::Shared;
use crate::table;

/// Accepts connections until aborted; aborting drops the set, which aborts every connection.
pub async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let slots = Arc::new(Semaphore::new(connection_slots()));
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors, say: wait instead of spinning.
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                };
                let shared = shared.clone();
                match slots.clone().try_acquire_owned() {
                    Ok(slot) => {
                        connections.spawn(async move {
                            serve_connection(stream, shared).await;
                            drop(slot);
                        });
                    }
                    Err(_) => {
                        connections.spawn(refuse(stream, shared));
                    }
                }
            }
            Some(_) = connections.join_next() => {}
        }
    }
}

/// Connections at once: [`MAX_CONNECTIONS`], or fewer where the process may open fewer files
/// (the soft `RLIMIT_NOFILE`, less a margin for everything else), so the 503 comes before the
/// descriptors run out.
fn connection_slots() -> usize {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit only writes the struct it is given.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
            let files = usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX);
            return MAX_CONNECTIONS.min(files.saturating_sub(64).max(16));
        }
    }
    MAX_CONNECTIONS
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let io = TokioIo::new(JsonErrors::new(stream, shared.clone()));
    let service = service_fn(move |request| serve(shared.clone(), request));
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(io, service)
        .await;
}

/// A connection past [`MAX_CONNECTIONS`]: a 503 in Stripe's shape, then closed.
async fn refuse(mut stream: TcpStream, shared: Arc<Shared>) {
    let request_id = shared.lock().id("req");
    let error = StripeError::api("The fake has too many open connections; try again.").with_status(503);
    let bytes = raw_response(&Answer::error(&error, &request_id), &request_id);
    let _ = tokio::time::timeout(HEADER_TIMEOUT, stream.write_all(&bytes)).await;
}

/// Serves one request. An `Err` makes hyper drop the connection (the `Reset` fault).
async fn serve(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, io::Error> {
    let request_id = shared.lock().id("req");
    let (parts, body) = request.into_parts();
    let declared = parts.headers.get(hyper::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let body = if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        Err(too_large())
    } else {
        match tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, MAX_BODY_BYTES).collect()).await {
            Ok(Ok(collected)) => Ok(collected.to_bytes()),
            Ok(Err(error)) if error.downcast_ref::<http_body_util::LengthLimitError>().is_some() => Err(too_large()),
            Ok(Err(error)) => return Err(io::Error::other(error)),
            Err(_) => Err(StripeError::invalid(None, "The request body did not arrive in time.").with_status(408)),
        }
    };
    let body = match body {
        Ok(body) => body,
        // The rest of the body is not read: the connection closes after the answer.
        Err(error) => {
            return Ok(response(Answer::error(&error, &request_id).header("Connection", "close"), &request_id))
        }
    };
    let received = Received {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        target: parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_default(),
        headers: parts.headers,
        body: body.to_vec(),
    };
    match pipeline::serve(&shared, received, &request_id).await {
        Outcome::Answer(answer) => Ok(response(answer, &request_id)),
        Outcome::Drop => Err(io::Error::from(io::ErrorKind::ConnectionReset)),
    }
}

fn too_large() -> StripeError {
    StripeError::invalid(None, format!("The request body is larger than the fake's limit of {MAX_BODY_BYTES} bytes."))
        .with_status(413)
}

fn response(answer: Answer, request_id: &str) -> Response<Full<Bytes>> {
    let (content_type, body) = match answer.text {
        Some((content_type, text)) => (content_type, text.into_bytes()),
        None => ("application/json", serde_json::to_vec_pretty(&answer.body).unwrap_or_default()),
    };
    let mut builder = Response::builder()
        .status(answer.status)
        .header("Content-Type", content_type)
        .header("Request-Id", request_id)
        .header("Stripe-Version", table::API_VERSION);
    for (name, value) in answer.headers {
        builder = builder.header(name, value);
    }
    builder.body(Full::new(Bytes::from(body))).unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// A whole HTTP/1.1 response, for the answers hyper does not write.
fn raw_response(answer: &Answer, request_id: &str) -> Vec<u8> {
    let body = serde_json::to_vec_pretty(&answer.body).unwrap_or_default();
    let reason = hyper::StatusCode::from_u16(answer.status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
    let head = format!(
        "HTTP/1.1 {} {reason}\r\ncontent-type: application/json\r\nrequest-id: {request_id}\r\nstripe-version: {}\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
        answer.status,
        table::API_VERSION,
        body.len()
    );
    [head.into_bytes(), body].concat()
}

/// The stream under hyper: passes everything through, except hyper's own error answer to a
/// request it could not parse (a head without our `request-id`), which it replaces with the same
/// status in Stripe's error JSON (hyper closes the connection after such an answer); and a
/// write that cannot go out for [`WRITE_TIMEOUT`] (a client that sends and never reads) ends
/// the connection.
struct JsonErrors {
    inner: TcpStream,
    /// Set while a write waits for the client to read.
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
    shared: Arc<Shared>,
    /// The replacement still to write, and how much of hyper's buffer it stands for.
    pending: Vec<u8>,
    written: usize,
    stands_for: usize,
    replaced: bool,
}

impl JsonErrors {
    fn new(inner: TcpStream, shared: Arc<Shared>) -> JsonErrors {
        JsonErrors { inner, stalled: None, shared, pending: Vec::new(), written: 0, stands_for: 0, replaced: false }
    }

    /// The status of hyper's own error answer, if `buf` starts one.
    fn hyper_error(buf: &[u8]) -> Option<u16> {
        if !buf.starts_with(b"HTTP/1.") {
            return None;
        }
        let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let status =
            head.strip_prefix("http/1.1 ").or_else(|| head.strip_prefix("http/1.0 "))?.get(..3)?.parse().ok()?;
        (400..500).contains(&status).then_some(()).filter(|()| !head.contains("\r\nrequest-id:"))?;
        Some(status)
    }

    fn replacement(&self, status: u16) -> Vec<u8> {
        let request_id = self.shared.lock().id("req");
        let message = match status {
            414 => "The request URL is too long.",
            431 => "The request's headers are too large.",
            _ => "The request could not be read as HTTP/1.1.",
        };
        let error = StripeError::invalid(None, message).with_status(status);
        raw_response(&Answer::error(&error, &request_id), &request_id)
    }

    /// A write that stays pending past [`WRITE_TIMEOUT`] becomes an error, which ends the
    /// connection; any progress resets the watch.
    fn watch<T>(&mut self, cx: &mut Context<'_>, result: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if result.is_ready() {
            self.stalled = None;
            return result;
        }
        let timer = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(WRITE_TIMEOUT)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::ErrorKind::TimedOut.into())),
            Poll::Pending => Poll::Pending,
        }
    }

    /// Writes what is left of the replacement.
    fn drive(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n = std::task::ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for JsonErrors {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for JsonErrors {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if !self.replaced {
            if let Some(status) = JsonErrors::hyper_error(buf) {
                self.pending = self.replacement(status);
                self.stands_for = buf.len();
                self.replaced = true;
            }
        }
        if self.replaced {
            std::task::ready!(self.drive(cx))?;
            return Poll::Ready(Ok(std::mem::take(&mut self.stands_for).max(buf.len())));
        }
        let written = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.watch(cx, written)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.drive(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.drive(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
