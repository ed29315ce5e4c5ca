//! The generator's integration tests, one binary (`cargo test -p stripe-identity-codegen --test
//! integration`), each file a module: run one with a filter, e.g. `... --test integration
//! refusals::`.

/// The `crate::` paths a file names, shared with the runtime's layer test.
#[path = "../../generated-tests/support/crate_paths.rs"]
mod crate_paths;

mod cli;
mod constructs;
mod diff;
mod errors;
mod events;
mod formats;
mod mutations;
mod refusals;
mod stages;
mod table;
