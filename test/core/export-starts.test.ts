/**
 * An imported plain helper that starts async work (attack20 F1, the imported cases): the module
 * graph reads another module's export only where an inline copy calls it before an `await` it
 * drops (module-graph.ts `exportStarts`), and then only what that export reaches (lazy.ts
 * `closingForExport`), by the rule for a helper of the importer's own module.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parserFor } from "../../src/compile/parser.js";
import { closingForExport } from "../../src/core/analysis/lazy.js";
import { ModuleGraph } from "../../src/core/analysis/module-graph.js";
import { factsToJson } from "../../src/core/module-facts.js";
import { validateOptions } from "../../src/core/options.js";
import { parseToBabelShape } from "../../src/swc-plugin/lower.js";

const dir = mkdtempSync(join(tmpdir(), "sa-export-starts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HELPERS = [
  "async function audit(m) {\n  await null;\n  return m;\n}",
  "export function notify(m) {\n  audit(m);\n}",
  "function later(m) {\n  queueMicrotask(() => m);\n}",
  "const relayed = (m) => {\n  later(m);\n};",
  "export { relayed as relay };",
  "export default class Job {\n  constructor(m) {\n    this.done = audit(m);\n  }\n}",
  "export function tidy(m) {\n  return String(m).trim();\n}",
  "export function unrelated(xs) {\n  return xs.map((x) => x * 2);\n}",
].join("\n");
writeFileSync(join(dir, "helpers.js"), HELPERS);

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

describe("an imported helper's body, read where a call asks", () => {
  it("answers by the same rule as a helper of the importer's module, one parse for every export", () => {
    const parsed: string[] = [];
    const g = graph(parsed);
    const from = join(dir, "importer.js");
    const asked = ["notify", "relay", "default", "tidy", "unrelated", "missing"].map((name) => [
      name,
      g.exportStarts("./helpers.js", from, name),
    ]);
    expect(asked).toEqual([
      ["notify", true],
      ["relay", true],
      ["default", true],
      ["tidy", false],
      ["unrelated", false],
      ["missing", false],
    ]);
    expect(parsed).toEqual(["helpers.js"]);
    // A package's module, or one that cannot be found, is not read.
    expect(g.exportStarts("./nowhere.js", from, "notify")).toBe(false);
    expect(parsed).toEqual(["helpers.js"]);
  });

  it("keeps open only the declarations the export reaches by name", () => {
    const program = parseToBabelShape(HELPERS, {
      parser: parserFor("helpers.js"),
      isModule: "unknown",
    }).program;
    const opened = (name: string) => {
      const c = closingForExport(program, HELPERS, name);
      return [[...c.words].sort(), c.forced.map(([s, e]) => HELPERS.slice(s, e).split("\n")[0])];
    };
    expect(opened("notify")).toEqual([
      ["audit", "notify"],
      ["function notify(m) {", "async function audit(m) {"],
    ]);
    expect(opened("relay")).toEqual([
      ["later", "relay", "relayed"],
      ["relayed = (m) => {", "function later(m) {"],
    ]);
    expect(opened("tidy")).toEqual([["tidy"], ["function tidy(m) {"]]);
  });

  it("is not asked for a call after the last await, whose work runs after the function anyway", () => {
    const write = (file: string, body: string) =>
      writeFileSync(
        join(dir, file),
        `import { notify } from "./helpers.js";\n// @smartasync\nexport async function send(m) {\n${body}\n  return m;\n}\n`,
      );
    write("after.js", "  await null;\n  notify(m);");
    write("before.js", "  notify(m);\n  await null;");
    const strategy = (g: ModuleGraph, file: string) =>
      factsToJson(g.factsOf(join(dir, file))).e.map(([name, f]) => [name, f.syncStrategy]);
    const afterParsed: string[] = [];
    expect(strategy(graph(afterParsed), "after.js")).toEqual([["send", "inline"]]);
    expect(afterParsed).toEqual(["after.js"]);
    const beforeParsed: string[] = [];
    expect(strategy(graph(beforeParsed), "before.js")).toEqual([["send", "worker"]]);
    expect(beforeParsed).toEqual(["before.js", "helpers.js"]);
  });
});
