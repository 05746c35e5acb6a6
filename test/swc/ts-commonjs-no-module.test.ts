/**
 * A TypeScript file of a CommonJS package compiled by `smartasync/swc` with no `.swcrc` (no module
 * transform): SWC emits `export = x` as `module.exports = x` and `import x = require("m")` as a
 * `require`, so the runtime must come in by `require` too — an `import` beside `module.exports`
 * fails at load (attack17 F10). Babel refuses `export =` without its CommonJS transform, so this
 * is SWC's alone and not a shared fixture. Real `@swc/core`, the output run by a real Node.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as sa from "../../src/swc-plugin/index.js";
import { buildOnce } from "../harness.js";

const ROOT = join(import.meta.dirname, "../..");
const DIR = join(ROOT, ".tmp", "swc-ts-commonjs-no-module");

const LIB = `// @smartasync
async function load(x: number): Promise<string> {
  await null;
  return "load:" + x;
}
namespace load {
  export const version = 2;
}
export = { load };
`;
// Calls through \`import x = require()\`: followed (\`lib.loadSync(1)\`).
const MAIN = `import lib = require("./lib");
function main(): void {
  console.log(lib.load(1), lib.load.version);
}
main();
`;

beforeAll(() => {
  buildOnce();
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(join(DIR, "src"), { recursive: true });
  mkdirSync(join(DIR, "out", "node_modules"), { recursive: true });
  writeFileSync(join(DIR, "src", "lib.ts"), LIB);
  writeFileSync(join(DIR, "src", "main.ts"), MAIN);
  writeFileSync(join(DIR, "package.json"), JSON.stringify({ type: "commonjs" }));
  symlinkSync(ROOT, join(DIR, "out", "node_modules", "smartasync"), "dir");
}, 120_000);
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

it("`export =` alone: the runtime is required, the program loads and prints the values", () => {
  for (const name of ["lib", "main"]) {
    const out = sa.transformFileSync(join(DIR, "src", `${name}.ts`), { cwd: DIR });
    writeFileSync(join(DIR, "out", `${name}.js`), out.code);
    if (name === "lib") {
      expect(out.code).toMatch(/require\("smartasync\/runtime"\)/);
      expect(out.code).not.toMatch(/^import /m);
    }
  }
  const r = spawnSync(process.execPath, [join(DIR, "out", "main.js")], {
    cwd: DIR,
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe("load:1 2\n");
});
