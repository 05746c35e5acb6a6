import { isBuiltin } from "node:module";
import type { types as t } from "@babel/core";
import { type AwaitFact, WHY } from "../inline.js";
import { MSG } from "../messages.js";
import { RUNTIME_MODULE } from "../twins.js";
import { argumentWrite } from "./arg-escape.js";
import { importTarget, selfCalls } from "./checks.js";
import { type Ctx, locOf, sourceOf } from "./ctx.js";
import type { SaFunction } from "./model.js";
import { objectMayChange } from "./same-everywhere.js";
import { type Binding, isReference, patternNames } from "./scope.js";
import { isReader } from "./sync-table.js";
import { isFunction, type Node } from "./tree.js";
import { importedCallee } from "./twin-callee.js";
import { consumerOf, strip } from "./view.js";

/**
 * A polling loop over the blocking sleep (docs/semantics.md, "Polling loops"; attack finding 12):
 * `while (!done) await setTimeout(10)` waits in the async function for a callback of this
 * thread to set `done`. The inline copy sleeps with `sleepSync`, which blocks the thread: no
 * callback runs until the copy returns, so a condition only other code changes is never seen
 * changed — a hang, or a different result, with nothing said. Found in the text, the rule is:
 *
 * - a loop (`while`, `do … while`, `for`) of the function's own body awaits the sleep twin;
 * - none of its exit conditions (the loop's test, and the tests of the `if`s and `?:`s around
 *   a `break`, `return` or `throw` that leaves it) can change by what the loop itself runs: the
 *   loop writes none of the names they read, and calls nothing but the sleep (a call may run any
 *   code, callbacks included);
 * - and a condition can change by other code: a name another function (a callback, another
 *   function of the module) assigns, or a member or a call the loop cannot see into (a call of a
 *   Node built-in module, `Date.now()`, `performance.now()` or `Atomics.load()` reads the world
 *   outside the thread, which a blocking sleep lets change, and is fine).
 *
 * Where every such name is a local of the function (its callbacks are made in the function,
 * which a worker runs with an event loop of its own), the function takes the worker variant
 * with the reason; elsewhere (module state, members, calls: a worker has its own copy of the
 * module, so it would not see them change either) the copy stays inline and the build warns
 * SA309 at the await. The same hazard without a loop — state only other code changes, read after
 * the sleep — is the same rule (`readsAfterSleep` below: worker for locals, SA309 at the read
 * otherwise). The warnings are returned: analyse.ts says them only where the variant stays inline.
 */
export function pollingLoops(ctx: Ctx, fn: SaFunction): SleepWarning[] {
  const seen = new Set<Node>();
  // The loops the loop rule answered: the straight-line rule below does not read them again.
  const answered = new Set<Node>();
  // What those loops read: said once, at the loop (`while (!ready) …; return ready`).
  const named = new Set<string>();
  const out: SleepWarning[] = [];
  // A poller found (a loop, or a call of itself after the sleep, fixture diagnostics/sa309-recursion):
  // the worker variant where it reads only locals, else SA309 at the await naming `where`.
  const decide = (verdict: Verdict, awaitNode: Node, where: () => string): void => {
    for (const p of verdict.parts) named.add(p);
    const quoted = quote(ctx, awaitNode);
    const what = verdict.parts.join(", ");
    if (verdict.localsOnly && fn.reachable && !argumentWrite(ctx, fn.fn, false))
      fn.located.push({
        fact: { kind: "unmappable", why: WHY.polling(what, quoted) },
        loc: locOf(ctx, awaitNode),
        text: quoted,
      });
    else out.push({ at: awaitNode, message: MSG.pollingLoop(fn.display, quoted, what, where()) });
  };
  for (const [leaf, fact] of fn.leaves) {
    if (!isSleepFact(fact)) continue;
    const loop = enclosingLoop(ctx, fn, leaf);
    if (!loop || seen.has(loop)) continue;
    seen.add(loop);
    const verdict = pollVerdict(ctx, fn, loop);
    if (!verdict) continue;
    answered.add(loop);
    decide(verdict, awaitOf(ctx, leaf), () => locOf(ctx, loop));
  }
  const recursion = recursionVerdict(ctx, fn);
  if (recursion) {
    const { verdict, sleep, call } = recursion;
    decide(verdict, sleep, () => {
      const written = sourceOf(ctx, call).replace(/\s+/g, " ");
      return `a call of itself, \`${written.length <= 40 ? written : "the call"}\` at ${locOf(ctx, call)}`;
    });
  }
  const after = readsAfterSleep(ctx, fn, answered, named);
  if (after) {
    const quoted = quote(ctx, after.sleep);
    const what = after.parts.join(", ");
    if (after.localsOnly && fn.reachable && !argumentWrite(ctx, fn.fn, false)) {
      fn.located.push({
        fact: { kind: "unmappable", why: WHY.sleepThenRead(what, quoted) },
        loc: locOf(ctx, after.sleep),
        text: quoted,
      });
    } else {
      out.push({
        at: after.at,
        message: MSG.sleepThenRead(fn.display, quoted, locOf(ctx, after.sleep), what),
      });
    }
  }
  return out;
}

/**
 * An SA309 warning found before the function's variant is decided: the caller says it only where
 * the variant stays inline (a worker variant does not sleep on the calling thread; what it reads
 * of the module is SA302's business).
 */
export interface SleepWarning {
  at: Node;
  message: string;
}

function isSleepFact(fact: AwaitFact | undefined): boolean {
  return fact?.kind === "twin" && fact.twin.module === RUNTIME_MODULE && fact.twin.name === "sleepSync";
}

/** The `await` around a sleep leaf (the leaf itself where it is returned without one). */
function awaitOf(ctx: Ctx, leaf: Node): Node {
  const site = consumerOf(ctx.tree, leaf).parent;
  return site?.type === "AwaitExpression" ? site : leaf;
}

function quote(ctx: Ctx, awaitNode: Node): string {
  const sleep = sourceOf(ctx, awaitNode).replace(/\s+/g, " ");
  return sleep.length <= 40 ? sleep : "the sleep";
}

/**
 * The same hazard without a loop (attack 21, F10): `await sleep(40); return last;` — a debounce,
 * "give the burst time to arrive" — reads, after the sleep, state that only other code changes.
 * The async function lets that code run during the sleep (a timer set before the call, an I/O
 * callback); the inline copy's blocking sleep does not, so it reads the value from before. Found
 * in the text, after the first sleep of the function's own body (in source order; not inside
 * its nested functions, nor in a loop the loop rule answered), a read of:
 *
 * - a name another function assigns (a callback, another function of the module): as for the
 *   loop, where every such name is a local of the function the worker variant runs it (with the
 *   reason), elsewhere SA309;
 * - a member of a module-level object that code may change once the module is imported (a write
 *   in a function, a use the build cannot follow, an export: same-everywhere.ts `objectMayChange`).
 *
 * Calls after the sleep are not looked at (a call may read anything; flagging every call after a
 * sleep would flag every retry loop), nor members of `this` or of imports.
 */
function readsAfterSleep(
  ctx: Ctx,
  fn: SaFunction,
  answered: ReadonlySet<Node>,
  named: ReadonlySet<string>,
): { at: Node; sleep: Node; parts: string[]; localsOnly: boolean } | undefined {
  const sleeps: Node[] = [];
  for (const [leaf, fact] of fn.leaves) if (isSleepFact(fact)) sleeps.push(awaitOf(ctx, leaf));
  if (sleeps.length === 0) return undefined;
  sleeps.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  const from = sleeps[0]!.end ?? Number.POSITIVE_INFINITY;
  const parts: string[] = [];
  let localsOnly = true;
  let at: Node | undefined;
  const add = (n: Node, text: string, local: boolean) => {
    const quoted = `\`${text}\``;
    if ((n.start ?? 0) < from || named.has(quoted)) return;
    at ??= n;
    if (!parts.includes(quoted)) parts.push(quoted);
    if (!local) localsOnly = false;
  };
  const objects = new Map<Binding, boolean>();
  /**
   * Whether code may change the object `b` holds. Through a local alias taken before the sleep
   * (`aliased`), the module reassigning `b` does not count: the alias keeps the value it took,
   * in the async function too; what counts is a change of that object.
   */
  const mayChange = (b: Binding, aliased = false): boolean => {
    if (aliased) return objectMayChange(ctx, b) !== undefined;
    const known = objects.get(b);
    if (known !== undefined) return known;
    const v = changedElsewhere(ctx, fn, b) || objectMayChange(ctx, b) !== undefined;
    objects.set(b, v);
    return v;
  };
  ctx.tree.walk(fn.fn.body as Node, (n) => {
    if (isFunction(n) || answered.has(n)) return false;
    // A part of the body that ends before the first sleep runs before it (in source order).
    if ((n.end ?? 0) <= from) return false;
    const link = ctx.tree.link(n);
    const parent = link?.parent;
    // A plain assignment's target is written, not read; a callee is a call, not looked at.
    const target = parent?.type === "AssignmentExpression" && link?.key === "left" && parent.operator === "=";
    const callee =
      (parent?.type === "CallExpression" || parent?.type === "OptionalCallExpression") &&
      link?.key === "callee";
    if (n.type === "Identifier") {
      if (target || callee || !isReference(n, ctx.tree)) return undefined;
      const b = ctx.scopes.binding(n, n.name);
      if (b && changedElsewhere(ctx, fn, b)) add(n, n.name, declaredIn(ctx, fn, b));
      // `last` imported from a module that exports it as a `let`: a live binding whose module
      // changes it (attack22 F1), which no other code of this thread does during the sleep.
      else if (b && liveImport(ctx, n, b)) add(n, n.name, false);
      // `const { latest } = mstate`, `({ ready } = state)`: the object's members are read.
      else if (destructured(ctx, n)) {
        const o = moduleObject(ctx, n);
        if (o && mayChange(o.b, o.aliased)) add(n, n.name, false);
      }
      return undefined;
    }
    if (n.type !== "MemberExpression" && n.type !== "OptionalMemberExpression") return undefined;
    if (target) return undefined;
    // A method that only reads its receiver (`cache.get(k)`, `queue.includes(x)`) reads the object.
    const reader =
      callee && !n.computed && n.property.type === "Identifier" && isReader(n.property.name)
        ? parent
        : undefined;
    if (callee && !reader) return undefined;
    let root: Node = n;
    while (root.type === "MemberExpression" || root.type === "OptionalMemberExpression")
      root = strip(root.object as Node);
    if (root.type !== "Identifier") return undefined;
    // Through a local `const` alias too (`const s = mstate; … s.latest`, attack22 F1).
    const o = moduleObject(ctx, root);
    if (!o || !mayChange(o.b, o.aliased)) return undefined;
    add(reader ?? n, shortText(ctx, reader ?? n), false);
    return false;
  });
  if (!at) return undefined;
  // The sleep named is the last one before the read.
  let sleep = sleeps[0]!;
  for (const s of sleeps) if ((s.end ?? 0) <= (at.start ?? 0)) sleep = s;
  return { at, sleep, parts, localsOnly };
}

/**
 * The module-level `const`/`let`/`var` an identifier names, directly or through local `const`
 * aliases of it or of a member of it (`const s = mstate`, `const m = mstate.inner`), as a write
 * through such an alias is a write to the module's object (checks.ts `stateRoot`); `aliased`
 * when reached through one.
 */
function moduleObject(ctx: Ctx, id: t.Identifier, depth = 0): { b: Binding; aliased: boolean } | undefined {
  const b = ctx.scopes.binding(id, id.name);
  if (!b) return undefined;
  if (b.scope === ctx.scopes.program)
    return b.kind === "const" || b.kind === "let" || b.kind === "var" ? { b, aliased: depth > 0 } : undefined;
  if (depth >= 4 || b.kind !== "const" || b.node.type !== "VariableDeclarator") return undefined;
  if (b.node.id.type !== "Identifier" || !b.node.init) return undefined;
  let cur = strip(b.node.init as Node);
  while (cur.type === "MemberExpression" || cur.type === "OptionalMemberExpression")
    cur = strip(cur.object as Node);
  return cur.type === "Identifier" ? moduleObject(ctx, cur, depth + 1) : undefined;
}

/** `n` is the value a pattern takes apart: `const { a } = n`, `({ a } = n)`, `[x] = n`. */
function destructured(ctx: Ctx, n: Node): boolean {
  const link = ctx.tree.link(n);
  const p = link?.parent;
  if (p?.type === "VariableDeclarator") return link?.key === "init" && p.id.type !== "Identifier";
  if (p?.type === "AssignmentExpression")
    return link?.key === "right" && (p.left.type === "ObjectPattern" || p.left.type === "ArrayPattern");
  return false;
}

/**
 * A name imported from a module of the program that declares it `let` or `var` (or reassigns it):
 * a live binding, whose value is whatever that module last assigned.
 */
function liveImport(ctx: Ctx, ref: t.Identifier, b: Binding): boolean {
  if (b.kind !== "module" || b.node.type !== "ImportSpecifier") return false;
  const target = importTarget(ctx, ref, b);
  if (!target) return false;
  const there = target.there;
  return there.kind === "let" || there.kind === "var" || there.violations.length > 0;
}

type Loop = t.WhileStatement | t.DoWhileStatement | t.ForStatement;

/** The innermost `while`/`do`/`for` of the function's own body around `leaf`. */
function enclosingLoop(ctx: Ctx, fn: SaFunction, leaf: Node): Loop | undefined {
  for (let n = ctx.tree.parent(leaf); n && n !== fn.fn; n = ctx.tree.parent(n)) {
    if (isFunction(n)) return undefined;
    if (n.type === "WhileStatement" || n.type === "DoWhileStatement" || n.type === "ForStatement") return n;
  }
  return undefined;
}

interface Verdict {
  /** What the conditions read that other code changes: `` `done` ``, `` `this.ready` ``. */
  parts: string[];
  /** Every such part is a name declared in the function (a parameter or a local). */
  localsOnly: boolean;
}

/** Whether `loop` polls a condition that only other code changes (see pollingLoops). */
function pollVerdict(ctx: Ctx, fn: SaFunction, loop: Loop): Verdict | undefined {
  const tests: Node[] = [];
  const test = loop.test as Node | null | undefined;
  if (test && !alwaysTrue(test)) tests.push(test);
  const label = ctx.tree.parent(loop)?.type === "LabeledStatement" ? ctx.tree.parent(loop) : undefined;
  const labelName = label ? (label as t.LabeledStatement).label.name : undefined;
  // The test is read below as a condition; what runs each time round is the body and the update.
  const runs = [
    loop.body as Node,
    ...(loop.type === "ForStatement" && loop.update ? [loop.update as Node] : []),
  ];
  const ran = whatRuns(ctx, fn, runs, new Set(), (exit) => {
    if (leaves(ctx, loop, exit, labelName)) tests.push(...guardsOf(ctx, loop, exit));
  });
  // A loop that calls anything may change anything (a call runs code, callbacks included).
  if (ran.calls || tests.length === 0) return undefined;
  return conditionParts(ctx, fn, tests, ran);
}

/**
 * A polling loop written as recursion (attack29, suspected): `async function poll(n) { if (flag
 * || n === 0) return flag; await sleep(10); return poll(n - 1); }`. After the sleep the function
 * calls itself (a returned or awaited call of its own), so its body is the loop's: its exit
 * conditions are the tests that decide whether a `return` or `throw` without that call runs, and
 * whether the call is made; the rule is then the loop's (fixture diagnostics/sa309-recursion).
 * Only direct recursion (`poll` calling `poll`), as SA207's.
 */
function recursionVerdict(
  ctx: Ctx,
  fn: SaFunction,
): { verdict: Verdict; sleep: Node; call: Node } | undefined {
  const self = selfCalls(fn);
  if (self.length === 0) return undefined;
  const sleeps: Node[] = [];
  for (const [leaf, fact] of fn.leaves) if (isSleepFact(fact)) sleeps.push(awaitOf(ctx, leaf));
  sleeps.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  const call = self.find((c) => sleeps.some((z) => (z.end ?? 0) <= (c.start ?? 0)));
  if (!call) return undefined;
  // The sleep named: the last one before the call.
  let sleep = sleeps[0]!;
  for (const z of sleeps) if ((z.end ?? 0) <= (call.start ?? 0)) sleep = z;
  const body = fn.fn.body as Node;
  const tests: Node[] = [];
  const selfSet = new Set(self);
  for (const c of self) tests.push(...guardsOf(ctx, fn.fn, c));
  const ran = whatRuns(ctx, fn, [body], selfSet, (exit) => {
    // A `break` leaves a loop of the body, not the function.
    if (exit.type !== "BreakStatement" && !self.some((c) => within(c, exit)))
      tests.push(...guardsOf(ctx, fn.fn, exit));
  });
  if (ran.calls || tests.length === 0) return undefined;
  const verdict = conditionParts(ctx, fn, tests, ran);
  return verdict && { verdict, sleep, call };
}

function within(inner: Node, outer: Node): boolean {
  return (inner.start ?? 0) >= (outer.start ?? 0) && (inner.end ?? 0) <= (outer.end ?? 0);
}

interface Runs {
  /** A call other than the sleep (or the function's own recursive call). */
  calls: boolean;
  /** A write of a member (`o.x = …`, `delete o.x`): members are not told apart. */
  memberWrites: boolean;
  /** The names written. */
  written: Set<Binding>;
}

/**
 * What `runs` (a loop's body and update, or a recursive function's body) does each time round:
 * its calls other than the sleep and `allowed` (the recursive call), its writes; each `break`,
 * `return` or `throw` is handed to `exit`.
 */
function whatRuns(
  ctx: Ctx,
  fn: SaFunction,
  runs: Node[],
  allowed: ReadonlySet<Node>,
  exit: (n: Node) => void,
): Runs {
  let calls = false;
  let memberWrites = false;
  const written = new Set<Binding>();
  for (const r of runs)
    ctx.tree.walk(r, (n) => {
      if (isFunction(n)) return false;
      if (n.type === "CallExpression" || n.type === "OptionalCallExpression" || n.type === "NewExpression") {
        if (!isSleep(fn, n) && !allowed.has(n)) calls = true;
      } else if (n.type === "TaggedTemplateExpression") calls = true;
      else if (n.type === "AssignmentExpression" || n.type === "UpdateExpression") {
        const target = (n.type === "AssignmentExpression" ? n.left : n.argument) as Node;
        for (const id of patternNames(target)) {
          const b = ctx.scopes.binding(id, id.name);
          if (b) written.add(b);
        }
        if (target.type !== "Identifier") memberWrites = true;
      } else if (n.type === "UnaryExpression" && n.operator === "delete") memberWrites = true;
      else if (n.type === "BreakStatement" || n.type === "ReturnStatement" || n.type === "ThrowStatement") {
        exit(n);
      } else if (n.type === "ForInStatement" || n.type === "ForOfStatement") {
        if (n.left.type !== "VariableDeclaration")
          for (const id of patternNames(n.left as Node)) {
            const b = ctx.scopes.binding(id, id.name);
            if (b) written.add(b);
          }
        else calls = true; // an iterator runs code
      }
      return undefined;
    });
  return { calls, memberWrites, written };
}

/**
 * Each part of the exit conditions `tests` that other code may change while the loop runs: one
 * such part is enough for another result (`while (!done && i < 10)` runs ten times where the
 * async function stops when a callback sets `done`).
 */
function conditionParts(ctx: Ctx, fn: SaFunction, tests: Node[], ran: Runs): Verdict | undefined {
  const { written, memberWrites } = ran;
  const parts: string[] = [];
  let localsOnly = true;
  const add = (text: string, local: boolean) => {
    const quoted = `\`${text}\``;
    if (!parts.includes(quoted)) parts.push(quoted);
    if (!local) localsOnly = false;
  };
  for (const c of tests) {
    ctx.tree.walk(c, (n) => {
      if (isFunction(n)) return false;
      if (n.type === "Identifier" && isReference(n, ctx.tree)) {
        const b = ctx.scopes.binding(n, n.name);
        if (b && !written.has(b) && changedElsewhere(ctx, fn, b)) add(n.name, declaredIn(ctx, fn, b));
        return undefined;
      }
      // A member the loop writes to none of may be changed by other code (a member write in the
      // loop is taken as the one that changes it: members are not told apart).
      if ((n.type === "MemberExpression" || n.type === "OptionalMemberExpression") && !memberWrites)
        add(shortText(ctx, n), false);
      if (
        n.type === "CallExpression" ||
        n.type === "OptionalCallExpression" ||
        n.type === "NewExpression" ||
        n.type === "TaggedTemplateExpression" ||
        n.type === "AwaitExpression"
      ) {
        if (!readsOutside(ctx, n)) add(shortText(ctx, n), false);
        return false;
      }
      return undefined;
    });
  }
  if (parts.length === 0) return undefined;
  return { parts, localsOnly };
}

function alwaysTrue(test: Node): boolean {
  const n = strip(test);
  return (n.type === "BooleanLiteral" && n.value) || (n.type === "NumericLiteral" && n.value !== 0);
}

/** An awaited call of the sleep twin: a leaf of the function mapped to `sleepSync`. */
function isSleep(fn: SaFunction, n: Node): boolean {
  return isSleepFact(fn.leaves.get(n));
}

/** Whether `exit` (a `break`, `return` or `throw` inside `loop`) leaves `loop`. */
function leaves(ctx: Ctx, loop: Loop, exit: Node, label: string | undefined): boolean {
  if (exit.type !== "BreakStatement") return true;
  const target = exit.label?.name;
  if (target !== undefined) return target === label;
  for (let n = ctx.tree.parent(exit); n && n !== loop; n = ctx.tree.parent(n))
    if (
      n.type === "SwitchStatement" ||
      n.type === "WhileStatement" ||
      n.type === "DoWhileStatement" ||
      n.type === "ForStatement" ||
      n.type === "ForInStatement" ||
      n.type === "ForOfStatement"
    )
      return false;
  return true;
}

/** The tests of the `if`s, `?:`s and `&&`/`||` inside `loop` (a loop, or a function) that decide whether `exit` runs. */
function guardsOf(ctx: Ctx, loop: Node, exit: Node): Node[] {
  const out: Node[] = [];
  let child = exit;
  for (let n = ctx.tree.parent(exit); n && n !== loop; child = n, n = ctx.tree.parent(n)) {
    if ((n.type === "IfStatement" || n.type === "ConditionalExpression") && n.test !== child)
      out.push(n.test as Node);
    else if (n.type === "LogicalExpression" && n.right === child) out.push(n.left as Node);
  }
  return out;
}

/** Whether a function other than `fn` (a callback, another function of the module) writes `b`. */
function changedElsewhere(ctx: Ctx, fn: SaFunction, b: Binding): boolean {
  for (const w of b.violations) {
    for (let n = ctx.tree.parent(w); n; n = ctx.tree.parent(n)) {
      if (n === fn.fn) break;
      if (isFunction(n)) return true;
    }
  }
  return false;
}

/** `b` is a parameter or a local of `fn` (its callbacks are made by `fn` itself). */
function declaredIn(ctx: Ctx, fn: SaFunction, b: Binding): boolean {
  for (let n: Node | undefined = b.scope.node; n; n = ctx.tree.parent(n)) if (n === fn.fn) return true;
  return false;
}

/**
 * A call that reads the world outside the thread, which a blocking sleep lets change: a function
 * of a Node built-in module (`existsSync(file)`), the clock, `Atomics.load` of shared memory.
 */
function readsOutside(ctx: Ctx, call: Node): boolean {
  if (call.type !== "CallExpression" && call.type !== "OptionalCallExpression") return false;
  const callee = (call as t.CallExpression).callee as Node;
  const text = sourceOf(ctx, callee);
  if (
    text === "Date.now" ||
    text === "performance.now" ||
    text === "Atomics.load" ||
    text === "process.hrtime"
  )
    return !ctx.scopes.binding(callee, text.split(".")[0]!);
  const imported = importedCallee(ctx, callee, true);
  return imported !== undefined && isBuiltin(imported.module);
}

function shortText(ctx: Ctx, n: Node): string {
  const text = sourceOf(ctx, n).replace(/\s+/g, " ");
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
