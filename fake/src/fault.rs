//! Faults for a client's retry tests: what they are, the bounded queue they wait in (runs of one
//! fault, so `times=2000000000` costs one entry), and the answer of an injected status.

use std::collections::VecDeque;
use std::time::Duration;

use crate::answer::{Answer, StripeError};
use crate::limits::{MAX_DELAY, MAX_FAULT_RUNS, MAX_FAULT_TIMES};

/// A fault for the next requests, to test a client's retries.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and Stripe's error JSON, with `Stripe-Should-Retry` when set.
    Status { status: u16, should_retry: Option<bool> },
    /// Read the request, then drop the connection without answering (nothing was done).
    Reset,
    /// Handle the request, then drop the connection without answering: the work is done and
    /// the client never hears of it (what idempotency keys are for).
    DropResponse,
    /// Wait this long (at most a minute), then answer normally.
    Delay(Duration),
}

impl Fault {
    /// A status without `Stripe-Should-Retry`.
    pub fn status(status: u16) -> Fault {
        Fault::Status { status, should_retry: None }
    }

    /// Refuses a fault the fake will not queue: a status that is not an error, a delay past
    /// [`MAX_DELAY`].
    fn check(&self) -> Result<(), StripeError> {
        match self {
            Fault::Status { status, .. } if !(400..600).contains(status) => {
                Err(StripeError::invalid(Some("status"), "A fault's status must be an error status (400–599)."))
            }
            Fault::Delay(delay) if *delay > MAX_DELAY => Err(StripeError::invalid(
                Some("delay_ms"),
                format!("A delay can be at most {} ms.", MAX_DELAY.as_millis()),
            )),
            _ => Ok(()),
        }
    }

    /// The answer of an injected status: Stripe's error JSON. A 429 is what Stripe sends when
    /// rate limiting a sandbox (`invalid_request_error` with code `rate_limit`; Stripe documents
    /// four error types and no `rate_limit_error`, <https://docs.stripe.com/error-codes#rate-limit>).
    pub fn answer(status: u16, should_retry: Option<bool>, request_id: &str) -> Answer {
        let error = match status {
            429 => StripeError::coded(
                "rate_limit",
                None,
                "Testmode request rate limit exceeded, the rate limits in testmode are lower than livemode. You can learn more about rate limits here https://stripe.com/docs/rate-limits.",
            ),
            500.. => StripeError::api(format!("Injected fault: {status}.")),
            _ => StripeError::invalid(None, format!("Injected fault: {status}.")),
        };
        let answer = Answer::error(&error.with_status(status), request_id);
        match should_retry {
            Some(retry) => answer.header("Stripe-Should-Retry", retry.to_string()),
            None => answer,
        }
    }
}

/// Faults waiting for requests, oldest first.
#[derive(Debug, Default)]
pub struct Faults {
    runs: VecDeque<(Fault, u32)>,
}

impl Faults {
    /// Queues `fault` for the next `times` requests; refused past the queue's bounds.
    pub fn push(&mut self, fault: Fault, times: u32) -> Result<(), StripeError> {
        fault.check()?;
        if times == 0 || times > MAX_FAULT_TIMES {
            return Err(StripeError::invalid(Some("times"), format!("times must be between 1 and {MAX_FAULT_TIMES}.")));
        }
        if self.runs.len() >= MAX_FAULT_RUNS {
            return Err(StripeError::invalid(
                None,
                format!("At most {MAX_FAULT_RUNS} faults can wait at once; POST /_fake/faults?clear=true clears them."),
            ));
        }
        self.runs.push_back((fault, times));
        Ok(())
    }

    /// The fault for the request that just arrived, if any.
    pub fn pop(&mut self) -> Option<Fault> {
        let (fault, left) = self.runs.front_mut()?;
        let fault = fault.clone();
        *left -= 1;
        if *left == 0 {
            self.runs.pop_front();
        }
        Some(fault)
    }

    /// How many requests the queued faults will still hit.
    pub fn waiting(&self) -> u64 {
        self.runs.iter().map(|(_, n)| u64::from(*n)).sum()
    }

    pub fn clear(&mut self) {
        self.runs.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_counts_cost_one_entry_and_bounds_are_refused() {
        let mut faults = Faults::default();
        faults.push(Fault::status(503), MAX_FAULT_TIMES).unwrap();
        assert_eq!(faults.runs.len(), 1);
        assert_eq!(faults.waiting(), u64::from(MAX_FAULT_TIMES));
        assert!(faults.push(Fault::status(503), MAX_FAULT_TIMES + 1).is_err());
        assert!(faults.push(Fault::status(503), 0).is_err());
        assert!(faults.push(Fault::status(200), 1).is_err());
        assert!(faults.push(Fault::Delay(MAX_DELAY + Duration::from_millis(1)), 1).is_err());
        for _ in 1..MAX_FAULT_RUNS {
            faults.push(Fault::Reset, 1).unwrap();
        }
        assert!(faults.push(Fault::Reset, 1).is_err(), "the queue is bounded");
        assert_eq!(faults.pop(), Some(Fault::status(503)));
    }
}
