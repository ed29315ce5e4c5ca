//! Each secret key is its own account and `Stripe-Account` a connected account under it: many
//! test suites can share one fake without seeing each other's objects, events, idempotent
//! answers or requests.

use serde_json::Value;
use stripe_identity_fake::FakeStripe;

use crate::common::{self, assert_stripe_error, raw_with};

const SESSIONS: &str = "/v1/identity/verification_sessions";

fn key(key: &'static str) -> [(&'static str, String); 1] {
    [("Authorization", format!("Bearer {key}"))]
}

async fn call(fake: &FakeStripe, method: &str, path: &str, body: &str, headers: &[(&str, String)]) -> common::Raw {
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    raw_with(fake, method, path, body, &headers).await
}

fn ids(list: &Value) -> Vec<&str> {
    list["data"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn another_key_sees_none_of_an_accounts_objects() {
    let fake = FakeStripe::start().await.unwrap();
    let (a, b) = (key("sk_test_a"), key("sk_test_b"));
    let created = call(&fake, "POST", SESSIONS, "type=document", &a).await;
    let id = created.json["id"].as_str().unwrap().to_string();
    assert_eq!(ids(&call(&fake, "GET", SESSIONS, "", &a).await.json), [id.as_str()]);
    assert!(ids(&call(&fake, "GET", SESSIONS, "", &b).await.json).is_empty());
    for (method, path) in [
        ("GET", format!("{SESSIONS}/{id}")),
        ("POST", format!("{SESSIONS}/{id}/cancel")),
        ("POST", format!("{SESSIONS}/{id}/redact")),
    ] {
        let refused = call(&fake, method, &path, "", &b).await;
        assert_stripe_error(&refused, 404, "invalid_request_error", Some("resource_missing"), Some("session"));
    }
    // Nor another account's lists by cursor, or its objects through the control routes.
    let cursor = call(&fake, "GET", &format!("{SESSIONS}?starting_after={id}"), "", &b).await;
    assert_stripe_error(&cursor, 400, "invalid_request_error", Some("resource_missing"), Some("starting_after"));
    let verify = call(&fake, "POST", &format!("/_fake/verification_sessions/{id}/verify"), "", &b).await;
    assert_eq!(verify.status, 404, "{}", verify.json);
    assert_eq!(call(&fake, "GET", &format!("{SESSIONS}/{id}"), "", &a).await.json["status"], "requires_input");
}

#[tokio::test]
async fn a_connected_account_is_its_own_under_the_platform_key() {
    let fake = FakeStripe::start().await.unwrap();
    let platform = key("sk_test_a");
    let connected = [platform[0].clone(), ("Stripe-Account", "acct_1Connected".to_string())];
    let created = call(&fake, "POST", SESSIONS, "type=document", &connected).await;
    let id = created.json["id"].as_str().unwrap().to_string();
    assert_eq!(call(&fake, "GET", &format!("{SESSIONS}/{id}"), "", &platform).await.status, 404);
    assert_eq!(call(&fake, "GET", &format!("{SESSIONS}/{id}"), "", &connected).await.status, 200);
    let other_platform = [("Authorization", "Bearer sk_test_b".to_string()), connected[1].clone()];
    assert_eq!(call(&fake, "GET", &format!("{SESSIONS}/{id}"), "", &other_platform).await.status, 404);
    // Its events name it; the platform's own do not.
    call(&fake, "POST", SESSIONS, "type=document", &platform).await;
    let events = fake.events_json();
    assert_eq!(events[0]["account"], "acct_1Connected");
    assert!(events[1].get("account").is_none(), "{}", events[1]);
    let scoped = call(&fake, "GET", "/_fake/events", "", &connected).await;
    assert_eq!(scoped.json["data"].as_array().unwrap().len(), 1, "a /_fake/ route sees its caller's account only");
    let bad = [platform[0].clone(), ("Stripe-Account", "not an account".to_string())];
    assert_stripe_error(
        &call(&fake, "GET", SESSIONS, "", &bad).await,
        400,
        "invalid_request_error",
        Some("account_invalid"),
        None,
    );
}

#[tokio::test]
async fn an_idempotency_key_of_another_account_replays_nothing() {
    let fake = FakeStripe::start().await.unwrap();
    let with = |k: &'static str| [key(k)[0].clone(), ("Idempotency-Key", "same-key".to_string())];
    let first = call(&fake, "POST", SESSIONS, "type=document", &with("sk_test_a")).await;
    let second = call(&fake, "POST", SESSIONS, "type=document", &with("sk_test_b")).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.header("Idempotent-Replayed"), None);
    assert_ne!(first.json["id"], second.json["id"]);
    assert_ne!(first.json["client_secret"], second.json["client_secret"], "b never sees a's secret");
    let again = call(&fake, "POST", SESSIONS, "type=document", &with("sk_test_a")).await;
    assert_eq!((again.header("Idempotent-Replayed"), &again.json["id"]), (Some("true"), &first.json["id"]));
}

#[tokio::test]
async fn the_request_log_and_resets_are_per_account() {
    let fake = FakeStripe::start().await.unwrap();
    let (a, b) = (key("sk_test_a"), key("sk_test_b"));
    call(&fake, "POST", SESSIONS, "type=document&metadata[who]=a", &a).await;
    call(&fake, "POST", SESSIONS, "type=document", &b).await;
    let log = call(&fake, "GET", "/_fake/requests", "", &b).await;
    let entries = log.json["data"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{}", log.json);
    assert_eq!(entries[0]["body_params"], serde_json::json!(["type"]), "names, not values, and only b's");
    assert_eq!(fake.requests().len(), 2, "the handle sees every account");
    assert_eq!(call(&fake, "POST", "/_fake/reset", "", &b).await.status, 200);
    assert!(ids(&call(&fake, "GET", SESSIONS, "", &b).await.json).is_empty());
    assert_eq!(ids(&call(&fake, "GET", SESSIONS, "", &a).await.json).len(), 1, "a's account is untouched");
    fake.reset();
    assert!(ids(&call(&fake, "GET", SESSIONS, "", &a).await.json).is_empty());
    assert!(fake.events().is_empty() && fake.requests().len() == 1, "only the list just sent");
}

#[tokio::test]
async fn saved_answers_expire_after_24_hours_on_the_fakes_clock() {
    let fake = FakeStripe::start().await.unwrap();
    let with_key = [key("sk_test_a")[0].clone(), ("Idempotency-Key", "day-old".to_string())];
    let first = call(&fake, "POST", SESSIONS, "type=document", &with_key).await;
    fake.advance_clock(24 * 60 * 60 - 1).unwrap();
    let replay = call(&fake, "POST", SESSIONS, "type=document", &with_key).await;
    assert_eq!((replay.header("Idempotent-Replayed"), &replay.json["id"]), (Some("true"), &first.json["id"]));
    fake.advance_clock(1).unwrap();
    let fresh = call(&fake, "POST", SESSIONS, "type=document", &with_key).await;
    assert_eq!(fresh.header("Idempotent-Replayed"), None, "Stripe keeps a key 24 hours");
    assert_ne!(fresh.json["id"], first.json["id"]);
}

#[tokio::test]
async fn an_endpoint_receives_only_its_accounts_events() {
    let fake = FakeStripe::start().await.unwrap();
    let (a, b) = (key("sk_test_a"), key("sk_test_b"));
    let mut receiver = crate::receiver::start("whsec_a").await.unwrap();
    let query = format!("/_fake/webhook_endpoints?url={}&secret=whsec_a", receiver.url);
    assert_eq!(call(&fake, "POST", &query, "", &a).await.status, 200);
    let mine = call(&fake, "POST", SESSIONS, "type=document", &a).await.json;
    call(&fake, "POST", SESSIONS, "type=document", &b).await;
    fake.flush_webhooks().await;
    let events = receiver.arrived();
    assert_eq!(events.len(), 1, "b's event went nowhere");
    let stripe_identity::webhook::EventObject::VerificationSession(session) = &events[0].data.object else {
        panic!("a session event")
    };
    assert_eq!(session.id.as_ref(), mine["id"].as_str().unwrap());
    assert_eq!(events[0].pending_webhooks, Some(1));
    assert_eq!(fake.events_json()[1]["pending_webhooks"], 0, "no endpoint for b");
}
