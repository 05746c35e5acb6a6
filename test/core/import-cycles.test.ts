/**
 * No value-import cycle in src/ (issue 13: the analysis as a pipeline of passes, each importing
 * only the ones before it). A cycle makes the order modules evaluate in depend on which one is
 * imported first, and a pass that reaches back into a later one has no single home for its rule.
 * Type-only imports (`import type`, `import { type X }`) are erased by tsc and do not count.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSync, type types as t } from "@babel/core";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (/\.(c|m)?ts$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** The local modules a file imports or re-exports for their values. */
function valueImports(file: string): string[] {
  const ast = parseSync(readFileSync(file, "utf8"), {
    filename: file,
    configFile: false,
    babelrc: false,
    parserOpts: { plugins: ["typescript"] },
  }) as t.File;
  const out: string[] = [];
  for (const s of ast.program.body) {
    if (
      s.type !== "ImportDeclaration" &&
      s.type !== "ExportNamedDeclaration" &&
      s.type !== "ExportAllDeclaration"
    )
      continue;
    if (!s.source?.value.startsWith(".")) continue;
    if ((s as { importKind?: string; exportKind?: string }).importKind === "type") continue;
    if ((s as { exportKind?: string }).exportKind === "type") continue;
    const specs = (s as { specifiers?: { importKind?: string; exportKind?: string }[] }).specifiers ?? [];
    // `import { type A, type B } from "./x"` imports nothing at run time; `import "./x"` does.
    if (specs.length > 0 && specs.every((p) => p.importKind === "type" || p.exportKind === "type")) continue;
    out.push(resolve(dirname(file), s.source.value.replace(/\.(c|m)?js$/, ".$1ts")));
  }
  return out;
}

/** Strongly connected components with more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.map((p) => relative(SRC, p)).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("module structure", () => {
  it("finds a cycle when there is one (the check can fail)", () => {
    const g = new Map([
      [join(SRC, "a.ts"), [join(SRC, "b.ts")]],
      [join(SRC, "b.ts"), [join(SRC, "c.ts")]],
      [join(SRC, "c.ts"), [join(SRC, "a.ts")]],
      [join(SRC, "d.ts"), [join(SRC, "a.ts")]],
    ]);
    expect(cycles(g)).toEqual([["a.ts", "b.ts", "c.ts"]]);
  });

  it("src/ has no value-import cycle", () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(50);
    const graph = new Map(files.map((f) => [f, valueImports(f)]));
    // Every local import resolves to a file of src/ (else the check would miss edges).
    for (const [f, deps] of graph)
      for (const d of deps)
        expect(graph.has(d), `${relative(SRC, f)} imports ${relative(SRC, d)}`).toBe(true);
    expect(cycles(graph)).toEqual([]);
  });
});
