//! What the server's tasks and the handle share: the state behind its lock, the fake's URL, the
//! queue to the delivery task and the delivery log.

use std::sync::{Mutex, MutexGuard};

use tokio::sync::{mpsc, oneshot};

use crate::limits::MAX_PENDING_DELIVERIES;
use crate::state::State;
use crate::webhooks::{Deliveries, Job};

pub struct Shared {
    state: Mutex<State>,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    jobs: mpsc::Sender<Job>,
    pub deliveries: Deliveries,
}

impl Shared {
    /// The shared part and the delivery task's end of the queue.
    pub fn new(base_url: String) -> (Shared, mpsc::Receiver<Job>) {
        let (jobs, queue) = mpsc::channel(MAX_PENDING_DELIVERIES);
        let shared = Shared { state: Mutex::new(State::new()), base_url, jobs, deliveries: Deliveries::default() };
        (shared, queue)
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hands the events recorded since the last call to the delivery task; when its queue is
    /// full, a delivery is logged as failed instead of waiting without bound.
    pub fn deliver_outbox(&self) {
        let outbox = self.lock().take_outbox();
        for (event, endpoints) in outbox {
            if let Err(mpsc::error::TrySendError::Full(Job::Deliver { event, endpoints })) =
                self.jobs.try_send(Job::Deliver { event, endpoints })
            {
                self.deliveries.dropped(&event, &endpoints);
            }
        }
    }

    /// Waits until every event recorded so far has been delivered (or failed to be).
    pub async fn flush(&self) {
        self.deliver_outbox();
        let (done, wait) = oneshot::channel();
        if self.jobs.send(Job::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}
