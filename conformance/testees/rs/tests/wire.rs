//! The shared vectors through the binding's wire layer alone (`runtime::wire`, no schema): malformed.json's inputs
//! fail there with their kind and path; in every other manifest each canonical encoding reads and re-encodes to
//! itself (without a schema the raw value keeps everything), each alternative encoding reads, and each invalid
//! input is valid MessagePack (its defect is for the schema).

mod common;

use bytes::Bytes;
use common::{manifests, string, with_deep_stack};
use vmp_protocol::runtime::wire::{encode_value, read};
use vmp_testee::{from_hex, Json};

/// The manifest whose inputs are malformed MessagePack (the others' are well-formed).
const MALFORMED: &str = "malformed";

fn frame(hex: &str) -> Bytes {
    Bytes::from(from_hex(hex).unwrap_or_else(|| panic!("{hex:.40} is not hex")))
}

/// msgpack.json holds maps of 65 535 and 65 536 entries, which `Map::push_unique`'s debug-only uniqueness check
/// makes quadratic to build (about 40 s each): debug builds skip those (a map16 or map32 of thousands of entries).
fn too_slow_for_debug(hex: &str) -> bool {
    cfg!(debug_assertions)
        && hex.len() > 100_000
        && (hex[..2].eq_ignore_ascii_case("de") || hex[..2].eq_ignore_ascii_case("df"))
}

fn malformed_inputs_fail_with_their_kind_and_path() {
    let manifests = manifests();
    let malformed = manifests.iter().find(|m| m.name == MALFORMED).expect("malformed.json");
    for v in &malformed.vectors {
        let id = string(v.get("id")).unwrap_or_default();
        let input = string(v.get("input")).expect("a malformed vector has an input");
        let e = read(&frame(&input)).expect_err(&id);
        assert_eq!(Some(e.kind().as_str().to_owned()), string(v.get("error")), "{id}");
        if let Some(path) = string(v.get("path")) {
            assert_eq!(e.path_string(), path, "{id}");
        }
    }
}

fn well_formed_inputs_read_and_canonical_ones_reencode() {
    let (mut canonicals, mut others) = (0, 0);
    for manifest in manifests().iter().filter(|m| m.name != MALFORMED) {
        for v in &manifest.vectors {
            let id = format!("{}/{}", manifest.name, string(v.get("id")).unwrap_or_default());
            if let Some(canonical) = string(v.get("canonical")) {
                if too_slow_for_debug(&canonical) {
                    continue;
                }
                let value = read(&frame(&canonical)).unwrap_or_else(|e| panic!("{id}: {e}"));
                assert_eq!(encode_value(&value).map(Bytes::from), Ok(frame(&canonical)), "{id}");
                canonicals += 1;
            }
            let alternatives = match v.get("alternatives") {
                Some(Json::Arr(items)) => items.iter().filter_map(|a| string(a.get("hex"))).collect(),
                _ => Vec::new(),
            };
            for input in alternatives.into_iter().chain(string(v.get("input"))) {
                read(&frame(&input)).unwrap_or_else(|e| panic!("{id}: the wire layer fails: {e}"));
                others += 1;
            }
        }
    }
    assert!(
        canonicals > 0 && others > 0,
        "{canonicals} canonical encodings, {others} other inputs"
    );
}

#[test]
fn malformed_vectors() {
    with_deep_stack(malformed_inputs_fail_with_their_kind_and_path);
}

#[test]
fn well_formed_vectors() {
    with_deep_stack(well_formed_inputs_read_and_canonical_ones_reencode);
}
