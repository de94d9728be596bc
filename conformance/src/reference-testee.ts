/**
 * The reference testee: the testee protocol (conformance/README.md) served by the toolchain's own reference
 * codec (decode, validate, canonicalize, encode, typed JSON). It is the runner's self-test, since it must pass
 * every vector, and the oracle other testees are compared with.
 *
 *   npx tsc -p tsconfig.json && node dist/conformance/src/reference-testee.js
 *
 * `handle` is the whole testee as a function of one request, so tests can call it without a process.
 */
import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { formatPath, UsageError, VmpError } from "../../core/src/errors.js";
import { repoRoot } from "../../core/src/repo.js";
import { defaultSpec, type Spec } from "../../reference/src/schema/spec.js";
import { validate } from "../../reference/src/schema/validate.js";
import type { Value } from "../../reference/src/value/model.js";
import { fromTypedJson, toTypedJson } from "../../reference/src/value/typed-json.js";
import { decode } from "../../reference/src/wire/decode.js";
import { encode } from "../../reference/src/wire/encode.js";
import { fromHex, toHex } from "../../reference/src/wire/hex.js";
import { serve, VECTOR_OPS, type Response, type VectorOptions } from "./protocol.js";

/** The decoder options the reference codec understands; any other option is answered `skipped`. */
const SUPPORTED_OPTIONS = new Set(["strictZType"]);

/** A request the testee cannot make sense of. */
class BadRequest extends Error {}

/** Answers one request with the reference codec. */
export function handle(request: Record<string, unknown>, spec: Spec = defaultSpec()): Response {
  try {
    return answer(request, spec);
  } catch (e) {
    if (e instanceof VmpError) return { ok: false, error: { kind: e.kind, path: formatPath(e.path), message: e.reason } };
    if (e instanceof BadRequest || e instanceof UsageError) return { ok: false, error: { kind: "BadRequest", message: e.message } };
    throw e;
  }
}

function answer(request: Record<string, unknown>, spec: Spec): Response {
  const op = request.op;
  if (op === "hello") return { ok: true, name: "vmp-reference", version: toolchainVersion(), ops: [...VECTOR_OPS] };
  if (typeof op !== "string" || !(VECTOR_OPS as readonly string[]).includes(op)) return { ok: false, skipped: `unknown op ${JSON.stringify(op)}` };
  const type = field(request, "type");
  const options = request.options ?? {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw new BadRequest("options must be an object");
  const unsupported = Object.keys(options).find((k) => !SUPPORTED_OPTIONS.has(k));
  if (unsupported !== undefined) return { ok: false, skipped: `option ${unsupported} is not supported` };
  const opts = options as VectorOptions;
  switch (op) {
    case "decode":
      return { ok: true, value: toTypedJson(read(field(request, "hex"), type, opts, spec)) };
    case "validate":
      read(field(request, "hex"), type, opts, spec);
      return { ok: true };
    case "reencode":
      return { ok: true, hex: toHex(encode(read(field(request, "hex"), type, opts, spec))) };
    case "encode": {
      let value: Value;
      try {
        value = fromTypedJson(request.value);
      } catch (e) {
        throw new BadRequest((e as Error).message);
      }
      return { ok: true, hex: toHex(encode(checked(value, type, opts, spec))) };
    }
    default:
      throw new BadRequest(`unknown op ${op}`);
  }
}

/** Decodes a frame and returns its canonical value as `type`; the first problem is thrown as a VmpError. */
function read(hex: string, type: string, options: VectorOptions, spec: Spec): Value {
  let bytes: Uint8Array;
  try {
    bytes = fromHex(hex);
  } catch (e) {
    throw new BadRequest((e as Error).message);
  }
  return checked(decode(bytes), type, options, spec);
}

/** Validates a value as `type` and returns its canonical form (spec §3). */
function checked(value: Value, type: string, options: VectorOptions, spec: Spec): Value {
  const { errors, canonical } = validate(value, spec, { type, ...options });
  if (errors.length > 0) throw errors[0]!;
  return canonical!;
}

function field(request: Record<string, unknown>, name: string): string {
  const v = request[name];
  if (typeof v !== "string") throw new BadRequest(`${String(request.op)} needs a string "${name}"`);
  return v;
}

let version: string | undefined;
function toolchainVersion(): string {
  version ??= (JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8")) as { version: string }).version;
  return version;
}

// Run as a program (through a symlinked path too: Node resolves this module to its real path).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const spec = defaultSpec();
  try {
    await serve((request) => handle(request, spec));
  } catch (e) {
    // A malformed request frame: the stream cannot be resynchronised, so say why and stop.
    process.stderr.write(`vmp-reference testee: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
