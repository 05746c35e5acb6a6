/**
 * What a function another module of the project exports does to its arguments (r13a): the module
 * graph reads that export's body only where an argument of a function the importer offloads
 * reaches its call (module-graph.ts `exportWrites`), by the rule for a function of the importer's
 * own module (arg-escape.ts), through the spellings an export takes: a `const` second name, a
 * `const` object's method, a class's static and constructor, a default export, a barrel.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parserFor } from "../../src/compile/parser.js";
import type { ExportWrites } from "../../src/core/analysis/export-writes.js";
import { ModuleGraph } from "../../src/core/analysis/module-graph.js";
import { factsToJson } from "../../src/core/module-facts.js";
import { validateOptions } from "../../src/core/options.js";
import { parseToBabelShape } from "../../src/swc-plugin/lower.js";

const dir = mkdtempSync(join(tmpdir(), "sa-export-writes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, "util.js"),
  [
    "export function stamp(t, n) {\n  t.done = n;\n}",
    "export function read(t) {\n  return t.id;\n}",
    "export const alias = stamp;",
    "export const ops = {\n  mark(t) {\n    stamp(t, 1);\n  },\n};",
    "export class Util {\n  static mark(t) {\n    t.done = 2;\n  }\n}",
    "export class Entry {\n  constructor(t) {\n    this.id = t.id;\n  }\n}",
    "export let later = (t) => t;",
    "export default function all(...ts) {\n  ts[1].done = 3;\n}",
    "later = (t) => {\n  t.done = 4;\n};",
  ].join("\n"),
);
writeFileSync(
  join(dir, "barrel.js"),
  'export { stamp as renamed } from "./util.js";\nexport * from "./util.js";\n',
);
writeFileSync(join(dir, "unrelated.js"), "export function other(t) {\n  t.x = 1;\n}\n");

/** A graph that notes the base name of every module it parses. */
function graph(parsed: string[]): ModuleGraph {
  return new ModuleGraph(
    (source, path) => {
      parsed.push(basename(path));
      const file = parseToBabelShape(source, { parser: parserFor(path), isModule: "unknown" });
      return { program: file.program, comments: file.comments ?? [] };
    },
    validateOptions({}),
    () => dir,
  );
}

/** An answer as the indices written and where, or why not proven. */
function shown(w: ExportWrites): string | [number, string][] {
  return typeof w === "string" ? w : [...w.writes].map(([i, x]) => [i, `${x.text} at ${x.loc}`]);
}

describe("an imported function's writes to its arguments", () => {
  it("reads each spelling by the rule for a function of the module, one parse a module", () => {
    const parsed: string[] = [];
    const g = graph(parsed);
    const from = join(dir, "importer.js");
    const ask = (spec: string, path: string[], construct = false) =>
      shown(g.exportWrites(spec, from, path, construct));
    expect(ask("./util.js", ["stamp"])).toEqual([[0, "t.done = n at util.js:2:3"]]);
    expect(ask("./util.js", ["read"])).toEqual([]);
    expect(ask("./util.js", ["alias"])).toEqual([[0, "t.done = n at util.js:2:3"]]);
    expect(ask("./util.js", ["ops", "mark"])).toEqual([[0, "t.done = n at util.js:2:3"]]);
    expect(ask("./util.js", ["Util", "mark"])).toEqual([[0, "t.done = 2 at util.js:15:5"]]);
    expect(ask("./util.js", ["Entry"], true)).toEqual([]);
    expect(ask("./util.js", ["default"])).toEqual([[0, "ts[1].done = 3 at util.js:25:3"]]);
    expect(ask("./barrel.js", ["renamed"])).toEqual([[0, "t.done = n at util.js:2:3"]]);
    expect(ask("./barrel.js", ["Util", "mark"])).toEqual([[0, "t.done = 2 at util.js:15:5"]]);
    // Not proven: a `let`, a name not exported, a package, a module that cannot be found.
    expect(ask("./util.js", ["later"])).toBe("a name the module assigns again");
    expect(ask("./util.js", ["missing"])).toBe("`./util.js` does not export it");
    expect(ask("./nowhere.js", ["stamp"])).toBe("`./nowhere.js` cannot be found");
    expect(parsed.sort()).toEqual(["barrel.js", "util.js"]);
  });

  it("reads a CommonJS module's exports (`module.exports = { … }`, `exports.f = …`)", () => {
    writeFileSync(
      join(dir, "lib.cjs"),
      "function touch(t) {\n  t.x = 1;\n}\nfunction look(t) {\n  return t.x;\n}\nmodule.exports = { touch, look };\nexports.put = function (t) {\n  t.y = 2;\n};\n",
    );
    const g = graph([]);
    const from = join(dir, "importer.js");
    const ask = (path: string[]) => shown(g.exportWrites("./lib.cjs", from, path));
    expect(ask(["touch"])).toEqual([[0, "t.x = 1 at lib.cjs:2:3"]]);
    expect(ask(["default", "touch"])).toEqual([[0, "t.x = 1 at lib.cjs:2:3"]]);
    expect(ask(["look"])).toEqual([]);
    expect(ask(["put"])).toEqual([[0, "t.y = 2 at lib.cjs:9:3"]]);
  });

  it("is read only where an argument of an offloaded function reaches the call", () => {
    const write = (file: string, body: string) =>
      writeFileSync(
        join(dir, file),
        `import { stamp } from "./util.js";\nimport { other } from "./unrelated.js";\n// @smartasync\nexport function save(todos) {\n${body}\n}\n`,
      );
    write("reaches.js", "  stamp(todos[0], true);\n  return 1;");
    write("apart.js", "  other({});\n  return todos.length;");
    const strategy = (g: ModuleGraph, file: string) =>
      factsToJson(g.factsOf(join(dir, file))).e.map(([name, f]) => [name, f.asyncStrategy]);
    const reached: string[] = [];
    expect(strategy(graph(reached), "reaches.js")).toEqual([["save", "same-thread"]]);
    expect(reached).toEqual(["reaches.js", "util.js"]);
    const apart: string[] = [];
    expect(strategy(graph(apart), "apart.js")).toEqual([["save", "offload"]]);
    expect(apart).toEqual(["apart.js"]);
  });

  it("facts computed from an answer are computed again when the export's body changes", async () => {
    writeFileSync(join(dir, "lib.js"), "export function touch(t) {\n  t.seen = true;\n}\n");
    writeFileSync(
      join(dir, "user.js"),
      'import { touch } from "./lib.js";\n// @smartasync\nexport function visit(t) {\n  touch(t);\n  return 1;\n}\n',
    );
    const g = graph([]);
    const strategy = () => factsToJson(g.factsOf(join(dir, "user.js"))).e.map(([, f]) => f.asyncStrategy);
    expect(strategy()).toEqual(["same-thread"]);
    // The module graph keeps facts for a watch session: the next run reads `lib.js` again.
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(join(dir, "lib.js"), "export function touch(t) {\n  return t.seen;\n}\n");
    expect(strategy()).toEqual(["offload"]);
  });
});
