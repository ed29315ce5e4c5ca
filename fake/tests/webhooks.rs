//! Webhooks as Stripe delivers them: retries on the fake's clock with `pending_webhooks`
//! counting down, duplicates and reordering on demand (and what they do to a handler that does
//! not deduplicate), and endpoints through Stripe's own `/v1/webhook_endpoints`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use stripe_identity::webhook;
use stripe_identity_fake::{DeliveryPolicy, FakeStripe};

use crate::common::{self, raw, raw_with};

const SESSIONS: &str = "/v1/identity/verification_sessions";
const SECRET: &str = "whsec_test_retries";

/// An endpoint on 127.0.0.1 that answers the statuses of `script` in turn (then 200), and keeps
/// each verified event it was sent, in order of arrival.
struct Endpoint {
    url: String,
    arrived: Arc<Mutex<Vec<Value>>>,
    _server: common::Local,
}

async fn endpoint(secret: &'static str, script: Vec<u16>) -> Endpoint {
    let arrived = Arc::new(Mutex::new(Vec::new()));
    let script = Mutex::new(script.into_iter());
    let kept = arrived.clone();
    let server =
        common::serve(move |_, headers, body| match webhook::verify(body, &common::signature(headers), secret) {
            Ok(_) => {
                kept.lock().unwrap().push(serde_json::from_slice::<Value>(body).unwrap());
                (script.lock().unwrap().next().unwrap_or(200), "text/plain", Vec::new())
            }
            Err(_) => (400, "text/plain", Vec::new()),
        })
        .await;
    Endpoint { url: format!("{}/webhook", server.url), arrived, _server: server }
}

#[tokio::test]
async fn a_failed_delivery_is_retried_on_the_fakes_clock_until_it_succeeds() {
    let fake = FakeStripe::start().await.unwrap();
    let flaky = endpoint(SECRET, vec![500, 503]).await;
    fake.webhook_endpoint(&flaky.url, SECRET);
    raw(&fake, "POST", SESSIONS, "type=document").await;
    fake.flush_webhooks().await;
    let first = fake.deliveries();
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].status, first[0].attempt, first[0].gave_up), (Some(500), 1, false));
    assert_eq!(fake.events_json()[0]["pending_webhooks"], 1, "not yet answered 2xx");

    fake.advance_clock(3599).unwrap();
    fake.flush_webhooks().await;
    assert_eq!(fake.deliveries().len(), 1, "the first retry is due an hour later, not before");
    fake.advance_clock(1).unwrap();
    fake.flush_webhooks().await;
    fake.advance_clock(2 * 3600).unwrap();
    fake.flush_webhooks().await;
    let all = fake.deliveries();
    let seen: Vec<(Option<u16>, u32, i64)> = all.iter().map(|d| (d.status, d.attempt, d.at - all[0].at)).collect();
    assert_eq!(seen, [(Some(500), 1, 0), (Some(503), 2, 3600), (Some(200), 3, 3 * 3600)], "in order of the schedule");
    assert_eq!(fake.events_json()[0]["pending_webhooks"], 0, "answered 2xx: nothing pending");
    let arrived = flaky.arrived.lock().unwrap();
    assert!(arrived.iter().all(|e| e["id"] == arrived[0]["id"]), "the same event each time");
}

#[tokio::test]
async fn after_the_last_retry_the_delivery_is_given_up() {
    let fake = FakeStripe::start().await.unwrap();
    let down = endpoint(SECRET, vec![500; 10]).await;
    fake.webhook_endpoint(&down.url, SECRET);
    raw(&fake, "POST", SESSIONS, "type=document").await;
    fake.flush_webhooks().await;
    for hours in [1, 2, 3, 4] {
        fake.advance_clock(hours * 3600).unwrap();
        fake.flush_webhooks().await;
    }
    let attempts: Vec<(u32, bool)> = fake.deliveries().iter().map(|d| (d.attempt, d.gave_up)).collect();
    assert_eq!(attempts, [(1, false), (2, false), (3, false), (4, true)], "three retries, then Stripe stops");
    assert_eq!(fake.events_json()[0]["pending_webhooks"], 1);
}

#[tokio::test]
async fn an_endpoint_that_refuses_connections_is_retried_too() {
    let fake = FakeStripe::start().await.unwrap();
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap(); // dropped: nothing listens
    fake.webhook_endpoint(format!("http://{closed}/webhook"), SECRET);
    raw(&fake, "POST", SESSIONS, "type=document").await;
    fake.flush_webhooks().await;
    fake.advance_clock(3600).unwrap();
    fake.flush_webhooks().await;
    let attempts: Vec<(Option<u16>, u32)> = fake.deliveries().iter().map(|d| (d.status, d.attempt)).collect();
    assert_eq!(attempts, [(None, 1), (None, 2)]);
}

/// What a handler did: the verified sessions it counted and the status it last recorded.
#[derive(Default)]
struct Handled {
    verified_count: usize,
    last_status: Option<String>,
}

/// A handler that trusts each delivery as it comes.
fn naive(events: &[Value]) -> Handled {
    let mut handled = Handled::default();
    for event in events {
        if event["type"] == "identity.verification_session.verified" {
            handled.verified_count += 1;
        }
        handled.last_status = event["data"]["object"]["status"].as_str().map(str::to_string);
    }
    handled
}

/// A handler as Stripe advises: skip an event id it has seen, and read the object's current
/// state from the API instead of trusting the order of arrival.
async fn careful(events: &[Value], fake: &FakeStripe) -> Handled {
    let mut handled = Handled::default();
    let mut seen = HashSet::new();
    for event in events {
        if !seen.insert(event["id"].as_str().unwrap().to_string()) {
            continue;
        }
        if event["type"] == "identity.verification_session.verified" {
            handled.verified_count += 1;
        }
        let id = event["data"]["object"]["id"].as_str().unwrap();
        let current = raw(fake, "GET", &format!("{SESSIONS}/{id}"), "").await.json;
        handled.last_status = current["status"].as_str().map(str::to_string);
    }
    handled
}

#[tokio::test]
async fn duplicated_and_reordered_deliveries_break_a_handler_that_does_not_deduplicate() {
    let fake = FakeStripe::start().await.unwrap();
    let target = endpoint(SECRET, Vec::new()).await;
    fake.webhook_endpoint_with(&target.url, SECRET, DeliveryPolicy::default().duplicate().reorder());
    let created = raw(&fake, "POST", SESSIONS, "type=document").await.json;
    fake.flush_webhooks().await;
    fake.verify(created["id"].as_str().unwrap()).unwrap();
    fake.flush_webhooks().await;
    let arrived = target.arrived.lock().unwrap().clone();
    let types: Vec<&str> = arrived.iter().map(|e| e["type"].as_str().unwrap().rsplit('.').next().unwrap()).collect();
    assert_eq!(
        types,
        ["created", "created", "verified", "verified", "processing", "processing"],
        "twice each; verify's two events newest first"
    );
    assert_eq!(arrived[2]["id"], arrived[3]["id"], "a duplicate is the same event");

    let naive = naive(&arrived);
    assert_eq!(
        (naive.verified_count, naive.last_status.as_deref()),
        (2, Some("processing")),
        "counted twice, left stale"
    );
    let careful = careful(&arrived, &fake).await;
    assert_eq!((careful.verified_count, careful.last_status.as_deref()), (1, Some("verified")));
}

#[tokio::test]
async fn webhook_endpoints_through_stripes_api_belong_to_their_account_and_filter_events() {
    let fake = FakeStripe::start().await.unwrap();
    let body = "url=http://127.0.0.1:9/placeholder&enabled_events[]=identity.verification_session.verified";
    let created = raw(&fake, "POST", "/v1/webhook_endpoints", body).await;
    assert_eq!(created.status, 200, "{}", created.json);
    let secret = created.json["secret"].as_str().expect("the create answer carries the secret").to_string();
    assert!(secret.starts_with("whsec_"));
    // A receiver that checks signatures with that secret, where the endpoint now points.
    let target = endpoint(Box::leak(secret.into_boxed_str()), Vec::new()).await;
    let id = created.json["id"].as_str().unwrap().to_string();
    let fetched = raw(&fake, "GET", &format!("/v1/webhook_endpoints/{id}"), "").await.json;
    assert!(fetched.get("secret").is_none(), "only the create answer shows it: {fetched}");
    let moved = raw(&fake, "POST", &format!("/v1/webhook_endpoints/{id}"), &format!("url={}", target.url)).await;
    assert_eq!(moved.json["url"], target.url.as_str());
    let listed = raw(&fake, "GET", "/v1/webhook_endpoints", "").await.json;
    assert_eq!(listed["data"][0]["id"], id.as_str());
    assert!(listed["data"][0].get("secret").is_none());
    let other = [("Authorization", "Bearer sk_test_other")];
    assert_eq!(raw_with(&fake, "GET", &format!("/v1/webhook_endpoints/{id}"), "", &other).await.status, 404);
    let refused =
        raw(&fake, "POST", "/v1/webhook_endpoints", &format!("url={}&enabled_events[]=charge.made_up", target.url))
            .await;
    assert_eq!((refused.status, refused.error()["param"].as_str()), (400, Some("enabled_events[0]")));

    // Only the subscribed type arrives, signed with the endpoint's own secret.
    let session = raw(&fake, "POST", SESSIONS, "type=document").await.json;
    fake.verify(session["id"].as_str().unwrap()).unwrap();
    raw_with(&fake, "POST", SESSIONS, "type=document", &other).await;
    fake.flush_webhooks().await;
    let delivered = fake.deliveries();
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(delivered[0].event_type, "identity.verification_session.verified");
    assert_eq!(delivered[0].status, Some(200), "signed with the endpoint's own secret");
    assert_eq!(target.arrived.lock().unwrap()[0]["data"]["object"]["id"], session["id"]);

    let disabled = raw(&fake, "POST", &format!("/v1/webhook_endpoints/{id}"), "disabled=true").await.json;
    assert_eq!(disabled["status"], "disabled");
    let session = raw(&fake, "POST", SESSIONS, "type=document").await.json;
    fake.verify(session["id"].as_str().unwrap()).unwrap();
    fake.flush_webhooks().await;
    assert_eq!(fake.deliveries().len(), 1, "a disabled endpoint receives nothing");
    let deleted = raw(&fake, "DELETE", &format!("/v1/webhook_endpoints/{id}"), "").await.json;
    assert_eq!((deleted["deleted"].clone(), deleted["id"].clone()), (Value::Bool(true), Value::String(id.clone())));
    assert_eq!(raw(&fake, "GET", &format!("/v1/webhook_endpoints/{id}"), "").await.status, 404);
}

#[tokio::test]
async fn pending_webhooks_counts_down_endpoint_by_endpoint() {
    let fake = FakeStripe::start().await.unwrap();
    let (fine, flaky) = (endpoint(SECRET, Vec::new()).await, endpoint(SECRET, vec![500]).await);
    fake.webhook_endpoint(&fine.url, SECRET);
    fake.webhook_endpoint(&flaky.url, SECRET);
    raw(&fake, "POST", SESSIONS, "type=document").await;
    assert_eq!(fake.events_json()[0]["pending_webhooks"], 2, "two endpoints to hear from");
    fake.flush_webhooks().await;
    assert_eq!(fake.events_json()[0]["pending_webhooks"], 1, "one answered 2xx, one 500");
    fake.advance_clock(3600).unwrap();
    fake.flush_webhooks().await;
    assert_eq!(fake.events_json()[0]["pending_webhooks"], 0);
}

#[tokio::test]
async fn retries_of_several_events_arrive_in_the_order_they_fall_due() {
    let fake = FakeStripe::start().await.unwrap();
    let flaky = endpoint(SECRET, vec![500, 500]).await;
    fake.webhook_endpoint(&flaky.url, SECRET);
    let first = raw(&fake, "POST", SESSIONS, "type=document").await.json;
    fake.flush_webhooks().await;
    fake.advance_clock(1800).unwrap();
    let second = raw(&fake, "POST", SESSIONS, "type=document").await.json;
    fake.flush_webhooks().await;
    fake.advance_clock(1800).unwrap(); // the first event's retry is due, not yet the second's
    fake.flush_webhooks().await;
    fake.advance_clock(1800).unwrap();
    fake.flush_webhooks().await;
    let arrived: Vec<Value> = flaky.arrived.lock().unwrap().iter().map(|e| e["data"]["object"]["id"].clone()).collect();
    assert_eq!(arrived, [first["id"].clone(), second["id"].clone(), first["id"].clone(), second["id"].clone()]);
}

#[tokio::test]
async fn retries_stop_once_the_endpoint_is_deleted_or_disabled() {
    let fake = FakeStripe::start().await.unwrap();
    let down = endpoint(SECRET, vec![500; 10]).await;
    for stop in ["DELETE", "disable"] {
        let created =
            raw(&fake, "POST", "/v1/webhook_endpoints", &format!("url={}&enabled_events[]=*", down.url)).await;
        let id = created.json["id"].as_str().unwrap().to_string();
        let session = raw(&fake, "POST", SESSIONS, "type=document").await.json;
        fake.flush_webhooks().await;
        let before = fake.deliveries().len();
        match stop {
            "DELETE" => raw(&fake, "DELETE", &format!("/v1/webhook_endpoints/{id}"), "").await,
            _ => raw(&fake, "POST", &format!("/v1/webhook_endpoints/{id}"), "disabled=true").await,
        };
        fake.advance_clock(3600).unwrap();
        fake.flush_webhooks().await;
        assert_eq!(fake.deliveries().len(), before, "{stop}: no retry of {}", session["id"]);
    }
}

#[tokio::test]
async fn the_control_route_takes_the_delivery_policy() {
    let fake = FakeStripe::start().await.unwrap();
    let target = endpoint(SECRET, Vec::new()).await;
    let query = format!("/_fake/webhook_endpoints?url={}&secret={SECRET}&duplicate=true", target.url);
    assert_eq!(raw(&fake, "POST", &query, "").await.status, 200);
    raw(&fake, "POST", SESSIONS, "type=document").await;
    fake.flush_webhooks().await;
    let arrived = target.arrived.lock().unwrap();
    assert_eq!(arrived.len(), 2, "delivered twice, each verified by the receiver");
    assert_eq!(arrived[0]["id"], arrived[1]["id"]);
}

#[tokio::test]
async fn another_account_cannot_change_or_delete_an_endpoint() {
    let fake = FakeStripe::start().await.unwrap();
    let created = raw(&fake, "POST", "/v1/webhook_endpoints", "url=https://example.com/hook&enabled_events[]=*").await;
    let path = format!("/v1/webhook_endpoints/{}", created.json["id"].as_str().unwrap());
    let other = [("Authorization", "Bearer sk_test_other")];
    assert_eq!(raw_with(&fake, "POST", &path, "disabled=true", &other).await.status, 404);
    assert_eq!(raw_with(&fake, "DELETE", &path, "", &other).await.status, 404);
    assert_eq!(raw(&fake, "GET", &path, "").await.json["status"], "enabled", "untouched");
    // Seventeen endpoints of one account are one too many, whichever way they were registered.
    for n in 1..16 {
        let query = format!("/_fake/webhook_endpoints?url=https://example.com/{n}&secret=whsec_x");
        assert_eq!(raw(&fake, "POST", &query, "").await.status, 200, "{n}");
    }
    let over = raw(&fake, "POST", "/v1/webhook_endpoints", "url=https://example.com/17&enabled_events[]=*").await;
    assert_eq!(over.status, 400, "{}", over.json);
}

#[tokio::test]
async fn a_connect_endpoint_receives_its_connected_accounts_events() {
    let fake = FakeStripe::start().await.unwrap();
    let body = "url=http://127.0.0.1:9/placeholder&enabled_events[]=*&connect=true";
    let created = raw(&fake, "POST", "/v1/webhook_endpoints", body).await.json;
    let target =
        endpoint(Box::leak(created["secret"].as_str().unwrap().to_string().into_boxed_str()), Vec::new()).await;
    let path = format!("/v1/webhook_endpoints/{}", created["id"].as_str().unwrap());
    raw(&fake, "POST", &path, &format!("url={}", target.url)).await;
    raw(&fake, "POST", SESSIONS, "type=document").await; // the platform's own
    let connected = [("Authorization", "Bearer sk_test_fake"), ("Stripe-Account", "acct_1Connected")];
    let theirs = raw_with(&fake, "POST", SESSIONS, "type=document", &connected).await.json;
    fake.flush_webhooks().await;
    let arrived = target.arrived.lock().unwrap();
    assert_eq!(arrived.len(), 1, "only the connected account's event");
    assert_eq!(arrived[0]["data"]["object"]["id"], theirs["id"]);
    assert_eq!(arrived[0]["account"], "acct_1Connected");
}
