//! The bindings at work without a Stripe account: a stand-in Stripe on 127.0.0.1 answers, and
//! the demo prints each request as it went on the wire and what the client decoded.
//!
//! Run: `cargo run --example demo` (the build script generates the bindings first).

#[path = "../generated-tests/support/mod.rs"]
mod support;

use stripe_identity::*;
use support::{list_json, session_json, MockStripe, Reply};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let sessions = "/v1/identity/verification_sessions";
    let not_found = r#"{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such verificationsession: 'vs_missing'","param":"session"}}"#;
    let server = MockStripe::start(vec![
        Reply::json(200, session_json()),
        Reply::json(200, session_json()),
        Reply::json(200, list_json(sessions, &session_json(), false)),
        Reply::json(200, session_json()),
        Reply::json(404, not_found),
    ])
    .await;
    let client = Client::builder("sk_test_demo").base_url(server.url()).max_retries(0).build()?;
    println!("Stripe-Version of the generated code: {API_VERSION}\n");

    let document = DocumentOptions::new()
        .allowed_types([DocumentOptionsAllowedTypes::DrivingLicense, DocumentOptionsAllowedTypes::Passport])
        .require_matching_selfie(true);
    let create = CreateVerificationSessionParams::new()
        .type_(CreateVerificationSessionType::Document)
        .metadata([("user_id", "42")])
        .options(SessionOptionsParam::new().document(document))
        .return_url("https://example.com/done");
    let session = create_verification_session(&client, &create).await?;
    println!("created {} ({}), hand the user {:?}", session.id, session.status, session.url);

    let expand = RetrieveVerificationSessionParams::new().expand(["last_verification_report"]);
    let session = retrieve_verification_session(&client, &session.id, &expand).await?;
    if let Some(report) = &session.last_verification_report {
        println!("last report {} (expanded: {})", report.id(), report.is_expanded());
    }
    println!("Debug of the session keeps personal data out:\n{:#?}\n", session.verified_outputs);

    let list = ListVerificationSessionsParams::new().limit(3).status(ListVerificationSessionsStatus::Verified);
    let page = list_verification_sessions(&client, &list).await?;
    println!("listed {} verified session(s), more: {}", page.data.len(), page.has_more);

    let canceled = cancel_verification_session(&client, &session.id, &Default::default()).await?;
    println!("canceled {}", canceled.id);

    match retrieve_verification_session(&client, &"vs_missing".into(), &Default::default()).await {
        Err(Error::Api(e)) if e.code.as_deref() == Some("resource_missing") => println!("typed error: {e}"),
        other => println!("unexpected: {other:?}"),
    }

    println!("\nOn the wire:");
    for request in server.requests() {
        let body = if request.body.is_empty() { String::new() } else { format!("\n    body: {}", request.body) };
        let key = request.header("Idempotency-Key").map(|k| format!("\n    Idempotency-Key: {k}")).unwrap_or_default();
        println!("  {} {}{key}{body}", request.method, request.target);
    }
    Ok(())
}
