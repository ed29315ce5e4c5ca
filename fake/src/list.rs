//! Stripe's lists: newest first, `limit` 1–100 (default 10), one cursor of `starting_after` /
//! `ending_before`, `created` as a value or a range, and every other parameter a filter on the
//! object's field of the same name (`status`, `type`, `client_reference_id`,
//! `verification_session`…), so a filter a newer spec adds works without code here.

use serde_json::{json, Map, Value};

use crate::answer::StripeError;
use crate::state::Books;

/// Parameters that shape the page rather than filter it.
const PAGING: [&str; 4] = ["limit", "starting_after", "ending_before", "expand"];

/// One page of the objects of `kind` (their `object` value), as at `url`.
pub fn page(books: &Books, kind: &'static str, url: &str, params: &Map<String, Value>) -> Result<Value, StripeError> {
    let limit = params.get("limit").and_then(Value::as_i64).unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(StripeError::invalid(
            Some("limit"),
            format!("Invalid limit: must be between 1 and 100 (got {limit})"),
        ));
    }
    let cursor = |name: &str| params.get(name).and_then(Value::as_str).map(str::to_string);
    let (after, before) = (cursor("starting_after"), cursor("ending_before"));
    if after.is_some() && before.is_some() {
        return Err(StripeError::invalid(
            None,
            "You may only specify one of these parameters: ending_before, starting_after.",
        ));
    }
    // Oldest first: a list walks it backwards.
    let all = books.ids(kind);
    let position = |param: &str, id: &str| {
        all.iter().position(|x| x == id).ok_or_else(|| {
            StripeError::coded("resource_missing", Some(param), format!("No such object for {param}: '{id}'"))
        })
    };
    // Only the page (and one more, for `has_more`) is read and copied.
    let matching = |id: &&String| books.get(id).is_some_and(|o| matches(o, params));
    let copy = |id: &String| books.get(id).cloned();
    let limit = limit as usize;
    let (data, has_more) = if let Some(before) = before {
        let newer = &all[position("ending_before", &before)? + 1..];
        let mut page: Vec<Value> = newer.iter().filter(matching).take(limit + 1).filter_map(copy).collect();
        let has_more = page.len() > limit;
        page.truncate(limit);
        page.reverse();
        (page, has_more)
    } else {
        let older = match after {
            Some(after) => &all[..position("starting_after", &after)?],
            None => all,
        };
        let mut page: Vec<Value> = older.iter().rev().filter(matching).take(limit + 1).filter_map(copy).collect();
        let has_more = page.len() > limit;
        page.truncate(limit);
        (page, has_more)
    };
    Ok(json!({ "object": "list", "data": data, "has_more": has_more, "url": url }))
}

fn matches(object: &Value, params: &Map<String, Value>) -> bool {
    params.iter().filter(|(name, _)| !PAGING.contains(&name.as_str())).all(|(name, wanted)| {
        let field = &object[name.as_str()];
        match (name.as_str(), wanted) {
            ("created", Value::Object(range)) => {
                let Some(created) = field.as_i64() else { return false };
                range.iter().all(|(op, bound)| {
                    let bound = bound.as_i64().unwrap_or_default();
                    match op.as_str() {
                        "gt" => created > bound,
                        "gte" => created >= bound,
                        "lt" => created < bound,
                        "lte" => created <= bound,
                        _ => false,
                    }
                })
            }
            _ => field == wanted,
        }
    })
}
