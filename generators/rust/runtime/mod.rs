//! The hand-written runtime of vmp-protocol, copied verbatim from generators/rust/runtime/.

pub mod codec;
pub mod dtype;
pub mod error;
pub mod json;
pub mod ndarray;
pub mod options;
pub mod registry;
#[cfg(feature = "rpc")]
pub mod rpc;
pub mod safetensors;
pub mod schema;
pub mod value;
pub mod value_serde;
pub mod wire;
pub mod zdata;
