/**
 * A plain script compiled by `smartasync/swc` with `isModule: false` in a `"type": "module"`
 * package (attack31 F04): the edited text began with `import * as _sa from "smartasync/runtime"`,
 * which SWC refuses in a script, and the user got SA901 "internal error". Now a script whose
 * output is CommonJS (`module.type: "commonjs"`, or `isModule: "commonjs"`) takes the runtime by
 * `require` and runs; one whose output stays an ES module can take it by neither, and is refused
 * with a located SA110 naming the option. SWC's option alone, so not a shared fixture. Real
 * `@swc/core`, the output run by a real Node.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import swc from "@swc/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as sa from "../../src/swc-plugin/index.js";

const ROOT = join(import.meta.dirname, "../..");
const DIR = join(ROOT, ".tmp", "swc-script-in-module-package");

const SCRIPT = `"use strict";
// @smartasync
async function load(x) {
  await null;
  return "load:" + x;
}
function main() {
  console.log(load(1));
}
main();
`;
const FILE = join(DIR, "src", "script.js");
const base = { filename: FILE, cwd: DIR, jsc: { target: "esnext" as const } };

beforeAll(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(join(DIR, "src"), { recursive: true });
  mkdirSync(join(DIR, "node_modules"), { recursive: true });
  writeFileSync(FILE, SCRIPT);
  writeFileSync(join(DIR, "package.json"), JSON.stringify({ type: "module" }));
  symlinkSync(ROOT, join(DIR, "node_modules", "smartasync"), "dir");
});
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

it('CommonJS output (`module.type: "commonjs"`, or `isModule: "commonjs"`): the runtime is required, the program runs', async () => {
  for (const [label, opts] of [
    ["module.type", { isModule: false, module: { type: "commonjs" as const } }],
    ["isModule commonjs", { isModule: "commonjs" as const }],
  ] as const) {
    // Plain SWC compiles the file with these options: so must smartasync.
    expect(swc.transformSync(SCRIPT, { ...base, ...opts }).code, label).toContain("function main()");
    const out = sa.transformSync(SCRIPT, { ...base, ...opts });
    expect((await sa.transform(SCRIPT, { ...base, ...opts })).code, label).toBe(out.code);
    expect(out.code, label).toContain('const _sa = require("smartasync/runtime");');
    expect(out.code, label).not.toMatch(/^import /m);
    expect(
      out.smartasync.functions.map((f) => f.name),
      label,
    ).toEqual(["load"]);
    // `.cjs`: the package says ES module, the output is CommonJS, as the options asked.
    const built = join(DIR, "src", "script.out.cjs");
    writeFileSync(built, out.code);
    const r = spawnSync(process.execPath, [built], { cwd: DIR, encoding: "utf8", timeout: 60_000 });
    expect(r.stderr, label).toBe("");
    expect(r.stdout, label).toBe("load:1\n");
  }
});

it("ES module output (`isModule: false` alone): SA110 at the annotated function, naming the option", async () => {
  const opts = { ...base, isModule: false };
  expect(swc.transformSync(SCRIPT, opts).code).toContain("function main()");
  for (const run of [() => sa.transformSync(SCRIPT, opts), () => sa.transform(SCRIPT, opts)]) {
    let error: (Error & { code?: string }) | undefined;
    try {
      await run();
    } catch (e) {
      error = e as Error & { code?: string };
    }
    expect(error?.code).toBe("SA110");
    expect(error?.message).toContain("SA110: the file is compiled as a script (`isModule: false`)");
    expect(error?.message).toContain("(src/script.js:3:1)");
    expect(error?.message).toContain('`module: { type: "commonjs" }`');
  }
  // Nothing for smartasync to do: the file goes to SWC untouched, as before.
  const plain = "function main() {\n  console.log(1);\n}\nmain();\n";
  expect(sa.transformSync(plain, opts).code).toBe(swc.transformSync(plain, opts).code);
  // The file itself is unchanged on disk.
  expect(readFileSync(FILE, "utf8")).toBe(SCRIPT);
});
