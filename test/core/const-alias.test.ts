/**
 * `constAliasOf` (analysis/view.ts): the one reading of `const x = y` second names, shared by the
 * rules that follow a name to what it names (calls.ts, arg-escape.ts, export-writes.ts,
 * twin-callee.ts). It follows `const` names through parentheses, type wrappers and commas, ends
 * at the first binding that is not such a `const` (a declaration, a `let`, a parameter, an import)
 * or at the `const` naming a global, and never reads a binding's writes.
 */
import { parseSync, type types as t } from "@babel/core";
import { describe, expect, it } from "vitest";
import { Scopes } from "../../src/core/analysis/scope.js";
import { type Node, Tree } from "../../src/core/analysis/tree.js";
import { constAliasOf, MAX_CONST_ALIASES } from "../../src/core/analysis/view.js";

/** The name (and kind) the binding of `name` at the top level ends at. */
function endOf(code: string, name: string): string {
  const file = parseSync(code, {
    babelrc: false,
    configFile: false,
    filename: "case.ts",
    sourceType: "module",
    parserOpts: { plugins: ["typescript"] },
  }) as t.File;
  const scopes = new Scopes(new Tree(file.program));
  const b = scopes.binding(file.program as unknown as Node, name);
  if (!b) throw new Error(`no binding ${name}`);
  const end = constAliasOf(scopes, b);
  return `${end.name}:${end.kind}`;
}

describe("constAliasOf", () => {
  it("follows `const` second names to what they name", () => {
    expect(endOf("function mark(t) {}\nconst a = mark;\nconst b = a;", "b")).toBe("mark:hoisted");
    // Parentheses, type wrappers and commas: the value is the last expression's.
    expect(endOf("function mark(t) {}\nconst a = (0, mark);", "a")).toBe("mark:hoisted");
    expect(endOf("function mark(t) {}\nconst a = (mark as typeof mark)!;", "a")).toBe("mark:hoisted");
    expect(endOf('import { stamp } from "./u.js";\nconst a = stamp;', "a")).toBe("stamp:module");
    expect(endOf("let f = () => 1;\nconst a = f;", "a")).toBe("f:let");
  });

  it("stops where the value is not a second name", () => {
    // A global: the `const` naming it; a member, a call, a pattern: the `const` itself.
    expect(endOf("const say = console;", "say")).toBe("say:const");
    expect(endOf("const ops = { m() {} };\nconst m = ops.m;", "m")).toBe("m:const");
    expect(endOf("function mk() {}\nconst m = mk();", "m")).toBe("m:const");
    expect(endOf("const o = { f() {} };\nconst { f } = o;", "f")).toBe("f:const");
    // A `let` second name is not followed: its value may change.
    expect(endOf("function mark(t) {}\nlet a = mark;\nconst b = a;", "b")).toBe("a:let");
  });

  it("follows a bounded number of names (a cycle cannot loop)", () => {
    const chain = Array.from({ length: MAX_CONST_ALIASES + 2 }, (_, i) => `const a${i + 1} = a${i};`);
    expect(endOf(["function a0() {}", ...chain].join("\n"), `a${MAX_CONST_ALIASES + 2}`)).toBe("a2:const");
    expect(endOf("const a = b;\nconst b = a;", "a")).toMatch(/^[ab]:const$/);
  });
});
