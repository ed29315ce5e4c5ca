//! The bare program's call, its model generated at build time by the design card's crates.

include!(concat!(env!("OUT_DIR"), "/models.rs"));

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
        let session: Result<VerificationSession, _> = serde_json::from_slice(&body);
        println!("{:?}", session.map(|s| s.id));
    }
}
