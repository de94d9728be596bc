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
import type { Field, Ir, RecordDef, TypeRef } from "../../core/src/ir/types.js";
import { catalogue, typeContext } from "./emit-types.js";
import { join, printDoc, str, tsFile } from "./file.js";
import { claim, isPropertyName, propertyKey, type TsNames } from "./names.js";
import { patternPrefix, typeExpr, type TypeContext } from "./type-expr.js";

const TYPES_MODULE = "./types.js";

interface Param {
  name: string;
  /** Parameters are ordered by rank (the request or etype, the payload, `key`, the rest), then in wire order. */
  readonly rank: number;
  readonly wire: string;
  readonly type: Printable;
  optional: boolean;
  readonly doc: string | undefined;
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
  const planner = new Planner(ir, ctx);
  const envelopes = ir.messages.filter((m) => m.event!.envelope === m.name && m.name !== "Message");
  for (const m of [...catalogue(ir), ...envelopes]) {
    const plan = m.name === "RpcResponse" ? planner.rpcResponse(m) : planner.plan(m);
    f.declare(plan.name);
    printFactory(f, plan, ctx);
    f.print();
  }
  return f;
}

class Planner {
  constructor(
    private readonly ir: Ir,
    private readonly ctx: TypeContext,
  ) {}

  private type(t: TypeRef): Printable {
    return typeExpr(t, this.ctx);
  }

  /** The general plan: computed fields, then the payload and `key` as parameters, the other optional fields as options. */
  plan(m: RecordDef): Plan {
    const ev = m.event!;
    const taken = new Set(["opts", "uuid"]);
    const plan: Plan = { name: this.ctx.names.factory(m.name), message: m, params: [], opts: [], optsDoc: [], prelude: [], entries: [] };
    const has = (name: string) => m.fields.find((x) => x.name === name);
    const isRequest = has("uuid") !== undefined && has("rtype") !== undefined;
    const request = ev.etypePattern !== undefined ? this.pairedRequest(ev.etypePattern) : undefined;
    const payload = ["data", "value"].find((n) => has(n) !== undefined);
    let etypeParam = "etype";
    const rank = (field: Field) => (field.name === "etype" ? 0 : field.name === payload || !m.fields.includes(field) ? 1 : field.name === "key" ? 2 : 3);
    const param = (field: Field, name: string, type: Printable = this.type(field.type)): Entry => {
      const entry: Entry = { key: field.name, value: "", optional: !field.required };
      const p = { name: claim(taken, name), rank: rank(field), wire: field.name, type, optional: !field.required, doc: field.description, entry };
      plan.params.push(p);
      entry.value = p.name;
      return entry;
    };
    const option = (field: Field): Entry => {
      plan.opts.push({ key: field.name, type: this.type(field.type) });
      return { key: field.name, value: optsAccess(field.name), optional: true };
    };
    for (const field of m.fields) {
      switch (field.name) {
        case "ts":
          plan.opts.push({ key: "ts", type: this.type(field.type) });
          plan.optsDoc.push("`ts` defaults to the current time");
          plan.entries.push({ key: "ts", value: ["opts.ts ?? ", this.ctx.global("Date"), ".now()"], optional: false });
          continue;
        case "etype":
          if (ev.etype === undefined && request !== undefined) {
            const echo = request.key ? ' and its `key` is echoed' : "";
            const pick = join([str("rtype"), ...(request.key ? [str("key")] : [])], " | ");
            const p = param({ ...field, description: `The request this answers: its \`rtype\` is this message's \`etype\`${echo}.` }, "request", ["Pick<", this.ctx.ref(request.def.name), ", ", pick, ">"]);
            p.value = "request.rtype";
            p.optional = false;
            plan.entries.push(p);
          } else if (ev.etype === undefined) {
            const p = param({ ...field, required: true }, "etype");
            etypeParam = String(p.value);
            plan.entries.push(p);
          } else plan.entries.push({ key: "etype", value: str(ev.etype), optional: false });
          continue;
        case "uuid":
          if (isRequest) {
            plan.opts.push({ key: "uuid", type: this.type(field.type) });
            plan.optsDoc.push("`uuid` defaults to a random UUID");
            plan.prelude.push(["const uuid = opts.uuid ?? ", this.ctx.global("crypto"), ".randomUUID();"]);
            plan.entries.push({ key: "uuid", value: "uuid", optional: false });
            continue;
          }
          break;
        case "rtype":
          if (isRequest) {
            const prefix = field.type.kind === "string" ? patternPrefix(field.type.pattern) : undefined;
            const head = prefix ?? (ev.etype !== undefined ? templateText(`${ev.etype}_RESPONSE@`) : `\${${etypeParam}}_RESPONSE@`);
            plan.entries.push({ key: "rtype", value: `\`${head}\${uuid}\``, optional: false });
            continue;
          }
          break;
        case "key":
          if (request?.key) {
            plan.entries.push({ key: "key", value: "request.key", optional: !request.key.required });
            continue;
          }
          plan.entries.push(param(field, "key"));
          continue;
      }
      if (field.name === payload) plan.entries.push(this.payloadEntry(m, field, plan, param, option));
      else plan.entries.push(field.required ? param(field, field.name) : option(field));
    }
    plan.params.sort((a, b) => a.rank - b.rank);
    demoteOptionalsBeforeRequired(plan);
    return plan;
  }

  /**
   * The payload (`data`, `value`): a constant nil when its type is null; spread into parameters and options when
   * it is a server event's closed record (`addEvent(nodes, {to})`); otherwise one parameter.
   */
  private payloadEntry(m: RecordDef, field: Field, plan: Plan, param: (f: Field, n: string) => Entry, option: (f: Field) => Entry): Entry {
    if (field.type.kind === "null") return { key: field.name, value: "null", optional: false };
    const record = this.closedRecord(field.type);
    const spread = m.event!.envelope === "ServerEvent" && field.required && record !== undefined;
    // The payload's options sit next to the message's own (`ts`, `uuid`, optional fields): a shared name keeps it whole.
    const optionKeys = new Set(["ts", "uuid", ...m.fields.filter((x) => !x.required).map((x) => x.name)]);
    if (!spread || record.fields.some((x) => !x.required && optionKeys.has(x.name))) return param(field, field.name);
    const inner = record.fields.map((x) => (x.required ? param(x, x.name) : option(x)));
    return { key: field.name, value: objectLiteral(inner), optional: false };
  }

  private closedRecord(t: TypeRef): RecordDef | undefined {
    let def = t.kind === "ref" ? this.ir.types.get(t.name) : undefined;
    while (def?.kind === "alias" && def.type.kind === "ref") def = this.ir.types.get(def.type.name);
    return def?.kind === "record" && !def.open && def.ztype === undefined ? def : undefined;
  }

  /** The request whose required `rtype` has the pattern a response's `etype` has (`GRAB_RENDER_RESPONSE@…`). */
  private pairedRequest(pattern: string): { def: RecordDef; key: Field | undefined } | undefined {
    for (const def of this.ir.messages) {
      const rtype = def.fields.find((x) => x.name === "rtype");
      if (rtype?.required && rtype.type.kind === "string" && rtype.type.pattern === pattern && def.event?.etype !== undefined) {
        return { def, key: def.fields.find((x) => x.name === "key") };
      }
    }
    return undefined;
  }

  /**
   * `rpcResponse(request, {ok, error, data, value, key, ts})`: the response's `etype` is the request's `rtype`
   * (or `{ETYPE}_RESPONSE@{uuid}` when the request has none); `ok` and `error` are always written, `error` nil on
   * success.
   */
  rpcResponse(m: RecordDef): Plan {
    const plan: Plan = { name: this.ctx.names.factory(m.name), message: m, params: [], opts: [], optsDoc: [], prelude: [], entries: [] };
    const requestType = "{ readonly etype: string; readonly rtype?: string; readonly uuid?: string }";
    const entry: Entry = { key: "", value: "", optional: false };
    plan.params.push({ name: "request", rank: 0, wire: "", type: requestType, optional: false, doc: "The request this answers.", entry });
    plan.prelude.push(["const etype = request.rtype ?? (request.uuid === undefined ? undefined : `${request.etype}_RESPONSE@${request.uuid}`);"]);
    plan.prelude.push(["if (etype === undefined) throw new TypeError(`rpcResponse: the request ${request.etype} has neither an rtype nor a uuid`);"]);
    for (const field of m.fields) {
      const type = this.type(field.type);
      if (field.name === "etype") {
        plan.entries.push({ key: "etype", value: "etype", optional: false });
        continue;
      }
      plan.opts.push({ key: field.name, type });
      if (field.name === "ts") {
        plan.optsDoc.push("`ts` defaults to the current time");
        plan.entries.push({ key: "ts", value: ["opts.ts ?? ", this.ctx.global("Date"), ".now()"], optional: false });
      } else if (field.name === "error") {
        plan.optsDoc.push("`error` defaults to nil");
        plan.prelude.push(["const error = opts.error ?? null;"]);
        plan.entries.push({ key: "error", value: "error", optional: false });
      } else if (field.name === "ok") {
        plan.optsDoc.push("`ok` defaults to whether `error` is nil");
        plan.entries.push({ key: "ok", value: "opts.ok ?? error === null", optional: false });
      } else plan.entries.push({ key: field.name, value: optsAccess(field.name), optional: true });
    }
    return plan;
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
    const rest = plan.opts.filter((o) => !["ts", "uuid", "ok", "error"].includes(o.key)).map((o) => `\`${o.key}\``);
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
