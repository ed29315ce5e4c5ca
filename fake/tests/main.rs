//! The fake's integration tests, one binary (`cargo test -p stripe-identity-fake --test integration`),
//! each file a module: run one with a filter, e.g. `... --test integration webhooks::`. `common` is
//! what they share, with `receiver` (the signed-webhook receiver the examples use).
//!
//! `browser` needs Chromium and chromedriver, so it is compiled only with the `browser` feature:
//! `cargo test -p stripe-identity-fake --features browser --test integration browser:: -- --test-threads=1`

mod common;
/// The signed-webhook receiver the examples and the crate's tests use too.
#[path = "../../examples/support/receiver.rs"]
mod receiver;

mod accounts;
#[cfg(feature = "browser")]
mod browser;
mod endpoints;
mod errors;
mod hostile;
mod layers;
mod lifecycle;
mod sdk_suite;
mod shapes;
mod standalone;
mod webhooks;
