//! The API key check: `Authorization: Bearer sk_test_…` (or HTTP Basic with the key as user, as
//! `curl -u sk_test_…:` sends it). Test-mode keys only; a key is never echoed back.

use base64::Engine;

use crate::error::StripeError;

/// The key, if the header carries a well-formed test-mode key; Stripe's 401 otherwise.
pub fn check(header: Option<&str>) -> Result<(), StripeError> {
    let unauthorized = |message: &str| StripeError {
        status: 401,
        kind: "invalid_request_error",
        code: None,
        param: None,
        message: message.to_string(),
    };
    let Some(header) = header else {
        return Err(unauthorized(
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        ));
    };
    let key = if let Some(key) = header.strip_prefix("Bearer ") {
        Some(key.trim().to_string())
    } else if let Some(encoded) = header.strip_prefix("Basic ") {
        base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .map(|user| user.split(':').next().unwrap_or_default().to_string())
    } else {
        None
    };
    match key {
        Some(key) if well_formed(&key) => Ok(()),
        Some(key) if key.starts_with("sk_live_") || key.starts_with("rk_live_") => {
            Err(unauthorized("The fake Stripe accepts test-mode keys only (sk_test_…); a live key was provided."))
        }
        _ => Err(unauthorized("Invalid API Key provided: the key must be a test-mode secret key (sk_test_…).")),
    }
}

fn well_formed(key: &str) -> bool {
    let rest = key.strip_prefix("sk_test_").or_else(|| key.strip_prefix("rk_test_"));
    rest.is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn test_keys_pass_and_others_get_401_without_the_key() {
        assert!(check(Some("Bearer sk_test_abc123")).is_ok());
        assert!(check(Some("Basic c2tfdGVzdF9hYmM6")).is_ok()); // sk_test_abc:
        for header in
            [None, Some("Bearer "), Some("Bearer pk_test_abc"), Some("sk_test_abc"), Some("Bearer sk_live_secret9")]
        {
            let error = check(header).unwrap_err();
            assert_eq!(error.status, 401);
            assert!(!error.message.contains("secret9"));
        }
    }
}
