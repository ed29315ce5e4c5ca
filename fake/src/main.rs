//! The fake as a standalone server, for curl and other languages' SDKs:
//! `cargo run -p stripe-identity-fake -- --port 12111`. Stops on Ctrl-C.

use std::io::Write;

use stripe_identity_fake::FakeStripe;

const USAGE: &str = "usage: stripe-identity-fake [--port PORT]   (default 12111; 0 picks a free port)";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let mut port: u16 = 12111;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(value)) => match value.parse() {
                Ok(value) => port = value,
                Err(_) => {
                    eprintln!("error: `{value}` is not a port\n{USAGE}");
                    return std::process::ExitCode::from(2);
                }
            },
            ("-h" | "--help", _) => {
                println!("{USAGE}");
                return std::process::ExitCode::SUCCESS;
            }
            ("--port", None) => {
                eprintln!("error: --port needs a value\n{USAGE}");
                return std::process::ExitCode::from(2);
            }
            _ => {
                eprintln!("error: unexpected argument `{arg}`\n{USAGE}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let fake = match FakeStripe::start_on(port).await {
        Ok(fake) => fake,
        Err(error) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let url = fake.url();
    // A closed stdout (a parent that stopped reading) must not stop the server.
    let _ = writeln!(
        std::io::stdout(),
        "Fake Stripe Identity on {url} (any sk_test_ key, each its own account; Ctrl-C stops it)\n  \
         curl {url}/v1/identity/verification_sessions -u sk_test_123: -d type=document\n  \
         curl -X POST {url}/_fake/verification_sessions/VS_ID/verify -u sk_test_123:\n  \
         curl -X POST '{url}/_fake/webhook_endpoints?url=http://127.0.0.1:4242/webhook&secret=whsec_test' -u sk_test_123:"
    );
    let _ = tokio::signal::ctrl_c().await;
    std::process::ExitCode::SUCCESS
}
