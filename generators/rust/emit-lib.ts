/** `src/lib.rs`: the crate's documentation, its modules and the re-exports users name (`vmp_protocol::decode`). */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile } from "../common/printer.js";
import type { Ir } from "../../core/src/ir/types.js";
import { rsFile } from "./file.js";
import type { RsNames } from "./names.js";
import type { PackageIdentity } from "../common/package-name.js";

export function emitLib(ir: Ir, names: RsNames, source: HeaderSource, pkg: PackageIdentity): GeneratedFile {
  const f = rsFile(
    "src/lib.rs",
    source,
    `${pkg.name}: the ${ir.source.title} ${ir.source.version} for Rust, generated from \`${ir.source.file}\`.\n\n` +
      "A struct per spec type (`types`, re-exported here) with serde support, the spec as static descriptors " +
      "(`schema`), constructors for every message (`events`), the spec's error kinds and dtypes (`tables`), and the canonical " +
      "MessagePack codec (`runtime`).\n\n" +
      "- `decode::<T>(bytes)` reads a frame as the spec type `T` (validated, then typed); `encode(&value)` writes " +
      "its canonical bytes.\n" +
      `- \`decode_message(bytes)\` picks the message type by the spec's rules and returns a \`${names.knownMessage}\`.\n` +
      "- `decode_value` / `encode_value` work on free-form `Value`s, which keep float widths, `bin` and map order " +
      "(lossless relay).",
  );
  f.print("pub mod events;");
  f.print("pub mod runtime;");
  f.print("pub mod schema;");
  f.print("pub mod tables;");
  f.print("pub mod types;");
  f.print();
  f.print(
    "pub use runtime::codec::{check, decode, decode_as, decode_value, decode_with, encode, encode_as, encode_into, encode_value, Fields, FromValue, MapBuilder, ToValue, TypeVisitor, Typed};",
  );
  f.print("pub use runtime::error::{Error, ErrorKind, PathSeg, Result};");
  f.print("pub use runtime::options::DecodeOptions;");
  f.print("pub use runtime::value::{CompactString, Map, Value};");
  f.print("pub use runtime::zdata::{ArrayKind, CustomZData, Dtype, Image, ImageFormat, NdArray, Registry, Safetensors, ZData};");
  f.print("pub use types::*;");
  f.print();
  f.print("/// The crate's version: the version of the spec it was generated from.");
  f.print('pub const VERSION: &str = env!("CARGO_PKG_VERSION");');
  return f;
}
