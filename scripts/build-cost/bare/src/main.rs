//! One call to Stripe Identity with a bare client: what every program pays.

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct VerificationSession {
    id: String,
    status: String,
}

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
