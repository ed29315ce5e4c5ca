//! Every bound on what arrives and on what the fake keeps, in one place, so the README's table
//! and the code cannot drift apart. Stripe's own limits are cited; the others are the fake's,
//! chosen far above what a Stripe client sends and far below what would hurt the machine.

use std::time::Duration;

/// A request body larger than this is refused with a 413 before it is read further.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Headers must arrive within this (hyper's header-read timeout; also ends idle keep-alives).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A body must arrive whole within this once its headers have.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// An answer that cannot be written for this long (the client stopped reading) ends its
/// connection.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections open at once (fewer where the process may open fewer files); past it a new
/// connection gets a 503 and is closed.
pub const MAX_CONNECTIONS: usize = 4096;
/// Bracket levels in one parameter name (`options[document][allowed_types][0]` is 3).
pub const MAX_DEPTH: usize = 16;
/// Parameters in one request (query and body together).
pub const MAX_PARAMS: usize = 1000;

/// Stripe: "Idempotency keys are up to 255 characters long."
/// (<https://docs.stripe.com/api/idempotent_requests>)
pub const MAX_IDEMPOTENCY_KEY: usize = 255;
/// Stripe keeps an idempotency key's answer 24 hours; the fake, on its own clock.
pub const IDEMPOTENCY_SECONDS: i64 = 24 * 60 * 60;
/// Stripe's metadata limits (<https://docs.stripe.com/metadata>): keys, key length, value length.
pub const METADATA_KEYS: usize = 50;
pub const METADATA_KEY_CHARS: usize = 40;
pub const METADATA_VALUE_CHARS: usize = 500;
/// Stripe: "You can register up to 16 webhook endpoints on each Stripe account."
pub const ENDPOINTS_PER_ACCOUNT: usize = 16;
/// Webhook endpoints across every account.
pub const MAX_ENDPOINTS: usize = 1000;
/// Accounts with their own faults or clock (any key is an account, so this bounds what a
/// client inventing keys can make the fake keep).
pub const MAX_CONTROLLED_ACCOUNTS: usize = 10_000;

/// Faults queued at once (runs of one fault; a run repeats up to [`MAX_FAULT_TIMES`]).
pub const MAX_FAULT_RUNS: usize = 100;
pub const MAX_FAULT_TIMES: u32 = 1_000_000;
/// The longest `Fault::Delay`.
pub const MAX_DELAY: Duration = Duration::from_secs(60);
/// The fake's clock stays within 2000-01-01 and 9999-12-31 (seconds since the epoch).
pub const CLOCK_RANGE: std::ops::RangeInclusive<i64> = 946_684_800..=253_402_300_799;

/// What the fake keeps, at most, in all and per account: past a log's bound the oldest entry of
/// the account holding the most goes (the `ring` module), so one suite sharing the fake cannot
/// evict another's; objects are refused instead (dropping one would make the fake lie about it).
pub const MAX_OBJECTS: usize = 50_000;
pub const OBJECTS_PER_ACCOUNT: usize = 20_000;
pub const MAX_EVENTS: usize = 20_000;
pub const EVENTS_PER_ACCOUNT: usize = 10_000;
pub const MAX_SAVED_ANSWERS: usize = 20_000;
pub const SAVED_ANSWERS_PER_ACCOUNT: usize = 10_000;
pub const MAX_REQUESTS_LOGGED: usize = 10_000;
pub const REQUESTS_LOGGED_PER_ACCOUNT: usize = 5_000;
/// A logged request keeps at most this much of its body, and of its headers.
pub const LOGGED_BODY_BYTES: usize = 8 * 1024;
pub const LOGGED_HEADER_BYTES: usize = 4 * 1024;
pub const MAX_DELIVERIES_LOGGED: usize = 10_000;
/// Webhook deliveries (first attempts and retries) waiting for their time; past it a new one is
/// not queued (the event stays listed, its `pending_webhooks` unchanged).
pub const MAX_PENDING_DELIVERIES: usize = 10_000;
pub const PENDING_PER_ACCOUNT: usize = 1_000;
