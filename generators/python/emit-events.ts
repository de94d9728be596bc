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
import { FALLBACK_ENVELOPE, protocolOf, type FactoryParam, type FactoryPlan, type FieldValue, type ProtocolFacts } from "../../core/src/ir/protocol.js";
import type { Ir, RecordDef, TypeRef } from "../../core/src/ir/types.js";
import { typeContext, VALUE_MODULE } from "./emit-types.js";
import { join, printDocstring, pyFile, str } from "./file.js";
import { claim, snakeCase, type PyNames } from "./names.js";
import { typeExpr, type TypeContext } from "./type-expr.js";

const TYPES_MODULE = ".types";

interface Param {
  readonly name: string;
  readonly type: Printable;
  /** The default value's code; undefined for a required parameter. */
  readonly default?: Printable;
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

export function emitEvents(ir: Ir, names: PyNames, source: HeaderSource): GeneratedFile {
  const f = pyFile("vmp_protocol/events.py", source, `Factories for the messages of the ${ir.source.title}, with vrpc-py's names and signatures.`);
  const base = typeContext(f, names);
  const ctx: TypeContext = { ...base, ref: (n) => f.import(names.type(n), TYPES_MODULE) };
  const facts = protocolOf(ir);
  const plans = facts.factories.map((factory) => plan(f, ir, factory, names, ctx, facts));
  for (const p of plans) f.declare(p.name);
  f.declare("_now");
  f.declare("_as_record");
  f.print("def _now() -> int:");
  f.indent(() => {
    f.print('"""The current time in integer milliseconds since the Unix epoch."""');
    f.print("return int(", f.import("time", ""), ".time() * 1000)");
  });
  f.print();
  f.print();
  const R = f.import("TypeVar", "typing");
  f.print('_R = ', R, '("_R", bound=', f.import("Record", "._runtime.record"), ")");
  f.print();
  f.print();
  f.print("def _as_record(cls: type[_R], value: _R | ", ctx.imp("Mapping", "collections.abc"), "[str, ", ctx.imp("Any", "typing"), "]) -> _R:");
  f.indent(() => {
    f.print('"""``value`` as a ``cls``: a mapping keyed by wire names (what vrpc-py passes) is validated into one."""');
    f.print("return cls.from_dict(dict(value)) if isinstance(value, ", ctx.imp("Mapping", "collections.abc"), ") else value");
  });
  for (const p of plans) {
    f.print();
    f.print();
    printFactory(f, p, ctx, names);
  }
  return f;
}

/** The IR's factory plan in Python: keyword-capable parameters with defaults, a prelude, the constructor call. */
function plan(f: GeneratedFile, ir: Ir, factory: FactoryPlan, names: PyNames, ctx: TypeContext, facts: ProtocolFacts): Plan {
  const m = factory.message;
  const p: Plan = { name: names.factory(m.name), message: m, params: [], prelude: [], args: [], notes: [] };
  const UNSET = f.import("UNSET", VALUE_MODULE);
  const Unset = f.import("UnsetType", VALUE_MODULE);
  // Names are claimed in wire order, so a clash renames the later field.
  const taken = new Set<string>(["uuid4", "time"]);
  const pyName = new Map<FactoryParam, string>();
  const asRecord = new Map<FactoryParam, Printable>();
  for (const x of [...factory.params].sort((a, b) => a.order - b.order)) {
    pyName.set(x, claim(taken, x.role === "request" && factory.answersAnyRequest ? "request_or_etype" : (x.vrpcName ?? snakeCase(x.name))));
  }
  for (const x of factory.params) {
    const name = pyName.get(x)!;
    const type = typeExpr(x.field.type, ctx);
    switch (x.role) {
      case "request": {
        const requests = factory.answersAnyRequest
          ? ["str", ...["RpcRequest", "ServerRpcRequest", FALLBACK_ENVELOPE].filter((n) => facts.envelopes.some((e) => e.name === n) || facts.fallback?.name === n).map((n) => ctx.ref(n))]
          : [ctx.ref(facts.pairedRequest(m)!.def.name)];
        p.params.push({ name, type: join(requests, " | ") });
        break;
      }
      case "ts":
      case "ok":
        p.params.push({ name, type: [type, " | None"], default: "None" });
        break;
      case "uuid":
      case "rtype":
        p.params.push({ name, type: "str | None", default: "None" });
        break;
      case "error":
        p.params.push({ name, type, default: "None" });
        break;
      default: {
        // A record parameter also takes a mapping keyed by wire names, as vrpc-py's factories do (validated).
        const record = recordOf(ir, x.field.type);
        const accepted: Printable = record === undefined ? type : [type, " | ", ctx.imp("Mapping", "collections.abc"), "[str, ", ctx.imp("Any", "typing"), "]"];
        if (record !== undefined) asRecord.set(x, ctx.ref(record.name));
        p.params.push(x.required ? { name, type: accepted } : { name, type: [accepted, " | ", Unset], default: UNSET });
      }
    }
  }
  for (const [x, cls] of asRecord) {
    const name = pyName.get(x)!;
    const convert: Printable = ["_as_record(", cls, ", ", name, ")"];
    p.prelude.push(x.required ? [name, " = ", convert] : [name, " = ", name, " if isinstance(", name, ", ", Unset, ") else ", convert]);
  }
  const attrs = names.attrs(m).fields;
  factory.slots.forEach((slot, i) => {
    const value = valueOf(slot.value, p, pyName, f, names, ctx);
    if (value !== undefined) p.args.push([attrs[i]!, "=", value]);
  });
  return p;
}

/** The constructor argument of one field (undefined: the dataclass's default, a catalogued etype). */
function valueOf(v: FieldValue, p: Plan, pyName: ReadonlyMap<FactoryParam, string>, f: GeneratedFile, names: PyNames, ctx: TypeContext): Printable | undefined {
  switch (v.kind) {
    case "param":
      return pyName.get(v.param)!;
    case "now":
      p.notes.push("`ts` defaults to the current time (`ts=0` stays 0).");
      return `_now() if ${pyName.get(v.param)} is None else ${pyName.get(v.param)}`;
    case "const":
      return undefined;
    case "null":
      return "None";
    case "record": {
      const inner = names.attrs(v.record).fields;
      return [ctx.ref(v.record.name), "(", join(v.slots.map((s, j) => [inner[j]!, "=", valueOf(s.value, p, pyName, f, names, ctx)!]), ", "), ")"];
    }
    case "uuid": {
      const name = pyName.get(v.param)!;
      p.notes.push("`uuid` defaults to a random UUID.");
      p.prelude.push([name, " = str(", f.import("uuid4", "uuid"), `()) if ${name} is None else ${name}`]);
      return name;
    }
    case "rtype":
      p.notes.push(`\`rtype\` is \`${v.prefix}{uuid}\`.`);
      return ["f", str(`${v.prefix.replace(/[{}]/g, "$&$&")}{uuid}`).replace("{{uuid}}", "{uuid}")];
    case "rtype-default": {
      const name = pyName.get(v.param)!;
      p.notes.push("`rtype` defaults to `{etype}_RESPONSE@{uuid}`.");
      return [`f"{${pyName.get(v.etype)}}_RESPONSE@{uuid}" if ${name} is None else ${name}`];
    }
    case "request": {
      const from = names.attrs(v.request.def).fields[v.request.def.fields.indexOf(v.from)]!;
      if (v.from.name === "rtype") p.notes.push("`request` is the request this answers: its `rtype` is this message's `etype`.");
      return `${pyName.get(v.param)}.${from}`;
    }
    case "answer": {
      const r = pyName.get(v.param)!;
      p.notes.push("The response's `etype` is `" + r + "` when it is a string, else the request's `rtype`, or `{etype}_RESPONSE@{uuid}` when the request has none.");
      p.prelude.push([`if isinstance(${r}, str):`], ["    etype = ", r], [`elif isinstance(${r}.rtype, str):`], [`    etype = ${r}.rtype`]);
      p.prelude.push([`elif isinstance(${r}.uuid, str):`], [`    etype = f"{${r}.etype}_RESPONSE@{${r}.uuid}"`]);
      p.prelude.push(["else:"], [`    raise ValueError(f"${p.name}: the request {${r}.etype} has neither an rtype nor a uuid")`]);
      return "etype";
    }
    case "ok": {
      const name = pyName.get(v.param)!;
      p.notes.push("`ok` defaults to whether `error` is None; `ok` and `error` are always written, `error` is nil on success.");
      const error = [...pyName].find(([x]) => x.role === "error")?.[1] ?? "error";
      return `(${error} is None) if ${name} is None else ${name}`;
    }
    case "error":
      return pyName.get(v.param)!;
  }
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

/** The record (not a ZData variant) a type names, through aliases; undefined for any other type. */
function recordOf(ir: Ir, t: TypeRef): RecordDef | undefined {
  let def = t.kind === "ref" ? ir.types.get(t.name) : undefined;
  while (def?.kind === "alias" && def.type.kind === "ref") def = ir.types.get(def.type.name);
  return def?.kind === "record" && def.ztype === undefined ? def : undefined;
}
