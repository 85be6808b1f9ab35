//! Opaque tokens (task tokens, pagination tokens): a number sealed with a
//! per-engine secret, so a forged or altered token is recognised.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Bytes of MAC kept in a token: enough that guessing is hopeless.
const TAG_BYTES: usize = 16;

/// Seals and opens tokens with a secret chosen at engine start.
#[derive(Clone)]
pub struct TokenSealer {
    key: [u8; 32],
}

impl TokenSealer {
    /// A sealer with a fresh random secret.
    pub fn random() -> Self {
        Self {
            key: rand::random(),
        }
    }

    /// A token carrying `value`, valid only for the same `scope` (for example
    /// the operation and filter of a listing, so a token cannot be replayed
    /// against a different listing).
    pub fn seal(&self, scope: &str, value: u64) -> String {
        let mut bytes = Vec::with_capacity(8 + TAG_BYTES);
        bytes.extend_from_slice(&value.to_be_bytes());
        bytes.extend_from_slice(&self.tag(scope, value)[..TAG_BYTES]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The value in `token`, or `None` if it was not sealed by this engine
    /// for this scope.
    pub fn open(&self, scope: &str, token: &str) -> Option<u64> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() != 8 + TAG_BYTES {
            return None;
        }
        let (value_bytes, tag) = bytes.split_at(8);
        let value = u64::from_be_bytes(value_bytes.try_into().ok()?);
        self.mac(scope, value).verify_truncated_left(tag).ok()?;
        Some(value)
    }

    fn mac(&self, scope: &str, value: u64) -> Hmac<Sha256> {
        // The key is 32 bytes; HMAC accepts keys of any length.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(scope.as_bytes());
        mac.update(&[0]);
        mac.update(&value.to_be_bytes());
        mac
    }

    fn tag(&self, scope: &str, value: u64) -> Vec<u8> {
        self.mac(scope, value).finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_value_opens_in_its_scope_only() {
        let sealer = TokenSealer::random();
        let token = sealer.seal("ListActivities", 42);
        assert_eq!(sealer.open("ListActivities", &token), Some(42));
        assert_eq!(sealer.open("ListStateMachines", &token), None);
        assert_eq!(TokenSealer::random().open("ListActivities", &token), None);
    }

    #[test]
    fn altered_or_garbage_tokens_do_not_open() {
        let sealer = TokenSealer::random();
        let token = sealer.seal("s", 7);
        let mut altered = token.clone().into_bytes();
        altered[2] = if altered[2] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).expect("ascii");
        assert_eq!(sealer.open("s", &altered), None);
        for junk in ["", "x", "not base64 !!", &"A".repeat(5000)] {
            assert_eq!(sealer.open("s", junk), None);
        }
    }
}
