import type { types as t } from "@babel/core";
import { type Ctx, callText, locOf, sourceOf } from "./ctx.js";
import { isFunction, type Node } from "./tree.js";
import { consumerOf, isAsyncFunction, memberName, strip } from "./view.js";

/**
 * Attack 13, F30. In the plain program an awaited call of a sync function runs it at once: a
 * throw leaves the expression there and then, so nothing after the call in that expression runs
 * (`await Promise.all([check(x), charge(x)])` never calls `charge` when `check` throws). Its async
 * variant returns a promise at once and the throw arrives as a rejection, at the `await`: code
 * that runs between the call and that `await` would run where the plain program never gets. So a
 * call becomes `gAsync()` only where nothing the analysis cannot prove harmless runs in between,
 * and otherwise stays the plain call, on the calling thread, with the reason in the report.
 *
 * Attack 16, F19-F21. A promise that is not awaited DIRECTLY but handed to a combinator is also
 * compared, in time, with the other elements: in the plain program the sync call has run to its
 * end (or thrown) while the array was built, so it wins a `race`/`any` against any pending
 * element, its throw escapes `allSettled`/`any` (they never see it) and reaches the function's
 * `catch`, and of two throwing calls in `Promise.all` the first in the array is the error (the
 * second never runs). Offloaded, each of those depends on which thread finishes first. So the
 * call is offloaded only where that cannot be seen: in `Promise.all`, as an element of its array
 * literal or as the sole call of the callback of `Promise.all(xs.map(…))`, when every other
 * element is a literal-like value (runs no code, is no promise) or another offloaded call of a
 * function with no effect outside it whose arguments only read (the runtime rejects with the
 * first error in call order, as the plain program throws it); and as the argument of
 * `Promise.resolve`. `race`, `any`, `allSettled`, other callbacks and an element beside any other
 * call, a name or a member read (a promise, perhaps, that settles first) keep the plain call.
 *
 * What may otherwise stand between the call and its `await`: parentheses and type wrappers, a
 * branch of `?:`, the right operand of `&&`/`||`/`??`, the last expression of a sequence, and the
 * concise body or sole `return` of an IIFE. The chain must end at an `await`, at
 * `.then`/`.catch`/`.finally` called on the offloaded call itself (not reached today: such a call
 * of a sync function stays plain, its value's own method; strategy.ts, attack 17 F4), or at the `return` of an async function outside
 * any `try` with a `catch` or `finally` of that function (inside one, the plain throw is caught
 * there, a rejection after the `try` is left is not).
 */
export function offloadHeldBack(
  ctx: Ctx,
  call: Node,
  fnName: string,
  offloaded: (call: Node) => boolean,
): string | undefined {
  const tree = ctx.tree;
  // Several offloaded calls may share one `Promise.all`: they run in parallel, so each must be of
  // a function with no effect outside it (the plain program's throw of an earlier one would have
  // stopped it), with arguments that only read; the runtime then rejects with the first error in
  // the order the calls were made (src/runtime/index.cts, inOrder), as the plain program throws it.
  const parallel = (e: Node | null | undefined): boolean => {
    const c = e == null ? undefined : strip(e);
    return (
      c !== undefined &&
      (c.type === "CallExpression" || c.type === "OptionalCallExpression") &&
      offloaded(c) &&
      c.arguments.every((a) => reads(ctx, a as Node))
    );
  };
  let cur = call;
  for (;;) {
    // Parentheses and type wrappers pass the value on unchanged: `cur` becomes the outermost.
    const up = consumerOf(tree, cur);
    cur = up.outer;
    const p = up.parent;
    if (p === undefined) return notAwaited(fnName);
    const key = tree.link(cur)?.key;
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
        const combinator = combinatorOf(ctx, p);
        if (combinator === undefined) return notAwaited(fnName);
        if (combinator !== "all") return combinatorReason(fnName, combinator);
        const busy = p.elements.filter((e) => !isConstant(ctx, e as Node | null)) as Node[];
        if (busy.length > 1 && !busy.every(parallel))
          return besideReason(
            ctx,
            fnName,
            busy.find((e) => e !== cur && !parallel(e)) ?? busy.find((e) => e !== cur)!,
          );
        // attack30 F05: what the array evaluates after its first call must not throw. In the
        // plain program that call's throw stops the array there; offloaded, it only rejects
        // later, so a later argument's throw (`g(cfg.limits.max)` of an undefined `cfg.limits`,
        // `big + 1` of a BigInt) would be the error the `await` sees, and the first call's
        // rejection an unhandled one.
        const first = p.elements.findIndex((e) => e != null && busy.includes(e as Node));
        for (const e of p.elements.slice(first + 1) as (Node | null)[]) {
          const risky = e == null ? undefined : mayThrow(ctx, e, busy.includes(e));
          if (risky) return laterThrowReason(ctx, fnName, risky);
        }
        cur = tree.parent(p)!;
        continue;
      }
      case "CallExpression":
      case "OptionalCallExpression": {
        if (key === "arguments") {
          if (staticName(ctx, p) !== "resolve") return notAwaited(fnName);
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
        // A sync function around the call: an IIFE whose body is only the call runs it once, as
        // the plain program does; a callback (`xs.map((x) => g(x))`) runs it once per element.
        const returned = p.type === "ReturnStatement" ? p.argument : (p.body as Node);
        if (!returned) return notAwaited(fnName);
        if (p.type === "ReturnStatement" && !soleReturn(fn, p))
          return `\`${fnName}\` throws at the call in the plain program, and the function around it stops there; offloaded, its error would arrive only at the await, after that function's other code had run`;
        const { outer: self, parent: use } = consumerOf(tree, fn);
        if (use === undefined || (use.type !== "CallExpression" && use.type !== "OptionalCallExpression"))
          return notAwaited(fnName);
        if (use.callee !== self) {
          // `Promise.all(xs.map((x) => g(x)))`: the calls run in parallel, as in an array literal.
          const all = mappedInAll(ctx, use, self);
          if (all === undefined || !parallel(returned as Node)) return mappedReason(ctx, fnName, use);
          // attack30 F05: each element's call is made after the earlier ones: its arguments
          // must not throw (`crunch(j.n)` over a `null` element), as in an array literal.
          const risky = mayThrow(ctx, returned as Node, true);
          if (risky) return laterThrowReason(ctx, fnName, risky);
          cur = all;
          continue;
        }
        cur = use;
        continue;
      }
      default:
        return notAwaited(fnName);
    }
  }
}

/** F19-F21: why a combinator other than `Promise.all` keeps the plain call. */
function combinatorReason(fnName: string, combinator: string): string {
  if (combinator === "allSettled")
    return `an element of \`Promise.allSettled([...])\`: in the plain program \`${fnName}\` runs while the array is built and its throw leaves the expression (the function's \`catch\` sees it); offloaded, \`allSettled\` would absorb it as a rejected entry`;
  return `an element of \`Promise.${combinator}([...])\`: in the plain program \`${fnName}\` has run to its end (or thrown) before the ${combinator} starts, so its value wins over any pending element and its throw leaves the expression; offloaded, the first element to settle in time would decide`;
}

/** F21, F30: another element that runs code or may be a promise settling first. */
function besideReason(ctx: Ctx, fnName: string, other: Node): string {
  return `an element of \`Promise.all([...])\` beside \`${shownOf(ctx, other)}\` at ${locOf(ctx, other)}: in the plain program \`${fnName}\` runs (and throws) while the array is built, in the order written, and a throw stops the elements after it; offloaded, every element would run (and act) and the first to fail in time would be the error`;
}

/** attack30 F05: code the array runs after an earlier offloaded call that may throw. */
function laterThrowReason(ctx: Ctx, fnName: string, risky: Node): string {
  return `\`${shownOf(ctx, risky)}\` at ${locOf(ctx, risky)} runs after an earlier call of \`${fnName}\` in \`Promise.all\` and may throw: in the plain program that call's throw stops the array before it runs; offloaded, it would run, and its error would reach the \`await\` first`;
}

/**
 * attack30 F05: the part of a later element that may throw while the array is built, or
 * undefined. An offloaded call's callee (a name or a namespace member) and arguments, or a
 * literal-like element, must be values that cannot throw (`cannotThrow`).
 */
function mayThrow(ctx: Ctx, element: Node, call: boolean): Node | undefined {
  const c = strip(element);
  if (!call) return cannotThrow(ctx, c) ? undefined : c;
  if (c.type !== "CallExpression" && c.type !== "OptionalCallExpression") return c;
  const callee = strip(c.callee as Node);
  const plainCallee =
    callee.type === "Identifier" ||
    ((callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") &&
      !callee.computed &&
      strip(callee.object as Node).type === "Identifier");
  if (!plainCallee) return callee;
  return (c.arguments as Node[]).find((a) => !cannotThrow(ctx, a));
}

/**
 * A value whose evaluation cannot throw: a literal, a template or array of such, an operator on
 * such but with a BigInt anywhere (`1n + 1`, `+1n`) or `in`/`instanceof`, a function expression,
 * `this`, `undefined`, and a name declared before the read in the same function (or a
 * parameter, a `var`, a function, an import). A member read is not (an undefined object, a
 * getter), nor an operator on a name (a BigInt, a `valueOf` that throws).
 */
function cannotThrow(ctx: Ctx, value: Node): boolean {
  const n = strip(value);
  switch (n.type) {
    case "ThisExpression":
      return true;
    case "Identifier": {
      if (n.name === "undefined") return true;
      const b = ctx.scopes.binding(n, n.name);
      if (b === undefined) return false;
      if (b.kind === "param" || b.kind === "var" || b.kind === "hoisted" || b.kind === "module") return true;
      // `let`/`const`: read after its declaration in the same function, never in its dead zone.
      const tree = ctx.tree;
      return (
        (b.node.start ?? Number.POSITIVE_INFINITY) < (n.start ?? 0) &&
        tree.functionParent(b.node) === tree.functionParent(n)
      );
    }
    case "UnaryExpression":
    case "BinaryExpression":
    case "LogicalExpression":
    case "ConditionalExpression":
    case "TemplateLiteral":
    case "ArrayExpression": {
      if (!isConstant(ctx, n)) return false;
      let bigint = false;
      let relation = false;
      ctx.tree.walk(n, (x) => {
        if (x.type === "BigIntLiteral") bigint = true;
        if (x.type === "BinaryExpression" && (x.operator === "in" || x.operator === "instanceof"))
          relation = true;
        return isFunction(x) ? false : undefined;
      });
      return !relation && !bigint;
    }
    default:
      return isConstant(ctx, n);
  }
}

/** F20: a callback of `xs.map(…)` (or any function given to a call) calls `fnName` once per run. */
function mappedReason(ctx: Ctx, fnName: string, use: Node): string {
  return `called in a callback given to \`${shownOf(ctx, use)}\`: in the plain program each call of \`${fnName}\` runs (and throws) in turn while the results are collected, and the first throw stops the rest; offloaded, they would run in parallel and the first to fail in time would be the error`;
}

function notAwaited(fnName: string): string {
  return `\`${fnName}\` throws at the call in the plain program; offloaded, its error would arrive only at an await this promise does not reach at once, so the code up to it would run first`;
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

function soleReturn(fn: t.Function, at: Node): boolean {
  const body = fn.body as Node;
  return body.type === "BlockStatement" && body.body.length === 1 && body.body[0] === at;
}

/**
 * An argument that only reads: a constant, a name, `this`, member reads and operators of such (a
 * getter, `valueOf` or `toString` they may run is not looked into).
 */
function reads(ctx: Ctx, n: Node): boolean {
  const c = strip(n);
  if (c.type === "Identifier" || c.type === "ThisExpression") return true;
  const read = (x: Node): boolean => reads(ctx, x);
  switch (c.type) {
    case "MemberExpression":
    case "OptionalMemberExpression":
      return read(c.object as Node) && (!c.computed || read(c.property as Node));
    case "TemplateLiteral":
      return c.expressions.every((e) => read(e as Node));
    case "UnaryExpression":
      return c.operator !== "delete" && read(c.argument as Node);
    case "BinaryExpression":
    case "LogicalExpression":
      return read(c.left as Node) && read(c.right as Node);
    case "ConditionalExpression":
      return read(c.test as Node) && read(c.consequent as Node) && read(c.alternate as Node);
    default:
      return isConstant(ctx, c);
  }
}

/**
 * `use` is `xs.map(fn)` with `fn` its only argument, itself the first argument of `Promise.all`:
 * that `Promise.all` call.
 */
function mappedInAll(ctx: Ctx, use: Node, fn: Node): Node | undefined {
  if (use.type !== "CallExpression" || use.arguments.length !== 1 || use.arguments[0] !== fn)
    return undefined;
  const callee = use.callee as Node;
  if (callee.type !== "MemberExpression" || memberName(callee) !== "map") return undefined;
  const { outer: cur, parent: p } = consumerOf(ctx.tree, use);
  if (p === undefined || (p.type !== "CallExpression" && p.type !== "OptionalCallExpression"))
    return undefined;
  return p.arguments[0] === cur && staticName(ctx, p) === "all" ? p : undefined;
}

/** `Promise.all(…)` and its kin on the global `Promise`: the static's name. */
function staticName(ctx: Ctx, call: Node): string | undefined {
  const callee = (call as t.CallExpression).callee as Node;
  if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression") return undefined;
  const name = memberName(callee);
  const object = callee.object as Node;
  return name !== undefined &&
    COMBINATORS.has(name) &&
    object.type === "Identifier" &&
    object.name === "Promise" &&
    !ctx.scopes.binding(object, "Promise")
    ? name
    : undefined;
}

const COMBINATORS = new Set(["all", "allSettled", "race", "any", "resolve"]);

/** The combinator an array literal is the first argument of (`Promise.all([…])` → `all`). */
function combinatorOf(ctx: Ctx, array: Node): string | undefined {
  const use = ctx.tree.parent(array);
  if (use === undefined || (use.type !== "CallExpression" && use.type !== "OptionalCallExpression"))
    return undefined;
  if (use.arguments[0] !== array) return undefined;
  const name = staticName(ctx, use);
  return name === "resolve" ? undefined : name;
}

/**
 * A value that runs no code of the program, cannot throw and is no promise: literals, templates
 * and arrays of such, operators on such, a function expression (made, not run), a hole, and the
 * global `undefined`. A name or a member read may hold a promise that settles before the call's.
 */
function isConstant(ctx: Ctx, value: Node | null | undefined): boolean {
  if (value == null) return true;
  const n = strip(value);
  const constant = (c: Node | null | undefined): boolean => isConstant(ctx, c);
  switch (n.type) {
    case "StringLiteral":
    case "NumericLiteral":
    case "BooleanLiteral":
    case "NullLiteral":
    case "BigIntLiteral":
    case "RegExpLiteral":
      return true;
    case "Identifier":
      return n.name === "undefined" && !ctx.scopes.binding(n, "undefined");
    case "TemplateLiteral":
      return n.expressions.every((e) => constant(e as Node));
    case "UnaryExpression":
      return n.operator !== "delete" && constant(n.argument as Node);
    case "BinaryExpression":
    case "LogicalExpression":
      return constant(n.left as Node) && constant(n.right as Node);
    case "ConditionalExpression":
      return constant(n.test as Node) && constant(n.consequent as Node) && constant(n.alternate as Node);
    case "ArrayExpression":
      return n.elements.every((e) => e?.type !== "SpreadElement" && constant(e as Node | null));
    default:
      return isFunction(n) && n.type !== "ClassMethod" && n.type !== "ObjectMethod";
  }
}
