//! libFuzzer entry of the `orders_csv` target; the body and its properties are in
//! `host::fuzz::orders_csv` (shared with host/tests/fuzz_corpus.rs, which replays this corpus).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| host::fuzz::orders_csv(data));
