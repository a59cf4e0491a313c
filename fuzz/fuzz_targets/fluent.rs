#![no_main]
//! A translator's Fluent file through the whole pipeline.

use libfuzzer_sys::fuzz_target;

#[path = "site.rs"]
mod site;

fuzz_target!(|data: &[u8]| {
    let root = site::root();
    let original = concat!(env!("CARGO_MANIFEST_DIR"), "/../locales/en/main.ftl");
    let mut text = std::fs::read(original).unwrap();
    text.extend_from_slice(data);
    std::fs::write(root.join("locales/en/main.ftl"), &text).unwrap();
    site::run(root);
});
