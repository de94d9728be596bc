//! The conformance testee of the Rust binding (generated/rust): the testee protocol of conformance/README.md,
//! answered with the crate's own API. `vmp conformance --lang rs` runs the `vmp-testee` binary this crate builds
//! (conformance/testees/rs/target/release/vmp-testee); the integration tests in tests/ run the shared vectors
//! (conformance/vectors) through [`respond`] and through the binding's wire layer.
//!
//! The binding's part of the job is here too: mapping its values to typed JSON (conformance/VECTORS.md) and back
//! ([`typed`]).

pub mod framing;
pub mod json;
pub mod ops;
pub mod typed;

pub use framing::serve;
pub use json::{from_hex, hex, parse_json, Json};
pub use ops::respond;
pub use typed::{from_typed, typed_json, BadRequest};
