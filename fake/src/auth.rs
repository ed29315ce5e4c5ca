//! Who is calling: `Authorization: Bearer sk_test_…` (or HTTP Basic with the key as user, as
//! `curl -u sk_test_…:` sends it) names an account, one per secret key, so test suites sharing
//! one fake never see each other's objects; `Stripe-Account: acct_…` names a connected account
//! under it, as at Stripe. Test-mode keys only; a key is never echoed back nor kept (the account
//! holds a hash of it).

use std::hash::{Hash, Hasher};

use base64::Engine;

use crate::answer::StripeError;

/// The longest `Stripe-Account` value the fake accepts.
const MAX_ACCOUNT_ID: usize = 255;

/// An account: the platform a secret key names, and the connected account `Stripe-Account` named.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Account {
    /// A hash of the secret key: the key itself is never kept.
    platform: u64,
    connected: Option<String>,
}

/// The connected account's id only: the platform is a key, and keys are not shown.
impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account").field("connected", &self.connected).finish_non_exhaustive()
    }
}

impl Account {
    /// The connected account's id (`Stripe-Account`), which events about its objects carry.
    pub fn connected(&self) -> Option<&str> {
        self.connected.as_deref()
    }

    /// The platform account, whose clock a connected account shares.
    pub fn platform(&self) -> Account {
        Account { platform: self.platform, connected: None }
    }
}

/// The account of a request, or Stripe's 401 (a key is missing or refused) or 400 (a
/// `Stripe-Account` that is not an account id).
pub fn identify(authorization: Option<&str>, stripe_account: Option<&str>) -> Result<Account, StripeError> {
    let key = key(authorization)?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    let connected = match stripe_account {
        None => None,
        Some(id) if is_account_id(id) => Some(id.to_string()),
        Some(_) => {
            return Err(StripeError::coded(
                "account_invalid",
                None,
                "The Stripe-Account header must name an account id (acct_…).",
            ))
        }
    };
    Ok(Account { platform: hasher.finish(), connected })
}

fn key(header: Option<&str>) -> Result<String, StripeError> {
    let Some(header) = header else {
        return Err(StripeError::unauthorized(
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
        Some(key) if well_formed(&key) => Ok(key),
        Some(key) if key.starts_with("sk_live_") || key.starts_with("rk_live_") => Err(StripeError::unauthorized(
            "The fake Stripe accepts test-mode keys only (sk_test_…); a live key was provided.",
        )),
        _ => Err(StripeError::unauthorized(
            "Invalid API Key provided: the key must be a test-mode secret key (sk_test_…).",
        )),
    }
}

fn well_formed(key: &str) -> bool {
    let rest = key.strip_prefix("sk_test_").or_else(|| key.strip_prefix("rk_test_"));
    rest.is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

fn is_account_id(id: &str) -> bool {
    id.len() <= MAX_ACCOUNT_ID
        && id
            .strip_prefix("acct_")
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::identify;

    #[test]
    fn test_keys_pass_and_others_get_401_without_the_key() {
        assert!(identify(Some("Bearer sk_test_abc123"), None).is_ok());
        assert!(identify(Some("Basic c2tfdGVzdF9hYmM6"), None).is_ok()); // sk_test_abc:
        for header in
            [None, Some("Bearer "), Some("Bearer pk_test_abc"), Some("sk_test_abc"), Some("Bearer sk_live_secret9")]
        {
            let error = identify(header, None).unwrap_err();
            assert_eq!(error.status, 401);
            assert!(!error.message.contains("secret9"));
        }
    }

    #[test]
    fn each_key_and_connected_account_is_its_own_account() {
        let a = identify(Some("Bearer sk_test_a"), None).unwrap();
        let b = identify(Some("Bearer sk_test_b"), None).unwrap();
        let a_connected = identify(Some("Bearer sk_test_a"), Some("acct_1x")).unwrap();
        assert_ne!(a, b);
        assert_ne!(a, a_connected);
        assert_eq!(a_connected.platform(), a);
        assert_eq!(identify(Some("Basic c2tfdGVzdF9hOg=="), None).unwrap(), a, "Basic and Bearer name one key");
        assert_eq!(identify(Some("Bearer sk_test_a"), Some("bad id")).unwrap_err().code, Some("account_invalid"));
        assert!(!format!("{a:?}").contains("sk_test"));
    }
}
