//! Typed async bindings for [Stripe Identity](https://stripe.com/docs/identity):
//! VerificationSessions and VerificationReports.
//!
//! The models and endpoint functions are generated at build time from Stripe's OpenAPI spec
//! (`spec/stripe.json`, or the file `STRIPE_IDENTITY_SPEC` names); this crate adds the
//! hand-written transport they call: [`Client`], Stripe's form encoding, and [`Error`].
//!
//! ```no_run
//! use stripe_identity::{create_verification_session, Client, CreateVerificationSessionParams, CreateVerificationSessionType};
//!
//! # async fn run() -> Result<(), stripe_identity::Error> {
//! let client = Client::new("sk_test_...");
//! let params = CreateVerificationSessionParams::new()
//!     .type_(CreateVerificationSessionType::Document)
//!     .return_url("https://example.com/done");
//! let session = create_verification_session(&client, &params).await?;
//! println!("send the user to {:?}", session.url);
//! # Ok(())
//! # }
//! ```
//!
//! Ids are typed: a session's id goes where a session id belongs, and a report's cannot.
//!
//! ```no_run
//! # async fn run(client: &stripe_identity::Client, session: &stripe_identity::VerificationSession) {
//! let _ = stripe_identity::retrieve_verification_session(client, &session.id, &Default::default()).await;
//! # }
//! ```
//!
//! Every generated item is documented and named at the crate root: there is no module in
//! between.
//!
//! ```compile_fail
//! use stripe_identity::generated::VerificationSession;
//! ```
//!
//! ```compile_fail
//! # async fn run(client: &stripe_identity::Client, report: &stripe_identity::VerificationReport) {
//! let _ = stripe_identity::retrieve_verification_session(client, &report.id, &Default::default()).await;
//! # }
//! ```

mod client;
#[doc(hidden)]
pub mod de;
mod error;
pub mod form;
mod message;
mod pagination;
mod random;
mod request;
mod retry;
mod types;
pub mod webhook;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES};
pub use error::{ApiError, ApiErrorType, DecodeError, Error, ErrorBody, ErrorResponse};
pub use form::encode_path_segment;
pub use pagination::ListStream;
pub use request::{Request, ResponseMeta};
pub use reqwest::Method;
pub use types::{Emptyable, Expandable, IdOf, List, Object, Redacted, Timestamp};

// The code generated from the spec: models, params structs and one function per operation.
// Private, so that rustdoc documents each item where users name it: at the crate root.
mod generated {
    include!(concat!(env!("OUT_DIR"), "/stripe_identity.rs"));
}

pub use generated::*;

/// Compiles the README's Rust example as a doctest, so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

#[cfg(test)]
mod tests {
    #[test]
    fn the_client_defaults_to_the_generated_api_version() {
        assert_eq!(crate::client::GENERATED_API_VERSION, crate::API_VERSION);
    }
}
