/**
 * Turning an input into a value: MessagePack frames through the reference decoder, JSON through the JSON form
 * parser. Both fail with typed VmpErrors.
 */
import type { Input } from "../io.js";
import { parseJsonForm } from "../value/json-form.js";
import type { Value } from "../value/model.js";
import { decode } from "../wire/decode.js";

export function loadValue(input: Input): Value {
  return input.form === "msgpack" ? decode(input.bytes) : parseJsonForm(input.text);
}
