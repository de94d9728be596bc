// A live VMP client in Node (the `ws` package + the built TypeScript binding), the counterpart of client.py.
//
// Usage: node client.mjs PORT [NAME] [TIMEOUT_S]
//
// Connects to ws://127.0.0.1:PORT/NAME, decodes every frame with `decodeMessage` and checks it on arrival,
// answers GRAB_RENDER with a `grabRenderResponse` whose frame is the JPEG stub ff d8 ff d9, and exits 0 when
// everything matched once TERMINATE has arrived; otherwise non-zero with a message on stderr.
import WebSocket from "ws";
import { decodeMessage, encode, grabRenderResponse, NDArray, schema } from "../../generated/ts/dist/index.js";

const JPEG_STUB = Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]);
const N_ELEMENTS = 1 << 20;
const MAX_FRAME = 64 << 20;
const EXPECTED = ["SET", "ADD", "UPDATE", "ZDATA", "GRAB_RENDER", "TERMINATE"];

const port = Number(process.argv[2]);
const name = process.argv[3] ?? "ts";
const timeoutS = Number(process.argv[4] ?? 20);
const t0 = performance.now();

function fail(message, code = 1) {
  console.error(`${name}: FAIL ${message}`);
  process.exit(code);
}

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function check(etype, typeName, msg) {
  switch (etype) {
    case "SET": {
      expect(typeName === "SetEvent", `SET decoded as ${typeName}`);
      const scene = msg.data;
      expect(scene.tag === "Scene" && scene.key === "scene", `scene ${scene.tag}/${scene.key}`);
      expect(same(scene.up, [0, 1, 0]), `scene.up ${JSON.stringify(scene.up)}`);
      expect(scene.background === "#202020", `background ${scene.background}`);
      expect(scene.children.length === 1, `${scene.children.length} children`);
      const box = scene.children[0];
      expect(box.tag === "Box" && box.key === "box-1", `child ${box.tag}/${box.key}`);
      expect(box.color === "red" && same(box.position, [0, 0.5, 0]), `box ${JSON.stringify(box)}`);
      break;
    }
    case "ADD": {
      expect(typeName === "AddEvent", `ADD decoded as ${typeName}`);
      expect(msg.data.to === "scene", `ADD to ${msg.data.to}`);
      const nodes = msg.data.nodes;
      expect(nodes.length === 1, `${nodes.length} ADD nodes`);
      const [s] = nodes;
      expect(s.tag === "Sphere" && s.key === "sphere-1", `ADD node ${s.tag}/${s.key}`);
      expect(same(s.args, [0.25, 32, 16]) && same(s.position, [1, 0.25, 0]), `sphere ${JSON.stringify(s)}`);
      break;
    }
    case "UPDATE": {
      expect(typeName === "UpdateEvent", `UPDATE decoded as ${typeName}`);
      const nodes = msg.data.nodes;
      expect(nodes.length === 1 && nodes[0].key === "box-1", `UPDATE nodes ${JSON.stringify(nodes)}`);
      expect(nodes[0].color === "blue" && same(nodes[0].position, [0, 1, 0]), `patch ${JSON.stringify(nodes[0])}`);
      break;
    }
    case "ZDATA": {
      const data = msg.data;
      expect(data !== null && typeof data === "object" && data.key === "tensor", `ZDATA data ${typeof data}`);
      const arr = data.array;
      expect(arr instanceof NDArray, `array is ${arr?.constructor?.name}`);
      expect(arr.ztype === "numpy.ndarray", `ztype ${arr.ztype}`);
      expect(arr.dtype === "float32" && same(arr.shape, [N_ELEMENTS]), `array ${arr.dtype} [${arr.shape}]`);
      expect(arr.data instanceof Float32Array && arr.data.length === N_ELEMENTS, "data is not a Float32Array");
      for (const i of [0, 1, 12345, N_ELEMENTS - 1]) expect(arr.data[i] === i, `array[${i}] = ${arr.data[i]}`);
      let nans = 0;
      let mismatches = 0;
      for (let i = 0; i < arr.data.length; i++) {
        const v = arr.data[i];
        if (Number.isNaN(v)) nans++;
        else if (v !== i) mismatches++;
      }
      expect(nans === 0, `${nans} NaN in the array`);
      expect(mismatches === 0, `${mismatches} elements differ from arange`);
      break;
    }
    case "GRAB_RENDER": {
      expect(typeName === "GrabRenderRequest", `GRAB_RENDER decoded as ${typeName}`);
      expect(msg.key === "cam", `GRAB_RENDER key ${msg.key}`);
      expect(msg.rtype === `GRAB_RENDER_RESPONSE@${msg.uuid}`, `rtype ${msg.rtype} uuid ${msg.uuid}`);
      expect(Math.abs(msg.data.quality - 0.9) < 1e-12 && msg.data.downsample === 1, `data ${JSON.stringify(msg.data)}`);
      break;
    }
    case "TERMINATE":
      expect(typeName === "TerminateEvent" && msg.data === null, `TERMINATE ${typeName} ${msg.data}`);
      break;
  }
}

const timer = setTimeout(() => fail(`timed out after ${timeoutS} s (got ${seen.join(", ")})`, 2), timeoutS * 1000);
const seen = [];
let terminated = false;
const ws = new WebSocket(`ws://127.0.0.1:${port}/${name}`, { maxPayload: MAX_FRAME, perMessageDeflate: false });
ws.binaryType = "nodebuffer";

ws.on("message", (data, isBinary) => {
  try {
    expect(isBinary, "a text frame");
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const { type, value: msg } = decodeMessage(bytes, schema.MESSAGES);
    const etype = msg.etype;
    expect(seen.length < EXPECTED.length && etype === EXPECTED[seen.length], `unexpected ${etype} after [${seen}]`);
    check(etype, type.name, msg);
    seen.push(etype);
    if (etype === "GRAB_RENDER") {
      const reply = grabRenderResponse(msg, { dpr: 1, width: 4, height: 3, frame: JPEG_STUB });
      ws.send(encode(schema.GrabRenderResponse, reply), { binary: true });
    }
    if (etype === "TERMINATE") {
      terminated = true;
      ws.close();
    }
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
});
ws.on("error", (e) => fail(`socket error: ${e.message}`));
ws.on("close", () => {
  clearTimeout(timer);
  if (!terminated || !same(seen, EXPECTED)) fail(`closed after [${seen}], expected [${EXPECTED}]`);
  console.log(`${name}: ok (${seen.join(", ")}) in ${(performance.now() - t0).toFixed(1)} ms`);
  process.exit(0);
});
