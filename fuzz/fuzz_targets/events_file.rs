//! libFuzzer entry of the `events_file` target; the body and its properties are in
//! `host::fuzz::events_file` (shared with host/tests/fuzz_corpus.rs, which replays this corpus).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| host::fuzz::events_file(data));
