import { isBuiltin } from "node:module";
import type { types as t } from "@babel/core";
import { canonicalCallee } from "../twins.js";
import { PURE_GLOBALS, PURE_STATICS } from "./arg-escape.js";
import type { CallNode } from "./calls.js";
import { type Ctx, keyName } from "./ctx.js";
import { implicitlyRun, instanceMethod, mayBeAnyName, thisClass } from "./implicit.js";
import { memoByFunction } from "./memo.js";
import { provenPrimitive } from "./primitive.js";
import { type Binding, isReference } from "./scope.js";
import { CALLS_ITS_ARGUMENTS, constructorHas, isBuiltinMethod, isReader } from "./sync-table.js";
import { isFunction, type Node } from "./tree.js";
import { calledFunction, calledWith, globalCallee, importedCallee } from "./twin-callee.js";
import { consumerOf, memberName, strip } from "./view.js";
import {
  forEachWrite,
  functionOf,
  functionOfBinding,
  methodOf,
  paramWrites,
  rootOf,
  shownMethod,
} from "./writes.js";

/**
 * Effects a function or callback has outside itself: the walk the Promise.all / map rules
 * (effects.ts) and the offloaded-call order rule (offload-order.ts, through calls.ts) share. It
 * resolves no smartasync callee, so calls.ts may use it without an import cycle.
 */

/**
 * Whether an async callback changes anything it did not create (an outer `let`, a shared array,
 * an object it was not given in its own body): run one after another, such callbacks see and
 * leave that state in another order than under `Promise.all`, so the value the function computes
 * may differ (adversarial review: `total = before + v` summed to 60 instead of 30; a shared log
 * came out as start1,end1,start2,end2). Such a map keeps the worker variant.
 */
export function writeOutside(
  ctx: Ctx,
  cb: t.Function,
  strict = false,
  /** handedOutside's: only where outsideEffectOf judges the later calls too (provenQuiet). */
  storedIsData = false,
): Node | undefined {
  // Functions the callback calls by name (a helper of the module or of the function around it)
  // run inside it: their writes count too, judged against the callback and the helper itself
  // (fixture inline/promise-all-map-helper-writes).
  const queue: t.Function[] = [cb];
  const seen = new Set<t.Function>(queue);
  const follow = (fn: t.Function | undefined) => {
    if (fn && !seen.has(fn)) {
      seen.add(fn);
      queue.push(fn);
    }
  };
  for (const f of queue) {
    const outer = (id: t.Identifier, depth = 0): boolean => {
      const b = ctx.scopes.binding(id, id.name);
      // An unbound name is a global: changing it is outer state too.
      if (!b) return true;
      if (!(ctx.tree.within(b.node as Node, cb as Node) || ctx.tree.within(b.node as Node, f as Node)))
        return true;
      // The callback's own parameters hold the elements, which other calls may share
      // (`xs.map(async (x) => x.log.push(…))` with one `log` for all): writing into one is
      // outer state too (attack 13, F2). Rebinding the parameter itself is not.
      if (b.kind === "param" && depth > 0) return true;
      // A name the callback binds to an outer object is that object (`const a = acc;
      // a.order.push(…)`, attack 13, F2).
      const decl = b.node as Node;
      if (depth > 0 && decl.type === "VariableDeclarator" && decl.init) {
        const init = rootOf(decl.init as Node);
        // `var a = b.x; var b = a.y` names each other: past a few links, the safe answer.
        if (depth > 16) return true;
        if (init && init.id !== id && (init.depth > 0 || decl.init.type === "Identifier"))
          return outer(init.id, depth + 1);
      }
      return false;
    };
    let found: Node | undefined;
    ctx.tree.walk(f.body as Node, (n) => {
      if (found) return false;
      // `${new Loud(x)}`, `JSON.stringify(o)`, `Env.mode`: what they run implicitly runs inside
      // it too (attack23 F10), followed like a helper it calls.
      for (const fn of implicitlyRun(ctx, n)) follow(fn);
      if (n.type === "AssignmentExpression" || n.type === "UpdateExpression") {
        const target = (n.type === "AssignmentExpression" ? n.left : n.argument) as Node;
        if (target.type === "Identifier" && outer(target)) found = n;
      } else if (n.type === "CallExpression" || n.type === "OptionalCallExpression") {
        if (effectfulCall(ctx, n as CallNode, cb, f, strict, follow)) {
          found = n;
          return false;
        }
        // A method the module shows (`ids.get()` of `const ids = { get() { return ++this.n } }`)
        // runs inside the callback too: its body is followed, whatever its name says.
        const method = shownMethod(ctx, n.callee as Node);
        if (method && !seen.has(method)) {
          seen.add(method);
          queue.push(method);
        }
        // A method of an instance of a class of the module it did not create (`g.enter()` of an
        // outer `const g = new Gauge()`, `this.bump()`, attack23 F12): its body is followed, and
        // its writes to `this` are writes to that outer object; a method the class may take from
        // code the module does not show is counted as a change, the safe side.
        const own = method ? undefined : outerReceiver(ctx, n.callee as Node, outer);
        const inherited = own ? instanceMethod(ctx, n.callee as Node) : undefined;
        if (inherited === "unknown") {
          found = n;
          return false;
        }
        follow(inherited);
        // An outer object handed to a helper that changes that parameter (`fill(shared, v)`).
        const callee = functionOf(ctx, n.callee as Node);
        const writes = callee ? paramWrites(ctx, callee) : undefined;
        n.arguments.forEach((arg, i) => {
          const r = arg.type === "SpreadElement" ? undefined : rootOf(arg as Node);
          if (!found && r && writes?.has(i) && outer(r.id)) found = n;
        });
      } else if (n.type === "NewExpression") {
        // `new Promise(console.log)`: a function it hands the constructor (handedOutside).
        if (handedOutside(ctx, n, follow, storedIsData)) {
          found = n;
          return false;
        }
      } else if (!storedIsData && (n.type === "ArrayExpression" || n.type === "ObjectExpression")) {
        // A function that acts outside kept in a literal (`const fns = [console.log]`, `{ say:
        // console.log }`) may be called later through a callee this walk does not judge
        // (`fns[0](x)`, `o.say(x)`, `fns.forEach((f) => f(x))`: the sequential copy printed in
        // another order, r13c): the reference counts, as one handed to a call does.
        if (handedValue(ctx, n, false, follow, 0)) {
          found = n;
          return false;
        }
      } else if (n.type === "Identifier" && isReference(n, ctx.tree)) {
        const b = ctx.scopes.binding(n, n.name);
        const callee = b ? functionOfBinding(b) : undefined;
        if (callee && !seen.has(callee)) {
          seen.add(callee);
          queue.push(callee);
        }
      }
      return undefined;
    });
    if (found) return found;
    forEachWrite(ctx, f.body as Node, ({ node, target }) => {
      const r = rootOf(target);
      if (!found && (!r || outer(r.id, r.depth))) found = node;
    });
    if (found) return found;
  }
  return undefined;
}

/**
 * Whether the receiver of a member callee is an object the function did not create: `this`, or a
 * name `outer` (writeOutside's judgement) says is outer.
 */
function outerReceiver(ctx: Ctx, callee: Node, outer: (id: t.Identifier) => boolean): boolean {
  const c = strip(callee);
  if (c.type !== "MemberExpression" && c.type !== "OptionalMemberExpression") return false;
  const o = strip(c.object as Node);
  if (o.type === "ThisExpression") return true;
  return o.type === "Identifier" && !!ctx.scopes.binding(o, o.name) && outer(o);
}

/**
 * Modules whose functions change nothing outside (paths, URLs, facts about the system), but for
 * the ones listed as writing.
 */
const PURE_MODULES = new Map<string, Set<string>>([
  ["path", new Set()],
  ["path/posix", new Set()],
  ["path/win32", new Set()],
  ["url", new Set()],
  ["os", new Set(["setPriority"])],
]);

/**
 * File system calls that only read (`fs/promises` and `fs`): any other one writes. The one list:
 * the Promise.all / map rules here and SA303's acting initialisers (worker-imports.ts) read it.
 */
export const FS_READS = new Set(
  "access exists lstat opendir readdir readFile readlink realpath stat statfs createReadStream"
    .split(" ")
    .flatMap((n) => [n, `${n}Sync`]),
);

/**
 * Whether a call inside a callback that `Promise.all` or pMap would run concurrently has effects
 * outside it that the sequential copy would put in another order (attack 13, F2 and F7): output
 * (`console.*`), a function of `process` (`process.stdout.write`, `emitWarning`, `chdir`), a file
 * system call that is not a read, a function of another module whose
 * effects this file cannot see (a path or URL helper excepted), or a function the caller handed
 * in (a parameter of a function around the callback). Such a map keeps the worker variant.
 */
export function effectfulCall(
  ctx: Ctx,
  call: CallNode,
  cb: t.Function,
  f: t.Function,
  strict: boolean,
  follow: (fn: t.Function | undefined) => void,
): boolean {
  const callee = call.callee as Node;
  // The function the call runs, however it is run (`f.call(o, …)`, `Reflect.apply(f, o, […])`,
  // `f.bind(o)(…)`) or bound first (`const w = process.stdout.write.bind(process.stdout); w(…)`,
  // at module level too): the unwritten spellings let a sequential copy print lines in another
  // order (r13c).
  const runs = unbound(ctx, strip(calledWith(ctx, call).fn));
  // `console.log`, `globalThis.console.log`, `const say = console.log`, `const { log } = console`;
  // `process.stdout.write`, `process.emitWarning`, `const out = process.stdout; out.write`: what an
  // import of `node:process` is too (importedEffect).
  const g = globalCallee(ctx, runs);
  if (g?.[0] === "console" || (g !== undefined && processActs(g))) return true;
  const imported = importedCallee(ctx, runs, true) ?? importedCallee(ctx, callee, true);
  if (imported) return importedEffect(imported);
  if (callee.type === "Identifier") {
    // A parameter of the callback or of a helper it calls gets what the callback hands it (its
    // element: data, as `findUpEach(names)` passes names to `findUp`); a parameter of the
    // function around the callback is the caller's own function.
    const b = ctx.scopes.binding(callee, callee.name);
    if (
      b?.kind === "param" &&
      !ctx.tree.within(b.node as Node, cb as Node) &&
      !ctx.tree.within(b.node as Node, f as Node)
    )
      return true;
  }
  // A function it hands on that acts outside (`[x].forEach(console.log)`, attack22 F6): the
  // offload rule's own judgement (handedOutside), so both rules see the same spellings.
  if (handedOutside(ctx, call, follow)) return true;
  return strict && unseenCall(ctx, callee, cb, f);
}

/**
 * Strict mode (a whole function, not a callback over elements): a call whose effects the file
 * does not show is an effect too — a function the caller passed in (any parameter), a global
 * that is not a known pure one, a method that is not a known reader of an object the function
 * did not create (`db.insert(row)`, `emitter.emit(…)`, `this.save()`). Local functions are
 * followed by writeOutside itself.
 */
function unseenCall(ctx: Ctx, callee: Node, cb: t.Function, f: t.Function): boolean {
  const c = strip(callee);
  const local = (b: Binding) =>
    ctx.tree.within(b.node as Node, cb as Node) || ctx.tree.within(b.node as Node, f as Node);
  if (c.type === "Identifier") {
    const b = ctx.scopes.binding(c, c.name);
    if (!b) return !PURE_GLOBALS.has(c.name) || c.name === "console";
    if (b.kind === "param") return true;
    // A function of the module is followed (its body is checked); anything else is unseen.
    return functionOfBinding(b) === undefined && !local(b);
  }
  if (c.type !== "MemberExpression" && c.type !== "OptionalMemberExpression") return true;
  // A reader's name (`get`, `has`) is not an effect here: where the module shows the method
  // (`ids.get()` of an object literal that bumps a counter, attack 17, F18), writeOutside follows
  // its body like a function's; only a method the file does not show (a built-in's, a
  // parameter's) is taken at its name's word.
  const name = memberName(c);
  if (name !== undefined && isReader(name)) return false;
  const object = strip(c.object as Node);
  if (object.type === "Identifier" && !ctx.scopes.binding(object, object.name))
    return !(
      name !== undefined &&
      (PURE_STATICS.get(object.name)?.has(name) || object.name === "Math" || object.name === "JSON")
    );
  const root = rootOf(object);
  const b = root ? ctx.scopes.binding(root.id, root.id.name) : undefined;
  // A method of an object the function made (`const seen = new Set(); seen.add(x)`).
  return !(b && local(b) && b.kind !== "param");
}

/**
 * Whether the build proves a sync function quiet: no write to state it did not create (strict
 * writeOutside) and no effect outside JS memory (outsideEffectOf). The one test for both uses of
 * it (attack20 F13): several offloaded calls in one `Promise.all` run in parallel only when each
 * is of such a function, and an offloaded call of a function that is not proven so is reported
 * `outside`. A module's export facts carry it (`quiet`), so an importer decides as the module's
 * own file would.
 */
export function provenQuiet(ctx: Ctx, fn: t.Function): boolean {
  return writeOutside(ctx, fn, false, true) === undefined && outsideEffectOf(ctx, fn) === null;
}

/** The first effect a function has outside itself, in the strict sense (`unseenCall`), memoised. */
export const effectOf: (ctx: Ctx, fn: t.Function) => Node | null = memoByFunction(
  (ctx, fn) => writeOutside(ctx, fn, true) ?? null,
  () => null,
);

/** Whether a where-it-ends-up effect follows a call of an imported function (see effectfulCall). */
export function importedEffect(imported: NonNullable<ReturnType<typeof importedCallee>>): boolean {
  const module = imported.module.replace(/^node:/, "");
  const except = PURE_MODULES.get(module);
  if (except) return imported.path.some((name) => except.has(name));
  if (module === "timers/promises") return false;
  const c = canonicalCallee(imported);
  if (c && (c.module === "fs" || c.module === "fs/promises")) return !FS_READS.has(c.name);
  return true;
}

/** An effect outside JS memory a sync function's body shows: what it does, and the node doing it. */
export interface OutsideEffect {
  node: Node;
  /** `writes to the file system`, `prints to the console`, …: completes "`g` …". */
  what: string;
}

/**
 * Globals whose members a function may call without acting on or reading anything the rest of the
 * program could change meanwhile. The clock (`Date.now()`, `performance.now()`) and random numbers
 * are left out on purpose: they read no state the program writes, and a busy loop over the clock
 * is the very work offloading is for.
 */
const QUIET_GLOBAL_OBJECTS = new Set(["Date", "Math", "JSON", "performance", "Intl", "Atomics"]);

/** Global functions that compute from their arguments only (beside PURE_GLOBALS). */
const QUIET_GLOBALS = new Set(["btoa", "atob"]);

/**
 * Node modules whose sync functions compute from their arguments (hashing, compression, encoding,
 * formatting), beside PURE_MODULES: nothing the program changes is read or written.
 */
const QUIET_MODULES = new Set(["crypto", "util", "buffer", "zlib", "querystring", "string_decoder"]);

/** What `process` says about itself that never changes while the program runs. */
const PROCESS_CONSTANTS = new Set([
  "argv",
  "argv0",
  "execArgv",
  "execPath",
  "pid",
  "ppid",
  "platform",
  "arch",
  "version",
  "versions",
  "release",
  "features",
  "config",
]);

/**
 * Attack 18, F12. The first effect outside JS memory that a sync function's body shows, reads
 * included: output, a file system call (a read too: offloaded, it reads later than the plain
 * program did), `process` (its environment, streams, working directory), a function of another
 * module (a path or URL helper excepted: its effects are not looked into), a global the build does
 * not know. Local functions and methods of the module it calls are followed, as writeOutside does.
 * What stays in JS memory (its own objects, module state) is not an effect here: a pool thread
 * works on its own copy of those (docs/semantics.md, "What a worker sees").
 */
export const outsideEffectOf: (ctx: Ctx, fn: t.Function) => OutsideEffect | null = memoByFunction(
  (ctx, fn) => findOutside(ctx, fn) ?? null,
  () => null,
);

function findOutside(ctx: Ctx, fn: t.Function): OutsideEffect | undefined {
  const queue: t.Function[] = [fn];
  const seen = new Set<t.Function>(queue);
  const follow = (f: t.Function | undefined) => {
    if (f && !seen.has(f)) {
      seen.add(f);
      queue.push(f);
    }
  };
  for (const f of queue) {
    let found: OutsideEffect | undefined;
    ctx.tree.walk(f.body as Node, (n) => {
      if (found) return false;
      // A `toString` a template runs, a `toJSON` of `JSON.stringify`, a getter (attack23 F10):
      // followed as a function it calls.
      for (const fn of implicitlyRun(ctx, n)) follow(fn);
      if (n.type === "CallExpression" || n.type === "OptionalCallExpression") {
        // What the callee does where the build knows it (a global, an import); else the function
        // it resolves to is followed, and a callee it cannot resolve is not proven (attack20 F4).
        const what = callOutside(ctx, n.callee as Node) ?? unfollowed(ctx, n.callee as Node, follow);
        if (what) {
          found = { node: n, what };
          return false;
        }
        found = handed(ctx, n as CallNode, follow);
        if (found) return false;
      } else if (n.type === "NewExpression") {
        const what = newOutside(ctx, n, follow);
        if (what) {
          found = { node: n, what };
          return false;
        }
        found = handed(ctx, n, follow);
        if (found) return false;
      } else if (n.type === "Identifier" && isReference(n, ctx.tree)) {
        if (n.name === "process" && !ctx.scopes.binding(n, "process")) {
          const use = ctx.tree.parent(n);
          if (use !== undefined && processConstant(ctx, use, n)) return undefined;
          found = {
            node:
              use && (use.type === "MemberExpression" || use.type === "OptionalMemberExpression") ? use : n,
            what: "uses `process` (its environment, streams or state)",
          };
          return false;
        }
        const b = ctx.scopes.binding(n, n.name);
        follow(b ? functionOfBinding(b) : undefined);
      }
      return undefined;
    });
    if (found) return found;
  }
  return undefined;
}

/** A function the call hands on that has an effect outside (handedOutside), said as such. */
function handed(
  ctx: Ctx,
  call: CallNode | t.NewExpression,
  follow: (f: t.Function | undefined) => void,
): OutsideEffect | undefined {
  const h = handedOutside(ctx, call, follow, true);
  return h && { node: h.node, what: `${h.what}, through a function it hands to a call that may call it` };
}

/** What a call does outside JS memory, judged by its callee; undefined when nothing the build knows of. */
function callOutside(ctx: Ctx, callee: Node): string | undefined {
  const c = strip(callee);
  // A global however spelled (attack20 F13, F4): `globalThis.console.log`, `const say =
  // console.log`, `const { log } = console`, `const out = process.stdout; out.write(…)`,
  // `console.log.call(console, …)`.
  const g = globalCallee(ctx, calledFunction(c));
  if (g !== undefined) {
    const [root, ...rest] = g as [string, ...string[]];
    if (root === "console") return "prints to the console";
    if (root === "process") {
      // `process.*` written out is said where the name is read (findOutside); what `process`
      // says about itself (`const argv = process.argv`) reads nothing the program changes.
      if (rootName(c) === "process" || (rest.length > 1 && PROCESS_CONSTANTS.has(rest[0]!))) return undefined;
      return "uses `process` (its environment, streams or state)";
    }
    if (rest.length === 0)
      return root === "require" || PURE_GLOBALS.has(root) || QUIET_GLOBALS.has(root)
        ? undefined
        : `calls the global \`${root}\``;
    if (PURE_GLOBALS.has(root) || QUIET_GLOBAL_OBJECTS.has(root) || PURE_STATICS.has(root)) return undefined;
    return `calls \`${g.join(".")}\`, a global's method the build does not know`;
  }
  const imported = importedCallee(ctx, c, true);
  if (imported) {
    const module = imported.module.replace(/^node:/, "");
    const except = PURE_MODULES.get(module);
    if (QUIET_MODULES.has(module)) return undefined;
    if (except) {
      const acting = imported.path.find((name) => except.has(name));
      return acting === undefined ? undefined : `calls \`${acting}\` of \`${imported.module}\``;
    }
    const fs = canonicalCallee(imported);
    if (fs && (fs.module === "fs" || fs.module === "fs/promises"))
      return FS_READS.has(fs.name) ? "reads the file system" : "writes to the file system";
    return `calls a function of \`${imported.module}\`, whose effects are not looked into`;
  }
  if (c.type === "Identifier") {
    if (ctx.scopes.binding(c, c.name) || c.name === "require") return undefined;
    return PURE_GLOBALS.has(c.name) || QUIET_GLOBALS.has(c.name)
      ? undefined
      : `calls the global \`${c.name}\``;
  }
  if (c.type !== "MemberExpression" && c.type !== "OptionalMemberExpression") return undefined;
  let object = strip(c.object as Node);
  while (object.type === "MemberExpression" || object.type === "OptionalMemberExpression")
    object = strip(object.object as Node);
  if (object.type !== "Identifier" || ctx.scopes.binding(object, object.name)) return undefined;
  // `process.*` is said where the name is read (findOutside); `Object.keys`, `Date.now()` and
  // their kin read nothing the program changes.
  if (object.name === "process" || PURE_GLOBALS.has(object.name) || QUIET_GLOBAL_OBJECTS.has(object.name))
    return undefined;
  if (PURE_STATICS.has(object.name)) return undefined;
  return `calls \`${sourceOfCallee(c)}\`, a global's method the build does not know`;
}

/** The name a member chain starts from (`a` of `a.b.c`), when it is a name. */
function rootName(c: Node): string | undefined {
  let cur = strip(c);
  while (cur.type === "MemberExpression" || cur.type === "OptionalMemberExpression")
    cur = strip(cur.object as Node);
  return cur.type === "Identifier" ? cur.name : undefined;
}

/**
 * A member of `process` that, called, acts or reads what changes (`process.stdout.write`,
 * `process.emitWarning`, `process.chdir`, `process.cwd`): anything but what `process` says about
 * itself (PROCESS_CONSTANTS) and its environment object. The one reading for a `process` function
 * called or handed where it is called; a read of `process` the offload walk judges itself.
 */
function processActs(g: readonly string[]): boolean {
  return g[0] === "process" && g.length > 1 && !PROCESS_CONSTANTS.has(g[1]!) && g[1] !== "env";
}

/** `process.argv`, `process.pid`…: read, not written nor called (PROCESS_CONSTANTS). */
function processConstant(ctx: Ctx, use: Node, id: Node): boolean {
  if ((use.type !== "MemberExpression" && use.type !== "OptionalMemberExpression") || use.object !== id)
    return false;
  const name = memberName(use);
  if (name === undefined || !PROCESS_CONSTANTS.has(name)) return false;
  const { outer, parent } = consumerOf(ctx.tree, use);
  const key = ctx.tree.link(outer)?.key;
  if (parent === undefined) return true;
  if ((parent.type === "AssignmentExpression" && key === "left") || parent.type === "UpdateExpression")
    return false;
  return !(
    (parent.type === "CallExpression" || parent.type === "OptionalCallExpression") &&
    key === "callee"
  );
}

/** `a.b.c` as written, for a member callee of plain names. */
function sourceOfCallee(c: Node): string {
  const parts: string[] = [];
  let cur = strip(c);
  while (cur.type === "MemberExpression" || cur.type === "OptionalMemberExpression") {
    const name = memberName(cur);
    parts.unshift(name ?? "[…]");
    cur = strip(cur.object as Node);
  }
  if (cur.type === "Identifier") parts.unshift(cur.name);
  return parts.join(".");
}

/** Completes "`g` …" for a callee the build cannot resolve to a function whose effects it knows. */
const UNFOLLOWED = "calls a function the build does not follow";
const HANDED_IN = "calls a function handed in as a parameter, which the build does not follow";

/** How many `const` aliases and table entries are followed from one callee. */
const MAX_LINKS = 8;

/**
 * Attack20 F4: a callee callOutside did not judge (no global, no import). The function it names
 * where the module shows it (a function of the module, a method of a `const` object literal or of
 * a class of the module, the value a table entry or a `const` holds) is followed: its body is
 * looked into by findOutside. A method named as a built-in's (sync-table.ts: `push`, `map`,
 * `get`, a reader's `getX`/`toX` name) is taken at its name's word, as on any object in JS memory.
 * Anything else — a parameter, an array element, a method of an object of unknown class, the
 * result of a call or of `new Function(…)` — is not proven quiet: unknown means not proven
 * (docs/semantics.md, "Offloading is parallelism").
 */
function unfollowed(
  ctx: Ctx,
  callee: Node,
  follow: (f: t.Function | undefined) => void,
  depth = 0,
): string | undefined {
  if (depth > MAX_LINKS) return UNFOLLOWED;
  const c = strip(calledFunction(callee));
  // A global or an import: callOutside's judgement stands (quiet modules, `Math.max`, …).
  if (
    globalCallee(ctx, c) !== undefined ||
    importedCallee(ctx, strip(callee), true) ||
    importedCallee(ctx, c, true)
  )
    return undefined;
  // An IIFE's body is in the walk already. `super(…)`, `super.m()` are not followed (a parent
  // class's code; a limit docs/semantics.md names).
  if (isFunction(c) || c.type === "Super") return undefined;
  if (c.type === "Identifier") {
    const b = ctx.scopes.binding(c, c.name);
    // An unbound name that is no global callOutside judged: `require` and the like.
    if (!b) return undefined;
    const fn = functionOfBinding(b);
    if (fn) {
      follow(fn);
      return undefined;
    }
    if (b.kind === "param") return HANDED_IN;
    // `const w = ops.write`: the value it holds, judged as the callee.
    const decl = b.node;
    if (
      b.kind === "const" &&
      decl.type === "VariableDeclarator" &&
      decl.id.type === "Identifier" &&
      decl.init
    )
      return valueOutside(ctx, decl.init as Node, follow, depth + 1);
    return UNFOLLOWED;
  }
  if (c.type !== "MemberExpression" && c.type !== "OptionalMemberExpression") return UNFOLLOWED;
  const name = memberName(c);
  const object = strip(c.object as Node);
  if (name !== undefined && object.type === "Identifier") {
    const b = ctx.scopes.binding(object, object.name);
    if (b) {
      const method = methodOf(ctx, b, name);
      if (method) {
        follow(method);
        return undefined;
      }
      // `ops.write(…)` of `const ops = { write: fs.writeFileSync }`: the entry's value.
      const entry = tableEntry(b, name);
      if (entry === "unknown") return UNFOLLOWED;
      if (entry) return valueOutside(ctx, entry, follow, depth + 1);
      // `store.save()` of `const store = new Store()`, a class of the module.
      const cls = instanceClass(ctx, b);
      if (cls) return classMethodOutside(ctx, cls, name, false, follow, depth);
    }
  } else if (name !== undefined && object.type === "ThisExpression") {
    // `this.save()` in a method of a class of the module: that class's method.
    const own = thisClass(ctx, c);
    if (own) return classMethodOutside(ctx, own.cls, name, own.static, follow, depth);
  }
  return name !== undefined && builtinName(name) ? undefined : UNFOLLOWED;
}

/** A value expression called (`const w = …; w()`, a table entry): judged as a callee. */
function valueOutside(
  ctx: Ctx,
  value: Node,
  follow: (f: t.Function | undefined) => void,
  depth: number,
): string | undefined {
  const v = strip(value);
  if (isFunction(v)) {
    follow(v);
    return undefined;
  }
  return callOutside(ctx, v) ?? unfollowed(ctx, v, follow, depth);
}

/** A method name of a built-in prototype (the sync table's), or a reader's name (`getX`, `toX`). */
function builtinName(name: string): boolean {
  return isBuiltinMethod(name) || isReader(name);
}

/** The value of `o.m` for a `const` object literal `o` whose entry `m` is not a function. */
// The entry JavaScript takes: the last of the name; a spread or a computed key after it may
// replace it, and a getter of the name runs code for the value — neither is followed ("unknown").
// r16a: the first entry was read, so `{ say: (s) => s, say: console.log }` was proven quiet
// (fixture worker/offload-outside-duplicate-members).
function tableEntry(b: Binding, m: string): Node | "unknown" | undefined {
  const n = b.node;
  const init = n.type === "VariableDeclarator" && n.init ? strip(n.init) : undefined;
  if (b.kind !== "const" || init?.type !== "ObjectExpression") return undefined;
  for (let i = init.properties.length - 1; i >= 0; i--) {
    const p = init.properties[i]!;
    if (p.type === "SpreadElement") return "unknown";
    const name = keyName(p as { key: Node; computed?: boolean });
    if (name === undefined && mayBeAnyName(p as { key: Node; computed?: boolean })) return "unknown";
    if (name !== m) continue;
    return p.type === "ObjectProperty" ? (p.value as Node) : "unknown";
  }
  return undefined;
}

type ClassNode = t.ClassDeclaration | t.ClassExpression;

/** The class of the module a name is bound to (`class Store {}`, `const Store = class {}`). */
function classOfBinding(b: Binding): ClassNode | undefined {
  const n = b.node;
  if (n.type === "ClassDeclaration") return b.violations.length ? undefined : n;
  const init = n.type === "VariableDeclarator" && n.init ? strip(n.init) : undefined;
  return b.kind === "const" && init?.type === "ClassExpression" ? init : undefined;
}

/** `const store = new Store()` with `Store` a class of the module: that class. */
function instanceClass(ctx: Ctx, b: Binding): ClassNode | undefined {
  const n = b.node;
  const init = n.type === "VariableDeclarator" && n.init ? strip(n.init) : undefined;
  if (b.kind !== "const" || init?.type !== "NewExpression") return undefined;
  const ctor = strip(init.callee as Node);
  if (ctor.type !== "Identifier") return undefined;
  const cb = ctx.scopes.binding(ctor, ctor.name);
  return cb ? classOfBinding(cb) : undefined;
}

/**
 * `m` of a class of the module (static or on its instances): followed where the class (or a
 * parent class of the module) shows it; a method it inherits from a class it does not show is
 * not proven, but for a built-in method name (`hasOwnProperty`).
 */
function classMethodOutside(
  ctx: Ctx,
  cls: ClassNode,
  m: string,
  isStatic: boolean,
  follow: (f: t.Function | undefined) => void,
  depth: number,
): string | undefined {
  for (let cur: ClassNode | undefined = cls, i = depth; cur && i <= MAX_LINKS; i++) {
    // The member JavaScript takes: the last definition of the name, and a field (static, or of
    // the instance) over any method or accessor wherever it stands — fields are defined once the
    // methods are (r16a: the first was read; fixture worker/offload-outside-duplicate-members).
    let method: Node | undefined;
    let field: t.ClassProperty | undefined;
    for (const member of cur.body.body) {
      const key = (member as { key?: Node }).key;
      if (!key || (member as { static?: boolean }).static !== isStatic) continue;
      const name = keyName(member as { key: Node; computed?: boolean });
      // `[k]() {}` may be any name.
      if (name === undefined && mayBeAnyName(member as { key: Node; computed?: boolean })) return UNFOLLOWED;
      if (name !== m) continue;
      if (member.type === "ClassProperty") field = member;
      else method = member as Node;
    }
    if (field) {
      const value = field.value ? strip(field.value as Node) : undefined;
      if (value && isFunction(value)) {
        follow(value as t.Function);
        return undefined;
      }
      return UNFOLLOWED;
    }
    if (method) {
      if (method.type === "ClassMethod" && method.kind === "method") {
        follow(method);
        return undefined;
      }
      return UNFOLLOWED;
    }
    const parent: Node | undefined = cur.superClass ? strip(cur.superClass as Node) : undefined;
    if (!parent) break;
    const pb: Binding | undefined =
      parent.type === "Identifier" ? ctx.scopes.binding(parent, parent.name) : undefined;
    const next: ClassNode | undefined = pb ? classOfBinding(pb) : undefined;
    if (!next) return builtinName(m) ? undefined : UNFOLLOWED;
    cur = next;
  }
  return builtinName(m) ? undefined : UNFOLLOWED;
}

/**
 * `new C(…)` in the body: a class of the module's constructor is followed; `new Function(…)`
 * makes code from text the build cannot read; a class of another module is not looked into
 * (as its functions are not). Other global constructors are not counted (a limit
 * docs/semantics.md names).
 */
function newOutside(
  ctx: Ctx,
  n: t.NewExpression,
  follow: (f: t.Function | undefined) => void,
): string | undefined {
  const callee = strip(n.callee as Node);
  const g = globalCallee(ctx, callee);
  if (g?.length === 1 && g[0] === "Function") return "makes a function from text (`new Function`)";
  if (callee.type === "Identifier") {
    const b = ctx.scopes.binding(callee, callee.name);
    const cls = b ? classOfBinding(b) : undefined;
    for (const member of cls?.body.body ?? [])
      if (member.type === "ClassMethod" && member.kind === "constructor") follow(member);
  }
  const imported = importedCallee(ctx, callee, true);
  return imported ? callOutside(ctx, callee) : undefined;
}

/**
 * Attack22 F4, F6: a function a call hands on may be called by the callee — `[m].forEach(
 * console.log)`, `files.forEach(fs.unlinkSync)`, `s.replace(/o/, console.log)`, `JSON.stringify(v,
 * log)`, `Object.defineProperty(o, "k", { get: console.log })` — so a reference to a function that
 * would be an effect outside JS memory if called is that effect when handed to any call. The one
 * rule for both uses: the offload decision (findOutside, the report's `outside` and parallel
 * offload) and the inline `Promise.all` rules (writeOutside through effectfulCall). Each reference
 * is judged by the table that judges a callee (callOutside, unfollowed): where the built-ins table
 * says the callee calls that argument (`CALLS_ITS_ARGUMENTS`: `forEach`, `map`, `replace`,
 * `Array.from`'s mapper, whatever the receiver), the argument is a callee in full — an unresolved
 * function (a parameter, a method of an object of unknown class, the result of a call) is not
 * proven, a function of the module is followed (`follow`), a primitive (a `replace` string) is
 * data. Anywhere else (any other argument, an entry of an array or object literal argument) the
 * value may be data, so only what is known to be a function counts: a console method, a `process`
 * function, a function of one of Node's own modules (`fs.unlinkSync`, an import of `node:net`);
 * functions of the module handed there are followed by the walks themselves, as every name they
 * read. `f.bind(o)` hands `f`. Returns the reference and what it does, or undefined.
 */
export function handedOutside(
  ctx: Ctx,
  call: CallNode | t.NewExpression,
  follow: (f: t.Function | undefined) => void,
  storedIsData = false,
): { node: Node; what: string } | undefined {
  const args = call.arguments as Node[];
  // `new Set([console.log])`, `new Map([["k", log]])`: a global class that keeps what it is given
  // (the built-ins table's `keeps`) stores an array literal's entries and calls none of them.
  // Only the offload walk passes `storedIsData`: any later call of a stored function goes through
  // a callee it does not resolve (`fns.forEach((f) => f(x))`: a parameter), which is not proven
  // there. The Promise.all walk does not judge such calls, so there the reference counts.
  const g = call.type === "NewExpression" ? globalCallee(ctx, strip(call.callee as Node)) : undefined;
  const keeps = storedIsData && g?.length === 1 && constructorHas(g[0]!, "keeps");
  const name = call.type === "NewExpression" ? undefined : memberName(strip(call.callee as Node));
  const at = name === undefined ? undefined : CALLS_ITS_ARGUMENTS.get(name);
  // A spread before the called position moves it: every argument is then only handed.
  const spreadBefore = at !== undefined && args.slice(0, at).some((a) => a.type === "SpreadElement");
  for (let i = 0; i < args.length; i++) {
    if (keeps && strip(args[i]!).type === "ArrayExpression") continue;
    const found = handedValue(ctx, args[i]!, i === at && !spreadBefore, follow, 0);
    if (found) return found;
  }
  return undefined;
}

/** One handed value: a reference judged (handedOutside), a literal's entries looked into. */
function handedValue(
  ctx: Ctx,
  value: Node,
  called: boolean,
  follow: (f: t.Function | undefined) => void,
  depth: number,
): { node: Node; what: string } | undefined {
  if (depth > MAX_LINKS) return undefined;
  const v = strip(value.type === "SpreadElement" ? (value.argument as Node) : value);
  // Its body is in the walk already.
  if (isFunction(v)) return undefined;
  if (v.type === "ArrayExpression" || v.type === "ObjectExpression") {
    const entries =
      v.type === "ArrayExpression"
        ? (v.elements.filter((e) => e !== null) as Node[])
        : (v.properties as Node[]).map((p) => (p.type === "ObjectProperty" ? (p.value as Node) : p));
    for (const e of entries) {
      // An object's methods and accessors are functions the walk goes into.
      if (e.type === "ObjectMethod") continue;
      const found = handedValue(ctx, e, false, follow, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  const target = unbound(ctx, v);
  // What `.bind` gave is a function, never data: a `process` function bound (`const out =
  // process.stdout.write.bind(process.stdout)`, at module level too) is one handed anywhere.
  const what = called
    ? calledOutside(ctx, target, follow)
    : (knownFunctionOutside(ctx, target) ?? (target !== v ? processFunction(ctx, target) : undefined));
  return what === undefined ? undefined : { node: v, what };
}

/** A `process` function that acts (processActs), for a value known to be called or a function. */
function processFunction(ctx: Ctx, ref: Node): string | undefined {
  const g = globalCallee(ctx, ref);
  return g !== undefined && processActs(g) ? "uses `process` (its environment, streams or state)" : undefined;
}

/** A handed argument a built-in calls: the callee's judgement, but for a primitive (data). */
function calledOutside(ctx: Ctx, ref: Node, follow: (f: t.Function | undefined) => void): string | undefined {
  if (provenPrimitive(ctx, ref)) return undefined;
  // `process.stdout.write` handed: callOutside leaves `process.*` to the walk's read of `process`,
  // which the Promise.all rules do not make.
  return (
    processFunction(ctx, ref) ??
    knownFunctionOutside(ctx, ref) ??
    callOutside(ctx, ref) ??
    unfollowed(ctx, ref, follow)
  );
}

/**
 * A handed argument the callee may or may not call: an effect only where the value is known to be
 * a function that has one — of `console`, or an export of one of Node's own modules named by itself (`unlinkSync`,
 * `fs.unlinkSync`; not a member of one, `constants.R_OK`, nor the objects several modules export,
 * `constants` and `promises`). The modules are not loaded to look: some warn when loaded.
 */
function knownFunctionOutside(ctx: Ctx, ref: Node): string | undefined {
  const g = globalCallee(ctx, ref);
  // `process.*` is data as often (`String(process.title)`); its reads are the walk's to judge.
  if (g !== undefined) return g[0] === "console" ? "prints to the console" : undefined;
  const imported = importedCallee(ctx, ref, true);
  if (imported?.path.length !== 1 || !isBuiltin(imported.module)) return undefined;
  const name = imported.path[0]!;
  if (name === "constants" || name === "promises") return undefined;
  // `import { argv, env } from "node:process"`: what the global's `process.argv` is, data.
  if (imported.module.replace(/^node:/, "") === "process" && (PROCESS_CONSTANTS.has(name) || name === "env"))
    return undefined;
  return callOutside(ctx, ref);
}

/** `f.bind(o)`, and a `const` holding one: `f`, which the bound function calls. */
function unbound(ctx: Ctx, v: Node, depth = 0): Node {
  if (depth > MAX_LINKS) return v;
  const bindOf = (n: Node): Node | undefined => {
    const c = strip(n);
    if (c.type !== "CallExpression") return undefined;
    const callee = strip(c.callee as Node);
    return (callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") &&
      memberName(callee) === "bind"
      ? strip(callee.object as Node)
      : undefined;
  };
  const direct = bindOf(v);
  if (direct) return unbound(ctx, direct, depth + 1);
  if (v.type !== "Identifier") return v;
  const b = ctx.scopes.binding(v, v.name);
  const decl = b?.node;
  if (
    b?.kind !== "const" ||
    decl?.type !== "VariableDeclarator" ||
    decl.id.type !== "Identifier" ||
    !decl.init
  )
    return v;
  const inner = bindOf(decl.init as Node);
  return inner ? unbound(ctx, inner, depth + 1) : v;
}
