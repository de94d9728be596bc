/**
 * A live round trip over a real transport: the Python server of conformance/live (websockets + the generated
 * Python binding) serves three clients on loopback, one in Node (`ws` + the built TypeScript package), one in
 * Python and one in Rust (tokio-tungstenite + the generated crate: conformance/live/rust, built by
 * `npm run build:rs`; outside CI it is left out while its binary is missing). Each client checks every frame on
 * arrival (SET, ADD, UPDATE, a 4 MiB float32 ZData tensor, GRAB_RENDER, TERMINATE) and answers GRAB_RENDER with a
 * GRAB_RENDER_RESPONSE@{uuid} carrying a JPEG stub, which the server checks. Every frame is one binary WebSocket
 * message.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(".");
const PYTHON = join(ROOT, ".venv/bin/python");
const DIST = join(ROOT, "generated/ts/dist/index.js");
const LIVE = join(ROOT, "conformance/live");
const available = existsSync(PYTHON) && existsSync(DIST);
const EXE = process.platform === "win32" ? ".exe" : "";
const RS_CLIENT = join(LIVE, `rust/target/release/vmp-live-client${EXE}`);
/** In CI a missing binary fails the test (the spawn errors) instead of leaving the Rust client out. */
const rsAvailable = existsSync(RS_CLIENT) || Boolean(process.env.CI);

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts a child and resolves with its exit status and output; `onLine` sees each stdout line as it comes. */
function start(cmd: string, args: string[], onLine?: (line: string) => void): Promise<Exit> {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stdout = "";
  let stderr = "";
  createInterface({ input: child.stdout! }).on("line", (line) => {
    stdout += line + "\n";
    onLine?.(line);
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

interface Verdict {
  client: string | null;
  ok: boolean;
  reason: string;
}

describe.skipIf(!available && !process.env.CI)("a live VMP session over WebSocket", () => {
  /** Each client: the name it connects with (its verdict's `client`), then the command before PORT NAME TIMEOUT_S. */
  const clients: Array<[name: string, cmd: string, args: string[]]> = [
    ["ts", process.execPath, [join(LIVE, "client.mjs")]],
    ["py", PYTHON, [join(LIVE, "client.py")]],
  ];
  if (rsAvailable) clients.push(["rs", RS_CLIENT, []]);
  const names = rsAvailable ? "TypeScript, Python and Rust clients" : "TypeScript and Python clients (no Rust binary)";
  it(`serves ${names}: every frame checked on arrival, GRAB_RENDER answered`, { timeout: 60_000 }, async () => {
    let gotPort!: (port: number) => void;
    const portPromise = new Promise<number>((r) => (gotPort = r));
    const verdicts: Verdict[] = [];
    let first = true;
    const server = start(PYTHON, [join(LIVE, "server.py"), String(clients.length), "30"], (line) => {
      if (first) {
        first = false;
        gotPort(Number(line));
      } else verdicts.push(JSON.parse(line) as Verdict);
    });
    const port = await Promise.race([
      portPromise,
      server.then((s) => Promise.reject(new Error(`the server exited before printing its port: ${s.stderr}`))),
    ]);
    expect(Number.isInteger(port) && port > 0).toBe(true);

    const exits = await Promise.all(
      clients.map(async ([name, cmd, args]) => ({ name, exit: await start(cmd, [...args, String(port), name, "20"]) })),
    );
    const srv = await server;

    for (const { name, exit } of exits) expect(exit.code, `${name} client: ${exit.stdout}${exit.stderr}`).toBe(0);
    expect(srv.code, `server: ${srv.stdout}${srv.stderr}`).toBe(0);
    expect(verdicts.map((v) => v.client).sort()).toEqual(clients.map(([name]) => name).sort());
    for (const v of verdicts) expect(v.ok, `${v.client}: ${v.reason}`).toBe(true);
  });
});
