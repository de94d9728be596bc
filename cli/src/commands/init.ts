/**
 * `vmp init [DIR]`: scaffolds a spec of the user's own that extends VMP by reference (PROFILE §1): its message
 * types name the VMP envelopes, `Timestamp`, `ComponentKey` and `ZData` as `urn:vmp:spec:1#/$defs/…`, so nothing
 * of VMP is copied. It writes `DIR/protocol.schema.json` (a server event, a client event with a typed array, and an RPC request with
 * its response, each with `examples`, lint-clean) and `DIR/README.md` (the loop: lint, generate, test), and
 * refuses to overwrite either.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import type { Argv } from "yargs";
import { UsageError } from "../../../core/src/errors.js";
import { baseSpecs } from "../../../core/src/ir/imports.js";
import { invalidPackageName } from "../../../generators/common/package-name.js";
import type { Command } from "../command.js";

interface Args {
  dir: string;
}

/** The scaffold's files. */
export const INIT_SPEC = "protocol.schema.json";
export const INIT_README = "README.md";

export const initCommand: Command<Args> = {
  command: "init [dir]",
  describe: "Scaffold a spec of your own that extends VMP by reference, and a README of the loop",
  builder: (y: Argv) =>
    y.positional("dir", { type: "string", default: ".", describe: "the folder to write protocol.schema.json and README.md into (created if missing)" }) as unknown as Argv<Args>,
  examples: [["$0 init my-robot", "write my-robot/protocol.schema.json and my-robot/README.md; then: vmp lint my-robot/protocol.schema.json"]],
  run(args, io) {
    const dir = resolve(args.dir);
    const files = [INIT_SPEC, INIT_README].map((f) => join(dir, f));
    const taken = files.filter((f) => existsSync(f));
    if (taken.length > 0) throw new UsageError(`${taken.map(shown).join(" and ")} already exist${taken.length === 1 ? "s" : ""}; vmp init never overwrites (remove ${taken.length === 1 ? "it" : "them"} or pick another folder)`);
    const name = packageName(basename(dir));
    mkdirSync(dir, { recursive: true });
    writeFileSync(files[0]!, `${JSON.stringify(scaffold(name), null, 2)}\n`);
    writeFileSync(files[1]!, readme(name, shown(files[0]!)));
    for (const f of files) io.out(`wrote ${shown(f)}`);
    io.out(`next: vmp lint ${shown(files[0]!)}`);
    return 0;
  },
};

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : rel;
}

/** The folder's name as a package name (`My Robot` → `my-robot-proto`), or `my-proto` when it makes none. */
function packageName(folder: string): string {
  const words = folder.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const name = [...words, "proto"].join("-");
  return invalidPackageName(name) === undefined ? name : "my-proto";
}

/** The spec the scaffold writes: every description is what the generated packages document. */
export function scaffold(name: string): object {
  const base = [...baseSpecs().keys()][0]!;
  const vmp = (def: string) => `${base}#/$defs/${def}`;
  const ref = (def: string, description: string) => ({ description, $ref: vmp(def) });
  const title = name.replace(/-proto$/, "").split("-").map((w) => w[0]!.toUpperCase() + w.slice(1)).join(" ");
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `urn:example:${name}:1`,
    title: `${title} Protocol`,
    description: `The messages of ${title}, on top of the Vuer Message Protocol.`,
    $comment:
      `A spec of your own that extends VMP by reference (PROFILE §1 of the vmp repository): "${base}#/$defs/Name" names a VMP definition ` +
      "(an envelope, Timestamp, ComponentKey, ZData, Any, ...) and vmp pulls in exactly what you reference. A message type names its envelope the " +
      "same way in x-vmp-event and starts with the envelope's fields, in the envelope's order. Each message type's examples (the JSON form) become " +
      "tests of every generated package: each must round-trip, and the frames they imply must be rejected (a required field left out, a field of " +
      "the wrong kind, a contradicting etype) must fail. Bump x-vmp-version when you change the spec.",
    "x-vmp-version": "0.1.0",
    $defs: {
      Pose: {
        description: "Where the robot's tool is.",
        type: "object",
        properties: {
          position: { description: "x, y, z in metres.", type: "array", items: { type: "number", "x-vmp-wire": "float64" }, minItems: 3, maxItems: 3 },
          frame: { description: "The frame the position is in.", type: "string", enum: ["world", "base"] },
        },
        required: ["position", "frame"],
        additionalProperties: false,
      },
      MoveToEvent: {
        description: "MOVE_TO: the server asks the robot to move its tool to a pose.",
        "x-vmp-event": { direction: "server-to-client", envelope: vmp("ServerEvent") },
        type: "object",
        properties: {
          ts: ref("Timestamp", "When the server sent the command."),
          etype: { description: "Always `MOVE_TO`.", type: "string", const: "MOVE_TO" },
          data: { description: "The target pose.", $ref: "#/$defs/Pose" },
        },
        required: ["ts", "etype", "data"],
        additionalProperties: false,
        examples: [{ ts: 1700000000000, etype: "MOVE_TO", data: { position: [0.5, 0, 0.25], frame: "base" } }],
      },
      DepthFrameEvent: {
        description: "DEPTH_FRAME: the robot sends what its depth camera sees.",
        "x-vmp-event": { direction: "client-to-server", envelope: vmp("ClientEvent") },
        type: "object",
        properties: {
          ts: ref("Timestamp", "When the frame was taken."),
          etype: { description: "Always `DEPTH_FRAME`.", type: "string", const: "DEPTH_FRAME" },
          value: {
            description: "The depth image, in metres: a float32 array of rows × columns (a typed array, PROFILE §3).",
            $ref: vmp("ZData"),
            "x-vmp-ndarray": { dtype: ["float32"], shape: [null, null] },
          },
          key: ref("ComponentKey", "The camera that took it."),
          rtype: { description: "The etype of an expected answer; the robot sends none.", type: "string" },
        },
        required: ["ts", "etype", "value", "key"],
        additionalProperties: false,
        examples: [
          { ts: 1700000000000, etype: "DEPTH_FRAME", value: { ztype: "numpy.ndarray", b: { __bytes__: "AAAAAAAAgD8AAABA" }, dtype: "float32", shape: [1, 3] }, key: "wrist-camera" },
        ],
      },
      GetPoseRequest: {
        description: "GET_POSE: the server asks the robot where its tool is; the robot answers with GetPoseResponse.",
        "x-vmp-event": { direction: "server-to-client", envelope: vmp("ServerRpcRequest") },
        type: "object",
        properties: {
          ts: ref("Timestamp", "When the server made the request."),
          etype: { description: "Always `GET_POSE`.", type: "string", const: "GET_POSE" },
          rtype: { description: "The etype the answer must carry: `GET_POSE_RESPONSE@{uuid}`.", type: "string", pattern: "^GET_POSE_RESPONSE@.+$" },
          key: ref("ComponentKey", "The arm that should answer."),
          data: { description: "No parameters.", type: "null" },
          uuid: { description: "The request id, also the suffix of `rtype`.", type: "string" },
        },
        required: ["ts", "etype", "rtype", "data", "uuid"],
        additionalProperties: false,
        examples: [{ ts: 1700000000000, etype: "GET_POSE", rtype: "GET_POSE_RESPONSE@u-1", key: "arm", data: null, uuid: "u-1" }],
      },
      GetPoseResponse: {
        description: "The robot's answer to GET_POSE, with etype `GET_POSE_RESPONSE@{uuid}`.",
        "x-vmp-event": { direction: "client-to-server", envelope: vmp("ClientEvent") },
        type: "object",
        properties: {
          ts: ref("Timestamp", "When the robot answered."),
          etype: { description: "The request's `rtype`: `GET_POSE_RESPONSE@{uuid}`.", type: "string", pattern: "^GET_POSE_RESPONSE@.+$" },
          value: { description: "Where the tool is.", $ref: "#/$defs/Pose" },
          key: ref("ComponentKey", "The arm that answered."),
          rtype: { description: "The etype of an expected answer; the robot sends none.", type: "string" },
        },
        required: ["ts", "etype", "value"],
        additionalProperties: false,
        examples: [{ ts: 1700000000000, etype: "GET_POSE_RESPONSE@u-1", value: { position: [0.5, 0, 0.25], frame: "world" }, key: "arm" }],
      },
    },
  };
}

function readme(name: string, spec: string): string {
  return `# ${name}

A spec of your own on top of the Vuer Message Protocol, scaffolded by \`vmp init\`. \`${INIT_SPEC}\` extends VMP
by reference: its message types name VMP's envelopes and base types as \`urn:vmp:spec:1#/$defs/…\` (the
\`$comment\` at its top says how), and \`vmp\` pulls in exactly what it references.

## The loop

\`\`\`sh
vmp lint ${spec}                                   # every problem with its JSON Pointer
vmp generate --spec ${spec} --out out --name ${name}   # out/ts, out/python, out/rust
(cd out/ts && npm install && npm test)              # the TypeScript package and its tests
(cd out/python && pip install ".[test]" && pytest)  # the Python package (import ${name.replace(/-/g, "_")})
(cd out/rust && cargo test)                         # the crate
\`\`\`

Each package's tests come from the spec's \`examples\`: every example round-trips, and the frames they imply must
be rejected (a required field left out, a field of the wrong kind, a contradicting etype) fail with the error
kind the spec gives. After editing the spec, bump \`x-vmp-version\` and run \`vmp generate\` again.
`;
}
