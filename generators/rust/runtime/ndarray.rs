//! n-dimensional arrays (spec §7.3): a dtype, a shape and the elements little-endian in C order, held in
//! [`Bytes`] so that a decoded array is a view of the frame (spec §7.9).

use bytes::Bytes;

use super::dtype::{Dtype, Element};
use super::error::{Error, ErrorKind, Result};

/// The most dimensions an array may have (spec §7.3).
pub const MAX_DIMS: usize = 64;

/// Which ztype an array is written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArrayKind {
    /// `numpy.ndarray`
    Numpy,
    /// `torch.Tensor`
    Torch,
}

impl ArrayKind {
    /// The ztype this kind is written with.
    pub fn ztype(self) -> &'static str {
        match self {
            ArrayKind::Numpy => "numpy.ndarray",
            ArrayKind::Torch => "torch.Tensor",
        }
    }
}

/// An n-dimensional array: dtype, shape and the elements little-endian in C order.
///
/// The element bytes are a [`Bytes`]: a decoded array shares the frame's buffer (no copy), and so does the `b`
/// it re-encodes to. Typed access: [`NdArray::as_slice`] (a view, when the dtype matches and the bytes are
/// aligned) or [`NdArray::to_vec`] (a copy, at any alignment).
#[derive(Clone, Debug, PartialEq)]
pub struct NdArray {
    kind: ArrayKind,
    dtype: Dtype,
    shape: Vec<u64>,
    data: Bytes,
}

/// The number of elements of `shape`: `InvalidShape` for more than 64 dimensions or a product beyond 2^64-1
/// (computed exactly: a zero dimension makes any product 0).
pub(crate) fn element_count(shape: &[u64]) -> Result<u64> {
    if shape.len() > MAX_DIMS {
        return Err(Error::new(
            ErrorKind::InvalidShape,
            format!("{} dimensions; at most {MAX_DIMS} are allowed", shape.len()),
        ));
    }
    if shape.contains(&0) {
        return Ok(0);
    }
    let mut product: u64 = 1;
    for &d in shape {
        product = product.checked_mul(d).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidShape,
                "the product of the dimensions overflows 64 bits",
            )
        })?;
    }
    Ok(product)
}

/// `ShapeMismatch` unless `len` is `count` elements of `dtype`.
pub(crate) fn check_len(dtype: Dtype, count: u64, len: usize) -> Result<()> {
    let expected = u128::from(count) * dtype.itemsize() as u128;
    if expected != len as u128 {
        return Err(Error::new(
            ErrorKind::ShapeMismatch,
            format!("b holds {len} bytes; shape × itemsize of {dtype} needs {expected}"),
        ));
    }
    Ok(())
}

/// `InvalidValue` unless every byte is `00` or `01`.
pub(crate) fn check_bools(data: &[u8]) -> Result<()> {
    match data.iter().position(|&b| b > 1) {
        None => Ok(()),
        Some(i) => Err(Error::new(
            ErrorKind::InvalidValue,
            format!("bool element {i} is 0x{:02x}; only 00 and 01 are booleans", data[i]),
        )),
    }
}

/// Owns a `Vec<T>` and shows it as bytes, so that `Bytes::from_owner` takes it without a copy.
struct PodVec<T: Element>(Vec<T>);

impl<T: Element> AsRef<[u8]> for PodVec<T> {
    fn as_ref(&self) -> &[u8] {
        bytemuck::cast_slice(&self.0)
    }
}

/// The little-endian bytes of `items`, copied.
fn le_bytes<T: Element>(items: &[T]) -> Vec<u8> {
    #[allow(unused_mut)]
    let mut out = bytemuck::cast_slice::<T, u8>(items).to_vec();
    #[cfg(target_endian = "big")]
    swap_units(&mut out, T::DTYPE.swap_unit());
    out
}

/// Reverses the bytes of each `unit`-byte group of `data` in place.
pub(crate) fn swap_units(data: &mut [u8], unit: usize) {
    if unit > 1 {
        for chunk in data.chunks_exact_mut(unit) {
            chunk.reverse();
        }
    }
}

impl NdArray {
    /// An array of `dtype` and `shape` over `data` (little-endian, C order), written as `numpy.ndarray`.
    ///
    /// Errors (empty path): `InvalidShape` (more than 64 dimensions, a product beyond 2^64-1), `ShapeMismatch`
    /// (`data` is not product × item size bytes), `InvalidValue` (a `bool` byte other than `00`/`01`).
    pub fn new(dtype: Dtype, shape: Vec<u64>, data: Bytes) -> Result<Self> {
        let count = element_count(&shape)?;
        NdArray::with_count(dtype, shape, data, count)
    }

    /// [`NdArray::new`] once the shape's element count is known.
    pub(crate) fn with_count(dtype: Dtype, shape: Vec<u64>, data: Bytes, count: u64) -> Result<Self> {
        check_len(dtype, count, data.len())?;
        if dtype == Dtype::Bool {
            check_bools(&data)?;
        }
        Ok(NdArray {
            kind: ArrayKind::Numpy,
            dtype,
            shape,
            data,
        })
    }

    /// An array owning `items`, without a copy on little-endian hosts (the `Vec` becomes the buffer).
    pub fn from_vec<T: Element>(items: Vec<T>, shape: Vec<u64>) -> Result<Self> {
        #[cfg(target_endian = "little")]
        let data = Bytes::from_owner(PodVec(items));
        #[cfg(target_endian = "big")]
        let data = Bytes::from(le_bytes(&items));
        NdArray::new(T::DTYPE, shape, data)
    }

    /// An array holding a copy of `items`.
    pub fn from_slice<T: Element>(items: &[T], shape: Vec<u64>) -> Result<Self> {
        NdArray::new(T::DTYPE, shape, Bytes::from(le_bytes(items)))
    }

    /// A `bool` array from Rust booleans (one byte each).
    pub fn from_bools(items: &[bool], shape: Vec<u64>) -> Result<Self> {
        let data: Vec<u8> = items.iter().map(|&b| u8::from(b)).collect();
        NdArray::new(Dtype::Bool, shape, Bytes::from(data))
    }

    /// The same array, written with the ztype of `kind` (`ArrayKind::Torch`: `torch.Tensor`).
    pub fn with_kind(mut self, kind: ArrayKind) -> Self {
        self.kind = kind;
        self
    }

    /// The ztype the array is written with.
    pub fn kind(&self) -> ArrayKind {
        self.kind
    }

    /// The element type.
    pub fn dtype(&self) -> Dtype {
        self.dtype
    }

    /// The dimensions; `[]` for a 0-d array (one element).
    pub fn shape(&self) -> &[u64] {
        &self.shape
    }

    /// The number of elements (the product of the shape).
    pub fn len(&self) -> usize {
        // The data holds len × itemsize bytes, so the count fits in usize.
        self.data.len() / self.dtype.itemsize()
    }

    /// True when the array has no element.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The elements' bytes, little-endian in C order: the buffer itself, not a copy.
    pub fn bytes(&self) -> &Bytes {
        &self.data
    }

    /// The elements' bytes, by value (a cheap reference-counted handle).
    pub fn into_bytes(self) -> Bytes {
        self.data
    }

    /// A typed view of the elements: `Some` when `T` holds this dtype, the host is little-endian and the bytes
    /// are aligned for `T` (a payload at an odd offset of its frame is not; use [`NdArray::to_vec`]).
    pub fn as_slice<T: Element>(&self) -> Option<&[T]> {
        if T::DTYPE != self.dtype || cfg!(target_endian = "big") {
            return None;
        }
        bytemuck::try_cast_slice(&self.data).ok()
    }

    /// The elements as a `Vec<T>` (one copy, at any alignment). `WrongType` when `T` does not hold this dtype.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        if T::DTYPE != self.dtype {
            return Err(Error::new(
                ErrorKind::WrongType,
                format!("the array holds {}, not {}", self.dtype, T::DTYPE),
            ));
        }
        let mut out = vec![T::zeroed(); self.len()];
        let dst: &mut [u8] = bytemuck::cast_slice_mut(&mut out);
        dst.copy_from_slice(&self.data);
        #[cfg(target_endian = "big")]
        swap_units(dst, T::DTYPE.swap_unit());
        Ok(out)
    }

    /// The `bool` element at flat (C-order) index `i`; `None` for another dtype or an index out of range.
    pub fn get_bool(&self, i: usize) -> Option<bool> {
        if self.dtype != Dtype::Bool {
            return None;
        }
        self.data.get(i).map(|&b| b != 0)
    }

    /// The elements of a `bool` array; `WrongType` for another dtype.
    pub fn to_bools(&self) -> Result<Vec<bool>> {
        if self.dtype != Dtype::Bool {
            return Err(Error::new(
                ErrorKind::WrongType,
                format!("the array holds {}, not bool", self.dtype),
            ));
        }
        Ok(self.data.iter().map(|&b| b != 0).collect())
    }

    /// The shape as `usize` dimensions; `InvalidShape` when one does not fit this platform.
    pub fn shape_usize(&self) -> Result<Vec<usize>> {
        self.shape
            .iter()
            .map(|&d| {
                usize::try_from(d)
                    .map_err(|_| Error::new(ErrorKind::InvalidShape, "a dimension is too large for this platform"))
            })
            .collect()
    }
}

#[cfg(feature = "ndarray")]
impl NdArray {
    /// A copy of the array as an [`ndarray::ArrayD`]. `WrongType` when `T` does not hold this dtype.
    pub fn to_ndarray<T: Element>(&self) -> Result<ndarray::ArrayD<T>> {
        let shape = self.shape_usize()?;
        let items = self.to_vec::<T>()?;
        ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&shape), items)
            .map_err(|e| Error::new(ErrorKind::InvalidShape, format!("the shape does not fit ndarray: {e}")))
    }

    /// An array holding the logical contents of `array` in C order, whatever its memory layout (Fortran order,
    /// transposed or strided views).
    pub fn from_ndarray<T, S, D>(array: &ndarray::ArrayBase<S, D>) -> Result<Self>
    where
        T: Element,
        S: ndarray::Data<Elem = T>,
        D: ndarray::Dimension,
    {
        let shape = array.shape().iter().map(|&d| d as u64).collect();
        let items: Vec<T> = match array.as_slice() {
            Some(s) => s.to_vec(),
            None => array.iter().copied().collect(),
        };
        NdArray::from_vec(items, shape)
    }
}

#[cfg(feature = "ndarray")]
impl<T: Element> TryFrom<ndarray::ArrayD<T>> for NdArray {
    type Error = Error;

    /// The logical contents in C order (see [`NdArray::from_ndarray`]), without a copy when `array` is already
    /// in standard (C-contiguous) layout on a little-endian host. `InvalidShape` beyond 64 dimensions.
    fn try_from(array: ndarray::ArrayD<T>) -> Result<Self> {
        let shape: Vec<u64> = array.shape().iter().map(|&d| d as u64).collect();
        let items: Vec<T> = if array.is_standard_layout() {
            // Standard layout: the elements are contiguous and in C order from the offset on.
            let len = array.len();
            let (mut raw, offset) = array.into_raw_vec_and_offset();
            let start = offset.unwrap_or(0);
            if start != 0 || raw.len() != len {
                raw.truncate(start + len);
                raw.drain(..start);
            }
            raw
        } else {
            array.iter().copied().collect()
        };
        NdArray::from_vec(items, shape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use half::bf16;
    use num_complex::Complex;

    #[test]
    fn new_checks_shape_and_length() {
        let a = NdArray::new(
            Dtype::Float32,
            vec![3],
            Bytes::from_static(&[0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40]),
        )
        .unwrap();
        assert_eq!(a.to_vec::<f32>().unwrap(), [1.0, 2.0, 3.0]);
        assert_eq!(a.len(), 3);
        assert_eq!(a.kind(), ArrayKind::Numpy);
        let e = NdArray::new(Dtype::Float32, vec![3], Bytes::from_static(&[0; 8])).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ShapeMismatch);
        // 0-d: one element.
        assert!(NdArray::new(Dtype::Float64, vec![], Bytes::from_static(&[0; 8])).is_ok());
        assert_eq!(
            NdArray::new(Dtype::Float64, vec![], Bytes::new()).unwrap_err().kind(),
            ErrorKind::ShapeMismatch
        );
        // A zero dimension makes the product 0 whatever the others are.
        let empty = NdArray::new(Dtype::Uint8, vec![u64::MAX, 0, u64::MAX], Bytes::new()).unwrap();
        assert!(empty.is_empty());
        let e = NdArray::new(Dtype::Uint8, vec![1 << 32, 1 << 32], Bytes::new()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidShape);
        let e = NdArray::new(Dtype::Uint8, vec![1; 65], Bytes::from_static(&[7])).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidShape);
        assert!(NdArray::new(Dtype::Uint8, vec![1; 64], Bytes::from_static(&[7])).is_ok());
        // 2^63 × 2 elements of 8 bytes: the count fits u64 but not the byte length: a mismatch, no overflow.
        let e = NdArray::new(Dtype::Float64, vec![1 << 63, 1], Bytes::new()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ShapeMismatch);
    }

    #[test]
    fn bool_bytes_are_00_or_01() {
        let a = NdArray::new(Dtype::Bool, vec![2], Bytes::from_static(&[1, 0])).unwrap();
        assert_eq!(a.to_bools().unwrap(), [true, false]);
        assert_eq!(a.get_bool(0), Some(true));
        assert_eq!(a.get_bool(2), None);
        let e = NdArray::new(Dtype::Bool, vec![2], Bytes::from_static(&[1, 2])).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidValue);
        assert_eq!(
            NdArray::from_bools(&[false, true], vec![2]).unwrap().bytes().as_ref(),
            [0, 1]
        );
        assert_eq!(a.to_vec::<u8>().unwrap_err().kind(), ErrorKind::WrongType);
    }

    #[test]
    fn from_vec_is_zero_copy() {
        let items = vec![1.0f64, 2.0, 3.0, 4.0];
        let ptr = items.as_ptr() as *const u8;
        let a = NdArray::from_vec(items, vec![2, 2]).unwrap();
        if cfg!(target_endian = "little") {
            assert_eq!(a.bytes().as_ptr(), ptr);
        }
        assert_eq!(a.dtype(), Dtype::Float64);
        assert_eq!(&a.bytes()[..8], &[0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
        assert_eq!(a.as_slice::<f64>(), Some(&[1.0, 2.0, 3.0, 4.0][..]));
        assert_eq!(a.as_slice::<f32>(), None);
        assert_eq!(a.to_vec::<u64>().unwrap_err().kind(), ErrorKind::WrongType);
        let e = NdArray::from_vec(vec![1u16, 2, 3], vec![2]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ShapeMismatch);
    }

    #[test]
    fn from_slice_copies_little_endian() {
        let a = NdArray::from_slice(&[0x0102u16, 0x0304], vec![2]).unwrap();
        assert_eq!(a.bytes().as_ref(), [2, 1, 4, 3]);
        let c = NdArray::from_slice(&[Complex::new(1.0f32, -2.0)], vec![1]).unwrap();
        assert_eq!(c.bytes().as_ref(), [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
        assert_eq!(c.dtype(), Dtype::Complex64);
        let b = NdArray::from_slice(&[bf16::from_f32(1.0)], vec![]).unwrap();
        assert_eq!(b.bytes().as_ref(), [0x80, 0x3f]);
        assert_eq!(b.with_kind(ArrayKind::Torch).kind(), ArrayKind::Torch);
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn as_slice_needs_alignment_to_vec_does_not() {
        // 4 float32 at offset 0 and at offset 1 of an aligned buffer.
        let storage: Vec<u32> = vec![0x3f80_0000, 0x4000_0000, 0x4040_0000, 0, 0];
        let raw: Vec<u8> = bytemuck::cast_slice::<u32, u8>(&storage).to_vec();
        // A u32 buffer starts 4-byte aligned: offset 0 is aligned for f32, offset 1 is not.
        let base = Bytes::from_owner(PodVec(storage));
        let aligned = NdArray::new(Dtype::Float32, vec![3], base.slice(0..12)).unwrap();
        assert_eq!(aligned.as_slice::<f32>(), Some(&[1.0f32, 2.0, 3.0][..]));
        let words: Vec<u32> = vec![0; 4];
        let mut bytes: Vec<u8> = bytemuck::cast_slice::<u32, u8>(&words).to_vec();
        bytes[1..13].copy_from_slice(&raw[..12]);
        let words: Vec<u32> = bytes
            .chunks_exact(4)
            .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let owned = Bytes::from_owner(PodVec(words));
        let misaligned = NdArray::new(Dtype::Float32, vec![3], owned.slice(1..13)).unwrap();
        assert_eq!(misaligned.bytes().as_ptr() as usize % 4, 1);
        assert_eq!(misaligned.as_slice::<f32>(), None);
        assert_eq!(misaligned.to_vec::<f32>().unwrap(), [1.0, 2.0, 3.0]);
    }

    #[test]
    fn swap_units_reverses_each_group() {
        let mut b = [1, 2, 3, 4, 5, 6, 7, 8];
        swap_units(&mut b, 4);
        assert_eq!(b, [4, 3, 2, 1, 8, 7, 6, 5]);
        swap_units(&mut b, 1);
        assert_eq!(b, [4, 3, 2, 1, 8, 7, 6, 5]);
    }

    #[cfg(feature = "ndarray")]
    #[test]
    fn ndarray_round_trip_in_c_order() {
        let a = ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&[2, 3]), vec![1i32, 2, 3, 4, 5, 6]).unwrap();
        let a_copy = a.clone();
        let t = a.t().to_owned(); // Fortran-ordered memory, logical [[1,4],[2,5],[3,6]]
        let n = NdArray::from_ndarray(&t.view()).unwrap();
        assert_eq!(n.shape(), [3, 2]);
        assert_eq!(n.to_vec::<i32>().unwrap(), [1, 4, 2, 5, 3, 6]);
        let n2 = NdArray::try_from(t.clone()).unwrap();
        assert_eq!(n2, n);
        let sliced = a.slice_move(ndarray::s![1.., ..]).into_dyn(); // standard layout at an offset
        assert_eq!(NdArray::try_from(sliced).unwrap().to_vec::<i32>().unwrap(), [4, 5, 6]);
        let c = NdArray::try_from(a_copy).unwrap();
        assert_eq!(c.to_vec::<i32>().unwrap(), [1, 2, 3, 4, 5, 6]);
        assert_eq!(n.to_ndarray::<i32>().unwrap(), t);
    }
}
