/**
 * The schema-directed codec over hand-made descriptors (a few envelopes, SET with its Scene, NdArray): canonical
 * bytes from the spec's worked examples, acceptance of every valid encoding, validation on decode and on encode,
 * lossless relay, message type selection.
 */
import { describe, expect, it } from "vitest";
import {
  decode,
  decodeMessage,
  decodeValue,
  encode,
  encodeInto,
  encodeValue,
  selectMessage,
} from "../../runtime/codec.js";
import type { FieldDesc, RecordDesc, TypeDesc } from "../../runtime/schema.js";
import { EXTRA_KEY_ORDER, VmpFloat } from "../../runtime/value.js";
import { Writer } from "../../runtime/wire.js";
import { NDArray } from "../../runtime/zdata.js";
import { hex, toHex, failure } from "./helpers.js";


/** kind and printed path of the error `f` throws */

const field = (name: string, type: TypeDesc, required = true): FieldDesc => ({ name, type, required });
const Timestamp: TypeDesc = { kind: "int", min: 0n, max: 2n ** 64n - 1n, wide: true };
const Etype: TypeDesc = { kind: "string", pattern: /^.+$/u };
const Any: TypeDesc = { kind: "any" };
const Str: TypeDesc = { kind: "string" };
const F64: TypeDesc = { kind: "float", width: 64 };
const ref = (d: RecordDesc): TypeDesc => ({ kind: "ref", name: d.name, get: () => d });

const ServerEvent: RecordDesc = {
  kind: "record",
  name: "ServerEvent",
  open: false,
  fields: [field("ts", Timestamp), field("etype", Etype), field("data", Any)],
  event: { envelope: "ServerEvent", etypePattern: /^.+$/u },
};
const Element: RecordDesc = {
  kind: "record",
  name: "Element",
  open: true,
  fields: [field("tag", Str), field("key", Str), field("children", { kind: "array", items: Any }, false)],
};
const Scene: RecordDesc = {
  kind: "record",
  name: "Scene",
  open: true,
  fields: [
    field("tag", { kind: "string", const: "Scene" }),
    field("key", Str, false),
    field("up", { kind: "array", items: F64, minItems: 3, maxItems: 3 }, false),
    field("children", { kind: "array", items: ref(Element) }, false),
  ],
};
const SetEvent: RecordDesc = {
  kind: "record",
  name: "SetEvent",
  open: false,
  fields: [
    field("ts", Timestamp),
    field("etype", { kind: "string", const: "SET" }),
    field("data", ref(Scene)),
  ],
  event: { envelope: "ServerEvent", etype: "SET" },
};
const TimeoutEvent: RecordDesc = {
  kind: "record",
  name: "TimeoutEvent",
  open: false,
  fields: [
    field("ts", Timestamp),
    field("etype", { kind: "string", const: "TIMEOUT" }),
    field(
      "data",
      ref({
        kind: "record",
        name: "TimeoutData",
        open: false,
        fields: [field("timeout", F64), field("fn", Str)],
      }),
    ),
  ],
  event: { envelope: "ServerEvent", etype: "TIMEOUT" },
};
const NdArray: RecordDesc = {
  kind: "record",
  name: "NdArray",
  open: false,
  ztype: "numpy.ndarray",
  fields: [
    field("ztype", { kind: "string", const: "numpy.ndarray" }),
    field("b", { kind: "bytes" }),
    field("dtype", { kind: "string", enum: ["float32", "float64", "int32"] }),
    field("shape", { kind: "array", items: Timestamp }),
  ],
};
const RpcResponse: RecordDesc = {
  kind: "record",
  name: "RpcResponse",
  open: false,
  fields: [
    field("ts", Timestamp, false),
    field("etype", Etype),
    field("ok", { kind: "bool" }, false),
    field("error", { kind: "nullable", inner: Str }, false),
    field("data", Any, false),
    field("value", Any, false),
    field("key", Str, false),
  ],
  event: { envelope: "RpcResponse", etypePattern: /^.+$/u },
};
const Message: RecordDesc = {
  ...RpcResponse,
  name: "Message",
  event: { envelope: "Message", etypePattern: /^.+$/u },
};
const GrabRenderResponse: RecordDesc = {
  ...RpcResponse,
  name: "GrabRenderResponse",
  event: { envelope: "ClientEvent", etypePattern: /^GRAB_RENDER_RESPONSE@.+$/u },
};
const MESSAGES = [ServerEvent, RpcResponse, Message, SetEvent, TimeoutEvent, GrabRenderResponse];

/** Spec §3.10: the SET event, canonical (58 bytes) and as msgpackr writes it (62 bytes). */
const SET_CANONICAL =
  "83 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a3 53 45 54 a4 64 61 74 61 83 a3 74 61 67 a5 53 63 65 6e 65 a3 6b 65 79 a4 72 6f 6f 74 a8 63 68 69 6c 64 72 65 6e 90";
const SET_MSGPACKR =
  "de 00 03 a2 74 73 cb 42 78 bc fe 56 80 00 00 a5 65 74 79 70 65 a3 53 45 54 a4 64 61 74 61 de 00 03 a3 74 61 67 a5 53 63 65 6e 65 a3 6b 65 79 a4 72 6f 6f 74 a8 63 68 69 6c 64 72 65 6e 90";
const SET_VALUE = { ts: 1700000000000, etype: "SET", data: { tag: "Scene", key: "root", children: [] } };
/** Spec §3.10: numpy.ndarray float32 [1, 2, 3] (59 bytes). */
const F32_ARRAY =
  "84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 0c 00 00 80 3f 00 00 00 40 00 00 40 40 a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a5 73 68 61 70 65 91 03";

describe("encode", () => {
  it("writes the SET event of spec §3.10 from a plain object, byte for byte", () => {
    expect(toHex(encode(SetEvent, SET_VALUE))).toBe(SET_CANONICAL);
    expect(toHex(encode(ServerEvent, SET_VALUE))).toBe(SET_CANONICAL);
  });

  it("writes declared fields in declaration order, whatever the property order", () => {
    const reordered = { data: { children: [], key: "root", tag: "Scene" }, etype: "SET", ts: 1700000000000 };
    expect(toHex(encode(SetEvent, reordered))).toBe(SET_CANONICAL);
  });

  it("writes a float field as float64 even for an integral number, and an integral float as an integer in an int field", () => {
    const bytes = encode(TimeoutEvent, { ts: 0, etype: "TIMEOUT", data: { timeout: 2, fn: "f" } });
    expect(toHex(bytes)).toBe(
      "83 a2 74 73 00 a5 65 74 79 70 65 a7 54 49 4d 45 4f 55 54 a4 64 61 74 61 82 a7 74 69 6d 65 6f 75 74 cb 40 00 00 00 00 00 00 00 a2 66 6e a1 66",
    );
    expect(
      toHex(
        encode(TimeoutEvent, { ts: 2n ** 64n - 1n, etype: "TIMEOUT", data: { timeout: 0.5, fn: "f" } }),
      ).slice(0, 44),
    ).toBe("83 a2 74 73 cf ff ff ff ff ff ff ff ff a5 65");
  });

  it("omits absent optional fields and undefined properties, and never invents nil", () => {
    const v = { ts: 1, etype: "X_RESPONSE@1", ok: true, error: undefined, data: undefined };
    expect(decodeValue(encode(RpcResponse, v), { lossless: true })).toEqual(
      new Map<string, unknown>([
        ["ts", 1],
        ["etype", "X_RESPONSE@1"],
        ["ok", true],
      ]),
    );
    expect(toHex(encode(RpcResponse, { etype: "E", error: null }))).toBe(
      "82 a5 65 74 79 70 65 a1 45 a5 65 72 72 6f 72 c0",
    );
  });

  it("validates while encoding: the kinds and paths decoding reports", () => {
    expect(failure(() => encode(SetEvent, { etype: "SET", data: { tag: "Scene" } }))).toBe(
      "MissingField at ts",
    );
    expect(failure(() => encode(SetEvent, { ...SET_VALUE, extra: 1 }))).toBe("InvalidValue at extra");
    expect(failure(() => encode(SetEvent, { ...SET_VALUE, etype: "ADD" }))).toBe("InvalidValue at etype");
    expect(failure(() => encode(SetEvent, { ...SET_VALUE, ts: -1 }))).toBe("IntegerOutOfRange at ts");
    expect(failure(() => encode(SetEvent, { ...SET_VALUE, ts: 1.5 }))).toBe("WrongType at ts");
    expect(failure(() => encode(SetEvent, { ...SET_VALUE, ts: "now" }))).toBe("WrongType at ts");
    expect(failure(() => encode(SetEvent, { ...SET_VALUE, data: null }))).toBe("WrongType at data");
    expect(failure(() => encode(SetEvent, { ...SET_VALUE, data: { tag: "Scene", up: [0, 1] } }))).toBe(
      "InvalidValue at data.up",
    );
    expect(
      failure(() => encode(SetEvent, { ...SET_VALUE, data: { tag: "Scene", children: [{ key: "a" }] } })),
    ).toBe("MissingField at data.children[0].tag");
    expect(failure(() => encode(ServerEvent, { ...SET_VALUE, etype: "" }))).toBe("InvalidValue at etype");
    expect(failure(() => encode(ServerEvent, { ...SET_VALUE, data: { when: new Date(0) } }))).toBe(
      "WrongType at data.when",
    );
    expect(failure(() => encode(ServerEvent, { ...SET_VALUE, data: [1, undefined] }))).toBe(
      "WrongType at data[1]",
    );
    expect(
      failure(() =>
        encode(TimeoutEvent, { ts: 0, etype: "TIMEOUT", data: { timeout: 2n ** 53n + 1n, fn: "f" } }),
      ),
    ).toBe("InvalidValue at data.timeout");
  });

  it("takes typed arrays where the schema wants a list of numbers", () => {
    const bytes = encode(SetEvent, { ...SET_VALUE, data: { tag: "Scene", up: new Float32Array([0, 1, 0]) } });
    expect(decode(SetEvent, bytes)).toEqual({ ...SET_VALUE, data: { tag: "Scene", up: [0, 1, 0] } });
  });

  it("encodeInto appends to a reusable writer", () => {
    const w = new Writer(16);
    for (let i = 0; i < 3; i++) {
      w.reset();
      encodeInto(SetEvent, SET_VALUE, w);
      expect(toHex(w.view())).toBe(SET_CANONICAL);
    }
  });
});

describe("decode", () => {
  it("reads the canonical SET event and msgpackr's form of it to the same plain value", () => {
    expect(decode(SetEvent, hex(SET_CANONICAL))).toEqual(SET_VALUE);
    expect(decode(SetEvent, hex(SET_MSGPACKR))).toEqual(SET_VALUE);
    expect(toHex(encode(SetEvent, decode(SetEvent, hex(SET_MSGPACKR), { lossless: true })))).toBe(
      SET_CANONICAL,
    );
  });

  it("returns records with their fields in declaration order", () => {
    const serverOrder = encodeValue(
      new Map<string, unknown>([
        ["data", new Map([["tag", "Scene"]])],
        ["etype", "SET"],
        ["ts", 5],
      ]),
    );
    expect(Object.keys(decode(SetEvent, serverOrder) as object)).toEqual(["ts", "etype", "data"]);
  });

  it("reads integers in float fields and float32 in float64 fields exactly, and rejects inexact conversions", () => {
    const data = (timeout: string) =>
      hex(
        `83 a2 74 73 00 a5 65 74 79 70 65 a7 54 49 4d 45 4f 55 54 a4 64 61 74 61 82 a7 74 69 6d 65 6f 75 74 ${timeout} a2 66 6e a1 66`,
      );
    expect(decode(TimeoutEvent, data("02"))).toMatchObject({ data: { timeout: 2 } });
    expect(decode(TimeoutEvent, data("ca 3d cc cc cd"))).toMatchObject({
      data: { timeout: 0.10000000149011612 },
    });
    expect(failure(() => decode(TimeoutEvent, data("cf 00 20 00 00 00 00 00 01")))).toBe(
      "InvalidValue at data.timeout",
    );
    expect(failure(() => decode(TimeoutEvent, data("a1 32")))).toBe("WrongType at data.timeout");
  });

  it("keeps nil in an optional free-form field distinct from absent", () => {
    const withNil = decode(RpcResponse, hex("82 a5 65 74 79 70 65 a1 45 a4 64 61 74 61 c0")) as Record<
      string,
      unknown
    >;
    expect(withNil).toEqual({ etype: "E", data: null });
    expect("value" in withNil).toBe(false);
  });

  it("reports the first schema error with its kind and path", () => {
    expect(
      failure(() =>
        decode(
          SetEvent,
          encodeValue(
            new Map<string, unknown>([
              ["ts", 1],
              ["etype", "SET"],
            ]),
          ),
        ),
      ),
    ).toBe("MissingField at data");
    expect(
      failure(() =>
        decode(
          SetEvent,
          encodeValue(
            new Map<string, unknown>([
              ["ts", 1],
              ["etype", "SET"],
              ["data", new Map([["tag", "Box"]])],
            ]),
          ),
        ),
      ),
    ).toBe("InvalidValue at data.tag");
    expect(failure(() => decode(RpcResponse, hex("92 01 02")))).toBe("WrongType at (root)");
    expect(
      failure(() => decode(ServerEvent, hex("83 a2 74 73 ff a5 65 74 79 70 65 a1 45 a4 64 61 74 61 c0"))),
    ).toBe("IntegerOutOfRange at ts");
    expect(
      failure(() =>
        decode(
          ServerEvent,
          hex("83 a2 74 73 cb 3f f8 00 00 00 00 00 00 a5 65 74 79 70 65 a1 45 a4 64 61 74 61 c0"),
        ),
      ),
    ).toBe("WrongType at ts");
  });

  it("keeps the wire order of an open record's integer-like extra fields in lossless mode", () => {
    const element = encodeValue(
      new Map<string, unknown>([
        ["tag", "Box"],
        ["key", "b"],
        ["10", 1],
        ["2", 2],
      ]),
    );
    const lossless = decode(Element, element, { lossless: true }) as Record<string | symbol, unknown>;
    expect(Object.keys(lossless)).toEqual(["2", "10", "tag", "key"]); // what a JS object does to such keys…
    expect(lossless[EXTRA_KEY_ORDER]).toEqual(["10", "2"]); // …and what lossless mode keeps
    expect(encode(Element, lossless)).toEqual(element);
    expect(toHex(encode(Element, decode(Element, element)))).not.toBe(toHex(element)); // default mode does not promise it
  });

  it("keeps a __proto__ key an ordinary own key", () => {
    const value = decode(
      Element,
      encodeValue(
        new Map<string, unknown>([
          ["tag", "a"],
          ["key", "b"],
          ["__proto__", new Map([["polluted", true]])],
        ]),
      ),
    ) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toContain("__proto__");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("gives bytes as a view of the frame, or a copy with { copy: true }", () => {
    const frame = hex("81 a5 66 72 61 6d 65 c4 02 ff d8");
    const Bytes: RecordDesc = {
      kind: "record",
      name: "B",
      open: false,
      fields: [field("frame", { kind: "bytes" })],
    };
    expect((decode(Bytes, frame) as { frame: Uint8Array }).frame.buffer).toBe(frame.buffer);
    const copied = (decode(Bytes, frame, { copy: true }) as { frame: Uint8Array }).frame;
    expect(copied.buffer).not.toBe(frame.buffer);
    expect([...copied]).toEqual([0xff, 0xd8]);
  });
});

describe("ZData records", () => {
  it("decodes an NdArray field to an NDArray and encodes one (or a typed array) canonically", () => {
    const array = decode(NdArray, hex(F32_ARRAY)) as NDArray;
    expect(array).toBeInstanceOf(NDArray);
    expect([...(array.data as Float32Array)]).toEqual([1, 2, 3]);
    expect(toHex(encode(NdArray, array))).toBe(F32_ARRAY);
    expect(toHex(encode(NdArray, new Float32Array([1, 2, 3])))).toBe(F32_ARRAY);
  });

  it("rejects another ztype, and a map that is not ZData, as the record would", () => {
    const tensor = encodeValue(NDArray.from(new Float32Array([1]), undefined, "torch.Tensor"));
    expect(failure(() => decode(NdArray, tensor))).toBe("InvalidValue at ztype");
    expect(failure(() => decode(NdArray, hex("81 a1 62 c4 00")))).toBe("MissingField at ztype");
    expect(
      failure(() => encode(NdArray, NDArray.from(new Float32Array([1]), undefined, "torch.Tensor"))),
    ).toBe("InvalidValue at ztype");
  });
});

describe("lossless relay", () => {
  it("re-encodes free-form floats with their width, integral float64 included", () => {
    const frame = hex(
      "83 a2 74 73 01 a5 65 74 79 70 65 a1 45 a4 64 61 74 61 93 cb 3f f0 00 00 00 00 00 00 ca 3f c0 00 00 cb 80 00 00 00 00 00 00 00",
    );
    const value = decode(ServerEvent, frame, { lossless: true }) as { data: unknown[] };
    expect(value.data[0]).toBeInstanceOf(VmpFloat);
    expect(encode(ServerEvent, value)).toEqual(frame);
    // Default mode gives plain numbers, and 1.0 then writes as the integer 1.
    expect((decode(ServerEvent, frame) as { data: unknown[] }).data).toEqual([1, 1.5, -0]);
  });
});

describe("selectMessage", () => {
  const frame = (entries: [string, unknown][]) => encodeValue(new Map(entries));

  it("follows spec §4.6: catalogued etype, etype pattern, responses, Message", () => {
    expect(selectMessage(hex(SET_CANONICAL), MESSAGES)).toBe(SetEvent);
    expect(selectMessage(frame([["etype", "GRAB_RENDER_RESPONSE@u-1"]]), MESSAGES)).toBe(GrabRenderResponse);
    expect(selectMessage(frame([["etype", "RENDER_RESPONSE@u-1"]]), MESSAGES)).toBe(RpcResponse);
    expect(
      selectMessage(
        frame([
          ["etype", "rpc-123"],
          ["ok", true],
        ]),
        MESSAGES,
      ),
    ).toBe(RpcResponse);
    expect(
      selectMessage(
        frame([
          ["etype", "HELLO"],
          ["value", 1],
        ]),
        MESSAGES,
      ),
    ).toBe(Message);
    expect(selectMessage({ etype: "SET" }, MESSAGES)).toBe(SetEvent);
    expect(selectMessage(new Map([["etype", "HELLO"]]), MESSAGES)).toBe(Message);
  });

  it("without Message, refuses an etype no type names (InvalidValue at etype) and still finds RpcResponse", () => {
    const withoutMessage = MESSAGES.filter((m) => m !== Message);
    expect(selectMessage({ etype: "SET" }, withoutMessage)).toBe(SetEvent);
    expect(selectMessage({ etype: "RENDER_RESPONSE@u-1" }, withoutMessage)).toBe(RpcResponse);
    expect(failure(() => selectMessage(frame([["etype", "HELLO"]]), withoutMessage))).toBe("InvalidValue at etype");
    const neither = withoutMessage.filter((m) => m !== RpcResponse);
    expect(failure(() => selectMessage({ etype: "RENDER_RESPONSE@u-1" }, neither))).toBe("InvalidValue at etype");
  });

  it("fails as the spec says when there is no etype to select by", () => {
    expect(failure(() => selectMessage(hex("92 01 02"), MESSAGES))).toBe("WrongType at (root)");
    expect(failure(() => selectMessage(frame([["ts", 1]]), MESSAGES))).toBe("MissingField at etype");
    expect(failure(() => selectMessage(frame([["etype", 1]]), MESSAGES))).toBe("WrongType at etype");
    expect(failure(() => selectMessage([], MESSAGES))).toBe("WrongType at (root)");
  });

  it("decodeMessage selects and decodes", () => {
    expect(decodeMessage(hex(SET_MSGPACKR), MESSAGES)).toEqual({ type: SetEvent, value: SET_VALUE });
  });
});

describe("encode's shared buffer", () => {
  it("returns frames that later frames never overwrite, and survives a transfer of its buffer", () => {
    const first = encode(SetEvent, SET_VALUE);
    const second = encodeValue([1, 2, 3]);
    expect(toHex(first)).toBe(SET_CANONICAL);
    expect(toHex(second)).toBe("93 01 02 03");
    structuredClone(second.buffer, { transfer: [second.buffer] }); // detaches the chunk, as postMessage would
    expect(toHex(encodeValue("a"))).toBe("a1 61");
  });
});

describe("decodeMessage and several defects (spec §8.1 rule 4)", () => {
  it.each([
    ["91d40000", "UnsupportedExt at [0]"], // not a map, and an ext inside: the wire error wins
    ["9192", "Truncated at [0][0]"],
    ["91c0", "WrongType at (root)"],
    ["81a16101", "MissingField at etype"],
  ])("%s is %s", (frame, expected) => {
    expect(failure(() => decodeMessage(hex(frame), MESSAGES))).toBe(expected);
  });
});

describe("what the upstream helpers add to catalogued responses and bytes (spec §4.4, §7.6)", () => {
  const MjStepResponse: RecordDesc = {
    kind: "record",
    name: "MjStepResponse",
    open: false,
    fields: [
      field("ts", Timestamp, false),
      field("etype", Etype),
      field("value", Any),
      field("key", Str, false),
    ],
    event: { envelope: "ClientEvent", etypePattern: /^MJ_STEP_RESPONSE@.+$/u },
  };
  /** A map of `entries` as given (in order, repeated keys too); a nested array of entries is a nested map. */
  type Entries = [string, unknown][];
  const write = (w: Writer, entries: Entries): void => {
    w.mapHeader(entries.length);
    for (const [k, v] of entries) {
      w.str(k);
      if (Array.isArray(v)) write(w, v as Entries);
      else w.raw(encodeValue(v));
    }
  };
  const frame = (...entries: Entries): Uint8Array => {
    const w = new Writer();
    write(w, entries);
    return w.bytes();
  };
  const etype: [string, unknown] = ["etype", "MJ_STEP_RESPONSE@u-2"];

  it("reads ok true and nil error, data or value it does not declare as absent, and relays without them", () => {
    const upstream = frame(etype, ["data", null], ["value", 1], ["ok", true], ["error", null]);
    const decoded = decode(MjStepResponse, upstream);
    expect(decoded).toEqual({ etype: "MJ_STEP_RESPONSE@u-2", value: 1 });
    expect(toHex(encode(MjStepResponse, decoded))).toBe(toHex(frame(etype, ["value", 1])));
    expect(decodeMessage(upstream, [MjStepResponse]).value).toEqual(decoded);
  });

  it.each<[string, Entries, string]>([
    ["ok false", [["ok", false]], "InvalidValue at ok"],
    [
      "a string error",
      [
        ["ok", true],
        ["error", "late"],
      ],
      "InvalidValue at error",
    ],
    ["data that is not nil", [["data", 0]], "InvalidValue at data"],
    [
      "ok true twice",
      [
        ["ok", true],
        ["ok", true],
      ],
      "DuplicateKey at (root)",
    ],
  ])("still rejects %s", (_, extra, expected) => {
    expect(failure(() => decode(MjStepResponse, frame(etype, ["value", 1], ...extra)))).toBe(expected);
  });

  it("keeps other records closed to the status entries", () => {
    const set = frame(["ts", 1], ["etype", "SET"], ["data", [["tag", "Scene"]]], ["ok", true]);
    expect(failure(() => decode(SetEvent, set))).toBe("InvalidValue at ok");
  });

  it("reads vrpc-ts's wrapped Uint8Array where bytes are declared", () => {
    const Frame: RecordDesc = {
      kind: "record",
      name: "Frame",
      open: false,
      fields: [field("frame", { kind: "bytes" })],
    };
    const wrapped = (ztype: string, length: number) =>
      frame([
        "frame",
        [
          ["ztype", ztype],
          ["b", Uint8Array.of(0xff, 0xd8)],
          ["length", length],
        ],
      ]);
    expect(decode(Frame, wrapped("Uint8Array", 2))).toEqual({ frame: Uint8Array.of(0xff, 0xd8) });
    expect(failure(() => decode(Frame, wrapped("Uint8Array", 3)))).toBe("ShapeMismatch at frame.b");
    expect(failure(() => decode(Frame, wrapped("Float32Array", 0)))).toBe("WrongType at frame");
    expect(failure(() => decode(Frame, frame(["frame", [["b", Uint8Array.of(1)]]])))).toBe(
      "WrongType at frame",
    );
    expect(failure(() => decode(Frame, frame(["frame", "AQI="])))).toBe("WrongType at frame");
  });
});
