import type { types as t } from "@babel/core";
import type { CallNode } from "./calls.js";
import type { Ctx } from "./ctx.js";
import type { SaFunction } from "./model.js";
import { isFunction, type Node } from "./tree.js";

/**
 * The loop form of `await Promise.all(xs.map(async (x) => …))` in an inline copy (issue 15,
 * examples/find-up): the statement of the await is split, the callback's body runs in a plain
 * `for` loop of the variant itself, written before the statement, and the statement takes the
 * loop's results. No callback frame stands between the variant and what the body calls, so an
 * error thrown there (each ENOENT of a file search) captures its stack trace through fewer frames,
 * as a hand-written loop does. What the copy computes is the same as the callback form's: every
 * element runs to its end, an error held (`_sa.failed`) until all have, then the first by index is
 * thrown and each result checked (`_sa.allDone`, as `_sa.allSync`). The loop is taken at run time
 * only where `xs` is an array whose `map` is the array method (`_sa.plainArray`): it skips holes
 * and reads the length once as `map` does; anything else takes the callback form, kept beside it.
 *
 * Emitted as (names chosen free in the function):
 *
 *     let _r;
 *     if (_sa.plainArray(xs)) {
 *       _r = [];
 *       for (let _i = 0, _n = xs.length; _i < _n; _i++) {
 *         if (!(_i in xs)) { _r.push(undefined); continue; }
 *         const x = xs[_i], i = _i, a = xs;   // the callback's parameters
 *         try { _r.push(BODY); } catch (error) { _r.push(_sa.failed(error)); }
 *       }
 *     }
 *     const ys = _r !== undefined ? _sa.allDone(_r, …) : _sa.allSync(xs.map(…), …);
 *
 * Only for a statement whose whole value is the await and that can have a statement before it
 * (`const|let|var p = await …` with one declarator, `return await …` outside a `try`,
 * `await …;`), directly in a block of the function itself; `xs` a plain name; the callback an
 * arrow with an expression body (a `return` in a block body would leave the variant) whose
 * parameters are plain names other than `xs`.
 */
export interface LoopCopy {
  /** The statement the loop goes before. */
  statement: Node;
  /** The array's name. */
  list: string;
  /** The callback (an arrow with an expression body). */
  cb: t.ArrowFunctionExpression;
  /** Its parameters' names: element, index, array. */
  params: string[];
  /** Names free in the function, for the results, the index and the length. */
  results: string;
  index: string;
  count: string;
}

/** Records, for each `Promise.all(xs.map(async …))` leaf that can take the loop form, its plan. */
export function planLoopCopies(ctx: Ctx, fn: SaFunction): void {
  // Each loop of the function has names of its own (two in one block would clash).
  const taken = new Set<string>();
  for (const [node, fact] of fn.leaves) {
    if (fact.kind !== "mapAll" || fact.pMap || fact.limited || fact.asyncLimit) continue;
    const plan = loopCopyOf(ctx, fn, node, taken);
    if (!plan) continue;
    fn.loopCopies ??= new Map();
    fn.loopCopies.set(node, plan);
  }
}

function loopCopyOf(ctx: Ctx, fn: SaFunction, call: Node, taken: Set<string>): LoopCopy | undefined {
  const up = ctx.tree.parent(call);
  if (up?.type !== "AwaitExpression") return undefined;
  let statement = ctx.tree.parent(up);
  if (!statement) return undefined;
  if (statement.type === "VariableDeclarator") {
    if (statement.init !== up) return undefined;
    const decl = ctx.tree.parent(statement);
    if (decl?.type !== "VariableDeclaration" || decl.declarations.length !== 1) return undefined;
    statement = decl;
  } else if (statement.type === "ReturnStatement") {
    if (inTry(ctx, statement, fn.fn as Node)) return undefined;
  } else if (statement.type !== "ExpressionStatement") return undefined;
  const block = ctx.tree.parent(statement);
  if (block?.type !== "BlockStatement") return undefined;
  // Directly in the function's own code, not in a nested callback's block.
  for (let p: Node | undefined = block; p && p !== (fn.fn as Node); p = ctx.tree.parent(p))
    if (isFunction(p)) return undefined;
  const map = (call as CallNode).arguments[0] as CallNode;
  const receiver = (map.callee as t.MemberExpression).object as Node;
  if (receiver.type !== "Identifier") return undefined;
  const cb = map.arguments[0] as Node;
  if (cb.type !== "ArrowFunctionExpression" || cb.body.type === "BlockStatement") return undefined;
  const params = (cb.params as Node[]).map((p) => (p.type === "Identifier" ? p.name : ""));
  if (params.some((p) => p === "" || p === receiver.name)) return undefined;
  // Names absent from the function's text capture nothing and shadow nothing it reads.
  const text = ctx.code.slice(fn.fn.start ?? 0, fn.fn.end ?? ctx.code.length);
  const free = (base: string): string => {
    let name = base;
    while (text.includes(name) || taken.has(name)) name += "_";
    taken.add(name);
    return name;
  };
  return {
    statement,
    list: receiver.name,
    cb,
    params,
    results: free("_results"),
    index: free("_index"),
    count: free("_count"),
  };
}

/** Inside a `try` that catches or finishes it (a returned call there is deferred: forms.ts). */
function inTry(ctx: Ctx, n: Node, fn: Node): boolean {
  for (let cur = n, p = ctx.tree.parent(n); p !== undefined && cur !== fn; cur = p, p = ctx.tree.parent(p)) {
    if (p.type === "TryStatement" && (cur === p.block || cur === p.handler)) return true;
  }
  return false;
}
