/**
 * `vmp_protocol/events.py`: a factory per message type of the catalogue and per envelope, named and shaped like
 * vrpc-py's (`set_event(scene, ts=None)`, `add_event(nodes, to=UNSET, ts=None)`, `create_rpc_request(etype,
 * rtype=None, ...)`, `create_rpc_response(request_or_etype, ...)`). `ts=None` means now (`ts=0` stays 0); RPC
 * requests get a random `uuid` and the `rtype` `{ETYPE}_RESPONSE@{uuid}`; responses take the request's `rtype`.
 *
 * Parameter order: the required ones (the etype or the request, the payload, `key`, the rest), then the optional
 * envelope fields and payload fields in wire order, then `ts`, then the message's own optional fields.
 */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile, Printable } from "../common/printer.js";
import type { Field, Ir, RecordDef, TypeRef } from "../../core/src/ir/types.js";
import { catalogue, typeContext, VALUE_MODULE } from "./emit-types.js";
import { join, printDocstring, pyFile, str } from "./file.js";
import { claim, type PyNames } from "./names.js";
import { typeExpr, type TypeContext } from "./type-expr.js";

const TYPES_MODULE = ".types";

/** vrpc-py's parameter names where they differ from the wire name, by message type and field. */
const PARAM_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = { SetEvent: { data: "scene" } };

interface Param {
  readonly name: string;
  readonly type: Printable;
  /** The default value's code; undefined for a required parameter. */
  readonly default?: Printable;
  /** 0 etype/request, 1 payload, 2 key, 3 other required, 4 optional envelope field, 5 ts, 6 the message's own. */
  readonly rank: number;
  readonly order: number;
}

interface Plan {
  readonly name: string;
  readonly message: RecordDef;
  readonly params: Param[];
  readonly prelude: Printable[][];
  /** `attr=value` arguments of the dataclass constructor, in wire order. */
  readonly args: Printable[];
  readonly notes: string[];
}

export function emitEvents(ir: Ir, names: PyNames, source: HeaderSource, hasZDataAlias: boolean): GeneratedFile {
  const f = pyFile("vmp_protocol/events.py", source, "Factories for the messages of the Vuer Message Protocol, with vrpc-py's names and signatures.");
  const base = typeContext(f, names, hasZDataAlias);
  const ctx: TypeContext = { ...base, ref: (n) => f.import(names.type(n), TYPES_MODULE) };
  const envelopes = ir.messages.filter((m) => m.event!.envelope === m.name && m.name !== "Message");
  const plans = [...catalogue(ir), ...envelopes].map((m) => (m.name === "RpcResponse" ? rpcResponse(f, ir, m, names, ctx) : plan(f, ir, m, names, ctx)));
  for (const p of plans) f.declare(p.name);
  f.declare("_now");
  f.print("def _now() -> int:");
  f.indent(() => {
    f.print('"""The current time in integer milliseconds since the Unix epoch."""');
    f.print("return int(", f.import("time", ""), ".time() * 1000)");
  });
  for (const p of plans) {
    f.print();
    f.print();
    printFactory(f, p, ctx, names);
  }
  return f;
}

function envelopeOf(ir: Ir, m: RecordDef): RecordDef | undefined {
  const e = ir.types.get(m.event!.envelope);
  return e?.kind === "record" && e !== m ? e : undefined;
}

function plan(f: GeneratedFile, ir: Ir, m: RecordDef, names: PyNames, ctx: TypeContext): Plan {
  const ev = m.event!;
  const attrs = names.attrs(m).fields;
  const taken = new Set<string>(["uuid4", "time"]);
  const p: Plan = { name: names.factory(m.name), message: m, params: [], prelude: [], args: [], notes: [] };
  const has = (n: string) => m.fields.find((x) => x.name === n);
  const isRequest = has("uuid") !== undefined && has("rtype") !== undefined;
  const request = ev.etypePattern !== undefined ? pairedRequest(ir, ev.etypePattern) : undefined;
  const payload = ["data", "value"].find((n) => has(n) !== undefined);
  const envelope = envelopeOf(ir, m);
  const inEnvelope = (n: string) => envelope === undefined || envelope.fields.some((x) => x.name === n);
  const UNSET = f.import("UNSET", VALUE_MODULE);
  const Unset = f.import("UnsetType", VALUE_MODULE);
  let order = 0;
  /** A parameter for a field; an optional one ranks as an envelope field (4) or as the message's own (6). */
  const param = (field: Field, rank: number, optionalRank = inEnvelope(field.name) ? 4 : 6): string => {
    const name = claim(taken, PARAM_NAMES[m.name]?.[field.name] ?? snake(field.name));
    const type = typeExpr(field.type, ctx);
    if (field.required) p.params.push({ name, type, rank, order: order++ });
    else p.params.push({ name, type: [type, " | ", Unset], default: UNSET, rank: optionalRank, order: order++ });
    return name;
  };
  let etypeParam: string | undefined;
  m.fields.forEach((field, i) => {
    const arg = (value: Printable) => p.args.push([attrs[i]!, "=", value]);
    switch (field.name) {
      case "ts":
        p.params.push({ name: claim(taken, "ts"), type: [typeExpr(field.type, ctx), " | None"], default: "None", rank: 5, order: order++ });
        p.notes.push("`ts` defaults to the current time (`ts=0` stays 0).");
        arg("_now() if ts is None else ts");
        return;
      case "etype":
        if (ev.etype !== undefined) return; // the dataclass's default
        if (request !== undefined) {
          p.params.push({ name: claim(taken, "request"), type: ctx.ref(request.def.name), rank: 0, order: order++ });
          p.notes.push("`request` is the request this answers: its `rtype` is this message's `etype`.");
          arg("request.rtype");
        } else {
          etypeParam = param({ ...field, required: true }, 0);
          arg(etypeParam);
        }
        return;
      case "uuid":
        if (isRequest) {
          p.params.push({ name: claim(taken, "uuid"), type: "str | None", default: "None", rank: 4, order: order++ });
          p.notes.push("`uuid` defaults to a random UUID.");
          p.prelude.push(["uuid = str(", f.import("uuid4", "uuid"), "()) if uuid is None else uuid"]);
          arg("uuid");
          return;
        }
        break;
      case "rtype":
        if (isRequest) {
          const prefix = field.type.kind === "string" ? patternPrefix(field.type.pattern) : undefined;
          if (etypeParam !== undefined && prefix === undefined) {
            p.params.push({ name: claim(taken, "rtype"), type: "str | None", default: "None", rank: 4, order: order++ });
            p.notes.push(`\`rtype\` defaults to \`{etype}_RESPONSE@{uuid}\`.`);
            arg(["f\"{", etypeParam, '}_RESPONSE@{uuid}" if rtype is None else rtype']);
          } else {
            const head = prefix ?? `${ev.etype ?? ""}_RESPONSE@`;
            p.notes.push(`\`rtype\` is \`${head}{uuid}\`.`);
            arg(["f", str(`${head.replace(/[{}]/g, "$&$&")}{uuid}`).replace("{{uuid}}", "{uuid}")]);
          }
          return;
        }
        break;
      case "key":
        if (request?.key) {
          arg(`request.${names.attrs(request.def).fields[request.def.fields.indexOf(request.key)]!}`);
          return;
        }
        arg(param(field, 2));
        return;
    }
    if (field.name === payload) {
      if (field.type.kind === "null") return arg("None");
      const record = closedRecord(ir, field.type);
      if (ev.envelope === "ServerEvent" && field.required && record !== undefined && !record.fields.some((x) => ["ts", "uuid"].includes(x.name) || has(x.name))) {
        const inner = names.attrs(record).fields;
        const values = record.fields.map((x, j) => [inner[j]!, "=", param(x, 1, 4)]);
        return arg([ctx.ref(record.name), "(", join(values, ", "), ")"]);
      }
      return arg(param(field, 1));
    }
    arg(param(field, field.required ? 3 : 4));
  });
  p.params.sort((a, b) => a.rank - b.rank || a.order - b.order);
  return p;
}

/** `create_rpc_response(request_or_etype, data=UNSET, value=UNSET, ok=True, error=None, ts=None, ...)`. */
function rpcResponse(f: GeneratedFile, ir: Ir, m: RecordDef, names: PyNames, ctx: TypeContext): Plan {
  const attrs = names.attrs(m).fields;
  const p: Plan = { name: names.factory(m.name), message: m, params: [], prelude: [], args: [], notes: [] };
  const requests = ["RpcRequest", "ServerRpcRequest", "Message"].filter((n) => ir.types.has(n)).map((n) => ctx.ref(n));
  p.params.push({ name: "request_or_etype", type: join(["str", ...requests], " | "), rank: 0, order: 0 });
  p.notes.push(
    "The response's `etype` is `request_or_etype` when it is a string, else the request's `rtype`, or `{etype}_RESPONSE@{uuid}` when the request has none.",
  );
  p.prelude.push(["if isinstance(request_or_etype, str):"], ["    etype = request_or_etype"]);
  p.prelude.push(["elif isinstance(request_or_etype.rtype, str):"], ["    etype = request_or_etype.rtype"]);
  p.prelude.push(["elif isinstance(request_or_etype.uuid, str):"], ['    etype = f"{request_or_etype.etype}_RESPONSE@{request_or_etype.uuid}"']);
  p.prelude.push(["else:"], ['    raise ValueError(f"create_rpc_response: the request {request_or_etype.etype} has neither an rtype nor a uuid")']);
  const UNSET = f.import("UNSET", VALUE_MODULE);
  const Unset = f.import("UnsetType", VALUE_MODULE);
  m.fields.forEach((field, i) => {
    const arg = (value: Printable) => p.args.push([attrs[i]!, "=", value]);
    const type = typeExpr(field.type, ctx);
    switch (field.name) {
      case "etype":
        return arg("etype");
      case "ts":
        p.params.push({ name: "ts", type: [type, " | None"], default: "None", rank: 5, order: i });
        p.notes.push("`ts` defaults to the current time (`ts=0` stays 0).");
        return arg("_now() if ts is None else ts");
      case "ok":
        p.params.push({ name: "ok", type, default: "True", rank: 4, order: i - 10 });
        return arg("ok");
      case "error":
        p.params.push({ name: "error", type, default: "None", rank: 4, order: i - 10 });
        p.notes.push("`ok` and `error` are always written; `error` is nil on success.");
        return arg("error");
      default: {
        const name = claim(new Set(["request_or_etype", "ok", "error", "ts", "etype"]), snake(field.name));
        p.params.push({ name, type: field.required ? type : [type, " | ", Unset], default: field.required ? undefined : UNSET, rank: field.name === "data" || field.name === "value" ? 1 : 6, order: i });
        return arg(name);
      }
    }
  });
  p.params.sort((a, b) => a.rank - b.rank || a.order - b.order);
  return p;
}

function snake(name: string): string {
  return name.replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
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

function printFactory(f: GeneratedFile, p: Plan, ctx: TypeContext, names: PyNames): void {
  const params = p.params.map((x) => [x.name, ": ", x.type, x.default === undefined ? "" : [" = ", x.default]]);
  f.print("def ", p.name, "(", join(params, ", "), ") -> ", ctx.ref(p.message.name), ":");
  f.indent(() => {
    const doc = [`Builds a new \`${names.type(p.message.name)}\`. ${p.message.description ?? ""}`.trimEnd(), ...(p.notes.length > 0 ? [p.notes.join(" ")] : [])];
    printDocstring(f, doc.join("\n\n"));
    for (const line of p.prelude) f.print(...line);
    f.print("return ", ctx.ref(p.message.name), "(", join(p.args, ", "), ")");
  });
}
