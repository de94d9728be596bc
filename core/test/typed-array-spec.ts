/**
 * A test spec with typed array fields (PROFILE §3, SPEC §7.11): the repository's spec plus a `Cloud` record of
 * typed arrays and a `CLOUD` server event that carries one, with an example. Shared by the reference, emitter and
 * binding tests of typed arrays.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { LoadedSpec } from "../src/ir/build.js";

const typed = (description: string, k: Record<string, unknown>) => ({ description, $ref: "#/$defs/ZData", "x-vmp-ndarray": k });

/** `Cloud`'s typed fields: float32/float64 points of shape [n, 3], a 0-d bool mask, uint8 frames, any array. */
export const CLOUD = {
  description: "A point cloud.",
  type: "object",
  properties: {
    points: typed("The points, one row each.", { dtype: ["float32", "float64"], shape: [null, 3] }),
    mask: typed("Whether the cloud is shown.", { dtype: ["bool"], shape: [] }),
    frames: { description: "Camera frames.", type: "array", items: typed("A frame.", { dtype: ["uint8"] }) },
    extra: typed("Any array.", {}),
  },
  required: ["points"],
  additionalProperties: false,
};

/** The spec document: the repository's spec with `Cloud` and `CloudEvent` added. */
export function typedArrayDoc(): { $defs: Record<string, unknown> } {
  const doc = JSON.parse(readFileSync("protocol/vmp.schema.json", "utf8")) as { $defs: Record<string, unknown> };
  doc.$defs.Cloud = CLOUD;
  doc.$defs.CloudEvent = {
    description: "CLOUD: a point cloud to show.",
    "x-vmp-event": { direction: "server-to-client", envelope: "ServerEvent" },
    type: "object",
    properties: {
      ts: { description: "When the server created the event.", $ref: "#/$defs/Timestamp" },
      etype: { description: "Always `CLOUD`.", type: "string", const: "CLOUD" },
      data: { description: "The cloud.", $ref: "#/$defs/Cloud" },
    },
    required: ["ts", "etype", "data"],
    additionalProperties: false,
    examples: [
      {
        ts: 1700000000000,
        etype: "CLOUD",
        // float32 [[1, 2, 3]]: 00 00 80 3f, 00 00 00 40, 00 00 40 40 (SPEC §3.10's example, as one row).
        data: { points: { ztype: "numpy.ndarray", b: { __bytes__: "AACAPwAAAEAAAEBA" }, dtype: "float32", shape: [1, 3] } },
      },
    ],
  };
  return doc;
}

/** The spec as `vmp generate` would load it from `file`. */
export function typedArraySpec(file = "typed.schema.json"): LoadedSpec {
  const doc = typedArrayDoc();
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  return { file, text, doc: JSON.parse(text) as unknown, sha256: createHash("sha256").update(text).digest("hex") };
}
