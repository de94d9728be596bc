//! The direct decoder's free-form values: one item read straight into a [`Value`], as `wire::read` then the
//! checker's free-form rule make it (maps with a string `ztype` become ZData, spec §7.1), in one pass.

use std::collections::HashSet;

use super::decode::{utf8, Cursor, Number};
use super::encode::{Defect, Fast};
use crate::runtime::error::Result;
use crate::runtime::ndarray::{ArrayKind, NdArray};
use crate::runtime::value::{CompactString, Map, Value};
use crate::runtime::zdata::{array_from_parts, ZData};

/// Maps switch from a linear duplicate-key scan to a set of keys once they hold this many entries.
const HASHED_KEYS_FROM: usize = 16;

impl<'a> Cursor<'a> {
    /// A free-form value: the item as it is encoded, with ZData detected (spec §7.1).
    pub fn any(&mut self) -> Fast<Value> {
        let b = self.byte()?;
        Ok(match b {
            0x00..=0x7f => Value::Int(i128::from(b)),
            0xe0..=0xff => Value::Int(i128::from(b as i8)),
            0xa0..=0xbf => Value::Str(self.text(usize::from(b & 0x1f))?),
            0x90..=0x9f => self.any_array(usize::from(b & 0x0f))?,
            0x80..=0x8f => self.any_map(usize::from(b & 0x0f))?,
            0xc0 => Value::Nil,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xcc => Value::Int(i128::from(self.be(1)?)),
            0xcd => Value::Int(i128::from(self.be(2)?)),
            0xce => Value::Int(i128::from(self.be(4)?)),
            0xcf => Value::Int(i128::from(self.be(8)?)),
            0xd0 => Value::Int(i128::from(self.be(1)? as u8 as i8)),
            0xd1 => Value::Int(i128::from(self.be(2)? as u16 as i16)),
            0xd2 => Value::Int(i128::from(self.be(4)? as u32 as i32)),
            0xd3 => Value::Int(i128::from(self.be(8)? as i64)),
            0xca => Value::F32(f32::from_bits(self.be(4)? as u32)),
            0xcb => Value::F64(f64::from_bits(self.be(8)?)),
            0xd9 => Value::Str(self.sized_text(1)?),
            0xda => Value::Str(self.sized_text(2)?),
            0xdb => Value::Str(self.sized_text(4)?),
            0xc4 => self.sized_bin(1)?,
            0xc5 => self.sized_bin(2)?,
            0xc6 => self.sized_bin(4)?,
            0xdc => self.sized_array(2)?,
            0xdd => self.sized_array(4)?,
            0xde => self.sized_map(2)?,
            0xdf => self.sized_map(4)?,
            // 0xc1 and the ext formats: the checked path reports them.
            _ => return Err(Defect),
        })
    }

    fn text(&mut self, n: usize) -> Fast<CompactString> {
        utf8(self.take(n)?).map(CompactString::from)
    }

    fn sized_text(&mut self, size: usize) -> Fast<CompactString> {
        let n = self.be(size)? as usize;
        self.text(n)
    }

    fn sized_bin(&mut self, size: usize) -> Fast<Value> {
        let n = self.be(size)? as usize;
        self.bin_payload(n).map(Value::Bin)
    }

    fn sized_array(&mut self, size: usize) -> Fast<Value> {
        let n = self.be(size)? as usize;
        self.any_array(n)
    }

    fn sized_map(&mut self, size: usize) -> Fast<Value> {
        let n = self.be(size)? as usize;
        self.any_map(n)
    }

    fn any_array(&mut self, n: usize) -> Fast<Value> {
        self.enter()?;
        // An item takes at least one byte: a hostile length cannot reserve more than the frame holds.
        let mut items = Vec::with_capacity(n.min(self.buf.len() - self.pos));
        for _ in 0..n {
            items.push(self.any()?);
        }
        self.depth -= 1;
        Ok(Value::Array(items))
    }

    /// A map of `n` entries, ZData when it has a string `ztype`.
    fn any_map(&mut self, n: usize) -> Fast<Value> {
        self.enter()?;
        // The canonical layout starts with the fixstr "ztype"; other maps are not read twice.
        if n == 4 && self.buf[self.pos..].starts_with(b"\xa5ztype") {
            if let Some(array) = self.canonical_array()? {
                self.depth -= 1;
                return Ok(array);
            }
        }
        // ZData reads its entries as they are encoded: a ZData made inside it means the checked path's reading.
        let made = self.zdata_made;
        let mut map = Map::with_capacity(n.min((self.buf.len() - self.pos) / 2));
        let mut keys: HashSet<&'a str> = HashSet::new();
        let mut zdata = false;
        for _ in 0..n {
            let key = self.str()?;
            let duplicate = if n < HASHED_KEYS_FROM {
                map.contains_key(key)
            } else {
                !keys.insert(key)
            };
            if duplicate {
                return Err(Defect);
            }
            let value = self.any()?;
            zdata |= key == "ztype" && matches!(value, Value::Str(_));
            map.push_unique(key.into(), value);
        }
        self.depth -= 1;
        if !zdata {
            return Ok(Value::Map(map));
        }
        if self.zdata_made != made {
            return Err(Defect);
        }
        self.zdata_made += 1;
        let z = ZData::from_map(map, self.options).map_err(|_| Defect)?;
        Ok(Value::ZData(Box::new(z)))
    }

    /// An array or tensor in its canonical layout (`ztype`, `b`, `dtype`, `shape`, as every VMP encoder writes
    /// it), read without building its map; `None` (nothing consumed) for any other map.
    fn canonical_array(&mut self) -> Fast<Option<Value>> {
        let start = (self.pos, self.depth);
        match self.try_canonical_array() {
            Some(Ok(array)) => {
                self.zdata_made += 1;
                Ok(Some(Value::ZData(Box::new(ZData::Array(array)))))
            }
            Some(Err(_)) => Err(Defect),
            None => {
                (self.pos, self.depth) = start;
                Ok(None)
            }
        }
    }

    /// `None` when the entries are not the canonical ones, else the array they make or the reason they make none.
    fn try_canonical_array(&mut self) -> Option<Result<NdArray>> {
        if self.str().ok()? != "ztype" {
            return None;
        }
        let kind = match self.str().ok()? {
            "numpy.ndarray" => ArrayKind::Numpy,
            "torch.Tensor" => ArrayKind::Torch,
            _ => return None,
        };
        if self.str().ok()? != "b" {
            return None;
        }
        let b = self.bin().ok()?;
        if self.str().ok()? != "dtype" {
            return None;
        }
        let dtype = self.str().ok()?;
        if self.str().ok()? != "shape" {
            return None;
        }
        let n = match self.byte().ok()? {
            b @ 0x90..=0x9f => usize::from(b & 0x0f),
            _ => return None,
        };
        self.enter().ok()?;
        let mut shape = Vec::with_capacity(n);
        for _ in 0..n {
            match self.number().ok()? {
                Number::Int(i) => shape.push(u64::try_from(i).ok()?),
                _ => return None,
            }
        }
        self.depth -= 1;
        Some(array_from_parts(kind, b, dtype, shape))
    }
}
