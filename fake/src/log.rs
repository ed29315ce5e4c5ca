//! The request log: each API request as the fake received it, without its `Authorization`
//! header, tagged with the account that sent it and the object it was about.

use crate::auth::Account;
use crate::form;

/// One request as the fake received it (the `Authorization` header left out). Redacting a
/// session replaces the parameter values of the requests that made or changed it.
#[derive(Clone)]
#[non_exhaustive]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The `operationId` of the spec operation it was routed to, if any.
    pub operation: Option<&'static str>,
    /// The account whose key it carried (`None` for a missing or refused key).
    pub(crate) account: Option<Account>,
    /// The id of the object it was about.
    pub(crate) subject: Option<String>,
}

/// Method, path, operation and parameter names: values (personal data) are left out.
impl std::fmt::Debug for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (path, query) = self.target.split_once('?').unwrap_or((&self.target, ""));
        let names = |text: &str| -> Vec<String> { form::pairs(text).into_iter().map(|(name, _)| name).collect() };
        f.debug_struct("Recorded")
            .field("method", &self.method)
            .field("path", &path)
            .field("operation", &self.operation)
            .field("query_params", &names(query))
            .field("body_params", &names(&self.body))
            .finish_non_exhaustive()
    }
}

impl Recorded {
    /// Every parameter value, in the query and the body, becomes `[redacted]`.
    pub(crate) fn redact_values(&mut self) {
        let redact = |text: &str| -> String {
            text.split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((name, _)) => format!("{name}=%5Bredacted%5D"),
                    None => pair.to_string(),
                })
                .collect::<Vec<_>>()
                .join("&")
        };
        if let Some((path, query)) = self.target.split_once('?') {
            self.target = format!("{path}?{}", redact(query));
        }
        self.body = redact(&self.body);
    }

    /// The value of a header (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}
