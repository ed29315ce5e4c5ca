//! The same call through stripe-identity.

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = stripe_identity::Client::new("sk_test_123");
    let id = stripe_identity::VerificationSessionId::from("vs_123");
    let session = stripe_identity::retrieve_verification_session(&client, &id, &Default::default()).await;
    println!("{:?}", session.map(|s| s.id));
}
