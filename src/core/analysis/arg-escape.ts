import { isBuiltin } from "node:module";
import { resolve as resolvePath } from "node:path";
import type { types as t } from "@babel/core";
import { handsBack } from "../context.js";
import { resolveImport } from "../resolve.js";
import { type Ctx, keyName, locOf, sourceOf } from "./ctx.js";
// Types only: export-writes.ts reads this file's rules (a value import would be a cycle).
import type { ExportWrites, ProvenWrites } from "./export-writes.js";
import { conversionsOf, implicitCalls, implicitName } from "./implicit.js";
import { memoByFunction } from "./memo.js";
import type { SaFunction } from "./model.js";
import { type Binding, isReference, patternNames } from "./scope.js";
import { COPIES, constructorHas, isMutator, isReader, SYNC_ARRAY_METHODS } from "./sync-table.js";
import { peelCallee } from "./transparent.js";
import { isFunction, type Node } from "./tree.js";
import { calledWith, globalCallee, importedCallee } from "./twin-callee.js";
import { constAliasOf, isNodeRequire, memberName, strip, TRANSPARENT, treeView } from "./view.js";
import {
  functionOf,
  functionOfBinding,
  keptMethod,
  keptMethodOf,
  paramWrites,
  type Write,
} from "./writes.js";

/**
 * Every place an argument's object may be written, the other way round from `paramWrites`
 * (attack 13, F4): a worker or pool thread changes its own copy of the arguments, so a function
 * that runs there is PROVEN to leave them alone only when every use of a parameter, and of every
 * value derived from one (a member, an alias, an array or object literal holding it, a reader
 * method's result, a callback's element), is a use this analysis understands as a read. Anything
 * else — the value handed to a function or method it cannot see into, stored where it cannot
 * follow, used as the receiver of a method that is not a known reader (`.call`/`.apply` included)
 * — "may write", and the function is kept off other threads (SA301 / SA304) with that use named.
 *
 * (Helper h13c plans one "every write target" helper in the core; this file is kept separate
 * so the two can be merged into one.)
 */

/** Globals whose functions only read their arguments (`JSON.stringify(o)`, `Math.max(...xs)`). */
export const PURE_GLOBALS = new Set([
  "JSON",
  "Math",
  "console",
  "String",
  "Number",
  "Boolean",
  "BigInt",
  "Symbol",
  "parseInt",
  "parseFloat",
  "isNaN",
  "isFinite",
  "encodeURIComponent",
  "decodeURIComponent",
  "encodeURI",
  "decodeURI",
  "structuredClone",
  "Date",
  "RegExp",
  "Error",
  "TypeError",
  "RangeError",
  "URL",
  "URLSearchParams",
  "TextEncoder",
  "TextDecoder",
  "Intl",
]);
/**
 * Static readers of `Object`, `Array`, `Promise`, `Buffer`, `Reflect`. A Map, not an object
 * literal: a global named `toString` or `constructor` must not find `Object.prototype`'s.
 */
export const PURE_STATICS = new Map<string, Set<string>>(
  Object.entries({
    Object: new Set([
      "keys",
      "values",
      "entries",
      "fromEntries",
      "getOwnPropertyNames",
      "getOwnPropertyDescriptor",
      "getOwnPropertyDescriptors",
      "getPrototypeOf",
      "is",
      "isFrozen",
      "isSealed",
      "isExtensible",
      "hasOwn",
      "groupBy",
    ]),
    Array: new Set(["isArray", "from", "of"]),
    Promise: new Set(["resolve", "all", "allSettled", "race", "any"]),
    Buffer: new Set(["from", "byteLength", "isBuffer", "concat", "compare"]),
    Reflect: new Set(["get", "has", "ownKeys", "getPrototypeOf", "getOwnPropertyDescriptor"]),
    Number: new Set(["isInteger", "isFinite", "isNaN", "isSafeInteger", "parseInt", "parseFloat"]),
    // `` String.raw`${o.name}` `` reads its substitutions (a tag is a call: `argumentSite`).
    String: new Set(["raw", "fromCharCode", "fromCodePoint"]),
  }),
);
/** Calls whose result holds the argument itself (or its members): the result is derived too. */
const PASSES_ON = new Set([
  "Array.from",
  "Array.of",
  "Object.values",
  "Object.entries",
  "Object.fromEntries",
  "Object.groupBy",
  "Promise.resolve",
  "Promise.all",
  "Promise.allSettled",
  "Promise.race",
  "Promise.any",
  // A new descriptor object (or an object of them) whose `value` is the argument's own member
  // (attack 18, F22: `Object.getOwnPropertyDescriptor(o, k).value.n = 1` writes to `o`).
  "Object.getOwnPropertyDescriptor",
  "Object.getOwnPropertyDescriptors",
  "Reflect.getOwnPropertyDescriptor",
]);
/**
 * Calls whose result is a member of their first argument, as `o[k]` is (attack 18, F22:
 * `Reflect.get(o, k).n = 1` writes to `o`): not a new container holding it.
 */
const MEMBER_OF = new Set(["Reflect.get"]);
/** Methods whose function arguments are called with the receiver's elements (or its value). */
const CALLBACKS = new Set([
  ...SYNC_ARRAY_METHODS,
  "then",
  "catch",
  "finally",
]); /** A promise's own methods: they read it, and their callbacks get its value. */
const PROMISE_METHODS = new Set(["then", "catch", "finally"]);
/** Functions of Node's own modules that write into an argument (a buffer they fill), with its index. */
const BUILTIN_WRITERS = new Map([
  ["read", 1],
  ["readSync", 1],
  ["readv", 1],
  ["readvSync", 1],
  ["randomFill", 0],
  ["randomFillSync", 0],
  ["getRandomValues", 0],
  ["encodeInto", 1],
]);
/**
 * Methods that fill a buffer argument whatever their receiver (`crypto.getRandomValues(buf)` of
 * the global or of `webcrypto`, `new TextEncoder().encodeInto(s, out)`, attack 18 F11): a name no
 * reader shares. (`read`/`readv` are writers only on Node's modules: `stream.read(n)` reads.)
 */
const FILLS_ARGUMENT = new Set([
  "readSync",
  "readvSync",
  "randomFill",
  "randomFillSync",
  "getRandomValues",
  "encodeInto",
]);
/** The argument a writer of `BUILTIN_WRITERS` fills: the others it only reads (`encodeInto(text, out)`). */
function filledIndex(ctx: Ctx, callee: Node): number | undefined {
  const c = strip(callee);
  if (c.type === "Identifier") {
    const b = ctx.scopes.binding(c, c.name);
    return BUILTIN_WRITERS.get((b && importedName(b)) ?? c.name);
  }
  const name = memberName(c);
  return name === undefined ? undefined : BUILTIN_WRITERS.get(name);
}

/** A function's own methods that call it with arguments the build does not line up with its parameters. */
const FORWARDS = new Set(["call", "apply", "bind"]);

/** A use that is a write, not only a possible one (`xs[0].n = 1`). */
const WRITES = "writes to it";

/**
 * Where a value is in the walk of its uses: `rest` while it is a new container holding the
 * value (the rest array itself, `[o]`, `{ k: o }`, `new Set([o])`), `depth` the members walked
 * since. A container's own members (`rest` at depth 1) are the container's, not the value's.
 */
export interface UseState {
  rest: boolean;
  depth: number;
  /** Reached through a typed array or `DataView` made over it (`new Int32Array(shared)`). */
  view?: boolean;
}

/**
 * What the parent of a value does with it: one step of "how is this value used", shared by the
 * walks that prove a value left alone — a function's arguments here (`compute`), a module-level
 * value a worker reads in same-everywhere.ts. Each walk keeps its own `UseState` and decides
 * what a step means for it (a store into another object, a call it cannot see into).
 */
export type Use =
  | { kind: "read" }
  /**
   * `opaque`: the value of a call the analysis cannot see into, which may be the argument itself;
   * `view`: a typed array, `DataView` or `Buffer` over it, which shares its memory (the value itself);
   * `member`: a member of it, as `o[k]` is (`Reflect.get(o, k)`).
   */
  | { kind: "derived"; node: Node; opaque?: true; view?: true; member?: true }
  /**
   * Returned by `fn` (`node`: the `return`, or an arrow's body); `yielded`: yielded by it, a
   * generator, whose calls give a new iterator over it (`yield x`, `yield* xs`).
   */
  | { kind: "returned"; fn: t.Function | undefined; node: Node; yielded?: true }
  /** Bound to the names of `pattern`; `container`: a container the walk's function made (compute). */
  | { kind: "bind"; pattern: Node; container?: true }
  /** Stored in a member of another object (`holder.k = value`, `node`: the assignment). */
  | { kind: "stored"; target: Node; node: Node }
  /** Handed to a mutator of another object (`holder.push(value)`), which keeps it. */
  | { kind: "kept"; receiver: Node; call: t.CallExpression }
  /** Exported (`export { value }`, `export default value`). */
  | { kind: "exported"; node: Node }
  | { kind: "callee-param"; fn: t.Function; index: number; call: Node }
  /**
   * A write, or a use that may write: `how` says which (`WRITES`, or what may write); `method`
   * the name of a method called on the value itself (`[…]` for a computed one); `passed`: handed
   * to a call it cannot see into (a built-in that may write, a callback the caller passed in).
   */
  | { kind: "may-write"; node: Node; how: string; unknownCall?: true; method?: string; passed?: true };

type Escapes = Map<number, Write>;

/** A step of the argument walk, once a store or a keeper is read for it (`compute`'s `argumentUse`). */
type ArgumentStep = Exclude<Use, { kind: "stored" | "kept" | "exported" }>;

/** A parameter the function's result may be (or hold): `opaque` when only a call it cannot see into says so. */
interface Returned {
  opaque: boolean;
  /** Every such return is a new container holding the argument (`[...list]`): its own members are the callee's. */
  container: boolean;
}

interface ArgumentUses {
  escapes: Escapes;
  /** Parameters (by index) whose object the function may return, or hold in what it returns. */
  returned: Map<number, Returned>;
  /** Set while the function is being analysed (recursion): its result may be any argument. */
  any?: Returned;
}

const argumentUses: (ctx: Ctx, fn: t.Function) => ArgumentUses = memoByFunction<ArgumentUses>(
  (ctx, fn) => compute(ctx, fn),
  () => ({ escapes: new Map(), returned: new Map(), any: { opaque: false, container: false } }),
);

const thisUses: (ctx: Ctx, fn: t.Function) => { write?: Write } = memoByFunction(
  (ctx, fn) => {
    const write = compute(ctx, fn, true).escapes.get(0);
    return write ? { write } : {};
  },
  () => ({}),
);

/**
 * The first use of `this` in `fn` (a method, not an arrow's) that is not proven a read, by the
 * rule for an argument: what a conversion method the module runs on an argument does to it
 * (attack23 F11: a `toString` writing `this.shown++`), or a function run with the argument as its
 * `this` (`Function.prototype.call.call(f, arg)`).
 */
export function thisEscape(ctx: Ctx, fn: t.Function): Write | undefined {
  return thisUses(ctx, fn).write;
}

/** The first use of each parameter's object (index → use) that is not proven a read. */
export function argumentEscapes(ctx: Ctx, fn: t.Function): Escapes {
  return argumentUses(ctx, fn).escapes;
}

/**
 * Whether what `fn` returns may be (or hold) the object of its parameter `index`: it returns the
 * parameter, a member or element of it, a container holding it, or what a call it cannot see into
 * made of it (issue 14, #6: `const item = findItem(todos, id); item.done = true` writes to the
 * caller's `todos`). A recursive call answers "may" for every parameter.
 */
export function returnsArgument(ctx: Ctx, fn: t.Function, index: number): Returned | undefined {
  const uses = argumentUses(ctx, fn);
  return uses.any ?? uses.returned.get(index);
}

/** The root binding of a member chain (`a.b[0]` → `a`), if it is an identifier. */
function rootBinding(ctx: Ctx, n: Node): Binding | undefined {
  let cur = strip(n);
  while (cur.type === "MemberExpression" || cur.type === "OptionalMemberExpression") cur = strip(cur.object);
  return cur.type === "Identifier" ? ctx.scopes.binding(cur, cur.name) : undefined;
}

type CalleeKind = "pure" | "passes-on" | "member" | "container" | "view" | "writes" | "unknown";

/**
 * What a global (`["JSON", "stringify"]`, `["Number"]`) does with its arguments, however it is
 * spelled: the free name, a member of the global object, a `const` second name of one (`const
 * show = console.log`: twin-callee.ts `globalCallee`).
 */
function globalKind(path: readonly string[], isNew: boolean): CalleeKind {
  const [root, name, ...more] = path;
  if (root === undefined || more.length > 0) return "unknown";
  if (name === undefined) {
    if (constructorHas(root, "view")) return "view";
    if (isNew && constructorHas(root, "keeps")) return "container";
    return PURE_GLOBALS.has(root) ? "pure" : "unknown";
  }
  if (FILLS_ARGUMENT.has(name)) return "writes";
  // `Buffer.from(arrayBuffer)` shares the caller's memory, as a typed array over it does.
  if (root === "Buffer" && name === "from") return "view";
  if (MEMBER_OF.has(`${root}.${name}`)) return "member";
  if (PASSES_ON.has(`${root}.${name}`)) return "passes-on";
  if (PURE_STATICS.get(root)?.has(name)) return "pure";
  return root === "console" || root === "JSON" || root === "Math" ? "pure" : "unknown";
}

/** `JSON.stringify`, `Object.keys`, `path.join`: a callee that only reads what it is given. */
export function calleeKind(ctx: Ctx, callee: Node, isNew: boolean): CalleeKind {
  const c = strip(callee);
  if (c.type === "Identifier") {
    const b = ctx.scopes.binding(c, c.name);
    if (!b) return globalKind([c.name], isNew);
    // `const show = console.log; show(o)`: the global's own (r13a: `lines.forEach(show)` was
    // taken for a possible write).
    const g = b.kind === "const" ? globalCallee(ctx, c) : undefined;
    if (g) return globalKind(g, isNew);
    if (!builtinImport(ctx, b)) return "unknown";
    return BUILTIN_WRITERS.has(importedName(b) ?? c.name) ? "writes" : "pure";
  }
  if (c.type !== "MemberExpression" && c.type !== "OptionalMemberExpression") return "unknown";
  const name = memberName(c);
  if (name !== undefined && FILLS_ARGUMENT.has(name)) return "writes";
  const obj = strip(c.object);
  if (name === undefined) return "unknown";
  // `createHash("sha256").update(text)`: a method of an object one of Node's own modules made
  // reads its arguments as the module's functions do (attack21 F4: SA304 "may write to its
  // argument" on a string hashed, so the hash stayed on the calling thread).
  if (obj.type !== "Identifier")
    return madeByBuiltin(ctx, obj) ? (BUILTIN_WRITERS.has(name) ? "writes" : "pure") : "unknown";
  const b = ctx.scopes.binding(obj, obj.name);
  if (!b) return globalKind([obj.name, name], isNew);
  // `const out = console; out.log(o)`: the global's own.
  const g = b.kind === "const" ? globalCallee(ctx, c) : undefined;
  if (g) return globalKind(g, isNew);
  // `path.join(o.dir)`, `fs.statSync(o.file)`: Node's own modules read their arguments.
  if (!builtinImport(ctx, b)) return "unknown";
  return BUILTIN_WRITERS.has(name) ? "writes" : "pure";
}

/**
 * What a callback handed to a method (`xs.forEach(cb)`, `Array.from(xs, cb)`) is: a function the
 * build reads (a function expression, a function or method of the module, `f.bind(…)` of one), a
 * built-in that only reads (`Number`, `String`), or code it cannot see into (attack 18 F19:
 * `xs.forEach(obj.method)`, `xs.forEach(fn.bind(null))` were taken as reads). Undefined for a
 * value that is not called (a `thisArg`, a literal).
 */
export function callbackTarget(ctx: Ctx, arg: Node): { fn: t.Function } | "pure" | "unknown" | undefined {
  const cb = strip(arg);
  if (isFunction(cb)) return { fn: cb as t.Function };
  if (cb.type === "Identifier") {
    const f = functionOf(ctx, cb);
    if (f) return { fn: f };
    const b = ctx.scopes.binding(cb, cb.name);
    if (!b) return "pure";
    return calleeKind(ctx, cb, false) === "pure" ? "pure" : "unknown";
  }
  if (cb.type === "MemberExpression" || cb.type === "OptionalMemberExpression") {
    const o = strip(cb.object);
    const name = memberName(cb);
    const b = o.type === "Identifier" ? ctx.scopes.binding(o, o.name) : undefined;
    const m = b && name !== undefined ? keptMethodOf(ctx, b, name) : undefined;
    if (m) return { fn: m };
    return calleeKind(ctx, cb, false) === "pure" ? "pure" : "unknown";
  }
  if (cb.type === "CallExpression" && strip(cb.callee as Node).type.endsWith("MemberExpression")) {
    const c = strip(cb.callee as Node) as t.MemberExpression;
    if (memberName(c) === "bind") return callbackTarget(ctx, c.object as Node) ?? "unknown";
    return "unknown";
  }
  return undefined;
}

function importedName(b: Binding): string | undefined {
  const n = b.node as { type: string; imported?: { type: string; name?: string; value?: string } };
  if (n.type !== "ImportSpecifier" || !n.imported) return undefined;
  return n.imported.type === "Identifier" ? n.imported.name : n.imported.value;
}

/**
 * Whether `n` is what a call of one of Node's built-in modules gives, through further calls and
 * members of it (`createHash("sha256")`, `createHash("sha256").update(a)`, `new URL(u).searchParams`
 * is not one: `URL` is a global).
 */
function madeByBuiltin(ctx: Ctx, n: Node): boolean {
  let cur = strip(n);
  let called = false;
  for (let i = 0; i < 32; i++) {
    if (
      cur.type === "CallExpression" ||
      cur.type === "OptionalCallExpression" ||
      cur.type === "NewExpression"
    ) {
      called = true;
      cur = strip(cur.callee as Node);
    } else if (cur.type === "MemberExpression" || cur.type === "OptionalMemberExpression")
      cur = strip(cur.object);
    else break;
  }
  if (!called || cur.type !== "Identifier") return false;
  const b = ctx.scopes.binding(cur, cur.name);
  return b !== undefined && builtinImport(ctx, b);
}

/** Whether a binding is an import (or `require`) of one of Node's built-in modules. */
function builtinImport(ctx: Ctx, b: Binding): boolean {
  if (b.kind === "module") {
    const decl = ctx.tree.parent(b.node);
    const src = (decl as { source?: { value?: unknown } } | undefined)?.source?.value;
    return typeof src === "string" && isBuiltin(src);
  }
  if (b.node.type === "VariableDeclarator" && b.violations.length === 0 && b.node.init) {
    const init = strip(b.node.init);
    if (
      init.type === "CallExpression" &&
      isNodeRequire(ctx.scopes, init.callee as Node) &&
      init.arguments[0]?.type === "StringLiteral"
    )
      return isBuiltin(init.arguments[0].value);
  }
  return false;
}

/**
 * The call whose argument `cur` is: its callee, arguments, `cur`'s place among them and whether
 * it is spread — `f(…, o)`, `new C(o)`, or a tag's `` tag`x${o}` ``, which calls the tag with the
 * strings array first, then each substitution (attack23 F1: a tag writing to `o` was read as a
 * plain template, which only reads). `call`: the call itself, absent for a tag. Undefined where
 * `cur` is the callee (calling it: a function cannot cross anyway) or part of a plain template.
 */
function argumentSite(
  ctx: Ctx,
  cur: Node,
):
  | {
      node: Node;
      callee: Node;
      args: readonly Node[];
      index: number;
      spread: boolean;
      call?: t.CallExpression;
    }
  | undefined {
  const p = ctx.tree.parent(cur)!;
  if (p.type === "TemplateLiteral") {
    const tagged = ctx.tree.parent(p);
    if (tagged?.type !== "TaggedTemplateExpression" || tagged.quasi !== p) return undefined;
    const index = p.expressions.indexOf(cur as t.Expression);
    return {
      node: tagged,
      callee: tagged.tag as Node,
      args: [p, ...p.expressions],
      index: index + 1,
      spread: false,
    };
  }
  const call = p as t.CallExpression;
  if (call.callee === cur) return undefined;
  let arg = cur;
  while (ctx.tree.parent(arg) !== p) arg = ctx.tree.parent(arg)!;
  const index = call.arguments.indexOf(arg as t.Expression);
  return {
    node: p,
    callee: call.callee as Node,
    args: call.arguments,
    index,
    spread: arg.type === "SpreadElement",
    call,
  };
}

/**
 * What the parent of `cur` does with its value (see `Use`). A `return` (or an arrow's body) gives
 * the value to the caller of the function it is in: `returned` names that function, which may
 * be one nested in the function whose arguments are followed (`compute` follows its calls).
 */
export function useOf(
  ctx: Ctx,
  cur: Node,
  state: UseState,
  /**
   * Ask the module graph what an imported function handed the value does to it
   * (`importedWrites`): the argument walk does; a walk of module values keeps such a call opaque.
   */
  imports = false,
): Use {
  const { rest, depth, view } = state;
  // A member of a container the function made (`err.input = input; err.code = 1`, `xs[0] = 5`)
  // is the function's own; a member of what it holds (`xs[0].n = 1`) is the caller's.
  const writesThrough = (n: Node): boolean => n.type.endsWith("MemberExpression") && !(rest && depth === 1);
  const p = ctx.tree.parent(cur);
  if (!p) return { kind: "read" };
  if (TRANSPARENT.has(p.type)) return { kind: "derived", node: p };
  // What a function returns: its callers' business (`returnsArgument`; a nested function's calls
  // for `compute`).
  if (p.type === "ArrowFunctionExpression" && p.body === cur) return { kind: "returned", fn: p, node: cur };
  if (p.type === "ReturnStatement" && p.argument === cur)
    return { kind: "returned", fn: ctx.tree.functionParent(p) as t.Function | undefined, node: p };
  switch (p.type) {
    case "ThrowStatement":
      // `try { throw arg } catch (e) { e.done = true }`: a `catch` of the function gets the
      // argument itself (attack23 F7). Thrown out of the function, the caller catches a copy.
      for (let n: Node = p, up = ctx.tree.parent(p); up && !isFunction(up); n = up, up = ctx.tree.parent(up))
        if (up.type === "TryStatement" && up.block === n && up.handler)
          return { kind: "may-write", node: p, how: "throws it where a `catch` of the function gets it" };
      return { kind: "read" };
    case "MemberExpression":
    case "OptionalMemberExpression": {
      if (p.object !== cur) return { kind: "read" }; // `x[o.k]`: a key
      const q = ctx.tree.parent(p);
      if (q && (q.type === "CallExpression" || q.type === "OptionalCallExpression") && q.callee === p) {
        const name = memberName(p);
        if (name !== undefined && (isReader(name) || PROMISE_METHODS.has(name)))
          return { kind: "derived", node: q };
        // The rest array itself is new: `args.push(x)`, `args.shift()` change no argument.
        if (rest && depth === 0 && name !== undefined && isMutator(name)) return { kind: "derived", node: q };
        return {
          kind: "may-write",
          node: q,
          how: `calls \`${name ?? "[…]"}\` on it`,
          method: name ?? "[…]",
        };
      }
      return { kind: "derived", node: p };
    }
    case "AssignmentExpression":
      if (p.left === cur) {
        return writesThrough(cur) ? { kind: "may-write", node: p, how: WRITES } : { kind: "read" };
      }
      if (p.left.type === "Identifier" || p.left.type.endsWith("Pattern"))
        return { kind: "bind", pattern: p.left as Node };
      return { kind: "stored", target: p.left as Node, node: p };
    case "UpdateExpression":
      return writesThrough(cur) ? { kind: "may-write", node: p, how: WRITES } : { kind: "read" };
    case "UnaryExpression":
      return p.operator === "delete" && writesThrough(cur)
        ? { kind: "may-write", node: p, how: WRITES }
        : { kind: "read" };
    case "VariableDeclarator":
      return p.init === cur ? { kind: "bind", pattern: p.id as Node } : { kind: "read" };
    case "ForOfStatement":
      if (p.right === cur) {
        const left = p.left.type === "VariableDeclaration" ? p.left.declarations[0]?.id : p.left;
        return left ? { kind: "bind", pattern: left as Node } : { kind: "read" };
      }
      return writesThrough(cur) ? { kind: "may-write", node: p, how: WRITES } : { kind: "read" };
    case "ForInStatement":
      return p.left === cur && writesThrough(cur)
        ? { kind: "may-write", node: p, how: WRITES }
        : { kind: "read" };
    case "ArrayPattern":
    case "ObjectPattern":
    case "RestElement":
    case "AssignmentPattern":
    case "ObjectProperty":
      if (p.type === "ObjectProperty" && ctx.tree.parent(p)?.type === "ObjectExpression")
        return (p as t.ObjectProperty).value === cur
          ? { kind: "derived", node: ctx.tree.parent(p)! }
          : { kind: "read" };
      if (p.type === "AssignmentPattern" && (p as t.AssignmentPattern).right === cur)
        return { kind: "bind", pattern: (p as t.AssignmentPattern).left as Node };
      return writesThrough(cur) ? { kind: "may-write", node: p, how: WRITES } : { kind: "read" };
    case "SpreadElement":
    case "ArrayExpression":
    case "ObjectExpression":
    case "AwaitExpression":
    case "SequenceExpression":
      if (p.type === "SequenceExpression" && p.expressions[p.expressions.length - 1] !== cur)
        return { kind: "read" };
      return { kind: "derived", node: p };
    case "ExportSpecifier":
    case "ExportDefaultDeclaration":
      return { kind: "exported", node: p };
    case "LogicalExpression":
      return { kind: "derived", node: p };
    case "ConditionalExpression":
      return p.test === cur ? { kind: "read" } : { kind: "derived", node: p };
    case "TemplateLiteral":
    case "CallExpression":
    case "OptionalCallExpression":
    case "NewExpression": {
      const site = argumentSite(ctx, cur);
      if (!site) return { kind: "read" };
      // From here `p` is the call, or the tagged template whose tag is called (`call` absent).
      const { node: p, call, args, index, spread } = site;
      const callee = peelCallee(site.callee);
      // `Object.freeze([o, t])`, `Object.seal(xs)` of a container the function made
      // (`const xs = [o]`): the call changes that container only and hands it back, or its
      // values (context.ts `handsBack`, the one reading); the elements, the caller's, are
      // untouched (r11b: a false SA301 on `Promise.race(Object.freeze([p, t]))`). The argument
      // itself frozen (`Object.freeze(o)`) stays a write: the caller's object would be frozen.
      if (
        rest &&
        depth === 0 &&
        index === 0 &&
        !spread &&
        call !== undefined &&
        handsBack(treeView(ctx.tree, ctx.scopes), p)
      )
        return { kind: "derived", node: p };
      if (isFunction(callee) && !spread) return { kind: "callee-param", fn: callee, index, call: p };
      // `mark.bind(null)(o)`: `mark` runs, the bound arguments before `o` (attack22 F9).
      const bound = boundTarget(ctx, callee);
      if (bound && !spread)
        return { kind: "callee-param", fn: bound.fn, index: index + bound.shift, call: p };
      // `new Helper(o)`, `new (class { constructor(t) {…} })(o)`: its constructor runs (a base
      // class's of the module where it has none). One that only keeps the argument leaves the
      // instance holding it, read below as any call's result (fixture sa211-escaped-parameter).
      if (p.type === "NewExpression" && !spread) {
        const ctor = constructorOf(ctx, callee);
        if (ctor && argumentEscapes(ctx, ctor).has(index))
          return { kind: "callee-param", fn: ctor, index, call: p };
      }
      // `ops.mark(o)`, `U.mark(o)`: a method of a `const` object literal or a static of a class
      // the module shows is read as a function of the module is (attack22 F8: the worker marked
      // its copy), before any guess from its name (`ops.add(o)` may write to `o`, not to `ops`).
      // `const { mark } = ops; mark(o)`, a self-import `m2(o)`: a function of the module too (attack23 F1).
      const named = namedFunction(ctx, callee);
      if (named && !spread) return { kind: "callee-param", fn: named, index, call: p };
      const local = aliasedFunction(ctx, callee) ?? keptMethod(ctx, callee);
      if (local && !spread) return { kind: "callee-param", fn: local, index, call: p };
      // `f(...[o])`, `f(...xs)`: its elements are `f`'s parameters from here on (attack 18 F19).
      if (local && spread) {
        const from = args.slice(0, index).some((a) => a.type === "SpreadElement") ? 0 : index;
        const w = [...argumentEscapes(ctx, local).entries()].find(
          ([i]) => i >= from || paramAt(local, i)?.node.type === "RestElement",
        );
        if (w)
          return {
            kind: "may-write",
            node: p,
            how: `passes it spread to \`${short(ctx, callee)}\`, which ${w[1].may ?? WRITES} (\`${w[1].text}\` at ${w[1].loc})`,
          };
        return { kind: "read" };
      }
      // A reader method of another receiver (`seen.includes(o)`, `map.get(o.k)`): a read.
      if (callee.type.endsWith("MemberExpression")) {
        const name = memberName(callee);
        const bySelf = calleeKind(ctx, callee, p.type === "NewExpression");
        if (bySelf === "writes" && filledIndex(ctx, callee) === index)
          return {
            kind: "may-write",
            node: p,
            how: `passes it to \`${short(ctx, callee)}\`, which fills it`,
            passed: true,
          };
        if (bySelf === "view" && index === 0 && !spread) return { kind: "derived", node: p, view: true };
        // `Reflect.get(o, k)` is `o[k]`; its key and receiver arguments are read.
        if (bySelf === "member")
          return index === 0 && !spread ? { kind: "derived", node: p, member: true } : { kind: "read" };
        if (bySelf === "pure" || bySelf === "writes") return { kind: "read" };
        // `Atomics.add(new Int32Array(buf), 0, 1)`: Atomics over a view the function made are
        // the writes of shared memory, and a `SharedArrayBuffer` is the caller's memory in every
        // thread (fixture strategies/promise-all-concurrency): taken as one.
        if (view && atomics(ctx, callee)) return { kind: "read" };
        if (bySelf === "passes-on") return { kind: "derived", node: p };
        // `stamp.call(that, o)` of an imported `stamp`: what its body does to the argument.
        const viaCall =
          imports && name === "call" ? importedWrites(ctx, p, callee, index, spread) : undefined;
        if (viaCall) return viaCall;
        // `f.call(that, o)`: `f`'s parameter `index - 1`, followed as a direct call is.
        const own = strip((callee as t.MemberExpression).object as Node);
        const target = name === "call" && index >= 1 && !spread ? functionOf(ctx, own) : undefined;
        if (target) return { kind: "callee-param", fn: target, index: index - 1, call: p };
        // `f.apply(that, [o])`, `f.bind(null, o)`, `f.call(o)`: handed on where the build does
        // not line it up with a parameter (attack 18 F19).
        // (A global's, `toString.call(o)`, is a built-in's: as before, not followed.)
        const ownRoot = rootId(own);
        if (
          name !== undefined &&
          FORWARDS.has(name) &&
          ownRoot !== undefined &&
          ctx.scopes.binding(ownRoot, ownRoot.name) !== undefined
        )
          return { kind: "may-write", node: p, how: `passes it to \`${short(ctx, callee)}\``, passed: true };
        // `[].concat(xs)`: the result holds the argument's elements (attack 18 F10).
        if (name === "concat") return { kind: "derived", node: p };
        if (name !== undefined && isReader(name) && !isFunctionArg(args)) return { kind: "read" };
        // `out.push(o)`: another object now holds it.
        if (name !== undefined && isMutator(name) && call)
          return { kind: "kept", receiver: (callee as t.MemberExpression).object as Node, call };
        // `Array.prototype.push.call(o.list, 9)`, `Object.assign(...[o], …)`: built-ins that may write.
        if (builtinStatic(ctx, callee))
          return { kind: "may-write", node: p, how: `passes it to \`${short(ctx, callee)}\``, passed: true };
        // A method of an object or class of the module that `shownMethod` could not resolve (a
        // `let` object, a computed key, a replaced class, an instance of a class of the module):
        // its body may write to the argument, and which body runs is not proven (attack22 F8).
        // A function another module exports reached as a member (`util.stamp(o)`, `ops.mark(o)`
        // of an imported `const` object, `U.mark(o)` of an imported class), where a method of
        // this module's is read (r13a): what its body does to the argument.
        const ext = imports ? importedWrites(ctx, p, callee, index, spread) : undefined;
        if (ext) return ext;
        if (unresolvedModuleMethod(ctx, own))
          return {
            kind: "may-write",
            node: p,
            how: `passes it to \`${short(ctx, callee)}\`, a method the build does not resolve to one function`,
            unknownCall: true,
            passed: true,
          };
        // A method of another object (`cache.set(k, v)`, `log.info(o)`): not followed (docs),
        // but what it gives back may be the argument (`registry.wrap(o)` returning `o`).
        return { kind: "derived", node: p, opaque: true };
      }
      const kind = calleeKind(ctx, callee, p.type === "NewExpression");
      if (kind === "writes" && filledIndex(ctx, callee) === index)
        return {
          kind: "may-write",
          node: p,
          how: `passes it to \`${short(ctx, callee)}\`, which fills it`,
          passed: true,
        };
      if (kind === "view")
        return index === 0 && !spread ? { kind: "derived", node: p, view: true } : { kind: "read" };
      // `structuredClone(buf, { transfer: [buf] })` detaches the caller's buffer (attack 18 F11).
      if (callee.type === "Identifier" && callee.name === "structuredClone" && args.length > 1)
        return {
          kind: "may-write",
          node: p,
          how: `passes it to \`structuredClone\` with options (a transfer detaches it)`,
          passed: true,
        };
      if (kind === "pure" || kind === "writes") return { kind: "read" };
      if (kind === "passes-on" || kind === "container") return { kind: "derived", node: p };
      // A function or class another module exports (`stamp(o)`, `new Entry(o)`, a `const` second
      // name of one): what its body does to the argument (r13a).
      const ext = imports ? importedWrites(ctx, p, callee, index, spread) : undefined;
      if (ext) return ext;
      // `(c ? mark : other)(o)`, `(mark || other)(o)`: a callee picked at run time, not one
      // function the build resolves (attack23 F7): it may write.
      if (callee.type === "ConditionalExpression" || callee.type === "LogicalExpression")
        return {
          kind: "may-write",
          node: p,
          how: `passes it to \`${short(ctx, callee)}\`, a function picked at run time`,
          unknownCall: true,
          passed: true,
        };
      // A callback the caller passed in (`stamp(o)`): it cannot cross to a worker anyway, and
      // whatever it does to the argument the caller expects to see.
      const b = callee.type === "Identifier" ? ctx.scopes.binding(callee, callee.name) : undefined;
      if (b?.kind === "param")
        return {
          kind: "may-write",
          node: p,
          how: `passes it to \`${short(ctx, callee)}\``,
          unknownCall: true,
          passed: true,
        };
      // A built-in global (`new Int32Array(buf)`: a view a `SharedArrayBuffer` shares with the
      // caller, docs/semantics.md) is read as before.
      if (callee.type === "Identifier" && !b && Object.hasOwn(globalThis, callee.name))
        return { kind: "read" };
      // A name of the module's own code the build does not resolve to one function (a `let`
      // reassigned, `const { mark = f } = ops`, `const m = ops.mark`, what a function of the module
      // made): which code runs is not known, so it may write (attack23 F1: the safe side).
      if (b && unresolvedLocal(ctx, b))
        return {
          kind: "may-write",
          node: p,
          how: `passes it to \`${short(ctx, callee)}\`, a function the build does not resolve`,
          unknownCall: true,
          passed: true,
        };
      // An import, a class, a global the build does not know: not followed (docs/semantics.md),
      // but what it gives back may be the argument (`const item = lookup(list, id)`).
      return { kind: "derived", node: p, opaque: true };
    }
    default:
      // Tests, operators, templates, `return`, `throw`, `typeof`, `in`, statements: reads.
      return { kind: "read" };
  }
}

/** The function whose `this` a `this` is: the closest enclosing function that is not an arrow. */
function thisOwner(ctx: Ctx, n: Node): t.Function | undefined {
  let f = ctx.tree.functionParent(n);
  while (f?.type === "ArrowFunctionExpression") f = ctx.tree.functionParent(f as Node);
  return f;
}

/** Built-ins that call their first argument with arguments of their own from `from` on (`setTimeout(cb, ms, x)`). */
const TIMERS = new Map([
  ["setTimeout", 2],
  ["setInterval", 2],
  ["setImmediate", 1],
  ["process.nextTick", 1],
]);

/**
 * Uses of a value of the argument walk that run code of the module where no call of that code
 * has the value written as its argument (attack23 F7, F11); undefined where `useOf` reads the
 * step. Only the argument walk asks: a yielded value (a generator's calls give it), a setter the
 * assignment runs with it, a conversion a template, `+`, `String(x)` or `JSON.stringify(x)` runs
 * on it (`this` of the method), a function a built-in calls with it (a `JSON.stringify`
 * replacer, `reduce`'s callback given it as the initial value, a timer's callback), and a
 * function run through `Function.prototype.call.call`, `….apply.call` or `Reflect.apply`.
 */
function hiddenUse(ctx: Ctx, cur: Node): ArgumentStep | undefined {
  const p = ctx.tree.parent(cur);
  if (!p) return undefined;
  // `function* each(xs) { yield* xs }`: `for (const t of each(todos)) t.done = true` writes to
  // the caller's todos; a generator's result is followed as a returned container.
  if (p.type === "YieldExpression" && p.argument === cur)
    return { kind: "returned", fn: ctx.tree.functionParent(p), node: p, yielded: true };
  // `box.v = o` of `const box = { set v(t) { t.done = true } }`: the setter gets `o`.
  if (p.type === "AssignmentExpression" && p.right === cur && p.operator === "=") {
    const setters = implicitCalls(ctx, p.left as Node)?.fns ?? [];
    const setter = setters.find((f) => argumentEscapes(ctx, f).has(0)) ?? setters[0];
    if (setter) return { kind: "callee-param", fn: setter, index: 0, call: p };
  }
  // `` `${o}` `` where the module's `toString` writes to `this` (implicit.ts `conversionsOf`: of
  // the class the build tells, else every such method of the module).
  for (const conv of conversionsOf(ctx, p, cur)) {
    const w = thisEscape(ctx, conv);
    if (w)
      return {
        kind: "may-write",
        node: p,
        how: `converts it, which may run \`${implicitName(ctx, conv)}\`, which ${w.may ?? "writes to `this`"} (\`${w.text}\` at ${w.loc})`,
        ...(w.unknownCall ? { unknownCall: true as const } : {}),
      };
  }
  // From here: `cur` handed to a call, directly or as an element of a literal list (`[null, o]`).
  const site = p.type === "ArrayExpression" ? ctx.tree.parent(p) : p;
  if (site?.type !== "CallExpression" && site?.type !== "OptionalCallExpression") return undefined;
  const args = site.arguments as Node[];
  const at = args.indexOf(p.type === "ArrayExpression" ? p : cur);
  if (at < 0) return undefined;
  if (p === site) {
    const callback = builtinCallback(ctx, site, at);
    if (callback) return callback;
  }
  return forwardedUse(ctx, site, cur);
}

/**
 * `JSON.stringify(o, replacer)`, `[…].reduce(cb, o)`, `setTimeout(cb, ms, o)`: a built-in that
 * calls a function argument with the argument at `at` (attack23 F11), read as that function's
 * call: one of the module, or written in place, by its parameter; one the build cannot see into
 * may write.
 */
function builtinCallback(
  ctx: Ctx,
  call: t.CallExpression | t.OptionalCallExpression,
  at: number,
): ArgumentStep | undefined {
  const args = call.arguments as Node[];
  if (args.slice(0, at + 1).some((a) => a.type === "SpreadElement")) return undefined;
  const callee = strip(call.callee as Node);
  const path = globalCallee(ctx, callee)?.join(".");
  let cb: Node | undefined;
  let param = 0;
  if (path === "JSON.stringify" && at === 0) {
    cb = args[1];
    param = 1; // (key, value)
  } else if (path !== undefined && TIMERS.has(path) && at >= TIMERS.get(path)!) {
    cb = args[0];
    param = at - TIMERS.get(path)!;
  } else if (
    path === undefined &&
    (callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") &&
    /^reduce(Right)?$/.test(memberName(callee) ?? "") &&
    at === 1
  )
    cb = args[0]; // (accumulator, element): the initial value is the first accumulator
  if (!cb) return undefined;
  const target = callbackTarget(ctx, cb);
  if (target === undefined || target === "pure") return undefined;
  if (target === "unknown")
    return {
      kind: "may-write",
      node: call,
      how: `passes it to \`${short(ctx, cb)}\` through \`${short(ctx, callee)}\``,
      unknownCall: true,
      passed: true,
    };
  return { kind: "callee-param", fn: target.fn, index: param, call };
}

/**
 * `Function.prototype.call.call(mark, that, o)`, `….apply.call(mark, that, [o])`,
 * `Reflect.apply(mark, that, [o])`, `Reflect.apply(mark.call, mark, [that, o])` (attack23 F7):
 * the function run is one of the call's arguments (twin-callee.ts `calledWith` takes the layers
 * off). A function of the module gets `cur` as its parameter (or as its `this`: `thisEscape`);
 * one the build does not resolve may write. Undefined where `useOf` reads the call as before
 * (one plain `f.call`/`f.apply`, or `cur` not among what the function run gets).
 */
function forwardedUse(
  ctx: Ctx,
  call: t.CallExpression | t.OptionalCallExpression,
  cur: Node,
): ArgumentStep | undefined {
  const r = calledWith(ctx, call);
  const reflect = globalCallee(ctx, strip(call.callee as Node))?.join(".") === "Reflect.apply";
  if (r.layers < 2 && !reflect) return undefined;
  const own = peelCallee(r.fn);
  const fn = isFunction(own)
    ? (own as t.Function)
    : (aliasedFunction(ctx, own) ?? keptMethod(ctx, own) ?? namedFunction(ctx, own));
  const shown = short(ctx, call.callee as Node);
  const unresolved: ArgumentStep = {
    kind: "may-write",
    node: call,
    how: `passes it to \`${shown}\`, which runs \`${short(ctx, own)}\`, a function the build does not resolve`,
    passed: true,
  };
  if (r.self !== undefined && strip(r.self) === strip(cur)) {
    if (!fn) return unresolved;
    const w = thisEscape(ctx, fn);
    return w
      ? {
          kind: "may-write",
          node: call,
          how: `passes it to \`${shown}\` as the \`this\` of \`${short(ctx, own)}\`, which ${w.may ?? "writes to `this`"} (\`${w.text}\` at ${w.loc})`,
          passed: true,
        }
      : { kind: "read" };
  }
  const index = r.args ? r.args.indexOf(cur) : -1;
  if (index < 0 || r.args!.slice(0, index).some((a) => a?.type === "SpreadElement")) return undefined;
  if (fn) return { kind: "callee-param", fn, index, call };
  return calleeKind(ctx, own, false) === "pure" ? { kind: "read" } : unresolved;
}

/**
 * The uses of `fn`'s arguments (`self`: of its `this` instead, as the argument at index 0: a
 * method's own object, `thisEscape`).
 */
function compute(ctx: Ctx, fn: t.Function, self = false): ArgumentUses {
  const tainted = new Map<Binding, number>();
  const fresh = new Set<Binding>(); // `...rest` itself: a new array, its elements are arguments
  const bindPattern = (p: Node, index: number): boolean => {
    let changed = false;
    for (const id of patternNames(p)) {
      const b = ctx.scopes.binding(id, id.name);
      if (b && !tainted.has(b)) {
        tainted.set(b, index);
        changed = true;
      }
    }
    return changed;
  };
  fn.params.forEach((p, i) => {
    if (self || primitiveParam(p as Node)) return;
    bindPattern(p as Node, i);
    if (p.type === "RestElement" && p.argument.type === "Identifier") {
      const b = ctx.scopes.binding(p.argument, p.argument.name);
      if (b) fresh.add(b);
    }
  });
  if (tainted.size === 0 && (!self || !sourceOf(ctx, fn as Node).includes("this")))
    return { escapes: new Map(), returned: new Map() };
  // Where a reassigned parameter starts to hold a copy (`list = [...list]` as a statement of the
  // body), as paramWrites has it: uses after that statement are of the copy.
  const copiedFrom = new Map<Binding, number>();
  for (const b of tainted.keys()) {
    if (b.kind !== "param") continue;
    for (const v of b.violations) {
      // Only an assignment puts another value in the name (not a direct `eval` that may).
      const stmt = v.type === "AssignmentExpression" ? ctx.tree.parent(v) : undefined;
      if (stmt?.type === "ExpressionStatement" && ctx.tree.parent(stmt) === fn.body && stmt.end != null)
        copiedFrom.set(b, Math.min(copiedFrom.get(b) ?? Number.POSITIVE_INFINITY, stmt.end));
    }
  }
  const body = fn.body as Node;
  const inside = (b: Binding): boolean =>
    ctx.tree.within(b.node, body) || ctx.tree.within(b.node, fn as Node);

  /**
   * What a step means for an argument: a value stored in or kept by a container the function
   * made is bound to it; stored in anything else (module state: SA302's business) it is read;
   * kept by another object it is handed to code not followed (docs/semantics.md), whose result
   * may be the argument; exported it is read (a parameter is not exported anyway).
   */
  const argumentUse = (use: Use): ArgumentStep => {
    if (use.kind === "exported") return { kind: "read" };
    if (use.kind === "stored") {
      const r = rootBinding(ctx, use.target);
      return r && inside(r)
        ? { kind: "bind", pattern: rootId(use.target) ?? use.target, container: true }
        : { kind: "read" };
    }
    if (use.kind === "kept") {
      const callee = strip(use.call.callee as Node);
      const recv = rootBinding(ctx, use.receiver);
      if (recv && inside(recv))
        return { kind: "bind", pattern: rootId(use.receiver) ?? callee, container: true };
      if (builtinStatic(ctx, callee))
        return {
          kind: "may-write",
          node: use.call,
          how: `passes it to \`${short(ctx, callee)}\``,
          passed: true,
        };
      return { kind: "derived", node: use.call, opaque: true };
    }
    return use;
  };

  const out: Escapes = new Map();
  const returned = new Map<number, Returned>();
  /** Names bound to what a call gives back that may be the argument, with that call. */
  const viaOf = new Map<Binding, { text: string; opaque: boolean }>();
  /** Names bound to a typed array or `DataView` made over an argument (`const cell = new Int32Array(buf)`). */
  const views = new Set<Binding>();
  /** Names of functions written in this one that return (part of) an argument, with its state there. */
  const givers = new Map<Binding, { index: number; rest: boolean; depth: number; opaque: boolean }>();
  const record = (index: number, node: Node, how: string, unknownCall = false): void => {
    // The first use of each argument, but a sure one before a call it cannot see into.
    const had = out.get(index);
    if (had && (unknownCall || !had.unknownCall)) return;
    const text = sourceOf(ctx, node).replace(/\s+/g, " ");
    out.set(index, {
      text: text.length > 48 ? `${text.slice(0, 45)}...` : text,
      loc: locOf(ctx, node),
      name: self ? "`this`" : paramName(fn, index),
      via: [],
      ...(how === WRITES ? {} : { may: how }),
      ...(unknownCall ? { unknownCall } : {}),
    });
  };

  /** Binds the parameters of the callbacks a reader method on a derived value is given. */
  const callbacks = (call: t.CallExpression, index: number, from = 0): boolean => {
    let changed = false;
    for (const a of call.arguments.slice(from)) {
      const cb = strip(a as Node);
      if (isFunction(cb)) {
        for (const param of cb.params) changed = bindPattern(param as Node, index) || changed;
        continue;
      }
      const target = callbackTarget(ctx, cb);
      const shown = short(ctx, cb);
      if (target === "unknown") record(index, call, `passes its elements to \`${shown}\``);
      else if (target !== undefined && target !== "pure") {
        const first = [...argumentEscapes(ctx, target.fn).values()][0];
        if (first)
          record(index, call, `passes its elements to \`${shown}\`, which ${first.may ?? "writes to them"}`);
      }
    }
    return changed;
  };

  for (let round = 0; round < 4; round++) {
    let changed = false;
    // The parameters' default initialisers too: they run at the call, with the arguments
    // (attack23 F1: `function mark(t, _ = (t.done = true)) {}`).
    ctx.tree.walk(fn as Node, (n) => {
      // `this` of `fn` itself (not of a function nested in it, an arrow's is its own).
      const own = self && n.type === "ThisExpression" && thisOwner(ctx, n) === fn;
      if (!own && (n.type !== "Identifier" || !isReference(n, ctx.tree))) return undefined;
      const b = n.type === "Identifier" ? ctx.scopes.binding(n, n.name) : undefined;
      const gives = b && !tainted.has(b) ? givers.get(b) : undefined;
      const index = own ? 0 : b ? (tainted.get(b) ?? gives?.index) : undefined;
      if ((!b && !own) || index === undefined) return undefined;
      let rest = b ? fresh.has(b) : false;
      const cut = b && copiedFrom.get(b);
      if (cut !== undefined && (n.start ?? 0) > cut) return undefined;
      let cur: Node = n;
      let depth = 0;
      // Set where the value is what a call gives back that may be the argument (`returnsArgument`).
      let via = b && viaOf.get(b);
      let view = b ? views.has(b) : false;
      if (gives && n.type === "Identifier") {
        // `first()` of `const first = () => todos[0]`: the call gives what the function returns.
        const call = ctx.tree.parent(n);
        if (
          !call ||
          !/^(Optional)?CallExpression$/.test(call.type) ||
          (call as t.CallExpression).callee !== n
        ) {
          record(index, n, `hands on \`${n.name}\`, a function that returns it`, true);
          return undefined;
        }
        ({ rest, depth } = gives);
        via = { text: `what \`${short(ctx, call)}\` returns`, opaque: gives.opaque };
        cur = call;
      }
      for (let guard = 0; guard < 64; guard++) {
        const use = hiddenUse(ctx, cur) ?? argumentUse(useOf(ctx, cur, { rest, depth, view }, true));
        if (use.kind === "read") break;
        if (use.kind === "returned" && use.fn !== fn) {
          // Returned by a function written in this one (attack23 F1: `const first = () => todos[0];
          // first().done = true`): its calls give (part of) the argument.
          const to = nestedGives(ctx, use.fn);
          // A generator's calls give a new iterator over what it yields (`hiddenUse`).
          const state = use.yielded
            ? { index, rest: true, depth: 0, opaque: via?.opaque ?? false }
            : { index, rest, depth, opaque: via?.opaque ?? false };
          if (to?.kind === "name") {
            if (!givers.has(to.binding)) changed = true;
            givers.set(to.binding, state);
            break;
          }
          if (to?.kind === "call") {
            via = { text: `what \`${short(ctx, to.call)}\` returns`, opaque: state.opaque };
            cur = to.call;
            continue;
          }
          if (to?.kind === "callback") {
            // `list.map(() => todos[0])`: the built-in's result holds (or is) what the callback
            // returns; another call's may be it (not followed further, as for the argument itself).
            const name = memberName(strip(to.call.callee as Node)) ?? "";
            const reader = CALLBACKS.has(name) || arrayFromSource(ctx, to.call, to.call.arguments[0] as Node);
            if (reader && COPIES.has(name) && rest && depth === 0) break; // a new array of new containers
            if (reader && (COPIES.has(name) || name === "from")) {
              rest = true;
              depth = 0;
            }
            // (A built-in reader's result is followed as the receiver's is: no `via`.)
            if (!reader)
              via = {
                text: `what \`${short(ctx, to.call)}\` returns (a call the build cannot see into)`,
                opaque: true,
              };
            cur = to.call;
            continue;
          }
          record(index, use.node, `returns it from a function the build does not follow`, true);
          break;
        }
        if (use.kind === "returned") {
          const had = returned.get(index);
          const container = use.yielded === true || (rest && depth === 0 && !via);
          returned.set(index, {
            opaque: (had?.opaque ?? true) && (via?.opaque ?? false),
            container: (had?.container ?? true) && container,
          });
          break;
        }
        if (use.kind === "derived" && use.opaque) {
          // What a call the analysis cannot see into gives back: it may be the argument itself.
          via = {
            text: `what \`${short(ctx, use.node)}\` returns (a call the build cannot see into)`,
            opaque: true,
          };
          rest = false;
          depth = 0;
          cur = use.node;
          continue;
        }
        if (use.kind === "derived" && use.view) {
          view = true;
          cur = use.node;
          continue;
        }
        if (use.kind === "derived") {
          const d = use.node;
          // `Array.from(xs, cb)`: the mapping callback gets the elements (attack 18 F10).
          // `Object.groupBy(xs, cb)` too (attack23 F11: a callback a built-in hands the elements).
          if (arrayFromSource(ctx, d, cur) || groupBySource(ctx, d, cur))
            changed = callbacks(d as t.CallExpression, index, 1) || changed;
          // A reader method's callbacks get the receiver's elements (`o.list.slice().forEach(x => …)`).
          const readerCall =
            d.type.endsWith("CallExpression") &&
            strip((d as t.CallExpression).callee as Node).type.endsWith("MemberExpression") &&
            strip(((d as t.CallExpression).callee as t.MemberExpression).object) === strip(cur);
          if (readerCall && CALLBACKS.has(memberName(strip((d as t.CallExpression).callee as Node)) ?? ""))
            changed = callbacks(d as t.CallExpression, index) || changed;
          if (d.type.endsWith("MemberExpression") || use.member) depth++;
          else if (
            d.type === "ArrayExpression" ||
            d.type === "ObjectExpression" ||
            d.type === "NewExpression" ||
            (readerCall && COPIES.has(memberName(strip((d as t.CallExpression).callee as Node)) ?? "")) ||
            (d.type === "CallExpression" &&
              !readerCall &&
              !/^Promise\./.test(sourceOf(ctx, (d as t.CallExpression).callee as Node)))
          ) {
            // A new container holding the argument (`[o]`, `{ o }`, `new Set([o])`, `xs.slice()`,
            // `Array.from(xs)`): changing the container itself changes nothing of the caller's.
            rest = true;
            depth = 0;
          } else if (!TRANSPARENT.has(d.type) && d.type !== "SpreadElement") {
            rest = false;
            depth = 1;
          }
          cur = use.node;
          continue;
        }
        if (use.kind === "bind") {
          const before = tainted.size;
          changed = bindPattern(use.pattern, index) || changed;
          if (view)
            for (const id of patternNames(use.pattern)) {
              const nb = ctx.scopes.binding(id, id.name);
              if (nb) views.add(nb);
            }
          if (via && tainted.size > before)
            for (const id of patternNames(use.pattern)) {
              const nb = ctx.scopes.binding(id, id.name);
              if (nb && !viaOf.has(nb)) viaOf.set(nb, via);
            }
          // A container the function made (`const xs = [o]`, `out.push(o)` into a local `out`).
          // (A loop over a fresh container binds its elements: those are the caller's.)
          const loop = ctx.tree.parent(cur)?.type === "ForOfStatement";
          if (tainted.size > before && !loop && ((rest && depth === 0) || use.container))
            for (const id of patternNames(use.pattern)) {
              const nb = ctx.scopes.binding(id, id.name);
              if (nb) fresh.add(nb);
            }
          // `(t = o).n = 1`: the assignment's value is the argument too.
          const p = ctx.tree.parent(cur);
          if (p?.type === "AssignmentExpression") {
            cur = p;
            continue;
          }
          break;
        }
        if (use.kind === "callee-param") {
          if (use.index < 0) break;
          const param = paramAt(use.fn, use.index);
          if (!param) break;
          if (ctx.tree.within(use.fn as Node, body)) {
            changed = bindPattern(param.node, index) || changed;
          } else {
            const w = argumentEscapes(ctx, use.fn).get(param.index);
            if (w)
              record(
                index,
                use.call,
                `passes it to \`${short(ctx, calleeText(use.call))}\`, which ${w.may ?? WRITES} (\`${w.text}\` at ${w.loc})`,
              );
          }
          // What the function gives back may be the argument (`findItem(todos, id)` returning an
          // element of `todos`): its uses are the argument's (issue 14, #6).
          const back = returnsArgument(ctx, use.fn, param.index);
          if (back) {
            via = {
              text: `what \`${short(ctx, use.call)}\` returns${back.opaque ? " (made by a call the build cannot see into)" : ""}`,
              opaque: back.opaque || (via?.opaque ?? false),
            };
            rest = back.container;
            depth = 0;
            cur = use.call;
            continue;
          }
          break;
        }
        if (via)
          record(
            index,
            use.node,
            use.how === WRITES
              ? `writes to ${via.text}, which may be it or part of it`
              : `${use.how}: ${via.text}, which may be it or part of it`,
            use.unknownCall || via.opaque,
          );
        else record(index, use.node, use.how, use.unknownCall);
        break;
      }
      // Callbacks of a reader method on a derived value get its elements (`o.list.forEach(x => …)`).
      return undefined;
    });
    if (!changed) break;
  }
  return { escapes: out, returned };
}

/**
 * Whether `own` is a module-level object literal, class, or instance of a class of the module
 * (`let ops = {…}`, `class U {}`, `const u = new U()`): code of the file whose method called here
 * `shownMethod` did not resolve. Imports and values other calls made stay "not followed" (docs).
 */
function unresolvedModuleMethod(ctx: Ctx, own: Node): boolean {
  if (own.type !== "Identifier") return false;
  const b = ctx.scopes.binding(own, own.name);
  if (!b || b.scope !== ctx.scopes.program) return false;
  if (b.node.type === "ClassDeclaration") return true;
  if (b.node.type !== "VariableDeclarator" || !b.node.init) return false;
  const init = strip(b.node.init);
  // `arr[0](o)` of a module `const arr = [mark]` too (attack22 F9).
  if (init.type === "ObjectExpression" || init.type === "ClassExpression" || init.type === "ArrayExpression")
    return true;
  if (init.type !== "NewExpression") return false;
  const ctor = strip(init.callee as Node);
  const cb = ctor.type === "Identifier" ? ctx.scopes.binding(ctor, ctor.name) : undefined;
  if (!cb || cb.scope !== ctx.scopes.program) return false;
  const decl = cb.node;
  return (
    decl.type === "ClassDeclaration" ||
    (decl.type === "VariableDeclarator" && !!decl.init && strip(decl.init).type === "ClassExpression")
  );
}

/**
 * What a function or class another module exports does to the argument at `index` of `call`
 * (`stamp(o)`, `util.stamp(o)`, `ops.mark(o)` of an imported `const` object, `U.mark(o)` of an
 * imported class, `new Entry(o)`, `stamp.call(that, o)`, through `const` second names): the module
 * graph reads the export's body by the rule for a function of this module (module-graph.ts
 * `exportWrites`). A write there is this function's write; a module the build cannot read (a
 * package, a file it cannot find) or a name it does not show as one function may write, as a
 * callback parameter may (SA304; a worker variant is not refused for it); one proven to leave it
 * alone gives back what may be it (opaque). Undefined: not a call of an import.
 */
function importedWrites(ctx: Ctx, call: Node, callee: Node, index: number, spread: boolean): Use | undefined {
  let target = callee;
  let at = index;
  if (
    (callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") &&
    memberName(callee) === "call"
  ) {
    target = peelCallee(callee.object as Node);
    at = index - 1;
  }
  const ref = importedCallee(ctx, target, true);
  if (!ref) return undefined;
  const path = ref.via === "default" ? ["default", ...ref.path] : ref.path;
  const shown = short(ctx, callee);
  const answer: ExportWrites =
    at < 0
      ? "it is handed as `this`"
      : ctx.graph && ctx.filename
        ? ctx.graph.exportWrites(ref.module, ctx.filename, path, call.type === "NewExpression")
        : "the build reads no other module here";
  if (typeof answer === "string")
    return {
      kind: "may-write",
      node: call,
      how: `passes it to \`${shown}\`, an import the build cannot follow (${answer})`,
      unknownCall: true,
      passed: true,
    };
  // `stamp(...xs)`: any parameter from there on may get it.
  const w = spread ? [...answer.writes].find(([i]) => i >= at)?.[1] : writeAt(answer, at);
  // Proven to leave it alone: what it gives back may still be it (`const item = pick(list)`).
  if (!w) return { kind: "derived", node: call, opaque: true };
  return {
    kind: "may-write",
    node: call,
    how: `passes it to \`${shown}\`, which ${w.may ?? WRITES} (\`${w.text}\` at ${w.loc})`,
    ...(w.unknownCall ? { unknownCall: true as const } : {}),
    passed: true,
  };
}

/** The parameter write an importer's argument at `index` meets, if any (a rest parameter takes the rest). */
function writeAt(w: ProvenWrites, index: number): Write | undefined {
  return (
    w.writes.get(index) ?? (w.restAt !== undefined && index >= w.restAt ? w.writes.get(w.restAt) : undefined)
  );
}

/** The function of the module a name holds through `const` second names (`const alias = mark`: view.ts `constAliasOf`). */
function aliasedFunction(ctx: Ctx, n: Node): t.Function | undefined {
  const c = strip(n);
  const b = c.type === "Identifier" ? ctx.scopes.binding(c, c.name) : undefined;
  return b ? functionOfBinding(constAliasOf(ctx.scopes, b)) : undefined;
}

/**
 * The function of the module a name is bound to where `functionOf` does not look (attack23 F1):
 * a method taken out of a module `const` object or class by destructuring (`const { mark } =
 * ops`, read as `ops.mark` is), or the module's own export imported from the module itself
 * (`import { mark as m2 } from "./lib.js"` inside lib.js: the binding is the export's).
 */
function namedFunction(ctx: Ctx, callee: Node): t.Function | undefined {
  if (callee.type !== "Identifier") return undefined;
  const b = ctx.scopes.binding(callee, callee.name);
  if (b?.kind === "module") return ownExport(ctx, b);
  const d = b?.node;
  if (b?.kind !== "const" || d?.type !== "VariableDeclarator" || d.id.type !== "ObjectPattern" || !d.init)
    return undefined;
  const prop = d.id.properties.find(
    (q) => q.type === "ObjectProperty" && q.value.type === "Identifier" && q.value.name === callee.name,
  ) as t.ObjectProperty | undefined;
  const key = prop && keyName(prop as { key: Node; computed?: boolean });
  const own = peelCallee(d.init as Node);
  const ob = own.type === "Identifier" ? ctx.scopes.binding(own, own.name) : undefined;
  return key !== undefined && ob ? keptMethodOf(ctx, ob, key) : undefined;
}

/** The function an import of this very file names (`import { mark as m2 } from "./lib.js"` in lib.js). */
function ownExport(ctx: Ctx, b: Binding): t.Function | undefined {
  const spec = b.node;
  const decl = ctx.tree.parent(spec);
  const from = ctx.filename;
  if (decl?.type !== "ImportDeclaration" || !from || !decl.source.value.startsWith(".")) return undefined;
  const name = spec.type === "ImportDefaultSpecifier" ? "default" : importedName(b);
  if (name === undefined) return undefined;
  const r = ctx.graph
    ? ctx.graph.resolve(decl.source.value, from)
    : resolveImport(decl.source.value, from, "import", ctx.options.resolve);
  if (r?.kind !== "file" || resolvePath(r.path) !== resolvePath(from)) return undefined;
  const bound = (id: t.Identifier): t.Function | undefined => {
    const own = ctx.scopes.binding(id, id.name);
    return own && own.scope === ctx.scopes.program ? functionOfBinding(own) : undefined;
  };
  for (const s of ctx.program.body) {
    if (s.type === "ExportDefaultDeclaration" && name === "default") {
      const v = strip(s.declaration as Node);
      if (isFunction(v)) return v as t.Function;
      return v.type === "Identifier" ? bound(v) : undefined;
    }
    if (s.type !== "ExportNamedDeclaration" || s.source) continue;
    const dn = s.declaration;
    if (dn?.type === "FunctionDeclaration" && dn.id?.name === name) return bound(dn.id);
    if (dn?.type === "VariableDeclaration")
      for (const v of dn.declarations)
        if (v.id.type === "Identifier" && v.id.name === name) return bound(v.id);
    for (const sp of s.specifiers) {
      if (sp.type !== "ExportSpecifier" || sp.local.type !== "Identifier") continue;
      const exported = sp.exported.type === "Identifier" ? sp.exported.name : sp.exported.value;
      if (exported === name) return bound(sp.local);
    }
  }
  return undefined;
}

/**
 * Whether `b`, a name called that no reader resolved to one function, is bound by the module's
 * own code (a `let` or reassigned function, a destructured or member alias, what a function of
 * the module made), not by an import, `require` or a global (not followed: docs/semantics.md)
 * or a class (its constructor is read where it is built).
 */
function unresolvedLocal(ctx: Ctx, b: Binding, depth = 0): boolean {
  if (b.kind === "module" || b.kind === "param" || b.kind === "local" || depth > 8) return false;
  const d = b.node;
  if (d.type === "ClassDeclaration") return false;
  if (d.type === "FunctionDeclaration") return true;
  if (d.type !== "VariableDeclarator") return false;
  if (!d.init) return true;
  // Down the value to the name it comes from: `ops.mark`, `make()`, `await load()`, `lib.f.bind(x)`.
  let cur = strip(d.init as Node);
  for (let i = 0; i < 32; i++) {
    if (
      cur.type === "CallExpression" ||
      cur.type === "OptionalCallExpression" ||
      cur.type === "NewExpression"
    )
      cur = peelCallee(cur.callee as Node);
    else if (cur.type === "MemberExpression" || cur.type === "OptionalMemberExpression")
      cur = strip(cur.object);
    else if (cur.type === "AwaitExpression") cur = strip(cur.argument);
    else break;
  }
  if (cur.type === "ClassExpression" || cur.type === "Import") return false;
  if (cur.type !== "Identifier") return true;
  const from = ctx.scopes.binding(cur, cur.name);
  if (!from || builtinImport(ctx, from) || isNodeRequire(ctx.scopes, cur)) return false;
  if (from === b) return true;
  return from.kind === "const" && from.node.type === "VariableDeclarator" && from.node.init
    ? unresolvedLocal(ctx, from, depth + 1)
    : from.kind !== "module";
}

/** The callee a message names for a call: a call's callee, a tag, or the whole `new C(o)`. */
function calleeText(call: Node): Node {
  if (call.type === "CallExpression") return call.callee as Node;
  // `box.v = o`: the setter `box.v` runs (`hiddenUse`).
  if (call.type === "AssignmentExpression") return call.left as Node;
  return call.type === "TaggedTemplateExpression" ? (call.tag as Node) : call;
}

/**
 * Where the calls of `g`, a function written in the analysed one, are (attack23 F1): every call
 * of the name it is bound to (`const first = () => …`, `function first() {}`), the call it is
 * the callee of (`(() => …)()`), or the call it is handed to as a callback (`xs.map(() => …)`).
 * Undefined where it goes elsewhere (a method of an object, stored, returned).
 */
function nestedGives(
  ctx: Ctx,
  g: t.Function | undefined,
):
  | { kind: "name"; binding: Binding }
  | { kind: "call"; call: Node }
  | { kind: "callback"; call: t.CallExpression }
  | undefined {
  if (!g) return undefined;
  if (g.type === "FunctionDeclaration" && g.id) {
    const b = ctx.scopes.binding(g.id, g.id.name);
    return b ? { kind: "name", binding: b } : undefined;
  }
  let h = g as Node;
  while (ctx.tree.parent(h) && TRANSPARENT.has(ctx.tree.parent(h)!.type)) h = ctx.tree.parent(h)!;
  const q = ctx.tree.parent(h);
  if (q?.type === "VariableDeclarator" && q.init === h && q.id.type === "Identifier") {
    const b = ctx.scopes.binding(q.id, q.id.name);
    return b ? { kind: "name", binding: b } : undefined;
  }
  if (q?.type === "CallExpression" || q?.type === "OptionalCallExpression" || q?.type === "NewExpression") {
    if (q.callee === h) return { kind: "call", call: q };
    if ((q.arguments as Node[]).includes(h) && q.type !== "NewExpression")
      return { kind: "callback", call: q as t.CallExpression };
  }
  return undefined;
}

/** The function of the module `f.bind(that, …bound)` calls, and how many arguments it binds. */
function boundTarget(ctx: Ctx, callee: Node): { fn: t.Function; shift: number } | undefined {
  if (callee.type !== "CallExpression" && callee.type !== "OptionalCallExpression") return undefined;
  const m = strip(callee.callee as Node);
  if ((m.type !== "MemberExpression" && m.type !== "OptionalMemberExpression") || memberName(m) !== "bind")
    return undefined;
  const args = callee.arguments as Node[];
  if (args.some((a) => a.type === "SpreadElement")) return undefined;
  const own = peelCallee(m.object as Node);
  const fn = isFunction(own) ? (own as t.Function) : (aliasedFunction(ctx, own) ?? keptMethod(ctx, own));
  return fn ? { fn, shift: Math.max(args.length - 1, 0) } : undefined;
}

/**
 * The constructor a `new` of a class of the module runs with the arguments as given: its own, or
 * where it has none its base class's of the module (`class B extends A {}` hands them on); a class
 * written in place, or a name bound once to one. Undefined otherwise (an imported base class is
 * not followed, as imported functions are not).
 */
export function constructorOf(ctx: Ctx, callee: Node, depth = 0): t.Function | undefined {
  let cls: t.Class | undefined;
  if (callee.type === "ClassExpression" || callee.type === "ClassDeclaration") cls = callee as t.Class;
  else if (callee.type === "Identifier") {
    const b = ctx.scopes.binding(callee, callee.name);
    const init =
      b?.node.type === "VariableDeclarator" && b.kind === "const" && b.node.init
        ? strip(b.node.init)
        : undefined;
    if (b?.node.type === "ClassDeclaration") cls = b.node as t.Class;
    else if (init?.type === "ClassExpression") cls = init as t.Class;
  }
  if (!cls) return undefined;
  const ctor = cls.body.body.find((m) => m.type === "ClassMethod" && m.kind === "constructor");
  if (ctor) return ctor as t.Function;
  return cls.superClass && depth < 8
    ? constructorOf(ctx, peelCallee(cls.superClass as Node), depth + 1)
    : undefined;
}

function rootId(n: Node): t.Identifier | undefined {
  let cur = strip(n);
  while (cur.type === "MemberExpression" || cur.type === "OptionalMemberExpression") cur = strip(cur.object);
  return cur.type === "Identifier" ? cur : undefined;
}

/** `Atomics.add`, `Atomics.wait` … of the global `Atomics`. */
function atomics(ctx: Ctx, callee: Node): boolean {
  const o = strip((callee as t.MemberExpression).object as Node);
  return o.type === "Identifier" && o.name === "Atomics" && !ctx.scopes.binding(o, o.name);
}

/** `Array.from(cur, cb)`: `d` is that call, with `cur` its first argument. */
export function arrayFromSource(ctx: Ctx, d: Node, cur: Node): boolean {
  if (d.type !== "CallExpression" || d.arguments.length < 2 || strip(d.arguments[0] as Node) !== strip(cur))
    return false;
  const c = strip(d.callee as Node);
  if (c.type !== "MemberExpression" || memberName(c) !== "from") return false;
  const o = strip(c.object);
  return o.type === "Identifier" && o.name === "Array" && !ctx.scopes.binding(o, o.name);
}

/** `Object.groupBy(cur, cb)` of the global `Object`: `cb` gets `cur`'s elements. */
function groupBySource(ctx: Ctx, d: Node, cur: Node): boolean {
  if (d.type !== "CallExpression" || d.arguments.length < 2 || strip(d.arguments[0] as Node) !== strip(cur))
    return false;
  return globalCallee(ctx, strip(d.callee as Node))?.join(".") === "Object.groupBy";
}

function isFunctionArg(args: readonly Node[]): boolean {
  return args.some((a) => isFunction(strip(a)));
}

function paramAt(fn: t.Function, index: number): { node: Node; index: number } | undefined {
  const restAt = fn.params.findIndex((p) => p.type === "RestElement");
  if (restAt >= 0 && index >= restAt) return { node: fn.params[restAt] as Node, index: restAt };
  const p = fn.params[index];
  return p ? { node: p as Node, index } : undefined;
}

function short(ctx: Ctx, n: Node): string {
  const text = sourceOf(ctx, n).replace(/\s+/g, " ");
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const ORDINALS = ["first", "second", "third", "fourth", "fifth"];
function paramName(fn: t.Function, index: number): string {
  let p = fn.params[index] as Node | undefined;
  if (p?.type === "AssignmentPattern") p = p.left;
  if (p?.type === "RestElement") p = p.argument;
  if (p?.type === "Identifier") return `its argument \`${p.name}\``;
  return `its ${ORDINALS[index] ?? `#${index + 1}`} argument`;
}

/**
 * A parameter that says it holds a primitive (`limit = 10`, `text: string`): nothing of the
 * caller's can be changed through it, so its uses need no proof.
 */
function primitiveParam(p: Node): boolean {
  const q = p as {
    type: string;
    typeAnnotation?: { typeAnnotation?: { type: string } };
    right?: Node;
    left?: Node;
  };
  const ann = (q.type === "AssignmentPattern" ? (q.left as typeof q | undefined) : q)?.typeAnnotation
    ?.typeAnnotation;
  if (ann && /^TS(String|Number|Boolean|BigInt)Keyword$|^TSLiteralType$/.test(ann.type)) return true;
  if (q.type === "AssignmentPattern" && q.right)
    return /^(String|Numeric|Boolean|BigInt)Literal$|^TemplateLiteral$/.test(q.right.type);
  return false;
}

/** `Object.assign`, `Array.prototype.push.call`, `Reflect.set`: a built-in the analysis knows writes or may. */
function builtinStatic(ctx: Ctx, callee: Node): boolean {
  const id = rootId(callee);
  return (
    id !== undefined &&
    !ctx.scopes.binding(id, id.name) &&
    /^(Object|Array|Reflect|Atomics|Map|Set|String)$/.test(id.name)
  );
}

/**
 * The first write `fn` makes to any of its arguments' objects, if the module shows one; else the
 * first use of an argument that is not proven a read (above: the value handed to code the
 * analysis cannot see into, stored where it cannot follow): a function that runs on another
 * thread must be proven to leave its arguments alone.
 */
export function argumentWrite(ctx: Ctx, fn: t.Function, unknownCalls = true): Write | undefined {
  const writes = paramWrites(ctx, fn);
  for (const i of [...writes.keys()].sort((a, b) => a - b)) return writes.get(i);
  const escapes = argumentEscapes(ctx, fn);
  for (const i of [...escapes.keys()].sort((a, b) => a - b)) {
    const w = escapes.get(i)!;
    if (unknownCalls || !w.unknownCall) return w;
  }
  return undefined;
}

/** The reason a report gives for a function that writes to its arguments. */
export function describeArgumentWrite(w: Write): string {
  const at = `\`${w.text}\` at ${w.loc}`;
  if (w.may !== undefined) return `it may write to ${w.name}: it ${w.may} (${at})`;
  if (w.via.length === 0) return `it writes to ${w.name} (${at})`;
  return `it passes ${w.name} to \`${w.via[0]}\`, which writes to it (${at})`;
}

/** The function reason of a sync function annotated `// @smartasync same-thread`. */
const SAME_THREAD_ASKED =
  "annotated `same-thread`: its async variant runs it on the calling thread, at the call, as the plain program does";

/**
 * Why `gAsync` runs `g` on the calling thread instead of the pool, if it must: `g` cannot be
 * reached from a fresh import of its module, or it writes to its arguments' objects (a pool
 * thread would change its own copies; fixture worker/offload-mutates-argument).
 */
export function sameThreadWhy(ctx: Ctx, fn: SaFunction): string | undefined {
  // Asked for: its effects outside JS memory happen at the call, as the plain program's do.
  if (fn.sameThread) return SAME_THREAD_ASKED;
  if (!fn.reachable) return fn.unreachableWhy;
  const w = argumentWrite(ctx, fn.fn);
  return w ? describeArgumentWrite(w) : undefined;
}
