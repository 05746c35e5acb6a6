import type { types as t } from "@babel/core";
import { type Ctx, callText, locOf, sourceOf } from "./ctx.js";
import { forEachChild, isFunction, type Node } from "./tree.js";
import { isAsyncFunction, memberName, TRANSPARENT } from "./view.js";

/**
 * Attack 13, F30. In the plain program an awaited call of a sync function runs it at once: a
 * throw leaves the expression there and then, so nothing after the call in that expression runs
 * (`await Promise.all([check(x), charge(x)])` never calls `charge` when `check` throws). Its async
 * variant returns a promise at once and the throw arrives as a rejection, at the `await`: code
 * that runs between the call and that `await` would run where the plain program never gets. So a
 * call becomes `gAsync()` only where nothing the analysis cannot prove harmless runs in between,
 * and otherwise stays the plain call, on the calling thread, with the reason in the report.
 *
 * What may stand between the call and its `await`: parentheses and type wrappers, a branch of
 * `?:`, the right operand of `&&`/`||`/`??`, the last expression of a sequence, the element of
 * the array given to `Promise.all`/`allSettled`/`race`/`any` (or the argument of them or of
 * `Promise.resolve`) when every LATER element is inert (below), and the concise body or sole
 * `return` of an array method's callback or an IIFE. The chain must end at an `await`, at
 * `.then`/`.catch`/`.finally` called on the offloaded call itself (there is no plain meaning to
 * keep: a sync function's value has no `then`), or at the `return` of an async function outside
 * any `try` with a `catch` or `finally` of that function (inside one, the plain throw is caught
 * there, a rejection after the `try` is left is not).
 *
 * Inert: a literal, a name, `this`, a function or arrow expression (made, not run), a member read,
 * operators, templates, array and object literals of inert parts, and a call that is itself
 * offloaded (its function then runs on a pool thread, in parallel, as docs/semantics.md says of
 * every offloaded element) with inert arguments, when its function has no effect outside it (a
 * `charge` that writes a file keeps the earlier call plain). Not looked into: a getter a member read runs,
 * `valueOf`/`toString` an operator runs, the iterator a spread runs, a name read in its temporal
 * dead zone (each counted as a read).
 */
export function offloadHeldBack(
  ctx: Ctx,
  call: Node,
  fnName: string,
  offloaded: (call: Node) => boolean,
): string | undefined {
  const tree = ctx.tree;
  const inert = (n: Node | null | undefined): boolean => isInert(n, offloaded);
  let cur = call;
  for (;;) {
    const p = tree.parent(cur);
    if (p === undefined) return notAwaited(fnName);
    const key = tree.link(cur)?.key;
    if (TRANSPARENT.has(p.type)) {
      cur = p;
      continue;
    }
    switch (p.type) {
      case "ConditionalExpression":
        if (key === "test") return notAwaited(fnName);
        cur = p;
        continue;
      case "SequenceExpression":
        if (p.expressions[p.expressions.length - 1] !== cur) return notAwaited(fnName);
        cur = p;
        continue;
      case "LogicalExpression":
        if (key === "left")
          return `its value is the left operand of \`${p.operator}\`, which tests it, and a promise is never falsy or nullish`;
        cur = p;
        continue;
      case "AwaitExpression":
        return undefined;
      case "MemberExpression":
      case "OptionalMemberExpression": {
        // `g(x).then(…)`: only on the call itself (a combinator's `.then` is an ordinary promise).
        const name = memberName(p);
        const use = tree.parent(p);
        if (
          cur === call &&
          key === "object" &&
          (name === "then" || name === "catch" || name === "finally") &&
          use !== undefined &&
          (use.type === "CallExpression" || use.type === "OptionalCallExpression") &&
          use.callee === p
        )
          return undefined;
        return notAwaited(fnName);
      }
      case "ArrayExpression": {
        const later = p.elements.slice(p.elements.indexOf(cur as t.Expression) + 1);
        const busy = later.find((e) => !inert(e as Node | null));
        if (busy) return laterRuns(ctx, fnName, firstBusy(busy as Node, inert));
        cur = p;
        continue;
      }
      case "CallExpression":
      case "OptionalCallExpression": {
        if (key === "arguments") {
          if (!isPromiseStatic(ctx, p)) return notAwaited(fnName);
          const later = p.arguments.slice(p.arguments.indexOf(cur as t.Expression) + 1);
          const busy = later.find((e) => !inert(e as Node));
          if (busy) return laterRuns(ctx, fnName, firstBusy(busy as Node, inert));
          cur = p;
          continue;
        }
        return notAwaited(fnName);
      }
      case "ReturnStatement":
      case "ArrowFunctionExpression": {
        if (p.type === "ArrowFunctionExpression" && key !== "body") return notAwaited(fnName);
        const fn = p.type === "ReturnStatement" ? tree.functionParent(p) : p;
        if (fn === undefined) return notAwaited(fnName);
        if (isAsyncFunction(fn, ctx.program)) {
          if (p.type === "ReturnStatement" && insideTry(ctx, p, fn))
            return `\`${fnName}\` throws inside the \`try\` in the plain program, where its \`catch\`/\`finally\` sees the throw first; offloaded, its promise would reject only after the \`try\` is left (write \`return await\` to have it offloaded and caught)`;
          return undefined;
        }
        // A sync callback (`xs.map((x) => g(x))`) or an IIFE: the rest of its body, and for a
        // callback its later runs, come before the await too, so the body must be one inert return.
        const returned = p.type === "ReturnStatement" ? p.argument : (p.body as Node);
        if (!returned) return notAwaited(fnName);
        if (p.type === "ReturnStatement" && !soleReturn(fn, p)) {
          const busy = firstBusy(fn.body as Node, inert);
          return `\`${fnName}\` throws at the call in the plain program, and the callback around it stops there; offloaded, its error would arrive only at the await, after the callback's other code (\`${shownOf(ctx, busy)}\` at ${locOf(ctx, busy)}) had run for the later elements`;
        }
        if (!inert(returned as Node)) return laterRuns(ctx, fnName, firstBusy(returned as Node, inert));
        const self = outermost(ctx, fn);
        const use = tree.parent(self);
        if (use === undefined || (use.type !== "CallExpression" && use.type !== "OptionalCallExpression"))
          return notAwaited(fnName);
        cur = use;
        continue;
      }
      default:
        return notAwaited(fnName);
    }
  }
}

function notAwaited(fnName: string): string {
  return `\`${fnName}\` throws at the call in the plain program; offloaded, its error would arrive only at an await this promise does not reach at once, so the code up to it would run first`;
}

function laterRuns(ctx: Ctx, fnName: string, busy: Node): string {
  return `\`${fnName}\` throws at the call in the plain program, before \`${shownOf(ctx, busy)}\` at ${locOf(ctx, busy)} runs; offloaded, its error would arrive only at the await, after that had run`;
}

/** A call as messages quote it (`charge(...)`), other code by its first 40 characters. */
function shownOf(ctx: Ctx, busy: Node): string {
  if (
    busy.type === "CallExpression" ||
    busy.type === "NewExpression" ||
    busy.type === "OptionalCallExpression"
  )
    return callText(ctx, busy);
  const text = sourceOf(ctx, busy).replace(/\s+/g, " ");
  return text.length <= 40 ? text : `${text.slice(0, 37)}...`;
}

/**
 * Inside the block of a `try` (with a `catch` or `finally`) of `fn` itself: there the plain throw
 * is caught, or `finally` runs after it; a `catch` or `finally` block sees no throw of its own.
 */
function insideTry(ctx: Ctx, n: Node, fn: Node): boolean {
  for (let cur = n, p = ctx.tree.parent(n); p !== undefined && p !== fn; cur = p, p = ctx.tree.parent(p))
    if (p.type === "TryStatement" && p.block === cur) return true;
  return false;
}

/** The first call (or `new`) in `n` that is not inert, for the message; `n` when there is none. */
function firstBusy(n: Node, inert: (c: Node) => boolean): Node {
  let found: Node | undefined;
  const visit = (c: Node): void => {
    if (found !== undefined || isFunction(c)) return;
    const call =
      c.type === "CallExpression" || c.type === "NewExpression" || c.type === "OptionalCallExpression";
    if (call && !inert(c)) {
      found = c;
      return;
    }
    forEachChild(c, visit);
  };
  forEachChild(n, visit);
  return found ?? n;
}

function soleReturn(fn: t.Function, at: Node): boolean {
  const body = fn.body as Node;
  return body.type === "BlockStatement" && body.body.length === 1 && body.body[0] === at;
}

function outermost(ctx: Ctx, n: Node): Node {
  let cur = n;
  for (let p = ctx.tree.parent(cur); p !== undefined && TRANSPARENT.has(p.type); p = ctx.tree.parent(cur))
    cur = p;
  return cur;
}

const PROMISE_STATICS = new Set(["all", "allSettled", "race", "any", "resolve"]);

/** `Promise.all(…)` and its kin on the global `Promise`. */
function isPromiseStatic(ctx: Ctx, call: Node): boolean {
  const callee = (call as t.CallExpression).callee as Node;
  if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression") return false;
  const name = memberName(callee);
  const object = callee.object as Node;
  return (
    name !== undefined &&
    PROMISE_STATICS.has(name) &&
    object.type === "Identifier" &&
    object.name === "Promise" &&
    !ctx.scopes.binding(object, "Promise")
  );
}

/** See offloadHeldBack: evaluating `n` runs no code of the program and cannot throw (but see the limits). */
function isInert(n: Node | null | undefined, offloaded: (call: Node) => boolean): boolean {
  if (n == null) return true;
  const inert = (c: Node | null | undefined): boolean => isInert(c, offloaded);
  if (TRANSPARENT.has(n.type)) return inert((n as { expression: Node }).expression);
  switch (n.type) {
    case "StringLiteral":
    case "NumericLiteral":
    case "BooleanLiteral":
    case "NullLiteral":
    case "BigIntLiteral":
    case "RegExpLiteral":
    case "Identifier":
    case "ThisExpression":
    case "MetaProperty":
      return true;
    case "TemplateLiteral":
      return n.expressions.every((e) => inert(e as Node));
    case "MemberExpression":
    case "OptionalMemberExpression":
      return inert(n.object as Node) && (!n.computed || inert(n.property as Node));
    case "UnaryExpression":
      return n.operator !== "delete" && inert(n.argument as Node);
    case "BinaryExpression":
    case "LogicalExpression":
      return inert(n.left as Node) && inert(n.right as Node);
    case "ConditionalExpression":
      return inert(n.test as Node) && inert(n.consequent as Node) && inert(n.alternate as Node);
    case "SequenceExpression":
      return n.expressions.every((e) => inert(e as Node));
    case "SpreadElement":
      return inert(n.argument as Node);
    case "ArrayExpression":
      return n.elements.every((e) => inert(e as Node | null));
    case "ObjectExpression":
      return n.properties.every((pr) =>
        pr.type === "ObjectMethod"
          ? !pr.computed || inert(pr.key as Node)
          : pr.type === "SpreadElement"
            ? inert(pr.argument as Node)
            : (!pr.computed || inert(pr.key as Node)) && inert(pr.value as Node),
      );
    case "CallExpression":
    case "OptionalCallExpression":
      return offloaded(n) && inert(n.callee as Node) && n.arguments.every((a) => inert(a as Node));
    default:
      return isFunction(n) && n.type !== "ClassMethod" && n.type !== "ObjectMethod";
  }
}
