/**
 * A module's facts have one rule (src/core/analysis/facts.ts `moduleFactsOf`): what its own
 * compile gives — what `smartasync build` writes into a package's manifest, read by importers of
 * the built package — is what the graph reads of it for an importer of its source. Checked on
 * every module a fixture imports, compiled as a file of its own with the fixture's options.
 * (Before the rule had one home, 14 of them differed: live bindings reassigned, `module` used as
 * a value, a CommonJS name written twice, `export *` shadowed by a plain export, a variant name
 * the module declares itself, strategies of imported functions exported again, namespaces.)
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { moduleGraphFor } from "../../src/babel-plugin/index.js";
import { EMPTY_FACTS, type FactsJson, factsToJson, type ModuleFacts } from "../../src/core/module-facts.js";
import { listCases, transformCase } from "../harness.js";

/** The modules a fixture's input imports: its source files but the input, outputs and packages. */
function companions(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    if (e === "node_modules" || e.startsWith("output") || /^input\./.test(e)) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...companions(p));
    else if (/\.[mc]?[jt]sx?$/.test(e) && !e.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** The facts as JSON, order kept (the first export names a module in messages), problems aside. */
function comparable(f: ModuleFacts): Omit<FactsJson, "p" | "ps"> {
  // Why a name cannot be followed is kept by the graph only: a manifest has no problems.
  const { p: _p, ps: _ps, ...rest } = factsToJson(f);
  return rest;
}

const cases = listCases().filter((c) => companions(c.dir).length > 0);

describe("a module's own facts are the facts importers read of it", () => {
  it("finds fixtures with imported modules", () => {
    expect(cases.length).toBeGreaterThan(40);
  });
  for (const c of cases) {
    it(c.name, () => {
      for (const file of companions(c.dir)) {
        const compiled = transformCase(c, 8, undefined, file);
        const graph = moduleGraphFor(8, c.options);
        expect(graph, "the compile made the options' graph").toBeDefined();
        const read = graph!.factsOf(file);
        if (compiled.error !== undefined) {
          // A module that does not compile is a problem for its importers, never facts.
          expect(read.problem, file).toBeDefined();
          continue;
        }
        expect(comparable(compiled.exports ?? EMPTY_FACTS), file).toEqual(comparable(read));
      }
    });
  }
});

/**
 * What a function does with its parameters (analysis/param-uses.ts) is part of the facts: the
 * comparison above holds it for every fixture, and this says it is there to compare — an
 * importer's SA109 (fixture diagnostics/sa109-imported-callee) reads it through the graph, a
 * built package's importers through the manifest the compile writes.
 */
describe("the facts carry what each function does with its parameters", () => {
  it("the same in the compile and in the graph, located in the callee's module", () => {
    const c = listCases().find((k) => k.name === "diagnostics/sa109-imported-callee");
    expect(c, "the fixture exists").toBeDefined();
    const file = join(c!.dir, "lib.js");
    const compiled = transformCase(c!, 8, undefined, file).exports?.exports.get("withTimeout");
    const read = moduleGraphFor(8, c!.options)!.factsOf(file).exports.get("withTimeout");
    expect(compiled?.params).toEqual(read?.params);
    expect(read?.params?.[0]).toEqual({
      use: "promise",
      what: "`Promise.race([p, timeout])`",
      at: "lib.js:8:18",
    });
    // `ms` is read as a value (in the timer's callback): what a value there is.
    expect(read?.params?.[1]?.use).toBe("awaited");
  });
});
