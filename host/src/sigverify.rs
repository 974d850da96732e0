//! Signature pre-verification with ZIP-215 semantics (`ed25519-consensus`): the rules under
//! which single and batch verification accept exactly the same signatures, so the card's
//! verifier, this one, and a batch of either agree on every message.
//!
//! Every signature covers `abi::signed_message`: the domain tag and the venue's id ahead of the
//! 64 body bytes exactly as received (`OrderMessage` keeps every byte it decoded), so a
//! message altered anywhere after signing fails, and a signature for another venue fails.
//!
//! Messages are verified in batches (random linear combination, one multiscalar check per
//! batch) spread over all cores. A failing batch is bisected until the bad signatures are
//! isolated, so a few invalid signatures cost a few extra checks, never a wrong verdict.

use std::sync::atomic::{AtomicUsize, Ordering};

use abi::OrderMessage;
use ed25519_consensus::{batch, Signature, VerificationKey, VerificationKeyBytes};

/// Messages per batch before bisection. Larger batches amortise more but cost more when one
/// signature is bad; 32 keeps a 1% invalid rate cheap.
pub const BATCH_MESSAGES_MAX: usize = 32;

/// Verifies order-entry signatures against the account table.
pub struct Verifier {
    table: Vec<Option<VerificationKey>>,
    venue_id: u64,
}

impl Verifier {
    /// A verifier for venue `venue_id` (`venue.id`) over account table `table`.
    pub fn new(table: Vec<Option<VerificationKey>>, venue_id: u64) -> Verifier {
        Verifier { table, venue_id }
    }

    /// The verifier of `config`'s venue: its account table and its id.
    pub fn for_venue(config: &crate::config::VenueConfig) -> Verifier {
        Verifier::new(crate::keys::account_table(config), config.venue.id)
    }

    fn key(&self, account: u32) -> Option<&VerificationKey> {
        self.table.get(account as usize).and_then(Option::as_ref)
    }

    /// Verify one message on its own. An unknown account verifies as false (the sequencer
    /// reports it as `unknown_account`, which it checks first).
    pub fn verify_one(&self, message: &OrderMessage) -> bool {
        let Some(key) = self.key(message.account) else {
            return false;
        };
        key.verify(
            &Signature::from(message.signature),
            &message.signed_message(self.venue_id),
        )
        .is_ok()
    }

    /// Verify a run of messages by batch with bisection; writes one verdict per message.
    pub fn verify_batched(&self, messages: &[OrderMessage], verdicts: &mut [bool]) {
        assert_eq!(messages.len(), verdicts.len());
        for (chunk, out) in messages
            .chunks(BATCH_MESSAGES_MAX)
            .zip(verdicts.chunks_mut(BATCH_MESSAGES_MAX))
        {
            self.bisect(chunk, out);
        }
    }

    fn bisect(&self, messages: &[OrderMessage], verdicts: &mut [bool]) {
        if messages.len() <= 2 {
            for (m, v) in messages.iter().zip(verdicts.iter_mut()) {
                *v = self.verify_one(m);
            }
            return;
        }
        if self.batch_ok(messages) {
            verdicts.fill(true);
            return;
        }
        let half = messages.len() / 2;
        let (left, right) = verdicts.split_at_mut(half);
        self.bisect(&messages[..half], left);
        self.bisect(&messages[half..], right);
    }

    fn batch_ok(&self, messages: &[OrderMessage]) -> bool {
        let mut verifier = batch::Verifier::new();
        for m in messages {
            let Some(key) = self.key(m.account) else {
                return false;
            };
            let key_bytes = VerificationKeyBytes::from(key.to_bytes());
            verifier.queue((
                key_bytes,
                Signature::from(m.signature),
                &m.signed_message(self.venue_id),
            ));
        }
        verifier.verify(rand_core::OsRng).is_ok()
    }

    /// Verify all messages on `threads` threads (batched); `progress` is called with the
    /// number of messages finished so far, from any thread.
    pub fn verify_parallel(
        &self,
        messages: &[OrderMessage],
        threads: usize,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Vec<bool> {
        let mut verdicts = vec![false; messages.len()];
        // Work is handed out in blocks so threads stay busy when signatures cost unevenly.
        const BLOCK: usize = 1024;
        let next_block = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let blocks: Vec<(&[OrderMessage], &mut [bool])> = messages
            .chunks(BLOCK)
            .zip(verdicts.chunks_mut(BLOCK))
            .collect();
        let blocks: Vec<std::sync::Mutex<(&[OrderMessage], &mut [bool])>> =
            blocks.into_iter().map(std::sync::Mutex::new).collect();
        std::thread::scope(|scope| {
            for _ in 0..threads.max(1) {
                scope.spawn(|| loop {
                    let index = next_block.fetch_add(1, Ordering::Relaxed);
                    let Some(block) = blocks.get(index) else {
                        break;
                    };
                    let mut guard = block.lock().expect("no panics while verifying");
                    let (chunk, out) = &mut *guard;
                    self.verify_batched(chunk, out);
                    let finished = done.fetch_add(chunk.len(), Ordering::Relaxed) + chunk.len();
                    progress(finished);
                });
            }
        });
        verdicts
    }
}

/// Threads to use for "all cores".
pub fn all_cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{sign_with_test_key, test_signing_key};
    use abi::{Side, StpMode, TimeInForce};

    const VENUE: u64 = 0x5eed;

    fn signed(account: u32, nonce: u64) -> OrderMessage {
        let mut m = OrderMessage::new_order(
            account,
            nonce,
            1,
            Side::Buy,
            100,
            1,
            TimeInForce::Gtc,
            StpMode::Default,
            nonce,
        );
        sign_with_test_key(&mut m, &test_signing_key(account), VENUE);
        m
    }

    #[test]
    fn batched_parallel_verdicts_equal_single_verdicts() {
        // Proves bisection isolates exactly the bad signatures: scattered invalid messages
        // (wrong key, flipped body bit, flipped signature bit, unknown account) get false,
        // every other message true, identically to verify_one.
        let table: Vec<_> = (0..8)
            .map(|a| Some(test_signing_key(a).verification_key()))
            .collect();
        let verifier = Verifier::new(table, VENUE);
        let mut messages: Vec<_> = (0..300).map(|i| signed(i % 8, u64::from(i) + 1)).collect();
        messages[5].signature = signed(3, 6).signature; // someone else's signature
        messages[40].price_ticks ^= 1; // body changed after signing
        messages[41].signature[10] ^= 0x20;
        messages[299].account = 100; // not in the table
        let verdicts = verifier.verify_parallel(&messages, 2, &|_| {});
        for (i, m) in messages.iter().enumerate() {
            assert_eq!(verdicts[i], verifier.verify_one(m), "message {i}");
            assert_eq!(verdicts[i], ![5, 40, 41, 299].contains(&i), "message {i}");
        }
    }

    #[test]
    fn zip215_accepts_small_order_and_non_canonical_encodings() {
        // Proves ZIP-215 rules (not RFC 8032 strict ones) decide validity, in single and in
        // batch verification alike: the identity point as public key and as R, with S = 0,
        // satisfies the cofactored equation [8][S]B = [8]R + [8][k]A; and y = p + 1 is a
        // non-canonical encoding of the same point, which ZIP-215 also accepts. Strict
        // verifiers (libsodium, RFC 8032 §5.1.7 with canonical checks) reject both.
        let identity = {
            let mut b = [0u8; 32];
            b[0] = 1;
            b
        };
        let non_canonical_identity = {
            // p + 1 = 2^255 - 18, little-endian.
            let mut b = [0xffu8; 32];
            b[0] = 0xee;
            b[31] = 0x7f;
            b
        };
        let table = vec![
            Some(VerificationKey::try_from(identity).expect("ZIP-215 decodes the identity")),
            Some(VerificationKey::try_from(non_canonical_identity).expect("and y = p + 1")),
        ];
        let verifier = Verifier::new(table, VENUE);
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(&identity);
        let mut messages = Vec::new();
        for nonce in 1..=4u64 {
            let mut m = OrderMessage::new_order(
                (nonce % 2) as u32,
                nonce,
                1,
                Side::Sell,
                7,
                1,
                TimeInForce::Gtc,
                StpMode::None,
                0,
            );
            m.signature = signature;
            messages.push(m);
        }
        let mut batched = vec![false; messages.len()];
        verifier.verify_batched(&messages, &mut batched);
        assert!(messages.iter().all(|m| verifier.verify_one(m)));
        assert!(batched.iter().all(|&ok| ok));
    }
}
