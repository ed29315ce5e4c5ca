//! The client: the key, the connection pool and the defaults every [`Request`] starts from.
//! The methods that make a [`Request`] live with it (module `request`), so this module needs
//! nothing above it.
//!
//! [`Request`]: crate::Request

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};

use crate::error::Error;
use crate::retry::DEFAULT_MAX_RETRIES;
use crate::types::Redacted;

/// Where requests go unless [`ClientBuilder::base_url`] says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(80);

/// The generated code's `API_VERSION`, handed over by the build script (the same generator
/// run), so the client needs nothing from the generated code, which is built on it.
pub(crate) const GENERATED_API_VERSION: &str = env!("STRIPE_IDENTITY_GENERATED_API_VERSION");

/// The largest response body read by default: 16 MiB. An Identity response is a few KiB; a
/// page of 100 sessions with expanded reports stays well under 1 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

const USER_AGENT: &str = concat!("stripe-identity/", env!("CARGO_PKG_VERSION"), " (Rust)");
const CLIENT_USER_AGENT: &str =
    concat!(r#"{"bindings_version":""#, env!("CARGO_PKG_VERSION"), r#"","lang":"rust","publisher":"stripe-identity"}"#);

/// A Stripe API client. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    /// What every call needs, or why the client cannot send (reported by each call).
    setup: Arc<Result<Setup, String>>,
    /// `Stripe-Account` for every call that does not set its own.
    stripe_account: Option<String>,
}

pub(crate) struct Setup {
    pub(crate) http: reqwest::Client,
    pub(crate) authorization: HeaderValue,
    pub(crate) base_url: String,
    pub(crate) api_version: String,
    pub(crate) max_retries: u32,
    /// The time one attempt may take, unless the call sets its own.
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Client");
        debug.field("secret_key", &Redacted);
        match &*self.setup {
            Ok(setup) => debug
                .field("base_url", &setup.base_url)
                .field("api_version", &setup.api_version)
                .field("max_retries", &setup.max_retries)
                .field("timeout", &setup.timeout)
                .field("max_response_bytes", &setup.max_response_bytes),
            Err(reason) => debug.field("unusable", reason),
        };
        debug.field("stripe_account", &self.stripe_account).finish()
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    secret_key: String,
    base_url: String,
    api_version: String,
    max_retries: u32,
    timeout: Duration,
    max_response_bytes: usize,
    /// The caller's own HTTP setup, if any.
    http: Option<reqwest::ClientBuilder>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("secret_key", &Redacted)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("http", &self.http.as_ref().map(|_| "caller's reqwest::ClientBuilder"))
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

    /// The largest response body read (default [`DEFAULT_MAX_RESPONSE_BYTES`]): a larger one,
    /// or one that never ends, is [`Error::BodyTooLarge`] once that much has arrived.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Builds on your own HTTP setup (proxies, root certificates, pool settings). Whatever it
    /// says, the client never follows redirects and never sends `Referer`, and it applies its
    /// own timeout and body limit to every request.
    pub fn http(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(builder);
        self
    }

    /// Builds the client. Fails with [`Error::Config`] when the key cannot be sent as a header
    /// or TLS cannot start.
    pub fn build(self) -> Result<Client, Error> {
        self.setup().map(|setup| Client { setup: Arc::new(Ok(setup)), stripe_account: None }).map_err(Error::Config)
    }

    fn setup(self) -> Result<Setup, String> {
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", self.secret_key))
            .map_err(|_| "the secret key has characters a header cannot carry".to_string())?;
        authorization.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert("X-Stripe-Client-User-Agent", HeaderValue::from_static(CLIENT_USER_AGENT));
        // Stripe's API never redirects: a 3xx is an error, not a hop to wherever it points.
        let http = self
            .http
            .unwrap_or_default()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .build()
            .map_err(|e| format!("the HTTP client cannot start: {}", e.without_url()))?;
        Ok(Setup {
            http,
            authorization,
            base_url: self.base_url,
            api_version: self.api_version,
            max_retries: self.max_retries,
            timeout: self.timeout,
            max_response_bytes: self.max_response_bytes,
        })
    }
}

impl Client {
    /// A client with the default settings. Never panics: a key a header cannot carry (a
    /// trailing newline, say) makes every call fail with [`Error::Config`]; use
    /// [`ClientBuilder::build`] to learn that up front.
    pub fn new(secret_key: impl Into<String>) -> Client {
        Client { setup: Arc::new(Client::builder(secret_key).setup()), stripe_account: None }
    }

    /// A builder, to change the base URL, API version, retries or timeout.
    pub fn builder(secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            secret_key: secret_key.into(),
            base_url: DEFAULT_BASE_URL.to_string(),
            api_version: GENERATED_API_VERSION.to_string(),
            max_retries: DEFAULT_MAX_RETRIES,
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http: None,
        }
    }

    /// This client, acting for a connected account (`Stripe-Account`) in every call that does
    /// not set its own with [`Request::stripe_account`](crate::Request::stripe_account).
    pub fn with_stripe_account(&self, account: impl Into<String>) -> Client {
        Client { setup: Arc::clone(&self.setup), stripe_account: Some(account.into()) }
    }

    /// What a call needs, or the configuration error every call reports.
    pub(crate) fn setup(&self) -> Result<&Setup, Error> {
        self.setup.as_ref().as_ref().map_err(|reason| Error::Config(reason.clone()))
    }

    pub(crate) fn stripe_account(&self) -> Option<&str> {
        self.stripe_account.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_no_header_can_carry_is_a_config_error_that_does_not_quote_it() {
        let error = Client::builder("sk_test_bad\nkey").build().unwrap_err();
        assert!(matches!(error, Error::Config(_)));
        assert!(!error.to_string().contains("sk_test_bad"));
    }

    #[test]
    fn new_never_panics_and_defers_the_error_to_each_call() {
        let client = Client::new("sk_test_with_newline\n");
        let error = client.setup().err().expect("the client cannot send");
        assert!(matches!(error, Error::Config(_)));
        assert!(!format!("{client:?}").contains("sk_test_with_newline"));
    }

    #[test]
    fn debug_never_shows_the_secret_key() {
        let client = Client::new("sk_test_supersecret");
        assert!(!format!("{client:?}").contains("supersecret"));
        assert!(!format!("{:?}", Client::builder("sk_test_supersecret")).contains("supersecret"));
    }
}
