/** Text helpers shared by the emitters: documentation wrapping and provenance. */

/**
 * Splits text into lines of at most `width` characters at spaces (a longer word stays whole). Existing line breaks
 * are kept; runs of spaces collapse. Deterministic and locale-independent.
 */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/ +/).filter((w) => w !== "")) {
      if (line === "") line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out;
}

/** The provenance of a definition: `protocol/vmp.schema.json#/$defs/SetEvent`. */
export function provenance(file: string, pointer: string): string {
  return `${file}#${pointer}`;
}

/** `SetEvent` → `setEvent`, `GetWebXRMeshRequest` → `getWebXRMeshRequest`, `URLThing` → `urlThing`. */
export function lowerFirstWord(name: string): string {
  const m = /^[A-Z]+(?=[A-Z][a-z]|[0-9]|$)/.exec(name);
  if (m && m[0].length > 1) return m[0].toLowerCase() + name.slice(m[0].length);
  return name.charAt(0).toLowerCase() + name.slice(1);
}
