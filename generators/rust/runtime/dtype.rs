//! The dtype vocabulary of spec §7.3: [`Dtype`] (generated from the spec's table, src/tables.rs) read from its
//! canonical names and numpy's explicit forms (`<f4`, `>f8`, `|u1`), its safetensors codes (`F32`, `BF16`), and
//! the Rust element types that hold each dtype ([`Element`]).

use std::fmt;

use half::{bf16, f16};
use num_complex::Complex;

use super::error::{Error, ErrorKind, Result};
pub use crate::tables::Dtype;

/// The byte order of an array's elements as a dtype string names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    /// Little-endian: the canonical names, `<`, `=`, no prefix, and `|` (1-byte types).
    Little,
    /// Big-endian (`>` with a multi-byte type): the elements are byte-swapped on decode.
    Big,
}

impl Dtype {
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
        Dtype::ALL.into_iter().find(|d| d.numpy_code() == Some(code))
    }

    /// Reads a dtype string as decoders accept it (spec §7.3): a canonical name, or numpy's explicit form, an
    /// optional byte-order character (`<` little, `>` big, `=` or none little, `|` only with 1-byte types)
    /// followed by a dtype's numpy code ([`Dtype::numpy_code`]: `f4`, `u1`, `c16`). Anything else is
    /// `UnsupportedDtype` (empty path; the caller locates it).
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
            let names: Vec<&str> = Dtype::ALL.iter().map(|d| d.name()).collect();
            Error::new(
                ErrorKind::UnsupportedDtype,
                format!("{text:?} is not in the dtype vocabulary ({})", names.join(", ")),
            )
        };
        let dtype = Dtype::from_numpy_code(code).ok_or_else(unsupported)?;
        match order {
            None if dtype.itemsize() > 1 => Err(unsupported()),
            Some(ByteOrder::Big) if dtype.itemsize() > 1 => Ok((dtype, ByteOrder::Big)),
            _ => Ok((dtype, ByteOrder::Little)),
        }
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
    fn every_dtype_reads_back_from_its_name_and_codes() {
        for d in Dtype::ALL {
            assert_eq!(Dtype::parse(d.name()), Ok((d, ByteOrder::Little)));
            assert_eq!(d.to_string(), d.name());
            if let Some(code) = d.numpy_code() {
                assert_eq!(Dtype::parse(code), Ok((d, ByteOrder::Little)));
                assert_eq!(Dtype::parse(&format!("<{code}")), Ok((d, ByteOrder::Little)));
            }
            if let Some(code) = d.safetensors_code() {
                assert_eq!(Dtype::from_safetensors_code(code), Some(d));
            }
            let unit = d.swap_unit();
            assert!(unit > 0 && d.itemsize() % unit == 0, "{d}");
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
        assert_eq!(Dtype::from_safetensors_code("F32"), Some(Dtype::Float32));
        assert_eq!(Dtype::from_safetensors_code("BF16"), Some(Dtype::Bfloat16));
        assert_eq!(Dtype::from_safetensors_code("BOOL"), Some(Dtype::Bool));
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
