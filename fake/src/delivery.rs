//! The task that delivers events: whenever rung, it takes the deliveries due on the fake's
//! clock, POSTs each (twice for a `duplicate` endpoint), logs the attempt and settles it in the
//! state (a 2xx counts `pending_webhooks` down; a failure schedules the retry). One delivery at
//! a time, in order.

use std::sync::Arc;

use crate::shared::Shared;
use crate::webhooks::{self, Delivery};

/// Runs until aborted.
pub async fn run(shared: Arc<Shared>) {
    let http = webhooks::client();
    loop {
        let (due, dropped, idle) = {
            let mut state = shared.lock();
            let due = state.take_due();
            let idle = if due.is_empty() { shared.take_waiters() } else { Vec::new() };
            (due, state.take_dropped(), idle)
        };
        for delivery in dropped {
            shared.deliveries.push(delivery);
        }
        if due.is_empty() {
            for done in idle {
                let _ = done.send(());
            }
            shared.bell.notified().await;
            continue;
        }
        for (attempt, event) in due {
            let payload = serde_json::to_vec(&event).unwrap_or_default();
            let copies = if attempt.endpoint.policy.duplicate { 2 } else { 1 };
            let mut sent = Vec::new();
            for _ in 0..copies {
                let status = webhooks::send(&http, &attempt.endpoint, &payload).await;
                sent.push(Delivery {
                    event_id: attempt.event_id.clone(),
                    event_type: attempt.event_type.clone(),
                    url: webhooks::shown_url(&attempt.endpoint.url),
                    status,
                    attempt: attempt.number,
                    at: 0,
                    gave_up: false,
                });
            }
            let succeeded = sent.iter().any(Delivery::succeeded);
            // The log entry and the count change together; nothing is kept of an attempt a
            // reset overtook.
            let state = &mut shared.lock();
            let Some(settled) = state.settle(attempt, succeeded) else { continue };
            for mut delivery in sent {
                delivery.at = settled.at;
                delivery.gave_up = settled.gave_up;
                shared.deliveries.push(delivery);
            }
        }
    }
}
