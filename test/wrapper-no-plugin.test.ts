/**
 * The typed form without the plugin (DESIGN §6; docs/typescript.md): code run by a tool that
 * only strips types still works — `.sync()` through the worker path, `.async()` and awaited
 * calls as promises — and a plain call used as a value in sync code fails with a clear error
 * instead of silently being a promise.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as babel from "@babel/core";
import presetTs from "@babel/preset-typescript";
import { expect, it } from "vitest";
import { execCase, listCases, ROOT, transformCase } from "./harness.js";

it("runs the typed form with types stripped and no smartasync plugin", () => {
  const src = join(ROOT, "test/wrapper-no-plugin/program.ts");
  const out = babel.transformSync(readFileSync(src, "utf8"), {
    filename: src,
    babelrc: false,
    configFile: false,
    presets: [presetTs],
  })!.code!;
  expect(out).toContain("smartasync(async");
  const dir = join(ROOT, ".tmp/wrapper-no-plugin");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "program.mjs"), out);
  const r = spawnSync(process.execPath, [join(dir, "program.mjs")], { encoding: "utf8", timeout: 60_000 });
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe(
    [
      "remote 2 21 14",
      "remote 1 remote 4 7",
      "smartasync: a call of a smartasync function returned a promise, and its .length was read as if it were the value. Either this file was not compiled with the smartasync plugin, or the plugin did not take this `smartasync(...)` as the typed form (only a `const` bound to the call is), so a plain call cannot know it is in sync code: put `await` before the call, or call `.sync(...)` on the function for the value.",
      "",
    ].join("\n"),
  );
  expect(r.status).toBe(0);
});

it("keeps the guard in compiled output for a caller that was not compiled (compiled is never less safe)", () => {
  // lib.ts compiled with the plugin (fixture typescript/typed-wrapper-guard); this program only
  // has its types stripped, as a tool without the plugin would run it.
  const c = listCases().find((k) => k.name === "typescript/typed-wrapper-guard")!;
  const program = [
    'import { loadUser, hash } from "./lib.js";',
    "try {",
    "  console.log(loadUser(1).name);",
    "} catch (e) {",
    "  console.log(e.name, e.message.includes('did not rewrite this call'));",
    "}",
    "console.log((await loadUser(2)).name, await loadUser(3).then((u) => u.name), hash('abc'));",
    "const p = loadUser.async(4);",
    "console.log(p instanceof Promise, (await p).name, loadUser.sync(5).name, loadUser.name);",
  ].join("\n");
  const lib = transformCase(c, 8, undefined, join(c.dir, "lib.ts"));
  expect(lib.code).toContain("_sa.typed(async");
  const r = execCase(c, program, 8);
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe(["TypeError true", "user 2 user 3 21", "true user 4 user 5 loadUser", ""].join("\n"));
  expect(r.status).toBe(0);
});

it("finds the function in the worker by its source text: a wrapper made on the main thread only shifts nothing", () => {
  // attack17 F16: the worker's copy of the module skips `dump` (made only when the module is the
  // main one), and the lookup by position ran `remove` for `load.sync(…)`. A function the worker's
  // copy does not make at all fails loudly there.
  const dir = join(ROOT, ".tmp/wrapper-no-plugin-main-only");
  mkdirSync(dir, { recursive: true });
  const program = [
    'const { smartasync } = require("smartasync/runtime");',
    'const dump = require.main === module ? smartasync(async (x) => "dump:" + x) : null;',
    'const load = smartasync(async (x) => { await null; return "load:" + x; });',
    'const remove = smartasync(async (x) => { await null; return "REMOVED " + x; });',
    'const same1 = smartasync(async (x) => { await null; return "same:" + x; });',
    'const same2 = smartasync(async (x) => { await null; return "same:" + x; });',
    "if (require.main === module) {",
    '  console.log(load.sync("config.json"), remove.sync("a"), same1.sync(1), same2.sync(2));',
    "  try {",
    '    dump.sync("x");',
    "  } catch (e) {",
    "    console.log(e.code);",
    "  }",
    "}",
  ].join("\n");
  writeFileSync(join(dir, "program.cjs"), program);
  const r = spawnSync(process.execPath, [join(dir, "program.cjs")], { encoding: "utf8", timeout: 60_000 });
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe("load:config.json REMOVED a same:1 same:2\nSMARTASYNC_NOT_REGISTERED\n");
  expect(r.status).toBe(0);
});
