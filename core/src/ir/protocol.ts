/**
 * The protocol facts of the IR, derived once so that no emitter re-derives them: each message's role, the pairing
 * of a catalogued response with its request, and a language-neutral plan of each message's factory (its
 * parameters with their roles, and where each field's value comes from: `ts` = now, a random `uuid`, the
 * `{ETYPE}_RESPONSE@{uuid}` rtype, the `ok`/`error` defaults). Emitters turn a plan into syntax; the rules
 * themselves are SPEC §4 (envelopes) and §6 (RPC correlation).
 */
import type { Field, Ir, RecordDef, TypeRef } from "./types.js";

/**
 * - `fallback`: the base envelope, selected when no other message type matches (SPEC §4.6); it has no factory.
 * - `envelope`: one of the other envelopes (PROFILE §5), with a factory that takes the `etype`.
 * - `event`: a catalogued message type with a const `etype`.
 * - `response`: a catalogued reply whose `etype` is the `rtype` of the request it answers (SPEC §6.2).
 */
export type MessageRole = "fallback" | "envelope" | "event" | "response";

/** The name of the base envelope (PROFILE §5). */
export const FALLBACK_ENVELOPE = "Message";

/**
 * What a factory parameter stands for:
 * `etype` (an envelope's event type), `request` (the request a response answers), `payload` (`data` or `value`),
 * `payload-field` (a field of a server event's payload record, taken one by one), `key`, `field` (any other
 * field), and the computed fields a caller may override: `ts`, `uuid`, `rtype`, `ok`, `error`.
 */
export type ParamRole = "etype" | "request" | "payload" | "payload-field" | "key" | "field" | "ts" | "uuid" | "rtype" | "ok" | "error";

export interface FactoryParam {
  /** The wire name of the field it fills (`request` for the request a response answers). */
  readonly name: string;
  /** vrpc-py's name where it differs from the wire name (SET's payload is `scene`); bindings that follow vrpc-py use it. */
  readonly vrpcName?: string;
  readonly role: ParamRole;
  /** The field the parameter fills (for `request`, the response's `etype`). */
  readonly field: Field;
  /** The record that declares `field`: the message, or the payload record whose fields are spread. */
  readonly owner: RecordDef;
  /** Whether the caller must give it. */
  readonly required: boolean;
  /**
   * Call order, the same in every binding: 0 the etype or request, 1 the payload, 2 `key`, 3 other required
   * fields, 4 optional envelope fields, 5 `ts`, 6 the message's own optional fields; ties keep wire order.
   */
  readonly rank: number;
  /** Where the field stands within its rank (wire order). */
  readonly order: number;
}

/** Where a field's value comes from. An optional field whose value is an absent parameter is left out. */
export type FieldValue =
  | { readonly kind: "param"; readonly param: FactoryParam }
  /** `ts`: the parameter, else the current time in integer milliseconds (SPEC §4.3). */
  | { readonly kind: "now"; readonly param: FactoryParam }
  /** A catalogued event's `etype`. */
  | { readonly kind: "const"; readonly value: string }
  /** A payload whose type is null. */
  | { readonly kind: "null" }
  /** A server event's closed payload record, built from `payload-field` parameters. */
  | { readonly kind: "record"; readonly record: RecordDef; readonly slots: readonly FieldSlot[] }
  /** An RPC request's `uuid`: the parameter, else a random (version 4) UUID. */
  | { readonly kind: "uuid"; readonly param: FactoryParam }
  /** A request's `rtype` with a fixed prefix: `${prefix}${uuid}` (SPEC §6.1). */
  | { readonly kind: "rtype"; readonly prefix: string }
  /** A request's `rtype`: the parameter, else `${etype}_RESPONSE@${uuid}` from the `etype` parameter. */
  | { readonly kind: "rtype-default"; readonly param: FactoryParam; readonly etype: FactoryParam }
  /** A field echoed from the request a response answers: its `rtype` becomes the `etype`, its `key` the `key`. */
  | { readonly kind: "request"; readonly request: PairedRequest; readonly from: Field; readonly param: FactoryParam }
  /** The generic response's `etype`: the request's `rtype`, else `${request.etype}_RESPONSE@${request.uuid}`. */
  | { readonly kind: "answer"; readonly param: FactoryParam }
  /** `ok`: the parameter, else whether `error` is nil. */
  | { readonly kind: "ok"; readonly param: FactoryParam }
  /** `error`: the parameter, else nil (always written, SPEC §6.2). */
  | { readonly kind: "error"; readonly param: FactoryParam };

export interface FieldSlot {
  readonly field: Field;
  readonly value: FieldValue;
}

export interface PairedRequest {
  /** The catalogued request whose `rtype` pattern is the response's `etype` pattern. */
  readonly def: RecordDef;
  /** The request's `key`, echoed into the response. */
  readonly key?: Field;
}

export interface FactoryPlan {
  readonly message: RecordDef;
  readonly role: Exclude<MessageRole, "fallback">;
  /** Sorted by rank, then wire order. */
  readonly params: readonly FactoryParam[];
  /** One per field of the message, in wire order. */
  readonly slots: readonly FieldSlot[];
  /** Set for the response envelope, which answers any request (its `etype` is an `answer`). */
  readonly answersAnyRequest: boolean;
}

export interface ProtocolFacts {
  /** Catalogued message types (events and responses), in declaration order. */
  readonly catalogue: readonly RecordDef[];
  /** The envelopes with factories, in declaration order (the fallback is not among them). */
  readonly envelopes: readonly RecordDef[];
  readonly fallback: RecordDef | undefined;
  /** One plan per catalogued message type, then per envelope. */
  readonly factories: readonly FactoryPlan[];
  role(m: RecordDef): MessageRole;
  /** The request a catalogued response answers. */
  pairedRequest(m: RecordDef): PairedRequest | undefined;
}

const cache = new WeakMap<Ir, ProtocolFacts>();

/** The protocol facts of an IR, derived once per IR. */
export function protocolOf(ir: Ir): ProtocolFacts {
  let facts = cache.get(ir);
  if (facts === undefined) {
    facts = derive(ir);
    cache.set(ir, facts);
  }
  return facts;
}

function derive(ir: Ir): ProtocolFacts {
  const role = (m: RecordDef): MessageRole => {
    const ev = m.event!;
    if (ev.envelope === m.name) return m.name === FALLBACK_ENVELOPE ? "fallback" : "envelope";
    return ev.etype === undefined && pairedRequest(ir, m) !== undefined ? "response" : "event";
  };
  const catalogue = ir.messages.filter((m) => m.event!.envelope !== m.name);
  const envelopes = ir.messages.filter((m) => role(m) === "envelope");
  const planner = new Planner(ir);
  return {
    catalogue,
    envelopes,
    fallback: ir.messages.find((m) => role(m) === "fallback"),
    factories: [...catalogue, ...envelopes].map((m) => planner.plan(m, role(m) as FactoryPlan["role"])),
    role,
    pairedRequest: (m) => pairedRequest(ir, m),
  };
}

/** The request whose required `rtype` has the pattern a response's `etype` has (`GRAB_RENDER_RESPONSE@…`). */
function pairedRequest(ir: Ir, m: RecordDef): PairedRequest | undefined {
  const pattern = m.event?.etypePattern;
  if (pattern === undefined) return undefined;
  for (const def of ir.messages) {
    const rtype = def.fields.find((x) => x.name === "rtype");
    if (rtype?.required && rtype.type.kind === "string" && rtype.type.pattern === pattern && def.event?.etype !== undefined) {
      const key = def.fields.find((x) => x.name === "key");
      return key === undefined ? { def } : { def, key };
    }
  }
  return undefined;
}

/** The literal prefix of a `^PREFIX.+$` pattern, or undefined for any other pattern. */
export function patternPrefix(pattern: string | undefined): string | undefined {
  const m = pattern === undefined ? null : /^\^([A-Za-z0-9_@:/ -]+)\.[+*]\$$/.exec(pattern);
  return m ? m[1] : undefined;
}

/** vrpc-py's parameter names where they differ from the wire name, by message type and field. */
const VRPC_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = { SetEvent: { data: "scene" } };

/** Ranks of FactoryParam.rank. */
const RANK = { head: 0, payload: 1, key: 2, required: 3, envelope: 4, ts: 5, own: 6 } as const;

class Planner {
  constructor(private readonly ir: Ir) {}

  plan(m: RecordDef, role: FactoryPlan["role"]): FactoryPlan {
    const ev = m.event!;
    const params: FactoryParam[] = [];
    const envelope = role === "envelope" ? undefined : this.record(ev.envelope);
    const inEnvelope = (name: string) => envelope === undefined || envelope.fields.some((x) => x.name === name);
    const has = (name: string) => m.fields.some((x) => x.name === name);
    const isRequest = has("uuid") && has("rtype");
    const answersAny = role === "envelope" && has("ok") && has("error");
    const request = role === "response" ? pairedRequest(this.ir, m) : undefined;
    const payload = ["data", "value"].find(has);
    let order = 0;
    const param = (field: Field, paramRole: ParamRole, rank: number, owner: RecordDef = m, name = field.name): FactoryParam => {
      const vrpcName = owner === m ? VRPC_NAMES[m.name]?.[field.name] : undefined;
      const p: FactoryParam = { name, ...(vrpcName ? { vrpcName } : {}), role: paramRole, field, owner, required: field.required, rank, order: order++ };
      params.push(p);
      return p;
    };
    /** A parameter at `rank` when required, else at the rank of an optional envelope field or of the message's own. */
    const fieldParam = (field: Field, paramRole: ParamRole, rank: number): FactoryParam =>
      param(field, paramRole, field.required ? rank : answersAny || !inEnvelope(field.name) ? RANK.own : RANK.envelope);
    let etypeParam: FactoryParam | undefined;
    const slots = m.fields.map((field): FieldSlot => {
      const slot = (value: FieldValue): FieldSlot => ({ field, value });
      switch (field.name) {
        case "ts":
          return slot({ kind: "now", param: param({ ...field, required: false }, "ts", RANK.ts) });
        case "etype":
          if (ev.etype !== undefined) return slot({ kind: "const", value: ev.etype });
          if (request !== undefined) {
            const p = param({ ...field, required: true, description: "The request this answers." }, "request", RANK.head, m, "request");
            return slot({ kind: "request", request, from: request.def.fields.find((x) => x.name === "rtype")!, param: p });
          }
          etypeParam = param({ ...field, required: true }, answersAny ? "request" : "etype", RANK.head, m, answersAny ? "request" : "etype");
          return slot(answersAny ? { kind: "answer", param: etypeParam } : { kind: "param", param: etypeParam });
        case "uuid":
          if (isRequest) return slot({ kind: "uuid", param: param({ ...field, required: false }, "uuid", RANK.envelope) });
          break;
        case "rtype":
          if (isRequest) {
            const prefix = field.type.kind === "string" ? patternPrefix(field.type.pattern) : undefined;
            if (etypeParam !== undefined && prefix === undefined) {
              return slot({ kind: "rtype-default", param: param({ ...field, required: false }, "rtype", RANK.envelope), etype: etypeParam });
            }
            return slot({ kind: "rtype", prefix: prefix ?? `${ev.etype ?? ""}_RESPONSE@` });
          }
          break;
        case "key":
          if (request?.key !== undefined) {
            const p = params.find((x) => x.role === "request")!;
            return slot({ kind: "request", request, from: request.key, param: p });
          }
          return slot({ kind: "param", param: fieldParam(field, "key", RANK.key) });
        case "ok":
          if (answersAny) return slot({ kind: "ok", param: param({ ...field, required: false }, "ok", RANK.envelope) });
          break;
        case "error":
          if (answersAny) return slot({ kind: "error", param: param({ ...field, required: false }, "error", RANK.envelope) });
          break;
      }
      if (field.name === payload || (answersAny && (field.name === "data" || field.name === "value"))) return slot(this.payload(m, field, param, fieldParam, answersAny));
      return slot({ kind: "param", param: fieldParam(field, "field", RANK.required) });
    });
    params.sort((a, b) => a.rank - b.rank || a.order - b.order);
    return { message: m, role, params, slots, answersAnyRequest: answersAny };
  }

  /** A constant nil for a null-typed payload; a server event's closed record taken field by field; else one parameter. */
  private payload(
    m: RecordDef,
    field: Field,
    param: (f: Field, r: ParamRole, rank: number, owner?: RecordDef) => FactoryParam,
    fieldParam: (f: Field, r: ParamRole, rank: number) => FactoryParam,
    answersAny: boolean,
  ): FieldValue {
    if (field.type.kind === "null") return { kind: "null" };
    if (answersAny) return { kind: "param", param: param(field, "payload", RANK.payload) };
    const record = this.closedRecord(field.type);
    const clash = (x: Field) => x.name === "ts" || x.name === "uuid" || m.fields.some((y) => y.name === x.name);
    if (m.event!.envelope === "ServerEvent" && field.required && record !== undefined && !record.fields.some(clash)) {
      const slots = record.fields.map((x): FieldSlot => ({ field: x, value: { kind: "param", param: param(x, "payload-field", x.required ? RANK.payload : RANK.envelope, record) } }));
      return { kind: "record", record, slots };
    }
    return { kind: "param", param: fieldParam(field, "payload", RANK.payload) };
  }

  private record(name: string): RecordDef | undefined {
    const def = this.ir.types.get(name);
    return def?.kind === "record" ? def : undefined;
  }

  /** The closed, non-ZData record a type refers to (through aliases), if any. */
  private closedRecord(t: TypeRef): RecordDef | undefined {
    let def = t.kind === "ref" ? this.ir.types.get(t.name) : undefined;
    while (def?.kind === "alias" && def.type.kind === "ref") def = this.ir.types.get(def.type.name);
    return def?.kind === "record" && !def.open && def.ztype === undefined ? def : undefined;
  }
}
