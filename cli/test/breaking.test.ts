import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "vmp-breaking-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The repository's spec after `edit`, written to a file. */
function edited(name: string, edit: (spec: any) => void): string {
  const spec = JSON.parse(readFileSync("protocol/vmp.schema.json", "utf8"));
  edit(spec);
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

/** The spec's version, and the next minor and major ones (so the test holds after any version bump). */
const VERSION: string = JSON.parse(readFileSync("protocol/vmp.schema.json", "utf8"))["x-vmp-version"];
const [MAJOR, MINOR] = VERSION.split(".").map(Number) as [number, number];
const NEXT_MINOR = `${MAJOR}.${MINOR + 1}.0`;
const NEXT_MAJOR = `${MAJOR + 1}.0.0`;

const removeFn = (spec: any) => {
  delete spec.$defs.TimeoutData.properties.fn;
  spec.$defs.TimeoutData.required = spec.$defs.TimeoutData.required.filter((f: string) => f !== "fn");
};

describe("vmp breaking", () => {
  it("finds nothing between a spec and itself, at a git revision too", async () => {
    // A repository of its own, so that an uncommitted edit of this work tree does not matter here.
    const repo = join(tmp, "repo");
    const git = (...a: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...a], { cwd: repo, stdio: "pipe" });
    mkdirSync(repo);
    writeFileSync(join(repo, "spec.json"), readFileSync("protocol/vmp.schema.json"));
    git("init", "-q");
    git("add", "spec.json");
    git("commit", "-q", "-m", "spec");
    const r = await run(["breaking", "--against", "HEAD", "--spec", join(repo, "spec.json")]);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^no changes\n/);
    expect(r.out).toMatch(/x-vmp-version (\S+) -> \1: announced\n$/);
    expect(r.code).toBe(0);
  });

  it("fails on a wire break that the version does not announce, with the old examples as evidence", async () => {
    const next = edited("minor.json", (s) => {
      removeFn(s);
      s.$defs.RemoveData.properties.extra = { type: "boolean" };
      s["x-vmp-version"] = NEXT_MINOR;
    });
    const r = await run(["breaking", "--against", "protocol/vmp.schema.json", "--spec", next]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("wire-breaking (1):\n  field-removed: TimeoutData.fn was removed (/$defs/TimeoutData/properties/fn)\n");
    expect(r.out).toContain("compatible (1):\n  field-added-optional: RemoveData.extra was added (optional)");
    expect(r.out).toMatch(/TimeoutEvent example 0: InvalidValue at data\.fn: unknown field "fn"/);
    expect(r.out).toContain(`x-vmp-version ${VERSION} -> ${NEXT_MINOR}: NOT announced: these changes need a major version (SPEC §11.3)`);
  });

  it("passes the same break under a major version, and additions under a minor one", async () => {
    const major = edited("major.json", (s) => {
      removeFn(s);
      s["x-vmp-version"] = NEXT_MAJOR;
    });
    expect((await run(["breaking", "--against", "protocol/vmp.schema.json", "--spec", major])).code).toBe(0);
    const minor = edited("add.json", (s) => {
      s.$defs.RemoveData.properties.extra = { type: "boolean" };
      s["x-vmp-version"] = NEXT_MINOR;
    });
    const r = await run(["breaking", "--against", "protocol/vmp.schema.json", "--spec", minor, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ from: VERSION, to: NEXT_MINOR, needed: "minor", announced: true, changes: [{ kind: "field-added-optional", class: "compatible" }] });
  });

  it("says plainly when --against is neither a file nor a revision", async () => {
    const r = await run(["breaking", "--against", "no-such-revision-or-file"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^vmp: --against no-such-revision-or-file is neither a file nor a git revision holding /);
  });
});
