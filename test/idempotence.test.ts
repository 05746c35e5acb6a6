/**
 * A second pass over smartasync's own output changes nothing (issue: reliability), checked on
 * every fixture whose output is ESM JavaScript — for the Babel plugin (`output.babel.js`) and
 * for `smartasync/swc` (`output.swc.js`).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as babel from "@babel/core";
import swc, { type Options as SwcOptions } from "@swc/core";
import { describe, expect, it } from "vitest";
import smartasync from "../src/babel-plugin/index.js";
import { parserFor } from "../src/swc-plugin/engine.js";
import { transformSync } from "../src/swc-plugin/index.js";
import { listCases } from "./harness.js";

// JavaScript inputs only: TypeScript output has lost the types (a `: Promise<T>` return type
// made a function async), so a second pass reads a different program.
const esmJs = listCases().filter((c) => !c.harness.commonjs && /\.m?js$/.test(c.input));
const cases = esmJs.filter((c) => existsSync(join(c.dir, "output.babel.js")));
const swcCases = esmJs.filter((c) => existsSync(join(c.dir, "output.swc.js")));

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

// SWC reprints what it reads (its own layout), so "changes nothing" means: smartasync/swc adds
// no edit of its own — the second pass gives exactly what plain @swc/core gives for the same
// text and options (no second variant, no second marker, no call rewritten again), and the
// Babel plugin reports the same for that text.
describe("idempotence over the fixtures through smartasync/swc", () => {
  it("has cases", () => expect(swcCases.length).toBeGreaterThan(100));
  for (const c of swcCases) {
    it(c.name, () => {
      const once = readFileSync(join(c.dir, "output.swc.js"), "utf8");
      const filename = join(c.dir, "again.mjs");
      const opts: SwcOptions = {
        filename,
        cwd: c.dir,
        swcrc: false,
        configFile: false,
        isModule: true,
        jsc: { parser: parserFor(filename), target: "esnext" },
      };
      const again = transformSync(once, { ...opts, smartasync: { root: c.dir, ...c.options } });
      expect(again.code).toBe(swc.transformSync(once, opts).code);
      // The Babel plugin reads the same already-compiled text the same way.
      const babelAgain = babel.transformSync(once, {
        filename,
        cwd: c.dir,
        babelrc: false,
        configFile: false,
        sourceType: "module",
        plugins: [[smartasync, c.options]],
      })!;
      expect(again.smartasync).toEqual((babelAgain.metadata as { smartasync?: unknown }).smartasync);
    });
  }
});
