/**
 * The conformance testee of the TypeScript binding: the testee protocol (conformance/README.md) on stdin/stdout,
 * answered with the `vmp-protocol` package's public API, imported as any user imports it. `vmp conformance --lang
 * ts` runs it as `node conformance/testees/ts/dist/main.js` (built by `npm run build` with
 * conformance/testees/ts/tsconfig.json); typed-json.ts maps the binding's native values to typed JSON and back.
 */
import {
  check,
  decode,
  decodeValue,
  encode,
  encodeValue,
  formatPath,
  schema,
  VmpError,
  type DecodeOptions,
  type NamedDesc,
} from "vmp-protocol";
import { BadRequest, fromHex, fromJson, hex, toJson } from "./typed-json.js";

/** Every descriptor the package declares, by its spec name (the export name may differ: `Message$`). */
const DESCRIPTORS = new Map<string, NamedDesc>();
for (const d of Object.values(schema) as unknown[]) {
  const desc = d as Partial<NamedDesc> | null;
  if (
    typeof desc === "object" &&
    desc !== null &&
    typeof desc.name === "string" &&
    (desc.kind === "record" || desc.kind === "union" || desc.kind === "alias")
  ) {
    DESCRIPTORS.set(desc.name, desc as NamedDesc);
  }
}

/** The package's version: the spec's, which its package.json carries too (generators/typescript/templates). */
const VERSION = schema.SPEC.version;

type Response = Record<string, unknown>;
const OPS = ["decode", "encode", "reencode", "validate"];
const OPTIONS = new Set(["strictZType"]);

function descriptor(type: unknown): NamedDesc | "any" {
  if (type === "any") return "any";
  const d = typeof type === "string" ? DESCRIPTORS.get(type) : undefined;
  if (d === undefined) throw new BadRequest(`unknown type ${JSON.stringify(type)}`);
  return d;
}

/** Decodes losslessly as `type`, then validates the value with the package's checker (`validate` uses it too). */
function read(desc: NamedDesc | "any", request: Response, options: DecodeOptions): unknown {
  const bytes = fromHex(request.hex, "hex");
  const opts = { ...options, lossless: true };
  if (desc === "any") return decodeValue(bytes, opts);
  const value = decode(desc, bytes, opts);
  const errors = check(desc, value);
  if (errors.length > 0) throw errors[0];
  return value;
}

function write(desc: NamedDesc | "any", value: unknown): Uint8Array {
  return desc === "any" ? encodeValue(value) : encode(desc, value);
}

function answer(request: Response): Response {
  const op = request.op;
  if (op === "hello") return { ok: true, name: "vmp-protocol", version: VERSION, ops: OPS };
  if (typeof op !== "string" || !OPS.includes(op))
    return { ok: false, skipped: `unknown op ${JSON.stringify(op)}` };
  const options = (request.options ?? {}) as Record<string, unknown>;
  const unsupported = Object.keys(options).find((k) => !OPTIONS.has(k));
  if (unsupported !== undefined) return { ok: false, skipped: `option ${unsupported} is not supported` };
  const decodeOptions: DecodeOptions = { strictZType: options.strictZType === true };
  const desc = descriptor(request.type);
  const type = desc === "any" ? ({ kind: "any" } as const) : desc;
  switch (op) {
    case "decode":
      return { ok: true, value: toJson(read(desc, request, decodeOptions), type) };
    case "validate":
      read(desc, request, decodeOptions);
      return { ok: true };
    case "reencode":
      return { ok: true, hex: hex(write(desc, read(desc, request, decodeOptions))) };
    default: // encode
      return { ok: true, hex: hex(write(desc, fromJson(request.value, type))) };
  }
}

function handle(request: Response): Response {
  try {
    return answer(request);
  } catch (e) {
    if (e instanceof VmpError)
      return { ok: false, error: { kind: e.kind, path: formatPath(e.path), message: e.reason } };
    if (e instanceof BadRequest) return { ok: false, error: { kind: "BadRequest", message: e.message } };
    return {
      ok: false,
      error: { kind: "Internal", message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) },
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Framing: a 4-byte little-endian length, then that many bytes of UTF-8 JSON, both ways.

const MAX_FRAME = 64 * 1024 * 1024;
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });
let pending: Buffer = Buffer.alloc(0);

function send(response: Response): void {
  const body = Buffer.from(JSON.stringify(response), "utf8");
  const frame = Buffer.alloc(4 + body.length);
  frame.writeUInt32LE(body.length, 0);
  body.copy(frame, 4);
  process.stdout.write(frame);
}

function stop(reason: string): void {
  process.stderr.write(`vmp-protocol testee: ${reason}\n`);
  process.exitCode = 2;
  process.stdin.destroy();
}

process.stdin.on("data", (chunk: Buffer) => {
  pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  while (pending.length >= 4) {
    const length = pending.readUInt32LE(0);
    if (length > MAX_FRAME) return stop(`request frame of ${length} bytes is over the limit of ${MAX_FRAME}`);
    if (pending.length < 4 + length) return;
    let request: Response;
    try {
      request = JSON.parse(utf8Decoder.decode(pending.subarray(4, 4 + length))) as Response;
    } catch (e) {
      return stop(`request frame is not UTF-8 JSON: ${(e as Error).message}`);
    }
    pending = pending.subarray(4 + length);
    if (request.op === "quit") {
      process.stdin.destroy();
      return;
    }
    send(handle(request));
  }
});
process.stdin.on("end", () => {
  if (pending.length > 0) stop(`input ended inside a frame (${pending.length} bytes)`);
});
