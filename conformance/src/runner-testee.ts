/**
 * One running testee process, driven one request at a time. Whatever the testee does (answers, crashes, hangs,
 * writes garbage, answers twice) becomes an `Outcome`; the process is killed on a timeout or on garbage, and a
 * dead process answers every later request at once, so the runner never waits on it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { encodeFrame, FrameError, FrameReader, MAX_FRAME_SIZE, type Request } from "./protocol.js";

export type Outcome =
  | { readonly kind: "response"; readonly response: Record<string, unknown> }
  /** The process is gone, or broke the protocol; `message` says how. */
  | { readonly kind: "crash" | "timeout" | "garbage"; readonly message: string };

/** How much of the testee's stderr is kept for crash reports. */
const STDERR_TAIL = 4096;

export class TesteeProcess {
  private readonly child: ChildProcess;
  private readonly reader = new FrameReader(MAX_FRAME_SIZE);
  private pending: { resolve: (o: Outcome) => void; timer: NodeJS.Timeout } | undefined;
  private dead: Outcome | undefined;
  private exited = false;
  private readonly closed: Promise<void>;
  private stderr = "";

  constructor(
    readonly command: readonly string[],
    cwd: string,
  ) {
    const [file, ...args] = command;
    this.child = spawn(file === "node" ? process.execPath : file!, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.closed = new Promise((resolve) => {
      this.child.on("close", (code, signal) => {
        this.exited = true;
        const partial = this.reader.pending > 0 ? ` after writing ${this.reader.pending} bytes of an unfinished frame` : "";
        this.die({ kind: "crash", message: `testee exited${signal ? ` on ${signal}` : ` with code ${code}`}${partial}${this.stderrNote()}` });
        resolve();
      });
    });
    // A process that exited normally closes its pipes too; one whose pipes stay open (a grandchild holding them)
    // has them closed for it shortly after, so that "close" always comes.
    this.child.on("exit", () => {
      setTimeout(() => {
        this.child.stdout!.destroy();
        this.child.stderr!.destroy();
      }, 500).unref();
    });
    this.child.on("error", (e) => {
      // spawn failures (ENOENT, EACCES) arrive here; "close" may never follow them.
      this.exited = this.child.pid === undefined || this.exited;
      this.die({ kind: "crash", message: `cannot run ${command.join(" ")}: ${e.message}` });
    });
    // Writing to a testee that has died raises EPIPE here; its "close" event reports the death.
    this.child.stdin!.on("error", () => {});
    this.child.stdout!.on("data", (chunk: Buffer) => this.onData(chunk));
    this.child.stderr!.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
  }

  /** True once the process has died or been killed: every request now fails at once. */
  get isDead(): boolean {
    return this.dead !== undefined;
  }

  /** Sends one request and waits for its answer, at most `timeoutMs`. */
  request(request: Request, timeoutMs: number): Promise<Outcome> {
    if (this.dead) return Promise.resolve(this.dead);
    if (this.pending) throw new Error("TesteeProcess.request: a request is already in flight");
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.die({ kind: "timeout", message: `no answer within ${formatMs(timeoutMs)}; testee killed` });
      }, timeoutMs);
      this.pending = { resolve, timer };
      this.child.stdin!.write(encodeFrame(request));
    });
  }

  /** Asks the testee to quit and waits for it; a testee that does not exit within `graceMs` is killed. */
  async close(graceMs = 2000): Promise<void> {
    if (!this.exited && this.child.pid !== undefined) {
      if (!this.dead) this.child.stdin!.end(encodeFrame({ op: "quit" }));
      const timer = setTimeout(() => this.child.kill("SIGKILL"), this.dead ? 0 : graceMs);
      // Never wait forever, whatever the process does with its pipes.
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([this.closed, new Promise<void>((resolve) => (giveUp = setTimeout(resolve, graceMs + 2000)))]);
      clearTimeout(timer);
      clearTimeout(giveUp);
    }
    this.die({ kind: "crash", message: "testee closed" });
  }

  private onData(chunk: Buffer): void {
    if (this.dead) return;
    let frames: Record<string, unknown>[];
    try {
      frames = this.reader.push(chunk);
    } catch (e) {
      if (!(e instanceof FrameError)) throw e;
      return this.garbage(e.message);
    }
    for (const response of frames) {
      const pending = this.pending;
      if (pending === undefined) return this.garbage(`unsolicited frame ${JSON.stringify(response).slice(0, 80)} (an answer nobody asked for)`);
      this.pending = undefined;
      clearTimeout(pending.timer);
      pending.resolve({ kind: "response", response });
    }
  }

  private garbage(message: string): void {
    this.die({ kind: "garbage", message: `testee broke the protocol: ${message}; testee killed` });
  }

  /** Marks the process dead (the first reason wins), kills it, and fails the request in flight. */
  private die(outcome: Outcome): void {
    if (this.dead === undefined) {
      this.dead = outcome;
      if (!this.exited && this.child.pid !== undefined) this.child.kill("SIGKILL");
    }
    const pending = this.pending;
    if (pending !== undefined) {
      this.pending = undefined;
      clearTimeout(pending.timer);
      pending.resolve(this.dead);
    }
  }

  private stderrNote(): string {
    const lines = this.stderr.trim().split("\n").filter((l) => l.trim() !== "");
    if (lines.length === 0) return "";
    // Prefer the last unindented line naming an error: a stack trace ends with frames and a version banner.
    const line = [...lines].reverse().find((l) => /^\S/.test(l) && /error|exception|panic/i.test(l)) ?? lines[lines.length - 1]!;
    return ` (stderr: ${line.trim().slice(0, 160)})`;
  }
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}
