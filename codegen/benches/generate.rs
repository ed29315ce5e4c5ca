//! How long the build script's work takes, beside one bare parse of the same file.
//!
//! Build scripts run unoptimized in every user's clean build, so run this in the dev profile:
//!
//!     cargo bench -p stripe-identity-codegen --bench generate --profile dev
//!
//! It prints the median of several runs of each stage and the ratio to a single
//! `serde_json::from_str::<IgnoredAny>` pass over the spec (the floor for reading the spec).

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::de::IgnoredAny;
use stripe_identity_codegen::{Format, Generator, Spec};

const RUNS: usize = 15;

fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/stripe.json");
    let text = std::fs::read_to_string(&path).expect("read the vendored spec");
    let generator = Generator::new(&path);
    let spec = Spec::parse(&text, Format::Json).unwrap();
    let api = generator.lower(&spec).unwrap();

    let floor = median(|| {
        black_box(serde_json::from_str::<IgnoredAny>(&text).unwrap());
    });
    let stages = [
        (
            "load (outline, raw paths and schemas)",
            median(|| drop(black_box(Spec::parse(&text, Format::Json).unwrap()))),
        ),
        ("filter (prefixes, schema closure)", median(|| drop(black_box(generator.subset(&spec).unwrap())))),
        ("lower (spec to IR, after filter)", median(|| drop(black_box(generator.lower(&spec).unwrap())))),
        ("emit (IR to formatted Rust)", median(|| drop(black_box(generator.render(&api).unwrap())))),
        ("whole build-script job (read + all stages)", median(|| drop(black_box(generator.generate().unwrap())))),
    ];
    let profile = if cfg!(debug_assertions) { "unoptimized (dev)" } else { "optimized" };
    println!("spec: {} ({} bytes), profile: {profile}, median of {RUNS} runs", path.display(), text.len());
    println!("{:<45} {:>9.1} ms   1.0x", "serde_json IgnoredAny pass (the floor)", floor.as_secs_f64() * 1e3);
    for (name, time) in stages {
        println!("{name:<45} {:>9.1} ms {:>5.1}x", time.as_secs_f64() * 1e3, time.as_secs_f64() / floor.as_secs_f64());
    }
}
