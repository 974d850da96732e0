//! Deterministic per-account test keys: account `i`'s secret seed is the first 32 bytes of
//! SHA-512("ordo test account key" ‖ i as u32 little-endian). Anyone can derive them, so they
//! exist for demos, CSV replays and tests only (`accounts.test_accounts` in the config).

use ed25519_consensus::{SigningKey, VerificationKey};
use sha2::{Digest, Sha512};

const DOMAIN: &[u8] = b"ordo test account key";

/// The signing key of test account `account`.
pub fn test_signing_key(account: u32) -> SigningKey {
    let mut hasher = Sha512::new();
    hasher.update(DOMAIN);
    hasher.update(account.to_le_bytes());
    let digest = hasher.finalize();
    let mut seed = [0u8; 32];
    seed.copy_from_slice(&digest[..32]);
    SigningKey::from(seed)
}

/// The account table: verification key per account id (None: unknown account).
pub fn account_table(config: &crate::config::VenueConfig) -> Vec<Option<VerificationKey>> {
    let mut table = vec![None; config.venue.accounts_max as usize];
    for account in 0..config.accounts.test_accounts {
        table[account as usize] = Some(test_signing_key(account).verification_key());
    }
    for key in &config.accounts.keys {
        // VenueConfig::parse checked that the hex decodes to a curve point.
        let bytes = crate::config::parse_public_key(&key.public_key).expect("checked");
        table[key.id as usize] = Some(VerificationKey::try_from(bytes).expect("checked"));
    }
    table
}

/// Sign `message` in place with `key` for venue `venue_id` (abi.md §3: the domain tag, the
/// venue id and the body).
pub fn sign_with_test_key(message: &mut abi::OrderMessage, key: &SigningKey, venue_id: u64) {
    message.signature = key.sign(&message.signed_message(venue_id)).to_bytes();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_keys_are_stable_and_distinct() {
        // Proves keys are a pure function of the account id (replays depend on it).
        assert_eq!(
            test_signing_key(7).verification_key().to_bytes(),
            test_signing_key(7).verification_key().to_bytes()
        );
        assert_ne!(
            test_signing_key(7).verification_key().to_bytes(),
            test_signing_key(8).verification_key().to_bytes()
        );
    }
}
