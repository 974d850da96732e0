//! libFuzzer entry of the `order_message` target; the body and its properties are in
//! `host::fuzz::order_message` (shared with host/tests/fuzz_corpus.rs, which replays this corpus).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| host::fuzz::order_message(data));
