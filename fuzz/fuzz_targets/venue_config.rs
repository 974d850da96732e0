//! libFuzzer entry of the `venue_config` target; the body and its properties are in
//! `host::fuzz::venue_config` (shared with host/tests/fuzz_corpus.rs, which replays this corpus).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| host::fuzz::venue_config(data));
