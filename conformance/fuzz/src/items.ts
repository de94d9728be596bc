/**
 * The items of a MessagePack frame, found without judging it: every item's byte range, family, parent and role
 * (map key, map value, array item). Mutators use them to change a frame where its structure is (replace a key,
 * rewrite a length header, wrap a value in containers) instead of only flipping bytes. A frame that is not
 * well-formed (a seed that is itself a hostile vector) yields the items that could be read before the defect.
 */
import { formatOf, readHeader, type Family } from "../../../reference/src/wire/decode.js";

export type Role = "root" | "key" | "value" | "item";

export interface Item {
  /** Offset of the format byte. */
  readonly start: number;
  /** Offset after the header (and, for str/bin/ext, where the payload starts). */
  readonly body: number;
  /** Offset after the whole item (payload and children included). */
  readonly end: number;
  readonly family: Family;
  /** Declared length: bytes for str/bin/ext, items for array, entries for map. */
  readonly length?: number;
  readonly role: Role;
  /** Index of the enclosing container in the item list, -1 at the root. */
  readonly parent: number;
  /** Containers around the item. */
  readonly depth: number;
  /** For a map value: the key's text when the key is a valid UTF-8 str. */
  readonly key?: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** How many items `items` reads at most: a frame of millions of items is mutated at the byte level. */
const MAX_ITEMS = 20_000;

/** The items of `bytes` in byte order (pre-order), as far as they can be read. */
export function items(bytes: Uint8Array): Item[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Item[] = [];
  // Iterative, so that a nesting bomb costs no stack: each frame of `stack` is an open container.
  const stack: { index: number; left: number; isMap: boolean; keyNext: boolean; key?: string }[] = [];
  let offset = 0;
  const place = (): { role: Role; parent: number; key?: string } => {
    const top = stack[stack.length - 1];
    if (top === undefined) return { role: "root", parent: -1 };
    if (!top.isMap) return { role: "item", parent: top.index };
    return top.keyNext ? { role: "key", parent: top.index } : { role: "value", parent: top.index, ...(top.key === undefined ? {} : { key: top.key }) };
  };
  while (offset < bytes.length && out.length < MAX_ITEMS) {
    const format = formatOf(bytes[offset]!);
    if (offset + format.size > bytes.length) break;
    const header = readHeader(view, offset);
    const body = offset + format.size;
    const { role, parent, key } = place();
    const index = out.length;
    let end = body;
    let length: number | undefined;
    if (header.family === "str" || header.family === "bin" || header.family === "ext") {
      length = header.length;
      end = body + header.length;
      if (end > bytes.length) break;
    } else if (header.family === "array" || header.family === "map") {
      length = header.length;
    }
    out.push({ start: offset, body, end, family: header.family, role, parent, depth: stack.length, ...(length === undefined ? {} : { length }), ...(key === undefined ? {} : { key }) });
    offset = end;
    if ((header.family === "array" || header.family === "map") && header.length > 0) {
      stack.push({ index, left: header.length, isMap: header.family === "map", keyNext: true });
      continue;
    }
    // The item is complete: count it in its container, and close the containers it completes.
    let keyText = header.family === "str" ? safeText(bytes.subarray(body, end)) : undefined;
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      if (top.isMap && top.keyNext) {
        top.key = keyText;
        top.keyNext = false;
        break;
      }
      if (top.isMap) top.keyNext = true;
      top.left--;
      if (top.left > 0) break;
      stack.pop();
      out[top.index] = { ...out[top.index]!, end: offset };
      keyText = undefined;
    }
    if (stack.length === 0) break;
  }
  // Containers still open ran to the end of what was read.
  for (const open of stack) out[open.index] = { ...out[open.index]!, end: offset };
  return out;
}

function safeText(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
