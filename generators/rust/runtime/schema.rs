//! Type descriptors: the spec's types as runtime data.
//!
//! The generated `schema.rs` of the crate declares one `static` descriptor per named type of the spec; the codec,
//! validation and the conformance testee walk them. They mirror the toolchain's IR (core/src/ir/types.ts),
//! reduced to what the runtime needs.

use std::sync::OnceLock;

use regex::Regex;

use super::dtype::Dtype;
use super::ndarray::NdArray;

/// The type of a field, an array item or a map value.
#[derive(Debug, Clone, Copy)]
pub enum Type {
    /// An integer in `[min, max]`: the wire type's range, or narrower.
    Int {
        min: i128,
        max: i128,
    },
    Float(FloatWidth),
    Str(&'static StrType),
    Bool,
    Null,
    /// Raw bytes: [`bytes::Bytes`] in memory, `bin` on the wire.
    Bytes,
    /// Any VMP value, kept as sent (free-form).
    Any,
    /// Any ZData payload.
    ZData,
    /// A typed array: ZData that decodes to an array whose dtype and shape the field allows (spec §7.11).
    NdArray(&'static NdArrayType),
    Array(&'static ArrayType),
    /// A map with string keys and values of one type.
    Map(&'static Type),
    Nullable(&'static Type),
    /// A named type (record, union or alias).
    Named(&'static Named),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatWidth {
    F32,
    F64,
}

/// What a typed array field allows (spec §7.11).
#[derive(Debug)]
pub struct NdArrayType {
    /// The dtypes allowed; `None`: any dtype.
    pub dtypes: Option<&'static [Dtype]>,
    /// The shape pattern, one entry per dimension (`None` there: any size); `None`: any shape.
    pub shape: Option<&'static [Option<u64>]>,
}

impl NdArrayType {
    /// Why `array` does not fit the field (`InvalidValue` at the array, spec §7.11), or `None` when it does.
    pub fn problem(&self, array: &NdArray) -> Option<String> {
        if let Some(dtypes) = self.dtypes.filter(|d| !d.contains(&array.dtype())) {
            let allowed: Vec<&str> = dtypes.iter().map(|d| d.name()).collect();
            return Some(format!(
                "dtype {} is not allowed here ({})",
                array.dtype().name(),
                allowed.join(", ")
            ));
        }
        let pattern = self.shape?;
        let dims = array.shape();
        let list = |ds: Vec<String>| format!("[{}]", ds.join(", "));
        let shown = list(
            pattern
                .iter()
                .map(|d| d.map_or("n".to_string(), |d| d.to_string()))
                .collect(),
        );
        let got = list(dims.iter().map(u64::to_string).collect());
        if dims.len() != pattern.len() {
            return Some(format!(
                "shape {got} has {} dimensions; the field's shape {shown} has {}",
                dims.len(),
                pattern.len()
            ));
        }
        let i = pattern
            .iter()
            .zip(dims)
            .position(|(want, got)| want.is_some_and(|w| w != *got))?;
        Some(format!(
            "shape {got} does not match the field's shape {shown} at dimension {i}"
        ))
    }
}

/// A string and its constraints.
#[derive(Debug)]
pub struct StrType {
    pub constant: Option<&'static str>,
    pub one_of: Option<&'static [&'static str]>,
    pub pattern: Option<&'static Pattern>,
    /// In Unicode code points, as JSON Schema counts.
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
}

impl StrType {
    /// A string without constraints.
    pub const ANY: StrType = StrType {
        constant: None,
        one_of: None,
        pattern: None,
        min_length: None,
        max_length: None,
    };

    /// Whether every string fits (no constraint at all).
    #[inline]
    pub fn is_any(&self) -> bool {
        self.constant.is_none()
            && self.one_of.is_none()
            && self.pattern.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
    }
}

/// A regular expression of the spec (ECMAScript syntax), compiled on first use. The spec's patterns are in the
/// subset the `regex` crate reads the same way but for `.`, which in ECMA-262 matches no line terminator (`\n`,
/// `\r`, U+2028, U+2029) and in `regex` only excludes `\n`: it is translated before compiling.
#[derive(Debug)]
pub struct Pattern {
    pub source: &'static str,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    pub fn is_match(&self, s: &str) -> bool {
        self.compiled
            .get_or_init(|| {
                Regex::new(&ecma_dots(self.source))
                    .unwrap_or_else(|e| panic!("the spec's pattern {:?} does not compile: {e}", self.source))
            })
            .is_match(s)
    }
}

/// `source` with each `.` outside a character class written as ECMA-262 means it: any character but a line
/// terminator.
fn ecma_dots(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let (mut escaped, mut in_class) = (false, false);
    for c in source.chars() {
        match c {
            '.' if !escaped && !in_class => out.push_str(r"[^\n\r\u{2028}\u{2029}]"),
            _ => out.push(c),
        }
        match c {
            '\\' if !escaped => escaped = true,
            '[' if !escaped => (in_class, escaped) = (true, false),
            ']' if !escaped => (in_class, escaped) = (false, false),
            _ => escaped = false,
        }
    }
    out
}

#[derive(Debug)]
pub struct ArrayType {
    pub items: Type,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
}

/// A field of a record.
#[derive(Debug)]
pub struct Field {
    /// The wire name.
    pub name: &'static str,
    pub ty: Type,
    pub required: bool,
}

/// What makes a record a message type.
#[derive(Debug)]
pub struct EventInfo {
    /// The envelope the message type follows (`ServerEvent`, `ClientEvent`, ...).
    pub envelope: &'static str,
    /// The exact `etype`, or `None` when the type is selected by `etype_pattern`.
    pub etype: Option<&'static str>,
    pub etype_pattern: Option<&'static Pattern>,
}

/// A record: fields in wire order.
#[derive(Debug)]
pub struct Record {
    pub name: &'static str,
    pub fields: &'static [Field],
    /// Open records keep unknown fields (as free-form values, after the declared ones); closed records reject them.
    pub open: bool,
    /// Set when the record is a ZData variant (`numpy.ndarray`, ...).
    pub ztype: Option<&'static str>,
    /// Set when the record is a message type.
    pub event: Option<EventInfo>,
}

impl Record {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// A tagged union: the variant is chosen by the string const at `tag`.
#[derive(Debug)]
pub struct Union {
    pub name: &'static str,
    pub tag: &'static str,
    /// `(tag value, variant)`, in declaration order.
    pub variants: &'static [(&'static str, &'static Named)],
}

/// A named alias of another type (`Timestamp`, `Dtype`, ...).
#[derive(Debug)]
pub struct Alias {
    pub name: &'static str,
    pub ty: Type,
}

/// A named type of the spec.
#[derive(Debug)]
pub enum Named {
    Record(Record),
    Union(Union),
    Alias(Alias),
}

impl Named {
    /// The spec's name (`SetEvent`).
    pub fn name(&self) -> &'static str {
        match self {
            Named::Record(r) => r.name,
            Named::Union(u) => u.name,
            Named::Alias(a) => a.name,
        }
    }

    pub fn as_record(&self) -> Option<&Record> {
        match self {
            Named::Record(r) => Some(r),
            _ => None,
        }
    }
}

/// What a type is once aliases and names are followed.
#[derive(Debug, Clone, Copy)]
pub enum Resolved {
    Record(&'static Record),
    Union(&'static Union),
    Type(Type),
}

/// Follows names and aliases until a record, a union or an unnamed type is reached.
pub fn resolve(ty: Type) -> Resolved {
    let mut cur = ty;
    loop {
        match cur {
            Type::Named(Named::Record(r)) => return Resolved::Record(r),
            Type::Named(Named::Union(u)) => return Resolved::Union(u),
            Type::Named(Named::Alias(a)) => cur = a.ty,
            other => return Resolved::Type(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn dots_match_no_line_terminator_as_in_ecma_262() {
        static ANY: Pattern = Pattern::new("^.+$");
        assert!(ANY.is_match("UPDATE"));
        for terminator in ["\n", "\r", "A\u{2028}B", "\u{2029}"] {
            assert!(!ANY.is_match(terminator), "{terminator:?}");
        }
        // Escaped, or inside a class, a dot is a dot.
        static DOTS: Pattern = Pattern::new(r"^\.[.]$");
        assert!(DOTS.is_match(".."));
        assert!(!DOTS.is_match("ab"));
    }
}
