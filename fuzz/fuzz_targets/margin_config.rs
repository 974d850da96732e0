//! libFuzzer entry of the `margin_config` target; the body and its properties are in
//! `host::fuzz::margin_config` (shared with host/tests/fuzz_corpus.rs, which replays this corpus).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| host::fuzz::margin_config(data));
