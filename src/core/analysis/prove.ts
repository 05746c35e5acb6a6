import type { types as t } from "@babel/core";
import { isTwinModule } from "../twins.js";
import type { Ctx } from "./ctx.js";
import type { Binding } from "./scope.js";
import { constructorHas } from "./sync-table.js";
import { isFunction, type Node, stackChildren } from "./tree.js";
import { importedCallee } from "./twin-callee.js";
import { requireSource, strip } from "./view.js";
import { keptMethod, methodsStay } from "./writes.js";

/**
 * The "prove" pass of an inline sync variant (docs/semantics.md, "Proven or guarded"): what a
 * value that the async function would have awaited (or adopted by returning it) is at run time.
 *
 * - `proven`: never a promise or thenable, so dropping the `await` changes nothing;
 * - `async`: a known asynchronous API, certainly a promise (`fetch(...)`, `new Promise(...)`,
 *   `x.then(...)`, a local async function), which an inline copy cannot wait for;
 * - `unknown`: anything else (a parameter, a member, a call smartasync cannot see into).
 *
 * Nothing is assumed: a shape that is not listed below is `unknown`. Built-in prototypes are
 * taken as unpatched (an `Array.prototype.then` would make every array a thenable).
 */
export type Proof = "proven" | "async" | "unknown";

/**
 * Global functions whose result is plain data (never a thenable), by receiver; `""` is a call of
 * the global itself. `Object.assign`, `Object.create`, `Object.freeze`, `Reflect.get` and the like
 * return (or copy from) an object they were given, so they are not here.
 */
const PLAIN_CALLS: Record<string, ReadonlySet<string> | "all"> = {
  JSON: new Set(["parse", "stringify"]),
  Math: "all",
  String: "all",
  Number: "all",
  Boolean: "all",
  BigInt: "all",
  Symbol: "all",
  Date: "all",
  Array: new Set(["", "isArray", "from", "of"]),
  Object: new Set([
    "keys",
    "values",
    "entries",
    "getOwnPropertyNames",
    "getOwnPropertySymbols",
    "is",
    "isFrozen",
    "isSealed",
    "isExtensible",
    "hasOwn",
  ]),
  Reflect: new Set(["has", "ownKeys", "isExtensible", "defineProperty", "deleteProperty"]),
  RegExp: new Set([""]),
  URL: new Set(["canParse", "createObjectURL"]),
  Buffer: new Set([
    "from",
    "alloc",
    "allocUnsafe",
    "concat",
    "byteLength",
    "isBuffer",
    "compare",
    "isEncoding",
  ]),
  // A clone holds no functions (they cannot be cloned), so no callable `then`.
  structuredClone: new Set([""]),
  parseInt: new Set([""]),
  parseFloat: new Set([""]),
  isNaN: new Set([""]),
  isFinite: new Set([""]),
  encodeURIComponent: new Set([""]),
  decodeURIComponent: new Set([""]),
  encodeURI: new Set([""]),
  decodeURI: new Set([""]),
};

/** Global functions that always return a promise. */
const ASYNC_GLOBALS = new Set(["fetch"]);

/** Methods whose call on anything is a promise (`p.then(...)`). */
const PROMISE_METHODS = new Set(["then", "catch", "finally"]);

/** A global name, not shadowed by any binding at `at`. */
function isGlobal(ctx: Ctx, at: Node, name: string): boolean {
  return !ctx.scopes.binding(at, name);
}

function memberName(node: Node): string | undefined {
  if (node.type !== "MemberExpression" && node.type !== "OptionalMemberExpression") return undefined;
  if (!node.computed && node.property.type === "Identifier") return node.property.name;
  if (node.property.type === "StringLiteral") return node.property.value;
  return undefined;
}

/** `JSON.parse(...)`, `Math.max(...)`, `String(x)`: a call of a global listed in PLAIN_CALLS. */
export function isPlainGlobalCall(ctx: Ctx, call: t.CallExpression | t.OptionalCallExpression): boolean {
  const callee = strip(call.callee as Node);
  let root: string | undefined;
  let member = "";
  if (callee.type === "Identifier") root = callee.name;
  else {
    const m = memberName(callee);
    const obj = m === undefined ? undefined : strip((callee as t.MemberExpression).object as Node);
    if (obj?.type === "Identifier") {
      root = obj.name;
      member = m!;
    }
  }
  if (root === undefined || !Object.hasOwn(PLAIN_CALLS, root) || !isGlobal(ctx, callee, root)) return false;
  // A reviver decides what `JSON.parse` returns.
  if (root === "JSON" && member === "parse" && call.arguments.length > 1) return false;
  const allowed = PLAIN_CALLS[root];
  return allowed === "all" || allowed.has(member);
}

/** Why a call is certainly a promise, or undefined when it is not known to be one. */
export function knownAsyncCall(ctx: Ctx, call: t.CallExpression | t.OptionalCallExpression): boolean {
  const callee = strip(call.callee as Node);
  if (callee.type === "Import") return true;
  if (callee.type === "Identifier") {
    if (ASYNC_GLOBALS.has(callee.name) && isGlobal(ctx, callee, callee.name)) return true;
    if (isLocalAsyncFunction(ctx, callee)) return true;
  }
  const m = memberName(callee);
  if (m !== undefined && PROMISE_METHODS.has(m)) return true;
  if (m !== undefined) {
    const obj = strip((callee as t.MemberExpression).object as Node);
    if (obj.type === "Identifier" && obj.name === "Promise" && isGlobal(ctx, obj, "Promise")) return true;
  }
  if (privateAsyncMethod(ctx, callee)) return true;
  // `await utils.sleep(1)`, `await Timing.delay(1)`: a method of a `const` object literal or a
  // static one of a class, the module never replacing it, declared `async` or returning a promise
  // on every path (attack25 F13; fixture worker/awaited-promise-helpers).
  const shown = keptMethod(ctx, callee);
  if (shown && !shown.generator && (shown.async || returnsPromise(ctx, shown))) return true;
  // `(async () => …)()`: an async IIFE.
  if ((callee.type === "ArrowFunctionExpression" || callee.type === "FunctionExpression") && callee.async)
    return true;
  // A promise API of a module with sync twins that has no twin for this call (`fsp.open(...)`).
  const imported = importedCallee(ctx, call.callee as Node);
  return imported !== undefined && isTwinModule(imported.module, ctx.options);
}

/**
 * A call of a function imported from another module (an ES import, a `require`d binding or a
 * TypeScript `import x = require()`), reached by name or through members (`ns.f()`, `lib.a.b()`).
 * Awaited, such a call is taken as asynchronous — the `await` the author wrote is the evidence, as
 * for `fetch` — so the sync variant runs on a worker rather than failing its guard on every call
 * (fixture worker/unknown-import-awaited).
 */
export function isImportedCall(ctx: Ctx, call: t.CallExpression | t.OptionalCallExpression): boolean {
  let n = strip(call.callee as Node);
  while (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") n = strip(n.object as Node);
  if (requireSource(ctx.scopes, n) !== undefined) return true;
  if (n.type !== "Identifier") return false;
  const b = ctx.scopes.binding(n, n.name);
  if (!b) return false;
  const d = b.node;
  if (
    d.type === "ImportSpecifier" ||
    d.type === "ImportDefaultSpecifier" ||
    d.type === "ImportNamespaceSpecifier"
  )
    return (ctx.tree.parent(d) as t.ImportDeclaration).importKind !== "type";
  if (d.type === "TSImportEqualsDeclaration") return d.moduleReference.type === "TSExternalModuleReference";
  if (d.type === "VariableDeclarator" && b.kind === "const" && d.init) {
    let init = strip(d.init as Node);
    while (init.type === "MemberExpression") init = strip(init.object as Node);
    return requireSource(ctx.scopes, init) !== undefined;
  }
  return false;
}

/**
 * `this.#load(…)` of a private method the class around the call declares `async`: nothing can
 * replace a private method (not a subclass, not another module), so the call is certainly
 * asynchronous (attack21 F12: it was guarded, and the guard failed on every call).
 */
function privateAsyncMethod(ctx: Ctx, callee: Node): boolean {
  if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression") return false;
  if (callee.property.type !== "PrivateName") return false;
  const name = callee.property.id.name;
  for (let up = ctx.tree.parent(callee); up; up = ctx.tree.parent(up)) {
    if (up.type !== "ClassBody") continue;
    const own = up.body.find(
      (m) =>
        (m as { key?: Node }).key?.type === "PrivateName" &&
        (m as { key: t.PrivateName }).key.id.name === name,
    );
    if (!own) continue;
    return own.type === "ClassPrivateMethod" && own.kind === "method" && own.async && !own.generator;
  }
  return false;
}

/**
 * A call of a function of this file declared `async` (and not a smartasync function), or of a
 * plain one whose every return is certainly a promise (`returnsPromise`).
 */
function isLocalAsyncFunction(ctx: Ctx, id: t.Identifier): boolean {
  const b = ctx.scopes.binding(id, id.name);
  if (!b || b.violations.length > 0) return false;
  const n = b.node;
  let fn: t.Function | undefined;
  if (n.type === "FunctionDeclaration") fn = n;
  else if (n.type === "VariableDeclarator" && b.kind === "const" && n.init) {
    const init = strip(n.init as Node);
    if (init.type === "ArrowFunctionExpression" || init.type === "FunctionExpression") fn = init;
  }
  if (!fn || fn.generator) return false;
  return fn.async || returnsPromise(ctx, fn);
}

/** The plain functions `returnsPromise` is reading now (`f` returning `g()`, `g` returning `f()`). */
const reading = new Set<Node>();

/**
 * A plain function whose every completion returns a value certainly a promise: `const sleep =
 * (ms) => new Promise(…)`, `function delay(ms) { return new Promise(…) }`, a thin wrapper of a
 * promise API (`(p) => readFile(p, "utf8")`, `readFile(p).then(…)`, `Promise.resolve(v)`) or of
 * an async function of the file (`(k) => load(k)`). Awaited, its call is a known asynchronous
 * API as an `async` function's is: the worker variant, not a guard that fails on every call
 * (attack25 F13, fixture worker/awaited-promise-helpers). A block body must end in a `return`
 * (no path falls off its end) and every `return` of its own give such a value.
 */
function returnsPromise(ctx: Ctx, fn: t.Function): boolean {
  if (reading.has(fn as Node)) return false;
  reading.add(fn as Node);
  try {
    const body = fn.body as Node;
    if (body.type !== "BlockStatement") return proofOf(ctx, body) === "async";
    const last = body.body.at(-1) as Node | undefined;
    if (last?.type !== "ReturnStatement") return false;
    const stack: Node[] = [body];
    while (stack.length) {
      const n = stack.pop()!;
      if (n !== body && isFunction(n)) continue;
      if (n.type === "ReturnStatement" && (!n.argument || proofOf(ctx, n.argument as Node) !== "async"))
        return false;
      stackChildren(n, stack);
    }
    return true;
  } finally {
    reading.delete(fn as Node);
  }
}

function hasKey(members: readonly Node[], name: string, onlyStatic: boolean): boolean {
  for (const m of members) {
    if (m.type === "SpreadElement") return true;
    const k = m as { key?: Node; computed?: boolean; static?: boolean };
    if (onlyStatic && !k.static) continue;
    if (!k.key) continue;
    if (k.computed && k.key.type !== "StringLiteral") return true;
    const key = k.key.type === "Identifier" ? k.key.name : k.key.type === "StringLiteral" ? k.key.value : "";
    if (key === name || key === "__proto__") return true;
  }
  return false;
}

/**
 * A class that may be a thenable: a static `then` of its own, one it inherits (`extends` any
 * class: its statics are the class's too), or a `static {}` block, which can assign `this.then`
 * (adversarial review: `class C extends Base {}` with `Base.then` was taken for proven).
 */
function classMayHaveThen(cls: t.Class): boolean {
  const members = cls.body.body as Node[];
  return (
    cls.superClass != null || hasKey(members, "then", true) || members.some((m) => m.type === "StaticBlock")
  );
}

/**
 * What `node` is at run time, as a value the copy does not map (a local's initialiser, an
 * operand of `?:`). Calls here are NOT rewritten in the copy: a call of a smartasync function in
 * a value position of an async function is still its promise.
 */
export function proofOf(ctx: Ctx, node: Node, seen: Set<Node> = new Set()): Proof {
  const n = strip(node);
  if (PRIMITIVE_NODES.has(n.type)) return "proven";
  switch (n.type) {
    case "RegExpLiteral":
    case "ArrayExpression":
    case "FunctionExpression":
    case "ArrowFunctionExpression":
      return "proven";
    // An awaited value inside the body is itself a leaf of the copy: mapped, proven or guarded.
    case "AwaitExpression":
      return "proven";
    case "ObjectExpression":
      return hasKey(n.properties as Node[], "then", false) ? "unknown" : "proven";
    case "ClassExpression":
      return classMayHaveThen(n) ? "unknown" : "proven";
    case "ConditionalExpression":
      return join(proofOf(ctx, n.consequent, seen), proofOf(ctx, n.alternate, seen));
    case "LogicalExpression":
      return join(proofOf(ctx, n.left, seen), proofOf(ctx, n.right, seen));
    case "SequenceExpression":
      return proofOf(ctx, n.expressions[n.expressions.length - 1], seen);
    case "AssignmentExpression":
      if (n.operator === "=") return proofOf(ctx, n.right, seen);
      if (n.operator === "||=" || n.operator === "&&=" || n.operator === "??=")
        return join(proofOf(ctx, n.left, seen), proofOf(ctx, n.right, seen));
      return "proven";
    case "Identifier":
      return identifierProof(ctx, n, seen);
    // `import(x)` (Babel 7 parses it as a call of `Import`, handled in knownAsyncCall).
    case "ImportExpression":
      return "async";
    case "CallExpression":
    case "OptionalCallExpression":
      if (isPlainGlobalCall(ctx, n)) return "proven";
      return knownAsyncCall(ctx, n) ? "async" : "unknown";
    case "NewExpression": {
      const c = strip(n.callee as Node);
      if (c.type === "Identifier" && isGlobal(ctx, c, c.name)) {
        if (c.name === "Promise") return "async";
        // Built-in constructors whose instances have no `then` (the table's `plain` fact).
        if (constructorHas(c.name, "plain")) return "proven";
      }
      return "unknown";
    }
    default:
      return "unknown";
  }
}

function join(a: Proof, b: Proof): Proof {
  if (a === "async" || b === "async") return "async";
  return a === "proven" && b === "proven" ? "proven" : "unknown";
}

/**
 * A local is proven when every value ever assigned to it is (fixture inline/not-promise-local);
 * `undefined`, `NaN` and `Infinity` are proven unless shadowed. Parameters, imports, catch
 * bindings, destructured names and loop variables are unknown.
 */
function identifierProof(ctx: Ctx, id: t.Identifier, seen: Set<Node>): Proof {
  const b = ctx.scopes.binding(id, id.name);
  if (!b)
    return id.name === "undefined" || id.name === "NaN" || id.name === "Infinity" ? "proven" : "unknown";
  // A direct `eval` can assign any local; a redeclared `var` has values the declarator does not show.
  if (hasDirectEval(ctx) || b.redeclarations?.length) return "unknown";
  // A function or class gains a `then` as easily as any object (`k.then = …`): proven only where
  // the file never lets it out of sight (attack finding 7).
  if (b.node.type === "ClassDeclaration" && classMayHaveThen(b.node)) return "unknown";
  if (b.kind === "hoisted" || b.node.type === "FunctionDeclaration" || b.node.type === "ClassDeclaration")
    return objectStaysPlain(ctx, b) ? "proven" : "unknown";
  if (b.node.type !== "VariableDeclarator" || b.node.id.type !== "Identifier") return "unknown";
  const parent = ctx.tree.parent(b.node);
  const grand = parent && ctx.tree.parent(parent);
  // `for (const x of xs)`: the declarator has no init, the loop assigns it.
  if (grand && (grand.type === "ForOfStatement" || grand.type === "ForInStatement") && grand.left === parent)
    return "unknown";
  if (seen.has(b.node)) return "proven";
  seen.add(b.node);
  const values: Node[] = b.node.init ? [b.node.init as Node] : [];
  let proof: Proof = "proven";
  for (const v of b.violations) {
    if (v.type === "AssignmentExpression" && v.left.type === "Identifier") values.push(v);
    else if (v.type !== "UpdateExpression") proof = "unknown";
  }
  for (const v of values) proof = join(proof, proofOf(ctx, v, seen));
  // An object held by a local (an array, an object literal, a function) may gain a `then` after it
  // was made (`a.then = …`, `Object.assign(a, …)`): proven only where every use is a plain read.
  if (proof === "proven" && !values.every((v) => isPrimitive(v)) && !objectStaysPlain(ctx, b, true))
    return "unknown";
  return proof;
}

/** Expressions whose value is never an object: literals but regular expressions, templates, operators. */
const PRIMITIVE_NODES = new Set([
  "StringLiteral",
  "NumericLiteral",
  "BooleanLiteral",
  "NullLiteral",
  "BigIntLiteral",
  "TemplateLiteral",
  "UnaryExpression",
  "BinaryExpression",
  "UpdateExpression",
]);

/** Values that are never objects: a literal other than a regular expression, a template, arithmetic. */
function isPrimitive(node: Node): boolean {
  const n = strip(node);
  if (PRIMITIVE_NODES.has(n.type)) return true;
  switch (n.type) {
    case "Identifier":
      return n.name === "undefined" || n.name === "NaN" || n.name === "Infinity";
    // `await (n + 5)`: awaiting a value that is not an object gives it back (fixture inline/proof-table).
    case "AwaitExpression":
      return isPrimitive(n.argument);
    case "ConditionalExpression":
      return isPrimitive(n.consequent) && isPrimitive(n.alternate);
    case "LogicalExpression":
      return isPrimitive(n.left) && isPrimitive(n.right);
    case "SequenceExpression":
      return isPrimitive(n.expressions[n.expressions.length - 1]);
    case "AssignmentExpression":
      return n.operator === "=" || n.operator === "||=" || n.operator === "&&=" || n.operator === "??="
        ? isPrimitive(n.right)
        : true;
    default:
      return false;
  }
}

/**
 * Whether the object a binding holds keeps the members it was made with, `then` among them: the
 * one list of uses that leave an object where no code can reach it (writes.ts `methodsStay`, also
 * asked before a method the module shows or a built-in's is taken for the one that runs). Any
 * other use — an argument, an element, a value returned from a function that did not make it
 * (`function g() { return a } g().then = …`), a write of a function's or a class's name (`k =
 * thenable`) — may give it a `then` (fixture inline/proof-object-returned-gains-then). `ownWrites`:
 * a `let`/`var` whose writes of the name are values the caller proves one by one.
 */
function objectStaysPlain(ctx: Ctx, b: Binding, ownWrites = false): boolean {
  return methodsStay(ctx, b, "then", true, ownWrites);
}

const evalCache = new WeakMap<Ctx, boolean>();

/** Whether the file calls a direct `eval` (which may write any local in scope). */
function hasDirectEval(ctx: Ctx): boolean {
  let v = evalCache.get(ctx);
  if (v === undefined) {
    v =
      ctx.code.includes("eval") &&
      ctx.tree.calls.some(
        (c) =>
          c.callee.type === "Identifier" && c.callee.name === "eval" && !ctx.scopes.binding(c.callee, "eval"),
      );
    evalCache.set(ctx, v);
  }
  return v;
}
