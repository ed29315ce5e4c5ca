//! Stripe Identity end to end: create a VerificationSession, let the user verify, receive the
//! signed `identity.verification_session.verified` webhook, read the report, list sessions,
//! redact.
//!
//! Written for the vendored spec, API `2026-08-26.dahlia`.
//!
//! Run: `cargo run --example quickstart`. With no key it runs against the fake Stripe
//! (stripe-identity-fake) on 127.0.0.1: no account, no network. With `STRIPE_SECRET_KEY=sk_test_…`
//! it runs the same calls against Stripe's test mode and skips what only the fake can simulate
//! (the user verifying, the webhook reaching this machine), saying so.

use std::time::Duration;

use stripe_identity::*;
use stripe_identity_fake::FakeStripe;

/// The signed-webhook receiver the examples and tests share.
#[path = "support/receiver.rs"]
mod receiver;

const WEBHOOK_SECRET: &str = "whsec_quickstart";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Against Stripe when a key is set; against the fake otherwise (kept alive until the end).
    let (client, fake) = match std::env::var("STRIPE_SECRET_KEY") {
        Ok(key) if key.starts_with("sk_test_") || key.starts_with("rk_test_") => {
            println!("STRIPE_SECRET_KEY is set: running against Stripe's test mode.");
            (Client::new(key), None)
        }
        // The quickstart creates and redacts sessions: never with a live key (nor echo it).
        Ok(key) if !key.is_empty() => {
            return Err("STRIPE_SECRET_KEY must be a test-mode key (sk_test_… or rk_test_…)".into())
        }
        _ => {
            let fake = FakeStripe::start().await?;
            println!("No STRIPE_SECRET_KEY: running against the fake Stripe on {}.", fake.url());
            (fake.client(), Some(fake))
        }
    };
    println!("Bindings generated for Stripe API {API_VERSION}.\n");

    // A webhook endpoint on this machine; only the fake can reach it.
    let mut webhooks = None;
    if let Some(fake) = &fake {
        let endpoint = receiver::start(WEBHOOK_SECRET).await?;
        fake.webhook_endpoint(&endpoint.url, WEBHOOK_SECRET);
        println!("1. Webhook endpoint listening on {}", endpoint.url);
        webhooks = Some(endpoint);
    } else {
        println!("1. Webhook endpoint: skipped (Stripe cannot reach this machine; use the Stripe CLI's `listen`).");
    }

    let document = CreateVerificationSessionOptionsDocument::new()
        .allowed_types([
            CreateVerificationSessionOptionsDocumentAllowedTypes::DrivingLicense,
            CreateVerificationSessionOptionsDocumentAllowedTypes::Passport,
        ])
        .require_matching_selfie(true);
    let params = CreateVerificationSessionParams::new()
        .type_(CreateVerificationSessionType::Document)
        .options(CreateVerificationSessionOptions::new().document(document))
        .metadata([("user_id", "42")])
        .return_url("https://example.com/verified");
    let session = create_verification_session(&client, &params).await?;
    println!("2. Created {} (status {}); send the user to its url.", session.id, session.status);

    let Some(fake) = &fake else {
        println!("3. The user verifying: skipped (happens in Stripe's hosted flow, at the session's url).");
        return finish_against_stripe(&client, session).await;
    };
    if let Some(url) = &session.url {
        println!("   Its hosted page: {url}");
        println!(
            "   (this run ends by itself; to walk the page by hand, start the standalone fake with\n    \
             `cargo run -p stripe-identity-fake`, create a session there and open its url in a browser)"
        );
    }
    fake.verify(&session.id)?;
    println!("3. The user verified (simulated by the fake: documents and selfie pass).");

    let endpoint = webhooks.as_mut().expect("set up above for the fake");
    let event = loop {
        let event =
            tokio::time::timeout(Duration::from_secs(10), endpoint.next()).await?.ok_or("the endpoint stopped")?;
        println!("   webhook received and its signature verified: {} ({})", event.type_, event.id);
        if event.type_ == EventType::IdentityVerificationSessionVerified {
            break event;
        }
    };
    println!("4. Handled {} for {}.", event.type_, session.id);

    let expand = RetrieveVerificationSessionParams::new().expand(["last_verification_report"]);
    let verified = retrieve_verification_session(&client, &session.id, &expand).await?;
    let report = verified.last_verification_report.as_ref().and_then(Expandable::as_object).ok_or("no report")?;
    let status = |s: Option<String>| s.unwrap_or_else(|| "not checked".into());
    println!(
        "5. Report {} (expanded): document {}, selfie {}; verified outputs are in the session, hidden from Debug:\n   {:?}",
        report.id,
        status(report.document.as_ref().map(|d| d.status.to_string())),
        status(report.selfie.as_ref().map(|s| s.status.to_string())),
        verified.verified_outputs,
    );

    // Two more sessions, so the list below has pages to walk.
    let other = create_verification_session(
        &client,
        &CreateVerificationSessionParams::new().type_(CreateVerificationSessionType::IdNumber),
    )
    .await?;
    cancel_verification_session(&client, &other.id, &Default::default()).await?;
    create_verification_session(
        &client,
        &CreateVerificationSessionParams::new().type_(CreateVerificationSessionType::Document),
    )
    .await?;
    list_recent(&client).await?;

    let redacted = redact_verification_session(&client, &session.id, &Default::default()).await?;
    let after = retrieve_verification_session(&client, &session.id, &Default::default()).await?;
    println!(
        "7. Redacted: the answer says {:?}, then {:?}; first name now {:?}, metadata {:?}.",
        redacted.redaction.map(|r| r.status.to_string()),
        after.redaction.map(|r| r.status.to_string()),
        after.verified_outputs.and_then(|o| o.first_name),
        after.metadata,
    );
    fake.flush_webhooks().await;
    println!("\nDone: {} events recorded by the fake.", fake.events().len());
    Ok(())
}

/// The steps that run the same against Stripe: retrieve, list, redact.
async fn finish_against_stripe(
    client: &Client,
    session: VerificationSession,
) -> Result<(), Box<dyn std::error::Error>> {
    println!("4. The verified webhook: skipped (no endpoint Stripe can reach).");
    let expand = RetrieveVerificationSessionParams::new().expand(["last_verification_report"]);
    let fetched = retrieve_verification_session(client, &session.id, &expand).await?;
    println!("5. Retrieved {}: status {}, no report until the user finishes.", fetched.id, fetched.status);
    list_recent(client).await?;
    let redacted = redact_verification_session(client, &session.id, &Default::default()).await?;
    println!("7. Redaction requested: {:?}.", redacted.redaction.map(|r| r.status.to_string()));
    Ok(())
}

/// Walks the newest sessions page by page with `.stream()`, stopping after ten.
async fn list_recent(client: &Client) -> Result<(), Error> {
    let mut sessions = list_verification_sessions(client, &ListVerificationSessionsParams::new().limit(2)).stream();
    let mut shown = 0;
    println!("6. Newest sessions (streamed, pages of 2, fetched as needed):");
    while let Some(session) = sessions.next().await {
        let session = session?;
        println!("   {} {} created {}", session.id, session.status, session.created.seconds());
        shown += 1;
        if shown == 10 {
            break;
        }
    }
    Ok(())
}
