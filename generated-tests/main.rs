//! The root package's integration tests, one binary (`cargo test --test generated`), each file
//! a module: run one with a filter, e.g. `cargo test --test generated runtime::`.
//!
//! - `decode`: where a body that does not decode failed, and the errors a model gives.
//! - `snapshot`: the committed generated code is current.
//! - `wire`, `runtime`: the generated endpoints and the runtime against a canned local server.
//! - `transport`: retries, idempotency and per-call options against the fake Stripe.
//! - `redaction`, `compile`: throwaway crates built with Cargo (`#[ignore]`d locally; CI runs
//!   them with `--include-ignored`).

mod support;

mod compile;
mod decode;
mod layers;
mod redaction;
mod runtime;
mod snapshot;
mod transport;
mod wire;
