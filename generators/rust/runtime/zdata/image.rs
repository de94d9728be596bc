//! Images (spec §7.8): an encoded image file, kept byte for byte, and its format.

use std::fmt;

use bytes::Bytes;

/// An encoded image file (`{ztype: "image", b}`), kept byte for byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// The file's bytes, as received.
    pub data: Bytes,
    /// The format, sniffed from the magic bytes (or the `format` entry when they say nothing).
    pub format: ImageFormat,
    /// The `format` entry as received (vrpc-rs writes one), re-encoded after `b` as the conformance vectors
    /// (`zdata.image.png.format`) and the TypeScript and Python bindings do; `None` for new images.
    pub format_entry: Option<String>,
}

/// The format of an image, sniffed from its magic bytes (or the optional `format` entry when they say nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// PNG: `89 50 4e 47 0d 0a 1a 0a`.
    Png,
    /// JPEG: `ff d8 ff`.
    Jpeg,
    /// WebP: `RIFF`, 4 bytes, `WEBP`.
    Webp,
    /// Anything else (not an error).
    Unknown,
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpeg",
            ImageFormat::Webp => "webp",
            ImageFormat::Unknown => "unknown",
        })
    }
}

impl ImageFormat {
    /// The format named by an image file's first bytes (spec §7.4).
    pub fn sniff(data: &[u8]) -> ImageFormat {
        if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            ImageFormat::Png
        } else if data.starts_with(b"\xff\xd8\xff") {
            ImageFormat::Jpeg
        } else if data.len() >= 12 && data.starts_with(b"RIFF") && &data[8..12] == b"WEBP" {
            ImageFormat::Webp
        } else {
            ImageFormat::Unknown
        }
    }

    /// The format a `format` entry names (`png`, `jpeg`, `webp`), else `Unknown`.
    pub fn from_name(name: &str) -> ImageFormat {
        match name {
            "png" => ImageFormat::Png,
            "jpeg" => ImageFormat::Jpeg,
            "webp" => ImageFormat::Webp,
            _ => ImageFormat::Unknown,
        }
    }
}

impl Image {
    /// An image from an encoded file's bytes; the format is sniffed, no `format` entry is written.
    pub fn new(data: Bytes) -> Image {
        let format = ImageFormat::sniff(&data);
        Image {
            data,
            format,
            format_entry: None,
        }
    }

    /// An image as decoded: the `format` entry counts only when the bytes do not identify the format.
    pub fn with_format_entry(data: Bytes, format_entry: Option<String>) -> Image {
        let mut image = Image::new(data);
        if image.format == ImageFormat::Unknown {
            if let Some(name) = &format_entry {
                image.format = ImageFormat::from_name(name);
            }
        }
        image.format_entry = format_entry;
        image
    }
}
