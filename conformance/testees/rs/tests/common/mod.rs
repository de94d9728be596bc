//! What the integration tests share: where the repository's conformance/ directory is, and its manifests.

use std::fs;
use std::path::{Path, PathBuf};

use vmp_testee::{parse_json, Json};

/// The repository's conformance/ directory: `$VMP_CONFORMANCE_DIR`, else the one this crate sits in
/// (conformance/testees/rs).
pub fn conformance_dir() -> PathBuf {
    match std::env::var_os("VMP_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."),
    }
}

/// A manifest of conformance/vectors: its name and its vectors.
pub struct Manifest {
    pub name: String,
    pub vectors: Vec<Json>,
}

/// Every manifest of conformance/vectors (`*.json` but the manifests' schema), in file-name order, read with the
/// testee's JSON reader (some vectors nest 512 containers deep, beyond serde_json's recursion limit).
pub fn manifests() -> Vec<Manifest> {
    let dir = conformance_dir().join("vectors");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("manifest.schema.json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no manifests under {}", dir.display());
    files
        .iter()
        .map(|file| {
            let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
            let json = parse_json(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.display()));
            let fallback = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let name = string(json.get("manifest")).unwrap_or(fallback);
            let Some(Json::Arr(vectors)) = json.get("vectors") else {
                panic!("{} has no vectors", file.display())
            };
            assert!(!vectors.is_empty(), "{} has no vectors", file.display());
            Manifest {
                name,
                vectors: vectors.clone(),
            }
        })
        .collect()
}

/// The text of a JSON string, or `None`.
pub fn string(j: Option<&Json>) -> Option<String> {
    match j {
        Some(Json::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

/// Runs `body` on a thread with a stack deep enough for values 512 containers deep (the reader, the typed-JSON
/// mapping and the checker recurse once per container, beyond a test thread's default stack in a debug build).
pub fn with_deep_stack(body: fn()) {
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(body)
        .expect("a thread");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}
