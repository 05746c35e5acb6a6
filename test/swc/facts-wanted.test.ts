/**
 * `smartasync/swc` computes a file's facts (what it exports that is smartasync, for a manifest)
 * only for `transformWithFacts`: the other transform functions never return them, and skip them
 * (core/analysis/analyse.ts `AnalysisInput.facts`; docs/performance.md, "2026-12-07"). The facts
 * feed nothing else, so the code and report are the same either way; the fixtures check that too
 * (test/swc/fixtures-swc.test.ts without facts, test/swc/parity.test.ts with them, one golden report).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { transform, transformSync, transformWithFacts } from "../../src/swc-plugin/index.js";
import { ROOT } from "../harness.js";

describe("the file's facts, computed only when asked for", () => {
  const opts = {
    filename: join(ROOT, "facts-wanted-sample.js"),
    swcrc: false,
    isModule: true,
    jsc: { parser: { syntax: "ecmascript" as const }, target: "es2022" as const },
    smartasync: {},
  };
  const code = `// @smartasync\nexport async function load(n) {\n  return n * 2;\n}\nexport const table = [load];\nexport function run() {\n  return load(1);\n}\n`;
  it("transformWithFacts returns them; transform and transformSync give the same code and report", async () => {
    const withFacts = await transformWithFacts(code, opts);
    expect([...(withFacts.exports?.exports.keys() ?? [])]).toEqual(["load"]);
    expect(withFacts.exports?.picked?.has("table")).toBe(true);
    const sync = transformSync(code, opts);
    const async = await transform(code, opts);
    for (const out of [sync, async]) {
      expect(out.code).toBe(withFacts.output.code);
      expect(out.smartasync).toEqual(withFacts.output.smartasync);
    }
  });
});
