/**
 * A module's facts have one rule (src/core/analysis/facts.ts `moduleFactsOf`): what its own
 * compile gives — what `smartasync build` writes into a package's manifest, read by importers of
 * the built package — is what the graph reads of it for an importer of its source. Checked on
 * every module a fixture imports, compiled as a file of its own with the fixture's options.
 * (Before the rule had one home, 14 of them differed: live bindings reassigned, `module` used as
 * a value, a CommonJS name written twice, `export *` shadowed by a plain export, a variant name
 * the module declares itself, strategies of imported functions exported again, namespaces.)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { moduleGraphFor } from "../../src/babel-plugin/index.js";
import { nothingToDo } from "../../src/compile/fast-path.js";
import { EMPTY_FACTS, type FactsJson, factsToJson, type ModuleFacts } from "../../src/core/module-facts.js";
import { validateOptions } from "../../src/core/options.js";
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

/**
 * Known, not yet fixed (attack28 F05's fixture): a module that only re-exports through an
 * `export *` cycle (`a.js` → `b.js` → `c.js` → `a.js`), compiled itself first, is then read by
 * the graph without its functions' strategies (`syncStrategy`, `params`): the calls importers
 * make are rewritten the same, their report may name no strategy. Compiled from an importer,
 * the graph reads it whole.
 */
const KNOWN = new Set(["modules/export-star-cycle"]);

const cases = listCases().filter((c) => companions(c.dir).length > 0 && !KNOWN.has(c.name));

describe("a module's own facts are the facts importers read of it", () => {
  it("finds fixtures with imported modules", () => {
    expect(cases.length).toBeGreaterThan(40);
  });
  for (const c of cases) {
    it(c.name, () => {
      for (const file of companions(c.dir)) {
        const compiled = transformCase(c, 8, undefined, file);
        // Decorators and JSX in a `.js`, which a project enables in its own compiler settings and the fixture
        // harness's Babel does not: the graph reads such a module all the same (core/syntax.ts
        // `lenientSyntaxOf`, fixture modules/imported-jsx-decorators, whose report shows it).
        if (compiled.error !== undefined && /decorators|'jsx'/.test(compiled.error)) continue;
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

/**
 * A plain function or class a module exports whose call blocks on a worker is part of the facts
 * (`blocking`, attack20 F7), the same in the compile and the graph (the loop above compares them),
 * and only those that block get an entry: a module whose plain exports block on nothing keeps the
 * empty facts, so the fast path still skips its importers.
 */
describe("the facts carry the plain exports that block on a worker, and only those", () => {
  const c = listCases().find((k) => k.name === "worker/imported-plain-blocks");
  it("the fixture exists", () => expect(c).toBeDefined());
  it("helpers.js: the blocking ones, under the compile and the graph; deeper.js through its import; barrel.js by its new name", () => {
    const graphOf = (file: string) => {
      const compiled = transformCase(c!, 8, undefined, join(c!.dir, file)).exports ?? EMPTY_FACTS;
      const read = moduleGraphFor(8, c!.options)!.factsOf(join(c!.dir, file));
      expect(comparable(compiled), file).toEqual(comparable(read));
      return read;
    };
    const helpers = graphOf("helpers.js");
    expect([...(helpers.blocking ?? new Map()).keys()].sort()).toEqual(["Thing", "plainText"]);
    expect(helpers.blocking?.get("Thing")).toEqual({ name: "Thing", class: true, from: "helpers.js" });
    expect(helpers.exports.size).toBe(0);
    expect(graphOf("deeper.js").blocking?.get("outerText")).toEqual({ name: "outerText", from: "deeper.js" });
    expect(graphOf("barrel.js").blocking?.get("viaBarrel")).toEqual({
      name: "plainText",
      from: "helpers.js",
    });
  });
  it("a module whose plain exports block on nothing has the empty facts", () => {
    const dir = mkdtempSync(join(tmpdir(), "sa-blocking-"));
    try {
      writeFileSync(
        join(dir, "remote.js"),
        "// @smartasync\nexport async function remote(n) {\n  return n;\n}\n",
      );
      writeFileSync(
        join(dir, "calm.js"),
        'import { remote } from "./remote.js";\nexport function calm(n) {\n  return n + 1;\n}\nexport function later(n) {\n  return remote(n);\n}\n',
      );
      writeFileSync(join(dir, "input.js"), 'import { calm } from "./calm.js";\nconsole.log(calm(1));\n');
      const k = { ...c!, name: "blocking-none", dir, input: join(dir, "input.js") };
      transformCase(k, 8);
      const read = moduleGraphFor(8, k.options)!.factsOf(join(dir, "calm.js"));
      // `later` hands on remote's promise (an inline variant: no worker): nothing blocks.
      expect(factsToJson(read)).toEqual(factsToJson(EMPTY_FACTS));
      // So the fast path skips its importer, and does not skip an importer of a blocking one.
      const options = validateOptions(k.options);
      const graph = moduleGraphFor(8, k.options)!;
      const code = readFileSync(k.input, "utf8");
      expect(nothingToDo(code, k.input, options, graph)).toBe(true);
      const blocking = 'import { plainText } from "./helpers.js";\nconsole.log(plainText(1));\n';
      expect(nothingToDo(blocking, join(c!.dir, "input.js"), options, graph)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
