/** Hex text, the notation of vectors, CLI input and test expectations. */

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Bytes from hex; whitespace is ignored, anything else that is not a hex digit pair is an error. */
export function fromHex(hex: string): Uint8Array {
  const compact = hex.replace(/\s+/g, "");
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(compact)) throw new RangeError(`not hex: ${JSON.stringify(hex.slice(0, 80))}`);
  return new Uint8Array(Buffer.from(compact, "hex"));
}
