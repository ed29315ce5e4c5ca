//! One API call as a value: its options apply to that call and its retries only.
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
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{redact_serde_message, ApiError, ApiErrorType, DecodeError, Error, ErrorResponse};
use crate::form::FormError;
use crate::retry;
use crate::Client;

/// The longest idempotency key Stripe accepts.
const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// A call to Stripe, ready to send: `.await` it, or set its options first.
#[must_use = "a request does nothing until it is awaited"]
pub struct Request<T> {
    pub(crate) client: Client,
    pub(crate) method: Method,
    pub(crate) path: String,
    /// The encoded query string and form body, or why the params could not be encoded.
    pub(crate) encoded: Result<(String, Option<String>), FormError>,
    pub(crate) options: Options,
    response: PhantomData<fn() -> T>,
}

/// The options of one call.
#[derive(Clone, Debug, Default)]
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
        Request {
            client: self.client.clone(),
            method: self.method.clone(),
            path: self.path.clone(),
            encoded: self.encoded.clone(),
            options: self.options.clone(),
            response: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The query and body may hold personal data: only the method and path are shown.
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<T> Request<T> {
    pub(crate) fn new(
        client: Client,
        method: Method,
        path: String,
        encoded: Result<(String, Option<String>), FormError>,
    ) -> Self {
        Request { client, method, path, encoded, options: Options::default(), response: PhantomData }
    }

    /// The `Idempotency-Key` of this POST and its retries (1 to 255 characters), instead of a
    /// fresh UUID. Stripe replays the first response to a key for 24 hours, so never reuse one
    /// across different operations.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }

    /// Acts for a connected account (`Stripe-Account`), instead of the client's default.
    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.options.stripe_account = Some(account.into());
        self
    }

    /// The time each attempt may take, instead of the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// How many times this call is retried, instead of the client's setting (0 turns retries off).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.options.max_retries = Some(retries);
        self
    }

    /// The same request with another query string (the paginator's cursors).
    pub(crate) fn with_query(&self, query: String) -> Self {
        let mut request = self.clone();
        if let Ok((q, _)) = &mut request.encoded {
            *q = query;
        }
        request
    }
}

impl<T: DeserializeOwned> Request<T> {
    /// Sends the request and returns the decoded body with the response's [`ResponseMeta`].
    pub async fn with_meta(self) -> Result<(T, ResponseMeta), Error> {
        let response = self.execute().await?;
        let value = decode(&response)?;
        Ok((value, response.meta))
    }

    /// Sends the request (what `.await` does).
    pub async fn send(self) -> Result<T, Error> {
        self.with_meta().await.map(|(value, _)| value)
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for Request<T> {
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

impl<T> Request<T> {
    /// Sends with retries as Stripe's SDKs do, one idempotency key for every attempt.
    async fn execute(self) -> Result<Response, Error> {
        let (query, body) = self.encoded.clone().map_err(Error::Encode)?;
        let setup = self.client.setup()?;
        let idempotency_key = self.checked_idempotency_key()?;
        let max_retries = self.options.max_retries.unwrap_or(setup.max_retries);
        let stripe_account = self.options.stripe_account.as_deref().or(self.client.stripe_account());
        let mut url = format!("{}{}", setup.base_url, self.path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let mut attempt = 0;
        loop {
            let mut request = setup
                .http
                .request(self.method.clone(), &url)
                .header("Authorization", setup.authorization.clone())
                .header("Stripe-Version", &setup.api_version);
            if let Some(account) = stripe_account {
                request = request.header("Stripe-Account", account);
            }
            if let Some(key) = &idempotency_key {
                request = request.header("Idempotency-Key", key);
            }
            if let Some(timeout) = self.options.timeout {
                request = request.timeout(timeout);
            }
            if let Some(body) = &body {
                // An empty body still says so: `Content-Length: 0`, as both official SDKs send.
                request = request
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Content-Length", body.len())
                    .body(body.clone());
            }
            let outcome = send_once(request).await;
            log_attempt(&self.method, &self.path, attempt, &outcome);
            let retry = attempt < max_retries
                && match &outcome {
                    Ok((status, headers, _)) => retry::should_retry(*status, headers),
                    Err(e) => e.is_connect() || e.is_timeout() || e.is_request(),
                };
            if retry {
                tokio::time::sleep(retry::delay(attempt)).await;
                attempt += 1;
                continue;
            }
            let (status, headers, body) = outcome.map_err(|e| Error::Transport(e.without_url()))?;
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
            let meta = ResponseMeta {
                status: status.as_u16(),
                request_id: header("Request-Id"),
                idempotency_key: idempotency_key.clone(),
                idempotent_replayed: header("Idempotent-Replayed").as_deref() == Some("true"),
            };
            let should_retry = header("Stripe-Should-Retry").map(|v| v == "true");
            return Ok(Response { meta, should_retry, body });
        }
    }

    /// The key for a POST: the one set on this request (checked), or a fresh UUID v4.
    fn checked_idempotency_key(&self) -> Result<Option<String>, Error> {
        if self.method != Method::POST {
            return Ok(None);
        }
        match &self.options.idempotency_key {
            Some(key) if key.is_empty() || key.chars().count() > MAX_IDEMPOTENCY_KEY_LEN => {
                Err(Error::Config(format!("an idempotency key must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} characters")))
            }
            Some(key) => Ok(Some(key.clone())),
            None => Ok(Some(uuid::Uuid::new_v4().to_string())),
        }
    }
}

async fn send_once(request: reqwest::RequestBuilder) -> Result<(StatusCode, HeaderMap, Vec<u8>), reqwest::Error> {
    let response = request.send().await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    Ok((status, headers, body.to_vec()))
}

/// One event per attempt, behind the `tracing` feature: method, path, attempt, status and
/// request id; never the key, the query or a body.
#[cfg(feature = "tracing")]
fn log_attempt(
    method: &Method,
    path: &str,
    attempt: u32,
    outcome: &Result<(StatusCode, HeaderMap, Vec<u8>), reqwest::Error>,
) {
    let span = tracing::info_span!("stripe_request", %method, path, attempt);
    let _entered = span.enter();
    match outcome {
        Ok((status, headers, _)) => {
            let request_id = headers.get("Request-Id").and_then(|v| v.to_str().ok()).unwrap_or_default();
            tracing::info!(status = status.as_u16(), request_id, "stripe responded");
        }
        Err(e) => tracing::warn!(timeout = e.is_timeout(), connect = e.is_connect(), "stripe request failed"),
    }
}

#[cfg(not(feature = "tracing"))]
fn log_attempt(_: &Method, _: &str, _: u32, _: &Result<(StatusCode, HeaderMap, Vec<u8>), reqwest::Error>) {}

/// The body of a success, or Stripe's error as [`Error::Api`]; anything else is a decode error.
fn decode<T: DeserializeOwned>(response: &Response) -> Result<T, Error> {
    let ResponseMeta { status, request_id, .. } = &response.meta;
    let body = &response.body;
    if (200..300).contains(status) {
        let mut de = serde_json::Deserializer::from_slice(body);
        return serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let reason = redact_serde_message(&e.inner().to_string());
            let path = e.path().to_string();
            Error::Decode(Box::new(DecodeError::new(*status, request_id.clone(), path, reason, body)))
        });
    }
    match serde_json::from_slice::<ErrorResponse>(body) {
        Ok(ErrorResponse { error }) => Err(Error::Api(Box::new(ApiError {
            status: *status,
            request_id: request_id.clone(),
            error_type: ApiErrorType::from(error.error_type.as_deref().unwrap_or("api_error")),
            code: error.code,
            decline_code: error.decline_code,
            message: error.message,
            param: error.param,
            doc_url: error.doc_url,
            stripe_should_retry: response.should_retry,
        }))),
        Err(e) => {
            let reason = format!("not a Stripe error body: {}", redact_serde_message(&e.to_string()));
            Err(Error::Decode(Box::new(DecodeError::new(*status, request_id.clone(), ".".into(), reason, body))))
        }
    }
}
