//! safetensors files (spec §7.5): the file kept as received, its tensors as zero-copy [`NdArray`] views.

use bytes::Bytes;

use super::error::{Error, ErrorKind, Result};
use super::ndarray::NdArray;

mod header;
#[cfg(test)]
mod tests;

use header::{invalid, read_span, Metadata, OrderedHeader};

/// A safetensors file: the file as received and its tensors, in the order of their data offsets.
///
/// A parsed file keeps its bytes: re-encoding it writes `b` unchanged. [`Safetensors::build`] writes a new file.
#[derive(Clone, Debug, PartialEq)]
pub struct Safetensors {
    data: Bytes,
    tensors: Vec<(String, NdArray)>,
    metadata: Option<Vec<(String, String)>>,
}

impl Safetensors {
    /// Reads a safetensors file, checking the header before slicing anything (spec §7.5). Errors have an empty
    /// path (the caller locates them at `b`): `InvalidValue` for rules 1, 2 and 5, `UnsupportedDtype`,
    /// `InvalidShape`, `ShapeMismatch`. The tensors are views of `data` (no copy).
    pub fn parse(data: Bytes) -> Result<Safetensors> {
        let n = data.len() as u64;
        if n < 8 {
            return Err(invalid(format!(
                "a safetensors file starts with an 8-byte header length; only {n} bytes present"
            )));
        }
        let mut length_bytes = [0u8; 8];
        length_bytes.copy_from_slice(&data[..8]);
        let header_length = u64::from_le_bytes(length_bytes);
        if header_length > n - 8 {
            return Err(invalid(format!(
                "safetensors header length {header_length} exceeds the {} bytes present",
                n - 8
            )));
        }
        // header_length <= n - 8, so it fits in usize.
        let data_start = 8 + header_length as usize;
        let text =
            std::str::from_utf8(&data[8..data_start]).map_err(|_| invalid("the safetensors header is not UTF-8"))?;
        let OrderedHeader {
            tensors: entries,
            metadata,
        } = serde_json::from_str(text)
            .map_err(|e| invalid(format!("the safetensors header is not a JSON object: {e}")))?;
        let metadata = match metadata {
            Metadata::Absent => None,
            Metadata::Entries(entries) => Some(entries),
            Metadata::Malformed => return Err(invalid("safetensors __metadata__ must map strings to strings")),
        };
        let data_length = n - data_start as u64;
        let mut spans = Vec::with_capacity(entries.len());
        for (name, entry) in entries {
            spans.push(read_span(name, &entry, data_length)?);
        }
        spans.sort_by_key(|s| s.begin); // stable: equal offsets keep header order
        let mut end = 0u64;
        for s in &spans {
            if s.begin != end {
                let what = if s.begin > end { "gap" } else { "overlap" };
                return Err(invalid(format!("safetensors data has a {what} at byte {end}")));
            }
            end = s.end;
        }
        if end != data_length {
            return Err(invalid(format!(
                "safetensors tensors cover {end} of the {data_length} data bytes"
            )));
        }
        let mut tensors = Vec::with_capacity(spans.len());
        for s in spans {
            // begin <= end <= data_length, all within the file.
            let view = data.slice(data_start + s.begin as usize..data_start + s.end as usize);
            let array = NdArray::new(s.dtype, s.shape, view)?;
            tensors.push((s.name, array));
        }
        Ok(Safetensors {
            data,
            tensors,
            metadata,
        })
    }

    /// Writes a new file (spec §7.5): a compact JSON header with the tensors in the given order and contiguous
    /// offsets, padded with spaces to a multiple of 8 bytes, then the tensors' bytes. Errors (path: the
    /// tensor's name): `UnsupportedDtype` for complex arrays (safetensors has no complex type), `InvalidValue`
    /// for a repeated name or the name `__metadata__`.
    pub fn build(tensors: Vec<(String, NdArray)>) -> Result<Safetensors> {
        Safetensors::build_with_metadata(tensors, None)
    }

    /// [`Safetensors::build`] with a `__metadata__` entry (a map of strings to strings, written first).
    pub fn build_with_metadata(
        tensors: Vec<(String, NdArray)>,
        metadata: Option<Vec<(String, String)>>,
    ) -> Result<Safetensors> {
        let mut header = String::from("{");
        if let Some(meta) = &metadata {
            header.push_str("\"__metadata__\":{");
            for (i, (k, v)) in meta.iter().enumerate() {
                if i > 0 {
                    header.push(',');
                }
                push_json(&mut header, k);
                header.push(':');
                push_json(&mut header, v);
            }
            header.push('}');
        }
        let mut offset = 0usize;
        for (i, (name, array)) in tensors.iter().enumerate() {
            if name == "__metadata__" || tensors[..i].iter().any(|(other, _)| other == name) {
                return Err(invalid(format!("tensor name {name:?} is reserved or repeated")).in_key(name));
            }
            let code = array.dtype().safetensors_code().ok_or_else(|| {
                Error::new(
                    ErrorKind::UnsupportedDtype,
                    format!("safetensors has no {}", array.dtype()),
                )
                .in_key(name)
            })?;
            if header.len() > 1 {
                header.push(',');
            }
            push_json(&mut header, name);
            header.push_str(":{\"dtype\":\"");
            header.push_str(code);
            header.push_str("\",\"shape\":[");
            for (j, d) in array.shape().iter().enumerate() {
                if j > 0 {
                    header.push(',');
                }
                header.push_str(&d.to_string());
            }
            let end = offset + array.bytes().len();
            header.push_str(&format!("],\"data_offsets\":[{offset},{end}]}}"));
            offset = end;
        }
        header.push('}');
        while !header.len().is_multiple_of(8) {
            header.push(' ');
        }
        let mut file = Vec::with_capacity(8 + header.len() + offset);
        file.extend_from_slice(&(header.len() as u64).to_le_bytes());
        file.extend_from_slice(header.as_bytes());
        for (_, array) in &tensors {
            file.extend_from_slice(array.bytes());
        }
        Safetensors::parse(Bytes::from(file))
    }

    /// The file's bytes: as received for a parsed file.
    pub fn bytes(&self) -> &Bytes {
        &self.data
    }

    /// The tensors, in the order of their data offsets.
    pub fn tensors(&self) -> &[(String, NdArray)] {
        &self.tensors
    }

    /// The tensor named `name`.
    pub fn get(&self, name: &str) -> Option<&NdArray> {
        self.tensors.iter().find(|(n, _)| n == name).map(|(_, a)| a)
    }

    /// The `__metadata__` entries (strings to strings), in file order, when the header has them.
    pub fn metadata(&self) -> Option<&[(String, String)]> {
        self.metadata.as_deref()
    }
}

fn push_json(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned()));
}
