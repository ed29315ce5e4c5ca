use serde::{Deserialize, Serialize};

/// One page of a Stripe list. To walk every page, use a list call's
/// [`stream`](crate::Request::stream) or [`collect_all`](crate::Request::collect_all).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    /// The objects on this page.
    pub data: Vec<T>,
    /// Whether another page follows this one.
    pub has_more: bool,
    /// The path Stripe says this list lives at. Informational only: the paginator never
    /// follows it, since a response cannot be trusted to name where the key is sent.
    pub url: String,
}
