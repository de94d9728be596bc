/**
 * `vmp_protocol/__init__.py`: the public API, re-exported by name: the runtime's public names (those of the list
 * below that the runtime defines), the spec's types, the factories, the `schema` module, and vrpc-py's drop-in
 * `MessagePackSerializer` / `JSONSerializer`.
 */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile } from "../common/printer.js";
import type { Ir } from "../../core/src/ir/types.js";
import { catalogue } from "./emit-types.js";
import { pyFile } from "./file.js";
import type { PyNames } from "./names.js";

/** The runtime names the package exports at top level, when the runtime defines them. */
export const RUNTIME_API = [
  ...["encode", "encode_into", "decode", "encode_value", "decode_value", "decode_message", "to_json", "from_json"],
  ...["register_type", "unregister_type", "RpcCorrelator", "UNSET", "UnsetType", "VmpFloat", "Float32"],
  ...["ZData", "NDArray", "ZImage", "Safetensors", "OpaqueZData", "VmpError", "ErrorKind", "format_path"],
  ...["Truncated", "TrailingBytes", "InvalidUtf8", "NonStringKey", "DuplicateKey", "DepthExceeded", "UnsupportedExt"],
  ...["UnknownZType", "UnsupportedDtype", "ShapeMismatch", "InvalidShape", "MissingField", "WrongType"],
  ...["IntegerOutOfRange", "InvalidValue"],
] as const;

export function emitInit(ir: Ir, names: PyNames, runtime: ReadonlyMap<string, readonly string[]>, source: HeaderSource): { file: GeneratedFile; missing: string[] } {
  const f = pyFile(
    "vmp_protocol/__init__.py",
    source,
    `vmp-protocol: the Vuer Message Protocol ${ir.source.version} for Python. A dataclass per spec type and ` +
      `\`${names.knownMessage}\`, their descriptors (the \`schema\` module), a factory per message type (vrpc-py's names), ` +
      "and the runtime codec.",
  );
  const typeNames = [...[...ir.types.values()].map((t) => names.type(t.name)), names.knownMessage];
  const envelopes = ir.messages.filter((m) => m.event!.envelope === m.name && m.name !== "Message");
  const factories = [...catalogue(ir), ...envelopes].map((m) => names.factory(m.name));
  const taken = new Set([...typeNames, ...factories, "schema", "events", "types", "MessagePackSerializer", "JSONSerializer"]);
  const missing: string[] = [];
  const locate = (name: string) => [...runtime.entries()].find(([, defs]) => defs.includes(name))?.[0];
  const found = new Map<string, string>();
  for (const name of RUNTIME_API) {
    const module = locate(name);
    if (module === undefined) missing.push(name);
    else if (!taken.has(name)) found.set(name, module);
  }
  const rt = (name: string) => f.import(name, `._runtime.${locate(name)!}`);
  const hasCodec = found.has("encode_value") && found.has("decode_value");
  const hasJson = hasCodec && locate("msgpack_to_json") !== undefined && locate("json_to_msgpack_raw") !== undefined;
  // Printing a symbol is what imports it: `__all__` names each one, so each is imported.
  const all = [...found.keys()];
  f.print("__all__ = [");
  f.indent(() => {
    f.print('"', f.import("schema", "."), '",');
    for (const name of all) f.print('"', f.import(name, `._runtime.${found.get(name)!}`), '",');
    for (const n of typeNames) f.print('"', f.import(n, ".types"), '",');
    for (const n of factories) f.print('"', f.import(n, ".events"), '",');
    if (hasCodec) f.print('"MessagePackSerializer",');
    if (hasJson) f.print('"JSONSerializer",');
  });
  f.print("]");
  const any = f.import("Any", "typing");
  if (hasCodec) {
    f.print();
    f.print();
    f.print("class MessagePackSerializer:");
    f.indent(() => {
      f.print('"""vrpc-py\'s MessagePackSerializer: any VMP value to MessagePack bytes and back (free-form, no schema)."""');
      f.print();
      f.print("@staticmethod");
      f.print("def encode(obj: ", any, ") -> bytes:");
      f.indent(() => f.print("return ", rt("encode_value"), "(obj)"));
      f.print();
      f.print("@staticmethod");
      f.print("def decode(data: bytes) -> ", any, ":");
      f.indent(() => f.print("return ", rt("decode_value"), "(data)"));
    });
  }
  if (hasJson) {
    f.print();
    f.print();
    f.print("class JSONSerializer:");
    f.indent(() => {
      f.print('"""vrpc-py\'s JSONSerializer: any VMP value to its JSON form (bytes as `{"__bytes__": base64}`) and back."""');
      f.print();
      f.print("@staticmethod");
      f.print("def encode(obj: ", any, ") -> str:");
      f.indent(() => f.print("return ", rt("msgpack_to_json"), "(None, ", rt("encode_value"), "(obj))"));
      f.print();
      f.print("@staticmethod");
      f.print("def decode(data: str | bytes) -> ", any, ":");
      f.indent(() => {
        f.print("text = data.decode(\"utf-8\") if isinstance(data, bytes) else data");
        f.print("return ", rt("decode_value"), "(", rt("json_to_msgpack_raw"), "(text))");
      });
    });
  }
  return { file: f, missing };
}
