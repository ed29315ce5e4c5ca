//! Decoding and encoding cost, beside the parser's floor on the same bytes.
//!
//!     cargo bench --bench decode
//!
//! The objects are built from the spec's schemas by `generated-tests/support/samples.rs`, every
//! field set. Each row prints the median time per object over several runs, the ratio to one
//! `IgnoredAny` pass over the same bytes (the floor: the parser reads every byte, keeps nothing),
//! and the heap allocations one decode makes (counted by a wrapping global allocator). Times
//! include dropping the decoded value, as a caller pays it; the floor keeps nothing to drop.
//!
//! `DECODE_PROFILE=1 cargo bench --bench decode` decodes only the session, many times, for a
//! profiler (`valgrind --tool=callgrind target/release/deps/decode-*`).

#[path = "../generated-tests/support/samples.rs"]
mod samples;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::{json, Value};
use stripe_identity::{CreateVerificationSessionParams, List, VerificationReport, VerificationSession};

/// Counts allocations, to report them per decoded object.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator, which made `ptr`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator, which made `ptr`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const RUNS: usize = 15;

/// Median nanoseconds of one call of `f`, and the allocations one call makes.
fn measure(iterations: usize, mut f: impl FnMut()) -> (f64, usize) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    f();
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                f();
            }
            start.elapsed().as_secs_f64() * 1e9 / iterations as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[RUNS / 2], allocations)
}

/// Prints the typed decode beside `Value` and `IgnoredAny` on the same bytes, per object.
fn compare<T: DeserializeOwned>(name: &str, bytes: &[u8], objects: usize, iterations: usize) {
    let (floor, _) = measure(iterations, || {
        black_box(serde_json::from_slice::<IgnoredAny>(bytes).unwrap());
    });
    let (value, value_allocs) =
        measure(iterations, || drop(black_box(serde_json::from_slice::<Value>(bytes).unwrap())));
    let (typed, typed_allocs) =
        measure(iterations, || drop(black_box(stripe_identity::de::from_body::<T>(bytes).unwrap())));
    let (sliced, _) = measure(iterations, || drop(black_box(serde_json::from_slice::<T>(bytes).unwrap())));
    let (traced, traced_allocs) = measure(iterations, || {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        drop(black_box(serde_path_to_error::deserialize::<_, T>(&mut de).unwrap()));
    });
    let per = |ns: f64| ns / objects as f64 / 1000.0;
    println!("{name} ({} bytes, {objects} object(s)); µs per object:", bytes.len());
    println!("  IgnoredAny (floor)            {:>8.2} µs   1.00x", per(floor));
    println!(
        "  serde_json::Value             {:>8.2} µs {:>6.2}x  {:>5} allocations",
        per(value),
        value / floor,
        value_allocs / objects
    );
    println!(
        "  typed (the client's path)     {:>8.2} µs {:>6.2}x  {:>5} allocations",
        per(typed),
        typed / floor,
        typed_allocs / objects
    );
    println!(
        "  typed, from_slice             {:>8.2} µs {:>6.2}x  (UTF-8 checked string by string)",
        per(sliced),
        sliced / floor
    );
    println!(
        "  typed through serde_path_to_error {:>4.2} µs {:>6.2}x  {:>5} allocations (tracking paths, as once done)",
        per(traced),
        traced / floor,
        traced_allocs / objects
    );
}

fn main() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/stripe.json");
    let api = stripe_identity_codegen::Generator::new(spec).generate().expect("the vendored spec generates").api;
    let mut samples = samples::Samples::new(&api);

    let expanded = samples.named("VerificationSession", 0);
    let mut session = expanded.clone();
    session["last_verification_report"] = json!("vr_1MwBlH2eZvKYlo2C91hOpFMf");
    let reports: Vec<Value> = (0..100).map(|_| samples.named("VerificationReport", 0)).collect();
    let page =
        json!({ "object": "list", "data": reports, "has_more": true, "url": "/v1/identity/verification_reports" });

    if std::env::var_os("DECODE_PROFILE").is_some() {
        let bytes = expanded.to_string().into_bytes();
        for _ in 0..20_000 {
            black_box(serde_json::from_slice::<VerificationSession>(&bytes).unwrap());
        }
        return;
    }
    let profile = if cfg!(debug_assertions) { "unoptimized" } else { "optimized" };
    println!("decode and encode, {profile}, median of {RUNS} runs\n");
    compare::<VerificationSession>("a VerificationSession", session.to_string().as_bytes(), 1, 2_000);
    compare::<VerificationSession>(
        "a VerificationSession with its report expanded",
        expanded.to_string().as_bytes(),
        1,
        1_000,
    );
    compare::<List<VerificationReport>>("a page of 100 reports", page.to_string().as_bytes(), 100, 20);

    let params: CreateVerificationSessionParams =
        serde_json::from_value(samples.named("CreateVerificationSessionParams", 0)).expect("a full create params");
    let encoded = stripe_identity::form::encode(&params).unwrap();
    let (encode, allocs) = measure(2_000, || drop(black_box(stripe_identity::form::encode(&params).unwrap())));
    println!(
        "\nencode a full create params ({} bytes of form): {:.2} µs, {allocs} allocations",
        encoded.len(),
        encode / 1000.0
    );
}
