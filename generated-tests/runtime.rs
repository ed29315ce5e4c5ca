//! The runtime against a server on 127.0.0.1: per-call options, the paginator, webhooks, and
//! the small things that bite (Content-Length, nulls, configuration errors, URLs in errors).

use std::time::Duration;

use serde_json::{json, Value};
use stripe_identity::webhook::{self, EventObject, WebhookError};
use stripe_identity::*;

use crate::support::{self, session_json, MockStripe, Reply};

const KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
const SESSIONS: &str = "/v1/identity/verification_sessions";

fn client(server: &MockStripe) -> Client {
    Client::builder(KEY).base_url(server.url()).max_retries(0).build().unwrap()
}

/// A session from the fixture with another id.
fn session(id: &str) -> Value {
    let mut session: Value = serde_json::from_str(&session_json()).unwrap();
    session["id"] = json!(id);
    session
}

/// A page of sessions `vs_{from}` .. `vs_{to - 1}`, claiming to live at `url`.
fn page(ids: std::ops::Range<usize>, has_more: bool, url: &str) -> Reply {
    let data: Vec<Value> = ids.map(|i| session(&format!("vs_{i}"))).collect();
    Reply::json(200, json!({ "object": "list", "data": data, "has_more": has_more, "url": url }).to_string())
}

fn ids(sessions: &[VerificationSession]) -> Vec<String> {
    sessions.iter().map(|s| s.id.to_string()).collect()
}

// --- Wire details ------------------------------------------------------------------------------

#[tokio::test]
async fn a_post_without_parameters_sends_content_length_zero() {
    let server = MockStripe::start(vec![Reply::json(200, session_json())]).await;
    cancel_verification_session(&client(&server), &"vs_1".into(), &CancelVerificationSessionParams::new())
        .await
        .unwrap();
    let request = server.only_request();
    assert_eq!(request.body, "");
    assert_eq!(request.header("Content-Length"), Some("0"));
}

// --- The paginator ---------------------------------------------------------------------------

#[tokio::test]
async fn stream_walks_250_objects_in_pages_of_100_keeping_every_filter() {
    let server = MockStripe::start(vec![
        page(0..100, true, SESSIONS),
        page(100..200, true, SESSIONS),
        page(200..250, false, SESSIONS),
    ])
    .await;
    let params = ListVerificationSessionsParams::new().limit(100).status(ListVerificationSessionsStatus::Verified);
    let all = list_verification_sessions(&client(&server), &params).collect_all(1_000).await.unwrap();
    assert_eq!(ids(&all), (0..250).map(|i| format!("vs_{i}")).collect::<Vec<_>>());
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            format!("{SESSIONS}?limit=100&status=verified"),
            format!("{SESSIONS}?limit=100&status=verified&starting_after=vs_99"),
            format!("{SESSIONS}?limit=100&status=verified&starting_after=vs_199"),
        ]
    );
}

#[tokio::test]
async fn collect_all_checks_its_bound_before_fetching() {
    let server = MockStripe::start(vec![page(0..100, true, SESSIONS), page(100..200, true, SESSIONS)]).await;
    let params = ListVerificationSessionsParams::new().limit(100);
    let first = list_verification_sessions(&client(&server), &params).collect_all(100).await.unwrap();
    assert_eq!(first.len(), 100);
    assert_eq!(server.requests().len(), 1, "no page beyond the bound is fetched");
}

#[tokio::test]
async fn ending_before_walks_backwards() {
    let server = MockStripe::start(vec![page(10..13, true, SESSIONS), page(7..10, false, SESSIONS)]).await;
    let params = ListVerificationSessionsParams::new().limit(3).ending_before("vs_13");
    let all = list_verification_sessions(&client(&server), &params).collect_all(100).await.unwrap();
    assert_eq!(ids(&all), ["vs_12", "vs_11", "vs_10", "vs_9", "vs_8", "vs_7"]);
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [format!("{SESSIONS}?ending_before=vs_13&limit=3"), format!("{SESSIONS}?limit=3&ending_before=vs_10")]
    );
}

#[tokio::test]
async fn an_empty_list_ends_at_once() {
    let server = MockStripe::start(vec![page(0..0, true, SESSIONS)]).await;
    let all = list_verification_sessions(&client(&server), &Default::default()).collect_all(100).await.unwrap();
    assert!(all.is_empty());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_page_that_repeats_a_cursor_ends_the_walk_and_is_dropped() {
    let server =
        MockStripe::start(vec![page(0..2, true, SESSIONS), page(0..2, true, SESSIONS), page(0..2, true, SESSIONS)])
            .await;
    let all = list_verification_sessions(&client(&server), &Default::default()).collect_all(100).await.unwrap();
    assert_eq!(ids(&all), ["vs_0", "vs_1"], "the repeated page is not yielded twice");
    assert_eq!(server.requests().len(), 2, "no third request");
}

#[tokio::test]
async fn alternating_cursors_end_the_walk() {
    let server = MockStripe::start(vec![
        page(0..2, true, SESSIONS),
        page(2..4, true, SESSIONS),
        page(0..2, true, SESSIONS),
        page(2..4, true, SESSIONS),
    ])
    .await;
    let all = list_verification_sessions(&client(&server), &Default::default()).collect_all(100).await.unwrap();
    assert_eq!(ids(&all), ["vs_0", "vs_1", "vs_2", "vs_3"]);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_first_page_ending_on_the_callers_cursor_is_not_fetched_again() {
    let server = MockStripe::start(vec![page(4..6, true, SESSIONS), page(4..6, true, SESSIONS)]).await;
    let params = ListVerificationSessionsParams::new().starting_after("vs_5");
    let all = list_verification_sessions(&client(&server), &params).collect_all(100).await.unwrap();
    assert!(all.is_empty(), "a page ending on the caller's own cursor is a repeat");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_hostile_url_in_a_page_is_never_followed() {
    let server = MockStripe::start(vec![
        page(0..2, true, "@attacker.example/steal"),
        page(2..4, false, "https://attacker.example/steal"),
    ])
    .await;
    let all = list_verification_sessions(&client(&server), &Default::default()).collect_all(100).await.unwrap();
    assert_eq!(all.len(), 4);
    for request in server.requests() {
        assert!(request.target.starts_with(SESSIONS), "{}", request.target);
        assert_eq!(request.header("Authorization"), Some(format!("Bearer {KEY}").as_str()));
    }
}

#[tokio::test]
async fn stream_yields_errors_and_stops() {
    let server = MockStripe::start(vec![
        page(0..1, true, SESSIONS),
        Reply::json(400, r#"{"error":{"type":"invalid_request_error"}}"#),
    ])
    .await;
    let mut stream = list_verification_sessions(&client(&server), &Default::default()).stream();
    assert!(next(&mut stream).await.unwrap().is_ok());
    assert_eq!(next(&mut stream).await.unwrap().unwrap_err().status(), Some(400));
    assert!(next(&mut stream).await.is_none());
}

/// The next item of a stream, without a futures utility crate.
async fn next<S: futures_core::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}

// --- Webhooks --------------------------------------------------------------------------------

fn event(type_: &str, object: Value) -> Vec<u8> {
    json!({
        "id": "evt_1", "object": "event", "api_version": API_VERSION, "created": 1_700_000_000,
        "data": { "object": object, "previous_attributes": { "status": "processing" } },
        "livemode": false, "pending_webhooks": 1,
        "request": { "id": "req_1", "idempotency_key": "key_1" }, "type": type_
    })
    .to_string()
    .into_bytes()
}

#[test]
fn a_signed_identity_event_decodes_into_a_typed_session() {
    let payload = event("identity.verification_session.verified", session("vs_9"));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let header = webhook::sign(&payload, "whsec_test", now);
    let event = webhook::construct_event(&payload, &header, "whsec_test").unwrap();
    assert_eq!(event.type_, EventType::IdentityVerificationSessionVerified);
    assert_eq!(event.request.as_ref().and_then(|r| r.idempotency_key.as_deref()), Some("key_1"));
    let EventObject::VerificationSession(session) = &event.data.object else { panic!("{:?}", event.data.object) };
    assert_eq!(session.id, "vs_9");
    let shown = format!("{event:?}");
    assert!(!shown.contains("Jenny") && !shown.contains("processing"), "{shown}");
}

#[test]
fn every_identity_event_type_of_the_spec_is_a_variant_and_others_are_kept() {
    let known = [
        ("identity.verification_session.canceled", EventType::IdentityVerificationSessionCanceled),
        ("identity.verification_session.created", EventType::IdentityVerificationSessionCreated),
        ("identity.verification_session.processing", EventType::IdentityVerificationSessionProcessing),
        ("identity.verification_session.redacted", EventType::IdentityVerificationSessionRedacted),
        ("identity.verification_session.requires_input", EventType::IdentityVerificationSessionRequiresInput),
        ("identity.verification_session.verified", EventType::IdentityVerificationSessionVerified),
    ];
    for (value, variant) in known {
        assert_eq!(EventType::from(value), variant);
    }
    assert_eq!(EventType::from("customer.created"), EventType::Unrecognized("customer.created".into()));
}

#[test]
fn other_objects_stay_json_and_failures_are_told_apart() {
    let payload =
        event("customer.created", json!({ "id": "cus_1", "object": "customer", "email": "jenny@example.com" }));
    let header = webhook::sign(&payload, "whsec_test", 1_700_000_000);
    let event =
        webhook::construct_event_with_tolerance(&payload, &header, "whsec_test", Duration::from_secs(u32::MAX as u64))
            .unwrap();
    let EventObject::Other(object) = &event.data.object else { panic!() };
    assert_eq!(object["id"], "cus_1");
    assert!(!format!("{event:?}").contains("jenny"));

    assert!(matches!(
        webhook::construct_event(&payload, &header, "whsec_test"),
        Err(WebhookError::TimestampOutsideTolerance { .. })
    ));
    assert_eq!(
        webhook::construct_event(&payload, &header, "whsec_other").unwrap_err(),
        WebhookError::NoMatchingSignature
    );
    assert!(matches!(
        webhook::construct_event(&payload, "nonsense", "whsec_test"),
        Err(WebhookError::MalformedHeader(_))
    ));
    let not_an_event = b"{\"hello\": \"Jenny\"}";
    let header = webhook::sign(not_an_event, "whsec_test", 1_700_000_000);
    let error =
        webhook::construct_event_with_tolerance(not_an_event, &header, "whsec_test", Duration::MAX).unwrap_err();
    assert!(matches!(error, WebhookError::InvalidPayload(_)), "{error:?}");
    assert!(!error.to_string().contains("Jenny"));
}

// --- Nulls -----------------------------------------------------------------------------------

/// The fixture with fields the spec marks nullable set to `null`, derived from the generator's
/// model of the spec. `Outer`: the outermost nullable fields; `Inner`: nullable fields whose
/// value is an object keep it, and the nullable fields inside it are null, at every depth.
#[derive(Clone, Copy)]
enum Nulls {
    Outer,
    Inner,
}

fn with_nulls(value: &mut Value, type_name: &str, api: &stripe_identity_codegen::ir::Api, nulls: Nulls) {
    use stripe_identity_codegen::ir::{Type, TypeKind};
    let Some(def) = api.types.iter().find(|t| t.name == type_name) else { return };
    let TypeKind::Struct(s) = &def.kind else { return };
    let Value::Object(map) = value else { return };
    for field in &s.fields {
        let mut ty = &field.ty;
        while let Some(inner) = ty.inner() {
            ty = inner;
        }
        let nested = match (ty, map.get(&field.wire)) {
            (Type::Named(name), Some(Value::Object(_) | Value::Array(_))) => Some(name),
            _ => None,
        };
        match (field.nullable, nulls, nested) {
            (true, Nulls::Outer, _) | (true, Nulls::Inner, None) => {
                map.insert(field.wire.clone(), Value::Null);
            }
            (_, _, Some(name)) => match map.get_mut(&field.wire) {
                Some(Value::Array(items)) => items.iter_mut().for_each(|item| with_nulls(item, name, api, nulls)),
                Some(child) => with_nulls(child, name, api, nulls),
                None => {}
            },
            _ => {}
        }
    }
}

/// Equal as Stripe means it: a `null` field and an absent one are the same.
fn assert_round_trips_with_nulls<T: serde::Serialize>(decoded: &T, fixture: &Value) {
    fn strip(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                Value::Object(map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), strip(v))).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    assert_eq!(strip(&serde_json::to_value(decoded).unwrap()), strip(fixture));
}

#[tokio::test]
async fn every_nullable_field_may_be_null() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let api = stripe_identity_codegen::Generator::new(root.join("spec/stripe.json")).generate().unwrap().api;
    for nulls in [Nulls::Outer, Nulls::Inner] {
        let mut session: Value = serde_json::from_str(&session_json()).unwrap();
        with_nulls(&mut session, "VerificationSession", &api, nulls);
        let mut report: Value = serde_json::from_str(&support::report_json()).unwrap();
        with_nulls(&mut report, "VerificationReport", &api, nulls);
        let text = format!("{session}{report}");
        assert!(text.matches("null").count() >= 10, "{text}");
        let server =
            MockStripe::start(vec![Reply::json(200, session.to_string()), Reply::json(200, report.to_string())]).await;
        let decoded =
            retrieve_verification_session(&client(&server), &"vs_1".into(), &Default::default()).await.unwrap();
        assert_round_trips_with_nulls(&decoded, &session);
        let decoded =
            retrieve_verification_report(&client(&server), &"vr_1".into(), &Default::default()).await.unwrap();
        assert_round_trips_with_nulls(&decoded, &report);
    }
}

// --- The webhook handler example, on 127.0.0.1 ----------------------------------------------------

#[allow(dead_code)]
#[path = "../examples/webhook.rs"]
mod webhook_example;

#[tokio::test]
async fn the_shared_receiver_passes_on_a_signed_delivery_and_refuses_a_forged_one() {
    let mut receiver = webhook_example::receiver::start(webhook_example::ENDPOINT_SECRET).await.unwrap();
    let payload = String::from_utf8(event("identity.verification_session.verified", session("vs_9"))).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let forged = webhook::sign(payload.as_bytes(), "whsec_attacker", now);
    assert_eq!(webhook_example::deliver(&receiver.url, &payload, &forged).await, 400);
    assert_eq!(receiver.refused(), 1);
    let signed = webhook::sign(payload.as_bytes(), webhook_example::ENDPOINT_SECRET, now);
    assert_eq!(webhook_example::deliver(&receiver.url, &payload, &signed).await, 200);
    let verified = receiver.next().await.expect("the signed event is passed on");
    assert_eq!(verified.type_, EventType::IdentityVerificationSessionVerified);
    assert!(receiver.arrived().is_empty(), "the forged delivery passed nothing on");
    webhook_example::handle(&verified);
}

// --- Tracing ---------------------------------------------------------------------------------------

/// Every field value the spans and events recorded, as `name=value`.
#[cfg(feature = "tracing")]
mod captured {
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    #[derive(Clone, Default)]
    pub struct Fields(pub Arc<Mutex<Vec<String>>>);

    struct Collect<'a>(&'a mut Vec<String>);

    impl Visit for Collect<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.push(format!("{}={value:?}", field.name()));
        }
    }

    impl Subscriber for Fields {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            span.record(&mut Collect(&mut self.0.lock().unwrap()));
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            values.record(&mut Collect(&mut self.0.lock().unwrap()));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            event.record(&mut Collect(&mut self.0.lock().unwrap()));
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

#[cfg(feature = "tracing")]
#[tokio::test]
async fn spans_name_the_call_and_never_the_key_query_or_body() {
    let fields = captured::Fields::default();
    let _guard = tracing::subscriber::set_default(fields.clone());
    let server = MockStripe::start(vec![Reply::json(200, session_json())]).await;
    let params = CreateVerificationSessionParams::new()
        .provided_details(CreateVerificationSessionProvidedDetails::new().email("jenny@example.com"));
    create_verification_session(&client(&server), &params).idempotency_key("user-42").await.unwrap();
    let recorded = fields.0.lock().unwrap().join("\n");
    for expected in [
        "method=POST",
        "path=\"/v1/identity/verification_sessions\"",
        "attempt=0",
        "status=200",
        "request_id=\"req_test_200\"",
    ] {
        assert!(recorded.contains(expected), "no {expected} in:\n{recorded}");
    }
    for secret in [KEY, "jenny", "user-42", "provided_details"] {
        assert!(!recorded.contains(secret), "{secret} in:\n{recorded}");
    }
}

/// A handler's unit test builds Stripe objects without JSON: every model has a `new()` that a
/// spec bump cannot change, and a setter per field.
#[test]
fn a_verified_session_with_its_report_is_one_expression() {
    let session = VerificationSession::new()
        .id("vs_123")
        .status(VerificationSessionStatus::Verified)
        .type_(VerificationSessionType::Document)
        .metadata([("user_id", "42")])
        .verified_outputs(VerificationSessionVerifiedOutputs::new().first_name("Jenny").last_name("Rosen"))
        .last_verification_report(VerificationReport::new().id("vr_456").verification_session("vs_123").document(
            VerificationReportDocument::new().status(VerificationReportDocumentStatus::Verified).first_name("Jenny"),
        ));
    let report = session.last_verification_report.as_ref().unwrap();
    assert_eq!(report.id().as_str(), "vr_456");
    assert_eq!(
        report.as_object().unwrap().document.as_ref().unwrap().status,
        VerificationReportDocumentStatus::Verified
    );

    // What it sends is a session Stripe could have sent: required keys present, and it decodes.
    let wire = serde_json::to_value(&session).unwrap();
    assert_eq!(wire["object"], "identity.verification_session");
    assert_eq!(wire["status"], "verified");
    assert_eq!(wire["last_verification_report"]["document"]["status"], "verified");
    assert_eq!(wire["livemode"], false);
    assert!(wire["created"].is_i64());
    let decoded: VerificationSession = serde_json::from_value(wire).unwrap();
    assert_eq!(decoded, session);
    assert_eq!(VerificationSession::default(), VerificationSession::new());
}

/// The crate's own client and one built on a caller's `reqwest::ClientBuilder` that asks for
/// redirects and `Referer`: both must refuse them.
fn transports(url: &str, limit: usize) -> Vec<(&'static str, Client)> {
    let build =
        |builder: ClientBuilder| builder.base_url(url).max_retries(0).max_response_bytes(limit).build().unwrap();
    let permissive = reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10)).referer(true);
    vec![("default", build(Client::builder(KEY))), ("caller's builder", build(Client::builder(KEY).http(permissive)))]
}

#[tokio::test]
async fn a_redirect_is_a_typed_error_and_never_followed() {
    let elsewhere = MockStripe::start(vec![Reply::json(200, session_json()); 2]).await;
    let location = format!("{}/v1/stolen?key=yes", elsewhere.url());
    let redirect = Reply::json(302, "{}").header("Location", &location);
    let server = MockStripe::start(vec![redirect; 2]).await;
    for (name, client) in transports(server.url(), DEFAULT_MAX_RESPONSE_BYTES) {
        let params = ListVerificationSessionsParams::new().client_reference_id("user_42");
        let error = list_verification_sessions(&client, &params).await.unwrap_err();
        assert!(
            matches!(&error, Error::Redirect { status: 302, request_id: Some(id) } if id == "req_test_302"),
            "{name}: {error:?}"
        );
        assert_eq!(error.status(), Some(302));
    }
    assert!(elsewhere.requests().is_empty(), "the redirect was followed: {:?}", elsewhere.requests());
}

/// A server that answers every request with `head` and then `total` bytes of body in 64 KiB
/// chunks (or until the client hangs up); it reports how many it managed to write.
async fn flooding_server(head: &'static str, total: usize) -> (String, tokio::sync::mpsc::UnboundedReceiver<usize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (written, receiver) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let written = written.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 8192];
                let _ = stream.read(&mut request).await;
                let _ = stream.write_all(head.as_bytes()).await;
                let chunk = vec![b' '; 64 * 1024];
                let mut sent = 0;
                while sent < total {
                    let framed = format!("{:x}\r\n", chunk.len());
                    let ok = stream.write_all(framed.as_bytes()).await.is_ok()
                        && stream.write_all(&chunk).await.is_ok()
                        && stream.write_all(b"\r\n").await.is_ok();
                    if !ok {
                        break;
                    }
                    sent += chunk.len();
                }
                let _ = written.send(sent);
            });
        }
    });
    (url, receiver)
}

#[tokio::test]
async fn a_body_past_the_limit_is_a_typed_error_after_at_most_the_limit() {
    const LIMIT: usize = 256 * 1024;
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nRequest-Id: req_flood\r\nTransfer-Encoding: chunked\r\n\r\n";
    // 64 MiB, as good as endless next to the limit.
    const TOTAL: usize = 64 * 1024 * 1024;
    let (url, mut written) = flooding_server(head, TOTAL).await;
    for (name, client) in transports(&url, LIMIT) {
        let error = retrieve_verification_session(&client, &"vs_1".into(), &Default::default()).await.unwrap_err();
        assert!(
            matches!(&error, Error::BodyTooLarge { status: 200, limit: LIMIT, request_id: Some(id) } if id == "req_flood"),
            "{name}: {error:?}"
        );
        // The client hung up near the limit: the server could not write the rest (what it got
        // out is the limit plus what the sockets' buffers held).
        drop(client);
        let sent = tokio::time::timeout(Duration::from_secs(20), written.recv()).await.unwrap().unwrap();
        assert!(sent < TOTAL / 4, "{name}: the server wrote {sent} bytes: the body was read past the limit");
    }
    // An announced length past the limit is refused before any of it is read.
    let server = MockStripe::start(vec![Reply::json(200, " ".repeat(LIMIT + 1)); 2]).await;
    for (name, client) in transports(server.url(), LIMIT) {
        let error = retrieve_verification_session(&client, &"vs_1".into(), &Default::default()).await.unwrap_err();
        assert!(matches!(error, Error::BodyTooLarge { .. }), "{name}: {error:?}");
    }
    // At the limit exactly, it is read.
    let body = session_json();
    let server = MockStripe::start(vec![Reply::json(200, body.clone()); 2]).await;
    for (name, client) in transports(server.url(), body.len()) {
        let result = retrieve_verification_session(&client, &"vs_1".into(), &Default::default()).await;
        assert!(result.is_ok(), "{name}: {result:?}");
    }
}

#[tokio::test]
async fn a_page_whose_last_object_has_no_id_is_yielded_then_fails_clearly() {
    let blank = session_json().replacen(r#""id": "vs_1MwBkz2eZvKYlo2CfN9n8u7J""#, r#""id": """#, 1);
    let page = |more: bool| json!({ "object": "list", "data": [serde_json::from_str::<Value>(&blank).unwrap()], "has_more": more, "url": SESSIONS });
    let server = MockStripe::start(vec![Reply::json(200, page(true).to_string())]).await;
    let mut stream = list_verification_sessions(&client(&server), &Default::default()).stream();
    let first = stream.next().await.expect("the page's object").expect("decoded");
    assert_eq!(first.id.as_str(), "");
    let error = stream.next().await.expect("an error, not a silent end").unwrap_err();
    assert!(error.to_string().contains("empty id"), "{error}");
    assert!(stream.next().await.is_none());
    assert_eq!(server.requests().len(), 1, "no page was requested without a cursor");

    let server = MockStripe::start(vec![Reply::json(200, page(false).to_string())]).await;
    let all = list_verification_sessions(&client(&server), &Default::default()).collect_all(10).await.unwrap();
    assert_eq!(all.len(), 1, "the last page's objects are kept");
}

/// Queue-first handlers: `verify` checks the signature and hands back the bytes untouched,
/// whatever they hold; the version an event was rendered in is visible once decoded.
#[test]
fn verify_returns_the_raw_payload_and_the_event_tells_its_api_version() {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let raw = b"not even JSON, but signed".to_vec();
    let header = webhook::sign(&raw, "whsec_test", now);
    assert_eq!(webhook::verify(&raw, &header, "whsec_test").unwrap(), raw.as_slice());
    assert_eq!(webhook::verify(&raw, &header, "whsec_other"), Err(WebhookError::NoMatchingSignature));
    assert!(matches!(webhook::construct_event(&raw, &header, "whsec_test"), Err(WebhookError::InvalidPayload(_))));

    let current = webhook::decode_event(&event("identity.verification_session.verified", session("vs_1"))).unwrap();
    assert_eq!(current.api_version_mismatch(), None);
    // An endpoint on an older version: a session that still decodes is typed, and says so.
    let mut older: Value =
        serde_json::from_slice(&event("identity.verification_session.verified", session("vs_2"))).unwrap();
    older["api_version"] = json!("2020-08-27");
    let older = webhook::decode_event(older.to_string().as_bytes()).unwrap();
    assert!(matches!(older.data.object, EventObject::VerificationSession(_)));
    assert_eq!(older.api_version_mismatch(), Some("2020-08-27"));
    // One that does not decode stays JSON, and says so too.
    let mut odd: Value =
        serde_json::from_slice(&event("identity.verification_session.verified", session("vs_3"))).unwrap();
    odd["api_version"] = json!("2030-01-01.future");
    odd["data"]["object"]["status"] = json!(42);
    let odd = webhook::decode_event(odd.to_string().as_bytes()).unwrap();
    assert!(matches!(odd.data.object, EventObject::Other(_)));
    assert_eq!(odd.api_version_mismatch(), Some("2030-01-01.future"));
}

/// The client's own timeout holds on a caller's builder too, whatever that builder says.
#[tokio::test]
async fn the_timeout_applies_on_a_callers_builder() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Accepts and never answers; ends with the test.
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let patient = reqwest::Client::builder().timeout(Duration::from_secs(600));
    let client = Client::builder(KEY)
        .base_url(&url)
        .max_retries(0)
        .timeout(Duration::from_millis(300))
        .http(patient)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = retrieve_verification_session(&client, &"vs_1".into(), &Default::default()).await.unwrap_err();
    assert!(matches!(&error, Error::Transport(e) if e.is_timeout()), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(30), "the caller's 600 s won");
    silent.abort();
}
