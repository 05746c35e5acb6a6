import type { types as t } from "@babel/core";
import { type AwaitFact, blocksOnWorker, type TwinCheck, WHY } from "../inline.js";
import { MSG } from "../messages.js";
import { resolveImport } from "../resolve.js";
import { findTwin, type ImportedCallee, isTwinModule, type ResolvedTwin } from "../twins.js";
import { argumentWrite, describeArgumentWrite } from "./arg-escape.js";
import { type CallNode, type Index, resolveCallee, unknownMethodDispatch } from "./calls.js";
import { type Ctx, callText, keyName, locOf, posIn, sourceOf, warn } from "./ctx.js";
import { undispatchable } from "./dispatch-plan.js";
import { interleaving, runsToEnd } from "./effects.js";
import { deferredReturns, iifeDeferrals, promisedLeaf } from "./forms.js";
import { asyncLimitKind, limitedMap } from "./limiters.js";
import { planLoopCopies } from "./loop-copy.js";
import type { SaFunction } from "./model.js";
import { writeOutside } from "./outside.js";
import { planDefaults } from "./param-defaults.js";
import { provenPrimitive } from "./primitive.js";
import { isImportedCall, knownAsyncCall, proofOf } from "./prove.js";
import {
  functionStartsNothing,
  provenSync,
  type StartedNode,
  shownClasses,
  walkWhereWritten,
} from "./sync-proof.js";
import { CALLS_ITS_ARGUMENTS } from "./sync-table.js";
import { isFunction, type Node } from "./tree.js";
import { twinByName, twinSuggestion } from "./twin-by-name.js";
import { calledFunction, calledWith, globalCallee, importedCallee } from "./twin-callee.js";
import { iifeReturns, memberName, soleMapCallback, strip } from "./view.js";
import { functionOf, functionOfBinding } from "./writes.js";

/**
 * Describes each promise-producing leaf of an awaited (or returned) expression. Conditionals,
 * logical operators, sequences and TS wrappers are looked through, so `await (c ? f() : g())`
 * maps both branches (fixture inline/conditional-await).
 */
function leavesOf(
  ctx: Ctx,
  index: Index,
  value: Node,
  returned: boolean,
  strictReturns: boolean,
  out: Map<Node, AwaitFact>,
  owner: SaFunction,
): void {
  const node = strip(value);
  // `return ((x) => ok(x))(k)`: the IIFE's call gives what its function returns, each a leaf of
  // the await or return around the call (attack25 F08, fixture inline/iife-returned-call).
  const iife = iifeReturns(node);
  if (iife && iife.tried.length === 0) {
    for (const s of iife.slots)
      leavesOf(ctx, index, s.holder[s.key] as Node, returned, strictReturns, out, owner);
    return;
  }
  // One that returns from inside a `try`: there the async function's promise settles after the
  // `try` is left, so its `catch` never sees the call fail and its `finally` runs first. A call
  // the copy can make later (forms.ts `promisedLeaf`) is made after the IIFE's `try`
  // (`_sa.later`, settled where the IIFE's value is taken: forms.ts `iifeDeferrals`), a value
  // proven plain is the same in both, and one the copy cannot map gives its own reason: the IIFE
  // is followed (fixture inline/iife-return-in-try). A `finally` that returns would discard a call
  // the async function had already started; a value the copy only checks would be checked inside
  // the `try` its `catch` sees: those keep the check of the IIFE's result, or take the worker.
  const tried = iife?.tried ?? [];
  if (tried.length > 0) {
    const inside = new Map<Node, AwaitFact>();
    for (const v of tried) leavesOf(ctx, index, v, returned, strictReturns, inside, owner);
    const facts = [...inside];
    const later = facts.some(([n, f]) => promisedLeaf(owner, n, f));
    const follows = facts.every(
      ([n, f]) => f.kind === "not-promise" || f.kind === "unmappable" || promisedLeaf(owner, n, f),
    );
    if (follows && !(later && iife!.finallyReturns)) {
      owner.iifeTried ??= new Set();
      owner.iifeTried.add(node);
      for (const s of iife!.slots) {
        const value = s.holder[s.key] as Node;
        if (!tried.includes(value)) leavesOf(ctx, index, value, returned, strictReturns, out, owner);
      }
      for (const [n, f] of inside) out.set(n, f);
      return;
    }
    if (facts.some(([, f]) => f.kind !== "not-promise" && f.kind !== "guarded")) {
      const why = later && iife!.finallyReturns ? WHY.iifeFinallyReturns : WHY.iifeInTry;
      out.set(node, { kind: "unmappable", why: why(guardText(ctx, node)) });
      return;
    }
  }
  if (node.type === "ConditionalExpression") {
    leavesOf(ctx, index, node.consequent, returned, strictReturns, out, owner);
    leavesOf(ctx, index, node.alternate, returned, strictReturns, out, owner);
    return;
  }
  if (node.type === "LogicalExpression") {
    // The left operand is tested, not only passed on: in the async function a promise there is
    // truthy and never nullish (`count() || "default"` is count's promise, `count() && log()`
    // runs log), where the copy's mapped call would test the value (attack 17, F1). A leaf there
    // that is a promise in the async function cannot be mapped; the variant takes a worker,
    // which runs the async function as written. A value proven or guarded means the same in both.
    const left = new Map<Node, AwaitFact>();
    leavesOf(ctx, index, node.left, returned, strictReturns, left, owner);
    for (const [n, f] of left)
      out.set(
        n,
        isPromiseHere(f) ? { kind: "unmappable", why: WHY.tested(guardText(ctx, n), node.operator) } : f,
      );
    leavesOf(ctx, index, node.right, returned, strictReturns, out, owner);
    return;
  }
  if (node.type === "SequenceExpression") {
    leavesOf(ctx, index, node.expressions[node.expressions.length - 1], returned, strictReturns, out, owner);
    return;
  }
  out.set(node, factOf(ctx, index, node, returned, strictReturns, owner));
}

/**
 * Whether an options property writes the literal `value` (`ref: true`), the default the twin
 * behaves as: a shorthand, a name or any other expression may hold another value, so not.
 */
function writesDefault(p: Node, value: boolean | undefined): boolean {
  if (value === undefined || p.type !== "ObjectProperty") return false;
  const v = strip(p.value as Node);
  return v.type === "BooleanLiteral" && v.value === value;
}

/**
 * A leaf whose value in the async function is certainly a promise: a call of an async smartasync
 * function (a sync-kind or dispatched callee is guarded: it may give a value), a promise API with
 * a twin, `Promise.all`/`allSettled`, and what cannot be mapped at all.
 */
function isPromiseHere(f: AwaitFact): boolean {
  switch (f.kind) {
    case "smartasync":
      return f.guard === undefined;
    case "twin":
    case "mapAll":
    case "combinator":
      return true;
    default:
      return false;
  }
}

const TIMERS = new Set(["queueMicrotask", "setTimeout", "setImmediate", "setInterval"]);
/** The callback-taking functions of `node:timers` (`timers/promises` gives promises: a guard sees them). */
const TIMER_EXPORTS = new Set(["setTimeout", "setImmediate", "setInterval"]);

/**
 * Whether a callee is a queuing primitive however it is spelled (attack20 F10): the global
 * (`queueMicrotask`, `globalThis.queueMicrotask`, `(0, queueMicrotask)`, a `const` alias),
 * `process.nextTick` (`process["nextTick"]`, `const { nextTick } = process`), an export of
 * `node:timers` (`import { setImmediate as defer }`, `timers.setImmediate`), `AbortSignal.timeout`,
 * and any of these called through `.call`/`.apply`. The spellings are twin-callee.ts's, read once.
 */
function queuesCallback(ctx: Ctx, callee: Node): boolean {
  const fn = calledFunction(callee);
  if (unknownGlobalMember(ctx, fn)) return true;
  const g = globalCallee(ctx, fn);
  // `AbortSignal.timeout(n)` starts a timer that aborts the signal it gives: its `onabort` and
  // its "abort" listeners run when that timer fires (attack22 F5).
  if (g !== undefined)
    return (
      (g.length === 1 && TIMERS.has(g[0]!)) ||
      (g.length === 2 && g[0] === "process" && g[1] === "nextTick") ||
      // Node emits the warning on the next tick: `process.on("warning")` handlers run then
      // (attack23 F4).
      (g.length === 2 && g[0] === "process" && g[1] === "emitWarning") ||
      (g.length === 2 && g[0] === "AbortSignal" && g[1] === "timeout")
    );
  const imported = importedCallee(ctx, fn, true);
  if (imported === undefined || imported.module.replace(/^node:/, "") !== "timers") return false;
  // A named import, or a member of the namespace or default import: the same function.
  return imported.path.length === 1 && TIMER_EXPORTS.has(imported.path[0]!);
}
/**
 * `process[k]`, `globalThis[k]`, `global[k]` with a key the file does not spell as a string: any
 * of their members, `nextTick` and `setTimeout` included (attack21 F13). A `const` name bound to a
 * string is that string (`const k = "nextTick"; process[k]`): read as that member.
 */
function unknownGlobalMember(ctx: Ctx, fn: Node): boolean {
  const m = strip(fn);
  if ((m.type !== "MemberExpression" && m.type !== "OptionalMemberExpression") || !m.computed) return false;
  const o = strip(m.object as Node);
  if (o.type !== "Identifier" || !["process", "globalThis", "global"].includes(o.name)) return false;
  if (ctx.scopes.binding(o, o.name)) return false;
  const key = strip(m.property as Node);
  if (key.type === "StringLiteral" || key.type === "NumericLiteral") return false;
  const value = key.type === "Identifier" ? constString(ctx, key) : undefined;
  if (value === undefined) return true;
  return o.name === "process" ? value === "nextTick" : TIMERS.has(value);
}

/** The string a `const` name is bound to (`const k = "nextTick"`), never reassigned. */
function constString(ctx: Ctx, id: t.Identifier): string | undefined {
  const b = ctx.scopes.binding(id, id.name);
  if (b?.kind !== "const" || b.violations.length || b.node.type !== "VariableDeclarator") return undefined;
  const init = b.node.init ? strip(b.node.init as Node) : undefined;
  return init?.type === "StringLiteral" ? init.value : undefined;
}

/**
 * Whether a call queues a callback: a queuing primitive called however spelled, or handed to a
 * built-in method that calls its argument (`[cb].forEach(queueMicrotask)` queues each `cb`).
 */
function queuesWork(ctx: Ctx, call: CallNode): boolean {
  if (queuesCallback(ctx, call.callee as Node) || nodeCallbackCall(ctx, call)) return true;
  const { fn, args } = calledWith(ctx, call);
  if (postsMessage(ctx, fn) || startsFlowing(call, fn)) return true;
  if (fn !== call.callee && queuesCallback(ctx, fn)) return true;
  const at = handedAt(fn);
  const a = at === undefined || args === undefined ? undefined : args[at];
  return a !== undefined && a.type !== "SpreadElement" && queuesCallback(ctx, a);
}

/**
 * A `postMessage` method, whatever the receiver (attack22 F5): a `MessageChannel` port's (the
 * standard macrotask scheduler: its other port's `onmessage` runs when the thread is free), a
 * `BroadcastChannel`'s, a `Worker`'s (the worker's answer is an event of this thread). The message
 * is delivered later, on the event loop — in the async function during its await —, like a
 * timer's callback; the build cannot tell whether a handler of this thread receives it (or an
 * answer), so it counts as queued work, as `emit` does. Not `parentPort.postMessage` of
 * `node:worker_threads`: it posts to the parent thread, and in a worker variant that parent is
 * smartasync's blocked caller, which refuses it (docs/runtime.md); such a call keeps its guard.
 */
function postsMessage(ctx: Ctx, fn: Node): boolean {
  const m = strip(fn);
  if (memberName(m) !== "postMessage") return false;
  const imported = importedCallee(ctx, m, true);
  return !(
    imported !== undefined &&
    imported.module.replace(/^node:/, "") === "worker_threads" &&
    imported.path[0] === "parentPort"
  );
}

/** Listener methods whose "data"/"readable" listener makes a readable stream flow. */
const LISTENS = new Set(["on", "once", "addListener", "prependListener", "prependOnceListener"]);

/**
 * A readable stream set flowing (attack23 F4): a "data" or "readable" listener added, or
 * `resume()` called, starts reading on the next tick, and the listener runs then, during the
 * async function's await (`Readable.from(xs).on("data", cb)`). The receiver's class is not
 * known: any receiver counts (an emitter's own "data" event only gets the worker variant, the
 * safe side). `pipe()` does not: other libraries' `pipe` (an observable's) is synchronous.
 */
function startsFlowing(call: CallNode, fn: Node): boolean {
  const name = memberName(strip(fn));
  if (name === "resume") return true;
  if (name === undefined || !LISTENS.has(name)) return false;
  const first = fn === call.callee ? (call.arguments[0] as Node | undefined) : undefined;
  const event = first === undefined ? undefined : strip(first);
  return event?.type === "StringLiteral" && (event.value === "data" || event.value === "readable");
}

/** Node's own modules whose functions follow the callback convention (the callback last). */
const CALLBACK_MODULES = new Set([
  "fs",
  "zlib",
  "crypto",
  "dns",
  "child_process",
  "stream",
  "http",
  "https",
  "net",
  "tls",
]);

/**
 * A function of one of Node's own modules called with a function last (`fs.stat(p, cb)`,
 * `zlib.gzip(x, cb)`, `crypto.randomBytes(n, cb)`, `require("dns").lookup(h, cb)`): by Node's
 * callback convention the callback runs later, on the event loop, so it queues work as a timer
 * does (attack22 F5: the `started` guard saw only its `undefined`). Any last argument not
 * proven data (a primitive, an object or array literal) is taken for a callback: `cb` made by a
 * call or handed in as a parameter queues as much (`randomBytes(size)` of an unknown `size` is
 * then taken for one too: the safe side, a worker variant).
 */
function nodeCallbackCall(ctx: Ctx, call: CallNode): boolean {
  const args = call.arguments as Node[];
  const last = args[args.length - 1];
  if (last === undefined || last.type === "SpreadElement") return false;
  const cb = strip(last);
  if (cb.type === "ObjectExpression" || cb.type === "ArrayExpression" || provenPrimitive(ctx, cb))
    return false;
  const imported = importedCallee(ctx, calledFunction(call.callee as Node), true);
  if (imported === undefined || imported.path.length !== 1) return false;
  const name = imported.path[0]!;
  // A factory's function (`createServer(listener)`, `createConnection(opts, onConnect)`) is a
  // listener the object keeps, like `emitter.on("x", cb)`: a worker variant would make the server
  // on the worker's thread, so such a call keeps the check of its result.
  return (
    CALLBACK_MODULES.has(imported.module.replace(/^node:/, "")) &&
    !name.endsWith("Sync") &&
    !name.startsWith("create")
  );
}

/** The argument position a built-in method named like `fn` calls before it returns (`forEach(cb)`). */
function handedAt(fn: Node): number | undefined {
  const name = memberName(strip(fn));
  return name === undefined ? undefined : CALLS_ITS_ARGUMENTS.get(name);
}

const QUEUEING_METHODS = new Set(["emit", "then", "catch", "finally"]);
/**
 * What an annotated function starts before its awaits: `known`, the calls that certainly queue
 * work (a worker variant at the next await); `unproven`, the calls not proven to start none
 * (sync-proof.ts), which the inline copy keeps behind a run-time check of their result.
 */
interface Started {
  known: readonly Node[];
  unproven: readonly Node[];
}
const queuing = new WeakMap<SaFunction, Started>();

/**
 * The calls of an annotated function that queue work to run at its next `await`: a call of
 * `queueMicrotask`, `setTimeout`, `setImmediate`, `setInterval`, `process.nextTick` however
 * spelled (`queuesCallback`), a method
 * named `emit`, `then`, `catch` or `finally` — and any call started and not awaited at once whose
 * result may be a promise (attack 17, F19): an async function runs to its first `await` and
 * queues the rest, like a callback (`audit(msg)` left floating, `void record()`, a promise held
 * and awaited later; `startsWork`).
 */
function queuingCalls(ctx: Ctx, index: Index, owner: SaFunction): Started {
  const known = queuing.get(owner);
  if (known !== undefined) return known;
  const found: Node[] = [];
  const unproven: Node[] = [];
  ctx.tree.walk(
    owner.fn as Node,
    (n) => {
      if (n.type !== "CallExpression" && n.type !== "OptionalCallExpression") return undefined;
      const callee = strip(n.callee as Node);
      if (queuesWork(ctx, n as CallNode)) found.push(n);
      else if (callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") {
        const name = callee.computed ? undefined : (callee.property as { name?: string }).name;
        if (name !== undefined && QUEUEING_METHODS.has(name)) found.push(n);
      }
      return undefined;
    },
    true,
  );
  // Calls the function itself starts (not those of callbacks it only creates) and does not await
  // at once: what an `await` or a `return` takes runs before it, and a promise handed to the
  // await is its own leaf; an async generator's `for await` source starts nothing until read.
  const visit = (n: Node): boolean | undefined => {
    if (n.type === "AwaitExpression" || n.type === "ReturnStatement") return false;
    // A function or class only created runs none of its body, but a computed key, a static
    // field and a `static {}` block run where the definition is evaluated (attack21 F2).
    if (isFunction(n) || n.type === "ClassBody") return walkWhereWritten(ctx, n, visit);
    const iterated = iteratedShown(ctx, n);
    if (iterated && !found.includes(n) && startsIterating(ctx, index, iterated)) found.push(n);
    if (
      n.type !== "CallExpression" &&
      n.type !== "OptionalCallExpression" &&
      n.type !== "NewExpression" &&
      n.type !== "TaggedTemplateExpression"
    )
      return undefined;
    const parent = ctx.tree.parent(n);
    if (parent?.type === "ForOfStatement" && parent.await && parent.right === n) return undefined;
    if (found.includes(n)) return undefined;
    const starts = startsWork(ctx, index, n as StartedNode);
    if (starts === "known") found.push(n);
    // A call inside an optional chain that goes on after it (`a?.b().c()`) cannot take the check
    // around its result without breaking the chain's short circuit: it is counted as queuing.
    else if (starts === "unproven") (chained(ctx, n) ? found : unproven).push(n);
    return undefined;
  };
  // Imported helpers are not asked here: only the calls left unproven before an await the copy
  // drops are, by `startedBefore` (a module is read for no call that cannot matter).
  const asked = askImports;
  askImports = false;
  try {
    ctx.tree.walk(owner.fn.body as Node, visit);
  } finally {
    askImports = asked;
  }
  const started = { known: found, unproven };
  queuing.set(owner, started);
  return started;
}

/**
 * The calls of `owner` whose work may be queued when `site` is reached (`before`), known or
 * unproven: an unproven one is asked again with its imported helpers followed (`importStarts`),
 * which may make it known. Only here, so another module is read only for a call written before
 * an await (or in a loop around it) that nothing else proves or makes known.
 */
function startedBefore(ctx: Ctx, index: Index, owner: SaFunction, site: Node): Started {
  const started = queuingCalls(ctx, index, owner);
  const known = before(ctx, started.known, owner, site);
  const unproven: Node[] = [];
  for (const call of before(ctx, started.unproven, owner, site)) {
    let starts = withImports.get(call);
    if (starts === undefined) {
      starts = startsWork(ctx, index, call as StartedNode) === "known";
      withImports.set(call, starts);
    }
    (starts ? known : unproven).push(call);
  }
  return { known, unproven };
}

/**
 * Whether `importStarts` is asked: not while `queuingCalls` sorts a body's calls (the answer is
 * needed only for the calls `startedBefore` asks again). `runsKnown` keeps a memo for each.
 */
let askImports = true;
/** `startedBefore`'s answers, by call. */
const withImports = new WeakMap<Node, boolean>();

/** A call of an optional chain whose result the chain goes on reading (`a?.b().c`). */
function chained(ctx: Ctx, n: Node): boolean {
  if (n.type !== "OptionalCallExpression") return false;
  const parent = ctx.tree.parent(n);
  return (
    (parent?.type === "OptionalMemberExpression" && parent.object === n) ||
    (parent?.type === "OptionalCallExpression" && parent.callee === n)
  );
}

/**
 * Whether a call started and not awaited may leave work queued. `known`: a call known to be
 * asynchronous (`prove.ts`, `knownAsyncCall`: a function of the module declared `async`, an
 * async IIFE, `fetch`, `Promise.*`, `x.then(…)`, a promise API of a module with twins) or of a
 * smartasync function that may be async (of kind async, imported, or dispatched at run time).
 * Undefined: proven to start none (sync-proof.ts, `provenSync`: a built-in of the table,
 * `require`, a sync variant, a method of a proven array or string, a function whose body the
 * file shows and which starts nothing). `unproven`: anything else, a call the build cannot see
 * into (an import without facts, a parameter, a method of an unknown receiver): its result is
 * checked at run time (attack 17, F19; docs/semantics.md, the yield-point row).
 */
function startsWork(ctx: Ctx, index: Index, call: StartedNode, depth = 0): "known" | "unproven" | undefined {
  if (call.type === "CallExpression" || call.type === "OptionalCallExpression") {
    // An import of a module with twins is left out: `existsSync` is one of `fs`'s sync functions.
    if (knownAsyncCall(ctx, call) && !isImportedCall(ctx, call)) return "known";
    const r = resolveCallee(ctx, index, call);
    // `obj.m()` matched only by a method's name (`this.cache.get(k)` beside an annotated `get`):
    // whatever the receiver holds runs, a Map's `get` as likely as the method. Checked at run
    // time like any unproven call, not taken for async work (attack19 F9: a valid method was
    // refused with SA301, which a worker could not take).
    if (r && !r.explicit && r.shape.kind === "dispatch")
      return provenSync(ctx, index, call) ? undefined : unprovenOrInside(ctx, index, call, depth);
    // One that runs to its end within the call (no `await` of its own) queues nothing.
    if (
      r &&
      !r.explicit &&
      (r.fn === undefined || (r.fn.kind === "async" && !runsToEnd(ctx, r.fn.fn, index)))
    )
      return "known";
  }
  return provenSync(ctx, index, call) ? undefined : unprovenOrInside(ctx, index, call, depth);
}

/**
 * An unproven call that runs a function the module shows which starts known async work: `known`,
 * like that async call written directly (attack20 F1). The guard could only check the outer
 * call's result (`forEach`'s `undefined`), while the promise the inner call gave is dropped inside
 * the callback. Any other unproven call keeps its run-time check.
 */
function unprovenOrInside(ctx: Ctx, index: Index, call: StartedNode, depth: number): "known" | "unproven" {
  if (startsKnownInside(ctx, index, call, depth) || importStarts(ctx, call)) return "known";
  // A generator of the module not proven to start nothing: its body runs when the object it
  // gives is iterated, by a `for…of` or a built-in, where no check of this call's result (a
  // generator object, never a thenable) can see the work (attack21 F2).
  if (call.type === "CallExpression" || call.type === "OptionalCallExpression") {
    const gen = functionOf(ctx, strip(calledWith(ctx, call).fn));
    if (gen?.generator) return "known";
  }
  return "unproven";
}

/**
 * Whether `call` calls, constructs or tags with a plain function or class imported from another
 * module of the project whose body starts known async work and does not wait for it (`notify(m)`
 * of a module whose `notify` calls its async `audit`, `new Job(m)`, `` tag`…` ``,
 * `helpers.notify(m)`): asked of the module graph (`ModuleGraph.exportStarts`), which opens that
 * one export in that module and reads it with `exportStartsWork`, the rule for a helper of this
 * module (attack20 F1). Only where a call asks: no module is read for it otherwise.
 */
function importStarts(ctx: Ctx, call: StartedNode): boolean {
  if (!askImports || !ctx.graph || !ctx.filename) return false;
  const callee =
    call.type === "TaggedTemplateExpression"
      ? (call.tag as Node)
      : call.type === "NewExpression"
        ? (call.callee as Node)
        : calledFunction(call.callee as Node);
  const imported = importedCallee(ctx, callee, true);
  if (!imported) return false;
  // A named import or a namespace's member (`notify`, `helpers.notify`), or a default import.
  const name =
    imported.via === "default"
      ? imported.path.length === 0
        ? "default"
        : undefined
      : imported.path.length === 1
        ? imported.path[0]
        : undefined;
  return name !== undefined && ctx.graph.exportStarts(imported.module, ctx.filename, name);
}

/**
 * Whether the plain function or class a module exports as `name` (`export function notify`,
 * `export class Job`, `export const f = () => …`, `export { f as g }`, `export default …`) starts
 * known async work when called, constructed or used as a tag, by the rule for a helper of the
 * module itself (`runsKnown`). The module is the graph's, read on its own (module-graph.ts
 * `exportStarts`): only the export asked for is read. An annotated function has facts of its own
 * (the importer follows them); re-exports and CommonJS exports are not followed.
 */
export function exportStartsWork(ctx: Ctx, index: Index, fns: readonly SaFunction[], name: string): boolean {
  const node = exportedCode(ctx, name);
  if (!node || fns.some((f) => f.fn === node)) return false;
  // A fresh memo: the module's context lives as long as its text (the graph's scan), while the
  // answer also reads other modules (their exports' bodies), which may have changed since.
  const kept = insideMemo.get(ctx);
  const asked = askImports;
  insideMemo.set(ctx, new Map());
  askImports = true;
  try {
    return runsKnown(ctx, index, node, 1);
  } finally {
    askImports = asked;
    if (kept) insideMemo.set(ctx, kept);
    else insideMemo.delete(ctx);
  }
}

/** The function or class the module's own export `name` holds, when it shows one. */
function exportedCode(ctx: Ctx, name: string): Node | undefined {
  const ofBinding = (at: Node, local: string): Node | undefined => {
    const b = ctx.scopes.binding(at, local);
    if (!b || b.violations.length) return undefined;
    if (b.node.type === "ClassDeclaration") return b.node;
    const fn = functionOfBinding(b);
    if (fn) return fn as Node;
    const init = b.node.type === "VariableDeclarator" && b.node.init ? strip(b.node.init as Node) : undefined;
    return init?.type === "ClassExpression" && b.kind === "const" ? init : undefined;
  };
  for (const st of ctx.program.body as Node[]) {
    if (st.type === "ExportNamedDeclaration" && !st.source && st.exportKind !== "type") {
      const d = st.declaration as Node | null | undefined;
      if (d && (d.type === "FunctionDeclaration" || d.type === "ClassDeclaration") && d.id) {
        if (d.id.name === name) return ofBinding(d, name);
      } else if (d?.type === "VariableDeclaration" && d.kind === "const") {
        for (const v of d.declarations)
          if (v.id.type === "Identifier" && v.id.name === name) return ofBinding(v as Node, name);
      }
      for (const sp of st.specifiers) {
        if (sp.type !== "ExportSpecifier" || sp.exportKind === "type" || sp.local.type !== "Identifier")
          continue;
        const exported = sp.exported.type === "Identifier" ? sp.exported.name : sp.exported.value;
        if (exported === name) return ofBinding(sp.local as Node, sp.local.name);
      }
    } else if (st.type === "ExportDefaultDeclaration" && name === "default") {
      const d = strip(st.declaration as Node);
      if (d.type === "Identifier") return ofBinding(d, d.name);
      if (isFunction(d) || d.type === "ClassDeclaration" || d.type === "ClassExpression") return d;
      return undefined;
    }
  }
  return undefined;
}

/** How many functions deep a callback or helper is followed; deeper is left to the guard. */
const INSIDE_DEPTH = 8;
const insideMemo = new WeakMap<Ctx, Map<Node, boolean | "pending">>();
/** `runsKnown`'s memo while imported helpers are not asked (`askImports`). */
const insideMemoLocal = new WeakMap<Ctx, Map<Node, boolean | "pending">>();

/**
 * Whether a call runs code the module shows that starts known async work: the function it calls
 * (a function of the module, a function written in place, a tag function, a shown class's
 * constructor and field initialisers) and the function handed to a method that calls it
 * (`users.forEach(audit)`, `ms.map((m) => audit(m))`, `.find`). Known async work in such code: a call `startsWork` takes as `known`
 * (followed through the module's functions, bounded), a queuing primitive, or the function
 * itself being async and pausing (its rest is queued). A callback the build cannot see (a
 * parameter, an import) is not followed: the outer call keeps its guard (docs/semantics.md).
 */
function startsKnownInside(ctx: Ctx, index: Index, call: StartedNode, depth: number): boolean {
  if (depth > INSIDE_DEPTH) return false;
  const reached: Node[] = [];
  const shown = (n: Node): void => {
    const s = strip(n);
    const fn = isFunction(s) ? s : functionOf(ctx, s);
    if (fn) reached.push(fn as Node);
  };
  if (call.type === "TaggedTemplateExpression") shown(call.tag as Node);
  else if (call.type === "NewExpression")
    for (const cls of shownClasses(ctx, call.callee as Node) ?? []) reached.push(cls);
  // The argument a built-in calls before it returns (`forEach(cb)`, `map`, `find`, `Array.from(xs,
  // fn)`), by the method's name whatever the receiver. A function handed to another call may be
  // only kept (`emitter.on("x", cb)`): a worker variant would register it on the worker's thread,
  // so that call keeps its run-time check.
  // So through `.call`, `.apply` and `Reflect.apply` (`Array.prototype.forEach.call(xs, cb)`).
  if (call.type === "CallExpression" || call.type === "OptionalCallExpression") {
    const { fn, args } = calledWith(ctx, call);
    shown(fn);
    const at = handedAt(fn);
    if (
      at !== undefined &&
      args !== undefined &&
      !args.slice(0, at).some((a) => a.type === "SpreadElement")
    ) {
      const a = args[at];
      if (a !== undefined && a.type !== "SpreadElement") shown(a);
    }
  }
  return reached.some((r) => runsKnown(ctx, index, r, depth + 1));
}

/** Whether running `root` (a function called, or a class constructed) starts known async work. */
function runsKnown(ctx: Ctx, index: Index, root: Node, depth: number): boolean {
  const memo = askImports ? insideMemo : insideMemoLocal;
  let known = memo.get(ctx);
  if (!known) {
    known = new Map();
    memo.set(ctx, known);
  }
  const hit = known.get(root);
  // Recursion: what the cycle starts is found where it started.
  if (hit !== undefined) return hit === true;
  known.set(root, "pending");
  let found = false;
  if (root.type === "ClassDeclaration" || root.type === "ClassExpression") {
    const cls = root as t.Class;
    const supers = cls.superClass ? (shownClasses(ctx, cls.superClass as Node) ?? []) : [];
    found = supers.some((s) => runsKnown(ctx, index, s as Node, depth + 1));
    for (const m of cls.body.body as Node[]) {
      if (found) break;
      if ((m as { static?: boolean }).static) continue;
      if (m.type === "ClassMethod" && m.kind === "constructor") found = runsKnown(ctx, index, m, depth);
      else if ((m.type === "ClassProperty" || m.type === "ClassPrivateProperty") && m.value)
        found = codeStartsKnown(ctx, index, m.value as Node, depth);
    }
  } else if (isFunction(root)) {
    const fn = root as t.Function;
    // An async function that pauses queues its rest. A generator's body runs when the object it
    // gives is iterated, which is taken to be where it is called (attack21 F2).
    found =
      (fn.async && !fn.generator && !runsToEnd(ctx, fn, index)) || codeStartsKnown(ctx, index, root, depth);
  }
  known.set(root, found);
  return found;
}

/** Whether `root`'s own code (not functions it only creates) starts known async work. */
function codeStartsKnown(ctx: Ctx, index: Index, root: Node, depth: number): boolean {
  let found = false;
  const visit = (n: Node): boolean | undefined => {
    if (found) return false;
    if (n !== root && isFunction(n)) return walkWhereWritten(ctx, n, visit);
    if (n.type === "CallExpression" || n.type === "OptionalCallExpression") {
      if (queuesWork(ctx, n as CallNode)) found = true;
    }
    const iterated = found ? undefined : iteratedShown(ctx, n);
    if (iterated) found = runsKnown(ctx, index, iterated as Node, depth + 1);
    if (
      !found &&
      (n.type === "CallExpression" ||
        n.type === "OptionalCallExpression" ||
        n.type === "NewExpression" ||
        n.type === "TaggedTemplateExpression")
    )
      found = startsWork(ctx, index, n as StartedNode, depth) === "known";
    return found ? false : undefined;
  };
  ctx.tree.walk(root, visit);
  return found;
}

/**
 * The iterator method an iteration runs, where the file shows it (attack21 F2): `for (x of o)`,
 * `[...o]`, `f(...o)`, `const [x] = o`, `[x] = o`, `yield* o`, `Array.from(o)` of an object
 * literal, or a `const` bound to one never reassigned, with a `[Symbol.iterator]` method.
 */
function iteratedShown(ctx: Ctx, n: Node): t.Function | undefined {
  let iterable: Node | undefined;
  if (n.type === "ForOfStatement" && !n.await) iterable = n.right as Node;
  else if (n.type === "SpreadElement" && ctx.tree.parent(n)?.type !== "ObjectExpression")
    iterable = n.argument as Node;
  else if (n.type === "VariableDeclarator" && n.id.type === "ArrayPattern")
    iterable = n.init as Node | undefined;
  else if (n.type === "AssignmentExpression" && n.left.type === "ArrayPattern") iterable = n.right as Node;
  else if (n.type === "YieldExpression" && n.delegate) iterable = n.argument as Node;
  else if (n.type === "CallExpression") {
    const g = globalCallee(ctx, n.callee as Node);
    if (g?.length === 2 && g[0] === "Array" && g[1] === "from") iterable = n.arguments[0] as Node | undefined;
  }
  if (!iterable) return undefined;
  let o = strip(iterable);
  if (o.type === "Identifier") {
    const b = ctx.scopes.binding(o, o.name);
    if (b?.kind !== "const" || b.violations.length || b.node.type !== "VariableDeclarator") return undefined;
    o = b.node.init ? strip(b.node.init as Node) : o;
  }
  if (o.type !== "ObjectExpression") return undefined;
  for (const p of o.properties as Node[]) {
    if (p.type !== "ObjectMethod" || !p.computed) continue;
    const k = strip(p.key as Node);
    if (
      k.type === "MemberExpression" &&
      memberName(k) === "iterator" &&
      globalCallee(ctx, k)?.[0] === "Symbol"
    )
      return p;
  }
  return undefined;
}

/**
 * Whether iterating an object whose iterator method the file shows may start work: it starts
 * known async work, or is not proven to start none — no check of a result can see it (attack21 F2).
 */
function startsIterating(ctx: Ctx, index: Index, method: t.Function): boolean {
  return runsKnown(ctx, index, method as Node, 1) || !functionStartsNothing(ctx, index, method);
}

const LOOPS = new Set([
  "ForStatement",
  "ForInStatement",
  "ForOfStatement",
  "WhileStatement",
  "DoWhileStatement",
]);

/**
 * Whether work may be queued when `site` (an `await`) is reached: a queuing call written before
 * it, or inside a loop around it (the call of an earlier turn). That await is where the queued
 * callback runs, whatever it awaits — `await null`, a sleep, a twin's I/O, a sync variant's call
 * — and the inline copy, which drops the await, would let it run only after the sync variant
 * returned (attack 15 F16; attack 16 F8 for twins and smartasync calls). Work queued after the
 * last await runs after the function in both variants.
 */
function queuedBefore(ctx: Ctx, index: Index, owner: SaFunction, site: Node): Node | undefined {
  return startedBefore(ctx, index, owner, site).known[0];
}

/**
 * The calls of `calls` whose work may be queued when `site` is reached: written before it (a call
 * around the await, `log.push(await x)`, runs after it), or inside a loop around it (the call of
 * an earlier turn).
 */
function before(ctx: Ctx, calls: readonly Node[], owner: SaFunction, site: Node): Node[] {
  if (calls.length === 0 || site.start == null) return [];
  const out = calls.filter((c) => c.end! <= site.start!);
  for (let p = ctx.tree.parent(site); p && p !== owner.fn; p = ctx.tree.parent(p))
    if (LOOPS.has(p.type))
      for (const c of calls) if (c.start! >= p.start! && c.end! <= p.end! && !out.includes(c)) out.push(c);
  return out;
}

/**
 * Whether a twin-by-name callee is a member read from an object the program can change: a
 * CommonJS module's exports through a default import (`store.find`) or `require` (a name bound
 * to `require("x")`, or `require("x").find`). A named import or destructured `require` holds the
 * function as the module exported it, and an ES namespace object cannot be written, so neither
 * can be replaced behind the build's back (attack 15, F20).
 */
function readsLiveExports(ctx: Ctx, callee: Node): boolean {
  const node = strip(callee);
  if (node.type !== "MemberExpression" && node.type !== "OptionalMemberExpression") return false;
  let root: Node = node;
  while (root.type === "MemberExpression" || root.type === "OptionalMemberExpression")
    root = strip((root as { object: Node }).object);
  if (root.type !== "Identifier") return true;
  const b = ctx.scopes.binding(root, root.name);
  return b?.node.type !== "ImportNamespaceSpecifier";
}

/**
 * A twin call whose arguments mean the same to the twin (docs/semantics.md, "Twins"): an options
 * literal with a key only the promise API honours (`{ signal }`) is not mapped; options and data
 * the build cannot see are checked at run time.
 */
function twinFact(ctx: Ctx, call: CallNode, twin: ResolvedTwin): AwaitFact {
  const rules = twin.args;
  const checks: TwinCheck[] = [];
  // A `twins` entry names a function smartasync has not seen: like a twin found by name, its
  // result is checked, not assumed sync (a built-in twin such as `readFileSync` is known to be).
  const guard = twin.configured
    ? { loc: locOf(ctx, call), text: `${twin.name}(${call.arguments.length ? "..." : ""})` }
    : undefined;
  const fact: AwaitFact & { kind: "twin" } = { kind: "twin", twin, checks };
  if (guard) fact.guard = guard;
  if (twin.promise !== undefined)
    fact.replaced = { loc: locOf(ctx, call), text: callText(ctx, call), promise: twin.promise };
  if (!rules) return fact;
  const args = call.arguments as Node[];
  if (args.some((a) => a.type === "SpreadElement"))
    return { kind: "unmappable", why: WHY.twinArgs(callText(ctx, call)) };
  const name = callText(ctx, call);
  if (rules.options) {
    const { index, promiseOnly, defaults } = rules.options;
    const arg = args[index];
    const literal =
      arg && (arg.type === "StringLiteral" || arg.type === "TemplateLiteral" || arg.type === "NullLiteral");
    if (arg && !literal && !(arg.type === "Identifier" && arg.name === "undefined")) {
      let unseen = arg.type !== "ObjectExpression";
      /** A key written as its default (`ref: true`), which the run-time check would refuse. */
      let defaulted: string | undefined;
      if (arg.type === "ObjectExpression") {
        for (const p of arg.properties as Node[]) {
          const key =
            p.type === "SpreadElement" ? undefined : keyName(p as { key: Node; computed?: boolean });
          if (key === undefined) unseen = true;
          else if (!promiseOnly.includes(key)) continue;
          else if (writesDefault(p, defaults?.[key])) defaulted ??= key;
          else return { kind: "unmappable", why: WHY.promiseOnly(name, key) };
        }
      }
      // `{ ...opts, ref: true }`: the rest is checked at run time, which reads every listed key
      // whatever its value, so the default is accepted only in a literal seen whole.
      if (unseen && defaulted !== undefined)
        return { kind: "unmappable", why: WHY.promiseOnly(name, defaulted) };
      if (unseen)
        checks.push({
          kind: "options",
          index,
          promiseOnly,
          loc: locOf(ctx, arg),
          text: `the options of ${name}`,
        });
    }
  }
  if (rules.path !== undefined) {
    const arg = args[rules.path];
    if (arg && !plainPath(arg))
      checks.push({ kind: "path", index: rules.path, loc: locOf(ctx, arg), text: `the path of ${name}` });
  }
  if (rules.data !== undefined) {
    const arg = args[rules.data];
    if (arg && arg.type !== "StringLiteral" && arg.type !== "TemplateLiteral")
      checks.push({ kind: "data", index: rules.data, loc: locOf(ctx, arg), text: `the data of ${name}` });
  }
  if (rules.value !== undefined) {
    const arg = args[rules.value];
    if (arg && proofOf(ctx, arg) !== "proven")
      checks.push({ kind: "value", index: rules.value, loc: locOf(ctx, arg), text: guardText(ctx, arg) });
  }
  return fact;
}

/**
 * A path argument that is neither a file descriptor nor a FileHandle, seen in the text: a string,
 * a template, `new URL(...)` (the usual `new URL("./x", import.meta.url)`), or a string joined
 * with `+`. Anything else is checked at run time (fixture twins/path-argument-rules).
 */
function plainPath(node: Node): boolean {
  if (node.type === "StringLiteral" || node.type === "TemplateLiteral") return true;
  if (node.type === "NewExpression") {
    const callee = (node as { callee: Node }).callee;
    return callee.type === "Identifier" && (callee as { name: string }).name === "URL";
  }
  if (node.type === "BinaryExpression" && (node as { operator: string }).operator === "+") {
    const { left, right } = node as unknown as { left: Node; right: Node };
    return plainPath(left) || plainPath(right);
  }
  return false;
}

/** How a started call's guard names it: `audit(...)`, `new Job(...)`, ``tag`...` ``. */
function startedText(ctx: Ctx, node: Node): string {
  if (node.type === "TaggedTemplateExpression") return `${guardText(ctx, node.tag as Node)}\`...\``;
  return guardText(ctx, node);
}

/** How a guard names its operand: `load(...)`, `this.conn`, shortened to one line. */
function guardText(ctx: Ctx, node: Node): string {
  if (
    node.type === "CallExpression" ||
    node.type === "OptionalCallExpression" ||
    node.type === "NewExpression"
  )
    return callText(ctx, node);
  const text = sourceOf(ctx, node).replace(/\s+/g, " ");
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * The fact of one leaf: mapped (a smartasync call, a twin, `Promise.all` of those), proven not a
 * promise, a known async API (a worker variant), or guarded at run time (docs/semantics.md,
 * "Proven or guarded").
 */
function factOf(
  ctx: Ctx,
  index: Index,
  node: Node,
  returned: boolean,
  strictReturns: boolean,
  owner: SaFunction,
): AwaitFact {
  // A tagged template of a smartasync function (`` await load`…` ``): mapped as its call is,
  // when the tag is the function itself or a namespace member (a dispatched method as a tag is
  // left to the guard).
  if (node.type === "TaggedTemplateExpression") {
    const r = resolveCallee(ctx, index, node as unknown as CallNode);
    if (r && !r.explicit && (r.shape.kind === "ident" || (r.shape.kind === "member" && !r.shape.own))) {
      owner.leafCallees.set(node, r);
      const kind = r.fn?.kind ?? r.ext?.fact.kind;
      return {
        kind: "smartasync",
        callee: r.fn?.display ?? r.ext?.fact.name ?? "?",
        ...(kind === "sync"
          ? { guard: { loc: locOf(ctx, node), text: guardText(ctx, node) }, atCall: true as const }
          : {}),
      };
    }
  }
  if (node.type === "CallExpression" || node.type === "OptionalCallExpression") {
    const call = node as CallNode;
    const r = resolveCallee(ctx, index, call);
    const not =
      r && !r.explicit && r.shape.kind === "dispatch"
        ? undispatchable(call, r.shape.name, (n) => ctx.tree.parent(n))
        : undefined;
    if (not)
      // Kept as written and checked below, as a call the build cannot see into (attack21 F11).
      warn(
        ctx,
        "SA206",
        call,
        MSG.notFollowed(
          guardText(ctx, call),
          `in ${owner.variant}, ${not.reason}, so its value is checked at run time; ${not.advice}`,
        ),
      );
    else if (r && !r.explicit) {
      owner.leafCallees.set(node, r);
      const kind = r.fn?.kind ?? r.ext?.fact.kind;
      // What runs may not be a sync variant: a dispatched method or `this.m()` reaches whatever
      // the object holds (an unannotated async override, a test fake), and a sync-kind function
      // may return a promise itself — so the value is guarded (attack findings 1 and 3, fixture
      // inline/guard-dispatched).
      const mayBePromise =
        r.shape.kind === "dispatch" ||
        (r.shape.kind === "member" && r.shape.own !== undefined) ||
        kind === "sync";
      const callee = r.fn?.display ?? r.ext?.fact.name ?? (r.shape.kind === "dispatch" ? r.shape.name : "?");
      // Another module's function whose sync variant is a worker (its manifest or facts say so):
      // the inline copy blocks on it, which the report and `--deny sync-worker` must see (F3).
      // So does one whose inline copy blocks on a worker further on, in another module or in this
      // one (a function decided before this one), one call deeper (attack 16, F18).
      const ext = r.ext?.fact;
      const own = r.fn?.syncPlan;
      const worker =
        kind !== "async" || r.shape.kind === "dispatch"
          ? undefined
          : ext?.syncStrategy === "worker"
            ? { loc: locOf(ctx, node), callee, variant: ext.variant }
            : ext?.blocksOnWorker || blocksOnWorker(own)
              ? {
                  loc: locOf(ctx, node),
                  callee,
                  variant: ext?.variant ?? r.fn!.variant,
                  through: true as const,
                }
              : undefined;
      return {
        kind: "smartasync",
        callee,
        ...(mayBePromise
          ? {
              guard: {
                loc: locOf(ctx, node),
                text: guardText(ctx, node),
                ...(r.shape.kind === "dispatch" ? { dispatch: true as const } : {}),
              },
            }
          : {}),
        ...(worker ? { worker } : {}),
        ...(kind === "sync" && r.shape.kind !== "dispatch" ? { atCall: true as const } : {}),
      };
    }
    const callee = call.callee as Node;
    if (
      callee.type === "MemberExpression" &&
      callee.object.type === "Identifier" &&
      callee.object.name === "Promise" &&
      !ctx.scopes.binding(callee, "Promise")
    ) {
      const prop = callee.property.type === "Identifier" ? callee.property.name : "";
      const mapped = prop === "all" && !returned ? mapCallback(ctx, call.arguments as Node[]) : undefined;
      if (mapped?.write) {
        return {
          kind: "unmappable",
          why: WHY.mapWritesOutside(guardText(ctx, mapped.write), locOf(ctx, mapped.write)),
        };
      }
      const cb = mapped?.cb;
      if (cb) {
        const mapCall = call.arguments[0] as CallNode;
        owner.mapCallbacks ??= new Set();
        owner.mapCallbacks.add(cb);
        const list = guardText(ctx, (mapCall.callee as t.MemberExpression).object as Node);
        return {
          kind: "mapAll",
          variant: owner.variant,
          text: `Promise.all(${list}.map(async ...))`,
          guard: { loc: locOf(ctx, mapCall), text: `each result of ${list}.map(...)` },
        };
      }
      // `Promise.all(xs.map((x) => limit(() => …)))` with p-limit's limiter: the function handed
      // to the limiter is the callback whose body the copy makes sync (limiters.ts).
      const limitedShape =
        prop === "all" && !returned && !mapped ? limitedMap(ctx, call.arguments as Node[]) : undefined;
      const limitedCb = limitedShape ? plainAsyncCallback(ctx, limitedShape.inner, true) : undefined;
      // What the function changes is judged from the map's callback, whose parameters are its
      // own (the element), as for a callback of `Promise.all(xs.map(async (x) => …))`.
      const limitedWrite =
        limitedShape && limitedCb ? writeOutside(ctx, limitedShape.outer as t.Function) : undefined;
      if (limitedWrite)
        return {
          kind: "unmappable",
          why: WHY.mapWritesOutside(guardText(ctx, limitedWrite), locOf(ctx, limitedWrite)),
        };
      if (limitedShape && limitedCb) {
        const mapCall = call.arguments[0] as CallNode;
        owner.mapCallbacks ??= new Set();
        owner.mapCallbacks.add(limitedShape.inner);
        owner.limitCallbacks ??= new Set();
        owner.limitCallbacks.add(limitedShape.outer);
        const list = guardText(ctx, (mapCall.callee as t.MemberExpression).object as Node);
        const limiter = sourceOf(ctx, limitedShape.call.callee as Node);
        return {
          kind: "mapAll",
          variant: owner.variant,
          text: `Promise.all(${list}.map((…) => ${limiter}(…)))`,
          guard: { loc: locOf(ctx, mapCall), text: `each result of ${list}.map(...)` },
          limited: true,
        };
      }
      if (prop === "all" || prop === "allSettled") {
        const arg = call.arguments[0] as Node | undefined;
        if (
          arg?.type !== "ArrayExpression" ||
          arg.elements.some((e) => e === null || e.type === "SpreadElement")
        ) {
          return { kind: "unmappable", why: WHY.combinatorArg(prop) };
        }
        // Element leaves go into the function's own map too: the emitter maps them in place.
        const inner = new Map<Node, AwaitFact>();
        const elements: { node: Node; leaves: Map<Node, AwaitFact> }[] = [];
        for (const el of arg.elements as Node[]) {
          const mine = new Map<Node, AwaitFact>();
          leavesOf(ctx, index, el, false, true, mine, owner);
          elements.push({ node: el, leaves: mine });
          for (const [n, f] of mine) inner.set(n, f);
        }
        for (const [n, f] of inner) owner.leaves.set(n, f);
        const facts = [...inner.values()];
        // Run one after another, the elements' effects may come in another order than in the
        // plain program, where they interleave at their awaits (attack 13, F1; effects.ts).
        const mixed = facts.some((f) => f.kind === "unmappable")
          ? undefined
          : interleaving(ctx, index, owner, prop, elements);
        if (mixed) {
          // "`a()` (a.js:3:4) may pause …, and it has effects" or "…, and `b()` (a.js:3:10) has effects".
          const quoted = (n: Node) => `\`${guardText(ctx, n)}\` (${locOf(ctx, n)})`;
          const paused = quoted(mixed.paused);
          const effect = mixed.effect === mixed.paused ? "it" : quoted(mixed.effect);
          const blocked = owner.reachable ? argumentWrite(ctx, owner.fn, false) : undefined;
          if (owner.reachable && !blocked)
            return { kind: "unmappable", why: WHY.interleaved(prop, paused, effect) };
          // No worker either (a method, a closure, a function that writes to its arguments):
          // the sequential form stays, and the build says where (SA307).
          const why = blocked ? describeArgumentWrite(blocked) : owner.unreachableWhy!;
          warn(
            ctx,
            "SA307",
            call,
            MSG.interleavedInline(owner.display, `Promise.${prop}`, paused, effect, why),
          );
        }
        return { kind: "combinator", name: prop, elements: facts };
      }
      if (prop === "race" || prop === "any") return { kind: "unmappable", why: WHY.combinator(prop) };
    }
    // `stopOnError: false` is followed only where the installed p-map rejects with the class the
    // copy throws, the native AggregateError (p-map 6 and later; pMapAggregate).
    const oldPMap = returned ? undefined : pMapAggregate(ctx, call);
    if (oldPMap) return { kind: "unmappable", why: WHY.pMapAggregate(callText(ctx, call), oldPMap) };
    const pMappedCb = returned ? undefined : pMapCallback(ctx, call);
    if (pMappedCb?.write)
      return {
        kind: "unmappable",
        why: WHY.mapWritesOutside(guardText(ctx, pMappedCb.write), locOf(ctx, pMappedCb.write), "pMap"),
      };
    const pMapped = pMappedCb?.cb;
    if (pMapped) {
      owner.mapCallbacks ??= new Set();
      owner.mapCallbacks.add(pMapped);
      const list = guardText(ctx, call.arguments[0] as Node);
      return {
        kind: "mapAll",
        variant: owner.variant,
        text: `pMap(${list}, async ...)`,
        guard: { loc: locOf(ctx, node), text: `each result of pMap(${list}, ...)` },
        pMap: true,
      };
    }
    // `await mapLimit(xs, n, async (x) => …)` / `eachLimit` of the async package (limiters.ts).
    const asyncLimit = returned ? undefined : asyncLimitKind(ctx, call);
    if (asyncLimit) {
      const name = asyncLimit === "map" ? "mapLimit" : "eachLimit";
      const cb = plainAsyncCallback(ctx, call.arguments[2] as Node);
      if (cb?.write)
        return {
          kind: "unmappable",
          why: WHY.mapWritesOutside(guardText(ctx, cb.write), locOf(ctx, cb.write), name),
        };
      if (!cb) return { kind: "unmappable", why: WHY.asyncLimitNotMapped(callText(ctx, call)) };
      owner.mapCallbacks ??= new Set();
      owner.mapCallbacks.add(cb.cb);
      const list = guardText(ctx, call.arguments[0] as Node);
      return {
        kind: "mapAll",
        variant: owner.variant,
        text: `${name}(${list}, …, async ...)`,
        guard: { loc: locOf(ctx, node), text: `each result of ${name}(${list}, ...)` },
        asyncLimit,
      };
    }
    const imported = importedCallee(ctx, callee, true);
    if (!returned && isPMap(imported))
      return { kind: "unmappable", why: WHY.pMapNotMapped(callText(ctx, call)) };
    const twin =
      imported && isTwinModule(imported.module, ctx.options) ? findTwin(imported, ctx.options) : undefined;
    if (twin) return twinFact(ctx, call, twin);
    const byName = imported ? twinByName(ctx, imported) : undefined;
    if (byName)
      return {
        kind: "twin",
        twin: byName,
        checks: [],
        byName: byName.module,
        guard: { loc: locOf(ctx, node), text: `${byName.name}(${call.arguments.length ? "..." : ""})` },
        ...(readsLiveExports(ctx, callee)
          ? { replacedByName: { loc: locOf(ctx, node), text: callText(ctx, call), name: imported!.path[0]! } }
          : {}),
      };
  }
  const proof = proofOf(ctx, node);
  if (proof === "proven") return { kind: "not-promise" };
  if (
    !returned &&
    proof === "unknown" &&
    (node.type === "CallExpression" || node.type === "OptionalCallExpression") &&
    isImportedCall(ctx, node as CallNode)
  ) {
    const text = callText(ctx, node as CallNode);
    const imported = importedCallee(ctx, (node as CallNode).callee as Node, true);
    const hint = imported ? twinSuggestion(ctx, imported) : undefined;
    if (!hint) return { kind: "unmappable", why: WHY.unknownCall(text) };
    const pos = posIn(ctx, node);
    return {
      kind: "unmappable",
      why: WHY.unknownImport(text, hint.entry, hint.sameModule),
      ...(pos
        ? {
            suggest: {
              pos,
              text,
              entry: hint.entry,
              ...(hint.sameModule ? { sameModule: hint.sameModule } : {}),
            },
          }
        : {}),
    };
  }
  // A function declared `: Promise<T>` without `async` returns the promise itself, so an
  // unknown returned value is most likely that promise (fixture inline/promise-typed-return).
  if (proof === "async" || (returned && strictReturns)) {
    if (
      node.type === "CallExpression" ||
      node.type === "OptionalCallExpression" ||
      node.type === "NewExpression"
    )
      return {
        kind: "unmappable",
        why:
          node.type === "NewExpression"
            ? WHY.newExpression(callText(ctx, node))
            : WHY.unknownCall(callText(ctx, node)),
      };
    if (node.type === "Identifier") return { kind: "unmappable", why: WHY.promiseLocal(node.name) };
    // Babel 8's `import(x)`; Babel 7 parses it as a call of `Import`, quoted the same way above.
    if (node.type === "ImportExpression") return { kind: "unmappable", why: WHY.unknownCall("import(...)") };
    return { kind: "unmappable", why: WHY.other(sourceOf(ctx, node)) };
  }
  // `await cache.lookup(k)` of a handed-in object whose method no module the file imports
  // annotates: dispatched on what the object holds, then guarded (calls.ts
  // `unknownMethodDispatch`, attack20 F8). A member of an import keeps the plain guard: its
  // module's facts already say whether it is smartasync.
  const dispatched =
    node.type === "CallExpression" && !importedCallee(ctx, (node as CallNode).callee as Node, true)
      ? unknownMethodDispatch(ctx, node)
      : undefined;
  if (dispatched && dispatched.shape.kind === "dispatch") {
    owner.leafCallees.set(node, dispatched);
    return {
      kind: "smartasync",
      callee: dispatched.shape.name,
      guard: { loc: locOf(ctx, node), text: guardText(ctx, node), dispatch: true },
    };
  }
  return { kind: "guarded", loc: locOf(ctx, node), text: guardText(ctx, node) };
}

/**
 * The async callback of `Promise.all(xs.map(async (x) => …))`, when the inline copy can make it
 * sync: one plain callback argument, and no form in its body that the copy of a body cannot
 * keep (`try`, whose `catch` would see a returned call's failure; `for await`; `await using`; a
 * method with a computed key) — those keep the worker variant.
 */
function mapCallback(ctx: Ctx, args: Node[]): { cb: Node; write?: Node } | undefined {
  const cb = soleMapCallback(args);
  if (cb === undefined) return undefined;
  // The copy holds a callback's error with a `try` inside its body, which a parameter that fails
  // to bind (`async ({ id }) => …` over a null element, a default that throws) is outside of:
  // only plain names, so every callback runs as under Promise.all (review of the held-error form).
  if (isFunction(cb) && (cb as t.Function).params.some((p) => p.type !== "Identifier")) return undefined;
  return plainAsyncCallback(ctx, cb);
}

/**
 * An async callback written in place that can run one call after another in a sync copy: no
 * `try`, `for await`, `await using` or computed method inside, and nothing changed that it did
 * not create (writesOutside). `Promise.all(xs.map(cb))` and `pMap(xs, cb)` take the same.
 */
function plainAsyncCallback(ctx: Ctx, cb: Node, orSync = false): { cb: Node; write?: Node } | undefined {
  if (cb.type !== "ArrowFunctionExpression" && cb.type !== "FunctionExpression") return undefined;
  // `orSync`: p-limit's function may be a plain one (`limit(() => f(x))`): the limiter adopts
  // what it returns, as an async callback's own promise would.
  if ((!cb.async && !orSync) || cb.generator) return undefined;
  let plain = true;
  ctx.tree.walk(cb.body as Node, (n) => {
    if (!plain) return false;
    if (
      n.type === "TryStatement" ||
      (n.type === "ForOfStatement" && n.await) ||
      (n.type === "VariableDeclaration" && (n.kind as string) === "await using") ||
      ((n.type === "ClassMethod" || n.type === "ObjectMethod" || n.type === "ClassPrivateMethod") &&
        (n as t.ClassMethod).computed)
    )
      plain = false;
    return isFunction(n) ? false : undefined;
  });
  if (!plain) return undefined;
  const write = writeOutside(ctx, cb as t.Function);
  return write ? { cb, write } : { cb };
}

/**
 * `await pMap(xs, async (x, i) => …, { concurrency, stopOnError })` of the `p-map` package (its
 * default export, imported or required): the callback when the sync copy can run it element by
 * element — written in place and plain (plainAsyncCallback), and options absent or an object
 * literal that sets only `concurrency` (which changes the order things run in and nothing else)
 * and `stopOnError` (which mapSync follows: docs/semantics.md). `signal` changes when the call
 * ends, which no sync loop can follow: such a call is not mapped.
 */
function pMapCallback(ctx: Ctx, call: CallNode): { cb: Node; write?: Node } | undefined {
  const args = call.arguments as Node[];
  if (call.type !== "CallExpression" || args.length < 2 || args.length > 3) return undefined;
  if (args.some((a) => a.type === "SpreadElement")) return undefined;
  if (!isPMap(importedCallee(ctx, call.callee as Node, true))) return undefined;
  const options = args[2];
  if (options !== undefined) {
    if (options.type !== "ObjectExpression") return undefined;
    for (const p of options.properties) {
      if (p.type !== "ObjectProperty" || p.computed) return undefined;
      const key =
        p.key.type === "Identifier" ? p.key.name : p.key.type === "StringLiteral" ? p.key.value : "";
      // `stopOnError` is read by mapSync at run time (the value may be any expression).
      if (key !== "concurrency" && key !== "stopOnError") return undefined;
    }
  }
  return plainAsyncCallback(ctx, args[1]!);
}

/**
 * Why `pMap(xs, cb, { stopOnError })` cannot follow `stopOnError` in the copy, or undefined when
 * it can: mapSync throws the native `AggregateError` when the callbacks' errors are gathered,
 * which is what p-map 6 and later reject with; p-map 3 to 5 reject with the class of the
 * aggregate-error package (another class, whose `message` lists the errors' stacks), and p-map 1
 * and 2 have no such option (they stop at the first error). Read from the p-map the file resolves
 * at build time; where it cannot be read, the copy is not made. A literal `stopOnError: true`
 * (the default) gathers nothing: every version agrees.
 */
function pMapAggregate(ctx: Ctx, call: CallNode): string | undefined {
  const options = call.arguments[2] as Node | undefined;
  if (options?.type !== "ObjectExpression") return undefined;
  const stop = (options.properties as Node[]).find(
    (p) =>
      p.type === "ObjectProperty" &&
      !p.computed &&
      ((p.key.type === "Identifier" && p.key.name === "stopOnError") ||
        (p.key.type === "StringLiteral" && p.key.value === "stopOnError")),
  ) as t.ObjectProperty | undefined;
  if (!stop || (stop.value.type === "BooleanLiteral" && stop.value.value)) return undefined;
  if (!isPMap(importedCallee(ctx, call.callee as Node, true))) return undefined;
  // Through the graph where there is one, which notes the version read for the facts store.
  const found = !ctx.filename
    ? undefined
    : ctx.graph
      ? ctx.graph.resolve("p-map", ctx.filename)
      : resolveImport("p-map", ctx.filename, "import", ctx.options.resolve);
  const version = found?.kind === "package" ? found.packageJson.version : undefined;
  if (typeof version !== "string") return `the version of p-map cannot be read from ${ctx.fileName}`;
  const major = Number.parseInt(version, 10);
  if (major >= 6) return undefined;
  return major >= 3
    ? `p-map ${version} rejects with the AggregateError class of the aggregate-error package, where the sync variant would throw the native one`
    : `p-map ${version} has no \`stopOnError\` option and stops at the first error`;
}

/** p-map's default export (`import pMap from "p-map"`, `require("p-map")`, `….default`). */
function isPMap(imported: ImportedCallee | undefined): boolean {
  if (imported?.module !== "p-map") return false;
  const { path } = imported;
  return path.length === 0 || (path.length === 1 && path[0] === "default");
}

/**
 * Whether a `for await` operand is an array: a parameter of the function itself (a stream or an
 * async generator cannot cross to a worker either, so nothing that worked stops working; the
 * run-time check fails loudly for one), or an array literal of plain values, written in place or
 * held by a `const`.
 * Anything else (a stream, `readline`, an async generator's call) keeps the worker variant.
 */
function arrayOperand(ctx: Ctx, fn: SaFunction, operand: Node): boolean {
  const n = strip(operand);
  // A literal's elements are taken only when each is proven a plain value: an element that is a
  // call may well be a promise (`[fetch(a), fetch(b)]`), which the worker variant awaits.
  const plainArray = (a: Node): boolean =>
    a.type === "ArrayExpression" &&
    (a.elements as (Node | null)[]).every(
      (e) => e !== null && e.type !== "SpreadElement" && proofOf(ctx, e) === "proven",
    );
  if (n.type === "ArrayExpression") return plainArray(n);
  if (n.type !== "Identifier") return false;
  const b = ctx.scopes.binding(n, n.name);
  if (!b) return false;
  if (b.kind === "param")
    return (fn.fn.params as Node[]).includes(b.node) && onlyLooped(ctx, fn.fn as Node, n.name, b.node);
  if (b.kind !== "const" || b.node.type !== "VariableDeclarator" || b.node.id.type !== "Identifier")
    return false;
  const init = b.node.init ? strip(b.node.init as Node) : undefined;
  return !!init && plainArray(init) && onlyLooped(ctx, b.scope.node, n.name, b.node);
}

/**
 * Every reference to a `const` array (or a parameter) is a loop operand or a member read that is not called or
 * written (`list.length`, `list[0]`): nothing can have put a promise into it since its literal
 * (`list.push(fetch(u))`, passing it to a function, would).
 */
function onlyLooped(ctx: Ctx, scope: Node, name: string, decl: Node): boolean {
  let plain = true;
  ctx.tree.walk(scope, (r) => {
    if (!plain) return false;
    if (r.type !== "Identifier" || r.name !== name) return undefined;
    const parent = ctx.tree.parent(r);
    if (!parent || r === decl || parent === decl || ctx.scopes.binding(r, name)?.node !== decl)
      return undefined;
    if (parent.type === "ForOfStatement" && parent.right === r) return undefined;
    if (parent.type === "MemberExpression" && parent.object === r) {
      const up = ctx.tree.parent(parent);
      const called =
        (up?.type === "CallExpression" || up?.type === "OptionalCallExpression") && up.callee === parent;
      const written =
        (up?.type === "AssignmentExpression" && up.left === parent) ||
        (up?.type === "UpdateExpression" && up.argument === parent) ||
        (up?.type === "UnaryExpression" && up.operator === "delete");
      if (!called && !written) return undefined;
    }
    // A property key (`{ list: 1 }`, `o.list`) is not a reference.
    if (
      (parent.type === "ObjectProperty" && parent.key === r && !parent.computed) ||
      (parent.type === "MemberExpression" && parent.property === r && !parent.computed)
    )
      return undefined;
    plain = false;
    return false;
  });
  return plain;
}

/** Collects the await and return leaves of an async function's own body (not nested functions). */
export function analyseBody(ctx: Ctx, index: Index, fn: SaFunction): void {
  const f = fn.fn;
  // A function declared `: Promise<T>` without `async` returns the promise itself, so an
  // unknown returned call is most likely that promise (fixture inline/promise-typed-return).
  // One whose declared type may or may not be a promise (`unknownReturn`, SA108) was taken as
  // async by its body: a value it returns that the build does not know is guarded like any
  // unproven value (fixture typescript/unknown-return-unknown-call).
  const strictReturns = !f.async && fn.unknownReturn === undefined && !fn.guardedReturns;
  const add = (n: Node, returned: boolean, site: Node) => {
    const mine = new Map<Node, AwaitFact>();
    leavesOf(ctx, index, n, returned, strictReturns, mine, fn);
    // An await after queued work is a yield point (queuedBefore): the async function runs there.
    if (!returned && queuedBefore(ctx, index, fn, site))
      for (const [node, fact] of mine)
        if (fact.kind !== "unmappable")
          mine.set(node, { kind: "unmappable", why: WHY.yieldPoint(guardText(ctx, node)) });
    // A call started before it that the build cannot prove starts nothing: the copy checks its
    // result, the case in which the await would have run that promise's work (attack 17, F19).
    if (!returned)
      for (const call of startedBefore(ctx, index, fn, site).unproven) {
        if (fn.startGuards?.has(call)) continue;
        const guard = { loc: locOf(ctx, call), text: startedText(ctx, call), started: true as const };
        fn.startGuards ??= new Map();
        fn.startGuards.set(call, guard);
        fn.located.push({ fact: { kind: "guarded", ...guard }, loc: guard.loc, text: guard.text });
      }
    const loc = locOf(ctx, site);
    for (const [node, fact] of mine) {
      fn.leaves.set(node, fact);
      fn.located.push({ fact, loc, text: sourceOf(ctx, node) });
    }
  };
  // The parameter list runs first: a default that is a promise in the async function is the
  // copy's to take the value of, or makes a worker (param-defaults.ts, attack25 F05).
  planDefaults(
    ctx,
    index,
    fn,
    (value) => {
      const mine = new Map<Node, AwaitFact>();
      leavesOf(ctx, index, value, false, strictReturns, mine, fn);
      return mine;
    },
    (pattern, mine) => {
      fn.syncDefaults ??= new Set();
      fn.syncDefaults.add(pattern.right as Node);
      const loc = locOf(ctx, pattern.right as Node);
      for (const [node, fact] of mine) {
        fn.leaves.set(node, fact);
        fn.located.push({ fact, loc, text: sourceOf(ctx, node) });
      }
    },
    (pattern, fact) =>
      fn.located.push({ fact, loc: locOf(ctx, pattern.right as Node), text: sourceOf(ctx, pattern) }),
  );
  const body = f.body as Node;
  // A concise arrow body is both searched for awaits and returned (fixture
  // annotations/const-arrow: `async (x) => (await 3) * x`).
  if (body.type !== "BlockStatement") add(body, true, body);
  ctx.tree.walk(body, (n) => {
    if (isFunction(n)) {
      // The map's callback around p-limit's limiter call: walked through to the function handed
      // to the limiter, its own body holds no leaf (limiters.ts).
      if (fn.limitCallbacks?.has(n)) return undefined;
      // The callback of `await Promise.all(xs.map(async …))`: its body is searched too (the
      // await around the call was visited first, which registered it).
      if (!fn.mapCallbacks?.has(n)) return false;
      const cbBody = (n as t.ArrowFunctionExpression).body as Node;
      if (cbBody.type !== "BlockStatement") add(cbBody, true, cbBody);
      return undefined;
    }
    if (n.type === "AwaitExpression") add(n.argument, false, n);
    else if (n.type === "ReturnStatement" && n.argument) add(n.argument, true, n.argument);
    else if (n.type === "ForOfStatement" && n.await && arrayOperand(ctx, fn, n.right as Node)) {
      // Over an array, `for await` takes each element in order, awaiting it: the copy iterates the
      // array with each element guarded (an async iterable given after all fails, located).
      const site = { loc: locOf(ctx, n.right), text: `each element of ${guardText(ctx, n.right as Node)}` };
      fn.forAwaits ??= new Map();
      fn.forAwaits.set(n, site);
      fn.located.push({ fact: { kind: "guarded", ...site }, loc: locOf(ctx, n), text: "for await" });
    } else if (n.type === "ForOfStatement" && n.await) {
      fn.located.push({
        fact: { kind: "unmappable", why: WHY.forAwait() },
        loc: locOf(ctx, n),
        text: "for await",
      });
    }
    return undefined;
  });
  // A guard's failure may come from this body (a guarded value, a twin's argument check) or from
  // a sync variant it calls (a guard inside that one): a catch around either rethrows it
  // (attack finding 2, fixture inline/guard-in-try-catch), and a `finally` after either
  // rethrows it once it has run, whatever its own completion (attack25 F06, fixture
  // inline/guard-through-finally). An empty `finally` completes normally: the error goes on; a
  // returned call the copy makes after the `try` (`return _sa.later(fSync, a)`, forms.ts) fails
  // after the `finally` has run (inline/return-in-try).
  // Calls an IIFE returns from inside its `try`, made after it (forms.ts); one that cannot be
  // settled there (a `Promise.all` callback's `return` inside its own `try`) gives a reason.
  const iifeLater = iifeDeferrals(ctx, fn);
  if (iifeLater.later.size) fn.iifeLater = iifeLater.later;
  if (iifeLater.settle.size) fn.iifeSettled = iifeLater.settle;
  for (const value of iifeLater.stuck)
    fn.located.push({
      fact: { kind: "unmappable", why: WHY.iifeInTry(guardText(ctx, value)) },
      loc: locOf(ctx, value),
      text: sourceOf(ctx, value),
    });
  let deferred: Set<Node> | undefined;
  const later = (node: Node): boolean => {
    deferred ??= deferredReturns(ctx, fn);
    return deferred.has(node) || iifeLater.later.has(node);
  };
  const holdsGuard = (node: Node): void => {
    for (let c = node, p = ctx.tree.parent(node); p && c !== body; c = p, p = ctx.tree.parent(p)) {
      if (p.type !== "TryStatement") continue;
      if (p.block === c && p.handler) {
        fn.guardCatches ??= new Set();
        fn.guardCatches.add(p.handler);
      }
      if ((p.block === c || p.handler === c) && p.finalizer?.body.length && !later(node)) {
        fn.guardFinallies ??= new Set();
        fn.guardFinallies.add(p);
      }
    }
  };
  for (const [node, fact] of fn.leaves) {
    if (
      fact.kind === "guarded" ||
      fact.kind === "smartasync" ||
      (fact.kind === "twin" && (fact.checks.length || fact.guard || fact.replaced))
    )
      holdsGuard(node);
  }
  for (const node of [...(fn.forAwaits?.keys() ?? []), ...(fn.startGuards?.keys() ?? [])]) holdsGuard(node);
  planLoopCopies(ctx, fn);
  if (fn.guardCatches || fn.guardFinallies) {
    // Names for a catch clause that has no plain parameter and for the error a `finally` holds;
    // absent from the function's text, so they capture nothing and shadow nothing the body reads.
    const text = sourceOf(ctx, f as Node);
    const fresh = (base: string): string => {
      let name = base;
      while (text.includes(name)) name += "_";
      return name;
    };
    fn.guardCatchName = fresh("_caught");
    if (fn.guardFinallies) fn.guardHeldName = fresh("_held");
  }
}
