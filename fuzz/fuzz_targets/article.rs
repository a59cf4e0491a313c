#![no_main]
//! An article file (front matter, Markdown, server-table directives) through the whole pipeline.

use libfuzzer_sys::fuzz_target;

#[path = "site.rs"]
mod site;

fuzz_target!(|data: &[u8]| {
    let root = site::root();
    std::fs::write(root.join("content/email/fuzz.sv.md"), data).unwrap();
    site::run(root);
});
