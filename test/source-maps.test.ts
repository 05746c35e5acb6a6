/**
 * Source maps survive smartasync: a position in the output of a rewritten call maps back to the
 * call as written, for both compilers (Babel: its own AST edits keep locations; SWC: our text
 * edits' map is chained as SWC's input source map).
 */
import * as babel from "@babel/core";
import presetTs from "@babel/preset-typescript";
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import MagicString from "magic-string";
import { describe, expect, it } from "vitest";
import smartasync from "../src/babel-plugin/index.js";
import { transformSync as swcTransform } from "../src/swc-plugin/index.js";

// Non-ASCII text before the call: SWC's spans are UTF-8 bytes, maps count UTF-16 columns.
const SOURCE = `const note: string = "café 🎉 日本";
// @smartasync
export async function load(id: number): Promise<number> {
  return id * 2;
}

export function main(): number {
  const label = "ünïcode 👩‍💻";
  const value: number = load(21);
  return value + label.length;
}
`;
const CALL = { line: 9, column: 24 }; // `load(21)`: 1-based line, 0-based column

/** The original position of the first occurrence of `needle` in `code`. */
function original(code: string, map: string | object, needle: string) {
  const at = code.indexOf(needle);
  expect(at, `${needle} is in the output`).toBeGreaterThan(-1);
  const before = code.slice(0, at).split("\n");
  const pos = { line: before.length, column: before[before.length - 1].length };
  return originalPositionFor(new TraceMap(map as string), pos);
}

describe("source maps point at the rewritten call as written", () => {
  it("Babel", () => {
    const r = babel.transformSync(SOURCE, {
      filename: "/virtual/app.ts",
      babelrc: false,
      configFile: false,
      sourceMaps: true,
      presets: [presetTs],
      plugins: [[smartasync, {}]],
    })!;
    expect(r.code).toContain("loadSync(21)");
    const pos = original(r.code!, r.map!, "loadSync(21)");
    expect({ line: pos.line, column: pos.column }).toEqual(CALL);
  });

  it("SWC", () => {
    const r = swcTransform(SOURCE, {
      filename: "/virtual/app.ts",
      swcrc: false,
      sourceMaps: true,
      jsc: { parser: { syntax: "typescript" }, target: "es2022" },
      smartasync: {},
    });
    expect(r.code).toContain("loadSync(21)");
    const pos = original(r.code, r.map!, "loadSync(21)");
    expect(pos.source).toContain("app.ts");
    expect({ line: pos.line, column: pos.column }).toEqual(CALL);
    // A line the edits did not touch still maps to itself.
    const label = original(r.code, r.map!, "label.length");
    expect({ line: label.line, column: label.column }).toEqual({ line: 10, column: 17 });
  });

  it("SWC composes the input's own map (inputSourceMap, or an inline sourceMappingURL)", () => {
    // The input itself was generated: two banner lines were added in front of SOURCE.
    const gen = new MagicString(SOURCE);
    gen.prepend("// generated\n// by a tool\n");
    const input = gen.toString();
    const inputMap = gen.generateMap({ source: "/virtual/app.ts", includeContent: true, hires: true });
    for (const [label, code, extra] of [
      ["inputSourceMap", input, { inputSourceMap: inputMap.toString() }],
      ["inline comment", `${input}//# sourceMappingURL=${inputMap.toUrl()}\n`, {}],
    ] as const) {
      const r = swcTransform(code, {
        filename: "/virtual/app.gen.ts",
        swcrc: false,
        sourceMaps: true,
        jsc: { parser: { syntax: "typescript" }, target: "es2022" },
        ...extra,
      });
      const pos = original(r.code, r.map!, "loadSync(21)");
      expect({ label, source: pos.source, line: pos.line, column: pos.column }).toEqual({
        label,
        source: "/virtual/app.ts",
        ...CALL,
      });
    }
  });
});
