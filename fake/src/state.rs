//! What the fake holds: objects by id, their creation order, events, saved idempotent replies,
//! webhook endpoints, pending faults and the request log. One `Mutex` guards it; nothing awaits
//! while holding it.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::idempotency::{Saved, Scoped};
use crate::objects;
use crate::table::{self, Shape};
use crate::{Fault, Recorded};

/// The `object` values of the fake's two kinds of object.
pub const SESSION_OBJECT: &str = "identity.verification_session";
pub const REPORT_OBJECT: &str = "identity.verification_report";

/// The operations the fake's objects come from: their responses give the objects' shapes.
pub const CREATE_SESSION: &str = "PostIdentityVerificationSessions";
pub const RETRIEVE_REPORT: &str = "GetIdentityVerificationReportsReport";

/// The shape of a VerificationSession.
pub fn session_shape() -> &'static Shape {
    table::operation(CREATE_SESSION).expect("the spec has a create-session operation").response
}

/// The shape of a VerificationReport.
pub fn report_shape() -> &'static Shape {
    table::operation(RETRIEVE_REPORT).expect("the spec has a retrieve-report operation").response
}

/// A webhook endpoint a test registered.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub url: String,
    pub secret: String,
}

/// Who caused a change: the API request (its id and idempotency key), or a test helper.
#[derive(Clone, Debug, Default)]
pub struct Cause {
    pub request_id: Option<String>,
    pub idempotency_key: Option<String>,
}

/// The real clock, in seconds since the epoch.
pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs() as i64
}

#[derive(Default)]
pub struct State {
    /// The clock stands still at the fake's start time plus this (`FakeStripe::advance_clock`),
    /// so `created` values and ranges are exact in tests.
    pub clock_offset: i64,
    started: i64,
    /// The last number used, per id prefix.
    next_id: HashMap<String, u64>,
    objects: HashMap<String, Value>,
    /// Ids in creation order, per object kind.
    order: HashMap<&'static str, Vec<String>>,
    pub events: Vec<Value>,
    /// Events not yet handed to the webhook worker.
    pub outbox: Vec<Value>,
    pub idempotency: HashMap<Scoped, Saved>,
    pub endpoints: Vec<Endpoint>,
    pub faults: VecDeque<Fault>,
    pub requests: Vec<Recorded>,
}

impl State {
    /// A fresh state whose clock starts now.
    pub fn new() -> State {
        State { started: unix_now(), ..State::default() }
    }

    /// The fake's clock, in seconds since the epoch: it moves only when told.
    pub fn now(&self) -> i64 {
        self.started + self.clock_offset
    }

    /// A fresh id with Stripe's prefix: `vs_fake00000000000000000001`.
    pub fn id(&mut self, prefix: &str) -> String {
        let n = self.next_id.entry(prefix.to_string()).or_default();
        *n += 1;
        format!("{prefix}_fake{n:020}")
    }

    pub fn get(&self, id: &str) -> Option<&Value> {
        self.objects.get(id)
    }

    /// The object `id` if it is of kind `object` (`identity.verification_session`).
    pub fn get_kind(&self, id: &str, object: &str) -> Option<&Value> {
        self.objects.get(id).filter(|o| o["object"] == object)
    }

    /// Stores a new object, conformed to `shape`, after the others of its kind.
    pub fn insert(&mut self, kind: &'static str, shape: &Shape, object: Value) -> Value {
        let object = objects::conform(shape, object);
        let id = object["id"].as_str().expect("objects have an id").to_string();
        self.order.entry(kind).or_default().push(id.clone());
        self.objects.insert(id, object.clone());
        object
    }

    /// Replaces a stored object, conformed to `shape`.
    pub fn replace(&mut self, shape: &Shape, object: Value) -> Value {
        let object = objects::conform(shape, object);
        let id = object["id"].as_str().expect("objects have an id").to_string();
        self.objects.insert(id, object.clone());
        object
    }

    /// The ids of one kind, newest first (Stripe's list order).
    pub fn newest_first(&self, kind: &str) -> Vec<String> {
        self.order.get(kind).map(|ids| ids.iter().rev().cloned().collect()).unwrap_or_default()
    }

    /// Records an event about `object` and queues it for delivery.
    pub fn emit(&mut self, type_: &str, object: &Value, previous: Option<Value>, cause: &Cause) {
        let id = self.id("evt");
        let mut object = object.clone();
        crate::sensitive::hide_unexpanded(&mut object, "", &[]);
        let mut data = json!({ "object": object });
        if let Some(previous) = previous {
            data["previous_attributes"] = previous;
        }
        let event = json!({
            "id": id,
            "object": "event",
            "api_version": table::API_VERSION,
            "created": self.now(),
            "data": data,
            "livemode": false,
            "pending_webhooks": self.endpoints.len(),
            "request": { "id": cause.request_id, "idempotency_key": cause.idempotency_key },
            "type": type_,
        });
        self.events.push(event.clone());
        self.outbox.push(event);
    }
}
