//! The client's transport against the fake Stripe: retries (driven by the fake's injected
//! faults), idempotency keys end to end, per-call options and timeouts.

use std::time::{Duration, Instant};

use stripe_identity::*;
use stripe_identity_fake::{FakeStripe, Fault, TEST_KEY};

fn document() -> CreateVerificationSessionParams {
    CreateVerificationSessionParams::new().type_(CreateVerificationSessionType::Document)
}

fn assert_uuid_v4(key: &str) {
    let parsed = uuid::Uuid::parse_str(key).unwrap_or_else(|_| panic!("{key} is not a UUID"));
    assert_eq!(parsed.get_version_num(), 4);
}

async fn sessions(fake: &FakeStripe) -> usize {
    list_verification_sessions(&fake.client(), &Default::default()).await.unwrap().data.len()
}

#[tokio::test]
async fn a_retried_post_reuses_its_idempotency_key_and_creates_one_session() {
    let fake = FakeStripe::start().await.unwrap();
    fake.inject(Fault::status(503), 1).unwrap();
    fake.inject(Fault::Reset, 1).unwrap();
    let session = create_verification_session(&fake.client(), &document()).await.unwrap();
    let posts: Vec<_> = fake.requests().into_iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posts.len(), 3, "503, reset, then success");
    let key = posts[0].header("Idempotency-Key").unwrap().to_string();
    assert_uuid_v4(&key);
    assert!(posts.iter().all(|r| r.header("Idempotency-Key") == Some(key.as_str())), "every attempt carries the key");
    assert_eq!(sessions(&fake).await, 1);
    assert_eq!(fake.events()[0].request.as_ref().unwrap().idempotency_key.as_deref(), Some(key.as_str()));
    assert_eq!(session.status, VerificationSessionStatus::RequiresInput);
}

#[tokio::test]
async fn a_post_whose_answer_was_lost_is_retried_as_a_replay_not_a_second_session() {
    let fake = FakeStripe::start().await.unwrap();
    fake.inject(Fault::DropResponse, 1).unwrap();
    let (session, meta) = create_verification_session(&fake.client(), &document()).with_meta().await.unwrap();
    assert!(meta.idempotent_replayed, "the retry got the first attempt's saved answer");
    assert_eq!(sessions(&fake).await, 1, "Stripe did the work once");
    assert_eq!(fake.events().len(), 1);
    assert_eq!(fake.events()[0].request.as_ref().unwrap().idempotency_key, meta.idempotency_key);
    let fetched = retrieve_verification_session(&fake.client(), &session.id, &Default::default()).await.unwrap();
    assert_eq!(fetched, session);

    fake.inject(Fault::DropResponse, 1).unwrap();
    let client = Client::builder(TEST_KEY).base_url(fake.url()).max_retries(0).build().unwrap();
    let error = create_verification_session(&client, &document()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)) && error.is_retryable(), "{error:?}");
    assert_eq!(sessions(&fake).await, 2, "without a retry the caller cannot know the session exists");
}

#[tokio::test]
async fn an_idempotency_key_applies_to_its_call_only_and_a_replay_says_so() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let (first, meta) =
        create_verification_session(&client, &document()).idempotency_key("create-1").with_meta().await.unwrap();
    assert!(!meta.idempotent_replayed);
    assert_eq!(meta.status, 200);
    assert_eq!(meta.idempotency_key.as_deref(), Some("create-1"));
    assert!(meta.request_id.as_deref().is_some_and(|id| id.starts_with("req_")));
    let (again, meta) =
        create_verification_session(&client, &document()).idempotency_key("create-1").with_meta().await.unwrap();
    assert!(meta.idempotent_replayed, "the fake replays the first answer");
    assert_eq!(again, first);
    create_verification_session(&client, &document()).await.unwrap();
    assert_eq!(sessions(&fake).await, 2, "the replay created nothing; the call without a key did");
    let fresh = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .nth(2)
        .unwrap()
        .header("Idempotency-Key")
        .unwrap()
        .to_string();
    assert_ne!(fresh, "create-1", "the next call does not inherit the key");
    assert_uuid_v4(&fresh);

    let conflict = create_verification_session(
        &client,
        &CreateVerificationSessionParams::new().type_(CreateVerificationSessionType::IdNumber),
    )
    .idempotency_key("create-1")
    .await
    .unwrap_err();
    let api = conflict.api().expect("Stripe's error");
    assert_eq!((api.status, &api.error.error_type), (400, &ApiErrorType::IdempotencyError));
    assert!(!conflict.is_retryable());
}

#[tokio::test]
async fn which_failures_are_retried() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let id = create_verification_session(&client, &document()).await.unwrap().id;
    let attempts = |fake: &FakeStripe| fake.requests().len();

    let cases: [(Fault, u16, usize); 5] = [
        (Fault::Status { status: 503, should_retry: Some(false) }, 503, 1),
        (Fault::status(429), 429, 1),
        (Fault::Status { status: 429, should_retry: Some(true) }, 0, 2),
        (Fault::status(409), 0, 2),
        (Fault::status(500), 0, 2),
    ];
    for (fault, failed_with, sent) in cases {
        fake.inject(fault.clone(), 1).unwrap();
        let before = attempts(&fake);
        let result = retrieve_verification_session(&client, &id, &Default::default()).await;
        assert_eq!(attempts(&fake) - before, sent, "{fault:?}");
        match failed_with {
            0 => assert!(result.is_ok(), "{fault:?} is retried, then the call succeeds"),
            status => assert_eq!(result.unwrap_err().status(), Some(status), "{fault:?} is not retried"),
        }
    }
    fake.inject(Fault::status(500), 3).unwrap();
    let error = retrieve_verification_session(&client, &id, &Default::default()).await.unwrap_err();
    assert!(error.is_retryable() && error.status() == Some(500), "three attempts, then the last error");
    assert!(error.request_id().is_some_and(|r| r.starts_with("req_")));
}

#[tokio::test]
async fn stripe_account_and_max_retries_per_call() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client().with_stripe_account("acct_default");
    let id = create_verification_session(&client, &document()).await.unwrap().id;
    // Another connected account does not hold the session: the per-call header went out.
    let elsewhere = retrieve_verification_session(&client, &id, &Default::default())
        .stripe_account("acct_other")
        .await
        .unwrap_err();
    assert_eq!(elsewhere.status(), Some(404));
    retrieve_verification_session(&client, &id, &Default::default()).await.unwrap();
    fake.inject(Fault::status(503), 1).unwrap();
    let error = retrieve_verification_session(&client, &id, &Default::default()).max_retries(0).await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    let requests = fake.requests();
    assert_eq!(requests.len(), 4, "max_retries(0) sends once");
    assert_eq!(requests[0].header("Stripe-Account"), Some("acct_default"));
    assert_eq!(requests[1].header("Stripe-Account"), Some("acct_other"));
}

#[tokio::test]
async fn a_timeout_per_call_and_transport_errors_never_show_the_url_or_params() {
    let fake = FakeStripe::start().await.unwrap();
    fake.inject(Fault::Delay(Duration::from_secs(30)), 1).unwrap();
    let client = Client::builder(TEST_KEY).base_url(fake.url()).max_retries(0).build().unwrap();
    let params = ListVerificationSessionsParams::new().client_reference_id("jenny.rosen@example.com");
    let started = Instant::now();
    let error = list_verification_sessions(&client, &params).timeout(Duration::from_millis(300)).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10), "the call's timeout applied, not the client's 80 s");
    let Error::Transport(transport) = &error else { panic!("expected a transport error, got {error:?}") };
    assert!(transport.is_timeout());
    assert!(error.is_retryable());
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains("jenny"), "{shown}");
        assert!(!shown.contains("127.0.0.1"), "{shown}");
    }
}

#[tokio::test]
async fn config_errors_send_nothing() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let id = VerificationSessionId::from("vs_1");
    let errors = [
        cancel_verification_session(&client, &id, &Default::default()).idempotency_key("").await.unwrap_err(),
        cancel_verification_session(&client, &id, &Default::default())
            .idempotency_key("k".repeat(256))
            .await
            .unwrap_err(),
        retrieve_verification_session(&client, &id, &Default::default()).idempotency_key("k").await.unwrap_err(),
        cancel_verification_session(&client, &id, &Default::default()).idempotency_key("user\n42").await.unwrap_err(),
        cancel_verification_session(&client, &id, &Default::default()).stripe_account("acct\n1").await.unwrap_err(),
        retrieve_verification_session(&Client::new("sk_test_trailing_newline\n"), &id, &Default::default())
            .await
            .unwrap_err(),
    ];
    for error in errors {
        assert!(matches!(error, Error::Config(_)), "{error:?}");
        let shown = error.to_string();
        assert!(!shown.contains("user") && !shown.contains("acct") && !shown.contains("trailing_newline"), "{shown}");
    }
    assert!(fake.requests().is_empty());
    let error = cancel_verification_session(&client, &id, &Default::default())
        .idempotency_key("k".repeat(255))
        .await
        .unwrap_err();
    assert_eq!(
        error.api().and_then(|e| e.error.code.as_deref()),
        Some("resource_missing"),
        "a 255-character key is sent"
    );
}

#[tokio::test]
async fn errors_expose_stripes_error_and_not_its_message() {
    let fake = FakeStripe::start().await.unwrap();
    let error =
        retrieve_verification_session(&fake.client(), &"vs_missing".into(), &Default::default()).await.unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(
        (api.status, api.error.code.as_deref(), api.error.param.as_deref()),
        (404, Some("resource_missing"), Some("session"))
    );
    assert!(api.request_id.as_deref().is_some_and(|id| id.starts_with("req_")));
    assert!(!error.is_retryable());
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains("vs_missing"), "Stripe's message can quote what was sent: {shown}");
    }
    let unauthorized = retrieve_verification_session(
        &Client::builder("sk_test_x").base_url(fake.url()).build().unwrap(),
        &"vs_1".into(),
        &Default::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(unauthorized.status(), Some(404), "any well-formed test key is accepted");
    let bad_key = Client::builder("pk_test_public").base_url(fake.url()).build().unwrap();
    let unauthorized = retrieve_verification_session(&bad_key, &"vs_1".into(), &Default::default()).await.unwrap_err();
    assert_eq!(unauthorized.status(), Some(401));
}
