import type { types as t } from "@babel/core";
import { type AwaitFact, WHY } from "../inline.js";
import type { Index } from "./calls.js";
import { type Ctx, sourceOf } from "./ctx.js";
import { mayPause } from "./effects.js";
import type { SaFunction } from "./model.js";
import { isReference } from "./scope.js";
import { isFunction, type Node, pushChildren } from "./tree.js";
import { readsOf, TRANSPARENT } from "./view.js";

/**
 * The parameter list of an async function is its inline copy's own code (attack25 F05):
 * `async function f(x = g()) { … await x … }` binds `x` to g's promise, which the body awaits;
 * the copy `fSync(x = g())` kept that promise and its guard on `x` failed. A default whose value
 * is a promise in the async function (a call of an async smartasync function, a twin's promise
 * API, `fetch(…)`) is decided here, as the body's awaited values are:
 *
 * - where every read of the parameter is the operand of an `await` or a `return` of the function
 *   itself (or the default of a later parameter read the same way: `(x = g(), y = x)`), the copy
 *   takes the awaited value at once: `fSync(x = gSync())`, the default's leaves mapped like an
 *   awaited value's (`register`). The `await x` the copy drops still checks `x`, which a caller
 *   may give. Only where the order of effects stays: the default's call runs to its end in its
 *   call (nothing of it is left to run at an await), or nothing the copy would run before its end
 *   runs between the default and the first `await x` (no call, write or read of a name written
 *   anywhere: `orderKept`);
 * - anywhere else (`x.then(…)`, `Promise.race([x, t])`, `"" + x`, a nested function reading it,
 *   an order of effects the copy would change) the sync variant runs on a worker, which runs the
 *   async function as written (the reason returned).
 *
 * `leavesOf` gives the default's leaves as an awaited value's (leaves.ts).
 */
export function planDefaults(
  ctx: Ctx,
  index: Index,
  fn: SaFunction,
  leavesOf: (value: Node) => Map<Node, AwaitFact>,
  register: (pattern: t.AssignmentPattern, leaves: Map<Node, AwaitFact>) => void,
  refuse: (pattern: t.AssignmentPattern, fact: AwaitFact) => void,
): void {
  const f = fn.fn;
  for (const pattern of defaultsOf(f)) {
    const leaves = leavesOf(pattern.right as Node);
    const facts = [...leaves.values()];
    // A default the copy may keep as written: a value proven, or checked where it is awaited.
    if (facts.every((x) => x.kind === "not-promise" || x.kind === "guarded")) continue;
    const mapped = facts.every(
      (x) => x.kind === "not-promise" || x.kind === "guarded" || x.kind === "smartasync" || x.kind === "twin",
    );
    const left = pattern.left as Node;
    const uses = left.type === "Identifier" ? awaitedUses(ctx, f, left as t.Identifier, 0) : undefined;
    if (mapped && uses !== undefined) {
      if (uses.length === 0) continue;
      const paused = [...leaves].some(([n, x]) => mayPause(ctx, index, fn, n, x));
      if (!paused || orderKept(ctx, f, pattern, uses)) {
        register(pattern, leaves);
        continue;
      }
    }
    const unmappable = facts.find((x) => x.kind === "unmappable");
    refuse(
      pattern,
      unmappable ?? {
        kind: "unmappable",
        why: WHY.defaultPromise(
          left.type === "Identifier" ? (left as t.Identifier).name : sourceOf(ctx, left),
        ),
      },
    );
  }
}

/** The default values of `f`'s parameters, nested patterns' too, in source order (not nested functions'). */
function defaultsOf(f: t.Function): t.AssignmentPattern[] {
  const out: t.AssignmentPattern[] = [];
  const visit = (p: Node | null | undefined): void => {
    if (!p) return;
    switch (p.type) {
      case "AssignmentPattern":
        visit(p.left as Node);
        out.push(p);
        return;
      case "ObjectPattern":
        for (const prop of p.properties) visit(prop.type === "RestElement" ? prop : (prop.value as Node));
        return;
      case "ArrayPattern":
        for (const e of p.elements) visit(e as Node | null);
        return;
      case "RestElement":
        visit(p.argument as Node);
        return;
      case "TSParameterProperty":
        visit(p.parameter as Node);
        return;
      default:
        return;
    }
  };
  for (const p of f.params) visit(p as Node);
  return out;
}

/** How many parameters deep `(x = g(), y = x, z = y)` is followed. */
const MAX_CHAIN = 3;

/**
 * The reads of parameter `id` of `f` where the copy takes its awaited value (each the operand of
 * an `await` or a `return` of `f` itself, or those of a later parameter it is the default of),
 * or undefined where one read is anything else, or the parameter is written.
 */
function awaitedUses(ctx: Ctx, f: t.Function, id: t.Identifier, depth: number): Node[] | undefined {
  const b = ctx.scopes.binding(f.body as Node, id.name);
  if (b?.kind !== "param") return undefined;
  const reads = readsOf(ctx.tree, ctx.scopes, b);
  if (!reads) return undefined;
  const out: Node[] = [];
  for (const u of reads.uses) {
    let cur = u;
    let p = ctx.tree.parent(cur);
    while (p && TRANSPARENT.has(p.type)) {
      cur = p;
      p = ctx.tree.parent(cur);
    }
    if (!p) return undefined;
    if (p.type === "AwaitExpression" || (p.type === "ReturnStatement" && p.argument === cur)) {
      if (ctx.tree.functionParent(p) !== f) return undefined;
      out.push(p);
      continue;
    }
    if (cur === f.body && f.type === "ArrowFunctionExpression") {
      out.push(cur);
      continue;
    }
    if (
      p.type === "AssignmentPattern" &&
      p.right === cur &&
      p.left.type === "Identifier" &&
      depth + 1 < MAX_CHAIN &&
      defaultsOf(f).includes(p)
    ) {
      const next = awaitedUses(ctx, f, p.left, depth + 1);
      if (next === undefined) return undefined;
      out.push(...next);
      continue;
    }
    return undefined;
  }
  return out;
}

/**
 * Nothing runs between the default `pattern` and the first of `uses` (the first `await x`) that
 * the copy would run after the default's call has ended where the async function runs it while
 * that call waits: the first use is reached whenever the function runs (in no branch, loop or
 * handler), and what is evaluated before it is literals, operators and names no code writes
 * (a later parameter's default `y = x`, `const v = await x`, `return "k(" + (await y) + ")"`).
 */
function orderKept(ctx: Ctx, f: t.Function, pattern: t.AssignmentPattern, uses: Node[]): boolean {
  const first = uses.reduce((a, b) => ((b.start ?? 0) < (a.start ?? 0) ? b : a));
  const from = pattern.end ?? 0;
  const to = first.start ?? 0;
  // Reached unconditionally: every node from the use up to the function is one that evaluates it.
  for (let cur = first, p = ctx.tree.parent(first); p && p !== (f as Node); cur = p, p = ctx.tree.parent(p)) {
    if (!UNCONDITIONAL.has(p.type)) return false;
    if (p.type === "LogicalExpression" && p.left !== cur) return false;
    if (p.type === "ConditionalExpression" && p.test !== cur) return false;
  }
  let kept = true;
  const visit = (n: Node): void => {
    if (!kept) return;
    const s = n.start ?? 0;
    const e = n.end ?? 0;
    if (e <= from || s >= to) return;
    const inside = s >= from && e <= to;
    if (inside) {
      // A function is only created there (a declaration is hoisted): none of its body runs.
      if (isFunction(n)) return;
      if (!PURE.has(n.type)) {
        kept = false;
        return;
      }
      if (n.type === "UnaryExpression" && n.operator === "delete") {
        kept = false;
        return;
      }
      if (n.type === "Identifier" && isReference(n, ctx.tree)) {
        const b = ctx.scopes.binding(n, n.name);
        if (!b || b.violations.length > 0) {
          kept = false;
          return;
        }
      }
    } else if (isFunction(n) && n !== (f as Node)) return;
    const children: Node[] = [];
    pushChildren(n, children);
    for (const c of children) visit(c);
  };
  visit(f as Node);
  return kept;
}

/** Nodes between the use and the function that evaluate the use whenever they are evaluated. */
const UNCONDITIONAL = new Set([
  ...TRANSPARENT,
  "AwaitExpression",
  "ReturnStatement",
  "ExpressionStatement",
  "VariableDeclaration",
  "VariableDeclarator",
  "BlockStatement",
  "BinaryExpression",
  "TemplateLiteral",
  "CallExpression",
  "NewExpression",
  "ArrayExpression",
  "ObjectExpression",
  "ObjectProperty",
  "SpreadElement",
  "SequenceExpression",
  "MemberExpression",
  "UnaryExpression",
  "LogicalExpression",
  "ConditionalExpression",
  "AssignmentPattern",
]);

/** What may be evaluated before the first `await x`: no call, write, read of a member or await. */
const PURE = new Set([
  ...TRANSPARENT,
  "Identifier",
  "StringLiteral",
  "NumericLiteral",
  "BooleanLiteral",
  "NullLiteral",
  "BigIntLiteral",
  "TemplateLiteral",
  "TemplateElement",
  "BinaryExpression",
  "UnaryExpression",
  "LogicalExpression",
  "ConditionalExpression",
  "ArrayExpression",
  "ObjectExpression",
  "ObjectProperty",
  "AssignmentPattern",
  "VariableDeclaration",
  "VariableDeclarator",
  "ExpressionStatement",
  "ReturnStatement",
  "BlockStatement",
]);
