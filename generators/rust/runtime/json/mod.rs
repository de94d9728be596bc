//! The JSON form of a VMP value (spec §9): the JSON text users author and read, shared by every binding and the
//! CLI. Same structure as the value, compact, bytes as `{"__bytes__": "<base64>"}`, ZData as its map.
//!
//! [`to_json`] and [`from_json`] work on raw values, without a schema; a conversion through a type (a float field
//! holding `2` reads as 2.0, §9.4) is `codec::check`'s job after [`from_json`], and ZData in free-form positions is
//! detected there too.
//!
//! Why not serde_json here: (1) integers must be exact over -2^63..2^64-1 and anything else `IntegerOutOfRange`,
//! while serde_json's `Value` turns a wider integer into a rounded f64 unless the crate-global
//! `arbitrary_precision` feature is on (which would change serde_json for every user of the crate graph);
//! (2) the spec needs `1` and `1.0` apart (integer vs float64), entry order kept and repeated member names
//! rejected as `DuplicateKey` with the path of the object, which serde_json's `Value` (last one wins) does not
//! give; (3) floats must print as ECMAScript's `Number.prototype.toString` (`1e+21`, `1e-7`, `1.0`, `-0.0`) where
//! serde_json prints Rust's forms (`1e21`, `1.0e-7`), and non-finite floats must be `InvalidValue` rather than
//! `null`; (4) errors must use the VMP taxonomy with paths. The parser and printer below are small and exact.

mod read;
#[cfg(test)]
mod tests;
mod write;

pub use read::from_json;
pub use write::{push_js_number, push_js_string, to_json};

/// The key that marks bytes when it is an object's only member, holding a string (vrpc-py's JSONSerializer).
pub const BYTES_KEY: &str = "__bytes__";
