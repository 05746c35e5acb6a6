/**
 * A second pass over smartasync's own output changes nothing (issue: reliability), checked on
 * every fixture whose output is ESM JavaScript.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as babel from "@babel/core";
import { describe, expect, it } from "vitest";
import smartasync from "../src/babel-plugin/index.js";
import { listCases } from "./harness.js";

// JavaScript inputs only: TypeScript output has lost the types (a `: Promise<T>` return type
// made a function async), so a second pass reads a different program.
const cases = listCases().filter(
  (c) => existsSync(join(c.dir, "output.babel.js")) && !c.harness.commonjs && /\.m?js$/.test(c.input),
);

describe("idempotence over the fixtures", () => {
  it("has cases", () => expect(cases.length).toBeGreaterThan(100));
  for (const c of cases) {
    it(c.name, () => {
      const once = readFileSync(join(c.dir, "output.babel.js"), "utf8");
      const filename = join(c.dir, "again.mjs");
      const r = babel.transformSync(once, {
        filename,
        cwd: c.dir,
        babelrc: false,
        configFile: false,
        sourceType: "module",
        plugins: [[smartasync, c.options]],
      })!;
      expect(`${r.code}\n`).toBe(once);
    });
  }
});
