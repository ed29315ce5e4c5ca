//! A VerificationSession's life through the typed client: create, process, verify or fail,
//! cancel, redact; reports whose checks follow the options; events delivered signed.

use stripe_identity::webhook::EventObject;
use stripe_identity::*;
use stripe_identity_fake::FakeStripe;

use crate::receiver;

fn document_session() -> CreateVerificationSessionParams {
    let document = CreateVerificationSessionOptionsDocument::new()
        .allowed_types([CreateVerificationSessionOptionsDocumentAllowedTypes::Passport])
        .require_matching_selfie(true)
        .require_id_number(true);
    CreateVerificationSessionParams::new()
        .type_(CreateVerificationSessionType::Document)
        .client_reference_id("user-42")
        .metadata([("order", "A-1")])
        .options(CreateVerificationSessionOptions::new().document(document))
        .provided_details(CreateVerificationSessionProvidedDetails::new().email("jenny@example.com"))
}

#[tokio::test]
async fn a_session_is_created_verified_and_redacted_with_its_report() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let session = create_verification_session(&client, &document_session()).await.unwrap();
    assert_eq!(session.status, VerificationSessionStatus::RequiresInput);
    assert!(session.id.as_ref().starts_with("vs_"));
    assert!(session.client_secret.as_deref().is_some_and(|s| s.starts_with(session.id.as_ref())));
    assert!(session.url.as_deref().is_some_and(|u| u.starts_with(fake.url())));
    assert_eq!(session.metadata.get("order").map(String::as_str), Some("A-1"));
    assert!(session.last_verification_report.is_none() && session.verified_outputs.is_none());

    let processing = fake.process(&session.id).unwrap();
    assert_eq!(processing.status, VerificationSessionStatus::Processing);
    let verified = fake.verify(&session.id).unwrap();
    assert_eq!(verified.status, VerificationSessionStatus::Verified);
    let outputs = verified.verified_outputs.as_ref().unwrap();
    assert_eq!(outputs.first_name.as_deref(), Some("Jenny"));
    assert_eq!(outputs.email.as_deref(), Some("jenny@example.com"));

    let expand = RetrieveVerificationSessionParams::new().expand(["last_verification_report"]);
    let fetched = retrieve_verification_session(&client, &session.id, &expand).await.unwrap();
    let report = fetched.last_verification_report.as_ref().unwrap().as_object().expect("expanded").clone();
    assert_eq!(report.verification_session.as_deref(), Some(session.id.as_ref()));
    assert_eq!(report.client_reference_id.as_deref(), Some("user-42"));
    let document = report.document.as_ref().expect("a document check");
    assert_eq!(document.status, VerificationReportDocumentStatus::Verified);
    assert_eq!(document.type_, Some(VerificationReportDocumentType::Passport), "the first allowed type");
    assert_eq!(report.selfie.as_ref().map(|s| &s.status), Some(&VerificationReportSelfieStatus::Verified));
    assert_eq!(report.id_number.as_ref().map(|s| &s.status), Some(&VerificationReportIdNumberStatus::Verified));
    assert!(report.email.is_none() && report.phone.is_none(), "not asked for");
    let same = retrieve_verification_report(&client, &report.id, &Default::default()).await.unwrap();
    assert_eq!(same, report);

    let redacted = redact_verification_session(&client, &session.id, &Default::default()).await.unwrap();
    assert_eq!(redacted.redaction.as_ref().map(|r| &r.status), Some(&VerificationSessionRedactionStatus::Processing));
    let after = retrieve_verification_session(&client, &session.id, &Default::default()).await.unwrap();
    assert_eq!(after.redaction.as_ref().map(|r| &r.status), Some(&VerificationSessionRedactionStatus::Redacted));
    assert!(after.metadata.is_empty());
    let outputs = after.verified_outputs.as_ref().unwrap();
    assert_eq!(outputs.first_name.as_deref(), Some("[redacted]"));
    assert_eq!(outputs.email.as_deref(), Some("[redacted]"));
    assert_eq!(after.client_reference_id.as_deref(), Some("[redacted]"));
    assert_eq!(after.status, VerificationSessionStatus::Verified, "redaction keeps the status");
    let report = retrieve_verification_report(&client, &report.id, &Default::default()).await.unwrap();
    assert_eq!(report.document.as_ref().unwrap().first_name.as_deref(), Some("[redacted]"));
    assert_eq!(report.verification_session.as_deref(), Some(session.id.as_ref()), "ids are not personal data");

    let update = UpdateVerificationSessionParams::new().metadata([("order", "A-2")]);
    let error = update_verification_session(&client, &session.id, &update).await.unwrap_err();
    assert_eq!(error.status(), Some(400), "a redacted session cannot be updated");
}

#[tokio::test]
async fn a_failed_check_returns_to_requires_input_with_last_error_and_an_unverified_report() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let session = create_verification_session(&client, &document_session()).await.unwrap();
    let failed = fake.fail(&session.id, "selfie_face_mismatch").unwrap();
    assert_eq!(failed.status, VerificationSessionStatus::RequiresInput);
    let last_error = failed.last_error.as_ref().unwrap();
    assert_eq!(last_error.code, Some(VerificationSessionLastErrorCode::SelfieFaceMismatch));
    let report_id = failed.last_verification_report.as_ref().unwrap().id().clone();
    let report = retrieve_verification_report(&client, &report_id, &Default::default()).await.unwrap();
    let selfie = report.selfie.as_ref().unwrap();
    assert_eq!(selfie.status, VerificationReportSelfieStatus::Unverified);
    assert_eq!(
        selfie.error.as_ref().and_then(|e| e.code.clone()),
        Some(VerificationReportSelfieErrorCode::SelfieFaceMismatch)
    );
    assert_eq!(report.document.as_ref().unwrap().status, VerificationReportDocumentStatus::Verified);

    let error = fake.fail(&session.id, "not_a_code").unwrap_err();
    assert_eq!(error.param.as_deref(), Some("code"), "codes come from the spec's last_error.code");
    let verified = fake.verify(&session.id).unwrap();
    assert_eq!(verified.status, VerificationSessionStatus::Verified, "a retry after a failure can pass");
    assert!(verified.last_error.is_none());
    assert!(fake.verify(&session.id).is_err(), "a verified session cannot be verified again");
}

#[tokio::test]
async fn an_id_number_session_gets_an_id_number_check_only() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let params = CreateVerificationSessionParams::new().type_(CreateVerificationSessionType::IdNumber);
    let session = create_verification_session(&client, &params).await.unwrap();
    let verified = fake.verify(&session.id).unwrap();
    let expand = RetrieveVerificationSessionParams::new().expand(["last_verification_report"]);
    let fetched = retrieve_verification_session(&client, &verified.id, &expand).await.unwrap();
    let report = fetched.last_verification_report.unwrap().as_object().unwrap().clone();
    assert!(report.document.is_none() && report.selfie.is_none());
    assert_eq!(report.id_number.unwrap().id_number_type, Some(VerificationReportIdNumberIdNumberType::UsSsn));
    assert_eq!(report.type_, VerificationReportType::IdNumber);
}

#[tokio::test]
async fn cancel_only_from_requires_input_and_redact_not_while_processing() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let params = CreateVerificationSessionParams::new().type_(CreateVerificationSessionType::Document);
    let open = create_verification_session(&client, &params).await.unwrap();
    let canceled = cancel_verification_session(&client, &open.id, &Default::default()).await.unwrap();
    assert_eq!(canceled.status, VerificationSessionStatus::Canceled);
    let again = cancel_verification_session(&client, &open.id, &Default::default()).await.unwrap_err();
    assert_eq!(again.status(), Some(400));
    assert!(fake.verify(&open.id).is_err(), "a canceled session takes no input");
    redact_verification_session(&client, &open.id, &Default::default())
        .await
        .expect("canceled sessions may be redacted");

    let busy = create_verification_session(&client, &params).await.unwrap();
    fake.process(&busy.id).unwrap();
    for error in [
        cancel_verification_session(&client, &busy.id, &Default::default()).await.unwrap_err(),
        redact_verification_session(&client, &busy.id, &Default::default()).await.unwrap_err(),
        update_verification_session(&client, &busy.id, &UpdateVerificationSessionParams::new().metadata([("a", "b")]))
            .await
            .unwrap_err(),
    ] {
        let api = error.api().expect("Stripe's error");
        assert_eq!((api.status, api.error.code.as_deref()), (400, Some("session_invalid_state")), "{error:?}");
    }
}

#[tokio::test]
async fn update_merges_metadata_and_unsets_with_empty_strings() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let session = create_verification_session(&client, &document_session()).await.unwrap();
    let update = UpdateVerificationSessionParams::new()
        .metadata([("order", ""), ("note", "vip")])
        .options(UpdateVerificationSessionOptions::new().document(Emptyable::Empty))
        .type_(UpdateVerificationSessionType::IdNumber);
    let updated = update_verification_session(&client, &session.id, &update).await.unwrap();
    assert_eq!(updated.metadata.into_iter().collect::<Vec<_>>(), [("note".to_string(), "vip".to_string())]);
    assert_eq!(updated.type_, VerificationSessionType::IdNumber);
    assert!(updated.options.unwrap().document.is_none(), "options[document]= unsets it");
    assert_eq!(updated.client_reference_id.as_deref(), Some("user-42"), "what is not sent stays");
}

#[tokio::test]
async fn every_change_is_an_event_delivered_signed_to_the_endpoint() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let mut endpoint = receiver::start("whsec_test_secret").await.unwrap();
    fake.webhook_endpoint(&endpoint.url, "whsec_test_secret");
    let forged = receiver::start("whsec_other").await.unwrap();
    fake.webhook_endpoint(&forged.url, "whsec_wrong");

    let session = create_verification_session(&client, &document_session()).idempotency_key("create-1").await.unwrap();
    fake.fail(&session.id, "document_expired").unwrap();
    fake.verify(&session.id).unwrap();
    redact_verification_session(&client, &session.id, &Default::default()).await.unwrap();
    fake.flush_webhooks().await;

    let types: Vec<String> = fake.events().iter().map(|e| e.type_.as_str().to_string()).collect();
    let expected = ["created", "processing", "requires_input", "processing", "verified", "redacted"]
        .map(|s| format!("identity.verification_session.{s}"));
    assert_eq!(types, expected);
    for event in fake.events() {
        assert!(!matches!(event.type_, EventType::Unrecognized(_)), "{:?} is a type of the spec", event.type_);
        let EventObject::VerificationSession(object) = &event.data.object else { panic!("a session: {event:?}") };
        assert_eq!(object.id, session.id);
    }
    let created = &fake.events()[0];
    let request = created.request.as_ref().unwrap();
    assert!(request.id.as_deref().is_some_and(|id| id.starts_with("req_")));
    assert_eq!(request.idempotency_key.as_deref(), Some("create-1"));
    assert_eq!(fake.events_json()[2]["data"]["previous_attributes"]["status"], "processing");
    assert_eq!(fake.events_json()[4]["data"]["previous_attributes"]["status"], "processing");

    let received: Vec<String> = endpoint.arrived().iter().map(|e| e.id.clone()).collect();
    let recorded: Vec<String> = fake.events().iter().map(|e| e.id.clone()).collect();
    assert_eq!(received, recorded, "every event, in order, verified by construct_event");
    assert_eq!(forged.refused(), 6, "signed with the endpoint's own secret");
    let deliveries = fake.deliveries();
    assert_eq!(deliveries.len(), 12);
    assert_eq!(deliveries.iter().filter(|d| d.status == Some(200)).count(), 6);
}

#[tokio::test]
async fn expand_only_results_appear_only_when_expanded() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let session = create_verification_session(&client, &document_session()).await.unwrap();
    let verified = fake.verify(&session.id).unwrap();
    let outputs = verified.verified_outputs.as_ref().unwrap();
    assert!(outputs.dob.is_none() && outputs.id_number.is_none(), "not expanded");
    assert!(outputs.first_name.is_some());
    let expand = RetrieveVerificationSessionParams::new().expand([
        "verified_outputs.dob",
        "verified_outputs.id_number",
        "last_verification_report.document.number",
    ]);
    let fetched = retrieve_verification_session(&client, &session.id, &expand).await.unwrap();
    let outputs = fetched.verified_outputs.as_ref().unwrap();
    assert_eq!(outputs.dob.as_ref().and_then(|d| d.year), Some(1901));
    assert!(outputs.id_number.is_some());
    let report = fetched.last_verification_report.as_ref().unwrap().as_object().expect("expanded on the way");
    let document = report.document.as_ref().unwrap();
    assert!(document.number.is_some(), "expanded");
    assert!(document.dob.is_none() && document.expiration_date.is_none(), "not expanded");
    let event = fake.events().into_iter().find(|e| e.type_ == EventType::IdentityVerificationSessionVerified).unwrap();
    let EventObject::VerificationSession(object) = &event.data.object else { panic!("a session") };
    assert!(object.verified_outputs.as_ref().unwrap().dob.is_none(), "events carry no expand-only results");
}

#[tokio::test]
async fn redaction_reaches_events_the_request_log_and_saved_answers() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let session =
        create_verification_session(&client, &document_session()).idempotency_key("create-jenny").await.unwrap();
    fake.verify(&session.id).unwrap();
    let refused = UpdateVerificationSessionParams::new().metadata([("note", "secret-note")]);
    update_verification_session(&client, &session.id, &refused).await.expect_err("a verified session takes no update");
    redact_verification_session(&client, &session.id, &Default::default()).await.unwrap();
    let log: String = fake
        .requests()
        .iter()
        .map(|r| {
            percent_encoding::percent_decode_str(&format!("{}{}", r.target, r.body)).decode_utf8_lossy().into_owned()
        })
        .collect();
    let everything = format!("{:?}{log}", fake.events_json());
    assert!(log.contains("[redacted]"), "values are replaced, decoded: {log}");
    for personal in ["jenny@example.com", "Jenny", "user-42", "A-1", "secret-note"] {
        assert!(!everything.contains(personal), "{personal} survived redaction");
    }
    let (replayed, meta) = create_verification_session(&client, &document_session())
        .idempotency_key("create-jenny")
        .with_meta()
        .await
        .unwrap();
    assert!(meta.idempotent_replayed);
    assert_eq!(replayed.client_reference_id.as_deref(), Some("[redacted]"), "the saved answer is redacted too");
    let shown = format!("{:?}", fake.requests()[0]);
    assert!(shown.contains("client_reference_id") && !shown.contains("user-42"), "Debug names parameters: {shown}");
}

/// What 2024-08-08 to 2025-12-16 added: the fake takes, keeps, filters on and returns it.
#[tokio::test]
async fn related_customer_and_person_are_stored_filtered_and_returned() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let person = CreateVerificationSessionRelatedPerson::new("acct_1Nv0FGQ9RKHgCVdK", "person_1Nv0FGQ9RKHgCVdK");
    let params = document_session().related_customer("cus_A").related_person(person);
    let session = create_verification_session(&client, &params).await.unwrap();
    assert_eq!(session.related_customer.as_deref(), Some("cus_A"));
    let related = session.related_person.as_ref().expect("related_person returned");
    assert_eq!(
        (related.account.as_str(), related.person.as_str()),
        ("acct_1Nv0FGQ9RKHgCVdK", "person_1Nv0FGQ9RKHgCVdK")
    );
    let other = create_verification_session(&client, &document_session().related_customer("cus_B")).await.unwrap();
    let plain = create_verification_session(&client, &document_session()).await.unwrap();
    assert_eq!(plain.related_customer, None);

    let fetched = retrieve_verification_session(&client, &session.id, &Default::default()).await.unwrap();
    assert_eq!(fetched.related_person, session.related_person);
    let filter = ListVerificationSessionsParams::new().related_customer("cus_B");
    let page = list_verification_sessions(&client, &filter).await.unwrap();
    let ids: Vec<&VerificationSessionId> = page.data.iter().map(|s| &s.id).collect();
    assert_eq!(ids, [&other.id]);

    // The 2025-05-29 document fields reach the report and the verified outputs.
    let verified = fake.verify(&session.id).unwrap();
    let outputs = verified.verified_outputs.as_ref().unwrap();
    assert_eq!(outputs.sex, Some(VerificationSessionVerifiedOutputsSex::Female));
    assert!(outputs.unparsed_place_of_birth.is_some());
    // Redaction reaches them by the same type rule as `Debug`: `sex` lists `[redacted]`.
    redact_verification_session(&client, &session.id, &Default::default()).await.unwrap();
    let redacted = retrieve_verification_session(&client, &session.id, &Default::default()).await.unwrap();
    let outputs = redacted.verified_outputs.as_ref().unwrap();
    assert_eq!(outputs.sex, Some(VerificationSessionVerifiedOutputsSex::Redacted));
    assert_eq!(outputs.unparsed_place_of_birth.as_deref(), Some("[redacted]"));
}

/// `metadata=` removes every key, as Stripe documents.
#[tokio::test]
async fn an_empty_metadata_clears_every_key() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let session = create_verification_session(&client, &document_session()).await.unwrap();
    assert!(!session.metadata.is_empty());
    let cleared =
        update_verification_session(&client, &session.id, &UpdateVerificationSessionParams::new().clear_metadata())
            .await
            .unwrap();
    assert!(cleared.metadata.is_empty(), "{:?}", cleared.metadata.keys());
}
