//! Load on the standalone fake: 64 concurrent clients (keep-alive, one key each) sending
//! 100,000 requests (a create, three retrieves and a list in every five), then the same with one
//! slow client holding 1,000 half-open connections. Prints requests per second, p50/p99 latency
//! and the process's resident memory. `cargo bench -p stripe-identity-fake --bench load`; the
//! figures go in BENCHMARKS.md (no test asserts a timing).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const CLIENTS: usize = 64;

fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// Sends `total` requests from [`CLIENTS`] clients; returns every latency.
async fn drive(url: &str, total: usize) -> (Duration, Vec<Duration>) {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for client in 0..CLIENTS {
        let url = url.to_string();
        tasks.spawn(async move {
            let http = reqwest::Client::new();
            let key = format!("sk_test_load{client}");
            let mut latencies = Vec::new();
            let mut last = String::new();
            for n in 0..total / CLIENTS {
                let at = Instant::now();
                let response = match n % 5 {
                    0 => http
                        .post(format!("{url}/v1/identity/verification_sessions"))
                        .bearer_auth(&key)
                        .form(&[("type", "document")]),
                    4 => http.get(format!("{url}/v1/identity/verification_sessions?limit=10")).bearer_auth(&key),
                    _ => http.get(format!("{url}/v1/identity/verification_sessions/{last}")).bearer_auth(&key),
                }
                .send()
                .await;
                if let Ok(response) = response {
                    let body = response.bytes().await.unwrap_or_default();
                    if n % 5 == 0 {
                        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                        last = json["id"].as_str().unwrap_or_default().to_string();
                    }
                }
                latencies.push(at.elapsed());
            }
            latencies
        });
    }
    let mut all = Vec::new();
    while let Some(Ok(latencies)) = tasks.join_next().await {
        all.extend(latencies);
    }
    (started.elapsed(), all)
}

fn report(name: &str, elapsed: Duration, mut latencies: Vec<Duration>, rss: f64) {
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{name}: {} requests in {:.1} s = {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, RSS after {:.0} MB",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        rss
    );
}

#[tokio::main]
async fn main() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stripe-identity-fake"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the fake's binary starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).unwrap().to_string();
    let pid = child.id();
    println!("fake started: RSS {:.0} MB", rss_mb(pid));

    let (elapsed, latencies) = drive(&url, 100_000).await;
    report("64 clients", elapsed, latencies, rss_mb(pid));

    // One slow client: 1,000 connections that send part of a request head and stop.
    let addr = url.trim_start_matches("http://").to_string();
    let mut slow = Vec::new();
    for _ in 0..1000 {
        if let Ok(mut stream) = TcpStream::connect(&addr).await {
            let _ = stream.write_all(b"POST /v1/identity/verif").await;
            slow.push(stream);
        }
    }
    let (elapsed, latencies) = drive(&url, 20_000).await;
    report(&format!("64 clients beside {} half-open connections", slow.len()), elapsed, latencies, rss_mb(pid));
    drop(slow);
    let _ = child.kill();
    let _ = child.wait();
}
