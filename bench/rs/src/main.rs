//! The Rust bench: the generated crate (generated/rust, vmp-protocol) side by side with rmp-serde and with memcpy.
//! Prints one JSON result on stdout (format: bench/README.md); progress on stderr.
//!
//!   cargo run --release --manifest-path bench/rs/Cargo.toml -- [--smoke] [--only W1,W3-4MB]

mod harness;

use std::collections::HashSet;
use std::hint::black_box;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};
use vmp_protocol::{
    decode, decode_value, encode, encode_into, encode_value, Element, ElementPatch, Map, NdArray, Scene, SetEvent,
    Typed, UpdateData, UpdateEvent, Value,
};

use harness::{measure_suite, median, runner, Config, Runner, FULL, SMOKE};

const TS: u64 = 1_700_000_000_123;

fn log(s: &str) {
    eprintln!("[rs] {s}");
}

// =============================================================================================================
// The anchors' side: hand-written serde structs of the same messages (owned Strings; tensors as ZData maps whose
// `b` is borrowed bytes (`&serde_bytes::Bytes`) or owned (`ByteBuf`)).
// =============================================================================================================

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Ev<D> {
    ts: u64,
    etype: String,
    data: D,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Nodes<N> {
    nodes: Vec<N>,
}

/// W1's element patch. rmp-serde writes the `[f64; 3]` rotation as float64s (146 B, not canonical).
#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct BoxPatch {
    tag: String,
    key: String,
    position: [f64; 3],
    rotation: [f64; 3],
    color: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct SceneS {
    tag: String,
    children: Vec<Comp>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Comp {
    tag: String,
    key: String,
    children: Vec<Comp>,
    position: [f64; 3],
}

/// A ZData map whose `b` borrows the floats (encode: no copy; decode: borrows the frame).
#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct ZRef<'a> {
    ztype: String,
    #[serde(borrow)]
    b: &'a serde_bytes::Bytes,
    dtype: String,
    shape: Vec<u64>,
}

/// A ZData map that owns its bytes.
#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct ZOwned {
    ztype: String,
    b: serde_bytes::ByteBuf,
    dtype: String,
    shape: Vec<u64>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct PcPatch<Z> {
    key: String,
    points: Z,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct ItemsPatch<Z> {
    key: String,
    items: Vec<Z>,
}

fn zref(b: &[u8], n: u64) -> ZRef<'_> {
    ZRef {
        ztype: "numpy.ndarray".into(),
        b: serde_bytes::Bytes::new(b),
        dtype: "float32".into(),
        shape: vec![n],
    }
}

/// The floats of `b` as a user gets them: a view when the bytes are 4-aligned, else a copy (as the TS anchors'
/// `Float32Array`). Returns the element count, the floats going through `black_box`.
#[inline(always)]
fn f32s(b: &[u8]) -> usize {
    match bytemuck::try_cast_slice::<u8, f32>(b) {
        Ok(s) => black_box(s).len(),
        Err(_) => black_box(bytemuck::pod_collect_to_vec::<u8, f32>(b)).len(),
    }
}

// =============================================================================================================
// Workloads (bench/README.md, "Workloads"): `ours` is what a user of vmp-protocol holds, `plain` the same message
// as serde structs.
// =============================================================================================================

fn f64s(xs: [f64; 3]) -> Value {
    Value::Array(xs.iter().map(|&x| Value::F64(x)).collect())
}

fn w1() -> (UpdateEvent, Ev<Nodes<BoxPatch>>) {
    let mut extra = Map::new();
    extra.insert("position", f64s([1.5, 2.5, 3.5]));
    extra.insert("rotation", Value::Array(vec![Value::Int(0), Value::Int(0), Value::Int(0)]));
    extra.insert("color", "#ff0000");
    let ours = UpdateEvent {
        ts: TS,
        etype: "UPDATE".into(),
        data: UpdateData {
            nodes: vec![ElementPatch { tag: Some("Box".into()), key: "box-1".into(), children: None, extra }],
        },
        strict: None,
    };
    let plain = Ev {
        ts: TS,
        etype: "UPDATE".into(),
        data: Nodes {
            nodes: vec![BoxPatch {
                tag: "Box".into(),
                key: "box-1".into(),
                position: [1.5, 2.5, 3.5],
                rotation: [0.0; 3],
                color: "#ff0000".into(),
            }],
        },
    };
    (ours, plain)
}

/// 10 Groups × 10 Groups × 10 Box leaves = 1,110 components, keys unique, positions non-integer doubles. The
/// Scene's children are `Element`s; below them, children are free-form values (maps).
fn w2() -> (SetEvent, Ev<SceneS>) {
    fn vmap(tag: &str, key: String, children: Vec<Value>, pos: [f64; 3]) -> Value {
        let mut m = Map::with_capacity(4);
        m.insert("tag", tag);
        m.insert("key", key);
        m.insert("children", Value::Array(children));
        m.insert("position", f64s(pos));
        Value::Map(m)
    }
    let mut elements = Vec::new();
    let mut comps = Vec::new();
    for i in 0..10 {
        let (fi, mut c2v, mut c2s) = (i as f64, Vec::new(), Vec::new());
        for j in 0..10 {
            let (fj, mut c3v, mut c3s) = (j as f64, Vec::new(), Vec::new());
            for k in 0..10 {
                let pos = [fi + 0.5, fj + 0.25, k as f64 + 0.125];
                let key = format!("n3-{i}-{j}-{k}");
                c3v.push(vmap("Box", key.clone(), vec![], pos));
                c3s.push(Comp { tag: "Box".into(), key, children: vec![], position: pos });
            }
            let pos = [fi + 0.5, fj + 0.25, 0.125];
            let key = format!("n2-{i}-{j}");
            c2v.push(vmap("Group", key.clone(), c3v, pos));
            c2s.push(Comp { tag: "Group".into(), key, children: c3s, position: pos });
        }
        let pos = [fi + 0.5, 0.25, 0.125];
        let key = format!("n1-{i}");
        let mut extra = Map::new();
        extra.insert("position", f64s(pos));
        elements.push(Element { tag: "Group".into(), key: key.clone(), children: Some(c2v), extra });
        comps.push(Comp { tag: "Group".into(), key, children: c2s, position: pos });
    }
    let ours = SetEvent {
        ts: TS,
        etype: "SET".into(),
        data: Scene {
            tag: "Scene".into(),
            key: None,
            up: None,
            children: Some(elements),
            raw_children: None,
            html_children: None,
            bg_children: None,
            extra: Map::new(),
        },
    };
    let plain = Ev { ts: TS, etype: "SET".into(), data: SceneS { tag: "Scene".into(), children: comps } };
    (ours, plain)
}

fn patch(key: &str, prop: &str, value: Value) -> UpdateEvent {
    let mut extra = Map::new();
    extra.insert(prop, value);
    UpdateEvent {
        ts: TS,
        etype: "UPDATE".into(),
        data: UpdateData { nodes: vec![ElementPatch { tag: None, key: key.into(), children: None, extra }] },
        strict: None,
    }
}

/// W3: one float32 tensor of `n` elements, element i = (i & 1023) * 0.5.
fn w3_array(n: usize) -> NdArray {
    let f: Vec<f32> = (0..n).map(|i| (i & 1023) as f32 * 0.5).collect();
    NdArray::from_vec(f, vec![n as u64]).unwrap()
}

/// W4: 1,000 float32 tensors of shape [3], item i = [i, i + 0.5, i + 0.25].
fn w4_arrays() -> Vec<NdArray> {
    (0..1000).map(|i| NdArray::from_vec(vec![i as f32, i as f32 + 0.5, i as f32 + 0.25], vec![3]).unwrap()).collect()
}

/// Byte offsets of the payloads of `b` bins of `len` bytes (found by their `a1 62` key and bin header).
fn payload_offsets(bytes: &[u8], len: usize) -> Vec<usize> {
    let mut pat = vec![0xa1, 0x62];
    if len <= 0xff {
        pat.extend([0xc4, len as u8]);
    } else if len <= 0xffff {
        pat.push(0xc5);
        pat.extend((len as u16).to_be_bytes());
    } else {
        pat.push(0xc6);
        pat.extend((len as u32).to_be_bytes());
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i + pat.len() <= bytes.len() {
        if bytes[i..i + pat.len()] == pat[..] {
            out.push(i + pat.len());
            i += pat.len() + len;
        } else {
            i += 1;
        }
    }
    out
}

// =============================================================================================================
// Cases, checks, results
// =============================================================================================================

struct Case<'a> {
    meta: serde_json::Map<String, Json>,
    run: Runner<'a>,
}

struct Base {
    workload: &'static str,
    bytes: usize,
    payload_bytes: Option<usize>,
}

impl Base {
    fn case<'a>(&self, op: &str, id: &str, name: &str, role: &str, run: Runner<'a>) -> Case<'a> {
        let mut meta = serde_json::Map::new();
        meta.insert("id".into(), json!(format!("{}.{op}.{id}", self.workload)));
        meta.insert("workload".into(), json!(self.workload));
        meta.insert("op".into(), json!(op));
        meta.insert("name".into(), json!(name));
        meta.insert("role".into(), json!(role));
        meta.insert("per".into(), json!(if self.payload_bytes.is_some() { "payload" } else { "msg" }));
        meta.insert("bytes".into(), json!(self.bytes));
        if let Some(p) = self.payload_bytes {
            meta.insert("payload_bytes".into(), json!(p));
        }
        Case { meta, run }
    }
    fn enc<'a>(&self, id: &str, name: &str, role: &str, run: Runner<'a>) -> Case<'a> {
        self.case("encode", id, name, role, run)
    }
    fn dec<'a>(&self, id: &str, name: &str, role: &str, run: Runner<'a>) -> Case<'a> {
        self.case("decode", id, name, role, run)
    }
}

impl<'a> Case<'a> {
    fn refers(mut self, id: &str) -> Self {
        let w = self.meta["workload"].as_str().unwrap().to_string();
        let op = self.meta["op"].as_str().unwrap().to_string();
        self.meta.insert("ref".into(), json!(format!("{w}.{op}.{id}")));
        self
    }
    fn goal(mut self, goal: Json) -> Self {
        self.meta.insert("goal".into(), goal);
        self
    }
    fn note(mut self, note: &str) -> Self {
        self.meta.insert("note".into(), json!(note));
        self
    }
    fn per_payload(mut self, payload: usize) -> Self {
        self.meta.insert("per".into(), json!("payload"));
        self.meta.insert("payload_bytes".into(), json!(payload));
        self
    }
    fn role(mut self, role: &str, name: &str) -> Self {
        self.meta.insert("role".into(), json!(role));
        self.meta.insert("name".into(), json!(name));
        self
    }
}

struct Bench {
    cfg: Config,
    only: Option<HashSet<String>>,
    cases: Vec<Json>,
    checks: Vec<Json>,
    facts: serde_json::Map<String, Json>,
}

type Check = Result<(), String>;

fn same_bytes(expected: &[u8], out: &[u8]) -> Check {
    if out == expected {
        Ok(())
    } else {
        let at = out.iter().zip(expected).position(|(a, b)| a != b).unwrap_or(out.len().min(expected.len()));
        Err(format!("bytes differ from the canonical frame ({} vs {} B, first difference at {at})", out.len(), expected.len()))
    }
}

fn same<T: PartialEq + std::fmt::Debug>(what: &str, a: &T, b: &T) -> Check {
    if a == b {
        Ok(())
    } else {
        let (da, db) = (format!("{a:?}"), format!("{b:?}"));
        Err(format!("{what}: values differ ({} vs {} chars of Debug)", da.len(), db.len()))
    }
}

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, String> {
    r.map_err(|e| format!("error: {e}"))
}

impl Bench {
    fn wants(&self, workload: &str) -> bool {
        self.only.as_ref().map_or(true, |o| o.contains(workload))
    }

    fn check(&mut self, name: &str, f: impl FnOnce() -> Check) {
        let r = match catch_unwind(AssertUnwindSafe(f)) {
            Ok(r) => r,
            Err(e) => Err(format!(
                "panicked: {}",
                e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default()
            )),
        };
        match r {
            Ok(()) => self.checks.push(json!({ "name": name, "ok": true })),
            Err(detail) => {
                log(&format!("CHECK FAILED {name}: {detail}"));
                self.checks.push(json!({ "name": name, "ok": false, "detail": detail }));
            }
        }
    }

    fn suite(&mut self, name: &str, cases: Vec<Case<'_>>, big: bool) {
        log(&format!("{name}: {} cases", cases.len()));
        let (metas, mut runs): (Vec<_>, Vec<_>) = cases.into_iter().map(|c| (c.meta, c.run)).unzip();
        // Profiling aid: `VMP_BENCH_PROFILE=<case id>:<iterations>` runs that case alone, measures nothing.
        if let Ok(spec) = std::env::var("VMP_BENCH_PROFILE") {
            let (id, n) = spec.split_once(':').unwrap_or((&spec, "100000"));
            if let Some(i) = metas.iter().position(|m| m["id"] == json!(id)) {
                let t = Instant::now();
                let n: u64 = n.parse().unwrap();
                (runs[i])(n);
                log(&format!("profiled {id}: {n} iterations, {:.1} ns/op", t.elapsed().as_nanos() as f64 / n as f64));
            }
            return;
        }
        let cfg = self.cfg;
        let measured = measure_suite(&mut runs, &cfg, big, &|s| log(s));
        drop(runs);
        for (mut meta, m) in metas.into_iter().zip(measured) {
            let min = m.samples_ns.iter().cloned().fold(f64::INFINITY, f64::min);
            let max = m.samples_ns.iter().cloned().fold(0.0, f64::max);
            meta.insert("median_ns".into(), json!(median(&m.samples_ns)));
            meta.insert("min_ns".into(), json!(min));
            meta.insert("max_ns".into(), json!(max));
            meta.insert("samples_ns".into(), json!(m.samples_ns));
            meta.insert("iters".into(), json!(m.iters));
            self.cases.push(Json::Object(meta));
        }
    }
}

/// With `VMP_BENCH_DUMP=<dir>`, writes each workload's canonical frame to `<dir>/<workload>.bin` (to compare the
/// bytes with another language's bench).
fn dump(w: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("VMP_BENCH_DUMP") {
        std::fs::write(std::path::Path::new(&dir).join(format!("{w}.bin")), bytes).unwrap();
    }
}

fn ratio_goal(min: f64, text: &str) -> Json {
    json!({ "kind": "ratio", "min": min, "text": text })
}

/// The cases of a tree-shaped workload (W1, W2).
fn tree_suites<T, S>(b: &mut Bench, w: &'static str, ours: T, plain: S, size: usize, rmp_canonical: bool)
where
    T: Typed + PartialEq + std::fmt::Debug,
    S: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let canonical = encode(&ours).unwrap();
    dump(w, &canonical);
    let frame = Bytes::from(canonical.clone());
    let rmp = rmp_serde::to_vec_named(&plain).unwrap();
    b.check(&format!("{w}: canonical frame is {size} B (as bench/README.md and the TS bench)"), || {
        if canonical.len() == size { Ok(()) } else { Err(format!("{} B", canonical.len())) }
    });
    if rmp_canonical {
        b.check(&format!("{w}: vmp bytes == rmp_serde::to_vec_named"), || same_bytes(&canonical, &rmp));
    } else {
        b.check(&format!("{w}: rmp_serde::to_vec_named is 146 B (float64 rotation) and vmp decodes it"), || {
            if rmp.len() != 146 {
                return Err(format!("{} B", rmp.len()));
            }
            ok(decode::<T>(Bytes::from(rmp.clone()))).map(|_| ())
        });
    }
    b.check(&format!("{w}: vmp decode == the source value"), || same("decode", &ok(decode::<T>(frame.clone()))?, &ours));
    b.check(&format!("{w}: rmp_serde::from_slice == the source value"), || {
        same("from_slice", &ok(rmp_serde::from_slice::<S>(&frame))?, &plain)
    });
    b.check(&format!("{w}: vmp encode_into == canonical"), || {
        let mut out = vec![1, 2, 3];
        out.clear();
        ok(encode_into(&ours, &mut out))?;
        same_bytes(&canonical, &out)
    });
    b.check(&format!("{w}: relay: encode(decode(B)) == B and encode_value(decode_value(B)) == B"), || {
        same_bytes(&canonical, &ok(encode(&ok(decode::<T>(frame.clone()))?))?)?;
        same_bytes(&canonical, &ok(encode_value(&ok(decode_value(frame.clone()))?))?)
    });
    if !b.wants(w) {
        return;
    }
    let base = Base { workload: w, bytes: canonical.len(), payload_bytes: None };
    let (mut o1, mut o2) = (Vec::new(), Vec::new());
    let cases = vec![
        base.enc("vmp", "vmp encode() -> Vec (validated, canonical)", "ours", runner(|| encode(&ours).unwrap()))
            .refers("rmp-serde")
            .goal(ratio_goal(1.0, ">= 1.0x rmp-serde to_vec_named")),
        base.enc(
            "vmp-into",
            "vmp encode_into() a reused Vec",
            "ours",
            runner(|| {
                o1.clear();
                encode_into(&ours, &mut o1).unwrap();
                o1.len()
            }),
        )
        .refers("rmp-serde-into"),
        base.enc("rmp-serde", "rmp_serde::to_vec_named", "anchor", runner(|| rmp_serde::to_vec_named(&plain).unwrap()))
            .note(if rmp_canonical { "same bytes" } else { "146 B: rotation as float64 ([f64; 3])" }),
        base.enc(
            "rmp-serde-into",
            "rmp_serde::encode::write_named a reused Vec",
            "anchor",
            runner(|| {
                o2.clear();
                rmp_serde::encode::write_named(&mut o2, &plain).unwrap();
                o2.len()
            }),
        )
        .refers("rmp-serde"),
    ];
    b.suite(&format!("{w} encode"), cases, false);
    let ty = std::any::type_name::<T>().rsplit("::").next().unwrap_or("T");
    let cases = vec![
        base.dec("vmp", &format!("vmp decode::<{ty}>(Bytes) (typed, validated)"), "ours", runner(|| {
            decode::<T>(frame.clone()).unwrap()
        }))
        .refers("rmp-serde")
        .goal(ratio_goal(0.9, ">= 0.9x rmp-serde from_slice")),
        base.dec(
            "rmp-serde",
            "rmp_serde::from_slice, owned Strings (not validated)",
            "anchor",
            runner(|| rmp_serde::from_slice::<S>(&frame).unwrap()),
        ),
        base.dec("vmp-value", "vmp decode_value (free-form Value, no schema)", "context", runner(|| {
            decode_value(frame.clone()).unwrap()
        }))
        .refers("rmp-serde"),
    ];
    b.suite(&format!("{w} decode"), cases, false);
}

fn memcpy_cases<'a>(base: &Base, op: &str, src: &'a [u8], dst: &'a mut Vec<u8>, fresh: bool) -> Vec<Case<'a>> {
    let n = src.len();
    let mut list = vec![base
        .case(op, "memcpy", "memcpy: copy_from_slice into a reused (prefaulted) Vec", "limit", runner(move || {
            black_box(&mut *dst).copy_from_slice(black_box(src));
            dst.as_ptr()
        }))
        .per_payload(n)];
    if fresh {
        list.push(
            base.case(op, "memcpy-fresh", "alloc + copy: Vec::with_capacity + extend_from_slice (fresh Vec)", "limit", runner(move || {
                let mut v = Vec::<u8>::with_capacity(n);
                v.extend_from_slice(black_box(src));
                v
            }))
            .per_payload(n),
        );
    }
    list
}

fn tensor_suites(b: &mut Bench, w: &'static str, n: usize, size: usize) {
    if !b.wants(w) {
        return;
    }
    let nd = w3_array(n);
    let ours = patch("pc-1", "points", Value::from(nd.clone()));
    let plain = Ev {
        ts: TS,
        etype: "UPDATE".to_string(),
        data: Nodes { nodes: vec![PcPatch { key: "pc-1".to_string(), points: zref(nd.bytes(), n as u64) }] },
    };
    let canonical = encode(&ours).unwrap();
    dump(w, &canonical);
    let frame = Bytes::from(canonical.clone());
    let payload = n * 4;
    let big = payload > 32_000_000;
    let offset = payload_offsets(&canonical, payload)[0];
    b.facts.insert(
        format!("{w} payload offset"),
        json!({ "offset": offset, "mod4": offset % 4, "mod8": offset % 8, "mod64": offset % 64, "frame_bytes": canonical.len() }),
    );
    b.check(&format!("{w}: canonical frame is {size} B"), || {
        if canonical.len() == size { Ok(()) } else { Err(format!("{} B", canonical.len())) }
    });
    b.check(&format!("{w}: vmp bytes == rmp_serde::to_vec_named"), || {
        same_bytes(&canonical, &ok(rmp_serde::to_vec_named(&plain))?)
    });
    let frame_addr = frame.as_ptr() as usize;
    let aligned = (frame_addr + offset) % 4 == 0;
    let decoded = decode::<UpdateEvent>(frame.clone()).unwrap();
    let view = match decoded.data.nodes[0].extra.get("points") {
        Some(Value::ZData(z)) => z.as_array().cloned(),
        _ => None,
    };
    let (shares, as_slice_ok) = match &view {
        Some(a) => {
            let p = a.bytes().as_ptr() as usize;
            (p >= frame_addr && p < frame_addr + frame.len(), a.as_slice::<f32>().map(|s| s.len() == n).unwrap_or(false))
        }
        None => (false, false),
    };
    b.facts.insert(
        format!("{w} decode view"),
        json!({ "frame_addr_mod64": frame_addr % 64, "payload_addr_mod4": (frame_addr + offset) % 4,
                "shares_frame": shares, "as_slice_f32_works": as_slice_ok }),
    );
    b.check(&format!("{w}: vmp decode == the source value; the NdArray borrows the frame's Bytes"), || {
        same("decode", &decoded, &ours)?;
        if !shares {
            return Err("the decoded NdArray does not share the frame's buffer".into());
        }
        if aligned && !as_slice_ok {
            return Err("payload aligned but as_slice::<f32>() failed".into());
        }
        Ok(())
    });
    b.check(&format!("{w}: vmp decode + to_vec::<f32>() is an owned copy of the floats"), || {
        let v = ok(view.as_ref().ok_or("no NdArray")?.to_vec::<f32>())?;
        if bytemuck::cast_slice::<f32, u8>(&v) == &nd.bytes()[..] { Ok(()) } else { Err("floats differ".into()) }
    });
    b.check(&format!("{w}: rmp_serde::from_slice (borrowed and owned bytes) re-encodes to the frame"), || {
        let r: Ev<Nodes<PcPatch<ZRef>>> = ok(rmp_serde::from_slice(&frame))?;
        same_bytes(&canonical, &ok(rmp_serde::to_vec_named(&r))?)?;
        let o: Ev<Nodes<PcPatch<ZOwned>>> = ok(rmp_serde::from_slice(&frame))?;
        same_bytes(&canonical, &ok(rmp_serde::to_vec_named(&o))?)
    });
    drop((decoded, view));

    let base = Base { workload: w, bytes: canonical.len(), payload_bytes: Some(payload) };
    let src = vec![7u8; payload];
    {
        let mut dst = vec![1u8; payload];
        let (mut o1, mut o2) = (Vec::new(), Vec::new());
        let mut cases = memcpy_cases(&base, "encode", &src, &mut dst, true);
        cases.extend([
            base.enc(
                "vmp-into",
                "vmp encode_into() a reused Vec",
                "ours",
                runner(|| {
                    o1.clear();
                    encode_into(&ours, &mut o1).unwrap();
                    o1.len()
                }),
            )
            .refers("memcpy")
            .goal(ratio_goal(0.8, ">= 0.8x memcpy")),
            base.enc("vmp", "vmp encode() -> fresh Vec", "ours", runner(|| encode(&ours).unwrap())).refers("memcpy-fresh"),
            base.enc("rmp-serde", "rmp_serde::to_vec_named (fresh Vec)", "anchor", runner(|| rmp_serde::to_vec_named(&plain).unwrap()))
                .refers("memcpy-fresh"),
            base.enc(
                "rmp-serde-into",
                "rmp_serde::encode::write_named a reused Vec",
                "anchor",
                runner(|| {
                    o2.clear();
                    rmp_serde::encode::write_named(&mut o2, &plain).unwrap();
                    o2.len()
                }),
            )
            .refers("memcpy"),
        ]);
        b.suite(&format!("{w} encode"), cases, big);
    }
    {
        let mut dst = vec![1u8; payload];
        let mut cases = memcpy_cases(&base, "decode", &src, &mut dst, true);
        let view_goal = if aligned {
            json!({ "kind": "max_ns", "max": 20_000, "text": "O(1): < 20 us (payload aligned)" })
        } else {
            json!({ "kind": "ratio", "min": 0.5, "vs": format!("{w}.decode.memcpy"), "text": ">= 0.5x memcpy (payload unaligned: one copy)" })
        };
        let frame = &frame;
        cases.extend([
            base.dec("vmp-view", "vmp decode::<UpdateEvent>(Bytes) -> NdArray borrowing the frame (validated)", "ours", runner(|| {
                decode::<UpdateEvent>(frame.clone()).unwrap()
            }))
            .refers("rmp-serde-borrow")
            .goal(view_goal),
            base.dec("vmp-copy", "vmp decode + NdArray::to_vec::<f32>() (owned copy)", "ours", runner(|| {
                let m = decode::<UpdateEvent>(frame.clone()).unwrap();
                match m.data.nodes[0].extra.get("points") {
                    Some(Value::ZData(z)) => z.as_array().unwrap().to_vec::<f32>().unwrap(),
                    _ => unreachable!(),
                }
            }))
            .refers("memcpy-fresh"),
            base.dec("rmp-serde-borrow", "rmp_serde::from_slice, b: &[u8] borrowed + &[f32] (view if aligned)", "anchor", runner(|| {
                let m: Ev<Nodes<PcPatch<ZRef>>> = rmp_serde::from_slice(frame).unwrap();
                f32s(m.data.nodes[0].points.b);
                m
            })),
            base.dec("rmp-serde", "rmp_serde::from_slice, b: ByteBuf (owned copy) + &[f32] (view if aligned)", "anchor", runner(|| {
                let m: Ev<Nodes<PcPatch<ZOwned>>> = rmp_serde::from_slice(frame).unwrap();
                f32s(&m.data.nodes[0].points.b);
                m
            }))
            .refers("memcpy-fresh"),
        ]);
        b.suite(&format!("{w} decode"), cases, big);
    }
}

fn many_suites(b: &mut Bench, w: &'static str, size: usize) {
    let nds = w4_arrays();
    let ours = patch("pc-1", "items", Value::Array(nds.iter().cloned().map(Value::from).collect()));
    let plain = Ev {
        ts: TS,
        etype: "UPDATE".to_string(),
        data: Nodes { nodes: vec![ItemsPatch { key: "pc-1".to_string(), items: nds.iter().map(|a| zref(a.bytes(), 3)).collect() }] },
    };
    let canonical = encode(&ours).unwrap();
    dump(w, &canonical);
    let frame = Bytes::from(canonical.clone());
    let offsets = payload_offsets(&canonical, 12);
    b.facts.insert(
        format!("{w} payloads aligned"),
        json!({ "items": offsets.len(), "mod4_zero": offsets.iter().filter(|&&o| o % 4 == 0).count(), "frame_bytes": canonical.len() }),
    );
    b.check(&format!("{w}: canonical frame is {size} B"), || {
        if canonical.len() == size { Ok(()) } else { Err(format!("{} B", canonical.len())) }
    });
    b.check(&format!("{w}: vmp bytes == rmp_serde::to_vec_named"), || same_bytes(&canonical, &ok(rmp_serde::to_vec_named(&plain))?));
    b.check(&format!("{w}: vmp decode == the source value"), || same("decode", &ok(decode::<UpdateEvent>(frame.clone()))?, &ours));
    b.check(&format!("{w}: relay: encode(decode(B)) == B and encode_value(decode_value(B)) == B"), || {
        same_bytes(&canonical, &ok(encode(&ok(decode::<UpdateEvent>(frame.clone()))?))?)?;
        same_bytes(&canonical, &ok(encode_value(&ok(decode_value(frame.clone()))?))?)
    });
    b.check(&format!("{w}: vmp encode_into == canonical"), || {
        let mut out = Vec::new();
        ok(encode_into(&ours, &mut out))?;
        same_bytes(&canonical, &out)
    });
    b.check(&format!("{w}: rmp_serde::from_slice (borrowed and owned bytes) re-encodes to the frame"), || {
        let r: Ev<Nodes<ItemsPatch<ZRef>>> = ok(rmp_serde::from_slice(&frame))?;
        same_bytes(&canonical, &ok(rmp_serde::to_vec_named(&r))?)?;
        let o: Ev<Nodes<ItemsPatch<ZOwned>>> = ok(rmp_serde::from_slice(&frame))?;
        same_bytes(&canonical, &ok(rmp_serde::to_vec_named(&o))?)
    });
    if !b.wants(w) {
        return;
    }
    let base = Base { workload: w, bytes: canonical.len(), payload_bytes: None };
    {
        let (mut o1, mut o2) = (Vec::new(), Vec::new());
        let src = canonical.clone();
        let mut dst = vec![1u8; src.len()];
        let mut cases = vec![
            base.enc("vmp", "vmp encode() -> Vec (validated, canonical)", "ours", runner(|| encode(&ours).unwrap())).refers("rmp-serde"),
            base.enc(
                "vmp-into",
                "vmp encode_into() a reused Vec",
                "ours",
                runner(|| {
                    o1.clear();
                    encode_into(&ours, &mut o1).unwrap();
                    o1.len()
                }),
            )
            .refers("rmp-serde-into"),
            base.enc("rmp-serde", "rmp_serde::to_vec_named", "anchor", runner(|| rmp_serde::to_vec_named(&plain).unwrap())),
            base.enc(
                "rmp-serde-into",
                "rmp_serde::encode::write_named a reused Vec",
                "anchor",
                runner(|| {
                    o2.clear();
                    rmp_serde::encode::write_named(&mut o2, &plain).unwrap();
                    o2.len()
                }),
            )
            .refers("rmp-serde"),
        ];
        cases.extend(memcpy_cases(&base, "encode", &src, &mut dst, false).into_iter().map(|c| c.role("context", "memcpy of the frame's bytes")));
        b.suite(&format!("{w} encode"), cases, false);
    }
    {
        let src = canonical.clone();
        let mut dst = vec![1u8; src.len()];
        let frame = &frame;
        let mut cases = vec![
            base.dec("vmp", "vmp decode::<UpdateEvent>(Bytes) -> 1,000 NdArrays (validated)", "ours", runner(|| {
                decode::<UpdateEvent>(frame.clone()).unwrap()
            }))
            .refers("rmp-serde")
            .goal(ratio_goal(1.0, ">= 1.0x rmp-serde (owned) + per-item &[f32]")),
            base.dec("rmp-serde", "rmp_serde::from_slice, ByteBuf (owned) + per-item &[f32] (view if aligned)", "anchor", runner(|| {
                let m: Ev<Nodes<ItemsPatch<ZOwned>>> = rmp_serde::from_slice(frame).unwrap();
                for z in &m.data.nodes[0].items {
                    f32s(&z.b);
                }
                m
            })),
            base.dec("rmp-serde-borrow", "rmp_serde::from_slice, &[u8] borrowed + per-item &[f32] (view if aligned, else copy)", "anchor", runner(|| {
                let m: Ev<Nodes<ItemsPatch<ZRef>>> = rmp_serde::from_slice(frame).unwrap();
                for z in &m.data.nodes[0].items {
                    f32s(z.b);
                }
                m
            }))
            .refers("rmp-serde"),
            base.dec("vmp-value", "vmp decode_value (free-form Value, no schema)", "context", runner(|| {
                decode_value(frame.clone()).unwrap()
            }))
            .refers("rmp-serde"),
        ];
        cases.extend(memcpy_cases(&base, "decode", &src, &mut dst, false).into_iter().map(|c| c.role("context", "memcpy of the frame's bytes")));
        b.suite(&format!("{w} decode"), cases, false);
    }
}

/// Where a W3 payload lands for element keys of 1..8 characters: alignment is a matter of the header bytes.
fn alignment_by_key_length(b: &mut Bench) {
    let nd = w3_array(1_000_000);
    let mut out = serde_json::Map::new();
    let mut v = Vec::new();
    for len in 1..=8 {
        let m = patch(&"k".repeat(len), "points", Value::from(nd.clone()));
        let off = payload_offsets(&encode(&m).unwrap(), nd.bytes().len())[0] % 8;
        out.insert(len.to_string(), json!(off));
        v.push(off);
    }
    out.insert("aligned4".into(), json!(v.iter().filter(|&&x| x % 4 == 0).count()));
    out.insert("aligned8".into(), json!(v.iter().filter(|&&x| x == 0).count()));
    b.facts.insert("W3 payload offset mod 8 by key length 1..8".into(), Json::Object(out));
}

fn lock_version(name: &str) -> String {
    let lock = include_str!("../Cargo.lock");
    let needle = format!("name = \"{name}\"\nversion = \"");
    lock.find(&needle)
        .map(|i| lock[i + needle.len()..].split('"').next().unwrap_or("?").to_string())
        .unwrap_or_else(|| "?".into())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cfg = if args.iter().any(|a| a == "--smoke") { SMOKE } else { FULL };
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).map(|s| s.split(',').map(String::from).collect());
    let mut b = Bench { cfg, only, cases: Vec::new(), checks: Vec::new(), facts: serde_json::Map::new() };

    let t0 = Instant::now();
    let (o, p) = w1();
    tree_suites(&mut b, "W1", o, p, 122, false);
    let (o, p) = w2();
    tree_suites(&mut b, "W2", o, p, 76_619, true);
    tensor_suites(&mut b, "W3-4MB", 1_000_000, 4_000_110);
    tensor_suites(&mut b, "W3-64MB", 16_000_000, 64_000_110);
    many_suites(&mut b, "W4", 59_058);
    alignment_by_key_length(&mut b);
    log(&format!("done in {:.1} s", t0.elapsed().as_secs_f64()));

    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "rustc".into());
    let all_ok = b.checks.iter().all(|c| c["ok"] == json!(true));
    let result = json!({
        "lang": "rs",
        "runtime": format!("{rustc}, release, lto=true, codegen-units=1"),
        "libs": {
            "vmp-protocol": lock_version("vmp-protocol"),
            "rmp-serde": lock_version("rmp-serde"),
            "rmp": lock_version("rmp"),
            "serde": lock_version("serde"),
        },
        "mode": if cfg.smoke { "smoke" } else { "full" },
        "harness": { "warmupS": cfg.warmup_s, "sampleS": cfg.sample_s, "samples": cfg.samples, "bigSamples": cfg.big_samples, "smoke": cfg.smoke },
        "cases": b.cases,
        "checks": b.checks,
        "facts": b.facts,
    });
    println!("{}", serde_json::to_string(&result).unwrap());
    std::process::exit(if all_ok { 0 } else { 1 });
}
