/**
 * `declaresValue` (analysis/return-type.ts): a declared return type is the author's word that a
 * plain function's callers get a value only where the rule that decides a promise type takes it
 * as never a promise, and it says something (`any`/`unknown` do not). docs/semantics.md, "A call's
 * promise returned by a plain function"; fixture contexts/handed-on-declared-type.
 */
import { parseSync, type types as t } from "@babel/core";
import { describe, expect, it } from "vitest";
import { declaresValue } from "../../src/core/analysis/return-type.js";
import type { Node } from "../../src/core/analysis/tree.js";

function firstFunction(code: string): { fn: Node; program: Node } {
  const file = parseSync(code, {
    babelrc: false,
    configFile: false,
    filename: "case.ts",
    sourceType: "module",
    parserOpts: { plugins: ["typescript"] },
  }) as t.File;
  const program = file.program as unknown as Node;
  const st = file.program.body.find((s) => s.type === "FunctionDeclaration") as t.FunctionDeclaration;
  return { fn: st as unknown as Node, program };
}

const cases: [string, boolean][] = [
  ["function f(): number { return 1 }", true],
  ["interface User { name: string }\nfunction f(): User { return u }", true],
  // A name the file does not declare (imported, global) is not proven never to be a promise.
  ["function f(): User { return u }", false],
  ["function f(): string[] { return [] }", true],
  ["function f(): any { return 1 }", false],
  ["function f(): unknown { return 1 }", false],
  ["function f(): (any) { return 1 }", false],
  ["function f() { return 1 }", false],
  ["function f(): Promise<number> { return p }", false],
  ["function f(): number | Promise<number> { return p }", false],
  ["type Later<T> = Promise<T>;\nfunction f(): Later<number> { return p }", false],
  ["function f(): Awaitable<number> { return p }", false],
  ["function f(): ReturnType<typeof g> { return g() }", false],
];

describe("declaresValue", () => {
  it.each(cases)("%s → %s", (code, expected) => {
    const { fn, program } = firstFunction(code);
    expect(declaresValue(fn, program)).toBe(expected);
  });
});
