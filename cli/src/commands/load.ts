/**
 * Turning an input into a value: MessagePack frames through the reference decoder, JSON through the JSON form
 * parser. Both fail with typed VmpErrors.
 */
import type { Input } from "../io.js";
import { parseJsonForm } from "../../../reference/src/value/json-form.js";
import type { Value } from "../../../reference/src/value/model.js";
import { decode } from "../../../reference/src/wire/decode.js";

export function loadValue(input: Input): Value {
  return input.form === "msgpack" ? decode(input.bytes) : parseJsonForm(input.text);
}
