//! The shared vectors (conformance/vectors/*.json) through the testee's own request handler: every case the
//! conformance runner makes of a vector (decode, validate, encode, reencode, each alternative), judged the way the
//! runner judges it (values as the VMP values their typed JSON means, hex exactly, errors by kind and path). It
//! duplicates `vmp conformance --lang rs` cheaply, so that `cargo test` means something on its own.
//!
//! Cases listed in conformance/failures/rs.txt are known failures: they are reported, not failed (the runner's
//! ratchet checks that the list only shrinks).

mod common;

use std::collections::HashSet;
use std::fs;
use std::time::{Duration, Instant};

use common::{conformance_dir, manifests, string, with_deep_stack};
use vmp_protocol::Value;
use vmp_testee::{from_typed, parse_json, respond, Json};

/// What a case passes with (conformance/src/runner-cases.ts).
enum Expect {
    Value(Json),
    Hex(String),
    Ok,
    Error { kind: String, path: Option<String> },
}

struct Case {
    name: String,
    request: Json,
    expect: Expect,
}

fn s(text: &str) -> Json {
    Json::Str(text.to_owned())
}

/// The cases of one vector, named as the runner names them.
fn cases_of(manifest: &str, v: &Json, out: &mut Vec<Case>) {
    let id = string(v.get("id")).expect("a vector has an id");
    let ty = string(v.get("type")).expect("a vector has a type");
    let base = format!("{manifest}/{id}");
    let request = |op: &str, body: (&str, Json)| {
        let mut members = vec![
            ("op".to_owned(), s(op)),
            ("type".to_owned(), s(&ty)),
            (body.0.to_owned(), body.1),
        ];
        if let Some(options) = v.get("options") {
            members.push(("options".to_owned(), options.clone()));
        }
        Json::Obj(members)
    };
    if v.get("valid") != Some(&Json::Bool(true)) {
        let input = s(&string(v.get("input")).unwrap_or_default());
        let kind = string(v.get("error")).unwrap_or_default();
        let path = string(v.get("path"));
        for op in ["decode", "validate"] {
            out.push(Case {
                name: format!("{base}:{op}"),
                request: request(op, ("hex", input.clone())),
                expect: Expect::Error {
                    kind: kind.clone(),
                    path: path.clone(),
                },
            });
        }
        return;
    }
    let canonical = string(v.get("canonical")).unwrap_or_default();
    let value = v.get("value").cloned().unwrap_or(Json::Null);
    let mut add = |name: String, request: Json, expect: Expect| out.push(Case { name, request, expect });
    add(
        format!("{base}:decode"),
        request("decode", ("hex", s(&canonical))),
        Expect::Value(value.clone()),
    );
    add(
        format!("{base}:validate"),
        request("validate", ("hex", s(&canonical))),
        Expect::Ok,
    );
    add(
        format!("{base}:encode"),
        request("encode", ("value", value.clone())),
        Expect::Hex(canonical.clone()),
    );
    add(
        format!("{base}:reencode"),
        request("reencode", ("hex", s(&canonical))),
        Expect::Hex(canonical.clone()),
    );
    if let Some(Json::Arr(alternatives)) = v.get("alternatives") {
        for (i, alt) in alternatives.iter().enumerate() {
            let hex = s(&string(alt.get("hex")).unwrap_or_default());
            add(
                format!("{base}:alt{i}:decode"),
                request("decode", ("hex", hex.clone())),
                Expect::Value(value.clone()),
            );
            add(
                format!("{base}:alt{i}:reencode"),
                request("reencode", ("hex", hex)),
                Expect::Hex(canonical.clone()),
            );
        }
    }
}

fn load_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for manifest in manifests() {
        for v in &manifest.vectors {
            cases_of(&manifest.name, v, &mut cases);
        }
    }
    cases
}

/// The case names of conformance/failures/rs.txt (empty when there is no list).
fn known_failures() -> HashSet<String> {
    let text = fs::read_to_string(conformance_dir().join("failures/rs.txt")).unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split('#').next())
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

fn typed_value(j: &Json, what: &str) -> Result<Value, String> {
    from_typed(j).map_err(|e| format!("{what} is not typed JSON: {}", e.0))
}

/// Judges a response (conformance/src/runner-compare.ts): `None` when it passes, else what differs.
fn judge(expect: &Expect, response: &str) -> Option<String> {
    let r = match parse_json(response) {
        Ok(r) => r,
        Err(e) => return Some(format!("the response is not JSON: {e}")),
    };
    let clip = |t: &str| t.chars().take(200).collect::<String>();
    if r.get("ok") == Some(&Json::Bool(false)) {
        if let Some(reason) = string(r.get("skipped")) {
            return Some(format!("skipped: {reason}"));
        }
        let error = r.get("error");
        let kind = string(error.and_then(|e| e.get("kind"))).unwrap_or_default();
        let path = string(error.and_then(|e| e.get("path")));
        return match expect {
            Expect::Error {
                kind: want,
                path: want_path,
            } if *want == kind => match want_path {
                Some(p) if path.as_ref() != Some(p) => Some(format!("expected {want} at {p}, got {kind} at {path:?}")),
                _ => None,
            },
            _ => Some(format!("got an error: {}", clip(response))),
        };
    }
    match expect {
        Expect::Error { kind, path } => Some(format!("expected {kind} at {path:?}, got {}", clip(response))),
        Expect::Ok => None,
        Expect::Hex(want) => match string(r.get("hex")) {
            Some(got) if got.eq_ignore_ascii_case(want) => None,
            got => Some(format!(
                "expected hex {}, got {}",
                clip(want),
                clip(&got.unwrap_or_default())
            )),
        },
        Expect::Value(want) => {
            let Some(got) = r.get("value") else {
                return Some("a decode answer needs a value".to_owned());
            };
            match (typed_value(want, "the vector's value"), typed_value(got, "the answer")) {
                (Ok(w), Ok(g)) if w == g => None,
                (Ok(_), Ok(_)) => Some(format!("the value differs: got {}", clip(response))),
                (Err(e), _) | (_, Err(e)) => Some(e),
            }
        }
    }
}

/// A case that takes longer than this is named on stderr.
const SLOW: Duration = Duration::from_secs(2);

fn run_all() {
    let cases = load_cases();
    let known = known_failures();
    let mut failures = Vec::new();
    let mut known_failing = 0;
    for case in &cases {
        let start = Instant::now();
        let response = respond(&case.request);
        if start.elapsed() > SLOW {
            eprintln!("{}: slow, {:.1} s", case.name, start.elapsed().as_secs_f64());
        }
        if let Some(detail) = judge(&case.expect, &response) {
            if known.contains(&case.name) {
                known_failing += 1;
            } else {
                failures.push(format!("{}: {detail}", case.name));
            }
        }
    }
    eprintln!(
        "{} cases: {} passed, {} failed, {} known failures (conformance/failures/rs.txt)",
        cases.len(),
        cases.len() - failures.len() - known_failing,
        failures.len(),
        known_failing
    );
    assert!(
        failures.is_empty(),
        "{} conformance cases fail:\n{}",
        failures.len(),
        failures.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn every_vector_passes_through_the_testee() {
    with_deep_stack(run_all);
}
