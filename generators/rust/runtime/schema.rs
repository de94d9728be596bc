//! Type descriptors: the spec's types as runtime data.
//!
//! The generated `schema.rs` of the crate declares one `static` descriptor per named type of the spec; the codec,
//! validation and the conformance testee walk them. They mirror the toolchain's IR (core/src/ir/types.ts),
//! reduced to what the runtime needs.

use std::sync::OnceLock;

use regex::Regex;

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
