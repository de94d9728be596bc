/**
 * `src/events.rs`: a constructor per message type of the catalogue and per envelope, with the names and semantics
 * of the TypeScript and Python factories (`set_event(scene)`, `add_event(nodes, to)`, `rpc_request(etype, …)`):
 * `ts` is the current time, and each constructor has an `_at` twin that takes `ts` first (`ts = 0` stays 0). RPC
 * requests get a random `uuid` unless one is given and the `rtype` `{ETYPE}_RESPONSE@{uuid}`; responses take the
 * request they answer.
 *
 * Parameter order is the Python factories' (without `ts`): the etype or the request, the payload, `key`, the other
 * required fields, then the optional envelope fields and the message's own optional fields, as `Option`s.
 */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile, Printable } from "../common/printer.js";
import { protocolOf, type FactoryParam, type FactoryPlan, type FieldValue } from "../../core/src/ir/protocol.js";
import type { Ir, RecordDef, TypeRef } from "../../core/src/ir/types.js";
import { join, printDoc, rsFile, str } from "./file.js";
import { claim, snakeCase, type RsNames } from "./names.js";
import { needsBox, resolveAliases, typeContext, typeExpr, type TypeContext } from "./type-expr.js";

const TYPES_MODULE = "crate::types";

interface Param {
  readonly name: string;
  readonly type: Printable;
}

interface Plan {
  readonly name: string;
  readonly nameAt: string;
  readonly message: RecordDef;
  readonly params: Param[];
  /** `let` statements, in the order they run. */
  readonly prelude: Printable[][];
  /** `field: value` initialisers, in wire order. */
  readonly inits: Printable[];
  readonly notes: string[];
  /** The type of `ts` when the message has one (then the constructor has an `_at` twin). */
  tsType?: Printable;
}

export function emitEvents(ir: Ir, names: RsNames, source: HeaderSource): GeneratedFile {
  // Named in the module's documentation: two events' constructors and a request envelope's, as the spec has them.
  const factories = protocolOf(ir).factories;
  const shown = [...factories.filter((p) => p.role === "event").slice(0, 2), ...factories.filter((p) => p.role === "envelope" && p.params.some((x) => x.role === "uuid")).slice(0, 1)];
  const f = rsFile(
    "src/events.rs",
    source,
    `Constructors for the messages of the ${ir.source.title}, named like the TypeScript and Python factories` +
      (shown.length > 0 ? ` (${shown.map((p) => `\`${names.factory(p.message.name)}\``).join(", ")}, …)` : "") +
      ".\n\n" +
      "Each sets `ts` to the current time; its `_at` twin takes `ts` as its first argument (`0` stays `0`). The " +
      "structs' fields are public, so anything a constructor does not take can be set on its result.",
  );
  const local = new Set<string>(["now_ms", "new_uuid"]);
  const ctx = typeContext(f, ir, local, (n) => f.import(names.type(n), TYPES_MODULE));
  const plans = protocolOf(ir).factories.map((factory) => plan(ir, factory, names, ctx));
  for (const p of plans) {
    local.add(p.name);
    local.add(p.nameAt);
    f.declare(p.name);
    f.declare(p.nameAt);
  }
  f.declare("now_ms");
  f.declare("new_uuid");
  f.print("/// The current time in integer milliseconds since the Unix epoch (`0` when the clock is set before 1970).");
  f.block(
    ["pub fn now_ms() -> u64 {"],
    () => {
      f.print(f.import("SystemTime", "std::time"), "::now()");
      f.indent(() => {
        f.print(".duration_since(", f.import("UNIX_EPOCH", "std::time"), ")");
        f.print(".map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))");
      });
    },
    "}",
  );
  if (plans.some((p) => p.params.some((x) => x.name === "uuid"))) {
    f.print();
    f.print("/// A random (version 4) UUID in its hyphenated form.");
    f.block(["fn new_uuid() -> String {"], () => f.print(f.import("Uuid", "uuid"), "::new_v4().to_string()"), "}");
  }
  for (const p of plans) {
    f.print();
    printConstructor(f, p, ctx, names);
  }
  return f;
}

function isString(ir: Ir, t: TypeRef): boolean {
  return resolveAliases(ir, t).kind === "string";
}

/**
 * The IR's factory plan in Rust: positional parameters (`Option`s for optional fields, `impl Into<String>` for
 * required strings; `ts` only in the `_at` twin), `let` statements for computed fields, a struct literal.
 */
function plan(ir: Ir, factory: FactoryPlan, names: RsNames, ctx: TypeContext): Plan {
  const m = factory.message;
  const p: Plan = { name: names.factory(m.name), nameAt: names.factoryAt(m.name), message: m, params: [], prelude: [], inits: [], notes: [] };
  // Names are claimed in wire order, so a clash renames the later field.
  const taken = new Set<string>(["now_ms", "new_uuid", "ts"]);
  const rsName = new Map<FactoryParam, string>();
  for (const x of [...factory.params].sort((a, b) => a.order - b.order)) {
    if (x.role !== "ts") rsName.set(x, claim(taken, x.role === "request" && factory.answersAnyRequest ? "etype" : (x.vrpcName ?? snakeCase(x.name))));
  }
  /** The expression each parameter contributes (`name`, or `name.into()` for an `impl Into<String>`). */
  const expr = new Map<FactoryParam, Printable>();
  for (const x of factory.params) {
    const name = rsName.get(x);
    if (name === undefined) continue;
    expr.set(x, name);
    if (x.role === "etype" || (x.role === "request" && factory.answersAnyRequest)) {
      p.params.push({ name, type: "impl Into<String>" });
      p.prelude.push([`let ${name}: String = ${name}.into();`]);
    } else if (x.role === "request") p.params.push({ name, type: ["&", ctx.ref(x.role === "request" ? requestOf(factory).name : m.name)] });
    else if (x.role === "uuid" || x.role === "rtype") p.params.push({ name, type: "Option<String>" });
    else if (x.role === "ok") p.params.push({ name, type: "bool" });
    else if (x.role === "error") {
      const t = resolveAliases(ir, x.field.type);
      p.params.push({ name, type: ["Option<", typeExpr(t.kind === "nullable" ? t.inner : x.field.type, ctx), ">"] });
    } else if (x.required && isString(ir, x.field.type)) {
      p.params.push({ name, type: "impl Into<String>" });
      expr.set(x, [name, ".into()"]);
    } else {
      const type = typeExpr(x.field.type, ctx, needsBox(ir, x.owner.name, x.field.type));
      p.params.push({ name, type: x.required ? type : ["Option<", type, ">"] });
    }
  }
  const lets: Printable[][] = [];
  const attrs = names.fields(m).fields;
  factory.slots.forEach((slot, i) => {
    const attr = attrs[i]!;
    /** A computed value, wrapped in `Some` when the field is optional. */
    const set = (value: Printable) => p.inits.push(init(attr, slot.field.required ? value : ["Some(", value, ")"]));
    const v = slot.value;
    switch (v.kind) {
      case "param":
        return p.inits.push(init(attr, expr.get(v.param)!));
      case "now":
        p.tsType = typeExpr(slot.field.type, ctx);
        return set("ts");
      case "const":
        return set([names.type(m.name), "::ETYPE.to_owned()"]);
      case "null":
        return set("()");
      case "record": {
        const inner = names.fields(v.record).fields;
        const values = v.slots.map((s, j) => init(inner[j]!, s.value.kind === "param" ? expr.get(s.value.param)! : "()"));
        return set([ctx.ref(v.record.name), " { ", join(values, ", "), " }"]);
      }
      case "uuid":
        p.notes.push("`uuid` defaults to a random UUID.");
        lets.unshift(["let uuid = uuid.unwrap_or_else(new_uuid);"]);
        return set("uuid");
      case "rtype":
        p.notes.push(`\`rtype\` is \`${v.prefix}{uuid}\`.`);
        lets.push(["let rtype = format!(", str(`${v.prefix.replace(/[{}]/g, "$&$&")}{uuid}`), ");"]);
        return set("rtype");
      case "rtype-default":
        p.notes.push("`rtype` defaults to `{etype}_RESPONSE@{uuid}`.");
        lets.push(["let rtype = rtype.unwrap_or_else(|| format!(", str("{etype}_RESPONSE@{uuid}"), "));"]);
        return set("rtype");
      case "request": {
        const from: Printable = `request.${names.fields(v.request.def).fields[v.request.def.fields.indexOf(v.from)]!}.clone()`;
        if (v.from.name === "rtype") {
          p.notes.push("`request` is the request this answers: its `rtype` is this message's `etype`.");
          return set(from);
        }
        // The request's key is required where the response's is optional (or the other way round).
        if (v.from.required === slot.field.required) return p.inits.push([attr, ": ", from]);
        return p.inits.push(slot.field.required ? [attr, ": ", from, ".unwrap_or_default()"] : [attr, ": Some(", from, ")"]);
      }
      case "answer":
        p.notes.push("`etype` is the `rtype` of the request this answers.");
        return set(rsName.get(v.param)!);
      case "ok":
        return set(rsName.get(v.param)!);
      case "error":
        p.notes.push("`ok` and `error` are always written; `error` is nil (`None`) on success.");
        return set(rsName.get(v.param)!);
    }
  });
  p.prelude.push(...lets);
  return p;
}

/** `attr: value`, or the shorthand `attr` when the value is the parameter of the same name. */
function init(attr: string, value: Printable): Printable {
  return value === attr ? attr : [attr, ": ", value];
}

function requestOf(factory: FactoryPlan): RecordDef {
  const slot = factory.slots.find((s) => s.value.kind === "request");
  return (slot!.value as Extract<FieldValue, { kind: "request" }>).request.def;
}

function printConstructor(f: GeneratedFile, p: Plan, ctx: TypeContext, names: RsNames): void {
  const params = p.params.map((x) => [x.name, ": ", x.type]);
  const ret = ctx.ref(p.message.name);
  const description = p.message.description ?? "";
  const doc = (ts: string) => [`Builds a new \`${names.type(p.message.name)}\`. ${description}`.trimEnd(), [ts, ...p.notes].join(" ")].join("\n\n");
  const docAt = () => [`Like \`${p.name}\`, with \`ts\` given (\`0\` stays \`0\`).`, ...p.notes].join(" ");
  if (p.tsType !== undefined) {
    printDoc(f, doc(`\`ts\` is the current time (\`${p.nameAt}\` takes it).`));
    f.block(
      ["pub fn ", p.name, "(", join(params, ", "), ") -> ", ret, " {"],
      () => f.print(p.nameAt, "(", join(["now_ms()", ...p.params.map((x) => x.name)], ", "), ")"),
      "}",
    );
    f.print();
    printDoc(f, docAt());
    f.block(["pub fn ", p.nameAt, "(", join([["ts: ", p.tsType], ...params], ", "), ") -> ", ret, " {"], () => printBody(f, p, ret), "}");
    return;
  }
  printDoc(f, doc(""));
  f.block(["pub fn ", p.name, "(", join(params, ", "), ") -> ", ret, " {"], () => printBody(f, p, ret), "}");
}

function printBody(f: GeneratedFile, p: Plan, ret: Printable): void {
  for (const line of p.prelude) f.print(...line);
  f.print(ret, " {");
  f.indent(() => p.inits.forEach((i) => f.print(i, ",")));
  f.print("}");
}
