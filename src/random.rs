//! Random values from the operating system, through `ring` (which the client already builds for
//! TLS and webhook signatures): idempotency keys and retry jitter.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use ring::rand::{SecureRandom, SystemRandom};

/// A random UUID v4 (`8-4-4-4-12` lowercase hex), the form the official SDKs send as an
/// idempotency key.
pub(crate) fn uuid_v4() -> String {
    let mut bytes: [u8; 16] = bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(byte & 0x0f), 16).unwrap_or('0'));
    }
    out
}

/// A random number in [0, 1).
pub(crate) fn unit() -> f64 {
    (u64::from_le_bytes(bytes()) >> 11) as f64 / (1u64 << 53) as f64
}

/// `N` random bytes. Should the system's source ever fail, they are a digest of the time, the
/// process, the thread and a counter: unpredictable no longer, but never repeated within a
/// process, and apart from another process's unless both read the same clock tick.
fn bytes<const N: usize>() -> [u8; N] {
    let mut out = [0; N];
    if SystemRandom::new().fill(&mut out).is_ok() {
        return out;
    }
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let seed = format!("{nanos}/{}/{:?}/{count}", std::process::id(), std::thread::current().id());
    let digest = ring::digest::digest(&ring::digest::SHA256, seed.as_bytes());
    for (byte, from) in out.iter_mut().zip(digest.as_ref().iter().cycle()) {
        *byte = *from;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_uuid_v4_and_distinct() {
        let keys: std::collections::HashSet<String> = (0..1000).map(|_| uuid_v4()).collect();
        assert_eq!(keys.len(), 1000);
        for key in &keys {
            let groups: Vec<&str> = key.split('-').collect();
            assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{key}");
            assert!(key.chars().all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)), "{key}");
            assert!(groups[2].starts_with('4'), "version 4: {key}");
            assert!(matches!(&groups[3][..1], "8" | "9" | "a" | "b"), "RFC 4122 variant: {key}");
        }
    }

    #[test]
    fn units_spread_over_zero_to_one() {
        let values: Vec<f64> = (0..1000).map(|_| unit()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        assert!(values.iter().any(|v| *v < 0.1) && values.iter().any(|v| *v > 0.9));
    }
}
