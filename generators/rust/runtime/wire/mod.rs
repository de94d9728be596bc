//! The MessagePack layer of VMP, without a schema (spec §2, §3): [`read`] turns a frame into a raw
//! [`Value`](super::value::Value) and reports every wire error (§2.4, §2.6, §8.2) with its kind, byte offset and
//! path; [`write_value`] writes a value's canonical bytes (§3). Schema conversions and ZData detection are the
//! checker's job (`codec::check`): here a map is a map, an integer an integer and a float32 a float32.
//!
//! Why the reader is hand-written rather than `rmpv::decode::read_value`: the value model is not the reason, since
//! `rmpv::Value` (1.x) keeps `F32` apart from `F64`, `Binary` apart from `String`, and map entries in order. The
//! reasons are: (1) zero copy: `bin` payloads here are `Bytes` slices of the frame, `rmpv::Value::Binary` is a
//! copied `Vec<u8>`; (2) the error taxonomy: VMP reports `Truncated`/`TrailingBytes`/`InvalidUtf8`/
//! `NonStringKey`/`DuplicateKey`/`DepthExceeded`/`UnsupportedExt`/`InvalidValue` with the byte offset of the failing
//! item and its path (§2.6, §8.1), while `rmpv` returns I/O-style errors without either, decodes ext items into
//! `Value::Ext`, accepts any value as a key and repeated keys, keeps invalid UTF-8 inside `Utf8String`, and leaves
//! trailing bytes to the caller; every one of those would need a second pass over the tree, which cannot recover
//! offsets; (3) the limits of §2.5: `rmpv` recurses with its own depth counter, where VMP needs exactly 512
//! containers with the error at the 513th, from an explicit stack. The writer picks the smallest form
//! exactly as §3 requires (unsigned family for values >= 0, smallest length headers).

use super::error::{Error, ErrorKind, Result};

mod read;
#[cfg(test)]
mod tests;
mod write;

pub(crate) use read::read_at;
pub use read::{format_name, read};
pub(crate) use write::write_at;
pub use write::{
    encode_value, write_array_len, write_bin, write_bool, write_f32, write_f64, write_i64, write_int, write_map_len,
    write_nil, write_str, write_u64, write_value,
};

/// At most this many nested containers (spec §2.5); entering one more is `DepthExceeded`.
pub const MAX_DEPTH: usize = 512;

/// Refuses to open a container inside `depth` enclosing ones when that makes more than [`MAX_DEPTH`] (spec §2.5).
/// Every depth check of the runtime (reader, writer, checker, JSON form) goes through here.
pub(crate) fn enter(depth: usize) -> Result<()> {
    if depth >= MAX_DEPTH {
        return Err(Error::new(
            ErrorKind::DepthExceeded,
            format!("more than {MAX_DEPTH} nested containers"),
        ));
    }
    Ok(())
}
