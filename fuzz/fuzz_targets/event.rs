//! libFuzzer entry of the `event` target; the body and its properties are in
//! `host::fuzz::event` (shared with host/tests/fuzz_corpus.rs, which replays this corpus).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| host::fuzz::event(data));
