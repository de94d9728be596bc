/**
 * The Rust emitter: names (keywords, collisions), what it prints for small IRs (types, serde attributes, boxes on
 * cycles, descriptors, constructors), determinism, and `vmp generate --lang rs` end to end (`--check` is clean right
 * after generating; cargo's `target/` and `Cargo.lock` are ignored).
 */
import { readTables } from "../../../core/src/ir/tables.js";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../../cli/test/helpers.js";
import { buildIr, loadSpec } from "../../../core/src/ir/build.js";
import type { Ir, TypeDef } from "../../../core/src/ir/types.js";
import { runtimeHeaderText } from "../../common/header.js";
import { dtypeVariant } from "../emit-tables.js";
import { emit, findRustfmt, readRustInputs } from "../index.js";
import { claim, rsNames, safeIdentifier, screamingSnake, snakeCase } from "../names.js";

const tmp = mkdtempSync(join(tmpdir(), "vmp-generate-rs-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const inputs = readRustInputs(resolve("generators", "rust"));
const hasRustfmt = findRustfmt() !== undefined;

/** A small IR: a message with every kind of field, an open record, a union, a self-referencing record. */
function smallIr(): Ir {
  const defs: TypeDef[] = [
    { kind: "alias", name: "Any", pointer: "/$defs/Any", type: { kind: "any" } },
    { kind: "alias", name: "Timestamp", pointer: "/$defs/Timestamp", type: { kind: "int", wire: "uint64", min: 0n, max: 2n ** 64n - 1n } },
    {
      kind: "record",
      name: "Message",
      pointer: "/$defs/Message",
      open: false,
      event: { direction: "both", envelope: "Message", etypePattern: "^.+$" },
      fields: [
        { name: "ts", type: { kind: "ref", name: "Timestamp" }, required: false, pointer: "/$defs/Message/properties/ts" },
        { name: "etype", type: { kind: "string", pattern: "^.+$" }, required: true, pointer: "/$defs/Message/properties/etype" },
      ],
    },
    {
      kind: "record",
      name: "PingEvent",
      pointer: "/$defs/PingEvent",
      description: "PING: a test message.",
      open: false,
      event: { direction: "both", envelope: "Message", etype: "PING" },
      fields: [
        { name: "ts", type: { kind: "ref", name: "Timestamp" }, required: true, pointer: "/p/ts" },
        { name: "etype", type: { kind: "string", const: "PING" }, required: true, pointer: "/p/etype" },
        { name: "note", type: { kind: "nullable", inner: { kind: "string" } }, required: false, pointer: "/p/note" },
        { name: "type", type: { kind: "string", enum: ["a", "b"] }, required: true, pointer: "/p/type" },
        { name: "depthFrame", type: { kind: "bytes" }, required: false, pointer: "/p/depthFrame" },
        { name: "level", type: { kind: "float", wire: "float32" }, required: true, pointer: "/p/level" },
        { name: "extra", type: { kind: "map", values: { kind: "any" } }, required: true, pointer: "/p/extra" },
      ],
    },
    {
      kind: "record",
      name: "Tree",
      pointer: "/$defs/Tree",
      open: true,
      fields: [
        { name: "parent", type: { kind: "nullable", inner: { kind: "ref", name: "Tree" } }, required: true, pointer: "/t/parent" },
        { name: "children", type: { kind: "array", items: { kind: "ref", name: "Tree" }, maxItems: 4 }, required: false, pointer: "/t/children" },
        { name: "meta", type: { kind: "ref", name: "Any" }, required: false, pointer: "/t/meta" },
      ],
    },
    { kind: "record", name: "A", pointer: "/$defs/A", open: false, fields: [{ name: "kind", type: { kind: "string", const: "a" }, required: true, pointer: "/a/kind" }] },
    { kind: "record", name: "B", pointer: "/$defs/B", open: false, fields: [{ name: "kind", type: { kind: "string", const: "b" }, required: true, pointer: "/b/kind" }] },
    { kind: "union", name: "Shape", pointer: "/$defs/Shape", tag: "kind", variants: [{ tagValue: "a", type: "A" }, { tagValue: "b", type: "B" }] },
  ];
  const types = new Map(defs.map((d) => [d.name, d]));
  const messages = defs.filter((d) => d.kind === "record" && d.event !== undefined) as Extract<TypeDef, { kind: "record" }>[];
  return {
    source: { file: "test.schema.json", sha256: "0".repeat(64), version: "0.0.1", id: "urn:test", title: "Test Protocol" },
    types,
    messages,
    zdata: [],
    ...readTables({}),
  };
}

function file(path: string, ir = smallIr()): string {
  const f = emit(ir, inputs).find((x) => x.path === path);
  if (f === undefined) throw new Error(`${path} not emitted`);
  return f.content;
}

describe("Rust names", () => {
  it("converts case and escapes keywords", () => {
    expect(snakeCase("depthFrame")).toBe("depth_frame");
    expect(snakeCase("GetWebXRMeshRequest")).toBe("get_web_xr_mesh_request");
    expect(snakeCase("sim_steps")).toBe("sim_steps");
    expect(screamingSnake("SetEvent")).toBe("SET_EVENT");
    expect(safeIdentifier("type")).toBe("r#type");
    expect(safeIdentifier("fn")).toBe("r#fn");
    expect(safeIdentifier("self")).toBe("self_");
    expect(safeIdentifier("Self")).toBe("Self_");
    expect(safeIdentifier("2d")).toBe("_2d");
    expect(safeIdentifier("a-b")).toBe("a_b");
  });

  it("resolves collisions in order, without numbering the first", () => {
    const taken = new Set<string>();
    expect(claim(taken, "a_b")).toBe("a_b");
    expect(claim(taken, "a-b")).toBe("a_b_");
    expect(claim(taken, "a.b")).toBe("a_b_1");
  });

  it("keeps spec type names, renames those that clash with the prelude, and names the open record's extra map apart", () => {
    const ir = smallIr();
    const names = rsNames(ir);
    expect(names.type("PingEvent")).toBe("PingEvent");
    expect(names.static("PingEvent")).toBe("PING_EVENT");
    expect(names.factory("PingEvent")).toBe("ping_event");
    expect(names.factoryAt("PingEvent")).toBe("ping_event_at");
    const ping = ir.types.get("PingEvent") as Extract<TypeDef, { kind: "record" }>;
    expect(names.fields(ping)).toEqual({ fields: ["ts", "etype", "note", "r#type", "depth_frame", "level", "extra"], extra: "extra_" });
    const clash: Ir = { ...ir, types: new Map([["String", { kind: "alias", name: "String", pointer: "/s", type: { kind: "string" } }]]), messages: [] };
    expect(rsNames(clash).type("String")).toBe("String_");
  });
});

describe("Rust emitter on a small IR", () => {
  it("prints serde structs with wire names, Option<Option<T>> for optional nullable fields and bin helpers", () => {
    const types = file("src/types.rs");
    expect(types).toContain("pub type Timestamp = u64;");
    expect(types).toContain("#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]\n#[serde(deny_unknown_fields)]\npub struct PingEvent {");
    expect(types).toContain(
      '#[serde(default, skip_serializing_if = "Option::is_none", with = "crate::runtime::value_serde::double_option")]\n    pub note: Option<Option<String>>,',
    );
    expect(types).toContain("    pub r#type: String,");
    expect(types).toContain(
      '#[serde(rename = "depthFrame", default, skip_serializing_if = "Option::is_none", with = "crate::runtime::value_serde::bin_option")]\n    pub depth_frame: Option<Bytes>,',
    );
    expect(types).toContain("    pub level: f32,");
    expect(types).toContain("    pub extra: IndexMap<String, Value>,");
    expect(types).toContain('pub const ETYPE: &\'static str = "PING";');
    expect(types).toContain('note: f.optional("note")?,');
    expect(types).toContain('.optional("depthFrame", &self.depth_frame)');
    expect(types).toContain("const TYPE: &'static Named = &schema::PING_EVENT;");
  });

  it("boxes a record that contains itself, keeps open records' extra fields, and reads closed ones with finish()", () => {
    const types = file("src/types.rs");
    expect(types).toContain("    pub parent: Option<Box<Tree>>,");
    expect(types).toContain("    pub children: Option<Vec<Tree>>,");
    expect(types).toContain("    #[serde(flatten)]\n    pub extra: Map,");
    expect(types).toMatch(/Ok\(Tree \{\n\s+parent: f\.required\("parent"\)\?,\n\s+children: f\.optional\("children"\)\?,\n\s+meta: f\.optional\("meta"\)\?,\n\s+extra: f\.rest\(\),/);
    // An optional free-form field keeps JSON null apart from absent (Some(Value::Nil)).
    expect(types).toContain('#[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]\n    pub meta: Option<Any>,');
    expect(types).toContain("fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {");
    expect(types).toMatch(/let out = PingEvent \{[^}]*\};\n\s+f\.finish\(\)\?;/);
    expect(types).toContain(".extra(&self.extra)");
  });

  it("prints unions as enums that dispatch on the tag", () => {
    const types = file("src/types.rs");
    expect(types).toContain("pub enum Shape {");
    expect(types).toContain("    A(A),");
    expect(types).toContain('let tag = match value.get("kind") {');
    expect(types).toContain('"b" => Ok(Shape::B(FromValue::from_value(value)?)),');
    expect(types).toContain("Shape::A(v) => v.to_value(),");
  });

  it("prints KnownMessage and decode_message over the catalogue with the Message fallback", () => {
    const types = file("src/types.rs");
    expect(types).toContain("pub enum KnownMessage {");
    expect(types).toContain("    PingEvent(PingEvent),");
    expect(types).toContain("    Message(Message),");
    expect(types).toContain("codec::select_message(&value, &schema::MESSAGES, Some(&schema::MESSAGE))?");
    expect(types).toContain('"PingEvent" => KnownMessage::PingEvent(FromValue::from_value(value)?),');
    expect(types).toContain("_ => KnownMessage::Message(FromValue::from_value(value)?),");
  });

  it("prints KnownMessage and decode_message for a spec without Message, refusing an etype it does not name", () => {
    const ir = smallIr();
    const rename = (d: TypeDef): TypeDef =>
      d.kind !== "record" || d.event === undefined
        ? d
        : { ...d, name: d.name === "Message" ? "Envelope" : d.name, event: { ...d.event, envelope: "Envelope" } };
    const defs = [...ir.types.values()].map(rename);
    const messages = defs.filter((d) => d.kind === "record" && d.event !== undefined) as Extract<TypeDef, { kind: "record" }>[];
    const types = file("src/types.rs", { ...ir, types: new Map(defs.map((d) => [d.name, d])), messages });
    expect(types).toContain("pub enum KnownMessage {");
    expect(types).toContain("    PingEvent(PingEvent),");
    expect(types).not.toContain("    Message(Message),");
    expect(types).toContain("codec::select_message(&value, &schema::MESSAGES, None)?");
    expect(types).toContain('other => unreachable!("select_message returns a type of the catalogue, not {other}"),');
  });

  it("prints static descriptors that refer to each other, with the patterns as statics", () => {
    const schema = file("src/schema.rs");
    expect(schema).toContain('static PATTERN_1: Pattern = Pattern::new(r"^.+$");');
    expect(schema).toContain("pub static TIMESTAMP: Named = Named::Alias(Alias { name: \"Timestamp\", ty: Type::Int { min: 0, max: u64::MAX as i128 } });");
    expect(schema).toContain('Field { name: "ts", ty: Type::Named(&TIMESTAMP), required: false }');
    expect(schema).toContain("etype_pattern: Some(&PATTERN_1)");
    expect(schema).toContain('Type::Str(&StrType { one_of: Some(&["a", "b"]), ..StrType::ANY })');
    expect(schema).toContain('Type::Str(&StrType { pattern: Some(&PATTERN_1), ..StrType::ANY })');
    expect(schema).toContain("Type::Nullable(&Type::Named(&TREE))");
    expect(schema).toContain("Type::Array(&ArrayType { items: Type::Named(&TREE), min_items: None, max_items: Some(4) })");
    expect(schema).toContain('variants: &[("a", &A), ("b", &B)]');
    expect(schema).toContain("pub static MESSAGES: [&Named; 2] = [&MESSAGE, &PING_EVENT];");
    expect(schema).toContain('"Tree" => Some(visitor.visit::<types::Tree>()),');
    expect(schema).not.toContain('"Timestamp" => Some(visitor');
  });

  it("prints a constructor and its _at twin that keeps the given ts", () => {
    const events = file("src/events.rs");
    expect(events).toMatch(/pub fn ping_event\(r#type: impl Into<String>, level: f32, extra: IndexMap<String, Value>, note: Option<Option<String>>, depth_frame: Option<Bytes>\) -> PingEvent \{\n\s+ping_event_at\(now_ms\(\), r#type, level, extra, note, depth_frame\)/);
    expect(events).toContain("pub fn ping_event_at(ts: Timestamp, r#type: impl Into<String>,");
    expect(events).toContain("etype: PingEvent::ETYPE.to_owned(),");
    expect(events).toContain("r#type: r#type.into(),");
  });

  it("is deterministic", () => {
    const a = emit(smallIr(), inputs);
    const b = emit(smallIr(), inputs);
    expect(a).toEqual(b);
    const spec = emit(smallIr(), inputs).map((f) => f.path);
    expect(spec).toEqual(expect.arrayContaining(["Cargo.toml", "README.md", "rustfmt.toml", ".gitignore", "src/lib.rs", "src/types.rs", "src/schema.rs", "src/events.rs"]));
    for (const f of a) expect(f.content, f.path).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it("refuses bytes nested in a collection rather than printing code that does not compile", () => {
    const ir = smallIr();
    const types = new Map(ir.types);
    types.set("Blobs", { kind: "record", name: "Blobs", pointer: "/b", open: false, fields: [{ name: "all", type: { kind: "array", items: { kind: "bytes" } }, required: true, pointer: "/b/all" }] });
    expect(() => emit({ ...ir, types }, inputs)).toThrow(/Blobs\.all: bytes inside an array/);
  });
});

describe("Rust emitter on the spec", () => {
  const ir = buildIr(loadSpec("protocol/vmp.schema.json"));

  it("derives RPC correlation like the other bindings: rtype {ETYPE}_RESPONSE@{uuid}, responses from their request", () => {
    const events = file("src/events.rs", ir);
    expect(events).toContain('let rtype = format!("GRAB_RENDER_RESPONSE@{uuid}");');
    expect(events).toContain('let rtype = rtype.unwrap_or_else(|| format!("{etype}_RESPONSE@{uuid}"));');
    expect(events).toContain("let uuid = uuid.unwrap_or_else(new_uuid);");
    expect(events).toMatch(/pub fn grab_render_response\(request: &GrabRenderRequest, value: GrabRenderResponseValue, rtype: Option<String>\)/);
    expect(events).toContain("etype: request.rtype.clone(),");
    expect(events).toContain("key: Some(request.key.clone()),");
    expect(events).toMatch(/pub fn rpc_response\(etype: impl Into<String>, data: Option<Any>, value: Option<Any>, ok: bool, error: Option<String>, key: Option<ComponentKey>\)/);
    expect(events).toContain("error: Some(error),");
    expect(events).toMatch(/pub fn add_event\(nodes: Vec<Element>, to: Option<Option<ComponentKey>>\) -> AddEvent/);
    expect(events).toMatch(/pub fn set_event\(scene: Scene\) -> SetEvent/);
    expect(events).toContain("pub fn terminate_event_at(ts: Timestamp) -> TerminateEvent {");
  });

  it("declares one descriptor per spec type and a KnownMessage variant per selectable message type", () => {
    const schema = file("src/schema.rs", ir);
    expect(schema).toContain(`pub static TYPES: [&Named; ${ir.types.size}]`);
    expect(schema).toContain(`pub static MESSAGES: [&Named; ${ir.messages.length}]`);
    const types = file("src/types.rs", ir);
    expect(types).toContain("    SetEvent(SetEvent),");
    expect(types).toContain("    RpcResponse(RpcResponse),");
    expect(types).toContain("    Message(Message),");
    expect(types).not.toContain("    ServerEvent(ServerEvent),");
    // ZData variants read the codec's Value::ZData through its canonical map.
    expect(types).toContain("Value::ZData(z) => Value::Map(z.to_map()),");
  });

  it("prints the spec's error kinds and dtypes as enums, so that a new entry needs no edit of a Rust list", () => {
    const tables = file("src/tables.rs", ir);
    expect(tables).toContain(`pub const ALL: [ErrorKind; ${ir.errorKinds.length}] = [`);
    expect(tables).toContain(`pub const ALL: [Dtype; ${ir.dtypes.length}] = [`);
    for (const k of ir.errorKinds) expect(tables).toContain(`ErrorKind::${k.name} => "${k.name}",`);
    for (const d of ir.dtypes) expect(tables).toContain(`Dtype::${dtypeVariant(d.name)} => ${d.itemSize},`);
    expect(tables).toContain('Dtype::Bfloat16 => None,'); // bfloat16 has no numpy code
    expect(tables).toContain('Dtype::Float32 => Some("F32"),');
    const grown: Ir = {
      ...ir,
      errorKinds: [...ir.errorKinds, { name: "FrameTooLarge", description: "A frame over the size limit." }],
      dtypes: [...ir.dtypes, { name: "float8", itemSize: 1 }],
    };
    const more = file("src/tables.rs", grown);
    expect(more).toContain("    /// A frame over the size limit.\n    FrameTooLarge,");
    expect(more).toContain(`pub const ALL: [ErrorKind; ${ir.errorKinds.length + 1}] = [`);
    expect(more).toContain("    /// `float8`: 1 byte per element; no numpy code, no safetensors code.\n    Float8,");
    expect(more).toContain('Dtype::Float8 => "float8",');
  });

  it("copies the runtime tree with the toolchain's header only, so a spec edit rewrites no runtime file", () => {
    const files = emit(ir, inputs);
    const runtime = files.filter((f) => f.path.startsWith("src/runtime/"));
    expect(runtime.map((f) => f.path)).toEqual(inputs.runtime.map((m) => `src/runtime/${m.name}`));
    expect(runtime.map((f) => f.path)).toContain("src/runtime/codec/mod.rs");
    for (const f of runtime) {
      expect(f.content.startsWith(`// ${runtimeHeaderText()}\n`), f.path).toBe(true);
      expect(f.content, f.path).not.toContain(ir.source.sha256.slice(0, 16));
    }
    const edited = emit({ ...ir, source: { ...ir.source, sha256: "f".repeat(64) } }, inputs);
    const before = new Map(files.map((f) => [f.path, f.content]));
    const changed = edited.filter((f) => before.get(f.path) !== f.content).map((f) => f.path);
    expect(changed.some((p) => p.startsWith("src/runtime/"))).toBe(false);
    expect(changed).toContain("src/tables.rs");
  });

  it("ships no binary and no test that needs the repository (the testee is conformance/testees/rs)", () => {
    const paths = emit(ir, inputs).map((f) => f.path);
    expect(paths.filter((p) => p.startsWith("src/bin/") || p.startsWith("tests/"))).toEqual([]);
    expect(file("Cargo.toml", ir)).not.toContain("[[bin]]");
  });
});

describe.skipIf(!hasRustfmt)("vmp generate --lang rs", () => {
  const out = join(tmp, "out");

  it("writes the crate, and --check is clean right after, ignoring target/ and Cargo.lock", async () => {
    const first = await run(["generate", "--lang", "rs", "--out", out]);
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/rust: \d+ files \(\d+ written, 0 unchanged, 0 removed\)/);
    const dir = join(out, "rust");
    for (const f of ["Cargo.toml", "README.md", "rustfmt.toml", ".gitignore", "src/lib.rs", "src/types.rs", "src/schema.rs", "src/events.rs", "src/runtime/mod.rs", "src/runtime/schema.rs"]) {
      expect(readFileSync(join(dir, f), "utf8").length, f).toBeGreaterThan(0);
    }
    expect(readFileSync(join(dir, "Cargo.toml"), "utf8")).toMatch(/name = "vmp-protocol"\nversion = "\d+\.\d+\.\d+"/);
    expect(readFileSync(join(dir, "src/runtime/schema.rs"), "utf8")).toMatch(/^\/\/ @generated by vmp .*\n\/\/ Copied from generators\/rust\/runtime\/schema\.rs\.\n/);
    mkdirSync(join(dir, "target", "debug"), { recursive: true });
    writeFileSync(join(dir, "target", "debug", "x"), "build output");
    writeFileSync(join(dir, "Cargo.lock"), "# lock\n");
    expect(await run(["generate", "--lang", "rs", "--check", "--out", out])).toMatchObject({ code: 0, err: "" });
    const again = await run(["generate", "--lang", "rs", "--out", out]);
    expect(again.out).toMatch(/\(0 written, \d+ unchanged, 0 removed\)/);
    expect(readFileSync(join(dir, "Cargo.lock"), "utf8")).toBe("# lock\n");

    const types = join(dir, "src", "types.rs");
    writeFileSync(types, "// edited\n");
    const edited = await run(["generate", "--lang", "rs", "--check", "--out", out]);
    expect(edited.code).toBe(1);
    expect(edited.err).toContain("src/types.rs: differs from what the spec produces");
  });

  it("names the missing formatter as a usage error", async () => {
    const saved = process.env.VMP_RUSTFMT;
    process.env.VMP_RUSTFMT = join(tmp, "no-such-rustfmt");
    try {
      const r = await run(["generate", "--lang", "rs", "--out", join(tmp, "none")]);
      expect(r.code).toBe(2);
      expect(r.err).toContain("cannot run");
      expect(r.err).toContain("no-such-rustfmt");
    } finally {
      if (saved === undefined) delete process.env.VMP_RUSTFMT;
      else process.env.VMP_RUSTFMT = saved;
    }
  });

  it("the committed generated/rust is what the spec produces", async () => {
    const { code, err } = await run(["generate", "--lang", "rs", "--check"]);
    expect(err).toBe("");
    expect(code).toBe(0);
  });
});
