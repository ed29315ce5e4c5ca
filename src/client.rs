//! The HTTP transport: authentication, Stripe's headers, retries, idempotency, decoding.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{redact_serde_message, ApiError, ApiErrorType, DecodeError, Error, ErrorResponse};
use crate::form;

/// Where requests go unless [`ClientBuilder::base_url`] says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com";

/// Retries after the first attempt, as in Stripe's official SDKs.
const DEFAULT_MAX_RETRIES: u32 = 2;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(80);

/// A Stripe API client. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    options: RequestOptions,
}

struct Shared {
    http: reqwest::Client,
    authorization: HeaderValue,
    base_url: String,
    api_version: String,
    max_retries: u32,
}

/// Per-request settings, set with [`Client::with_idempotency_key`] and [`Client::with_stripe_account`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct RequestOptions {
    idempotency_key: Option<String>,
    stripe_account: Option<String>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("secret_key", &crate::Redacted)
            .field("base_url", &self.shared.base_url)
            .field("api_version", &self.shared.api_version)
            .field("max_retries", &self.shared.max_retries)
            .field("idempotency_key", &self.options.idempotency_key)
            .field("stripe_account", &self.options.stripe_account)
            .finish()
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    secret_key: String,
    base_url: String,
    api_version: String,
    max_retries: u32,
    timeout: Duration,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("secret_key", &crate::Redacted)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ClientBuilder {
    /// Sends requests to another server (a mock, or a proxy) instead of `https://api.stripe.com`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_string();
        self
    }

    /// Overrides the `Stripe-Version` header (default: the version the code was generated for).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// How many times a failed request is retried (default 2; 0 turns retries off).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The time one attempt may take (default 80 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Builds the client. Fails when the key cannot be sent as a header or TLS cannot start.
    pub fn build(self) -> Result<Client, Error> {
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", self.secret_key))
            .map_err(|_| Error::Config("the secret key has characters a header cannot carry".into()))?;
        authorization.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert("X-Stripe-Client-User-Agent", HeaderValue::from_static(CLIENT_USER_AGENT));
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .timeout(self.timeout)
            .build()
            .map_err(|e| Error::Config(e.to_string()))?;
        let shared = Shared {
            http,
            authorization,
            base_url: self.base_url,
            api_version: self.api_version,
            max_retries: self.max_retries,
        };
        Ok(Client { shared: Arc::new(shared), options: RequestOptions::default() })
    }
}

const USER_AGENT: &str = concat!("stripe-identity/", env!("CARGO_PKG_VERSION"), " (Rust)");
const CLIENT_USER_AGENT: &str =
    concat!(r#"{"bindings_version":""#, env!("CARGO_PKG_VERSION"), r#"","lang":"rust","publisher":"stripe-identity"}"#);

impl Client {
    /// A client with the default settings.
    ///
    /// # Panics
    /// When the TLS backend cannot start, as `reqwest::Client::new` does; use
    /// [`Client::builder`] to get that as an error.
    pub fn new(secret_key: impl Into<String>) -> Client {
        Client::builder(secret_key).build().expect("the TLS backend failed to start")
    }

    /// A builder, to change the base URL, API version, retries or timeout.
    pub fn builder(secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            secret_key: secret_key.into(),
            base_url: DEFAULT_BASE_URL.to_string(),
            api_version: crate::API_VERSION.to_string(),
            max_retries: DEFAULT_MAX_RETRIES,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// This client, sending `key` as the `Idempotency-Key` of its POST requests instead of a
    /// fresh UUID per call.
    pub fn with_idempotency_key(&self, key: impl Into<String>) -> Client {
        let mut client = self.clone();
        client.options.idempotency_key = Some(key.into());
        client
    }

    /// This client, acting for a connected account (`Stripe-Account`).
    pub fn with_stripe_account(&self, account: impl Into<String>) -> Client {
        let mut client = self.clone();
        client.options.stripe_account = Some(account.into());
        client
    }

    /// `GET path?query`. The generated functions call this; it also reaches endpoints they lack.
    pub async fn get<R: DeserializeOwned>(&self, path: &str, query: &(impl Serialize + ?Sized)) -> Result<R, Error> {
        self.execute(Method::GET, path, &form::encode(query)?, None).await
    }

    /// `POST path` with a form body.
    pub async fn post<R: DeserializeOwned>(&self, path: &str, form: &(impl Serialize + ?Sized)) -> Result<R, Error> {
        self.execute(Method::POST, path, "", Some(form::encode(form)?)).await
    }

    /// `DELETE path?query`.
    pub async fn delete<R: DeserializeOwned>(&self, path: &str, query: &(impl Serialize + ?Sized)) -> Result<R, Error> {
        self.execute(Method::DELETE, path, &form::encode(query)?, None).await
    }

    /// Any method, with a query and an optional form body.
    pub async fn send<R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &(impl Serialize + ?Sized),
        form: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<R, Error> {
        let body = form.map(form::encode).transpose()?;
        self.execute(method, path, &form::encode(query)?, body).await
    }

    /// The list page after `starting_after`, with the other `params` unchanged.
    pub(crate) async fn get_page<R: DeserializeOwned>(
        &self,
        path: &str,
        params: &(impl Serialize + ?Sized),
        starting_after: &str,
    ) -> Result<R, Error> {
        let query = form::encode(params)?;
        let mut pairs: Vec<&str> = query
            .split('&')
            .filter(|pair| {
                !pair.is_empty() && !pair.starts_with("starting_after=") && !pair.starts_with("ending_before=")
            })
            .collect();
        let cursor = format!("starting_after={}", form::encode_component(starting_after));
        pairs.push(&cursor);
        self.execute(Method::GET, path, &pairs.join("&"), None).await
    }

    async fn execute<R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &str,
        body: Option<String>,
    ) -> Result<R, Error> {
        let mut url = format!("{}{}", self.shared.base_url, path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        // One key for every attempt, so a retried POST is applied once.
        let idempotency_key = (method == Method::POST)
            .then(|| self.options.idempotency_key.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string()));
        let mut attempt = 0;
        loop {
            let mut request = self
                .shared
                .http
                .request(method.clone(), &url)
                .header("Authorization", self.shared.authorization.clone())
                .header("Stripe-Version", &self.shared.api_version);
            if let Some(account) = &self.options.stripe_account {
                request = request.header("Stripe-Account", account);
            }
            if let Some(key) = &idempotency_key {
                request = request.header("Idempotency-Key", key);
            }
            if let Some(body) = &body {
                request = request.header("Content-Type", "application/x-www-form-urlencoded").body(body.clone());
            }
            let outcome = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    match response.bytes().await {
                        Ok(bytes) => Ok((status, headers, bytes)),
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            let retry = attempt < self.shared.max_retries
                && match &outcome {
                    Ok((status, headers, _)) => should_retry(*status, headers),
                    Err(e) => e.is_connect() || e.is_timeout() || e.is_request(),
                };
            if retry {
                tokio::time::sleep(retry_delay(attempt)).await;
                attempt += 1;
                continue;
            }
            let (status, headers, bytes) = outcome.map_err(Error::Transport)?;
            return decode(status, &headers, &bytes);
        }
    }
}

/// The SDKs' rule: `Stripe-Should-Retry` decides when present; else 409, 500, 503 are retried.
fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers.get("Stripe-Should-Retry").and_then(|v| v.to_str().ok()) {
        Some("true") => true,
        Some("false") => false,
        _ => matches!(status.as_u16(), 409 | 500 | 503),
    }
}

/// `min(0.5 s · 2^attempt, 5 s)`, times a random factor in [0.5, 1], never under 0.5 s.
fn retry_delay(attempt: u32) -> Duration {
    let base = (0.5 * 2f64.powi(attempt.min(16) as i32)).min(5.0);
    let jittered = base * (0.5 + fastrand::f64() * 0.5);
    Duration::from_secs_f64(jittered.max(0.5))
}

fn decode<R: DeserializeOwned>(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Result<R, Error> {
    let request_id = headers.get("Request-Id").and_then(|v| v.to_str().ok()).map(str::to_string);
    if status.is_success() {
        let mut de = serde_json::Deserializer::from_slice(body);
        return serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let reason = redact_serde_message(&e.inner().to_string());
            Error::Decode(Box::new(DecodeError::new(status.as_u16(), request_id, e.path().to_string(), reason, body)))
        });
    }
    match serde_json::from_slice::<ErrorResponse>(body) {
        Ok(response) => {
            let error = response.error;
            Err(Error::Api(Box::new(ApiError {
                status: status.as_u16(),
                request_id,
                error_type: ApiErrorType::from(error.error_type.as_deref().unwrap_or("api_error")),
                code: error.code,
                decline_code: error.decline_code,
                message: error.message,
                param: error.param,
                doc_url: error.doc_url,
            })))
        }
        Err(e) => {
            let reason = format!("not a Stripe error body: {}", redact_serde_message(&e.to_string()));
            Err(Error::Decode(Box::new(DecodeError::new(status.as_u16(), request_id, ".".into(), reason, body))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_follow_the_sdks() {
        for attempt in 0..6 {
            let delay = retry_delay(attempt).as_secs_f64();
            let base = (0.5 * 2f64.powi(attempt as i32)).min(5.0);
            assert!(delay >= 0.5 && delay >= base * 0.5 - 1e-9 && delay <= base + 1e-9, "attempt {attempt}: {delay}");
        }
    }

    #[test]
    fn retry_rules_follow_the_sdks() {
        let none = HeaderMap::new();
        let mut yes = HeaderMap::new();
        yes.insert("Stripe-Should-Retry", HeaderValue::from_static("true"));
        let mut no = HeaderMap::new();
        no.insert("Stripe-Should-Retry", HeaderValue::from_static("false"));
        for (status, retried) in [(409, true), (500, true), (503, true), (429, false), (400, false), (502, false)] {
            assert_eq!(should_retry(StatusCode::from_u16(status).unwrap(), &none), retried, "{status}");
        }
        assert!(should_retry(StatusCode::TOO_MANY_REQUESTS, &yes));
        assert!(!should_retry(StatusCode::SERVICE_UNAVAILABLE, &no));
    }

    #[test]
    fn a_key_no_header_can_carry_is_a_config_error_that_does_not_quote_it() {
        let error = Client::builder("sk_test_bad\nkey").build().unwrap_err();
        assert!(matches!(error, Error::Config(_)));
        assert!(!error.to_string().contains("sk_test_bad"));
    }

    #[test]
    fn debug_never_shows_the_secret_key() {
        let client = Client::new("sk_test_supersecret");
        assert!(!format!("{client:?}").contains("supersecret"));
        assert!(!format!("{:?}", Client::builder("sk_test_supersecret")).contains("supersecret"));
    }
}
