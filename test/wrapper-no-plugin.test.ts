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
import { ROOT } from "./harness.js";

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
      "smartasync: a call of a smartasync function returned a promise, and its .length was read as if it were the value. This file was not compiled with the smartasync plugin, so a plain call cannot know it is in sync code: put `await` before the call, or call `.sync(...)` on the function for the value.",
      "",
    ].join("\n"),
  );
  expect(r.status).toBe(0);
});
