import type { types as t } from "@babel/core";
import type { CallNode } from "./calls.js";
import type { Ctx } from "./ctx.js";
import type { SaFunction } from "./model.js";
import { isFunction, type Node } from "./tree.js";

/**
 * The loop form of `await Promise.all(xs.map(async (x) => …))` and of `await pMap(xs, async (x)
 * => …, options)` in an inline copy (issue 15, examples/find-up): the statement of the await is
 * split, the callback's body runs in a plain `for` loop of the variant itself, written before the
 * statement, and the statement takes the loop's results. No callback frame stands between the
 * variant and what the body calls, so an error thrown there (each ENOENT of a file search)
 * captures its stack trace through fewer frames, as a hand-written loop does. What the copy
 * computes is the same as the callback form's, which stays beside it for the inputs the loop does
 * not reproduce.
 *
 * `Promise.all(xs.map(…))` (form "all"): every element runs to its end, an error held
 * (`_sa.failed`) until all have, then the first by index is thrown and each result checked
 * (`_sa.allDone`, as `_sa.allSync`). The loop is taken at run time only where `xs` is an array
 * whose `map` is the array method (`_sa.plainArray`): it skips holes and reads the length once as
 * `map` does. Emitted as (names chosen free in the function):
 *
 *     let _r;
 *     if (_sa.plainArray(xs)) {
 *       _r = [];
 *       _loop: for (let _i = 0, _n = xs.length; _i < _n; _i++) {
 *         if (!(_i in xs)) { _r.push(undefined); continue; }
 *         const x = xs[_i], i = _i, a = xs;   // the callback's parameters
 *         try { _r.push(BODY); } catch (error) { _r.push(_sa.failed(error)); }
 *       }
 *     }
 *     const ys = _r !== undefined ? _sa.allDone(_r, …) : _sa.allSync(xs.map(…), …);
 *
 * `pMap(xs, cb, options)` (form "pMap", as `_sa.mapSync` runs it): each element is checked, the
 * callback's body run with the element and its index, its result checked before the next element
 * runs; the first error ends the call. Taken at run time only where `xs` is an array iterated by
 * the array iterator and `stopOnError` is not turned off (`_sa.pMapLoop(xs, options)`): the length
 * is read at each step and a hole is an undefined element, as the array iterator gives them;
 * `pMapSkip` results are left out at the end (`_sa.mapDone`). Anything else (a Set, a generator,
 * `stopOnError: false`, which gathers the errors) takes `_sa.mapSync`. The options are evaluated
 * by the check and again by the callback form when it runs: they are an object literal whose values
 * are names or literals, which read the same twice.
 *
 *     let _r;
 *     if (_sa.pMapLoop(xs, options)) {
 *       _r = [];
 *       _loop: for (let _i = 0; _i < xs.length; _i++) {
 *         const x = _sa.guard(xs[_i], …), i = _i;
 *         _r.push(_sa.guard(BODY, …));
 *       }
 *     }
 *     return _r !== undefined ? _sa.mapDone(_r, _p_map.pMapSkip) : _sa.mapSync(xs, …);
 *
 * A block body (`async (x) => { …; return y; }`) is copied as a block in the loop, each of its
 * own `return y;` (not those of nested functions) becoming `{ _r.push(y); continue _loop; }`
 * (pMap: the pushed value checked) and its end pushing undefined, as a callback that falls off its
 * end returns. Not for a body with a directive, a `var` or a function declaration of its own
 * (they would belong to the variant, not to each element).
 *
 * Only for a statement whose whole value is the await and that can have a statement before it
 * (`const|let|var p = await …` with one declarator, `return await …` outside a `try`,
 * `await …;`), directly in a block of the function itself; `xs` a plain name; the callback an
 * arrow (its `this` and `arguments` are the variant's in both forms) whose parameters are plain
 * names other than `xs`.
 */
export interface LoopCopy {
  /** Which call the loop stands for. */
  form: "all" | "pMap";
  /** The statement the loop goes before. */
  statement: Node;
  /** The array's name. */
  list: string;
  /** The callback. */
  cb: t.ArrowFunctionExpression;
  /** Its parameters' names, each with the value it gets (beyond what the call passes: undefined). */
  params: { name: string; value: "element" | "index" | "list" | "undefined" }[];
  /** Names free in the function, for the results, the index, the length and the loop's label. */
  results: string;
  index: string;
  count: string;
  label: string;
  /** A block body's own `return` statements (empty for an expression body). */
  returns: Set<Node>;
  /** pMap: the options argument, if given, and the guard text of an element of the input. */
  options?: Node;
  elementText?: string;
}

/** Records, for each `Promise.all(xs.map(async …))` or `pMap` leaf that can take the loop form, its plan. */
export function planLoopCopies(ctx: Ctx, fn: SaFunction): void {
  // Each loop of the function has names of its own (two in one block would clash).
  const taken = new Set<string>();
  for (const [node, fact] of fn.leaves) {
    if (fact.kind !== "mapAll" || fact.limited || fact.asyncLimit) continue;
    const plan = loopCopyOf(ctx, fn, node, fact.pMap ? "pMap" : "all", taken);
    if (!plan) continue;
    if (plan.form === "pMap")
      plan.elementText = `an element of the input of ${fact.guard.text.replace(/^each result of /, "")}`;
    fn.loopCopies ??= new Map();
    fn.loopCopies.set(node, plan);
  }
}

function loopCopyOf(
  ctx: Ctx,
  fn: SaFunction,
  call: Node,
  form: "all" | "pMap",
  taken: Set<string>,
): LoopCopy | undefined {
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
  const args = (call as CallNode).arguments as Node[];
  let receiver: Node;
  let cb: Node;
  let options: Node | undefined;
  if (form === "all") {
    const map = args[0] as CallNode;
    receiver = (map.callee as t.MemberExpression).object as Node;
    cb = map.arguments[0] as Node;
  } else {
    receiver = args[0]!;
    cb = args[1]!;
    options = args[2];
    if (options && !readsTheSameTwice(options)) return undefined;
  }
  if (receiver.type !== "Identifier") return undefined;
  if (cb.type !== "ArrowFunctionExpression") return undefined;
  const returns = new Set<Node>();
  if (cb.body.type === "BlockStatement" && !blockCopies(ctx, cb.body as Node, returns)) return undefined;
  const values = form === "all" ? (["element", "index", "list"] as const) : (["element", "index"] as const);
  const params = (cb.params as Node[]).map((p, i) => ({
    name: p.type === "Identifier" ? p.name : "",
    value: values[i] ?? ("undefined" as const),
  }));
  if (params.some((p) => p.name === "" || p.name === receiver.name)) return undefined;
  // Names absent from the function's text capture nothing and shadow nothing it reads.
  const text = ctx.code.slice(fn.fn.start ?? 0, fn.fn.end ?? ctx.code.length);
  const free = (base: string): string => {
    let name = base;
    while (text.includes(name) || taken.has(name)) name += "_";
    taken.add(name);
    return name;
  };
  return {
    form,
    statement,
    list: receiver.name,
    cb,
    params,
    results: free("_results"),
    index: free("_index"),
    count: free("_count"),
    label: free("_each"),
    returns,
    ...(options ? { options } : {}),
  };
}

/**
 * Whether a block body can be copied into the loop (its own `return`s collected in `returns`): no
 * directive, and no `var` or function declaration of its own, which would be declared once in the
 * variant instead of once per call.
 */
function blockCopies(ctx: Ctx, body: Node, returns: Set<Node>): boolean {
  if ((body as t.BlockStatement).directives?.length) return false;
  let ok = true;
  ctx.tree.walk(body, (n) => {
    if (!ok) return false;
    if (isFunction(n)) {
      if (n.type === "FunctionDeclaration") ok = false;
      return false;
    }
    if (n.type === "VariableDeclaration" && n.kind === "var") ok = false;
    else if (n.type === "ReturnStatement") returns.add(n);
    return undefined;
  });
  return ok;
}

/**
 * pMap's options as the loop form takes them: absent, or an object literal of plain keys whose
 * values are names or literals, so that the check before the loop and the callback form read the
 * same object (no call, no getter, no spread, no `__proto__`).
 */
function readsTheSameTwice(options: Node): boolean {
  if (options.type !== "ObjectExpression") return false;
  for (const p of options.properties as Node[]) {
    if (p.type !== "ObjectProperty" || p.computed) return false;
    const key = p.key as Node;
    const name =
      key.type === "Identifier" ? key.name : key.type === "StringLiteral" ? key.value : "__proto__";
    if (name === "__proto__") return false;
    const v = p.value as Node;
    // `stopOnError: false` gathers the errors: always the callback form (mapSync).
    if (name === "stopOnError" && isFalsyLiteral(v)) return false;
    if (
      v.type !== "Identifier" &&
      v.type !== "NumericLiteral" &&
      v.type !== "BooleanLiteral" &&
      v.type !== "StringLiteral" &&
      v.type !== "NullLiteral"
    )
      return false;
  }
  return true;
}

/** Inside a `try` that catches or finishes it (a returned call there is deferred: forms.ts). */
function inTry(ctx: Ctx, n: Node, fn: Node): boolean {
  for (let cur = n, p = ctx.tree.parent(n); p !== undefined && cur !== fn; cur = p, p = ctx.tree.parent(p)) {
    if (p.type === "TryStatement" && (cur === p.block || cur === p.handler)) return true;
  }
  return false;
}

function isFalsyLiteral(v: Node): boolean {
  if (v.type === "NullLiteral") return true;
  if (v.type === "BooleanLiteral" || v.type === "NumericLiteral" || v.type === "StringLiteral")
    return !v.value;
  return false;
}
