//! One API call as a value: its options apply to that call and its retries only. The
//! [`Client`] methods that make one (`get`, `post`, `delete`, `send`) are here too, so the
//! client sits below its requests.
//!
//! Every generated endpoint function returns a [`Request`]. Awaiting it sends it
//! (`create_verification_session(&client, &params).await`); before that, its options can be set:
//!
//! ```no_run
//! # use std::time::Duration;
//! # use stripe_identity::*;
//! # async fn run(client: &Client, params: &CreateVerificationSessionParams) -> Result<(), Error> {
//! let (session, meta) = create_verification_session(client, params)
//!     .idempotency_key("signup-42")
//!     .stripe_account("acct_123")
//!     .timeout(Duration::from_secs(10))
//!     .max_retries(5)
//!     .with_meta()
//!     .await?;
//! println!("{} (request {:?})", session.id, meta.request_id);
//! # Ok(()) }
//! ```

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::client::Client;
use crate::de::BodyError;
use crate::error::{redact_serde_message, ApiError, DecodeError, Error, ErrorResponse};
use crate::form::{self, FormError, Pairs};
use crate::types::Redacted;
use crate::{random, retry};

/// The longest idempotency key Stripe accepts.
const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// A call to Stripe, ready to send: `.await` it, or set its options first.
///
/// Only decoding depends on `T`, through a function chosen where the request is made (in this
/// crate, for the generated endpoints): sending is compiled once here, and a program that
/// awaits a request does not compile the response type's `Deserialize` again.
#[must_use = "a request does nothing until it is awaited"]
pub struct Request<T> {
    call: Call,
    decode: fn(&[u8]) -> Result<T, BodyError>,
}

/// What is sent: everything about a request but its response type.
#[derive(Clone)]
struct Call {
    client: Client,
    method: Method,
    path: String,
    /// The query and form body as pairs (encoded when sent), or why the params could not be
    /// encoded.
    params: Result<Params, FormError>,
    options: Options,
}

/// A request's parameters as data.
#[derive(Clone)]
pub(crate) struct Params {
    pub(crate) query: Pairs,
    /// `None` for a request without a body (GET, DELETE).
    pub(crate) body: Option<Pairs>,
}

/// The options of one call.
#[derive(Clone, Default)]
pub(crate) struct Options {
    idempotency_key: Option<String>,
    stripe_account: Option<String>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
}

/// What a successful call's response said besides its body.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status.
    pub status: u16,
    /// Stripe's `Request-Id`, to quote to Stripe support.
    pub request_id: Option<String>,
    /// The `Idempotency-Key` the call sent (POSTs only).
    pub idempotency_key: Option<String>,
    /// Stripe answered with the response to an earlier request with the same key
    /// (`Idempotent-Replayed: true`).
    pub idempotent_replayed: bool,
}

impl<T> Clone for Request<T> {
    fn clone(&self) -> Self {
        Request { call: self.call.clone(), decode: self.decode }
    }
}

impl<T> std::fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The query and body may hold personal data: only the method and path are shown.
        // The idempotency key may embed a user's identifier: only whether there is one.
        let Call { method, path, options, .. } = &self.call;
        f.debug_struct("Request")
            .field("method", method)
            .field("path", path)
            .field("idempotency_key", &options.idempotency_key.as_ref().map(|_| Redacted))
            .field("stripe_account", &options.stripe_account)
            .field("timeout", &options.timeout)
            .field("max_retries", &options.max_retries)
            .finish_non_exhaustive()
    }
}

impl<T> Request<T> {
    /// The `Idempotency-Key` of this POST and its retries (1 to 255 characters), instead of a
    /// fresh UUID. Stripe replays the first response to a key for 24 hours, so never reuse one
    /// across different operations.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.call.options.idempotency_key = Some(key.into());
        self
    }

    /// Acts for a connected account (`Stripe-Account`), instead of the client's default.
    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.call.options.stripe_account = Some(account.into());
        self
    }

    /// The time each attempt may take, instead of the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.call.options.timeout = Some(timeout);
        self
    }

    /// How many times this call is retried, instead of the client's setting (0 turns retries off).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.call.options.max_retries = Some(retries);
        self
    }

    /// The value of the first query parameter named `key`, as given.
    pub(crate) fn query_value(&self, key: &str) -> Option<&str> {
        let params = self.call.params.as_ref().ok()?;
        params.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The same request without the query parameters named in `remove`, and with `add` at the
    /// end (the paginator's cursors).
    pub(crate) fn with_query(&self, remove: &[&str], add: Option<(&str, &str)>) -> Self {
        let mut request = self.clone();
        if let Ok(params) = &mut request.call.params {
            params.query.retain(|(key, _)| !remove.contains(&key.as_str()));
            params.query.extend(add.map(|(key, value)| (key.to_string(), value.to_string())));
        }
        request
    }
}

impl Client {
    /// `GET path?query`. The generated functions call these; they also reach endpoints the
    /// generated code lacks.
    pub fn get<T: DeserializeOwned>(&self, path: impl Into<String>, query: &(impl Serialize + ?Sized)) -> Request<T> {
        self.send(Method::GET, path, query, None::<&()>)
    }

    /// `POST path` with a form body.
    pub fn post<T: DeserializeOwned>(&self, path: impl Into<String>, form: &(impl Serialize + ?Sized)) -> Request<T> {
        self.send(Method::POST, path, &(), Some(form))
    }

    /// `DELETE path?query`.
    pub fn delete<T: DeserializeOwned>(
        &self,
        path: impl Into<String>,
        query: &(impl Serialize + ?Sized),
    ) -> Request<T> {
        self.send(Method::DELETE, path, query, None::<&()>)
    }

    /// Any method, with a query and an optional form body. `T`'s `Deserialize` is compiled
    /// where this is called.
    pub fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: impl Into<String>,
        query: &(impl Serialize + ?Sized),
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Request<T> {
        let params =
            form::pairs(query).and_then(|query| Ok(Params { query, body: body.map(form::pairs).transpose()? }));
        let call = Call { client: self.clone(), method, path: path.into(), params, options: Options::default() };
        Request { call, decode: crate::de::from_body::<T> }
    }
}

impl<T> Request<T> {
    /// Sends the request and returns the decoded body with the response's [`ResponseMeta`].
    pub async fn with_meta(self) -> Result<(T, ResponseMeta), Error> {
        let response = self.call.execute().await?;
        let value = match response.success() {
            Ok(body) => (self.decode)(body).map_err(|e| response.decode_error(&e))?,
            Err(error) => return Err(error),
        };
        Ok((value, response.meta))
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<T, Error> {
        self.with_meta().await.map(|(value, _)| value)
    }
}

impl<T: Send + 'static> IntoFuture for Request<T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A response as it arrived.
struct Response {
    meta: ResponseMeta,
    /// `Stripe-Should-Retry`, when Stripe said.
    should_retry: Option<bool>,
    body: Vec<u8>,
}

/// What one attempt got: a response, or why none came.
type Outcome = Result<(StatusCode, HeaderMap, Body), reqwest::Error>;

/// A response body, read up to the client's limit; a redirect's is not read at all.
enum Body {
    Read(Vec<u8>),
    TooLarge,
    Redirect,
}

/// The sending future, boxed so that it is compiled here, once, and not in each program that
/// awaits a request.
type Sending = Pin<Box<dyn Future<Output = Result<Response, Error>> + Send>>;

impl Call {
    fn execute(self) -> Sending {
        Box::pin(self.attempts())
    }

    /// Sends with retries as Stripe's SDKs do, one idempotency key for every attempt.
    async fn attempts(self) -> Result<Response, Error> {
        let (idempotency_key, stripe_account) = self.checked_headers()?;
        let Call { client, method, path, params, options } = self;
        let params = params.map_err(Error::Encode)?;
        let (query, body) = (form::join(&params.query), params.body.map(|body| form::join(&body)));
        let setup = client.setup()?;
        let max_retries = options.max_retries.unwrap_or(setup.max_retries);
        let mut url = format!("{}{}", setup.base_url, path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let mut attempt = 0;
        loop {
            let mut request = setup
                .http
                .request(method.clone(), &url)
                .header("Authorization", setup.authorization.clone())
                .header("Stripe-Version", &setup.api_version);
            if let Some(account) = &stripe_account {
                request = request.header("Stripe-Account", account.clone());
            }
            if let Some(key) = &idempotency_key {
                request = request.header("Idempotency-Key", key.clone());
            }
            request = request.timeout(options.timeout.unwrap_or(setup.timeout));
            if let Some(body) = &body {
                // An empty body still says so: `Content-Length: 0`, as both official SDKs send.
                request = request
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Content-Length", body.len())
                    .body(body.clone());
            }
            let outcome = send_traced(request, setup.max_response_bytes, &method, &path, attempt).await;
            let retry = attempt < max_retries
                && match &outcome {
                    Ok((status, headers, _)) => retry::should_retry(*status, headers),
                    Err(e) => retry::is_retryable_transport(e),
                };
            if retry {
                tokio::time::sleep(retry::delay(attempt)).await;
                attempt += 1;
                continue;
            }
            let (status, headers, body) = outcome.map_err(|e| Error::Transport(e.without_url()))?;
            let meta = ResponseMeta {
                status: status.as_u16(),
                request_id: header(&headers, "Request-Id").map(str::to_string),
                idempotency_key: idempotency_key.and_then(|k| k.to_str().ok().map(str::to_string)),
                idempotent_replayed: header(&headers, "Idempotent-Replayed") == Some("true"),
            };
            let body = match body {
                Body::Redirect => return Err(Error::Redirect { status: meta.status, request_id: meta.request_id }),
                Body::TooLarge => {
                    let limit = setup.max_response_bytes;
                    return Err(Error::BodyTooLarge { status: meta.status, request_id: meta.request_id, limit });
                }
                Body::Read(body) => body,
            };
            let should_retry = retry::stripe_should_retry(&headers);
            return Ok(Response { meta, should_retry, body });
        }
    }

    /// The `Idempotency-Key` (a POST's own, checked, or a fresh UUID v4) and `Stripe-Account`
    /// headers; a value no header can carry is a configuration error, before anything is sent.
    fn checked_headers(&self) -> Result<(Option<HeaderValue>, Option<HeaderValue>), Error> {
        let key = match (&self.options.idempotency_key, self.method == Method::POST) {
            (Some(_), false) => return Err(Error::Config("idempotency keys apply to POST requests only".into())),
            (Some(key), true) if key.is_empty() || key.chars().count() > MAX_IDEMPOTENCY_KEY_LEN => {
                return Err(Error::Config(format!(
                    "an idempotency key must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} characters"
                )))
            }
            (Some(key), true) => Some(header_value(key, "the idempotency key")?),
            (None, true) => Some(header_value(&random::uuid_v4(), "the idempotency key")?),
            (None, false) => None,
        };
        let account = self.options.stripe_account.as_deref().or(self.client.stripe_account());
        let account = account.map(|a| header_value(a, "the Stripe-Account")).transpose()?;
        Ok((key, account))
    }
}

/// A header value, or a configuration error that does not quote it.
fn header_value(value: &str, what: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value).map_err(|_| Error::Config(format!("{what} has characters a header cannot carry")))
}

/// A response header as text.
fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// One attempt. The body is read chunk by chunk into one buffer and never past `limit` bytes;
/// a redirect's body is not read at all.
async fn send_once(request: reqwest::RequestBuilder, limit: usize) -> Outcome {
    let mut response = request.send().await?;
    let status = response.status();
    let headers = response.headers().clone();
    let announced = response.content_length().unwrap_or(0);
    if status.is_redirection() {
        return Ok((status, headers, Body::Redirect));
    }
    if announced > limit as u64 {
        return Ok((status, headers, Body::TooLarge));
    }
    // What the server announces is only a hint: at most 1 MiB is reserved up front.
    let mut body = Vec::with_capacity(announced.min(1 << 20) as usize);
    while let Some(chunk) = response.chunk().await? {
        if chunk.len() > limit - body.len() {
            return Ok((status, headers, Body::TooLarge));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, headers, Body::Read(body)))
}

/// One attempt inside a span, behind the `tracing` feature: the span covers the attempt and
/// records method, path, attempt, then status and request id; never the key, query or body.
#[cfg(feature = "tracing")]
async fn send_traced(
    request: reqwest::RequestBuilder,
    limit: usize,
    method: &Method,
    path: &str,
    attempt: u32,
) -> Outcome {
    use tracing::Instrument;
    let empty = tracing::field::Empty;
    let span = tracing::info_span!("stripe_request", %method, path, attempt, status = empty, request_id = empty);
    let outcome = send_once(request, limit).instrument(span.clone()).await;
    match &outcome {
        Ok((status, headers, _)) => {
            span.record("status", status.as_u16());
            if let Some(id) = header(headers, "Request-Id") {
                span.record("request_id", id);
            }
        }
        Err(e) => {
            let _entered = span.enter();
            tracing::warn!(timeout = e.is_timeout(), connect = e.is_connect(), "stripe request failed");
        }
    }
    outcome
}

#[cfg(not(feature = "tracing"))]
async fn send_traced(request: reqwest::RequestBuilder, limit: usize, _: &Method, _: &str, _: u32) -> Outcome {
    send_once(request, limit).await
}

impl Response {
    /// The body of a success, or Stripe's error as [`Error::Api`]; an error body that is not
    /// Stripe's is a decode error.
    fn success(&self) -> Result<&[u8], Error> {
        let ResponseMeta { status, request_id, .. } = &self.meta;
        let body = &self.body;
        if (200..300).contains(status) {
            return Ok(body);
        }
        match serde_json::from_slice::<ErrorResponse>(body) {
            Ok(ErrorResponse { error }) => Err(Error::Api(Box::new(ApiError {
                status: *status,
                request_id: request_id.clone(),
                stripe_should_retry: self.should_retry,
                error,
            }))),
            Err(e) => {
                let reason = format!("not a Stripe error body: {}", redact_serde_message(&e.to_string()));
                Err(Error::Decode(Box::new(DecodeError::new(*status, request_id.clone(), ".".into(), reason, body))))
            }
        }
    }

    /// A success body that did not decode: why (without the values it quotes) and where, read
    /// from where decoding stopped.
    fn decode_error(&self, error: &BodyError) -> Error {
        let reason = match error {
            BodyError::NotUtf8 { at } => format!("the body is not UTF-8 (byte {at})"),
            BodyError::Json(e) => redact_serde_message(&e.to_string()),
        };
        let path = error.path(&self.body);
        Error::Decode(Box::new(DecodeError::new(
            self.meta.status,
            self.meta.request_id.clone(),
            path,
            reason,
            &self.body,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paginator_swaps_a_cursor_pair_without_parsing_a_query_string() {
        #[derive(Serialize)]
        struct Query {
            limit: u8,
            starting_after: &'static str,
            status: &'static str,
        }
        let query = Query { limit: 3, starting_after: "vs 1&x", status: "verified" };
        let request: Request<()> = Client::new("sk_test_123").get("/v1/x", &query);
        assert_eq!(request.query_value("starting_after"), Some("vs 1&x"), "as given, not encoded");
        let next = request.with_query(&["starting_after", "ending_before"], Some(("starting_after", "vs 2/y")));
        let params = next.call.params.as_ref().unwrap();
        assert_eq!(form::join(&params.query), "limit=3&status=verified&starting_after=vs%202%2Fy");
        assert!(params.body.is_none());
    }
}
