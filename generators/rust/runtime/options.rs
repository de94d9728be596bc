//! Options of decoding and encoding.

use std::sync::Arc;

use super::registry::Registry;

/// How to decode (and validate) a frame.
#[derive(Clone, Debug, Default)]
pub struct DecodeOptions {
    /// An unknown ztype is an `UnknownZType` error instead of an opaque value (spec §7.7).
    pub strict_ztype: bool,
    /// Custom ZData types (spec §7.10); `None` knows only the spec's ztypes.
    pub registry: Option<Arc<Registry>>,
}

impl DecodeOptions {
    pub fn strict() -> Self {
        DecodeOptions {
            strict_ztype: true,
            registry: None,
        }
    }
}
