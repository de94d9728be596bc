//! The dtype vocabulary of spec §7.3: the 15 canonical names, numpy's explicit forms (`<f4`, `>f8`, `|u1`), the
//! safetensors codes (`F32`, `BF16`) and the Rust element types that hold each dtype ([`Element`]).

use std::fmt;

use half::{bf16, f16};
use num_complex::Complex;

use super::error::{Error, ErrorKind, Result};

/// An element type of an array: the 15 names of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dtype {
    /// `bool`: one byte, `00` or `01`.
    Bool,
    /// `int8`
    Int8,
    /// `int16`
    Int16,
    /// `int32`
    Int32,
    /// `int64`
    Int64,
    /// `uint8`
    Uint8,
    /// `uint16`
    Uint16,
    /// `uint32`
    Uint32,
    /// `uint64`
    Uint64,
    /// `float16` (IEEE half precision, [`half::f16`]).
    Float16,
    /// `bfloat16` ([`half::bf16`]).
    Bfloat16,
    /// `float32`
    Float32,
    /// `float64`
    Float64,
    /// `complex64`: two float32, real part first.
    Complex64,
    /// `complex128`: two float64, real part first.
    Complex128,
}

/// The byte order of an array's elements as a dtype string names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// Little-endian: the canonical names, `<`, `=`, no prefix, and `|` (1-byte types).
    Little,
    /// Big-endian (`>` with a multi-byte type): the elements are byte-swapped on decode.
    Big,
}

impl Dtype {
    /// Every dtype, in the order of the spec's vocabulary.
    pub const ALL: [Dtype; 15] = [
        Dtype::Bool,
        Dtype::Int8,
        Dtype::Int16,
        Dtype::Int32,
        Dtype::Int64,
        Dtype::Uint8,
        Dtype::Uint16,
        Dtype::Uint32,
        Dtype::Uint64,
        Dtype::Float16,
        Dtype::Bfloat16,
        Dtype::Float32,
        Dtype::Float64,
        Dtype::Complex64,
        Dtype::Complex128,
    ];

    /// The canonical name (`float32`), the only form encoders write.
    pub fn name(self) -> &'static str {
        match self {
            Dtype::Bool => "bool",
            Dtype::Int8 => "int8",
            Dtype::Int16 => "int16",
            Dtype::Int32 => "int32",
            Dtype::Int64 => "int64",
            Dtype::Uint8 => "uint8",
            Dtype::Uint16 => "uint16",
            Dtype::Uint32 => "uint32",
            Dtype::Uint64 => "uint64",
            Dtype::Float16 => "float16",
            Dtype::Bfloat16 => "bfloat16",
            Dtype::Float32 => "float32",
            Dtype::Float64 => "float64",
            Dtype::Complex64 => "complex64",
            Dtype::Complex128 => "complex128",
        }
    }

    /// The size of one element in bytes.
    pub fn itemsize(self) -> usize {
        match self {
            Dtype::Bool | Dtype::Int8 | Dtype::Uint8 => 1,
            Dtype::Int16 | Dtype::Uint16 | Dtype::Float16 | Dtype::Bfloat16 => 2,
            Dtype::Int32 | Dtype::Uint32 | Dtype::Float32 => 4,
            Dtype::Int64 | Dtype::Uint64 | Dtype::Float64 | Dtype::Complex64 => 8,
            Dtype::Complex128 => 16,
        }
    }

    /// The size of the unit a big-endian payload is swapped by: the item size, or half of it for complex
    /// numbers (each part is swapped separately, spec §7.3).
    pub fn swap_unit(self) -> usize {
        match self {
            Dtype::Complex64 => 4,
            Dtype::Complex128 => 8,
            other => other.itemsize(),
        }
    }

    /// The dtype of a canonical name (`float32`), or `None`. Names are case-sensitive.
    pub fn from_name(name: &str) -> Option<Dtype> {
        Dtype::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The dtype of numpy's type code (`f4`, `b1`, `c16`), without byte-order character.
    fn from_numpy_code(code: &str) -> Option<Dtype> {
        Some(match code {
            "b1" => Dtype::Bool,
            "i1" => Dtype::Int8,
            "i2" => Dtype::Int16,
            "i4" => Dtype::Int32,
            "i8" => Dtype::Int64,
            "u1" => Dtype::Uint8,
            "u2" => Dtype::Uint16,
            "u4" => Dtype::Uint32,
            "u8" => Dtype::Uint64,
            "f2" => Dtype::Float16,
            "f4" => Dtype::Float32,
            "f8" => Dtype::Float64,
            "c8" => Dtype::Complex64,
            "c16" => Dtype::Complex128,
            _ => return None,
        })
    }

    /// Reads a dtype string as decoders accept it (spec §7.3): a canonical name, or numpy's explicit form, an
    /// optional byte-order character (`<` little, `>` big, `=` or none little, `|` only with 1-byte types)
    /// followed by one of `b1 i1 i2 i4 i8 u1 u2 u4 u8 f2 f4 f8 c8 c16`. Anything else is `UnsupportedDtype`
    /// (empty path; the caller locates it).
    ///
    /// A 1-byte type is always [`ByteOrder::Little`] (there is nothing to swap).
    pub fn parse(text: &str) -> Result<(Dtype, ByteOrder)> {
        if let Some(d) = Dtype::from_name(text) {
            return Ok((d, ByteOrder::Little));
        }
        let (order, code) = match text.as_bytes().first() {
            Some(b'<') | Some(b'=') => (Some(ByteOrder::Little), &text[1..]),
            Some(b'>') => (Some(ByteOrder::Big), &text[1..]),
            Some(b'|') => (None, &text[1..]),
            _ => (Some(ByteOrder::Little), text),
        };
        let unsupported = || {
            Error::new(
                ErrorKind::UnsupportedDtype,
                format!(
                    "{text:?} is not in the dtype vocabulary (bool, int8…uint64, float16, bfloat16, float32, \
                     float64, complex64, complex128)"
                ),
            )
        };
        let dtype = Dtype::from_numpy_code(code).ok_or_else(unsupported)?;
        match order {
            None if dtype.itemsize() > 1 => Err(unsupported()),
            Some(ByteOrder::Big) if dtype.itemsize() > 1 => Ok((dtype, ByteOrder::Big)),
            _ => Ok((dtype, ByteOrder::Little)),
        }
    }

    /// The safetensors code (`F32`, `BF16`), or `None` for the complex types, which safetensors lacks.
    pub fn safetensors_code(self) -> Option<&'static str> {
        Some(match self {
            Dtype::Bool => "BOOL",
            Dtype::Uint8 => "U8",
            Dtype::Int8 => "I8",
            Dtype::Int16 => "I16",
            Dtype::Uint16 => "U16",
            Dtype::Float16 => "F16",
            Dtype::Bfloat16 => "BF16",
            Dtype::Int32 => "I32",
            Dtype::Uint32 => "U32",
            Dtype::Float32 => "F32",
            Dtype::Float64 => "F64",
            Dtype::Int64 => "I64",
            Dtype::Uint64 => "U64",
            Dtype::Complex64 | Dtype::Complex128 => return None,
        })
    }

    /// The dtype of a safetensors code (spec §7.5 rule 3), or `None` (`F8_E5M2` and other codes VMP lacks).
    pub fn from_safetensors_code(code: &str) -> Option<Dtype> {
        Dtype::ALL.into_iter().find(|d| d.safetensors_code() == Some(code))
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that holds the elements of one dtype, bit for bit (`f32` for `float32`, [`half::bf16`] for
/// `bfloat16`, `Complex<f64>` for `complex128`). Sealed: the vocabulary is closed. `bool` has no `Element` type
/// (its bytes are checked `00`/`01`); read it with `NdArray::to_bools`, or as `u8` bytes.
pub trait Element: sealed::Sealed + bytemuck::Pod + Send + Sync + 'static {
    /// The dtype this type holds.
    const DTYPE: Dtype;
}

macro_rules! element {
    ($($t:ty => $d:ident),* $(,)?) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: Dtype = Dtype::$d;
        }
    )*};
}

element! {
    u8 => Uint8,
    i8 => Int8,
    u16 => Uint16,
    i16 => Int16,
    u32 => Uint32,
    i32 => Int32,
    u64 => Uint64,
    i64 => Int64,
    f32 => Float32,
    f64 => Float64,
    f16 => Float16,
    bf16 => Bfloat16,
    Complex<f32> => Complex64,
    Complex<f64> => Complex128,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_has_15_names_and_sizes() {
        let sizes: Vec<(&str, usize)> = Dtype::ALL.iter().map(|d| (d.name(), d.itemsize())).collect();
        assert_eq!(
            sizes,
            [
                ("bool", 1),
                ("int8", 1),
                ("int16", 2),
                ("int32", 4),
                ("int64", 8),
                ("uint8", 1),
                ("uint16", 2),
                ("uint32", 4),
                ("uint64", 8),
                ("float16", 2),
                ("bfloat16", 2),
                ("float32", 4),
                ("float64", 8),
                ("complex64", 8),
                ("complex128", 16),
            ]
        );
        for d in Dtype::ALL {
            assert_eq!(Dtype::parse(d.name()), Ok((d, ByteOrder::Little)));
        }
    }

    #[test]
    fn numpy_explicit_forms() {
        assert_eq!(Dtype::parse("<f4"), Ok((Dtype::Float32, ByteOrder::Little)));
        assert_eq!(Dtype::parse(">f8"), Ok((Dtype::Float64, ByteOrder::Big)));
        assert_eq!(Dtype::parse("|u1"), Ok((Dtype::Uint8, ByteOrder::Little)));
        assert_eq!(Dtype::parse("|b1"), Ok((Dtype::Bool, ByteOrder::Little)));
        assert_eq!(Dtype::parse("=i4"), Ok((Dtype::Int32, ByteOrder::Little)));
        assert_eq!(Dtype::parse("i2"), Ok((Dtype::Int16, ByteOrder::Little)));
        assert_eq!(Dtype::parse(">c16"), Ok((Dtype::Complex128, ByteOrder::Big)));
        assert_eq!(Dtype::parse(">c8"), Ok((Dtype::Complex64, ByteOrder::Big)));
        assert_eq!(Dtype::parse("<f2"), Ok((Dtype::Float16, ByteOrder::Little)));
        // 1-byte types have no byte order to swap.
        assert_eq!(Dtype::parse(">u1"), Ok((Dtype::Uint8, ByteOrder::Little)));
        assert_eq!(Dtype::parse(">i1"), Ok((Dtype::Int8, ByteOrder::Little)));
    }

    #[test]
    fn everything_else_is_unsupported() {
        for bad in [
            "",
            "object",
            "|O",
            "<U2",
            "|S4",
            "float128",
            "<f16",
            "torch.float32",
            "datetime64[D]",
            "<M8[ns]",
            "Float32",
            "float",
            "|f4",
            "|c8",
            "<<f4",
            "f4 ",
            "<b2",
            "[('x', '<f4')]",
            "F32",
            "<",
            "|",
        ] {
            let e = Dtype::parse(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::UnsupportedDtype, "{bad:?}");
            assert!(e.path().is_empty());
        }
    }

    #[test]
    fn safetensors_codes() {
        let pairs = [
            ("BOOL", "bool"),
            ("U8", "uint8"),
            ("I8", "int8"),
            ("I16", "int16"),
            ("U16", "uint16"),
            ("F16", "float16"),
            ("BF16", "bfloat16"),
            ("I32", "int32"),
            ("U32", "uint32"),
            ("F32", "float32"),
            ("F64", "float64"),
            ("I64", "int64"),
            ("U64", "uint64"),
        ];
        for (code, name) in pairs {
            let d = Dtype::from_safetensors_code(code).unwrap();
            assert_eq!(d.name(), name);
            assert_eq!(d.safetensors_code(), Some(code));
        }
        assert_eq!(Dtype::Complex64.safetensors_code(), None);
        assert_eq!(Dtype::from_safetensors_code("F8_E5M2"), None);
        assert_eq!(Dtype::from_safetensors_code("f32"), None);
    }

    #[test]
    fn element_types_name_their_dtype() {
        assert_eq!(<f32 as Element>::DTYPE, Dtype::Float32);
        assert_eq!(<bf16 as Element>::DTYPE, Dtype::Bfloat16);
        assert_eq!(<f16 as Element>::DTYPE, Dtype::Float16);
        assert_eq!(<Complex<f64> as Element>::DTYPE, Dtype::Complex128);
        assert_eq!(<u8 as Element>::DTYPE, Dtype::Uint8);
        fn size_matches<T: Element>() -> bool {
            std::mem::size_of::<T>() == T::DTYPE.itemsize()
        }
        assert!(size_matches::<u8>() && size_matches::<i8>() && size_matches::<u16>() && size_matches::<i16>());
        assert!(size_matches::<u32>() && size_matches::<i32>() && size_matches::<u64>() && size_matches::<i64>());
        assert!(size_matches::<f16>() && size_matches::<bf16>() && size_matches::<f32>() && size_matches::<f64>());
        assert!(size_matches::<Complex<f32>>() && size_matches::<Complex<f64>>());
    }
}
