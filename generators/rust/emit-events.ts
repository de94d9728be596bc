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
import type { Field, Ir, RecordDef, TypeRef } from "../../core/src/ir/types.js";
import { catalogue } from "./emit-types.js";
import { join, printDoc, rsFile, str } from "./file.js";
import { claim, snakeCase, type RsNames } from "./names.js";
import { needsBox, resolveAliases, typeContext, typeExpr, type TypeContext } from "./type-expr.js";

const TYPES_MODULE = "crate::types";

/** The Python factories' parameter names where they differ from the wire name, by message type and field. */
const PARAM_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = { SetEvent: { data: "scene" } };

interface Param {
  readonly name: string;
  readonly type: Printable;
  /** 0 etype/request, 1 payload, 2 key, 3 other required, 4 optional envelope field, 6 the message's own. */
  readonly rank: number;
  readonly order: number;
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
  const f = rsFile(
    "src/events.rs",
    source,
    "Constructors for the messages of the Vuer Message Protocol, named like the TypeScript and Python factories " +
      "(`set_event`, `add_event`, `rpc_request`, …).\n\n" +
      "Each sets `ts` to the current time; its `_at` twin takes `ts` as its first argument (`0` stays `0`). The " +
      "structs' fields are public, so anything a constructor does not take can be set on its result.",
  );
  const local = new Set<string>(["now_ms", "new_uuid"]);
  const ctx = typeContext(f, ir, local, (n) => f.import(names.type(n), TYPES_MODULE));
  const envelopes = ir.messages.filter((m) => m.event!.envelope === m.name && m.name !== "Message");
  const plans = [...catalogue(ir), ...envelopes].map((m) => plan(ir, m, names, ctx));
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

function envelopeOf(ir: Ir, m: RecordDef): RecordDef | undefined {
  const e = ir.types.get(m.event!.envelope);
  return e?.kind === "record" && e !== m ? e : undefined;
}

function isString(ir: Ir, t: TypeRef): boolean {
  return resolveAliases(ir, t).kind === "string";
}

function plan(ir: Ir, m: RecordDef, names: RsNames, ctx: TypeContext): Plan {
  const ev = m.event!;
  const attrs = names.fields(m).fields;
  const taken = new Set<string>(["now_ms", "new_uuid", "ts"]);
  const p: Plan = { name: names.factory(m.name), nameAt: names.factoryAt(m.name), message: m, params: [], prelude: [], inits: [], notes: [] };
  const has = (n: string) => m.fields.find((x) => x.name === n);
  const isRequest = has("uuid") !== undefined && has("rtype") !== undefined;
  const request = ev.etypePattern !== undefined ? pairedRequest(ir, ev.etypePattern) : undefined;
  const payload = ["data", "value"].find((n) => has(n) !== undefined);
  const envelope = envelopeOf(ir, m);
  const inEnvelope = (n: string) => envelope === undefined || envelope.fields.some((x) => x.name === n);
  const isResponseEnvelope = m.name === "RpcResponse" && envelope === undefined;
  let order = 0;
  const init = (attr: string, value: Printable, required: boolean) => {
    const v: Printable = required ? value : ["Some(", value, ")"];
    p.inits.push(v === attr ? attr : [attr, ": ", v]);
  };
  /** A parameter's value as is: an optional field's parameter is already an `Option`. */
  const pass = (attr: string, value: Printable) => {
    p.inits.push(value === attr ? attr : [attr, ": ", value]);
  };
  /** A parameter for `field` of record `owner`; returns the expression of its value. */
  const param = (owner: RecordDef, field: Field, rank: number, optionalRank: number): Printable => {
    const name = claim(taken, PARAM_NAMES[m.name]?.[field.name] ?? snakeCase(field.name));
    const type = typeExpr(field.type, ctx, needsBox(ir, owner.name, field.type));
    if (field.required && isString(ir, field.type)) {
      p.params.push({ name, type: "impl Into<String>", rank, order: order++ });
      return [name, ".into()"];
    }
    p.params.push({ name, type: field.required ? type : ["Option<", type, ">"], rank: field.required ? rank : optionalRank, order: order++ });
    return name;
  };
  const own = (field: Field) => (inEnvelope(field.name) ? 4 : 6);
  let etypeIsParam = false;
  const uuidLets: Printable[][] = [];
  const rtypeLets: Printable[][] = [];
  m.fields.forEach((field, i) => {
    const attr = attrs[i]!;
    const set = (value: Printable) => init(attr, value, field.required);
    switch (field.name) {
      case "ts":
        p.tsType = typeExpr(field.type, ctx);
        return set("ts");
      case "etype":
        if (ev.etype !== undefined) return set([names.type(m.name), "::ETYPE.to_owned()"]);
        if (request !== undefined) {
          p.params.push({ name: claim(taken, "request"), type: ["&", ctx.ref(request.def.name)], rank: 0, order: order++ });
          p.notes.push("`request` is the request this answers: its `rtype` is this message's `etype`.");
          return set("request.rtype.clone()");
        }
        claim(taken, "etype");
        etypeIsParam = true;
        p.params.push({ name: "etype", type: "impl Into<String>", rank: 0, order: order++ });
        p.prelude.push(["let etype: String = etype.into();"]);
        if (isResponseEnvelope) p.notes.push("`etype` is the `rtype` of the request this answers.");
        return set("etype");
      case "uuid":
        if (isRequest) {
          claim(taken, "uuid");
          p.params.push({ name: "uuid", type: "Option<String>", rank: 4, order: order++ });
          p.notes.push("`uuid` defaults to a random UUID.");
          uuidLets.push(["let uuid = uuid.unwrap_or_else(new_uuid);"]);
          return set("uuid");
        }
        break;
      case "rtype":
        if (isRequest) {
          const prefix = field.type.kind === "string" ? patternPrefix(field.type.pattern) : undefined;
          if (etypeIsParam && prefix === undefined) {
            claim(taken, "rtype");
            p.params.push({ name: "rtype", type: "Option<String>", rank: 4, order: order++ });
            p.notes.push("`rtype` defaults to `{etype}_RESPONSE@{uuid}`.");
            rtypeLets.push(["let rtype = rtype.unwrap_or_else(|| format!(", str("{etype}_RESPONSE@{uuid}"), "));"]);
          } else {
            const head = prefix ?? `${ev.etype ?? ""}_RESPONSE@`;
            p.notes.push(`\`rtype\` is \`${head}{uuid}\`.`);
            rtypeLets.push(["let rtype = format!(", str(`${head.replace(/[{}]/g, "$&$&")}{uuid}`), ");"]);
          }
          return set("rtype");
        }
        break;
      case "key":
        if (request?.key) {
          const from: Printable = `request.${names.fields(request.def).fields[request.def.fields.indexOf(request.key)]!}.clone()`;
          // The request's key is required where the response's is optional (or the other way round).
          if (request.key.required === field.required) p.inits.push([attr, ": ", from]);
          else if (field.required) p.inits.push([attr, ": ", from, ".unwrap_or_default()"]);
          else p.inits.push([attr, ": Some(", from, ")"]);
          return;
        }
        return pass(attr, param(m, field, 2, own(field)));
      case "ok":
        if (isResponseEnvelope) {
          claim(taken, "ok");
          p.params.push({ name: "ok", type: "bool", rank: 4, order: order++ - 10 });
          return set("ok");
        }
        break;
      case "error":
        if (isResponseEnvelope && resolveAliases(ir, field.type).kind === "nullable") {
          claim(taken, "error");
          const inner = resolveAliases(ir, field.type);
          const t = inner.kind === "nullable" ? typeExpr(inner.inner, ctx) : typeExpr(field.type, ctx);
          p.params.push({ name: "error", type: ["Option<", t, ">"], rank: 4, order: order++ - 10 });
          p.notes.push("`ok` and `error` are always written; `error` is nil (`None`) on success.");
          return set("error");
        }
        break;
    }
    if (isResponseEnvelope && (field.name === "data" || field.name === "value")) return pass(attr, param(m, field, 1, 1));
    if (field.name === payload) {
      if (field.type.kind === "null") return set("()");
      const record = closedRecord(ir, field.type);
      if (ev.envelope === "ServerEvent" && field.required && record !== undefined && !record.fields.some((x) => ["ts", "uuid"].includes(x.name) || has(x.name))) {
        const inner = names.fields(record).fields;
        const values = record.fields.map((x, j) => {
          const value = param(record, x, 1, 4);
          return value === inner[j] ? value : [inner[j]!, ": ", value];
        });
        return set([ctx.ref(record.name), " { ", join(values, ", "), " }"]);
      }
      return pass(attr, param(m, field, 1, isResponseEnvelope ? 1 : own(field)));
    }
    pass(attr, param(m, field, field.required ? 3 : 4, own(field)));
  });
  p.prelude.push(...uuidLets, ...rtypeLets);
  p.params.sort((a, b) => a.rank - b.rank || a.order - b.order);
  return p;
}

function closedRecord(ir: Ir, t: TypeRef): RecordDef | undefined {
  let def = t.kind === "ref" ? ir.types.get(t.name) : undefined;
  while (def?.kind === "alias" && def.type.kind === "ref") def = ir.types.get(def.type.name);
  return def?.kind === "record" && !def.open && def.ztype === undefined ? def : undefined;
}

/** The request whose required `rtype` has the pattern a response's `etype` has (`GRAB_RENDER_RESPONSE@…`). */
function pairedRequest(ir: Ir, pattern: string): { def: RecordDef; key: Field | undefined } | undefined {
  for (const def of ir.messages) {
    const rtype = def.fields.find((x) => x.name === "rtype");
    if (rtype?.required && rtype.type.kind === "string" && rtype.type.pattern === pattern && def.event?.etype !== undefined) {
      return { def, key: def.fields.find((x) => x.name === "key") };
    }
  }
  return undefined;
}

/** The literal prefix of a `^PREFIX.+$` pattern, or undefined for any other pattern. */
function patternPrefix(pattern: string | undefined): string | undefined {
  const m = pattern === undefined ? null : /^\^([A-Za-z0-9_@:/ -]+)\.[+*]\$$/.exec(pattern);
  return m ? m[1] : undefined;
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
