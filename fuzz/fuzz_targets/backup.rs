#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aimsgap_hostile::backup(data));
