//! Every generated endpoint function against a local server: the exact request on the wire,
//! and the decoding of a realistic response with every field present.

use stripe_identity::*;

use crate::support::{self, list_json, report_json, session_json, MockStripe, Reply};

const KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";

fn client(server: &MockStripe) -> Client {
    Client::builder(KEY).base_url(server.url()).max_retries(0).build().unwrap()
}

/// Re-serializes a decoded value: equal to the fixture only if every field was kept.
fn assert_round_trips<T: serde::Serialize>(decoded: &T, fixture: &str) {
    let expected: serde_json::Value = serde_json::from_str(fixture).unwrap();
    assert_eq!(serde_json::to_value(decoded).unwrap(), expected);
}

fn assert_common_headers(request: &support::Recorded) {
    assert_eq!(request.header("Authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(request.header("Stripe-Version"), Some(API_VERSION));
    assert_eq!(API_VERSION, "2026-08-26.dahlia");
    assert!(request.header("User-Agent").unwrap().starts_with("stripe-identity/"));
    let client_agent: serde_json::Value =
        serde_json::from_str(request.header("X-Stripe-Client-User-Agent").unwrap()).unwrap();
    assert_eq!(client_agent["lang"], "rust");
    assert_eq!(request.header("Stripe-Account"), None);
}

fn assert_get(request: &support::Recorded, target: &str) {
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, target);
    assert_eq!(request.body, "");
    assert_eq!(request.header("Idempotency-Key"), None, "GETs carry no idempotency key");
    assert_common_headers(request);
}

fn assert_post(request: &support::Recorded, target: &str, body: &str) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, target);
    assert_eq!(request.body, body);
    assert_eq!(request.header("Content-Type"), Some("application/x-www-form-urlencoded"));
    assert_common_headers(request);
}

fn assert_uuid_v4(key: &str) {
    let parsed = uuid::Uuid::parse_str(key).unwrap_or_else(|_| panic!("{key} is not a UUID"));
    assert_eq!(parsed.get_version_num(), 4);
}

#[tokio::test]
async fn list_verification_reports_sends_filters_as_a_query() {
    let url = "/v1/identity/verification_reports";
    let server = MockStripe::start(vec![Reply::json(200, list_json(url, &report_json(), false))]).await;
    let params = ListVerificationReportsParams::new()
        .created(RangeQuerySpecs::new().gte(1_600_000_000).lt(1_700_000_000))
        .expand(["data.document"])
        .limit(3)
        .type_(ListVerificationReportsType::Document)
        .verification_session("vs_123");
    let page = list_verification_reports(&client(&server), &params).await.unwrap();
    assert_get(
        &server.only_request(),
        "/v1/identity/verification_reports?created[gte]=1600000000&created[lt]=1700000000&expand[0]=data.document&limit=3&type=document&verification_session=vs_123",
    );
    assert!(!page.has_more);
    assert_eq!(page.url, url);
    assert_eq!(page.data.len(), 1);
    assert_round_trips(&page.data[0], &report_json());
}

#[tokio::test]
async fn retrieve_verification_report_encodes_the_id() {
    let server = MockStripe::start(vec![Reply::json(200, report_json())]).await;
    let params = RetrieveVerificationReportParams::new().expand(["document"]);
    let report = retrieve_verification_report(&client(&server), &"vr a/b?c".into(), &params).await.unwrap();
    assert_get(&server.only_request(), "/v1/identity/verification_reports/vr%20a%2Fb%3Fc?expand[0]=document");
    assert_round_trips(&report, &report_json());
    assert_eq!(report.created, Timestamp(1_680_860_383));
    let document = report.document.as_ref().unwrap();
    assert_eq!(document.status, VerificationReportDocumentStatus::Verified);
    assert_eq!(document.dob.as_ref().unwrap().year, Some(1990));
    assert_eq!(report.id_number.as_ref().unwrap().id_number_type, Some(VerificationReportIdNumberIdNumberType::UsSsn));
    assert_eq!(report.options.as_ref().unwrap().id_number, Some(VerificationReportOptionsIdNumber::default()));
    assert_eq!(
        report.email.as_ref().unwrap().status,
        VerificationReportEmailStatus::Verified,
        "an output only 2024 has"
    );
}

#[tokio::test]
async fn list_verification_sessions_sends_an_exact_created_and_a_cursor() {
    let url = "/v1/identity/verification_sessions";
    let server = MockStripe::start(vec![Reply::json(200, list_json(url, &session_json(), false))]).await;
    let params = ListVerificationSessionsParams::new()
        .created(1_600_000_000)
        .limit(3)
        .related_customer("cus_NffrFeUfNV2Hib")
        .related_customer_account("acct_1Nv0FGQ9RKHgCVdK")
        .starting_after("vs_1")
        .status(ListVerificationSessionsStatus::Verified);
    let page = list_verification_sessions(&client(&server), &params).await.unwrap();
    assert_get(
        &server.only_request(),
        "/v1/identity/verification_sessions?created=1600000000&limit=3&related_customer=cus_NffrFeUfNV2Hib&related_customer_account=acct_1Nv0FGQ9RKHgCVdK&starting_after=vs_1&status=verified",
    );
    assert_round_trips(&page.data[0], &session_json());
}

#[tokio::test]
async fn create_verification_session_posts_nested_options_as_brackets() {
    let server = MockStripe::start(vec![Reply::json(200, session_json())]).await;
    let params = CreateVerificationSessionParams::new()
        .type_(CreateVerificationSessionType::Document)
        .expand(["last_verification_report"])
        .metadata([("user_id", "42"), ("weird key", "a&b=c")])
        .options(
            CreateVerificationSessionOptions::new().document(
                CreateVerificationSessionOptionsDocument::new()
                    .allowed_types([
                        CreateVerificationSessionOptionsDocumentAllowedTypes::DrivingLicense,
                        CreateVerificationSessionOptionsDocumentAllowedTypes::Passport,
                    ])
                    .require_live_capture(true)
                    .require_matching_selfie(true),
            ),
        )
        .provided_details(CreateVerificationSessionProvidedDetails::new().email("jenny.rosen@example.com"))
        .related_customer("cus_NffrFeUfNV2Hib")
        .related_customer_account("acct_1Nv0FGQ9RKHgCVdK")
        .related_person(CreateVerificationSessionRelatedPerson::new("acct_1Nv0FGQ9RKHgCVdK", "person_1Nv0FGQ9RKHgCVdK"))
        .return_url("https://example.com/r?x=1&y=2");
    let session = create_verification_session(&client(&server), &params).await.unwrap();
    let request = server.only_request();
    assert_post(
        &request,
        "/v1/identity/verification_sessions",
        "expand[0]=last_verification_report&metadata[user_id]=42&metadata[weird%20key]=a%26b%3Dc\
         &options[document][allowed_types][0]=driving_license&options[document][allowed_types][1]=passport\
         &options[document][require_live_capture]=true&options[document][require_matching_selfie]=true\
         &provided_details[email]=jenny.rosen%40example.com&related_customer=cus_NffrFeUfNV2Hib\
         &related_customer_account=acct_1Nv0FGQ9RKHgCVdK&related_person[account]=acct_1Nv0FGQ9RKHgCVdK&related_person[person]=person_1Nv0FGQ9RKHgCVdK\
         &return_url=https%3A%2F%2Fexample.com%2Fr%3Fx%3D1%26y%3D2&type=document",
    );
    assert_uuid_v4(request.header("Idempotency-Key").unwrap());
    assert_round_trips(&session, &session_json());
    assert_eq!(session.status, VerificationSessionStatus::Verified);
    assert_eq!(session.metadata["plan"], "pro");
    // What 2024-08-08 to 2025-12-16 added, decoded.
    assert_eq!(session.related_customer.as_deref(), Some("cus_NffrFeUfNV2Hib"));
    assert_eq!(session.related_customer_account.as_deref(), Some("acct_1Nv0FGQ9RKHgCVdK"));
    assert_eq!(session.related_person.as_ref().map(|p| p.person.as_str()), Some("person_1Nv0FGQ9RKHgCVdK"));
    let matching = session.options.as_ref().and_then(|o| o.matching.as_ref()).unwrap();
    assert_eq!(matching.dob, Some(VerificationSessionOptionsMatchingDob::Similar));
    let verified = session.verified_outputs.as_ref().unwrap();
    assert_eq!(verified.sex, Some(VerificationSessionVerifiedOutputsSex::Female));
    assert_eq!(verified.unparsed_place_of_birth.as_deref(), Some("South San Francisco, California"));
}

#[tokio::test]
async fn retrieve_verification_session_decodes_an_expanded_report() {
    let server = MockStripe::start(vec![Reply::json(200, session_json())]).await;
    let params = RetrieveVerificationSessionParams::new().expand(["last_verification_report"]);
    let id = VerificationSessionId::from("vs_1MwBkz2eZvKYlo2CfN9n8u7J");
    let session = retrieve_verification_session(&client(&server), &id, &params).await.unwrap();
    assert_get(
        &server.only_request(),
        "/v1/identity/verification_sessions/vs_1MwBkz2eZvKYlo2CfN9n8u7J?expand[0]=last_verification_report",
    );
    let report = session.last_verification_report.as_ref().unwrap();
    assert!(report.is_expanded());
    let report_id: &VerificationReportId = report.id();
    assert_eq!(report_id, "vr_1MwBlH2eZvKYlo2C91hOpFMf");
    assert_eq!(session.id, id);
    assert_eq!(report.as_object().unwrap().verification_session.as_deref(), Some("vs_1MwBkz2eZvKYlo2CfN9n8u7J"));
    let verified = session.verified_outputs.as_ref().unwrap();
    assert_eq!(verified.first_name.as_deref(), Some("Jenny"));
    assert_eq!(verified.email.as_deref(), Some("jenny.rosen@example.com"), "an output only 2024 has");
    assert_eq!(
        session.last_error.as_ref().unwrap().code,
        Some(VerificationSessionLastErrorCode::DocumentUnverifiedOther)
    );
}

#[tokio::test]
async fn update_verification_session_can_unset_fields() {
    let server = MockStripe::start(vec![Reply::json(200, session_json())]).await;
    let params = UpdateVerificationSessionParams::new()
        .metadata([("remove_me", "")])
        .options(UpdateVerificationSessionOptions::new().document(Emptyable::Empty))
        .type_(UpdateVerificationSessionType::IdNumber);
    let client = client(&server).with_stripe_account("acct_123");
    update_verification_session(&client, &"vs_1".into(), &params).idempotency_key("update-42").await.unwrap();
    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/v1/identity/verification_sessions/vs_1");
    assert_eq!(request.body, "metadata[remove_me]=&options[document]=&type=id_number");
    assert_eq!(request.header("Idempotency-Key"), Some("update-42"));
    assert_eq!(request.header("Stripe-Account"), Some("acct_123"));
}

/// `metadata=` is Stripe's way to remove every key, though the spec types `metadata` as a map.
#[tokio::test]
async fn update_verification_session_can_clear_all_metadata() {
    let server = MockStripe::start(vec![Reply::json(200, session_json())]).await;
    let params = UpdateVerificationSessionParams::new().clear_metadata();
    update_verification_session(&client(&server), &"vs_1".into(), &params).await.unwrap();
    assert_post(&server.only_request(), "/v1/identity/verification_sessions/vs_1", "metadata=");
}

#[tokio::test]
async fn cancel_verification_session_posts_an_empty_form() {
    let server = MockStripe::start(vec![Reply::json(200, session_json())]).await;
    let session =
        cancel_verification_session(&client(&server), &"vs_1".into(), &CancelVerificationSessionParams::new())
            .await
            .unwrap();
    let request = server.only_request();
    assert_post(&request, "/v1/identity/verification_sessions/vs_1/cancel", "");
    assert_uuid_v4(request.header("Idempotency-Key").unwrap());
    assert_round_trips(&session, &session_json());
}

#[tokio::test]
async fn redact_verification_session_posts_expand() {
    let server = MockStripe::start(vec![Reply::json(200, session_json())]).await;
    let params = RedactVerificationSessionParams::new().expand(["verified_outputs", "last_verification_report"]);
    let session = redact_verification_session(&client(&server), &"vs_1".into(), &params).await.unwrap();
    assert_post(
        &server.only_request(),
        "/v1/identity/verification_sessions/vs_1/redact",
        "expand[0]=verified_outputs&expand[1]=last_verification_report",
    );
    assert_eq!(session.redaction.unwrap().status, VerificationSessionRedactionStatus::Processing);
}

#[tokio::test]
async fn stripe_errors_become_typed_api_errors() {
    let body = r#"{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such verificationsession: 'vs_x'","param":"session","doc_url":"https://stripe.com/docs/error-codes/resource-missing"}}"#;
    let server = MockStripe::start(vec![Reply::json(404, body)]).await;
    let error = retrieve_verification_session(&client(&server), &"vs_x".into(), &Default::default()).await.unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.request_id(), Some("req_test_404"));
    let Error::Api(api) = error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.error.error_type, ApiErrorType::InvalidRequestError);
    assert_eq!(api.error.code.as_deref(), Some("resource_missing"));
    assert_eq!(api.error.param.as_deref(), Some("session"));
    assert_eq!(api.error.doc_url.as_deref(), Some("https://stripe.com/docs/error-codes/resource-missing"));
    assert!(api.to_string().contains("HTTP 404"));
}

/// An error a user sees says why, in Stripe's words: the corpus holds messages from Stripe's
/// SDKs' tests, its docs and issue threads (each with its source) and every message the fake
/// produces, each with what `Display` and `Debug` must show of it.
#[test]
fn stripe_messages_are_shown_without_the_values_they_quote() {
    let corpus: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("fixtures/stripe-messages.json")).expect("the corpus is JSON");
    assert!(corpus.iter().filter(|e| !e["source"].as_str().unwrap().starts_with("fake/")).count() >= 20);
    for entry in &corpus {
        let (message, expected) = (entry["message"].as_str().unwrap(), entry["expected"].as_str().unwrap());
        let api = ApiError {
            status: 400,
            request_id: Some("req_123".into()),
            stripe_should_retry: None,
            error: ErrorBody {
                error_type: ApiErrorType::InvalidRequestError,
                message: Some(message.into()),
                param: entry["param"].as_str().map(str::to_string),
                ..ErrorBody::default()
            },
        };
        assert_eq!(api.error.shown_message().as_deref(), Some(expected), "{}", entry["source"]);
        assert!(api.to_string().ends_with(&format!("): {expected}")), "{api}");
        assert!(format!("{api:?}").contains(&format!("{expected:?}")), "{api:?}");
        // No email, in the message or the param path, reaches either.
        for shown in [api.to_string(), format!("{api:?}")] {
            assert!(!shown.contains("@example.com") && !shown.contains("test@test"), "{shown}");
        }
    }
}

#[tokio::test]
async fn a_refused_key_says_so_and_a_huge_error_prints_bounded() {
    let body = r#"{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_test_****************************1234"}}"#;
    let server = MockStripe::start(vec![Reply::json(401, body)]).await;
    let error = retrieve_verification_session(&client(&server), &"vs_1".into(), &Default::default()).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "Stripe error invalid_request_error (HTTP 401, request req_test_401): Invalid API Key provided: [redacted]"
    );
    assert!(!format!("{error:?}").contains("1234"), "{error:?}");

    let huge = "x".repeat(1 << 20);
    let body = serde_json::json!({ "error": { "type": huge, "code": huge, "param": huge, "message": huge } });
    let server = MockStripe::start(vec![Reply::json(400, body.to_string())]).await;
    let error = retrieve_verification_session(&client(&server), &"vs_1".into(), &Default::default()).await.unwrap_err();
    assert!(error.to_string().len() < 4 * 1024, "{} bytes", error.to_string().len());
}

#[tokio::test]
async fn a_non_json_error_page_is_a_decode_error_with_status_and_request_id() {
    let server = MockStripe::start(vec![Reply::json(502, "<html>Bad gateway</html>")]).await;
    let error = retrieve_verification_session(&client(&server), &"vs_1".into(), &Default::default()).await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("expected a decode error, got {error:?}") };
    assert_eq!(decode.status, 502);
    assert_eq!(decode.request_id.as_deref(), Some("req_test_502"));
    assert_eq!(decode.body_excerpt(), "<html>Bad gateway</html>");
}

#[tokio::test]
async fn a_malformed_success_names_the_path_and_leaks_no_personal_data() {
    let body = session_json().replace(r#""created": 1680860345"#, r#""created": "Jenny Rosen""#);
    assert_ne!(body, session_json());
    let server = MockStripe::start(vec![Reply::json(200, body)]).await;
    let error = retrieve_verification_session(&client(&server), &"vs_1".into(), &Default::default()).await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("expected a decode error, got {error:?}") };
    assert_eq!(decode.status, 200);
    assert_eq!(decode.path, "created");
    assert!(decode.body_len() > 1000);
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains("Jenny"), "{shown}");
        assert!(!shown.contains("Rosen"), "{shown}");
        assert!(shown.contains("created"), "{shown}");
    }
}

#[tokio::test]
async fn truncated_bodies_and_wrong_shapes_never_panic() {
    let full = session_json();
    let bodies = vec![
        String::new(),
        "null".into(),
        "[]".into(),
        "{}".into(),
        full[..full.len() / 2].to_string(),
        r#"{"error":{}}"#.into(),
    ];
    let replies = bodies.iter().map(|b| Reply::json(200, b.clone())).collect();
    let server = MockStripe::start(replies).await;
    for _ in &bodies {
        let error =
            retrieve_verification_session(&client(&server), &"vs_1".into(), &Default::default()).await.unwrap_err();
        assert!(matches!(error, Error::Decode(_)), "{error:?}");
    }
}

/// `validated` (2026-06-24) is a named status now, no longer `Unrecognized`.
#[test]
fn the_validated_redaction_status_decodes() {
    let body = session_json().replace(r#""status": "processing""#, r#""status": "validated""#);
    assert_ne!(body, session_json(), "the fixture has no redaction to replace");
    let session: VerificationSession = serde_json::from_str(&body).unwrap();
    assert_eq!(session.redaction.map(|r| r.status), Some(VerificationSessionRedactionStatus::Validated));
}

#[tokio::test]
async fn enum_values_the_spec_does_not_list_are_kept() {
    let body = session_json().replace(r#""status": "verified""#, r#""status": "needs_review""#);
    let server = MockStripe::start(vec![Reply::json(200, body.clone())]).await;
    let session = retrieve_verification_session(&client(&server), &"vs_1".into(), &Default::default()).await.unwrap();
    assert_eq!(session.status, VerificationSessionStatus::Unrecognized("needs_review".into()));
    assert_round_trips(&session, &body);
}

#[tokio::test]
async fn debug_output_hides_personal_data_and_secrets() {
    let session: VerificationSession = serde_json::from_str(&session_json()).unwrap();
    let shown = format!("{session:?}");
    let secrets = [
        "Jenny",
        "Rosen",
        "000000000",
        "Oyster",
        "94080",
        "D1234567",
        "_secret_test_",
        "1990",
        "verify.stripe.com",
        "jenny.rosen@example.com",
        "+15555550123",
        // `sex` is an enum, shown like any code but for the `[redacted]` value it lists.
        "Female",
        "female",
        "California",
    ];
    for secret in secrets {
        assert!(!shown.contains(secret), "Debug shows {secret}: {shown}");
    }
    assert!(shown.contains("[redacted]"));
    assert!(shown.contains("vs_1MwBkz2eZvKYlo2CfN9n8u7J"), "ids stay visible");
    // A personal enum hides itself however it is printed; its value is there to read.
    let sex = session.verified_outputs.as_ref().and_then(|o| o.sex.clone()).unwrap();
    assert_eq!(
        (format!("{sex}"), format!("{sex:?}"), sex.as_str()),
        ("[redacted]".into(), "[redacted]".into(), "female")
    );
}
