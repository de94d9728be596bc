//! Custom ZData types (spec §7.10).
//!
//! A custom type implements [`CustomZData`] (its ztype and the fields written after `ztype`) and registers a
//! decoder under its ztype in a [`Registry`], which a decoder receives through
//! [`DecodeOptions::registry`](super::options::DecodeOptions).
//!
//! Dispatch is deterministic (§7.10 rule 3). Decoding looks the ztype string up exactly. Encoding needs no
//! lookup: Rust has no subclasses, so a value is written by its own [`CustomZData::ztype`] and
//! [`CustomZData::fields`]; the same value always encodes the same way, whatever else is registered, which is
//! the determinism the spec's class / ancestor / predicate order exists to give dynamic languages.

use std::collections::HashMap;
use std::fmt::{self, Debug};
use std::sync::{Arc, OnceLock};

use regex::Regex;

use super::error::{Error, ErrorKind, Result};
use super::value::Map;

/// A registered custom ZData value.
pub trait CustomZData: Debug + Send + Sync + 'static {
    /// The ztype (`mylib.v1.Type`).
    fn ztype(&self) -> &str;
    /// The fields after `ztype`, in the order they are written.
    fn fields(&self) -> Map;
}

impl PartialEq for dyn CustomZData {
    fn eq(&self, other: &Self) -> bool {
        self.ztype() == other.ztype() && self.fields() == other.fields()
    }
}

/// A custom type's decoder: receives the whole map (`ztype` included, its values already checked as free-form
/// values) and returns the value, or an error whose path is relative to the map.
pub type Decoder = Arc<dyn Fn(&Map) -> Result<Arc<dyn CustomZData>> + Send + Sync + 'static>;

/// The namespaces no custom type may use.
pub const RESERVED_NAMESPACES: [&str; 4] = ["numpy", "torch", "safetensor", "vmp"];

/// The ztypes of spec §7.2, reserved too.
pub const KNOWN_ZTYPES: [&str; 12] = [
    "numpy.ndarray",
    "torch.Tensor",
    "image",
    "safetensor.dict",
    "Int8Array",
    "Uint8Array",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float32Array",
    "Float64Array",
];

fn name_pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        #[allow(clippy::expect_used)]
        Regex::new(r"^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$").expect("a constant pattern")
    })
}

/// The custom types known to a decoder.
#[derive(Default)]
pub struct Registry {
    decoders: HashMap<String, Decoder>,
}

impl Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.decoders.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("Registry").field("ztypes", &names).finish()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry::default()
    }

    /// Registers `decode` for the ztype `name` (spec §7.10 rule 1): `name` must be namespaced by a dot
    /// (`mylib.v1.Type`, `^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$`), outside the reserved namespaces
    /// (`numpy`, `torch`, `safetensor`, `vmp`), not a ztype of §7.2 and not registered yet; otherwise an
    /// `InvalidValue` error saying why.
    pub fn register<F>(&mut self, name: &str, decode: F) -> Result<()>
    where
        F: Fn(&Map) -> Result<Arc<dyn CustomZData>> + Send + Sync + 'static,
    {
        if !name_pattern().is_match(name) {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!("ztype {name:?} must be namespaced by a dot, like mylib.v1.Type"),
            ));
        }
        let namespace = name.split('.').next().unwrap_or(name);
        if RESERVED_NAMESPACES.contains(&namespace) || KNOWN_ZTYPES.contains(&name) {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!("ztype {name:?} is reserved (namespaces numpy, torch, safetensor, vmp; the spec's ztypes)"),
            ));
        }
        if self.decoders.contains_key(name) {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!("ztype {name:?} is already registered"),
            ));
        }
        self.decoders.insert(name.to_owned(), Arc::new(decode));
        Ok(())
    }

    /// Removes a registration; false when `name` was not registered.
    pub fn unregister(&mut self, name: &str) -> bool {
        self.decoders.remove(name).is_some()
    }

    /// The decoder registered for exactly `name`.
    pub fn decoder(&self, name: &str) -> Option<&Decoder> {
        self.decoders.get(name)
    }

    /// True when `name` is registered.
    pub fn contains(&self, name: &str) -> bool {
        self.decoders.contains_key(name)
    }

    /// The registered ztypes, sorted.
    pub fn ztypes(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.decoders.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::value::Value;

    #[derive(Debug)]
    struct Point(i64);

    impl CustomZData for Point {
        fn ztype(&self) -> &str {
            "demo.v1.Point"
        }
        fn fields(&self) -> Map {
            let mut m = Map::new();
            m.insert("x", self.0);
            m
        }
    }

    fn decode_point(map: &Map) -> Result<Arc<dyn CustomZData>> {
        match map.get("x").and_then(Value::as_i64) {
            Some(x) => Ok(Arc::new(Point(x))),
            None => Err(Error::new(ErrorKind::MissingField, "x").in_key("x")),
        }
    }

    #[test]
    fn names_must_be_namespaced_and_free() {
        let mut r = Registry::new();
        assert!(r.register("demo.v1.Point", decode_point).is_ok());
        assert!(r
            .register("a.b", |_: &Map| Ok(Arc::new(Point(0)) as Arc<dyn CustomZData>))
            .is_ok());
        assert!(r.register("my-lib.x_y.Z-1", decode_point).is_ok());
        for bad in [
            "Point",
            "1demo.Point",
            "demo.",
            ".Point",
            "demo..Point",
            "demo.v1 Point",
            "",
            "dé.mo",
            "demo.v1.Point\n",
            "_demo.Point",
        ] {
            let e = r.register(bad, decode_point).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidValue, "{bad:?}");
        }
        for reserved in [
            "numpy.ndarray",
            "numpy.Foo",
            "torch.Tensor",
            "torch.x",
            "safetensor.dict",
            "vmp.Thing",
        ] {
            let e = r.register(reserved, decode_point).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidValue, "{reserved:?}");
            assert!(e.message().contains("reserved"), "{}", e.message());
        }
        // Namespaces are compared exactly: "numpyx" is not "numpy".
        assert!(r.register("numpyx.Thing", decode_point).is_ok());
        let e = r.register("demo.v1.Point", decode_point).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidValue);
        assert!(e.message().contains("already registered"));
        assert_eq!(r.ztypes(), ["a.b", "demo.v1.Point", "my-lib.x_y.Z-1", "numpyx.Thing"]);
    }

    #[test]
    fn decoders_are_found_by_exact_name() {
        let mut r = Registry::new();
        r.register("demo.v1.Point", decode_point).unwrap();
        assert!(r.decoder("demo.v1.point").is_none());
        let decode = r.decoder("demo.v1.Point").unwrap();
        let mut m = Map::new();
        m.insert("ztype", "demo.v1.Point");
        m.insert("x", 3);
        let p = decode(&m).unwrap();
        assert_eq!(p.ztype(), "demo.v1.Point");
        assert_eq!(p.fields().get("x"), Some(&Value::Int(3)));
        assert!(r.unregister("demo.v1.Point"));
        assert!(!r.contains("demo.v1.Point"));
        assert!(format!("{r:?}").contains("Registry"));
    }
}
