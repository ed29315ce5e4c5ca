//! When and how soon a failed request is tried again: the rules of Stripe's official SDKs.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// Retries after the first attempt, as in Stripe's official SDKs.
pub(crate) const DEFAULT_MAX_RETRIES: u32 = 2;

/// `Stripe-Should-Retry` decides when present; else 409, 500 and 503 are retried.
pub(crate) fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    stripe_should_retry(headers).unwrap_or_else(|| is_retryable_status(status.as_u16()))
}

/// `Stripe-Should-Retry: true` or `false`; another value counts as absent.
pub(crate) fn stripe_should_retry(headers: &HeaderMap) -> Option<bool> {
    match headers.get("Stripe-Should-Retry").and_then(|value| value.to_str().ok()) {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    }
}

/// A request that got no answer: refused or reset connections and timeouts are retried.
pub(crate) fn is_retryable_transport(error: &reqwest::Error) -> bool {
    error.is_connect() || error.is_timeout() || error.is_request()
}

/// The statuses retried when Stripe does not say.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 409 | 500 | 503)
}

/// `min(0.5 s · 2^attempt, 5 s)`, times a random factor in [0.5, 1], never under 0.5 s.
pub(crate) fn delay(attempt: u32) -> Duration {
    let base = (0.5 * 2f64.powi(attempt.min(16) as i32)).min(5.0);
    let jittered = base * (0.5 + crate::random::unit() * 0.5);
    Duration::from_secs_f64(jittered.max(0.5))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn delays_follow_the_sdks() {
        for attempt in 0..6 {
            let delay = delay(attempt).as_secs_f64();
            let base = (0.5 * 2f64.powi(attempt as i32)).min(5.0);
            assert!(delay >= 0.5 && delay >= base * 0.5 - 1e-9 && delay <= base + 1e-9, "attempt {attempt}: {delay}");
        }
    }

    #[test]
    fn rules_follow_the_sdks() {
        let none = HeaderMap::new();
        let mut yes = HeaderMap::new();
        yes.insert("Stripe-Should-Retry", HeaderValue::from_static("true"));
        let mut no = HeaderMap::new();
        no.insert("Stripe-Should-Retry", HeaderValue::from_static("false"));
        for (status, retried) in [(409, true), (500, true), (503, true), (429, false), (400, false), (502, false)] {
            assert_eq!(should_retry(StatusCode::from_u16(status).unwrap(), &none), retried, "{status}");
        }
        assert!(should_retry(StatusCode::TOO_MANY_REQUESTS, &yes));
        assert!(!should_retry(StatusCode::SERVICE_UNAVAILABLE, &no));
    }
}
