//! libFuzzer entry of the `follow` target; the body and its properties are in
//! `host::fuzz::follow` (shared with host/tests/fuzz_corpus.rs, which replays this corpus).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| host::fuzz::follow(data));
