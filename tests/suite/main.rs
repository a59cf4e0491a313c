//! kbgen's integration tests, one test binary: each module is one area of the product, and
//! `harness` is what they share (sites to copy, build and read back; running the binary;
//! reading its diagnostics). Fixture sites are in tests/fixtures/sites/ (see its README.md).

mod harness;

mod alerts;
mod bad_input;
mod fluent_corpus;
mod hostile;
mod import;
mod large;
mod links;
mod publish;
mod review;
mod servers;
mod site;
mod smoke;
mod snippets;
mod workflow;
