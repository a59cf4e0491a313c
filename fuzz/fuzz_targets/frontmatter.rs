#![no_main]
//! Front matter: splitting and parsing any text a writer could save.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(split) = kbgen::load::frontmatter::split(&text) {
        if let Err(e) = kbgen::load::frontmatter::parse(split.yaml) {
            let _ = kbgen::load::frontmatter::yaml_error("f.md", split.yaml, split.yaml_line, &e).to_string();
        }
    }
});
