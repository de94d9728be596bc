/**
 * The VMP runtime: the codec over the package's type descriptors, free-form values, ZData, the JSON form, RPC
 * correlation and vrpc-ts's names over them. Everything here runs in browsers and in Node (Uint8Array, DataView,
 * TextEncoder/TextDecoder, BigInt and crypto.randomUUID only).
 */
export {
  ERROR_KINDS,
  VmpError,
  formatPath,
  isErrorKind,
  isVmpError,
  type ErrorKind,
  type Path,
} from "./errors.js";
export { MAX_DEPTH, Writer } from "./wire.js";
export { Reader, type DecodeOptions, type Kind } from "./reader.js";
export { DTYPES, DTYPE_INFO, parseDtype, type DtypeInfo } from "./dtype.js";
export {
  NDArray,
  OpaqueZData,
  Safetensors,
  ZImage,
  bfloat16ToNumber,
  float16ToNumber,
  numberToBfloat16,
  numberToFloat16,
  registerType,
  sniffImage,
  type ArrayZType,
  type Dtype,
  type DtypeArrays,
  type ImageFormat,
  type TypedArray,
  type ZTypeCodec,
} from "./zdata.js";
export { VmpFloat } from "./float.js";
export { EXTRA_KEY_ORDER, type MapLike } from "./value.js";
export {
  decode,
  decodeMessage,
  decodeValue,
  encode,
  encodeInto,
  encodeValue,
  selectMessage,
} from "./codec.js";
export type { Desc } from "./decode.js";
export { check, type ValidationError } from "./check.js";
export { fromJSON, jsonToMsgpack, msgpackToJson, toJSON, type JsonOptions } from "./json.js";
export {
  RpcCancelledError,
  RpcCorrelator,
  RpcTimeoutError,
  rpcResponseType,
  type ExpectOptions,
  type RpcResult,
} from "./rpc.js";
export {
  RPCManager,
  createRPCRequest,
  createRPCResponse,
  deserialize,
  generateRequestId,
  isRPCRequest,
  isRPCResponse,
  serialize,
  type DeserializeOptions,
  type RPCRequest,
  type RPCRequestParams,
  type RPCResponse,
  type SerializeOptions,
} from "./vrpc.js";
export {
  resolve,
  type AliasDesc,
  type FieldDesc,
  type MessageDescs,
  type NamedDesc,
  type RecordDesc,
  type TypeDesc,
  type UnionDesc,
} from "./schema.js";
