#!/usr/bin/env bash
# What every user pays: clean builds of a one-call program using this crate, beside the same
# program on a bare client (reqwest with rustls, tokio, serde_json only), in debug and release.
# Prints CPU seconds, peak memory, crates compiled and release binary size, and the ratios.
# Needs GNU time (/usr/bin/time, Debian's `time` package) and python3.
#
#   scripts/build-cost.sh            (about 10 minutes on 2 cores; the builds go to target/build-cost,
#                                     or build-cost/ under $CARGO_TARGET_DIR when it is set)
#
# Per-dependency costs: `cargo build --timings` in target/build-cost/{crate,bare}.
set -euo pipefail
command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
# Cargo's target directory (a relative CARGO_TARGET_DIR is relative to where this was started).
target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in /*) ;; *) target_dir="$PWD/$target_dir" ;; esac
work="$target_dir/build-cost"
rm -rf "$work"
mkdir -p "$work/bare/src" "$work/crate/src"

cat > "$work/bare/Cargo.toml" <<TOML
[package]
name = "bare-client"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
reqwest = { version = "0.12", default-features = false, features = ["rustls-tls"] }
tokio = { version = "1", features = ["rt", "macros"] }
serde_json = "1"

[workspace]
TOML
cat > "$work/bare/src/main.rs" <<'RUST'
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let response = reqwest::Client::new()
        .get("https://api.stripe.com/v1/identity/verification_sessions/vs_123")
        .bearer_auth("sk_test_123")
        .header("Stripe-Version", "2026-08-26.dahlia")
        .send()
        .await;
    if let Ok(response) = response {
        let body = response.bytes().await.unwrap_or_default();
        let session: Result<serde_json::Value, _> = serde_json::from_slice(&body);
        println!("{:?}", session.map(|s| s["id"].clone()));
    }
}
RUST

cat > "$work/crate/Cargo.toml" <<TOML
[package]
name = "with-stripe-identity"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
stripe-identity = { path = "$root" }
tokio = { version = "1", features = ["rt", "macros"] }

[workspace]
TOML
cat > "$work/crate/src/main.rs" <<'RUST'
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = stripe_identity::Client::new("sk_test_123");
    let id = stripe_identity::VerificationSessionId::from("vs_123");
    let session = stripe_identity::retrieve_verification_session(&client, &id, &Default::default()).await;
    println!("{:?}", session.map(|s| s.id));
}
RUST
cp "$root/Cargo.lock" "$work/crate/Cargo.lock"
cp "$root/Cargo.lock" "$work/bare/Cargo.lock"

# Download and unpack everything first, so that no build below times the network.
cargo fetch -q --manifest-path "$work/bare/Cargo.toml"
cargo fetch -q --manifest-path "$work/crate/Cargo.toml"

python3 - "$work" <<'PY'
import os, subprocess, sys, time
work = sys.argv[1]
results = {}
for profile in ["debug", "release"]:
    for name, binary in [("bare", "bare-client"), ("crate", "with-stripe-identity")]:
        project = os.path.join(work, name)
        target = os.path.join(work, f"target-{name}-{profile}")
        args = ["/usr/bin/time", "-f", "RUSAGE %U %S %M", "cargo", "build", "-v", "--manifest-path",
                os.path.join(project, "Cargo.toml")]
        if profile == "release":
            args.append("--release")
        env = dict(os.environ, CARGO_TARGET_DIR=target)
        wall = time.time()
        run = subprocess.run(args, env=env, capture_output=True, text=True)
        wall = time.time() - wall
        if run.returncode != 0:
            sys.exit(f"build of {name} ({profile}) failed:\n{run.stderr[-3000:]}")
        usage = [line for line in run.stderr.splitlines() if line.startswith("RUSAGE ")][-1].split()
        cpu, peak = float(usage[1]) + float(usage[2]), int(usage[3]) / 1024
        crates = sum(1 for line in run.stderr.splitlines() if line.strip().startswith("Compiling "))
        size = os.path.getsize(os.path.join(target, profile, binary))
        results[(name, profile)] = (cpu, peak, crates, size, wall)
        print(f"{name:>5} {profile:<7} CPU {cpu:7.1f} s  wall {wall:6.1f} s  peak RSS {peak:7.0f} MiB"
              f"  crates {crates:4d}  binary {size/1e6:6.1f} MB", flush=True)
print()
for profile in ["debug", "release"]:
    (bc, bm, bn, bs, _), (cc, cm, cn, cs, _) = results[("bare", profile)], results[("crate", profile)]
    print(f"{profile:<7} this crate / bare client: CPU {cc/bc:.2f}x, peak RSS {cm/bm:.2f}x, crates {cn}/{bn}, binary {cs/bs:.2f}x")
PY
