import type { types as t } from "@babel/core";
import { type CallNode, type Index, ownCheckOf, resolveCallee } from "./calls.js";
import type { Ctx } from "./ctx.js";
import { runsToEnd } from "./effects.js";
import { provenPrimitive } from "./primitive.js";
import { proofOf } from "./prove.js";
import { returnsPrimitive } from "./return-type.js";
import { runtimeLocals } from "./runtime-names.js";
import type { Binding } from "./scope.js";
import {
  CALLS_ITS_ARGUMENTS,
  inEntry,
  methodFacts,
  RESULT_KINDS,
  SYNC_CONSTRUCTORS,
  SYNC_GLOBAL_FUNCTIONS,
  SYNC_GLOBAL_MEMBERS,
  SYNC_MODULE_FUNCTIONS,
  SYNC_PROTOTYPE_METHODS,
  SYNC_RUNTIME_FUNCTIONS,
} from "./sync-table.js";
import { isFunction, type Node } from "./tree.js";
import { importedCallee } from "./twin-callee.js";
import { consumerOf, isNodeRequire, isWritten, memberName, strip } from "./view.js";
import { functionOf, methodOf, methodsStay } from "./writes.js";

/**
 * Calls proven to start no asynchronous work (docs/semantics.md, "Calls proven synchronous"):
 * a call an async function starts before an `await` and does not await at once may leave work
 * for that await to run (an async function's rest, a timer, a listener: attack 17, F19), which
 * the inline copy, dropping the await, would run only after the sync variant returned. Unknown
 * is not proven: only what is listed here keeps the inline copy.
 *
 * - a built-in of the table (sync-table.ts): `fs.existsSync`, `path.join`, `JSON.parse`,
 *   `console.log`, `structuredClone`, `new Map()`, smartasync's `smartasync(fn)` wrapper;
 * - Node's `require(…)` (it loads and runs the module before it returns);
 * - a hand-written sync variant (`loadSync(…)`, `load.sync(…)`);
 * - a method of the table on a value proven to be an array, string, number, Map or Set (`out.push(x)`
 *   of `const out = []` whose methods the file never replaces);
 * - a function, or a method of a `const` object literal or class, whose body the file shows and
 *   which, followed up to MAX_DEPTH calls deep, pauses nowhere and calls only what is proven here
 *   (a smartasync function of the module included; an async one only when it runs to its end).
 *
 * A call that hands a function to one that calls it (`xs.forEach(cb)`, `JSON.parse(s, reviver)`)
 * is proven only when that function is shown and proven too. Implicit calls (getters, setters,
 * `toString` coercions, proxies) are not followed, and built-in prototypes are taken as
 * unpatched, as everywhere in the analysis (prove.ts).
 */

/** How many calls deep a body is followed; deeper is not proven. */
const MAX_DEPTH = 8;

export type StartedNode = CallNode | t.NewExpression | t.TaggedTemplateExpression;

/** Whether `call` certainly starts no asynchronous work and leaves none queued. */
export function provenSync(ctx: Ctx, index: Index, call: StartedNode, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if (call.type === "NewExpression") return newProven(ctx, index, call, depth);
  if (call.type === "TaggedTemplateExpression") {
    const tag = strip(call.tag as Node);
    // String.raw`…` builds a string.
    if (
      tag.type === "MemberExpression" &&
      memberName(tag) === "raw" &&
      tag.object.type === "Identifier" &&
      tag.object.name === "String" &&
      isGlobal(ctx, tag.object)
    )
      return true;
    const local = functionOf(ctx, tag);
    return local !== undefined && bodyStartsNothing(ctx, index, local, depth + 1);
  }
  const callee = strip(call.callee as Node);
  // A function written in place and called at once (an IIFE): its body is the call.
  if (callee.type === "ArrowFunctionExpression" || callee.type === "FunctionExpression")
    return bodyStartsNothing(ctx, index, callee, depth + 1);
  const r = resolveCallee(ctx, index, call);
  if (r) {
    if (r.explicit) {
      // `f.async()` (the async function itself, or the async variant of a sync one) is async.
      if (r.shape.kind !== "choice") return true;
      const kind = r.fn?.kind ?? r.ext?.fact.kind;
      return (r.choice === "self") === (kind === "sync");
    }
    // A dispatched call or `this.m()` may reach an override; an import's body is not shown here.
    if (!r.fn || r.shape.kind === "dispatch" || ownCheckOf(r.shape)) return false;
    if (r.fn.kind === "async" && !runsToEnd(ctx, r.fn.fn, index)) return false;
    return bodyStartsNothing(ctx, index, r.fn.fn, depth + 1);
  }
  if (isNodeRequire(ctx.scopes, callee)) return true;
  if (callee.type === "Identifier") {
    if (isGlobal(ctx, callee))
      return inEntry(SYNC_GLOBAL_FUNCTIONS, callee.name) && argsProven(ctx, index, call, depth, callee.name);
    const local = functionOf(ctx, callee);
    if (local) return shownProven(ctx, index, local, depth);
    // No listed function of a Node module or of the runtime calls an argument it is handed, so
    // the names of CALLS_ITS_ARGUMENTS (JSON.parse's reviver) are not read here: path's `parse`
    // is no JSON.parse (examples/find-up: `parse(dir).root`).
    return importedProven(ctx, call, callee) !== undefined;
  }
  if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression") return false;
  const name = memberName(callee);
  if (name === undefined) return false;
  const object = strip(callee.object as Node);
  if (object.type === "Identifier" && isGlobal(ctx, object)) {
    const entry = SYNC_GLOBAL_MEMBERS[object.name];
    return entry !== undefined && Object.hasOwn(SYNC_GLOBAL_MEMBERS, object.name) && inEntry(entry, name)
      ? argsProven(ctx, index, call, depth, name)
      : false;
  }
  const kind = valueKind(ctx, object);
  if (kind !== undefined) {
    const entry = SYNC_PROTOTYPE_METHODS[kind];
    return inEntry(entry, name) && argsProven(ctx, index, call, depth, name);
  }
  // A primitive's method is its built-in prototype's (`(await count()).toString()`).
  if (
    (inEntry(SYNC_PROTOTYPE_METHODS.string, name) || inEntry(SYNC_PROTOTYPE_METHODS.number, name)) &&
    primitiveValue(ctx, index, object)
  )
    return argsProven(ctx, index, call, depth, name);
  if (importedProven(ctx, call, callee) !== undefined) return true;
  // A method the module shows (`ids.get()` of `const ids = { get() { … } }`), never replaced.
  if (object.type === "Identifier") {
    const b = ctx.scopes.binding(object, object.name);
    const method = b ? methodOf(ctx, b, name) : undefined;
    if (method && b && methodsStay(ctx, b, name)) return shownProven(ctx, index, method, depth);
  }
  return false;
}

/**
 * A value proven primitive (primitive.ts, `provenPrimitive`), or the awaited value of a call of a
 * smartasync function of the module whose every `return` gives one (return-type.ts).
 */
function primitiveValue(ctx: Ctx, index: Index, node: Node): boolean {
  if (provenPrimitive(ctx, node)) return true;
  if (node.type !== "AwaitExpression") return false;
  const arg = strip(node.argument as Node);
  if (arg.type !== "CallExpression" && arg.type !== "OptionalCallExpression") return false;
  const r = resolveCallee(ctx, index, arg);
  if (!r?.fn || r.explicit || r.shape.kind === "dispatch" || ownCheckOf(r.shape)) return false;
  return returnsPrimitive(
    {
      walk: (root, visit) => ctx.tree.walk(root, visit, true),
      parent: (n) => ctx.tree.parent(n),
      binding: (n, name) => ctx.scopes.binding(n, name),
    },
    r.fn.fn as Node,
    (value) => provenPrimitive(ctx, value),
  );
}

/** Whether calling a function the file shows (a method run by an iteration) starts nothing. */
export function functionStartsNothing(ctx: Ctx, index: Index, fn: t.Function): boolean {
  return shownProven(ctx, index, fn, 0);
}

/** A function the file shows, called: an async one only when it runs to its end. */
function shownProven(ctx: Ctx, index: Index, fn: t.Function, depth: number): boolean {
  if (fn.async && !fn.generator && !runsToEnd(ctx, fn, index)) return false;
  return bodyStartsNothing(ctx, index, fn, depth + 1);
}

function newProven(ctx: Ctx, index: Index, node: t.NewExpression, depth: number): boolean {
  const c = strip(node.callee as Node);
  if (c.type === "ClassExpression")
    return shownClasses(ctx, c)!.every((cls) => classStartsNothing(ctx, index, cls, depth + 1));
  if (c.type !== "Identifier") return false;
  // `new Array(n)`, `new Map(entries)`: no constructor of the table calls its arguments.
  if (isGlobal(ctx, c)) return inEntry(SYNC_CONSTRUCTORS, c.name);
  const classes = shownClasses(ctx, c);
  return classes?.every((cls) => classStartsNothing(ctx, index, cls, depth + 1)) ?? false;
}

/**
 * A function of a Node built-in module, or of smartasync's runtime, listed as synchronous: its
 * name, or undefined when it is not one.
 */
function importedProven(ctx: Ctx, call: StartedNode, callee: Node): string | undefined {
  if (call.type === "TaggedTemplateExpression") return undefined;
  const imported = importedCallee(ctx, callee, true);
  if (!imported || imported.path.length === 0) return undefined;
  const name = imported.path[imported.path.length - 1]!;
  let proven: boolean;
  const bare = imported.module.startsWith("node:") ? imported.module.slice(5) : imported.module;
  if (imported.module === ctx.options.runtime)
    proven = imported.path.length === 1 && inEntry(SYNC_RUNTIME_FUNCTIONS, name);
  // `path.posix.join`: a member of path's own posix/win32 objects.
  else if (bare === "path" && imported.path.length === 2 && ["posix", "win32"].includes(imported.path[0]!))
    proven = true;
  else
    proven =
      imported.path.length === 1 &&
      Object.hasOwn(SYNC_MODULE_FUNCTIONS, bare) &&
      inEntry(SYNC_MODULE_FUNCTIONS[bare]!, name);
  return proven ? name : undefined;
}

/**
 * The argument a proven built-in calls (`forEach(cb)`, `JSON.parse(text, reviver)`): proven only
 * when it is a plain value or a function the file shows that is proven. A spread may put anything
 * there.
 */
function argsProven(ctx: Ctx, index: Index, call: StartedNode, depth: number, name: string): boolean {
  const at = call.type === "TaggedTemplateExpression" ? undefined : CALLS_ITS_ARGUMENTS.get(name);
  if (at === undefined) return true;
  const args = (call as CallNode | t.NewExpression).arguments as Node[];
  if (args.slice(0, at + 1).some((a) => a.type === "SpreadElement")) return false;
  const a = args[at];
  if (a === undefined) return true;
  const arg = strip(a);
  if (isFunction(arg)) return shownProven(ctx, index, arg, depth);
  const local = arg.type === "Identifier" ? functionOf(ctx, arg) : undefined;
  if (local) return shownProven(ctx, index, local, depth);
  // A value that is no function: a literal, or a local holding only such values.
  if (proofOf(ctx, arg) !== "proven" || arg.type === "Identifier")
    return arg.type === "Identifier" && primitiveLocal(ctx, arg);
  return true;
}

/** A local bound to a literal primitive (`const n = 0`) and never reassigned. */
function primitiveLocal(ctx: Ctx, id: t.Identifier): boolean {
  const b = ctx.scopes.binding(id, id.name);
  if (!b || b.violations.length || b.node.type !== "VariableDeclarator" || !b.node.init) return false;
  const init = strip(b.node.init as Node);
  return (
    init.type === "StringLiteral" ||
    init.type === "NumericLiteral" ||
    init.type === "BooleanLiteral" ||
    init.type === "NullLiteral" ||
    (init.type === "TemplateLiteral" && init.expressions.length === 0)
  );
}

const memo = new WeakMap<Ctx, Map<t.Function, boolean | "pending">>();

/**
 * Whether running `fn`'s own body starts nothing: no `await`, and every call and `new` in it
 * (not those of functions it only creates) proven. A generator is followed like any function:
 * calling it runs none of its body, but iterating the object it gives does, wherever that
 * happens (`for…of`, a spread, `Array.from`, `const [x] = …`, `yield*`, a built-in handed it),
 * and no check of the call's result could see that work (attack21 F2).
 */
function bodyStartsNothing(ctx: Ctx, index: Index, fn: t.Function, depth: number): boolean {
  let known = memo.get(ctx);
  if (!known) {
    known = new Map();
    memo.set(ctx, known);
  }
  const hit = known.get(fn);
  // Recursion (`a` calls `b`, which calls `a`): not proven, rather than assumed.
  if (hit !== undefined) return hit === true;
  if (depth > MAX_DEPTH) return false;
  known.set(fn, "pending");
  const proven = codeStartsNothing(ctx, index, fn as Node, depth);
  // A pending function met on the way (recursion) was taken as not proven, so a result is never
  // one that leaned on an assumption: it can be kept.
  known.set(fn, proven);
  return proven;
}

/**
 * Whether running `root` (a function's body, a field's initialiser) starts nothing: no `await`,
 * and every call, `new` and tagged template in it proven, not those of functions it only creates.
 */
function codeStartsNothing(ctx: Ctx, index: Index, root: Node, depth: number): boolean {
  let proven = true;
  // Walked from the function itself: a function the tree left closed sends the analysis to the
  // whole tree (Tree.broken), as any rule reading a closed body does.
  const visit = (n: Node): boolean | undefined => {
    if (!proven) return false;
    if (n !== root && isFunction(n)) return walkWhereWritten(ctx, n, visit);
    if (n.type === "AwaitExpression" || (n.type === "ForOfStatement" && n.await)) proven = false;
    else if (
      n.type === "CallExpression" ||
      n.type === "OptionalCallExpression" ||
      n.type === "NewExpression" ||
      n.type === "TaggedTemplateExpression"
    ) {
      if (!provenSync(ctx, index, n as StartedNode, depth)) proven = false;
    }
    return proven ? undefined : false;
  };
  ctx.tree.walk(root, visit);
  return proven;
}

/**
 * The parts of a function node, or of a class body, that run where it is written rather than
 * when it is called or constructed (attack21 F2): a method's computed key (`[(audit(), "m")]() {}`,
 * evaluated with the object or class), and in a class body every computed key, each `static`
 * field's initialiser and each `static {}` block, run when the class definition is evaluated.
 */
export function runsWhereWritten(n: Node): Node[] {
  if (n.type === "ClassBody") {
    const out: Node[] = [];
    for (const m of n.body as Node[]) {
      const member = m as { computed?: boolean; key?: Node; static?: boolean; value?: Node | null };
      if (member.computed && member.key) out.push(member.key);
      if (m.type === "StaticBlock") out.push(...(m.body as Node[]));
      else if (member.static && member.value && !isFunction(m)) out.push(member.value);
    }
    return out;
  }
  const method = n as { computed?: boolean; key?: Node };
  return isFunction(n) && method.computed && method.key ? [method.key] : [];
}

/** Walks with `visit` what of a function node runs where it is written; skips the rest (`false`). */
export function walkWhereWritten(ctx: Ctx, n: Node, visit: (n: Node) => boolean | undefined): false {
  for (const part of runsWhereWritten(n)) ctx.tree.walk(part, visit);
  return false;
}

/**
 * The classes a name (or `superClass`) stands for where the file shows them: a class declared or
 * bound to a `const`, never assigned, or an element of a `const` array literal of such classes
 * (`Kinds[i]`) whose elements stay. Undefined when any may be something else.
 */
export function shownClasses(ctx: Ctx, node: Node): t.Class[] | undefined {
  const n = strip(node);
  // `new (class { … })()`: the class written in place.
  if (n.type === "ClassExpression") return [n];
  if (n.type === "Identifier") {
    const b = ctx.scopes.binding(n, n.name);
    if (!b || b.violations.length || b.redeclarations?.length) return undefined;
    if (b.node.type === "ClassDeclaration") return [b.node];
    if (b.node.type !== "VariableDeclarator" || b.kind !== "const" || !b.node.init) return undefined;
    const init = strip(b.node.init as Node);
    if (init.type === "ClassExpression") return [init];
    if (init.type !== "ArrayExpression" || !methodsStay(ctx, b)) return undefined;
    const all: t.Class[] = [];
    for (const e of init.elements) {
      const each = e && e.type !== "SpreadElement" ? shownClasses(ctx, e as Node) : undefined;
      if (!each) return undefined;
      all.push(...each);
    }
    return all;
  }
  if (n.type === "MemberExpression" && n.computed) return shownClasses(ctx, n.object as Node);
  return undefined;
}

/**
 * `new C()` of a class the file shows: its constructor and instance fields' initialisers start
 * nothing, and so does each class it may extend (proven the same way).
 */
function classStartsNothing(ctx: Ctx, index: Index, cls: t.Class, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (cls.superClass) {
    const supers = shownClasses(ctx, cls.superClass as Node);
    if (!supers?.every((s) => s !== cls && classStartsNothing(ctx, index, s, depth + 1))) return false;
  }
  for (const m of cls.body.body) {
    if ((m as { static?: boolean }).static) continue;
    if (m.type === "ClassMethod" && m.kind === "constructor") {
      if (!bodyStartsNothing(ctx, index, m, depth + 1)) return false;
    } else if ((m.type === "ClassProperty" || m.type === "ClassPrivateProperty") && m.value) {
      if (!codeStartsNothing(ctx, index, m.value as Node, depth + 1)) return false;
    } else if (m.type === "ClassAccessorProperty" || m.type === "StaticBlock") return false;
  }
  return true;
}

/** A global name (no binding of the file declares it). */
function isGlobal(ctx: Ctx, id: t.Identifier): boolean {
  return !ctx.scopes.binding(id, id.name);
}

type ValueKind = keyof typeof SYNC_PROTOTYPE_METHODS;

/**
 * What a receiver is proven to be: a literal (`[…]`, `"…"`, `new Map()`), or a local bound to
 * one, never reassigned, whose methods the file never replaces (`methodsStay`).
 */
function valueKind(ctx: Ctx, node: Node, depth = 0): ValueKind | undefined {
  const own = literalKind(ctx, node) ?? resultKind(ctx, node) ?? privateFieldKind(ctx, node);
  if (own !== undefined || node.type !== "Identifier") return own;
  const b = ctx.scopes.binding(node, node.name);
  if (b?.kind === "param") {
    const k = paramKind(ctx, b, depth);
    return k === "string" || k === "number" || (k !== undefined && methodsStay(ctx, b)) ? k : undefined;
  }
  if (!b || b.violations.length || b.redeclarations?.length || b.node.type !== "VariableDeclarator")
    return undefined;
  if (b.node.id.type !== "Identifier" || !b.node.init) return undefined;
  const kind = literalKind(ctx, strip(b.node.init as Node));
  if (kind === undefined) return undefined;
  // A primitive has no own properties to replace.
  if (kind === "string" || kind === "number") return kind;
  return methodsStay(ctx, b) ? kind : undefined;
}

/**
 * A parameter is what every call hands it, where the file shows every call: a plain parameter
 * (no default, rest or pattern), never assigned, of a function declared (or bound to a `const`)
 * in the file, not exported, whose name is used only as the callee of calls that pass a value of
 * one kind there (`step(out, "a")` where `out` is `[]` at each call, followed through callers'
 * own parameters up to MAX_DEPTH). Anything else may hand any object.
 */
function paramKind(ctx: Ctx, b: Binding, depth: number): ValueKind | undefined {
  if (depth > MAX_DEPTH || b.violations.length || b.node.type !== "Identifier") return undefined;
  const fn = ctx.tree.parent(b.node);
  if (!fn || !isFunction(fn)) return undefined;
  const at = (fn.params as Node[]).indexOf(b.node);
  if (at < 0) return undefined;
  const holder =
    fn.type === "FunctionDeclaration"
      ? fn
      : ctx.tree.parent(fn)?.type === "VariableDeclarator"
        ? ctx.tree.parent(fn)
        : undefined;
  const id =
    holder?.type === "FunctionDeclaration"
      ? holder.id
      : holder?.type === "VariableDeclarator"
        ? holder.id
        : undefined;
  if (!holder || id?.type !== "Identifier") return undefined;
  const fb = ctx.scopes.binding(id, id.name);
  if (!fb || fb.violations.length || fb.redeclarations?.length) return undefined;
  if (fb.node.type === "VariableDeclarator" && fb.kind !== "const") return undefined;
  const decl = fb.node.type === "VariableDeclarator" ? ctx.tree.parent(fb.node) : fb.node;
  const up = decl && ctx.tree.parent(decl);
  if (up?.type === "ExportNamedDeclaration" || up?.type === "ExportDefaultDeclaration") return undefined;
  // A closed function that mentions the name is opened (the file is analysed again whole).
  ctx.tree.watched.add(fb.name);
  let kind: ValueKind | undefined;
  let calls = 0;
  let ok = true;
  ctx.tree.walk(
    fb.scope.node,
    (n) => {
      if (!ok) return false;
      if (n.type !== "Identifier" || n.name !== fb.name || n === id) return undefined;
      const parent = ctx.tree.parent(n);
      if (!parent || ctx.scopes.binding(n, n.name) !== fb) return undefined;
      // A key or a member name, not a use of the binding.
      if (
        ((parent.type === "ObjectProperty" || parent.type === "ObjectMethod") &&
          parent.key === n &&
          !parent.computed) ||
        ((parent.type === "MemberExpression" || parent.type === "OptionalMemberExpression") &&
          parent.property === n &&
          !parent.computed)
      )
        return undefined;
      // A marker a previous pass added (`_sa.mark(step, …)`) hands the function to the runtime,
      // which never calls it: the second pass reads the program the first one did.
      if (parent.type === "CallExpression" && parent.callee !== n && isGeneratedMark(ctx, parent))
        return undefined;
      if (
        (parent.type !== "CallExpression" && parent.type !== "OptionalCallExpression") ||
        parent.callee !== n
      ) {
        ok = false;
        return false;
      }
      const args = parent.arguments as Node[];
      if (args.slice(0, at + 1).some((a) => a.type === "SpreadElement") || args[at] === undefined) {
        ok = false;
        return false;
      }
      const k = valueKind(ctx, strip(args[at]!), depth + 1);
      if (k === undefined || (kind !== undefined && k !== kind)) ok = false;
      kind = k;
      calls++;
      return undefined;
    },
    true,
  );
  return ok && calls > 0 ? kind : undefined;
}

/** `_sa.mark(…)`, `_sa.register(…)`, `_sa.explicit(…)`, `_sa.hide(…)`, `_sa.ownVariantOf(…)` of the runtime's local name. */
function isGeneratedMark(ctx: Ctx, call: t.CallExpression): boolean {
  const c = strip(call.callee as Node);
  if (c.type !== "MemberExpression") return false;
  const o = strip(c.object as Node);
  const m = memberName(c);
  return (
    o.type === "Identifier" &&
    (m === "mark" || m === "register" || m === "explicit" || m === "hide" || m === "ownVariantOf") &&
    runtimeLocals(ctx).has(o.name)
  );
}

/**
 * The kind of a call's result where the table says it (RESULT_KINDS): a method of a proven array
 * or string, a global (`Object.keys(o)`, `String(x)`). The call itself is checked on its own.
 */
function resultKind(ctx: Ctx, node: Node): ValueKind | undefined {
  if (node.type !== "CallExpression") return undefined;
  const callee = strip(node.callee as Node);
  if (callee.type === "Identifier")
    return isGlobal(ctx, callee) && Object.hasOwn(RESULT_KINDS.global, callee.name)
      ? RESULT_KINDS.global[callee.name]
      : undefined;
  if (callee.type !== "MemberExpression") return undefined;
  const name = memberName(callee);
  if (name === undefined) return undefined;
  const object = strip(callee.object as Node);
  if (object.type === "Identifier" && isGlobal(ctx, object)) {
    const key = `${object.name}.${name}`;
    return Object.hasOwn(RESULT_KINDS.global, key) ? RESULT_KINDS.global[key] : undefined;
  }
  const kind = valueKind(ctx, object);
  if (kind !== "array" && kind !== "string") return undefined;
  return Object.hasOwn(RESULT_KINDS[kind], name) ? RESULT_KINDS[kind][name] : undefined;
}

function literalKind(ctx: Ctx, n: Node): ValueKind | undefined {
  switch (n.type) {
    case "ArrayExpression":
      return "array";
    case "StringLiteral":
    case "TemplateLiteral":
      return "string";
    case "NumericLiteral":
      return "number";
    case "NewExpression": {
      const c = strip(n.callee as Node);
      if (c.type !== "Identifier" || !isGlobal(ctx, c)) return undefined;
      return c.name === "Map" ? "map" : c.name === "Set" ? "set" : c.name === "Array" ? "array" : undefined;
    }
    default:
      return undefined;
  }
}

// By Ctx: a walk that met a closed method answered for a tree that is analysed again whole.
const fieldMemo = new WeakMap<Ctx, Map<t.Class, Map<string, ValueKind | null>>>();

/**
 * `this.#cache` of a class whose private field `#cache` only ever holds values of one proven kind
 * (`#cache = new Map()`, or declared bare and set by `this.#cache = new Map()` in the constructor,
 * or set again with a new one in `clear()`), values that never leave the field and whose methods
 * are never replaced. Only `this.#f`, never a public field:
 *
 * - a private name is the class's alone: no code outside its body, no subclass, no importer can
 *   read or write `#cache` (a subclass declaring its own `#cache` names another field), so every
 *   write is in the walk below;
 * - on an object that is not an instance of the class (a method called with another `this`:
 *   `m.call(other)`), `this.#cache` throws a TypeError before the method is called, at once,
 *   which starts nothing either;
 * - a public field has neither: `this.cache` of a method handed another `this`, or of an instance
 *   of a subclass (another module's, if the class is exported) that redefines `cache`, can be any
 *   object, and no walk of the file shows every such object (docs/semantics.md).
 *
 * Read out of the field the value is the same object, so a use that lets it out (an argument, a
 * return, an alias, the result of `set`/`add`/`sort`, which return their receiver) or gives it a
 * method (`this.#cache.get = …`) leaves the field not proven. A field read before its first
 * write is `undefined`, whose method call throws at once: proven as well.
 */
function privateFieldKind(ctx: Ctx, node: Node): ValueKind | undefined {
  if (node.type !== "MemberExpression" && node.type !== "OptionalMemberExpression") return undefined;
  if (node.object.type !== "ThisExpression" || node.property.type !== "PrivateName") return undefined;
  const name = node.property.id.name;
  // The class the name belongs to: the innermost one around the read that declares it.
  let cls: t.Class | undefined;
  for (let up = ctx.tree.parent(node); up && !cls; up = ctx.tree.parent(up))
    if (up.type === "ClassBody" && up.body.some((m) => declaresPrivate(m as Node, name)))
      cls = ctx.tree.parent(up) as t.Class;
  if (!cls) return undefined;
  let classes = fieldMemo.get(ctx);
  if (!classes) {
    classes = new Map();
    fieldMemo.set(ctx, classes);
  }
  let known = classes.get(cls);
  if (!known) {
    known = new Map();
    classes.set(cls, known);
  }
  if (!known.has(name)) known.set(name, fieldKind(ctx, cls, name) ?? null);
  return known.get(name) ?? undefined;
}

/** A member of a class body named `#name`: a field, a method, an accessor (`accessor #name`). */
function declaresPrivate(m: Node, name: string): boolean {
  const key = (m as { key?: Node }).key;
  return key?.type === "PrivateName" && key.id.name === name;
}

/** The one proven kind every value of the private field `#name` of `cls` has, walking `cls` whole. */
function fieldKind(ctx: Ctx, cls: t.Class, name: string): ValueKind | undefined {
  const values: Node[] = [];
  let ok = true;
  for (const m of cls.body.body as Node[]) {
    if (!declaresPrivate(m, name)) continue;
    // A private method or accessor (`get #cache() {…}`) computes its value on each read.
    if (m.type !== "ClassPrivateProperty") return undefined;
    if (m.value) values.push(m.value as Node);
  }
  // Not `closedOk`: a method the tree left closed may write the field, and entering it marks the
  // tree broken, so the file is analysed again whole (tree.ts).
  ctx.tree.walk(cls as Node, (n) => {
    if (!ok) return false;
    // A class inside that declares `#name` again has a field of its own under that name.
    if (n !== cls.body && n.type === "ClassBody" && n.body.some((m) => declaresPrivate(m as Node, name)))
      return false;
    if (n.type !== "MemberExpression" && n.type !== "OptionalMemberExpression") return undefined;
    if (n.property.type !== "PrivateName" || n.property.id.name !== name) return undefined;
    const { outer, parent } = consumerOf(ctx.tree, n);
    if (isWritten(ctx.tree, n)) {
      // `x.#cache = new Map();`: a value; any other write (`+=`, a destructuring target) is not
      // seen, and an assignment whose own value is used (`m = this.#cache = new Map()`) lets
      // the value out.
      if (
        parent?.type === "AssignmentExpression" &&
        parent.operator === "=" &&
        parent.left === outer &&
        consumerOf(ctx.tree, parent).parent?.type === "ExpressionStatement"
      )
        values.push(parent.right as Node);
      else ok = false;
      return undefined;
    }
    // Every other use reads a member of the value: `this.#cache.get(k)`, `this.#cache.size`.
    if (
      (parent?.type !== "MemberExpression" && parent?.type !== "OptionalMemberExpression") ||
      parent.object !== outer
    ) {
      ok = false;
      return undefined;
    }
    const key = memberName(parent);
    if (isWritten(ctx.tree, parent)) {
      // `this.#items[0] = v`, `this.#items.length = 0` write no method; a computed key that is
      // not a number literal may be a method's name (`this.#items[k] = f` with `k = "push"`).
      const index = parent.computed ? strip(parent.property as Node) : undefined;
      if (key !== "length" && index?.type !== "NumericLiteral") ok = false;
      return undefined;
    }
    const call = consumerOf(ctx.tree, parent);
    if (
      (call.parent?.type !== "CallExpression" && call.parent?.type !== "OptionalCallExpression") ||
      call.parent.callee !== call.outer
    )
      return undefined;
    // `this.#cache[k](…)` may be any of its methods, `forEach` and `set` included.
    if (key === undefined) {
      ok = false;
      return undefined;
    }
    const facts = (["array", "map", "set"] as const).map((k) => methodFacts(k, key));
    // A callback is handed the receiver too (`forEach((v, k, map) => …)`); a result that is the
    // receiver must be dropped.
    if (
      facts.some((f) => f?.calls !== undefined) ||
      (facts.some((f) => f?.self) && consumerOf(ctx.tree, call.parent).parent?.type !== "ExpressionStatement")
    )
      ok = false;
    return undefined;
  });
  if (!ok || values.length === 0) return undefined;
  let kind: ValueKind | undefined;
  for (const v of values) {
    const k = literalKind(ctx, strip(v));
    if (k === undefined || (kind !== undefined && k !== kind)) return undefined;
    kind = k;
  }
  return kind;
}
