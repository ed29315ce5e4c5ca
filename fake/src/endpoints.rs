//! Stripe's webhook endpoints, as the official SDKs' `webhookEndpoints` call them: create (its
//! answer, and only it, carries the signing `secret`), retrieve, update (`disabled` stops
//! deliveries), list and delete. An endpoint belongs to the account that created it and
//! receives the event types it subscribed to (`enabled_events`, `*` for all): its own account's
//! events, or with `connect=true` its connected accounts' (as Stripe's Connect endpoints).

use serde_json::{json, Map, Value};

use crate::answer::StripeError;
use crate::lifecycle;
use crate::limits::ENDPOINTS_PER_ACCOUNT;
use crate::state::Books;
use crate::table::{endpoint_shape, ENDPOINT_OBJECT as ENDPOINT};

/// The longest endpoint URL the fake takes.
const MAX_URL: usize = 2048;

/// Refuses what no endpoint can be sent to.
pub fn check_url(url: &str) -> Result<(), StripeError> {
    let plausible = url.len() <= MAX_URL && (url.starts_with("http://") || url.starts_with("https://"));
    if !plausible || reqwest::Url::parse(url).is_err() {
        return Err(StripeError::invalid(Some("url"), "Invalid URL: an endpoint needs an http:// or https:// URL."));
    }
    Ok(())
}

/// The endpoint as Stripe shows it after its creation: without its secret.
fn shown(mut endpoint: Value) -> Value {
    if let Some(fields) = endpoint.as_object_mut() {
        fields.remove("secret");
    }
    endpoint
}

/// The endpoint `id` of this account, or Stripe's 404.
fn endpoint(books: &Books, id: &str) -> Result<Value, StripeError> {
    books.get_kind(id, ENDPOINT).cloned().ok_or_else(|| StripeError::no_such(ENDPOINT, id, "webhook_endpoint"))
}

/// `POST /v1/webhook_endpoints`.
pub fn create(books: &mut Books, params: Map<String, Value>) -> Result<Value, StripeError> {
    check_url(params.get("url").and_then(Value::as_str).unwrap_or_default())?;
    if books.endpoint_count() >= ENDPOINTS_PER_ACCOUNT {
        return Err(StripeError::invalid(
            None,
            format!("You have reached the maximum of {ENDPOINTS_PER_ACCOUNT} test webhook endpoints."),
        ));
    }
    let id = books.id("we");
    let secret = format!("whsec_{}", books.token());
    let connect = params.get("connect") == Some(&Value::Bool(true));
    let mut fields = Map::new();
    lifecycle::merge(&mut fields, params)?;
    // Not a field of the object: kept beside it.
    fields.remove("connect");
    fields.extend([
        ("id".into(), json!(id)),
        ("object".into(), json!(ENDPOINT)),
        ("created".into(), json!(books.now())),
        ("livemode".into(), json!(false)),
        ("status".into(), json!("enabled")),
        ("secret".into(), json!(secret)),
    ]);
    fields.entry("metadata").or_insert_with(|| json!({}));
    let endpoint = books.insert(ENDPOINT, endpoint_shape(), Value::Object(fields))?;
    if connect {
        books.mark_connect(&id);
    }
    Ok(endpoint)
}

/// `GET /v1/webhook_endpoints/{webhook_endpoint}`.
pub fn retrieve(books: &Books, id: &str) -> Result<Value, StripeError> {
    endpoint(books, id).map(shown)
}

/// `POST /v1/webhook_endpoints/{webhook_endpoint}`: `disabled=true` stops its deliveries.
pub fn update(books: &mut Books, id: &str, mut params: Map<String, Value>) -> Result<Value, StripeError> {
    let Value::Object(mut fields) = endpoint(books, id)? else {
        return Err(StripeError::api("a stored endpoint is not an object"));
    };
    if let Some(url) = params.get("url").and_then(Value::as_str) {
        check_url(url)?;
    }
    if let Some(disabled) = params.remove("disabled") {
        fields.insert("status".into(), json!(if disabled == true { "disabled" } else { "enabled" }));
    }
    lifecycle::merge(&mut fields, params)?;
    Ok(shown(books.replace(endpoint_shape(), Value::Object(fields))))
}

/// `DELETE /v1/webhook_endpoints/{webhook_endpoint}`: Stripe's deleted object.
pub fn delete(books: &mut Books, id: &str) -> Result<Value, StripeError> {
    endpoint(books, id)?;
    books.remove(id);
    Ok(json!({ "id": id, "object": ENDPOINT, "deleted": true }))
}

/// A page of endpoints, shown without their secrets.
pub fn hide_secrets(mut page: Value) -> Value {
    if let Some(items) = page.get_mut("data").and_then(Value::as_array_mut) {
        for item in items.iter_mut() {
            *item = shown(std::mem::take(item));
        }
    }
    page
}
