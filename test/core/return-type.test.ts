/**
 * `declaredReturnKind` (analysis/return-type.ts): the one classifier of a declared TypeScript
 * return type — "promise", "value" (proven never thenable) or unknown, with why — that both the
 * colour of an annotated function and the value proof of a plain one (`declaresValue`) read
 * (attack 19, F3: two lists of the same globals disagreed). docs/typescript.md, "Return types".
 */
import { parseSync, type types as t } from "@babel/core";
import { describe, expect, it } from "vitest";
import { declaredReturnKind, declaresValue } from "../../src/core/analysis/return-type.js";
import type { Node } from "../../src/core/analysis/tree.js";

function lastFunction(code: string): { fn: Node; program: Node } {
  const file = parseSync(code, {
    babelrc: false,
    configFile: false,
    filename: "case.ts",
    sourceType: "module",
    parserOpts: { plugins: ["typescript"] },
  }) as t.File;
  const fns = file.program.body.filter((s) => s.type === "FunctionDeclaration");
  return { fn: fns[fns.length - 1] as unknown as Node, program: file.program as unknown as Node };
}

/** The kind as the table writes it: `promise`, `value`, or `unknown:<why>`. */
function kindOf(code: string): string | undefined {
  const { fn, program } = lastFunction(code);
  const k = declaredReturnKind(fn, program);
  return typeof k === "object" ? `unknown:${k.why}` : k;
}

const cases: [string, string | undefined][] = [
  ["function f() { return 1 }", undefined],
  // A promise, however it is spelled.
  ["function f(): Promise<number> { return p }", "promise"],
  ["function f(): globalThis.Promise<number> { return p }", "promise"],
  ["function f(): PromiseLike<number> { return p }", "promise"],
  ["function f(): number | Promise<number> { return p }", "promise"],
  ["function f(): Promise<string> & { tag?: string } { return p }", "promise"],
  ["type P<T> = Promise<T>;\nfunction f(): P<number> { return p }", "promise"],
  ["interface L<T> extends Promise<T> {}\nfunction f(): L<number> { return p }", "promise"],
  ["type Maybe<T> = T | null;\nfunction f(): Maybe<Promise<number>> { return p }", "promise"],
  ["function f(): Readonly<Promise<number>> { return p }", "promise"],
  ["function f(): NonNullable<Promise<number>> { return p }", "promise"],
  ["function f(): Partial<Promise<number>> { return p }", "promise"],
  ["function f(): Awaited<string> | PromiseLike<string> { return p }", "promise"],
  // Proven never thenable.
  ["function f(): number { return 1 }", "value"],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source, a template literal type
  ["function f(): 'a' | `t-${string}` { return 'a' }", "value"],
  ["function f(): readonly string[] { return [] }", "value"],
  ["function f(): [string, number] { return x }", "value"],
  ["function f(): () => void { return g }", "value"],
  ["function f(x: unknown): x is string { return true }", "value"],
  ["function f(): Map<string, Promise<number>> { return m }", "value"],
  ["function f(): Uint8Array { return b }", "value"],
  ["function f(): Awaited<Promise<number>> { return 1 }", "value"],
  ["function f(): globalThis.Date { return d }", "value"],
  ["interface User { name: string }\nfunction f(): User { return u }", "value"],
  ["interface User { name: string }\nfunction f(): Readonly<User> { return u }", "value"],
  ["interface User { name: string }\nfunction f(): NonNullable<User | null> { return u }", "value"],
  ["enum Color { Red }\nfunction f(): Color { return c }", "value"],
  ["class Point { x = 0 }\nfunction f(): Point { return p }", "value"],
  // Unknown, with why.
  ["import type { Later } from './types.js';\nfunction f(): Later<number> { return p }", "unknown:imported"],
  ["import { Map } from 'immutable';\nfunction f(): Map<string, number> { return m }", "unknown:imported"],
  ["function f<T extends Promise<number>>(): T { return p }", "unknown:parameter"],
  ["interface T { then(f: () => void): void }\nfunction f(): T { return t }", "unknown:thenable"],
  ["function f(): { then: Promise<string>['then'] } { return t }", "unknown:thenable"],
  ["function f(): object { return o }", "unknown:open"],
  ["function f(): {} { return o }", "unknown:open"],
  ["function f(): Object { return o }", "unknown:open"],
  ["function f(): any { return o }", "unknown:open"],
  ["function f(): unknown { return o }", "unknown:open"],
  ["function f(): { catch?(): void } { return o }", "unknown:open"],
  ["interface Empty {}\nfunction f(): Empty { return o }", "unknown:open"],
  ["interface User { name: string }\nfunction f(): Partial<User> { return u }", "unknown:open"],
  ["const base = Promise.resolve(1);\nfunction f(): typeof base { return base }", "unknown:computed"],
  ["function f(): ReturnType<typeof g> { return g() }", "unknown:computed"],
  ["function f(): InstanceType<typeof Promise<string>> { return p }", "unknown:computed"],
  ["function f(): Parameters<(p: Promise<string>) => void>[0] { return p }", "unknown:computed"],
  ["function f(): Record<string, string> { return r }", "unknown:unlisted"],
  ["function f(): NodeJS.Timeout { return t }", "unknown:unlisted"],
  ["function f(): Response { return r }", "unknown:unlisted"],
  // A union is a value only when every member is; an unknown member leaves it unknown.
  [
    "import type { Later } from './types.js';\nfunction f(): string | Later<number> { return p }",
    "unknown:imported",
  ],
];

describe("declaredReturnKind", () => {
  it.each(cases)("%s → %s", (code, expected) => {
    expect(kindOf(code)).toBe(expected);
  });
});

describe("declaresValue reads the same classifier", () => {
  // The value proof is the classifier's "value", nothing else: a type that says "promise" or
  // leaves it unknown proves nothing (checked here on the rows that once disagreed).
  it.each(cases)("%s", (code, expected) => {
    const { fn, program } = lastFunction(code);
    expect(declaresValue(fn, program)).toBe(expected === "value");
  });
});
