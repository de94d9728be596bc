/** The README's TypeScript example, run against the generated package's sources. */
import { describe, expect, expectTypeOf, it } from "vitest";
import { decodeMessage, encode, encodeValue, NDArray, schema, setEvent, validate, type DecodedMessage } from "../../generated/ts/src/index.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("the README's TypeScript example", () => {
  it("encodes a factory-built SET canonically and decodes it back as a SetEvent", () => {
    const msg = setEvent({ tag: "Scene", key: "root", children: [] }, { ts: 1700000000000 });
    const bytes = encode(schema.SetEvent, msg);
    // vrpc-py's bytes for the same message (upstream vector E01).
    expect(hex(bytes)).toBe("83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90");
    const { type, value } = decodeMessage(bytes, schema.MESSAGES);
    expect(type.name).toBe("SetEvent");
    expectTypeOf(value).toEqualTypeOf<DecodedMessage>(); // the union, not unknown: no cast needed
    expect(value).toEqual(msg);
  });

  it("validates, and encodes typed arrays as numpy.ndarray ZData", () => {
    expect(validate("SetEvent", { ts: 1, etype: "SET" }).map((e) => `${e.kind} ${e.path.join(".")}`)).toEqual(["MissingField data"]);
    // 81 {a6 "points" 84 {ztype: "numpy.ndarray", b: c4 0c <1.0f 2.0f 3.0f LE>, dtype: "float32", shape: [3]}}
    expect(hex(encodeValue({ points: NDArray.from(new Float32Array([1, 2, 3])) }))).toBe(
      "81a6706f696e747384a57a74797065ad6e756d70792e6e646172726179a162c40c0000803f0000004000004040a56474797065a7666c6f61743332a573686170659103",
    );
  });
});
