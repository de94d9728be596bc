/**
 * `vmp docs`: the HTML catalogue (checked as text, then used in headless Chromium: search, links, example
 * frames), `--write-spec`, which generates SPEC §5's tables from the schema, and `--check-spec`, which keeps them
 * equal to it.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocolOf } from "../../core/src/ir/protocol.js";
import { defaultSpec } from "../../reference/src/schema/spec.js";
import { run } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const ir = defaultSpec().ir;
const facts = protocolOf(ir);
const dir = mkdtempSync(join(tmpdir(), "vmp-docs-"));
const page = join(dir, "catalogue.html");

describe("vmp docs --check-spec and --write-spec", () => {
  it("SPEC.md §5.2–§5.4 agree with the schema", async () => {
    const { code, out, err } = await run(["docs", "--check-spec"]);
    expect(err).toBe("");
    expect(out).toBe(`docs --check-spec: the catalogue tables of protocol/SPEC.md agree with the schema (${facts.catalogue.length} message types)\n`);
    expect(code).toBe(0);
  });

  it("names every drift: a missing row, a row the schema lacks, an etype §5.4 calls uncatalogued", async () => {
    let spec = readFileSync("protocol/SPEC.md", "utf8");
    spec = spec.replace(/^\| `KeyUp` \|.*\n/m, "");
    spec = spec.replace(/^(\| `REMOVE` \|.*\n)/m, "$1| `FLY` | `FlyEvent` | `ServerEvent` | `{}` | none |\n");
    spec = spec.replace("`NOOP` and `FRAME`", "`NOOP`, `INIT` and `FRAME`");
    const file = join(dir, "SPEC.md");
    writeFileSync(file, spec);
    const { code, err } = await run(["docs", "--check-spec", file]);
    expect(code).toBe(1);
    expect(err).toBe(
      [
        `${file}: §5.2: the row \`FLY\` | \`FlyEvent\` | \`ServerEvent\` is not in the schema`,
        `${file}: §5.3: missing the row \`KeyUp\` | \`KeyUpEvent\``,
        `${file}: \`vmp docs --write-spec\` rewrites the generated tables`,
        `${file}: §5.4: lists \`INIT\` as not catalogued, but the schema has InitEvent`,
        "",
      ].join("\n"),
    );
  });

  it("names a table whose prose cells drifted from x-vmp-catalogue, and --write-spec puts every table back", async () => {
    const original = readFileSync("protocol/SPEC.md", "utf8");
    const drifted = original.replace("| vuer `End` |", "| vuer `Terminate` |");
    expect(drifted).not.toBe(original);
    const file = join(dir, "SPEC-drift.md");
    writeFileSync(file, drifted.replace(/(<!-- vmp:catalogue client-to-server -->\n)[^]*?(<!-- \/vmp:catalogue -->)/, "$1$2"));
    const check = await run(["docs", "--check-spec", file]);
    expect(check.code).toBe(1);
    expect(check.err).toContain(`${file}: §5.2: the server-to-client table is not the one the schema gives\n`);
    expect(check.err).toContain(`${file}: §5.3: missing the row \`INIT\` | \`InitEvent\`\n`);
    const write = await run(["docs", "--write-spec", file]);
    expect(write).toEqual({ code: 0, out: `docs --write-spec: rewrote the catalogue tables of ${file}\n`, err: "" });
    expect(readFileSync(file, "utf8")).toBe(original);
    expect((await run(["docs", "--write-spec", file])).out).toBe(`docs --write-spec: the catalogue tables of ${file} are up to date\n`);
  });

  it("gives a new message type its row from the schema alone: the payload's type where x-vmp-catalogue says nothing", async () => {
    const schema = JSON.parse(readFileSync("protocol/vmp.schema.json", "utf8"));
    const click = schema.$defs.ClickEvent;
    schema.$defs.PokeEvent = { ...click, "x-vmp-catalogue": undefined, properties: { ...click.properties, etype: { type: "string", const: "POKE" } } };
    schema.$defs.PokeEvent.properties.value = { type: "string" };
    const specFile = join(dir, "poke.schema.json");
    writeFileSync(specFile, JSON.stringify(schema));
    const file = join(dir, "SPEC-poke.md");
    writeFileSync(file, readFileSync("protocol/SPEC.md", "utf8"));
    expect((await run(["docs", "--spec", specFile, "--check-spec", file])).err).toContain(`${file}: §5.3: missing the row \`POKE\` | \`PokeEvent\`\n`);
    expect((await run(["docs", "--spec", specFile, "--write-spec", file])).code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("| `KeyPress` | `KeyPressEvent` | `keyboard-monitor` |");
    expect(readFileSync(file, "utf8")).toContain("\n| `POKE` | `PokeEvent` | — | `string` or absent | — |\n<!-- /vmp:catalogue -->\n");
    expect(await run(["docs", "--spec", specFile, "--check-spec", file])).toMatchObject({ code: 0, err: "" });
  });

  it("refuses to write a SPEC.md without the markers", async () => {
    const file = join(dir, "SPEC-unmarked.md");
    writeFileSync(file, readFileSync("protocol/SPEC.md", "utf8").replace("<!-- vmp:catalogue server-to-client -->", ""));
    const { code, err } = await run(["docs", "--write-spec", file]);
    expect(code).toBe(1);
    expect(err).toBe(`${file}: §5.2: no generated table; mark its place with <!-- vmp:catalogue server-to-client --> and <!-- /vmp:catalogue -->\n`);
  });
});

describe("vmp docs", () => {
  let html = "";

  beforeAll(async () => {
    const { code, out } = await run(["docs", "--out", page]);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^docs: wrote .*catalogue\\.html \\(${ir.messages.length} message types, ${ir.types.size - ir.messages.length} other types, \\d+ example frames\\)\\n$`));
    html = readFileSync(page, "utf8");
  });

  it("has a section for every type, and every link names one", () => {
    const ids = new Set([...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]));
    expect(ids).toEqual(new Set(ir.types.keys()));
    for (const [, target] of html.matchAll(/href="#([^"]+)"/g)) expect(ids, target).toContain(target);
  });

  it("shows each message type's etype, direction and envelope, and its vectors as examples", () => {
    const set = html.slice(html.indexOf('<section id="SetEvent"'), html.indexOf("</section>", html.indexOf('<section id="SetEvent"')));
    expect(set).toContain("<dt>etype</dt><dd><code>SET</code></dd><dt>direction</dt><dd>server → client</dd><dt>envelope</dt><dd><a class=\"type-link\" href=\"#ServerEvent\">ServerEvent</a></dd>");
    expect(set).toContain('<td><code>ts</code></td><td><code><a class="type-link" href="#Timestamp">Timestamp</a></code></td><td>uint64</td><td>required</td>');
    expect(set).toContain('id="example-events/event.set.e01"');
    expect(set).toMatch(/0 {2}83 +fixmap +3 entries/);
    expect(set).toContain("&quot;etype&quot;: &quot;SET&quot;");
    const response = html.slice(html.indexOf('<section id="GrabRenderResponse"'));
    expect(response).toContain("<dt>etype</dt><dd><code>GRAB_RENDER_RESPONSE@{uuid}</code></dd>");
  });

  it("writes to stdout with --out -, and says why it cannot write", async () => {
    expect((await run(["docs", "--out", "-"])).out).toBe(html);
    const { code, err } = await run(["docs", "--out", join(dir, "no", "such", "dir.html")]);
    expect(code).toBe(2);
    expect(err).toBe(`vmp: cannot write ${join(dir, "no", "such", "dir.html")}: no such file or directory\n`);
  });
});

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)("the docs page in headless Chromium", () => {
  let browser: Browser;
  let tab: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(page)) expect((await run(["docs", "--out", page])).code).toBe(0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    tab = await browser.newPage();
    tab.on("pageerror", (e) => errors.push(String(e)));
    tab.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
    await tab.goto(pathToFileURL(page).href);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const visibleSections = () => tab.$$eval("main section", (s) => s.filter((x) => (x as HTMLElement).offsetParent !== null).map((x) => x.id));

  it("loads without errors and shows every type", async () => {
    expect(await tab.title()).toBe(`${ir.source.title} ${ir.source.version}: message catalogue`);
    expect(await visibleSections()).toHaveLength(ir.types.size);
    expect(await tab.textContent("#count")).toBe(`${ir.types.size} types`);
    expect(errors).toEqual([]);
  });

  it("searches by etype, name and field", async () => {
    await tab.fill("#search", "keypress");
    const found = await visibleSections();
    expect(found).toContain("KeyPressEvent");
    expect(found).not.toContain("KeyDownEvent");
    expect(await tab.$$eval("nav li", (li) => li.filter((x) => (x as HTMLElement).offsetParent !== null).map((x) => x.querySelector("a")!.textContent))).toEqual(found);
    await tab.fill("#search", "GRAB_RENDER response");
    expect(await visibleSections()).toContain("GrabRenderResponse");
    expect(await tab.textContent("#count")).toMatch(/^\d+ of \d+ types match$/);
    await tab.fill("#search", "");
    expect(await visibleSections()).toHaveLength(ir.types.size);
  });

  it("follows a link from a field's type to that type", async () => {
    await tab.fill("#search", "");
    await tab.click('#SetEvent td a[href="#Scene"]');
    expect(new URL(tab.url()).hash).toBe("#Scene");
    const top = await tab.$eval("#Scene", (s) => s.getBoundingClientRect().top);
    expect(Math.abs(top)).toBeLessThan(50);
  });

  it("shows example frames as annotated bytes beside the JSON form", async () => {
    const example = tab.locator('[id="example-events/event.set.e01"]');
    expect(await example.locator("pre.bytes").textContent()).toMatch(/^ 0 {2}83 +fixmap +3 entries\n/);
    expect(JSON.parse((await example.locator("pre.json").textContent())!)).toEqual({ ts: 1700000000000, etype: "SET", data: { tag: "Scene", key: "root", children: [] } });
    const [bytes, json] = await Promise.all([example.locator("pre.bytes").boundingBox(), example.locator("pre.json").boundingBox()]);
    expect(bytes!.x).toBeLessThan(json!.x);
    expect(errors).toEqual([]);
  });
});
