use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::Object;
use crate::{Client, Error};

/// One page of a Stripe list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    /// The objects on this page.
    pub data: Vec<T>,
    /// Whether another page follows this one.
    pub has_more: bool,
    /// The path this list was fetched from (`/v1/identity/verification_sessions`).
    pub url: String,
}

impl<T: Object + DeserializeOwned> List<T> {
    /// The page after this one, fetched with the same `params` (a list call's params struct),
    /// or `None` when this is the last page.
    pub async fn next_page<P: Serialize + ?Sized>(
        &self,
        client: &Client,
        params: &P,
    ) -> Result<Option<List<T>>, Error> {
        let Some(last) = self.data.last().filter(|_| self.has_more) else {
            return Ok(None);
        };
        client.get_page(&self.url, params, last.id().as_ref()).await.map(Some)
    }

    /// Every object from this page on, fetching pages until the last one or `limit` objects.
    pub async fn collect_all<P: Serialize + ?Sized>(
        self,
        client: &Client,
        params: &P,
        limit: usize,
    ) -> Result<Vec<T>, Error> {
        let mut page = self;
        let mut all = Vec::new();
        loop {
            let next = page.next_page(client, params).await?;
            all.extend(page.data);
            match next {
                Some(following) if all.len() < limit => page = following,
                _ => break,
            }
        }
        all.truncate(limit);
        Ok(all)
    }
}
