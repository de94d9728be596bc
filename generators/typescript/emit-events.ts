/**
 * `src/events.ts`: a factory per message type of the catalogue and per envelope (`setEvent(data, opts?)`,
 * `addEvent(nodes, {to, ts}?)`, `cameraMoveEvent(value, key?, opts?)`, `rpcRequest(etype, opts?)`,
 * `rpcResponse(request, opts?)`, …). Factories set `ts` (`opts.ts ?? Date.now()`), generate RPC ids and derive
 * `rtype`, write fields in wire order, and leave absent optional fields out rather than setting them to undefined.
 *
 * Each factory is first planned (parameters, options, the entries of the returned object), then printed by one
 * function, so every factory has the same shape.
 */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile, Printable } from "../common/printer.js";
import { protocolOf, type FactoryParam, type FactoryPlan, type FieldSlot, type ParamRole } from "../../core/src/ir/protocol.js";
import type { Ir, RecordDef } from "../../core/src/ir/types.js";
import { typeContext } from "./emit-types.js";
import { join, printDoc, str, tsFile } from "./file.js";
import { claim, isPropertyName, propertyKey, type TsNames } from "./names.js";
import { typeExpr, type TypeContext } from "./type-expr.js";

const TYPES_MODULE = "./types.js";

interface Param {
  name: string;
  /** Parameters are ordered by rank (the request or etype, the payload, `key`, the rest), then in wire order. */
  readonly rank: number;
  readonly wire: string;
  readonly type: Printable;
  optional: boolean;
  doc: string | undefined;
  /** The entry that takes this parameter's value, updated if the parameter becomes an option. */
  readonly entry: Entry;
}

interface Opt {
  readonly key: string;
  readonly type: Printable;
}

/** One entry of the returned object; an `optional` entry is left out when its value is undefined. */
interface Entry {
  readonly key: string;
  value: Printable;
  optional: boolean;
}

interface Plan {
  readonly name: string;
  readonly message: RecordDef;
  readonly params: Param[];
  readonly opts: Opt[];
  readonly optsDoc: string[];
  readonly prelude: Printable[][];
  readonly entries: Entry[];
}

export function emitEvents(ir: Ir, names: TsNames, source: HeaderSource): GeneratedFile {
  const f = tsFile("src/events.ts", source);
  const ctx: TypeContext = { ...typeContext(f, ir, names), ref: (n) => f.import(names.type(n), TYPES_MODULE, { typeOnly: true }) };
  for (const factory of protocolOf(ir).factories) {
    const plan = new Planner(ctx, factory).plan();
    f.declare(plan.name);
    printFactory(f, plan, ctx);
    f.print();
  }
  return f;
}

/** Positional parameters come in this order (then wire order); every other parameter is an option. */
const POSITIONAL: Partial<Record<ParamRole, number>> = { etype: 0, request: 0, payload: 1, "payload-field": 1, key: 2, field: 3 };

/**
 * The IR's factory plan in TypeScript: the etype or request, the payload, `key` and the other required fields
 * as parameters; `ts`, `uuid` and the optional fields as an `opts` object; computed fields in a prelude.
 */
class Planner {
  private readonly result: Plan;
  private readonly taken = new Set(["opts", "uuid"]);
  /** The TS name of each positional parameter. */
  private readonly positional = new Map<FactoryParam, Param>();

  constructor(
    private readonly ctx: TypeContext,
    private readonly factory: FactoryPlan,
  ) {
    this.result = { name: ctx.names.factory(factory.message.name), message: factory.message, params: [], opts: [], optsDoc: [], prelude: [], entries: [] };
  }

  plan(): Plan {
    const { factory, result } = this;
    for (const x of [...factory.params].sort((a, b) => a.order - b.order)) {
      const rank = POSITIONAL[x.role];
      const positional = rank !== undefined && (x.required || x.role === "payload" || x.role === "key") && !(factory.answersAnyRequest && x.role !== "request");
      if (!positional) continue;
      const entry: Entry = { key: x.field.name, value: "", optional: !x.required };
      const p: Param = { name: claim(this.taken, x.name), rank, wire: x.field.name, type: this.paramType(x), optional: !x.required, doc: x.field.description, entry };
      entry.value = p.name;
      this.positional.set(x, p);
      result.params.push(p);
    }
    result.params.sort((a, b) => a.rank - b.rank);
    for (const slot of factory.slots) result.entries.push(this.entry(slot));
    demoteOptionalsBeforeRequired(result);
    return result;
  }

  private paramType(x: FactoryParam): Printable {
    if (x.role !== "request") return typeExpr(x.field.type, this.ctx);
    if (this.factory.answersAnyRequest) return "{ readonly etype: string; readonly rtype?: string; readonly uuid?: string }";
    const request = protocolOf(this.ctx.ir).pairedRequest(this.factory.message)!;
    const pick = join([str("rtype"), ...(request.key ? [str("key")] : [])], " | ");
    return ["Pick<", this.ctx.ref(request.def.name), ", ", pick, ">"];
  }

  /** The object entry of one field (the parameter's entry when a positional parameter takes it). */
  private entry(slot: FieldSlot): Entry {
    const { result, ctx } = this;
    const key = slot.field.name;
    const fixed = (value: Printable): Entry => ({ key, value, optional: false });
    const v = slot.value;
    switch (v.kind) {
      case "param": {
        const p = this.positional.get(v.param);
        if (p !== undefined) return p.entry;
        result.opts.push({ key: v.param.field.name, type: typeExpr(v.param.field.type, ctx) });
        return { key, value: optsAccess(v.param.field.name), optional: true };
      }
      case "now":
        result.opts.push({ key: "ts", type: typeExpr(slot.field.type, ctx) });
        result.optsDoc.push("`ts` defaults to the current time");
        return fixed(["opts.ts ?? ", ctx.global("Date"), ".now()"]);
      case "const":
        return fixed(str(v.value));
      case "null":
        return fixed("null");
      case "record":
        return fixed(objectLiteral(v.slots.map((s) => this.entry(s))));
      case "uuid":
        result.opts.push({ key: "uuid", type: typeExpr(slot.field.type, ctx) });
        result.optsDoc.push("`uuid` defaults to a random UUID");
        result.prelude.push(["const uuid = opts.uuid ?? ", ctx.global("crypto"), ".randomUUID();"]);
        return fixed("uuid");
      case "rtype":
        return fixed(`\`${templateText(v.prefix)}\${uuid}\``);
      case "rtype-default": {
        result.opts.push({ key: "rtype", type: typeExpr(slot.field.type, ctx) });
        result.optsDoc.push("`rtype` defaults to `{etype}_RESPONSE@{uuid}`");
        return fixed(`opts.rtype ?? \`\${${this.positional.get(v.etype)!.name}}_RESPONSE@\${uuid}\``);
      }
      case "request": {
        const p = this.positional.get(v.param)!;
        if (v.from.name === "rtype") {
          p.doc = `The request this answers: its \`rtype\` is this message's \`etype\`${v.request.key ? " and its `key` is echoed" : ""}.`;
          return fixed(`${p.name}.rtype`);
        }
        return { key, value: `${p.name}.key`, optional: !v.from.required };
      }
      case "answer": {
        const p = this.positional.get(v.param)!;
        p.doc = "The request this answers.";
        result.prelude.push([`const etype = ${p.name}.rtype ?? (${p.name}.uuid === undefined ? undefined : \`\${${p.name}.etype}_RESPONSE@\${${p.name}.uuid}\`);`]);
        result.prelude.push([`if (etype === undefined) throw new TypeError(\`${result.name}: the request \${${p.name}.etype} has neither an rtype nor a uuid\`);`]);
        return fixed("etype");
      }
      case "ok":
        result.opts.push({ key: "ok", type: typeExpr(slot.field.type, ctx) });
        result.optsDoc.push("`ok` defaults to whether `error` is nil");
        return fixed("opts.ok ?? error === null");
      case "error":
        result.opts.push({ key: "error", type: typeExpr(slot.field.type, ctx) });
        result.optsDoc.push("`error` defaults to nil");
        result.prelude.push(["const error = opts.error ?? null;"]);
        return fixed("error");
    }
  }
}

/** A required parameter cannot follow an optional one: such optional parameters become options. */
function demoteOptionalsBeforeRequired(plan: Plan): void {
  const lastRequired = plan.params.map((p) => p.optional).lastIndexOf(false);
  for (let i = lastRequired - 1; i >= 0; i--) {
    const p = plan.params[i]!;
    if (!p.optional) continue;
    plan.params.splice(i, 1);
    plan.opts.push({ key: p.wire, type: p.type });
    p.entry.value = optsAccess(p.wire);
  }
}

/** Text inside a template literal: backslashes, backticks and `${` escaped. */
function templateText(text: string): string {
  return text.replace(/[\\`]/g, "\\$&").replace(/\$\{/g, "\\${");
}

function optsAccess(key: string): string {
  return isPropertyName(key) ? `opts.${key}` : `opts[${str(key)}]`;
}

function objectLiteral(entries: readonly Entry[]): Printable {
  return ["{ ", join(entries.map(entryText), ", "), " }"];
}

/** `key: value`, `key` (shorthand), or `...(value !== undefined && { key: value })` for an optional entry. */
function entryText(e: Entry): Printable {
  // A literal `"__proto__": v` would set the prototype; the computed form makes an own property.
  const key = e.key === "__proto__" ? '["__proto__"]' : propertyKey(e.key);
  const pair: Printable = e.value === key && isPropertyName(key) ? key : [key, ": ", e.value];
  return e.optional ? ["...(", e.value, " !== undefined && { ", pair, " })"] : pair;
}

function printFactory(f: GeneratedFile, plan: Plan, ctx: TypeContext): void {
  const m = plan.message;
  const tags = plan.params.map((p) => `@param ${p.name} - ${p.doc ?? ""}`.trimEnd());
  if (plan.opts.length > 0) {
    const rest = plan.opts.filter((o) => !["ts", "uuid", "rtype", "ok", "error"].includes(o.key)).map((o) => `\`${o.key}\``);
    const parts = [...plan.optsDoc, ...(rest.length > 0 ? [`${rest.join(", ")} ${rest.length === 1 ? "is" : "are"} left out when not given`] : [])];
    tags.push(`@param opts - ${parts.join("; ")}.`);
  }
  printDoc(f, `Builds a new \`${ctx.names.type(m.name)}\`. ${m.description ?? ""}`.trimEnd(), tags);
  const params: Printable[] = plan.params.map((p) => [p.name, p.optional ? "?" : "", ": ", p.type]);
  if (plan.opts.length > 0) {
    const fields = plan.opts.map((o) => ["readonly ", propertyKey(o.key), "?: ", o.type]);
    params.push(["opts: { ", join(fields, "; "), " } = {}"]);
  }
  f.block(["export function ", plan.name, "(", join(params, ", "), "): ", ctx.ref(m.name), " {"], () => {
    for (const line of plan.prelude) f.print(...line);
    f.block(["return {"], () => plan.entries.forEach((e) => f.print(entryText(e), ",")), "};");
  }, "}");
}
