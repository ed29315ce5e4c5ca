//! What the server's tasks and the handle share: the state behind its lock, the fake's URL, the
//! delivery log, and the bell that wakes the delivery task.

use std::sync::{Mutex, MutexGuard};

use tokio::sync::{oneshot, Notify};

use crate::state::State;
use crate::webhooks::Deliveries;

pub struct Shared {
    state: Mutex<State>,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    pub deliveries: Deliveries,
    /// Rung when deliveries may have fallen due (an event, a moved clock, a flush).
    pub bell: Notify,
    /// Flushes waiting for the delivery task to have nothing due.
    idle_waiters: Mutex<Vec<oneshot::Sender<()>>>,
}

impl Shared {
    pub fn new(base_url: String) -> Shared {
        Shared {
            state: Mutex::new(State::new()),
            base_url,
            deliveries: Deliveries::default(),
            bell: Notify::new(),
            idle_waiters: Mutex::new(Vec::new()),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tells the delivery task to look for deliveries due now.
    pub fn wake(&self) {
        self.bell.notify_one();
    }

    /// Waits until every delivery due now has been attempted (retries due later wait for the
    /// clock).
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        {
            // Under the state lock, as the delivery task's "nothing due" check: an event
            // recorded before this flush is seen by that check, or the check comes after.
            let _state = self.lock();
            self.idle_waiters.lock().unwrap_or_else(|e| e.into_inner()).push(done);
        }
        self.wake();
        let _ = wait.await;
    }

    /// The flushes waiting so far; the delivery task answers them once it found nothing due
    /// (taking them under the state lock, in the same hold as that check).
    pub fn take_waiters(&self) -> Vec<oneshot::Sender<()>> {
        std::mem::take(&mut *self.idle_waiters.lock().unwrap_or_else(|e| e.into_inner()))
    }
}
