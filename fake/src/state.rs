//! What the fake holds, behind methods that keep its invariants: objects (each owned by one
//! account), their creation order per account, events, saved idempotent answers, webhook
//! endpoints, waiting faults, the request log and the clocks. Everything is bounded (see
//! [`crate::limits`]); one `Mutex` guards it and nothing awaits while holding it.
//!
//! Requests act on one account through [`Books`]; the control API (the Rust handle and the
//! `/_fake/` routes) names a [`Scope`]: one account, or all of them.

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::BuildHasher;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::answer::StripeError;
use crate::auth::Account;
use crate::fault::{Fault, Faults};
use crate::idempotency::Saved;
use crate::limits::{
    CLOCK_RANGE, ENDPOINTS_PER_ACCOUNT, EVENTS_PER_ACCOUNT, IDEMPOTENCY_SECONDS, MAX_CONTROLLED_ACCOUNTS,
    MAX_ENDPOINTS, MAX_EVENTS, MAX_OBJECTS, MAX_PENDING_DELIVERIES, MAX_REQUESTS_LOGGED, MAX_SAVED_ANSWERS,
    OBJECTS_PER_ACCOUNT, PENDING_PER_ACCOUNT, REQUESTS_LOGGED_PER_ACCOUNT, SAVED_ANSWERS_PER_ACCOUNT,
};
use crate::log::Recorded;
use crate::ring::Ring;
use crate::shape;
use crate::table::{self, Shape, ENDPOINT_OBJECT};
use crate::webhooks::{Delivery, DeliveryPolicy, Endpoint, RETRY_AFTER};

/// What a control call reaches: one account (a `/_fake/` route, with the caller's key), or
/// every account (the Rust handle, which owns the whole fake).
#[derive(Clone, Debug)]
pub enum Scope {
    All,
    One(Account),
}

impl Scope {
    fn covers(&self, account: &Account) -> bool {
        match self {
            Scope::All => true,
            Scope::One(own) => own == account,
        }
    }
}

/// Who caused a change: the API request (its id and idempotency key), or a test's control call.
#[derive(Clone, Debug, Default)]
pub struct Cause {
    pub request_id: Option<String>,
    pub idempotency_key: Option<String>,
}

struct Stored {
    owner: Account,
    value: Value,
}

/// A delivery waiting for its time: the next attempt of one event to one endpoint.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub event_id: String,
    pub event_type: String,
    pub account: Account,
    pub endpoint: Endpoint,
    /// 1 for the first attempt.
    pub number: u32,
    /// When it is due, on the account's clock.
    due: i64,
    /// Creation order, to keep events of one moment in order.
    seq: u64,
    /// When it was taken to be sent, on the account's clock: the time it is logged with and
    /// the retry is counted from, whatever the clock does while the POST is under way.
    taken_at: i64,
    /// The state's generation when it was taken: a reset meanwhile makes it stale.
    generation: u64,
}

/// What became of an attempt.
pub struct Settled {
    /// When it was made, on the fake's clock.
    pub at: i64,
    /// It failed and no retry is left (or the queue dropped it).
    pub gave_up: bool,
}

pub struct State {
    /// The real time the fake started; its clock stands still there plus the offsets.
    started: i64,
    /// Moves every account's clock (the Rust handle's `advance_clock`).
    offset_all: i64,
    /// Each platform account's own offset (`/_fake/clock`); connected accounts share it.
    offsets: HashMap<Account, i64>,
    /// The last number used, per id prefix: ids are unique across accounts.
    next_id: HashMap<&'static str, u64>,
    objects: HashMap<String, Stored>,
    /// Ids in creation order, per account and object kind.
    order: HashMap<(Account, &'static str), Vec<String>>,
    events: Ring<Account, Value>,
    saved: HashMap<(Account, String), Saved>,
    /// Saved keys, oldest first, for the bound.
    saved_order: Ring<Account, String>,
    endpoints: Vec<Endpoint>,
    /// Faults for any account's requests (the Rust handle's `inject`), after each account's own.
    faults_all: Faults,
    faults: HashMap<Account, Faults>,
    requests: Ring<Option<Account>, Recorded>,
    /// Deliveries not yet made, at most [`MAX_PENDING_DELIVERIES`].
    pending: VecDeque<Attempt>,
    next_seq: u64,
    /// First attempts the queue had no room for, to be logged as given up.
    dropped: Vec<Delivery>,
    /// Counts resets: an attempt taken before one is not settled after it.
    generation: u64,
    /// A delivery was queued since the delivery task was last told.
    queued: bool,
    /// The `webhook_endpoint` objects created with `connect=true`.
    connect_endpoints: HashSet<String>,
    /// Sessions' `return_url`s, by session id.
    return_urls: HashMap<String, String>,
    /// Keys for the secrets the fake makes (fresh per process): unguessable from ids.
    random: std::collections::hash_map::RandomState,
    next_token: u64,
}

impl State {
    /// A fresh state whose clock starts now.
    pub fn new() -> State {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs() as i64;
        State {
            started: now.clamp(*CLOCK_RANGE.start(), *CLOCK_RANGE.end()),
            offset_all: 0,
            offsets: HashMap::new(),
            next_id: HashMap::new(),
            objects: HashMap::new(),
            order: HashMap::new(),
            events: Ring::new(MAX_EVENTS, EVENTS_PER_ACCOUNT),
            saved: HashMap::new(),
            saved_order: Ring::new(MAX_SAVED_ANSWERS, SAVED_ANSWERS_PER_ACCOUNT),
            endpoints: Vec::new(),
            faults_all: Faults::default(),
            faults: HashMap::new(),
            requests: Ring::new(MAX_REQUESTS_LOGGED, REQUESTS_LOGGED_PER_ACCOUNT),
            pending: VecDeque::new(),
            next_seq: 0,
            dropped: Vec::new(),
            generation: 0,
            queued: false,
            connect_endpoints: HashSet::new(),
            return_urls: HashMap::new(),
            random: std::collections::hash_map::RandomState::new(),
            next_token: 0,
        }
    }

    /// A fresh id with Stripe's prefix: `vs_fake00000000000000000001`.
    pub fn id(&mut self, prefix: &'static str) -> String {
        let n = self.next_id.entry(prefix).or_default();
        *n += 1;
        format!("{prefix}_fake{n:020}")
    }

    /// 32 hex digits no other account can work out (for `client_secret`s and signing secrets).
    pub fn token(&mut self) -> String {
        self.next_token += 1;
        let (a, b) = (self.random.hash_one(self.next_token), self.random.hash_one(!self.next_token));
        format!("{a:016x}{b:016x}")
    }

    /// The clock of `account`, in seconds since the epoch: it moves only when told.
    pub fn now(&self, account: &Account) -> i64 {
        self.started + self.offset_all + self.offsets.get(&account.platform()).copied().unwrap_or(0)
    }

    /// What one account's request may read and change.
    pub fn books(&mut self, account: &Account) -> Books<'_> {
        Books { state: self, account: account.clone() }
    }

    /// The session (owner and id) whose `field` holds `value`: a hosted page's `url`, a
    /// modal's `client_secret`.
    pub fn find_session(&self, field: &str, value: &str) -> Option<(Account, String)> {
        self.objects
            .iter()
            .find(|(_, stored)| stored.value["object"] == table::SESSION_OBJECT && stored.value[field] == value)
            .map(|(id, stored)| (stored.owner.clone(), id.clone()))
    }

    /// Where the hosted page sends the user when done (`return_url`, which the session object
    /// does not show).
    pub fn return_url(&self, session: &str) -> Option<&str> {
        self.return_urls.get(session).map(String::as_str)
    }

    /// The account that owns object `id` within `scope`.
    pub fn owner(&self, scope: &Scope, id: &str) -> Option<Account> {
        self.objects.get(id).map(|stored| stored.owner.clone()).filter(|owner| scope.covers(owner))
    }

    /// Moves the clock of `scope` by `seconds`, keeping every clock within [`CLOCK_RANGE`].
    pub fn advance_clock(&mut self, scope: &Scope, seconds: i64) -> Result<i64, StripeError> {
        let out_of_range =
            || StripeError::invalid(Some("advance"), "The fake's clock stays between 2000-01-01 and 9999-12-31.");
        let in_range =
            |offset: i64| -> bool { self.started.checked_add(offset).is_some_and(|now| CLOCK_RANGE.contains(&now)) };
        match scope {
            Scope::All => {
                let base = self.offset_all.checked_add(seconds).ok_or_else(out_of_range)?;
                let fits =
                    in_range(base) && self.offsets.values().all(|own| base.checked_add(*own).is_some_and(&in_range));
                if !fits {
                    return Err(out_of_range());
                }
                self.offset_all = base;
                Ok(self.started + base)
            }
            Scope::One(account) => {
                let platform = account.platform();
                if !self.offsets.contains_key(&platform) && self.offsets.len() >= MAX_CONTROLLED_ACCOUNTS {
                    return Err(too_many_accounts());
                }
                let own = self.offsets.get(&platform).copied().unwrap_or(0);
                let own = own.checked_add(seconds).ok_or_else(out_of_range)?;
                if !self.offset_all.checked_add(own).is_some_and(in_range) {
                    return Err(out_of_range());
                }
                self.offsets.insert(platform, own);
                Ok(self.started + self.offset_all + own)
            }
        }
    }

    /// Registers a webhook endpoint for `scope`'s events (at most 16 per account, as at Stripe).
    pub fn add_endpoint(
        &mut self,
        scope: &Scope,
        url: String,
        secret: String,
        policy: DeliveryPolicy,
    ) -> Result<usize, StripeError> {
        let account = match scope {
            Scope::All => None,
            Scope::One(account) => Some(account.clone()),
        };
        let objects = account.as_ref().and_then(|a| self.order.get(&(a.clone(), ENDPOINT_OBJECT))).map_or(0, Vec::len);
        let same = self.endpoints.iter().filter(|e| e.account == account).count() + objects;
        if same >= ENDPOINTS_PER_ACCOUNT {
            return Err(StripeError::invalid(
                None,
                format!("You have reached the maximum of {ENDPOINTS_PER_ACCOUNT} test webhook endpoints."),
            ));
        }
        if self.endpoints.len() >= MAX_ENDPOINTS {
            return Err(StripeError::invalid(
                None,
                format!("The fake holds {MAX_ENDPOINTS} registered endpoints, its limit: POST /_fake/reset (or FakeStripe::reset) starts clean."),
            ));
        }
        self.endpoints.push(Endpoint {
            id: None,
            url,
            secret,
            account,
            connect: false,
            events: vec!["*".into()],
            policy,
        });
        Ok(same + 1)
    }

    /// Events of `scope`, oldest first.
    pub fn events(&self, scope: &Scope) -> Vec<Value> {
        self.events.iter().filter(|(owner, _)| scope.covers(owner)).map(|(_, event)| event.clone()).collect()
    }

    /// Requests of `scope` (the Rust handle's also those no account sent), oldest first.
    pub fn requests(&self, scope: &Scope) -> Vec<Recorded> {
        self.requests
            .iter()
            .filter(|(owner, _)| match (scope, owner) {
                (Scope::All, _) => true,
                (Scope::One(own), Some(account)) => own == account,
                (Scope::One(_), None) => false,
            })
            .map(|(_, r)| r.clone())
            .collect()
    }

    /// Logs a request (the latest [`MAX_REQUESTS_LOGGED`] are kept, and at most
    /// [`REQUESTS_LOGGED_PER_ACCOUNT`] of one account's).
    pub fn log(&mut self, recorded: Recorded) {
        self.requests.push(recorded.account.clone(), recorded);
    }

    /// Queues a fault for `scope`'s next requests.
    pub fn inject(&mut self, scope: &Scope, fault: Fault, times: u32) -> Result<u64, StripeError> {
        if let Scope::One(account) = scope {
            if !self.faults.contains_key(account) && self.faults.len() >= MAX_CONTROLLED_ACCOUNTS {
                return Err(too_many_accounts());
            }
        }
        let faults = match scope {
            Scope::All => &mut self.faults_all,
            Scope::One(account) => self.faults.entry(account.clone()).or_default(),
        };
        faults.push(fault, times)?;
        Ok(faults.waiting())
    }

    /// Drops the faults waiting for `scope`.
    pub fn clear_faults(&mut self, scope: &Scope) {
        match scope {
            Scope::All => {
                self.faults_all.clear();
                self.faults.clear();
            }
            Scope::One(account) => {
                self.faults.remove(account);
            }
        }
    }

    /// The fault for a request that just arrived from `account` (unknown for a refused key):
    /// its account's own first, then those for any account.
    pub fn next_fault(&mut self, account: Option<&Account>) -> Option<Fault> {
        let own = account.and_then(|a| self.faults.get_mut(a)).and_then(Faults::pop);
        if let Some(account) = account {
            if self.faults.get(account).is_some_and(|f| f.waiting() == 0) {
                self.faults.remove(account);
            }
        }
        own.or_else(|| self.faults_all.pop())
    }

    /// The answer saved for `key` of `account`, unless it expired (24 hours on its clock).
    pub fn saved(&mut self, account: &Account, key: &str) -> Option<&Saved> {
        let now = self.now(account);
        let slot = (account.clone(), key.to_string());
        if self.saved.get(&slot).is_some_and(|s| s.saved_at + IDEMPOTENCY_SECONDS <= now) {
            self.saved.remove(&slot);
        }
        self.saved.get(&slot)
    }

    /// Saves an answer for `key` of `account`; past the bounds the oldest answer of the account
    /// holding the most goes.
    pub fn save(&mut self, account: &Account, key: String, saved: Saved) {
        // An expired answer is dropped when its key is looked up, or evicted with the oldest.
        let slot = (account.clone(), key);
        if self.saved.insert(slot.clone(), saved).is_none() {
            if let Some((owner, key)) = self.saved_order.push(slot.0, slot.1) {
                self.saved.remove(&(owner, key));
            }
        }
    }

    /// The deliveries due now, in order (an endpoint with `reorder` gets its share of them
    /// newest first), each with its event as it stands (`pending_webhooks` counts down).
    pub fn take_due(&mut self) -> Vec<(Attempt, Value)> {
        let mut due: Vec<Attempt> = Vec::new();
        let mut waiting = VecDeque::with_capacity(self.pending.len());
        for attempt in std::mem::take(&mut self.pending) {
            if attempt.due <= self.now(&attempt.account) {
                due.push(attempt);
            } else {
                waiting.push_back(attempt);
            }
        }
        self.pending = waiting;
        // An object endpoint is looked up again: deleted, disabled or no longer subscribed, its
        // retries stop (as at Stripe); moved, they follow it.
        due.retain_mut(|attempt| {
            let Some(id) = &attempt.endpoint.id else { return true };
            match self.object_endpoint(id) {
                Some(current) if current.receives(&attempt.account, &attempt.event_type) => {
                    attempt.endpoint.url = current.url;
                    true
                }
                _ => false,
            }
        });
        for attempt in due.iter_mut() {
            attempt.taken_at = self.now(&attempt.account);
            attempt.generation = self.generation;
        }
        due.sort_by_key(|a| (a.due, a.seq));
        let reordered: Vec<usize> = (0..due.len()).filter(|&i| due[i].endpoint.policy.reorder).collect();
        let mut by_endpoint: HashMap<(String, Option<Account>), Vec<usize>> = HashMap::new();
        for i in reordered {
            by_endpoint.entry((due[i].endpoint.url.clone(), due[i].endpoint.account.clone())).or_default().push(i);
        }
        for slots in by_endpoint.values() {
            let reversed: Vec<Attempt> = slots.iter().rev().map(|&i| due[i].clone()).collect();
            for (&slot, attempt) in slots.iter().zip(reversed) {
                due[slot] = attempt;
            }
        }
        due.into_iter()
            .filter_map(|attempt| {
                let event = self.events.iter().find(|(_, e)| e["id"] == attempt.event_id.as_str())?.1.clone();
                Some((attempt, event))
            })
            .collect()
    }

    /// Records what became of an attempt: a 2xx counts the event's `pending_webhooks` down; a
    /// failure schedules the next retry ([`RETRY_AFTER`]) or gives up after the last.
    /// `None` when a reset came while it was under way: it belongs to a state that is gone.
    pub fn settle(&mut self, attempt: Attempt, succeeded: bool) -> Option<Settled> {
        if attempt.generation != self.generation {
            return None;
        }
        let at = attempt.taken_at;
        Some(self.settle_at(attempt, succeeded, at))
    }

    fn settle_at(&mut self, attempt: Attempt, succeeded: bool, at: i64) -> Settled {
        if succeeded {
            if let Some((_, event)) = self.events.iter_mut().find(|(_, e)| e["id"] == attempt.event_id.as_str()) {
                let left = event["pending_webhooks"].as_i64().unwrap_or(1).saturating_sub(1).max(0);
                event["pending_webhooks"] = json!(left);
            }
            return Settled { at, gave_up: false };
        }
        let Some(wait) = RETRY_AFTER.get(attempt.number as usize - 1) else { return Settled { at, gave_up: true } };
        let retry = Attempt { number: attempt.number + 1, due: at + wait, ..attempt };
        let gave_up = !self.queue(retry);
        Settled { at, gave_up }
    }

    /// Queues a delivery; `false` when the queue, or the account's share of it, is full.
    fn queue(&mut self, mut attempt: Attempt) -> bool {
        let own = self.pending.iter().filter(|a| a.account == attempt.account).count();
        if self.pending.len() >= MAX_PENDING_DELIVERIES || own >= PENDING_PER_ACCOUNT {
            return false;
        }
        attempt.seq = self.next_seq;
        self.next_seq += 1;
        self.pending.push_back(attempt);
        self.queued = true;
        true
    }

    /// Whether a delivery was queued since the last call: only then is the delivery task woken
    /// after a request (a wake per request would cost every request a context switch).
    pub fn take_queued(&mut self) -> bool {
        std::mem::take(&mut self.queued)
    }

    /// The `webhook_endpoint` object `id` as a delivery target, while it is enabled.
    fn object_endpoint(&self, id: &str) -> Option<Endpoint> {
        let stored = self.objects.get(id)?;
        let object = &stored.value;
        if object["status"] != "enabled" {
            return None;
        }
        let events =
            object["enabled_events"].as_array()?.iter().filter_map(|e| Some(e.as_str()?.to_string())).collect();
        Some(Endpoint {
            id: Some(id.to_string()),
            url: object["url"].as_str()?.to_string(),
            secret: object["secret"].as_str()?.to_string(),
            account: Some(stored.owner.clone()),
            connect: self.connect_endpoints.contains(id),
            events,
            policy: DeliveryPolicy::default(),
        })
    }

    /// First attempts that found the queue full, for the delivery log.
    pub fn take_dropped(&mut self) -> Vec<Delivery> {
        std::mem::take(&mut self.dropped)
    }

    /// Marks a `webhook_endpoint` object as a Connect endpoint.
    pub fn mark_connect(&mut self, id: &str) {
        self.connect_endpoints.insert(id.to_string());
    }

    /// Starts `scope` clean: its objects, events, saved answers, endpoints, faults, request log
    /// and clock go; ids keep counting, so an old id never names a new object.
    pub fn reset(&mut self, scope: &Scope) {
        self.generation += 1;
        match scope {
            Scope::All => {
                let (next_id, generation) = (std::mem::take(&mut self.next_id), self.generation);
                *self = State { next_id, generation, ..State::new() };
            }
            Scope::One(account) => {
                // A platform's reset takes its connected accounts with it.
                let within = |owner: &Account| {
                    owner == account || (account.connected().is_none() && owner.platform() == *account)
                };
                let gone: Vec<String> =
                    self.objects.iter().filter(|(_, stored)| within(&stored.owner)).map(|(id, _)| id.clone()).collect();
                for id in gone {
                    self.objects.remove(&id);
                    self.return_urls.remove(&id);
                    self.connect_endpoints.remove(&id);
                }
                self.order.retain(|(owner, _), _| !within(owner));
                self.events.retain(|owner, _| !within(owner));
                self.saved.retain(|(owner, _), _| !within(owner));
                self.saved_order.retain(|owner, _| !within(owner));
                self.endpoints.retain(|e| !e.account.as_ref().is_some_and(within));
                self.pending.retain(|a| !within(&a.account));
                self.faults.retain(|owner, _| !within(owner));
                self.requests.retain(|owner, _| !owner.as_ref().is_some_and(within));
                if account.connected().is_none() {
                    self.offsets.remove(account);
                }
            }
        }
    }
}

fn too_many_accounts() -> StripeError {
    StripeError::invalid(
        None,
        format!("Faults or clocks of {MAX_CONTROLLED_ACCOUNTS} accounts are kept, the fake's limit: POST /_fake/reset on one of them, or FakeStripe::reset."),
    )
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

/// One account's objects and events: what a request (and a control call, once it found the
/// object's owner) reads and changes. Another account's objects are not there.
pub struct Books<'a> {
    state: &'a mut State,
    account: Account,
}

impl Books<'_> {
    pub fn now(&self) -> i64 {
        self.state.now(&self.account)
    }

    /// A secret no other account can work out.
    pub fn token(&mut self) -> String {
        self.state.token()
    }

    /// Endpoints of this account, of either kind (Stripe's limit counts them together).
    pub fn endpoint_count(&self) -> usize {
        let registered = self.state.endpoints.iter().filter(|e| e.account.as_ref() == Some(&self.account)).count();
        registered + self.ids(ENDPOINT_OBJECT).len()
    }

    /// Keeps a session's `return_url`.
    pub fn set_return_url(&mut self, session: &str, url: String) {
        if self.get(session).is_some() {
            self.state.return_urls.insert(session.to_string(), url);
        }
    }

    /// Marks this account's `webhook_endpoint` `id` as a Connect endpoint.
    pub fn mark_connect(&mut self, id: &str) {
        if self.get(id).is_some() {
            self.state.mark_connect(id);
        }
    }

    pub fn id(&mut self, prefix: &'static str) -> String {
        self.state.id(prefix)
    }

    /// The object `id`, if this account holds it.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.state.objects.get(id).filter(|stored| stored.owner == self.account).map(|stored| &stored.value)
    }

    /// The object `id` if this account holds it and it is of kind `object`.
    pub fn get_kind(&self, id: &str, object: &str) -> Option<&Value> {
        self.get(id).filter(|o| o["object"] == object)
    }

    /// A lookup of this account's objects, for `expand[]`.
    pub fn lookup(&self) -> impl Fn(&str) -> Option<Value> + '_ {
        move |id| self.get(id).cloned()
    }

    /// Stores a new object, conformed to `shape`, after the others of its kind; refused once
    /// the fake holds [`MAX_OBJECTS`].
    pub fn insert(&mut self, kind: &'static str, shape: &Shape, object: Value) -> Result<Value, StripeError> {
        let own: usize =
            self.state.order.iter().filter(|((owner, _), _)| *owner == self.account).map(|(_, ids)| ids.len()).sum();
        if self.state.objects.len() >= MAX_OBJECTS || own >= OBJECTS_PER_ACCOUNT {
            return Err(StripeError::invalid(
                None,
                format!("The fake holds {MAX_OBJECTS} objects in all and {OBJECTS_PER_ACCOUNT} per account, its limit: POST /_fake/reset (or FakeStripe::reset) starts clean."),
            ));
        }
        let object = shape::conform(shape, object);
        let id = object["id"].as_str().unwrap_or_default().to_string();
        self.state.order.entry((self.account.clone(), kind)).or_default().push(id.clone());
        self.state.objects.insert(id, Stored { owner: self.account.clone(), value: object.clone() });
        Ok(object)
    }

    /// Removes an object of this account (a deleted webhook endpoint).
    pub fn remove(&mut self, id: &str) {
        if self.get(id).is_none() {
            return;
        }
        if let Some(stored) = self.state.objects.remove(id) {
            let kind = stored.value["object"].as_str().unwrap_or_default().to_string();
            for ((owner, listed), ids) in self.state.order.iter_mut() {
                if *owner == self.account && *listed == kind.as_str() {
                    ids.retain(|listed| listed != id);
                }
            }
        }
    }

    /// Replaces a stored object of this account, conformed to `shape`.
    pub fn replace(&mut self, shape: &Shape, object: Value) -> Value {
        let object = shape::conform(shape, object);
        let id = object["id"].as_str().unwrap_or_default();
        if let Some(stored) = self.state.objects.get_mut(id).filter(|stored| stored.owner == self.account) {
            stored.value = object.clone();
        }
        object
    }

    /// The ids of one kind, oldest first (a list walks them newest first).
    pub fn ids(&self, kind: &'static str) -> &[String] {
        self.state.order.get(&(self.account.clone(), kind)).map_or(&[], Vec::as_slice)
    }

    /// Records an event about `object` (a session) and queues it for the endpoints that receive
    /// this account's events. Events carry `account` when they belong to a connected account.
    pub fn emit(&mut self, type_: &str, object: &Value, previous: Option<Value>, cause: &Cause) {
        let id = self.id("evt");
        let object = shape::present(table::session_shape(), object.clone(), &[], &|_| None);
        let mut data = json!({ "object": object });
        if let Some(previous) = previous {
            data["previous_attributes"] = previous;
        }
        let endpoints = self.endpoints(type_);
        let mut event = json!({
            "id": id,
            "object": "event",
            "api_version": table::API_VERSION,
            "created": self.now(),
            "data": data,
            "livemode": false,
            "pending_webhooks": endpoints.len(),
            "request": { "id": cause.request_id, "idempotency_key": cause.idempotency_key },
            "type": type_,
        });
        if let Some(connected) = self.account.connected() {
            event["account"] = json!(connected);
        }
        self.state.events.push(self.account.clone(), event);
        let now = self.now();
        for endpoint in endpoints {
            let attempt = Attempt {
                event_id: id.clone(),
                event_type: type_.to_string(),
                account: self.account.clone(),
                endpoint,
                number: 1,
                due: now,
                seq: 0,
                taken_at: now,
                generation: 0,
            };
            // A full queue drops the delivery, logged as given up; the event keeps its count.
            let url = crate::webhooks::shown_url(&attempt.endpoint.url);
            if !self.state.queue(attempt) && self.state.dropped.len() < MAX_PENDING_DELIVERIES {
                let event_type = type_.to_string();
                let gave_up = Delivery {
                    event_id: id.clone(),
                    event_type,
                    url,
                    status: None,
                    attempt: 1,
                    at: now,
                    gave_up: true,
                };
                self.state.dropped.push(gave_up);
            }
        }
    }

    /// The endpoints an event of `type_` of this account goes to: those the control API
    /// registered and the account's enabled `webhook_endpoint` objects that subscribed to it.
    fn endpoints(&self, type_: &str) -> Vec<Endpoint> {
        let registered = self.state.endpoints.iter().filter(|e| e.receives(&self.account, type_)).cloned();
        // The account's own objects, and for a connected account its platform's (Connect ones).
        let owners = [Some(self.account.clone()), self.account.connected().map(|_| self.account.platform())];
        let objects = owners
            .into_iter()
            .flatten()
            .flat_map(|owner| self.state.order.get(&(owner, ENDPOINT_OBJECT)).into_iter().flatten())
            .filter_map(|id| self.state.object_endpoint(id))
            .filter(|endpoint| endpoint.receives(&self.account, type_));
        registered.chain(objects).collect()
    }

    /// What else holds an object's personal data: its events, the saved answers about it, and
    /// the logged requests' parameter values. `redact` blanks one copy of the object.
    pub fn redact_traces(&mut self, id: &str, redact: &dyn Fn(&mut Value)) {
        let account = self.account.clone();
        for (_, event) in
            self.state.events.iter_mut().filter(|(owner, e)| *owner == account && e["data"]["object"]["id"] == id)
        {
            redact(&mut event["data"]["object"]);
            if let Some(previous) = event["data"].get_mut("previous_attributes") {
                redact(previous);
            }
        }
        for ((_, _), saved) in
            self.state.saved.iter_mut().filter(|((owner, _), s)| *owner == account && s.body["id"] == id)
        {
            redact(&mut saved.body);
        }
        for (_, request) in self.state.requests.iter_mut().filter(|(_, r)| r.subject.as_deref() == Some(id)) {
            request.redact_values();
        }
    }

    /// Whether this account holds an object with this id (ids a redaction keeps).
    pub fn holds(&self, id: &str) -> bool {
        self.get(id).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth;
    use crate::limits::{MAX_CONTROLLED_ACCOUNTS, OBJECTS_PER_ACCOUNT};

    fn account(key: &str) -> Account {
        auth::identify(Some(&format!("Bearer {key}")), None).unwrap()
    }

    #[test]
    fn one_account_past_its_objects_is_refused_and_another_is_not() {
        let mut state = State::new();
        let (busy, quiet) = (account("sk_test_busy"), account("sk_test_quiet"));
        let object = |id: String| json!({ "id": id, "object": table::SESSION_OBJECT });
        for _ in 0..OBJECTS_PER_ACCOUNT {
            let id = state.id("vs");
            state.books(&busy).insert(table::SESSION_OBJECT, table::session_shape(), object(id)).unwrap();
        }
        let id = state.id("vs");
        let refused = state.books(&busy).insert(table::SESSION_OBJECT, table::session_shape(), object(id));
        assert!(refused.unwrap_err().message.contains("per account"));
        let id = state.id("vs");
        assert!(state.books(&quiet).insert(table::SESSION_OBJECT, table::session_shape(), object(id)).is_ok());
    }

    #[test]
    fn faults_and_clocks_are_kept_for_a_bounded_number_of_accounts() {
        let mut state = State::new();
        for n in 0..MAX_CONTROLLED_ACCOUNTS {
            state.inject(&Scope::One(account(&format!("sk_test_{n}"))), Fault::Reset, 1).unwrap();
        }
        let one_more = Scope::One(account("sk_test_more"));
        assert!(state.inject(&one_more, Fault::Reset, 1).is_err());
        // A fault used up frees its account's slot.
        assert_eq!(state.next_fault(Some(&account("sk_test_0"))), Some(Fault::Reset));
        assert!(state.inject(&one_more, Fault::Reset, 1).is_ok());
    }

    #[test]
    fn a_busy_account_evicts_its_own_saved_answers_not_anothers() {
        let mut state = State::new();
        let (busy, quiet) = (account("sk_test_busy"), account("sk_test_quiet"));
        let saved = |n: usize| Saved {
            method: "POST".into(),
            path: "/v1/x".into(),
            params: n as u64,
            status: 200,
            body: Value::Null,
            request_id: format!("req_{n}"),
            saved_at: state_now(),
        };
        state.save(&quiet, "mine".into(), saved(0));
        for n in 0..crate::limits::MAX_SAVED_ANSWERS + 10 {
            state.save(&busy, format!("k{n}"), saved(n));
        }
        assert!(state.saved(&quiet, "mine").is_some(), "the quiet account's answer survived");
        assert!(state.saved(&busy, "k0").is_none(), "the busy account lost its oldest");
    }

    fn state_now() -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs() as i64
    }
}
