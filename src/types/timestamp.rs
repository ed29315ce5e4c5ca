use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Seconds since the Unix epoch, as Stripe sends `created` and other `unix-time` fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The seconds since the epoch.
    pub fn seconds(self) -> i64 {
        self.0
    }

    /// As a `SystemTime` (times before the epoch included), or `None` when the platform's
    /// `SystemTime` cannot hold it. Never panics, whatever a response carried.
    pub fn to_system_time(self) -> Option<SystemTime> {
        let offset = Duration::from_secs(self.0.unsigned_abs());
        if self.0 >= 0 {
            UNIX_EPOCH.checked_add(offset)
        } else {
            UNIX_EPOCH.checked_sub(offset)
        }
    }
}

impl From<i64> for Timestamp {
    fn from(seconds: i64) -> Self {
        Timestamp(seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_system_time_never_panics() {
        assert_eq!(Timestamp(1_700_000_000).to_system_time(), Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)));
        assert_eq!(Timestamp(-1).to_system_time(), UNIX_EPOCH.checked_sub(Duration::from_secs(1)));
        for extreme in [i64::MAX, i64::MIN, i64::MIN + 1] {
            let _ = Timestamp(extreme).to_system_time();
        }
    }
}
