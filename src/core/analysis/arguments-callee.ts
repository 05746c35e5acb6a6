import type { types as t } from "@babel/core";
import { rebound } from "./calls.js";
import { type Ctx, locOf, sourceOf } from "./ctx.js";
import type { SaFunction } from "./model.js";
import type { Binding } from "./scope.js";
import { isFunction, type Node } from "./tree.js";
import { isWritten, memberName, strip } from "./view.js";

/**
 * `arguments.callee` in an async function's inline sync copy (attack30 F03; docs/semantics.md,
 * "The sync variant: inline first"). In sloppy-mode code with a simple parameter list it is the
 * running function: the annotated function in the plain program, the copy (`loadSync`) in the
 * sync variant. The copy reads the function the plain program reads instead:
 *
 * - a read `arguments.callee` (or `arguments["callee"]`) of the function's own `arguments`
 *   (not a nested function's; an arrow's are its) becomes the function's name, where that name
 *   is the function wherever the copy reads it: a function declaration, or an anonymous function
 *   expression a `const`/`let`/`var` is declared with, its name never assigned or declared again
 *   and not shadowed at the read (fixture inline/arguments-callee-sloppy);
 * - anywhere else (a method, a named function expression, a reassigned name, a write
 *   `arguments.callee = …`) the copy cannot give that function, and the variant runs on a worker,
 *   which runs the function as written (a reason).
 *
 * In strict code (an ES module, `"use strict"`, a class) and with a parameter list that is not
 * simple (defaults, rest, destructuring) `arguments.callee` throws in both variants: nothing
 * changes. `arguments` reached under another name, or by a computed key, is not followed.
 */
export function argumentsCallee(ctx: Ctx, fn: SaFunction): void {
  const f = fn.fn;
  if (f.type === "ArrowFunctionExpression" || !ctx.code.includes("callee")) return;
  if (!calleeIsFunction(ctx, f)) return;
  const uses: Node[] = [];
  ctx.tree.walk(f.body as Node, (n) => {
    // A nested function other than an arrow has an `arguments` of its own.
    if (isFunction(n)) return n.type === "ArrowFunctionExpression" ? undefined : false;
    if (n.type !== "Identifier" || n.name !== "arguments" || ctx.scopes.binding(n, "arguments"))
      return undefined;
    const link = ctx.tree.link(n);
    if (link?.key !== "object") return undefined;
    const member = link.parent;
    if (member.type === "MemberExpression" && memberName(member) === "callee") uses.push(member);
    return undefined;
  });
  if (uses.length === 0) return;
  const add = (why: string, at: Node) =>
    fn.located.push({ fact: { kind: "unmappable", why }, loc: locOf(ctx, at), text: sourceOf(ctx, at) });
  const written = uses.find((u) => isWritten(ctx.tree, u));
  if (written) {
    add(CALLEE_WHY.written, written);
    return;
  }
  const name = ownName(ctx, f);
  const reads = new Map<Node, string>();
  for (const u of uses) {
    const b = name === undefined ? undefined : ctx.scopes.binding(u, name);
    if (b === undefined || !holdsOnly(ctx, b, f, u)) {
      add(CALLEE_WHY.unnamed, u);
      return;
    }
    reads.set(u, name!);
  }
  fn.calleeReads = reads;
}

export const CALLEE_WHY = {
  written: "writes `arguments.callee`, which the sync variant's `arguments` would hold instead",
  unnamed:
    "reads `arguments.callee`, which in the sync variant is the variant: the function has no name that is it wherever the copy reads it",
} as const;

/**
 * Whether `arguments.callee` in `f`'s own body is `f`: sloppy-mode code (a script without
 * `"use strict"`, outside a class) and a simple parameter list; elsewhere it throws.
 */
function calleeIsFunction(ctx: Ctx, f: t.Function): boolean {
  const program = ctx.program;
  if (program.sourceType !== "script" || program.directives.some((d) => d.value.value === "use strict"))
    return false;
  if (!f.params.every((p) => p.type === "Identifier")) return false;
  for (let n: Node | undefined = f as Node; n !== undefined; n = ctx.tree.parent(n)) {
    if (n.type === "ClassBody") return false;
    if (
      isFunction(n) &&
      n.body.type === "BlockStatement" &&
      n.body.directives.some((d) => d.value.value === "use strict")
    )
      return false;
  }
  return true;
}

/** The name `f` is declared under: a function declaration's, or an anonymous function expression's declarator's. */
function ownName(ctx: Ctx, f: t.Function): string | undefined {
  if (f.type === "FunctionDeclaration") return f.id?.name;
  if (f.type !== "FunctionExpression" || f.id) return undefined;
  let up = ctx.tree.parent(f as Node);
  while (up && strip(up) !== up) up = ctx.tree.parent(up);
  return up?.type === "VariableDeclarator" && up.id.type === "Identifier" ? up.id.name : undefined;
}

/** Whether binding `b` holds `f` when read at `at`: declared with it, never written or declared again. */
function holdsOnly(ctx: Ctx, b: Binding, f: t.Function, at: Node): boolean {
  if (rebound(ctx, b, at) !== undefined) return false;
  if (b.node === (f as Node)) return true;
  return (
    b.node.type === "VariableDeclarator" && b.node.init != null && strip(b.node.init as Node) === (f as Node)
  );
}
