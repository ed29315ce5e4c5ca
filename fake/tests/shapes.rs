//! The shapes the official SDKs see: keys absent where the spec makes them optional and not
//! nullable, reports' `options`, single-use secrets, Stripe's limits and its 429.

use serde_json::{json, Value};
use stripe_identity_fake::{FakeStripe, Fault, TEST_KEY};

use crate::common::{assert_stripe_error, raw, raw_with};

const SESSIONS: &str = "/v1/identity/verification_sessions";
const AUTH: (&str, &str) = ("Authorization", "Bearer sk_test_fake");

async fn create(fake: &FakeStripe, body: &str) -> Value {
    let created = raw(fake, "POST", SESSIONS, body).await;
    assert_eq!(created.status, 200, "{}", created.json);
    created.json
}

async fn report_of(fake: &FakeStripe, session: &Value) -> Value {
    let id = session["last_verification_report"].as_str().expect("a report id");
    raw(fake, "GET", &format!("/v1/identity/verification_reports/{id}"), "").await.json
}

#[tokio::test]
async fn a_report_holds_the_checks_it_ran_and_mirrors_the_options() {
    let fake = FakeStripe::start().await.unwrap();
    let document = create(&fake, "type=document").await;
    let verified = fake.verify(document["id"].as_str().unwrap()).unwrap();
    let report = report_of(&fake, &serde_json::to_value(&verified).unwrap()).await;
    assert!(report.get("id_number").is_none() && report.get("selfie").is_none(), "absent, not null: {report}");
    assert_eq!(report["options"], json!({ "document": {} }), "Stripe's example for a session without options");
    assert!(report["document"]["dob"].is_null(), "expand-only, not expanded");

    let number = create(&fake, "type=id_number").await;
    let id = number["id"].as_str().unwrap();
    fake.fail(id, "id_number_mismatch").unwrap();
    let failed = raw(&fake, "GET", &format!("{SESSIONS}/{id}?expand[]=last_verification_report"), "").await.json;
    let expanded = &failed["last_verification_report"];
    assert!(expanded.get("document").is_none(), "no document check ran: {expanded}");
    assert_eq!(expanded["options"], json!({ "id_number": {} }));
    assert_eq!(expanded["id_number"]["status"], "unverified");
}

#[tokio::test]
async fn client_secret_and_url_are_single_use() {
    let fake = FakeStripe::start().await.unwrap();
    let session = create(&fake, "type=document").await;
    let id = session["id"].as_str().unwrap();
    let (secret, url) = (session["client_secret"].clone(), session["url"].clone());
    assert!(secret.is_string() && url.is_string());
    let random = secret.as_str().unwrap().rsplit('_').next().unwrap();
    assert!(random.len() == 32 && random.bytes().all(|b| b.is_ascii_hexdigit()), "not guessable from ids: {random}");
    let processing = fake.process(id).unwrap();
    assert_eq!((processing.client_secret.is_none(), processing.url.is_none()), (true, true), "spent once submitted");
    fake.fail(id, "document_expired").unwrap();
    let retry = raw(&fake, "GET", &format!("{SESSIONS}/{id}"), "").await.json;
    assert_eq!(retry["status"], "requires_input");
    assert!(retry["client_secret"].is_string() && retry["url"].is_string(), "{retry}");
    assert_ne!(retry["client_secret"], secret, "a fresh secret for the next attempt");
    assert_ne!(retry["url"], url);
    let verified = fake.verify(id).unwrap();
    assert_eq!((verified.client_secret, verified.url), (None, None));
    let canceled = create(&fake, "type=document").await;
    let canceled =
        raw(&fake, "POST", &format!("{SESSIONS}/{}/cancel", canceled["id"].as_str().unwrap()), "").await.json;
    assert_eq!(
        (canceled["client_secret"].clone(), canceled["url"].clone()),
        (Value::Null, Value::Null),
        "Stripe's cancel example"
    );
}

#[tokio::test]
async fn idempotency_keys_are_checked_as_stripe_checks_them() {
    let fake = FakeStripe::start().await.unwrap();
    let long = "k".repeat(256);
    let refused = raw_with(&fake, "POST", SESSIONS, "type=document", &[AUTH, ("Idempotency-Key", &long)]).await;
    assert_stripe_error(&refused, 400, "invalid_request_error", None, None);
    assert!(refused.error()["message"].as_str().unwrap().starts_with("Idempotent key length is 256"));
    assert!(refused.header("Idempotency-Key").is_none(), "not echoed");
    let fits = "k".repeat(255);
    let accepted = raw_with(&fake, "POST", SESSIONS, "type=document", &[AUTH, ("Idempotency-Key", &fits)]).await;
    assert_eq!(accepted.header("Idempotency-Key"), Some(fits.as_str()));
    // Not UTF-8: refused, not silently no key.
    let response = reqwest::Client::new()
        .post(format!("{}{SESSIONS}", fake.url()))
        .bearer_auth(TEST_KEY)
        .header("Idempotency-Key", reqwest::header::HeaderValue::from_bytes(&[0xff, 0xfe, b'a']).unwrap())
        .form(&[("type", "document")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(raw(&fake, "GET", SESSIONS, "").await.json["data"].as_array().unwrap().len() == 1, "only the 255 one ran");
}

#[tokio::test]
async fn metadata_and_strings_obey_stripes_limits() {
    let fake = FakeStripe::start().await.unwrap();
    let keys: Vec<String> = (0..51).map(|n| format!("metadata[k{n}]=v")).collect();
    let many = raw(&fake, "POST", SESSIONS, &format!("type=document&{}", keys.join("&"))).await;
    assert_stripe_error(&many, 400, "invalid_request_error", None, Some("metadata"));
    let long_key = raw(&fake, "POST", SESSIONS, &format!("type=document&metadata[{}]=v", "k".repeat(41))).await;
    assert_stripe_error(&long_key, 400, "invalid_request_error", None, Some("metadata"));
    let long_value = raw(&fake, "POST", SESSIONS, &format!("type=document&metadata[k]={}", "v".repeat(501))).await;
    assert_stripe_error(&long_value, 400, "invalid_request_error", None, Some("metadata"));
    let reference =
        raw(&fake, "POST", SESSIONS, &format!("type=document&client_reference_id={}", "r".repeat(5001))).await;
    assert_stripe_error(&reference, 400, "invalid_request_error", None, Some("client_reference_id"));
    // 50 keys, then one more by update: the merge counts.
    let session = create(&fake, &format!("type=document&{}", keys[..50].join("&"))).await;
    let path = format!("{SESSIONS}/{}", session["id"].as_str().unwrap());
    let merged = raw(&fake, "POST", &path, "metadata[another]=v").await;
    assert_stripe_error(&merged, 400, "invalid_request_error", None, Some("metadata"));
    assert!(merged.error()["message"].as_str().unwrap().contains("you've set 51"));
    assert_eq!(raw(&fake, "POST", &path, "metadata[k0]=").await.status, 200, "deleting a key is fine");
}

#[tokio::test]
async fn an_injected_429_is_stripes_rate_limit_answer() {
    let fake = FakeStripe::start().await.unwrap();
    fake.inject(Fault::status(429), 1).unwrap();
    let limited = raw(&fake, "GET", SESSIONS, "").await;
    assert_stripe_error(&limited, 429, "invalid_request_error", Some("rate_limit"), None);
    let client = stripe_identity::Client::builder(TEST_KEY).base_url(fake.url()).max_retries(0).build().unwrap();
    fake.inject(Fault::status(429), 1).unwrap();
    let error = stripe_identity::list_verification_sessions(&client, &Default::default()).await.unwrap_err();
    let stripe_identity::Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.error.error_type, stripe_identity::ApiErrorType::InvalidRequestError, "a documented type: {error}");
    assert_eq!(api.error.code.as_deref(), Some("rate_limit"));
}
