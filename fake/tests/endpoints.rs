//! Every generated endpoint function against the fake, and the fake against the spec: each
//! operation of the spec has a handler and was called here.

use std::collections::BTreeSet;

use stripe_identity::*;
use stripe_identity_fake::FakeStripe;

#[tokio::test]
async fn every_generated_endpoint_works_against_the_fake() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let params =
        CreateVerificationSessionParams::new().type_(CreateVerificationSessionType::Document).client_reference_id("u1");
    let session = create_verification_session(&client, &params).await.unwrap();
    let update = UpdateVerificationSessionParams::new().metadata([("step", "2")]);
    let updated = update_verification_session(&client, &session.id, &update).await.unwrap();
    assert_eq!(updated.metadata["step"], "2");
    let fetched = retrieve_verification_session(&client, &session.id, &Default::default()).await.unwrap();
    assert_eq!(fetched, updated);
    let verified = fake.verify(&session.id).unwrap();
    let sessions = list_verification_sessions(&client, &Default::default()).await.unwrap();
    assert_eq!(sessions.data, std::slice::from_ref(&verified));
    let report_id = verified.last_verification_report.unwrap().id().clone();
    let report = retrieve_verification_report(&client, &report_id, &Default::default()).await.unwrap();
    let reports = list_verification_reports(&client, &Default::default()).await.unwrap();
    assert_eq!(reports.data, [report]);
    let redacted = redact_verification_session(&client, &session.id, &Default::default()).await.unwrap();
    assert!(redacted.redaction.is_some());
    let other = create_verification_session(&client, &params).await.unwrap();
    let canceled = cancel_verification_session(&client, &other.id, &Default::default()).await.unwrap();
    assert_eq!(canceled.status, VerificationSessionStatus::Canceled);

    let called: BTreeSet<&str> = fake.requests().iter().filter_map(|r| r.operation).collect();
    // The client's operations; the fake also serves webhook endpoints (tests/webhooks.rs).
    let spec: BTreeSet<&str> = FakeStripe::operations().into_iter().filter(|id| id.contains("Identity")).collect();
    assert_eq!(called, spec, "every operation of the spec was called through its generated function");
    assert_eq!(FakeStripe::unimplemented_operations(), Vec::<&str>::new(), "the fake handles every operation");
}

#[tokio::test]
async fn lists_walk_newest_first_with_cursors_filters_and_created_ranges() {
    let fake = FakeStripe::start().await.unwrap();
    let client = fake.client();
    let start = create_verification_session(&client, &typed(CreateVerificationSessionType::Document, "first"))
        .await
        .unwrap()
        .created
        .seconds();
    let mut ids = Vec::new();
    for i in 0..24 {
        fake.advance_clock(10).unwrap();
        let kind =
            if i % 2 == 0 { CreateVerificationSessionType::IdNumber } else { CreateVerificationSessionType::Document };
        ids.push(create_verification_session(&client, &typed(kind, &format!("user-{i}"))).await.unwrap().id);
    }
    ids.reverse();

    let before = fake.requests().len();
    let mut stream = list_verification_sessions(&client, &ListVerificationSessionsParams::new().limit(10)).stream();
    let mut all = Vec::new();
    while let Some(session) = stream.next().await {
        all.push(session.unwrap().id);
    }
    assert_eq!(all.len(), 25);
    assert_eq!(all[..24], ids[..], "newest first");
    assert_eq!(fake.requests().len() - before, 3, "pages of 10, 10 and 5");

    let page = list_verification_sessions(
        &client,
        &ListVerificationSessionsParams::new().limit(3).starting_after(ids[1].as_ref()),
    )
    .await
    .unwrap();
    assert_eq!(page.data.iter().map(|s| s.id.clone()).collect::<Vec<_>>(), ids[2..5]);
    assert!(page.has_more);
    let back = list_verification_sessions(
        &client,
        &ListVerificationSessionsParams::new().limit(3).ending_before(ids[5].as_ref()),
    )
    .await
    .unwrap();
    assert_eq!(back.data.iter().map(|s| s.id.clone()).collect::<Vec<_>>(), ids[2..5], "the 3 just newer, newest first");
    assert!(back.has_more);
    let newest =
        list_verification_sessions(&client, &ListVerificationSessionsParams::new().ending_before(ids[2].as_ref()))
            .await
            .unwrap();
    assert_eq!(newest.data.len(), 2);
    assert!(!newest.has_more);

    let range = RangeQuerySpecs::new().gt(start).lte(start + 50);
    let window =
        list_verification_sessions(&client, &ListVerificationSessionsParams::new().created(range)).await.unwrap();
    assert_eq!(window.data.len(), 5, "created at +10 … +50");
    let exact =
        list_verification_sessions(&client, &ListVerificationSessionsParams::new().created(start)).await.unwrap();
    assert_eq!(exact.data.len(), 1);
    let by_ref =
        list_verification_sessions(&client, &ListVerificationSessionsParams::new().client_reference_id("user-3"))
            .await
            .unwrap();
    assert_eq!(by_ref.data.len(), 1);
    assert_eq!(by_ref.data[0].id, ids[20]);

    fake.verify(&ids[0]).unwrap();
    fake.verify(&ids[1]).unwrap();
    let verified = ListVerificationSessionsParams::new()
        .status(ListVerificationSessionsStatus::Verified)
        .expand(["data.last_verification_report"]);
    let page = list_verification_sessions(&client, &verified).await.unwrap();
    assert_eq!(page.data.len(), 2);
    assert!(page.data.iter().all(|s| s.last_verification_report.as_ref().is_some_and(Expandable::is_expanded)));

    let by_session = ListVerificationReportsParams::new().verification_session(ids[1].as_ref());
    let reports = list_verification_reports(&client, &by_session).await.unwrap();
    assert_eq!(reports.data.len(), 1);
    let id_numbers = ListVerificationReportsParams::new().type_(ListVerificationReportsType::IdNumber);
    assert_eq!(
        list_verification_reports(&client, &id_numbers).await.unwrap().data.len(),
        1,
        "ids[1] (user-22) is the id_number one"
    );
}

fn typed(kind: CreateVerificationSessionType, reference: &str) -> CreateVerificationSessionParams {
    CreateVerificationSessionParams::new().type_(kind).client_reference_id(reference)
}
