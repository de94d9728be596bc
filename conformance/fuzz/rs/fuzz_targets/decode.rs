//! Decodes one frame with the generated Rust binding as a user would, then checks that what was accepted relays
//! losslessly. The input format is the harnesses' shared one (conformance/fuzz/src/corpus.ts): a flags byte
//! (bit 0: strictZType), the type name, a 0 byte, the frame.
//!
//! A frame may be rejected with any `vmp_protocol::Error`; what must never happen is a panic, an abort, a stack
//! overflow, an allocation beyond the frame's size (SPEC §2.6), or an accepted frame that does not re-encode to
//! bytes that decode to the same canonical bytes again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vmp_protocol::runtime::schema::Type;
use vmp_protocol::{decode_as, decode_with, encode, encode_as, DecodeOptions, TypeVisitor, Typed};

/// Runs the frame through the generated struct of the type (`decode_with::<T>`, `encode(&T)`).
struct ThroughStruct<'a> {
    frame: &'a [u8],
    options: &'a DecodeOptions,
}

impl TypeVisitor for ThroughStruct<'_> {
    type Output = Option<Vec<u8>>;

    fn visit<T: Typed>(self) -> Self::Output {
        let value = decode_with::<T>(self.frame.to_vec(), self.options).ok()?;
        Some(encode(&value).expect("a decoded struct must encode"))
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(end) = data.iter().skip(1).position(|&b| b == 0).map(|i| i + 1) else {
        return;
    };
    let Ok(type_name) = std::str::from_utf8(&data[1..end]) else {
        return;
    };
    let ty = if type_name == "any" {
        Type::Any
    } else {
        match vmp_protocol::schema::named(type_name) {
            Some(named) => Type::Named(named),
            None => return,
        }
    };
    let options = DecodeOptions {
        strict_ztype: data[0] & 1 == 1,
        ..DecodeOptions::default()
    };
    let frame = &data[end + 1..];

    let Ok(value) = decode_as(ty, frame.to_vec(), &options) else {
        return;
    };
    let bytes = encode_as(ty, value, &options).expect("an accepted frame must re-encode");
    let again = decode_as(ty, bytes.clone(), &options).expect("re-encoded bytes must decode");
    let twice = encode_as(ty, again, &options).expect("re-encoded bytes must re-encode");
    assert_eq!(bytes, twice, "re-encoding is not stable");
    if type_name != "any" {
        if let Some(Some(through)) = vmp_protocol::schema::visit_type(
            type_name,
            ThroughStruct {
                frame,
                options: &options,
            },
        ) {
            assert_eq!(
                through, bytes,
                "the struct re-encodes other bytes than the checker's value"
            );
        }
    }
});
