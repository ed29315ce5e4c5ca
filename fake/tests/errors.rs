//! Stripe's errors, exactly: shape, status, `param`, `Request-Id`; validation from the spec's
//! tables; keys; routes; idempotency.

use stripe_identity_fake::FakeStripe;

use crate::common::{assert_stripe_error, raw, raw_with};

const SESSIONS: &str = "/v1/identity/verification_sessions";

#[tokio::test]
async fn unknown_parameters_are_refused_at_any_depth() {
    let fake = FakeStripe::start().await.unwrap();
    let top = raw(&fake, "POST", SESSIONS, "type=document&colour=blue").await;
    assert_stripe_error(&top, 400, "invalid_request_error", Some("parameter_unknown"), Some("colour"));
    assert_eq!(top.error()["message"], "Received unknown parameter: colour");
    let nested = raw(&fake, "POST", SESSIONS, "type=document&options[document][require_live]=true").await;
    assert_stripe_error(
        &nested,
        400,
        "invalid_request_error",
        Some("parameter_unknown"),
        Some("options[document][require_live]"),
    );
    let query = raw(&fake, "GET", &format!("{SESSIONS}?limit=3&colour=blue"), "").await;
    assert_stripe_error(&query, 400, "invalid_request_error", Some("parameter_unknown"), Some("colour"));
    let range = raw(&fake, "GET", &format!("{SESSIONS}?created[after]=3"), "").await;
    assert_stripe_error(&range, 400, "invalid_request_error", Some("parameter_unknown"), Some("created[after]"));
}

#[tokio::test]
async fn wrong_enum_values_and_types_name_the_parameter() {
    let fake = FakeStripe::start().await.unwrap();
    let cases = [
        ("POST", SESSIONS, "type=selfie", "type"),
        (
            "POST",
            SESSIONS,
            "type=document&options[document][allowed_types][0]=library_card",
            "options[document][allowed_types][0]",
        ),
        (
            "POST",
            SESSIONS,
            "type=document&options[document][require_matching_selfie]=maybe",
            "options[document][require_matching_selfie]",
        ),
        ("POST", SESSIONS, "type=document&metadata=x", "metadata"),
        ("POST", SESSIONS, "type[a]=document", "type"),
        ("GET", "/v1/identity/verification_sessions?limit=ten", "", "limit"),
        ("GET", "/v1/identity/verification_sessions?status=done", "", "status"),
        ("GET", "/v1/identity/verification_sessions?created=yesterday", "", "created"),
        ("GET", "/v1/identity/verification_sessions?created[gt]=soon", "", "created[gt]"),
    ];
    for (method, path, body, param) in cases {
        let answer = raw(&fake, method, path, body).await;
        assert_stripe_error(&answer, 400, "invalid_request_error", None, Some(param));
    }
    let empty = raw(&fake, "POST", SESSIONS, "type=document&return_url=").await;
    assert_stripe_error(&empty, 400, "invalid_request_error", Some("parameter_invalid_empty"), Some("return_url"));
    let limit = raw(&fake, "GET", &format!("{SESSIONS}?limit=101"), "").await;
    assert_stripe_error(&limit, 400, "invalid_request_error", None, Some("limit"));
    let limit = raw(&fake, "GET", &format!("{SESSIONS}?limit=0"), "").await;
    assert_stripe_error(&limit, 400, "invalid_request_error", None, Some("limit"));
}

#[tokio::test]
async fn a_session_needs_a_type_or_a_verification_flow() {
    let fake = FakeStripe::start().await.unwrap();
    let answer = raw(&fake, "POST", SESSIONS, "client_reference_id=x").await;
    assert_stripe_error(&answer, 400, "invalid_request_error", Some("parameter_missing"), Some("type"));
    assert!(raw(&fake, "GET", SESSIONS, "").await.json["data"].as_array().unwrap().is_empty(), "nothing was created");
}

#[tokio::test]
async fn both_array_encodings_are_accepted() {
    let fake = FakeStripe::start().await.unwrap();
    let indexed =
        "type=document&options[document][allowed_types][0]=passport&options[document][allowed_types][1]=id_card";
    let appended =
        "type=document&options[document][allowed_types][]=passport&options[document][allowed_types][]=id_card";
    for body in [indexed, appended] {
        let answer = raw(&fake, "POST", SESSIONS, body).await;
        assert_eq!(answer.status, 200, "{}", answer.json);
        assert_eq!(answer.json["options"]["document"]["allowed_types"], serde_json::json!(["passport", "id_card"]));
    }
    let shuffled = raw(
        &fake,
        "POST",
        SESSIONS,
        "type=document&options[document][allowed_types][1]=id_card&options[document][allowed_types][0]=passport",
    )
    .await;
    assert_eq!(
        shuffled.json["options"]["document"]["allowed_types"],
        serde_json::json!(["passport", "id_card"]),
        "by index"
    );
    let id = answer_id(&raw(&fake, "POST", SESSIONS, indexed).await.json);
    for query in ["expand[]=last_verification_report", "expand[0]=last_verification_report"] {
        let answer = raw(&fake, "GET", &format!("{SESSIONS}/{id}?{query}"), "").await;
        assert_eq!(answer.status, 200, "{query}: {}", answer.json);
    }
}

fn answer_id(json: &serde_json::Value) -> String {
    json["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn expand_names_only_what_the_spec_makes_expandable() {
    let fake = FakeStripe::start().await.unwrap();
    let session = raw(&fake, "POST", SESSIONS, "type=document").await.json;
    fake.verify(answer_id(&session)).unwrap();
    let list = raw(&fake, "GET", &format!("{SESSIONS}?expand[]=data.last_verification_report"), "").await;
    assert_eq!(list.json["data"][0]["last_verification_report"]["object"], "identity.verification_report");
    for refused in [
        format!("{SESSIONS}?expand[]=last_verification_report"),
        format!("{SESSIONS}/{}?expand[]=metadata", answer_id(&session)),
        "/v1/identity/verification_reports?expand[]=data.verification_session".to_string(),
    ] {
        let answer = raw(&fake, "GET", &refused, "").await;
        assert_stripe_error(&answer, 400, "invalid_request_error", None, Some("expand"));
        assert!(answer.error()["message"].as_str().unwrap().starts_with("This property cannot be expanded"));
    }
}

#[tokio::test]
async fn keys_are_checked_and_never_echoed() {
    let fake = FakeStripe::start().await.unwrap();
    let missing = raw_with(&fake, "GET", SESSIONS, "", &[]).await;
    assert_stripe_error(&missing, 401, "invalid_request_error", None, None);
    for header in ["Bearer sk_test_", "Bearer pk_test_publishable9", "Token sk_test_abc", "Bearer sk_live_realsecret9"]
    {
        let answer = raw_with(&fake, "GET", SESSIONS, "", &[("Authorization", header)]).await;
        assert_stripe_error(&answer, 401, "invalid_request_error", None, None);
        assert!(!answer.json.to_string().contains("secret9") && !answer.json.to_string().contains("publishable9"));
    }
    let basic = raw_with(&fake, "GET", SESSIONS, "", &[("Authorization", "Basic c2tfdGVzdF8xMjM6")]).await;
    assert_eq!(basic.status, 200, "curl -u sk_test_123: works");
    assert!(fake.requests().iter().all(|r| r.header("Authorization").is_none()), "the log keeps no key");
}

#[tokio::test]
async fn unknown_ids_and_routes_are_resource_missing() {
    let fake = FakeStripe::start().await.unwrap();
    let session = raw(&fake, "GET", &format!("{SESSIONS}/vs_nope"), "").await;
    assert_stripe_error(&session, 404, "invalid_request_error", Some("resource_missing"), Some("session"));
    assert_eq!(session.error()["message"], "No such verificationsession: 'vs_nope'");
    let report = raw(&fake, "GET", "/v1/identity/verification_reports/vr_nope", "").await;
    assert_stripe_error(&report, 404, "invalid_request_error", Some("resource_missing"), Some("report"));
    let created = answer_id(&raw(&fake, "POST", SESSIONS, "type=document").await.json);
    let wrong_kind = raw(&fake, "GET", &format!("/v1/identity/verification_reports/{created}"), "").await;
    assert_stripe_error(&wrong_kind, 404, "invalid_request_error", Some("resource_missing"), Some("report"));
    for (method, path) in [
        ("GET", "/v1/identity/verification_flows"),
        ("DELETE", SESSIONS),
        ("POST", "/v1/identity/verification_reports"),
    ] {
        let answer = raw(&fake, method, path, "").await;
        assert_stripe_error(&answer, 404, "invalid_request_error", Some("resource_missing"), None);
        assert!(answer.error()["message"].as_str().unwrap().starts_with("Unrecognized request URL"));
    }
}

#[tokio::test]
async fn a_reused_idempotency_key_replays_or_conflicts() {
    let fake = FakeStripe::start().await.unwrap();
    let key = [("Authorization", "Bearer sk_test_x"), ("Idempotency-Key", "create-42")];
    let first = raw_with(&fake, "POST", SESSIONS, "type=document&metadata[a]=1", &key).await;
    assert_eq!(first.header("Idempotent-Replayed"), None);
    let again = raw_with(&fake, "POST", SESSIONS, "metadata[a]=1&type=document", &key).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(again.header("Original-Request"), first.header("Request-Id"));
    assert_eq!(again.json, first.json, "the same session, not a second one");
    assert_eq!(raw_with(&fake, "GET", SESSIONS, "", &key[..1]).await.json["data"].as_array().unwrap().len(), 1);
    assert_eq!(fake.events().len(), 1, "a replay records no event");

    let other = raw_with(&fake, "POST", SESSIONS, "type=id_number", &key).await;
    assert_stripe_error(&other, 400, "idempotency_error", None, None);
    let elsewhere = raw_with(&fake, "POST", &format!("{SESSIONS}/{}/cancel", answer_id(&first.json)), "", &key).await;
    assert_stripe_error(&elsewhere, 400, "idempotency_error", None, None);

    let indexed = [("Authorization", "Bearer sk_test_x"), ("Idempotency-Key", "arrays")];
    let body = "type=document&options[document][allowed_types][0]=passport&options[document][allowed_types][1]=id_card";
    let first = raw_with(&fake, "POST", SESSIONS, body, &indexed).await;
    let appended = body.replace("[0]", "[]").replace("[1]", "[]");
    let same = raw_with(&fake, "POST", SESSIONS, &appended, &indexed).await;
    assert_eq!(same.header("Idempotent-Replayed"), Some("true"), "`a[]=` and `a[0]=` are the same parameters");
    assert_eq!(same.json, first.json);
    let reordered =
        body.replace("=passport", "=PLACEHOLDER").replace("=id_card", "=passport").replace("=PLACEHOLDER", "=id_card");
    let other = raw_with(&fake, "POST", SESSIONS, &reordered, &indexed).await;
    assert_stripe_error(&other, 400, "idempotency_error", None, None);
    let elsewhere =
        [("Authorization", "Bearer sk_test_x"), ("Idempotency-Key", "arrays"), ("Stripe-Account", "acct_other")];
    let scoped = raw_with(&fake, "POST", SESSIONS, &reordered, &elsewhere).await;
    assert_eq!((scoped.status, scoped.header("Idempotent-Replayed")), (200, None), "keys are per account");

    let missing_type = [("Authorization", "Bearer sk_test_x"), ("Idempotency-Key", "no-type")];
    let refused = raw_with(&fake, "POST", SESSIONS, "client_reference_id=u", &missing_type).await;
    assert_stripe_error(&refused, 400, "invalid_request_error", Some("parameter_missing"), Some("type"));
    let refused = raw_with(&fake, "POST", SESSIONS, "type=document&expand[]=metadata", &missing_type).await;
    assert_stripe_error(&refused, 400, "invalid_request_error", None, Some("expand"));
    let fixed = raw_with(&fake, "POST", SESSIONS, "type=document", &missing_type).await;
    assert_eq!(fixed.status, 200, "checks beyond the tables claim no key either: {}", fixed.json);

    let invalid_key = [("Authorization", "Bearer sk_test_x"), ("Idempotency-Key", "bad-1")];
    raw_with(&fake, "POST", SESSIONS, "type=selfie", &invalid_key).await;
    let fixed = raw_with(&fake, "POST", SESSIONS, "type=document", &invalid_key).await;
    assert_eq!(fixed.status, 200, "a request refused by validation does not claim its key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_with_one_key_create_one_session() {
    let fake = FakeStripe::start().await.unwrap();
    let key = [("Authorization", "Bearer sk_test_x"), ("Idempotency-Key", "race-1")];
    let answers = create_at_once(&fake, &key).await;
    let ids: std::collections::BTreeSet<String> = answers.iter().map(answer_id).collect();
    assert_eq!(ids.len(), 1, "every answer is the one session");
    assert_eq!(raw_with(&fake, "GET", SESSIONS, "", &key[..1]).await.json["data"].as_array().unwrap().len(), 1);
}

/// Eight creates at once, on separate connections.
async fn create_at_once(fake: &FakeStripe, headers: &[(&str, &str)]) -> Vec<serde_json::Value> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (url, headers): (String, Vec<(String, String)>) =
            (fake.url().to_string(), headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        tasks.spawn(async move {
            let mut request = reqwest::Client::new().post(format!("{url}{SESSIONS}")).form(&[("type", "document")]);
            for (name, value) in headers {
                request = request.header(name, value);
            }
            serde_json::from_slice::<serde_json::Value>(&request.send().await.unwrap().bytes().await.unwrap()).unwrap()
        });
    }
    tasks.join_all().await
}

#[tokio::test]
async fn metadata_with_an_empty_value_clears_it() {
    let fake = FakeStripe::start().await.unwrap();
    let created = raw(&fake, "POST", SESSIONS, "type=document&metadata[a]=1&metadata[b]=2").await.json;
    let path = format!("{SESSIONS}/{}", answer_id(&created));
    let one = raw(&fake, "POST", &path, "metadata[a]=").await.json;
    assert_eq!(one["metadata"], serde_json::json!({ "b": "2" }), "metadata[a]= deletes one key");
    let none = raw(&fake, "POST", &path, "metadata=").await.json;
    assert_eq!(none["metadata"], serde_json::json!({}), "metadata= clears them all");
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_refused() {
    let fake = FakeStripe::start().await.unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}{SESSIONS}", fake.url()))
        .bearer_auth("sk_test_x")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(vec![b't', b'y', b'p', b'e', b'=', 0xff])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(raw(&fake, "GET", SESSIONS, "").await.json["data"].as_array().unwrap().is_empty());
}
