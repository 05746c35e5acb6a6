import { isBuiltin } from "node:module";
import type { types as t } from "@babel/core";
import type { NodeView, Slot, ViewKind } from "../node-view.js";
import { CONTAINER_CLASSES, KEEPERS, SCHEDULERS } from "./keepers.js";
import type { SaFunction } from "./model.js";
import { declaredReturnKind, declaresValue } from "./return-type.js";
import { type Binding, isReference, type Scopes } from "./scope.js";
import { peelCallee, strip, TRANSPARENT } from "./transparent.js";
import { isFunction, type Node, pushChildren, type Tree } from "./tree.js";

// The wrapper set and the walk down through it live in a leaf module (transparent.ts), read here
// and by the files that cannot import this one.
export { strip, TRANSPARENT };

/**
 * The walk up from `n` through the parentheses and type-only wrappers around it (`(f as T)(…)`):
 * `outer`, the outermost of them (`n` itself when none), and `parent`, the node that holds
 * `outer` — what uses the value. `outer` is the child to ask `tree.link` about: which slot of
 * `parent` the value stands in.
 */
export function consumerOf(tree: Tree, n: Node): { outer: Node; parent: Node | undefined } {
  let outer = n;
  let parent = tree.parent(n);
  while (parent !== undefined && TRANSPARENT.has(parent.type)) {
    outer = parent;
    parent = tree.parent(parent);
  }
  return { outer, parent };
}

/** The objects that hold every global as a member (`globalThis.Promise`). */
const GLOBAL_OBJECTS = new Set(["globalThis", "global", "self"]);

/**
 * The global `n` names however it is spelled (attack21 F1): the free name, a member of the global
 * object (`globalThis.Promise`, `globalThis["Promise"]`), or a `const` bound once to one of those
 * (`const P = Promise`). A name the file declares is never a global. Else undefined.
 */
export function globalName(scopes: Scopes, n: Node, depth = 0): string | undefined {
  const v = strip(n);
  if (v.type === "Identifier") {
    const b = scopes.binding(v, v.name);
    if (!b) return v.name;
    // A `const` is never written again: its writes are not asked (a closed function naming it
    // would send the file to a whole analysis for nothing).
    if (depth > 4 || b.kind !== "const" || b.node.type !== "VariableDeclarator") return undefined;
    const d = b.node as t.VariableDeclarator;
    return d.id.type === "Identifier" && d.init != null
      ? globalName(scopes, d.init as Node, depth + 1)
      : undefined;
  }
  if (v.type !== "MemberExpression" && v.type !== "OptionalMemberExpression") return undefined;
  // The object is the global object however named: `globalThis`, `(0, globalThis)`, a `const`
  // bound to it (`const g = globalThis; g.appConfig`; fixture diagnostics/sa302-global-spellings).
  const o = peelCallee(v.object as Node);
  return GLOBAL_OBJECTS.has(globalName(scopes, o, depth + 1) ?? "") ? memberName(v) : undefined;
}

/** How many `const` second names deep a name is followed (`const b = a; const c = b; …`). */
export const MAX_CONST_ALIASES = 8;

/**
 * The binding a chain of `const` second names ends at: `const alias = mark` → `mark`'s, through
 * parentheses, type wrappers and commas (`const a = (0, mark)`, `const a = mark as F`), up to
 * `MAX_CONST_ALIASES` names deep. The one reading of `const x = y` for the rules that follow a
 * name to what it names (calls.ts, arg-escape.ts, export-writes.ts, twin-callee.ts). A name
 * without a binding (a global) ends the chain at the `const` naming it; the binding returned may be of any kind (a
 * `let`, a parameter, an import, a declaration): only `kind` and `node` are read on the way, never
 * a binding's writes (asking them watches the name: a closed function writing it would send the
 * file to a whole analysis), so a caller that must not ask a `let`'s checks its kind first.
 */
export function constAliasOf(scopes: Scopes, b: Binding): Binding {
  let cur = b;
  for (let hops = 0; hops < MAX_CONST_ALIASES; hops++) {
    if (cur.kind !== "const" || cur.node.type !== "VariableDeclarator" || !cur.node.init) return cur;
    if (cur.node.id.type !== "Identifier") return cur;
    const init = peelCallee(cur.node.init as Node);
    if (init.type !== "Identifier") return cur;
    const next = scopes.binding(init, init.name);
    if (!next) return cur;
    cur = next;
  }
  return cur;
}

/** Whether `n` is the global `name` however it is spelled (`globalName`). */
export function globalRef(scopes: Scopes, n: Node, name: string): boolean {
  return globalName(scopes, n) === name;
}

/**
 * What a global's member `n` is, as a dotted path from the global (`Object.values`,
 * `Array.prototype.values`, `JSON.stringify` of `globalThis.JSON`, `String`), however the global
 * is spelled (`globalName`); a well-known symbol key reads as `@@name` (`memberKey`). Undefined for
 * anything that is not a global or reached from one by static keys.
 */
export function globalPath(scopes: Scopes, n: Node, depth = 0): string | undefined {
  const g = globalName(scopes, n);
  if (g !== undefined) return g;
  const v = strip(n);
  if (depth > 4 || (v.type !== "MemberExpression" && v.type !== "OptionalMemberExpression")) return undefined;
  const key = memberKey(scopes, v);
  if (typeof key !== "string") return undefined;
  const o = globalPath(scopes, v.object as Node, depth + 1);
  return o === undefined ? undefined : `${o}.${key}`;
}

/**
 * The key of a member expression as far as the build can read it (attack21 F1): its static name
 * (`a.b`, `a["b"]`), a computed key the source fixes — a string, a template without
 * substitutions, a `const` bound to one — or a well-known symbol (`Symbol.iterator`,
 * `Symbol["iterator"]`, `globalThis.Symbol.iterator`, a `const` alias of one) as `@@iterator`.
 * `null` for a number (an index); undefined for a key the source does not fix.
 */
export function memberKey(scopes: Scopes, member: Node): string | null | undefined {
  const m = member as { computed?: boolean; property?: Node };
  if (!m.property) return undefined;
  if (!m.computed) return m.property.type === "Identifier" ? m.property.name : undefined;
  return constantKey(scopes, strip(m.property));
}

/**
 * The key a computed key expression certainly is: a string (a literal, a template without
 * substitutions, a `const` bound to one), a well-known symbol as `@@name`; `null` for a number,
 * certainly no name; else undefined. One reading for the context walk (`memberKey`) and for the
 * methods picked by a computed key (calls.ts).
 */
export function constantKey(scopes: Scopes, key: Node, depth = 0): string | null | undefined {
  if (key.type === "NumericLiteral" || key.type === "BigIntLiteral") return null;
  if (key.type === "StringLiteral") return key.value;
  if (key.type === "TemplateLiteral" && key.expressions.length === 0)
    return key.quasis[0]?.value.cooked ?? undefined;
  if (depth > 4) return undefined;
  if (key.type === "MemberExpression" || key.type === "OptionalMemberExpression") {
    const sym = strip(key.object as Node);
    const name = memberName(key);
    return name !== undefined && globalName(scopes, sym) === "Symbol" ? `@@${name}` : undefined;
  }
  if (key.type !== "Identifier") return undefined;
  // A `const` is never written again: its writes are not asked (as `globalName`).
  const b = scopes.binding(key, key.name);
  if (b?.kind !== "const" || b.node.type !== "VariableDeclarator") return undefined;
  const init = b.node.init ? strip(b.node.init as Node) : undefined;
  return init ? constantKey(scopes, init, depth + 1) : undefined;
}

/**
 * The nodes whose value may be `n`'s: through parentheses and type wrappers, both branches of
 * `?:`, both operands of `&&`/`||`/`??` and a sequence's last expression (`c ? f() : (g(), h())`
 * → `f()`, `h()`), in source order, appended to `out`. A returned value's leaves, for the
 * analysis and both emitters alike (leaves.ts walks awaited values itself: a `&&` operand's
 * leaf there has a fact of its own). `follow`: the IIFEs returning from inside a `try` that the
 * function's analysis follows (SaFunction `iifeTried`); `iifes` gets each IIFE followed.
 */
export function valueLeaves(n: Node, out: Node[] = [], follow?: ReadonlySet<Node>, iifes?: Node[]): Node[] {
  const v = strip(n);
  const given = iifeValueSlots(v, follow);
  if (given) {
    iifes?.push(v);
    for (const s of given) valueLeaves(s.holder[s.key] as Node, out, follow, iifes);
  } else if (v.type === "ConditionalExpression") {
    valueLeaves(v.consequent, out, follow, iifes);
    valueLeaves(v.alternate, out, follow, iifes);
  } else if (v.type === "LogicalExpression") {
    valueLeaves(v.left, out, follow, iifes);
    valueLeaves(v.right, out, follow, iifes);
  } else if (v.type === "SequenceExpression")
    valueLeaves(v.expressions[v.expressions.length - 1] as Node, out, follow, iifes);
  else out.push(v);
  return out;
}

/** A place a node holds a value: `holder[key]`, rewritable by the Babel emitter's copy. */
export interface ValueSlot {
  holder: Record<string, unknown>;
  key: string;
}

/**
 * The function an immediately invoked function expression calls, when it is a plain one (not
 * async, not a generator): `(() => e)()`, `(function () {…})()`, `(function () {…}).call(x)`.
 */
export function iifeFunction(call: Node): t.ArrowFunctionExpression | t.FunctionExpression | undefined {
  if (call.type !== "CallExpression") return undefined;
  let callee = strip(call.callee as Node);
  if (callee.type === "MemberExpression" && !callee.computed) {
    const name = memberName(callee);
    if (name !== "call" && name !== "apply") return undefined;
    callee = strip(callee.object as Node);
  }
  if (callee.type !== "ArrowFunctionExpression" && callee.type !== "FunctionExpression") return undefined;
  return callee.async || callee.generator ? undefined : callee;
}

/**
 * The places the function an immediately invoked function expression calls gives its value:
 * `(() => e)()`, `((x) => { return e; })(k)`, `(function () { return e; })()`, also through
 * `.call(self, …)` / `.apply(self, args)`: its concise body, or each `return` of its own body (not
 * of a function nested in it). Its call's value is one of these, so what awaits or returns the call
 * awaits or returns them (docs/semantics.md, "The context of a call": `return it` in an IIFE has
 * the IIFE call's context; attack25 F08, fixture inline/iife-returned-call). Undefined for any
 * other node, and for an IIFE that is async or a generator (its call gives a promise or an
 * iterator, whatever it returns) or whose `return` stands inside a `try` with a `catch` or
 * `finally` (which would see a mapped call's failure, where the async function's promise settles
 * after it) unless `follow` has it: the analysis follows one whose calls returned there it can
 * make after the IIFE's `try` (leaves.ts; fixture inline/iife-return-in-try).
 */
export function iifeValueSlots(call: Node, follow?: ReadonlySet<Node>): ValueSlot[] | undefined {
  const given = iifeReturns(call);
  return given && (given.tried.length === 0 || follow?.has(call)) ? given.slots : undefined;
}

/**
 * The value places of an IIFE's function (`iifeValueSlots`), and the values it returns from inside
 * a `try` with a `catch` or `finally` (`tried`, where `slots` has them too). `finallyReturns`: a
 * `finally` of its own body holds a `return` of its own, which discards what the `try` returned.
 */
export function iifeReturns(
  call: Node,
): { slots: ValueSlot[]; tried: Node[]; finallyReturns: boolean } | undefined {
  const callee = iifeFunction(call);
  if (callee === undefined) return undefined;
  const body = callee.body as Node;
  const slots: ValueSlot[] = [];
  const tried: Node[] = [];
  let finallyReturns = false;
  if (body.type !== "BlockStatement") {
    slots.push({ holder: callee as unknown as Record<string, unknown>, key: "body" });
    return { slots, tried, finallyReturns };
  }
  // Every statement form a `return` can stand in (blocks, `if`, `switch`, labelled statements,
  // loops, `try`): only `try` changes what sees the returned value's end.
  const visit = (n: Node, inTry: boolean, inFinally: boolean): void => {
    if (isFunction(n)) return;
    if (n.type === "ReturnStatement") {
      if (inFinally) finallyReturns = true;
      if (!n.argument) return;
      slots.push({ holder: n as unknown as Record<string, unknown>, key: "argument" });
      if (inTry) tried.push(n.argument as Node);
      return;
    }
    if (n.type === "TryStatement") {
      visit(n.block as Node, inTry || n.handler != null || n.finalizer != null, inFinally);
      if (n.handler) visit(n.handler as Node, inTry || n.finalizer != null, inFinally);
      if (n.finalizer) visit(n.finalizer as Node, inTry, true);
      return;
    }
    const children: Node[] = [];
    pushChildren(n, children);
    for (const c of children) visit(c, inTry, inFinally);
  };
  for (const st of (body as t.BlockStatement).body) visit(st as Node, false, false);
  return { slots, tried, finallyReturns };
}

/** Assignment operators that store the right-hand value itself (the others compute with it). */
const STORING = new Set(["=", "||=", "&&=", "??="]);

/** What a promise has of its own to destructure: `const { then } = f()` takes the promise's. */
const PROMISE_MEMBERS = new Set(["then", "catch", "finally"]);

const KIND: Record<string, ViewKind> = {
  CallExpression: "call",
  OptionalCallExpression: "call",
  NewExpression: "new",
  AwaitExpression: "await",
  SequenceExpression: "sequence",
  ConditionalExpression: "conditional",
  LogicalExpression: "logical",
  MemberExpression: "member",
  OptionalMemberExpression: "member",
  ArrayExpression: "array",
  ExpressionStatement: "expression-statement",
  ReturnStatement: "return",
  Program: "program",
  VariableDeclarator: "declarator",
  ObjectProperty: "store",
  AssignmentExpression: "store",
  AssignmentPattern: "store",
  ExportSpecifier: "store",
  ExportDefaultDeclaration: "store",
  ClassProperty: "store",
  // A private field keeps the value for later reads as a public one does (attack24 F15,
  // fixture diagnostics/sa210-private-class-fields).
  ClassPrivateProperty: "store",
  ClassAccessorProperty: "store",
  SpreadElement: "store",
  ForOfStatement: "iterate",
};

/**
 * A declared return type that is (or may be) a promise makes a function async (DESIGN §3.1):
 * `Promise<T>`, `PromiseLike<T>`, `globalThis.Promise<T>`, a local alias or interface of one, a
 * union with one (return-type.ts `"promise"`). `program` resolves the file's own type names.
 */
function hasPromiseReturnType(fn: Node, program?: Node): boolean {
  return declaredReturnKind(fn, program) === "promise";
}

export function isAsyncFunction(fn: Node, program?: Node): boolean {
  return (fn as { async?: boolean }).async === true || hasPromiseReturnType(fn, program);
}

/** The static name of a member expression's property (`a.b`, `a["b"]`), else undefined. */
export function memberName(node: Node): string | undefined {
  const m = node as { computed?: boolean; property?: Node };
  if (!m.property) return undefined;
  if (!m.computed && m.property.type === "Identifier") return m.property.name;
  // `ns["f"]` and `` ns[`f`] ``, a template without substitutions (strategies/mockable-members).
  return m.computed ? staticString(m.property) : undefined;
}

/**
 * `xs.map(cb)` as the only argument of a call (`Promise.all(xs.map(cb))`): `cb`, else undefined.
 * Both the inline copy of such a map (leaves.ts) and its p-limit form (limiters.ts) start here.
 */
export function soleMapCallback(args: readonly Node[]): Node | undefined {
  if (args.length !== 1) return undefined;
  const m = args[0]!;
  if (m.type !== "CallExpression" || m.arguments.length !== 1) return undefined;
  const callee = m.callee as Node;
  if (callee.type !== "MemberExpression" || callee.computed) return undefined;
  if (callee.property.type !== "Identifier" || callee.property.name !== "map") return undefined;
  return m.arguments[0] as Node;
}

/** Class members whose code runs when the class is created (or instantiated), not in a method. */
const CLASS_FIELDS = new Set(["ClassProperty", "ClassPrivateProperty", "ClassAccessorProperty"]);

/**
 * The function whose code `n` runs in, or `undefined` for code that is synchronous whatever
 * encloses it: the module, a class field initializer (instance or static) and a `static {}`
 * block run as part of creating the class or the instance, never inside the enclosing
 * function's `await`s (fixture contexts/class-fields-in-async).
 */
function codeParent(tree: Tree, n: Node): t.Function | undefined {
  for (let cur = n, p = tree.parent(n); p !== undefined; cur = p, p = tree.parent(p)) {
    if (isFunction(p)) return p as t.Function;
    if (p.type === "StaticBlock") return undefined;
    if (CLASS_FIELDS.has(p.type) && tree.link(cur)?.key === "value") return undefined;
  }
  return undefined;
}

/**
 * The core's node view over the shared tree. `annotated` holds the bindings of the file's
 * smartasync functions: a call of one from sync code runs its sync variant, whose body is not
 * the one written (`await x` there wants the value), so its parameters are not followed.
 * `syncAnnotated` holds the nodes of its annotated sync functions (and methods): their body is
 * the sync colour, whose callers get a value (`declaresValue`). `asyncAnnotated` those taken as
 * async where neither `async` nor the declared type shows it (calls.ts `Index.asyncFns`).
 */
export function treeView(
  tree: Tree,
  scopes: Scopes,
  annotated: ReadonlyMap<Binding, Pick<SaFunction, "fn" | "kind" | "processed">> = new Map(),
  limiter?: (callee: Node) => boolean,
  syncAnnotated: ReadonlySet<Node> = new Set(),
  asyncAnnotated: ReadonlySet<Node> = new Set(),
  /** Whether a call calls a smartasync function (calls.ts `lookupCall`), for `isSmartasyncCall`. */
  smartasyncCall?: (call: Node) => boolean,
): NodeView<Node> {
  // Functions a previous pass compiled as async (their marker says so): their code is async
  // even where the output no longer shows why (a `Promise<T>` return type TypeScript stripped),
  // so a call in their body stays as the first pass left it.
  let markedAsync: Set<Node> | undefined;
  const isMarkedAsync = (fn: Node): boolean => {
    markedAsync ??= new Set(
      [...annotated.values()].filter((f) => f.processed && f.kind === "async").map((f) => f.fn as Node),
    );
    return markedAsync.has(fn);
  };
  /** `functionCalls` by binding: each plain function's callers are found once a view. */
  const callsMemo = new Map<Binding, { name: string; calls: Node[]; complete: boolean }>();
  return {
    adoptsCallback(call, index) {
      return index === 0 && limiter !== undefined && limiter((call as { callee: Node }).callee);
    },
    kind(n) {
      if (TRANSPARENT.has(n.type)) return "transparent";
      if (isFunction(n)) return "function";
      if (n.type === "UnaryExpression" && n.operator === "void") return "void";
      if (n.type === "YieldExpression" && n.delegate) return "iterate";
      // `` tag`${f()}` `` hands the substitution to the tag as an argument (attack24 F13, fixture
      // diagnostics/sa210-tagged-template-tag); an untagged template only reads it as a string.
      if (n.type === "TemplateLiteral" && tree.link(n)?.key === "quasi") return "tagged";
      // `yield f()`, `throw f()`: the value goes to whatever iterates the generator or catches
      // the error, out of the walk's sight (attack21 F1: raced there, it was taken as a value).
      if (n.type === "YieldExpression" || n.type === "ThrowStatement") return "store";
      // `s += f()`: an operand, read at once as in `s = s + f()` (attack23 F16); only `=` and the
      // logical assignments (`??=`, `||=`, `&&=`) keep the value itself.
      if (n.type === "AssignmentExpression" && !STORING.has(n.operator)) return "other";
      return KIND[n.type] ?? "other";
    },
    parent(n) {
      return tree.parent(n);
    },
    slot(parent, child): Slot {
      const link = tree.link(child);
      const key = link?.key;
      switch (parent.type) {
        case "CallExpression":
        case "OptionalCallExpression":
        case "NewExpression":
          return key === "callee" ? "callee" : key === "arguments" ? "argument" : "other";
        case "MemberExpression":
        case "OptionalMemberExpression":
          return key === "object" ? "object" : "other";
        case "ConditionalExpression":
          return key === "test" ? "test" : "branch";
        case "SequenceExpression":
          return link?.index === parent.expressions.length - 1 ? "last" : "not-last";
        case "ArrayExpression":
          return "element";
        case "ArrowFunctionExpression":
          return key === "body" && child.type !== "BlockStatement" ? "concise-body" : "other";
        case "VariableDeclarator":
          return key === "init" ? "init" : "other";
        case "ObjectProperty":
          return key === "value" ? "element" : "other";
        default:
          return "other";
      }
    },
    argIndex(_call, child) {
      return tree.link(child)?.index ?? -1;
    },
    callee(call) {
      return (call as { callee: Node }).callee;
    },
    memberObject(member) {
      return (member as { object: Node }).object;
    },
    memberName,
    isGlobal(n, name) {
      return globalRef(scopes, n, name);
    },
    memberKey(member) {
      return memberKey(scopes, member);
    },
    globalCallee(call) {
      return globalPath(scopes, (call as t.CallExpression).callee as Node);
    },
    isAsyncFunction(fn) {
      // The colour of code around a call: a function without `async` is async code only where
      // its declared type says "promise". One whose type is unknown (`Later<T>` imported,
      // `object`) is sync code that proves nothing: a call it returns is handed on as for an
      // undeclared function, its callers in sight decide, else it stays as written.
      return isAsyncFunction(fn, tree.program) || isMarkedAsync(fn) || asyncAnnotated.has(fn);
    },
    hasOwnMethods(obj) {
      if (obj.type !== "ObjectExpression") return false;
      return obj.properties.some(
        (prop) =>
          prop.type === "ObjectMethod" ||
          (prop.type === "ObjectProperty" && strip(prop.value as Node).type === "FunctionExpression"),
      );
    },
    isGenerator(fn) {
      return (fn as t.Function).generator === true;
    },
    enclosingFunction(n) {
      return codeParent(tree, n);
    },
    declaresValue(fn) {
      return syncAnnotated.has(fn) || declaresValue(fn, tree.program);
    },
    localUses(declarator) {
      const d = declarator as t.VariableDeclarator;
      if (d.id.type !== "Identifier") return undefined;
      const b = scopes.binding(d.id, d.id.name);
      if (!b || b.node !== declarator) return undefined;
      const reads = readsOf(tree, scopes, b);
      // `export const p = load(1)`: other modules read it (an `export { p }` is a read, a store).
      const exported = tree.parent(tree.parent(declarator) ?? declarator)?.type === "ExportNamedDeclaration";
      return reads && { ...reads, exported };
    },
    reassignedUses(declarator) {
      const d = declarator as t.VariableDeclarator;
      if (d.id.type !== "Identifier") return undefined;
      const b = scopes.binding(d.id, d.id.name);
      if (!b || b.node !== declarator || b.violations.length === 0 || b.redeclarations?.length)
        return undefined;
      tree.watchWithin(b.name, b.scope.node);
      const uses: Node[] = [];
      tree.walk(
        b.scope.node,
        (n) => {
          if (
            n.type !== "Identifier" ||
            n.name !== b.name ||
            !isReference(n, tree) ||
            scopes.binding(n, b.name) !== b
          )
            return undefined;
          // `task = …` and a `for (task of …)` head only write the name; `v ||= x`, `v += 1`
          // read it too, and are kept as reads.
          const link = tree.link(n);
          const parent = link?.parent;
          const writes =
            (parent?.type === "AssignmentExpression" && parent.operator === "=" && link?.key === "left") ||
            ((parent?.type === "ForOfStatement" || parent?.type === "ForInStatement") &&
              link?.key === "left");
          if (!writes) uses.push(n);
          return undefined;
        },
        true,
      );
      const exported = tree.parent(tree.parent(declarator) ?? declarator)?.type === "ExportNamedDeclaration";
      return { name: b.name, uses, exported };
    },
    resolvesPromise(call) {
      const callee = strip((call as { callee: Node }).callee);
      if (callee.type !== "Identifier") return false;
      const b = scopes.binding(callee, callee.name);
      if (!b || b.violations.length) return false;
      const fn = tree.parent(b.node);
      if (!fn || !isFunction(fn) || (fn as t.Function).params[0] !== b.node) return false;
      const { outer: cur, parent: p } = consumerOf(tree, fn);
      return (
        p?.type === "NewExpression" &&
        tree.link(cur)?.key === "arguments" &&
        tree.link(cur)?.index === 0 &&
        p.callee.type === "Identifier" &&
        p.callee.name === "Promise" &&
        !scopes.binding(p.callee as Node, "Promise")
      );
    },
    isSpread(n) {
      return n.type === "SpreadElement";
    },
    parameterUses(call, index) {
      const c = call as t.CallExpression | t.TaggedTemplateExpression;
      if (
        c.type !== "TaggedTemplateExpression" &&
        (c.type !== "CallExpression" ||
          c.arguments.slice(0, index + 1).some((a) => a.type === "SpreadElement"))
      )
        return undefined;
      const callee = strip((c.type === "TaggedTemplateExpression" ? c.tag : c.callee) as Node);
      if (callee.type !== "Identifier") return undefined;
      const b = scopes.binding(callee, callee.name);
      if (!b || b.violations.length || b.redeclarations?.length || annotated.has(b)) return undefined;
      const decl = b.node;
      const fn =
        decl.type === "FunctionDeclaration"
          ? decl
          : decl.type === "VariableDeclarator" && b.kind === "const" && decl.init
            ? strip(decl.init as Node)
            : undefined;
      if (!fn || !isFunction(fn) || fn.type === "ObjectMethod" || fn.type === "ClassMethod") return undefined;
      const param = fn.params[index] as Node | undefined;
      if (param?.type !== "Identifier" || fn.params.slice(0, index).some((q) => q.type === "RestElement"))
        return undefined;
      const pb = scopes.binding(fn.body as Node, param.name);
      return pb && pb.node === param ? readsOf(tree, scopes, pb) : undefined;
    },
    argumentAt(call, index) {
      return ((call as t.CallExpression).arguments[index] as Node | undefined) ?? undefined;
    },
    isSmartasyncCall(call) {
      return call.type !== "NewExpression" && smartasyncCall !== undefined && smartasyncCall(call);
    },
    argumentReader(call, index) {
      return argumentReader(
        scopes,
        call as t.CallExpression | t.NewExpression | t.TaggedTemplateExpression,
        index,
      );
    },
    propertyKey(prop) {
      const p = prop as t.ObjectProperty;
      if (p.type !== "ObjectProperty") return undefined;
      if (!p.computed && p.key.type === "Identifier") return p.key.name;
      if (p.key.type === "StringLiteral") return p.key.value;
      return undefined;
    },
    localArray(name) {
      if (name.type !== "Identifier") return undefined;
      const b = scopes.binding(name, name.name);
      if (!b || b.violations.length || b.redeclarations?.length || b.node.type !== "VariableDeclarator")
        return undefined;
      const init = b.node.init ? strip(b.node.init as Node) : undefined;
      return b.node.id.type === "Identifier" && init?.type === "ArrayExpression" ? init : undefined;
    },
    patternUses(declarator) {
      const d = declarator as t.VariableDeclarator;
      if (d.type !== "VariableDeclarator" || d.id.type !== "ArrayPattern") return undefined;
      // `export const [d] = [f()]`: other modules read it (attack24, r14h's suspected row).
      if (tree.parent(tree.parent(declarator) ?? declarator)?.type === "ExportNamedDeclaration")
        return undefined;
      const uses: Node[] = [];
      for (const e of d.id.elements) {
        if (e === null) continue;
        if (e.type !== "Identifier") return undefined;
        const b = scopes.binding(e as Node, e.name);
        // A name assigned again may hold something else when read.
        const reads =
          b && b.node === declarator && b.violations.length === 0 ? readsOf(tree, scopes, b) : undefined;
        if (!reads) return undefined;
        uses.push(...reads.uses);
      }
      return uses;
    },
    takesPromiseMember(declarator) {
      const d = declarator as t.VariableDeclarator;
      if (d.type !== "VariableDeclarator" || d.id.type !== "ObjectPattern") return false;
      return d.id.properties.some(
        (p) =>
          p.type === "ObjectProperty" &&
          (p.computed ||
            PROMISE_MEMBERS.has(
              p.key.type === "Identifier" ? p.key.name : p.key.type === "StringLiteral" ? p.key.value : "",
            )),
      );
    },
    callbackArity(call, index) {
      const arg = (call as t.CallExpression).arguments?.[index];
      const fn = arg ? strip(arg as Node) : undefined;
      if (!fn || (fn.type !== "ArrowFunctionExpression" && fn.type !== "FunctionExpression"))
        return undefined;
      if (fn.params.some((p) => p.type === "RestElement")) return Number.POSITIVE_INFINITY;
      // A function's own `arguments` (an arrow's is its enclosing function's).
      let readsArguments = false;
      if (fn.type === "FunctionExpression")
        tree.walk(fn.body as Node, (n) => {
          if (readsArguments || (isFunction(n) && n.type !== "ArrowFunctionExpression")) return false;
          if (n.type === "Identifier" && n.name === "arguments") readsArguments = true;
          return undefined;
        });
      return readsArguments ? Number.POSITIVE_INFINITY : fn.params.length;
    },
    callbackParamUses(call, index, param) {
      const arg = (call as t.CallExpression).arguments?.[index];
      const fn = arg ? strip(arg as Node) : undefined;
      if (!fn || (fn.type !== "ArrowFunctionExpression" && fn.type !== "FunctionExpression"))
        return undefined;
      const p = fn.params[param] as Node | undefined;
      if (p?.type !== "Identifier") return undefined;
      const b = scopes.binding(fn.body as Node, p.name);
      return b && b.node === p ? readsOf(tree, scopes, b)?.uses : undefined;
    },
    defaultUses(pattern) {
      const a = pattern as t.AssignmentPattern;
      if (a.type !== "AssignmentPattern" || a.left.type !== "Identifier") return undefined;
      const fn = tree.parent(pattern);
      if (!fn || !isFunction(fn) || !(fn as t.Function).params.includes(a)) return undefined;
      const b = scopes.binding((fn as t.Function).body as Node, a.left.name);
      // Babel binds a defaulted parameter at the identifier or at the pattern: either.
      return b && (b.node === pattern || b.node === (a.left as Node)) ? readsOf(tree, scopes, b) : undefined;
    },
    functionCalls(fn) {
      let id: Node | undefined;
      let exported = false;
      const up = tree.parent(fn);
      if (fn.type === "FunctionDeclaration" && fn.id) {
        id = fn.id as Node;
        exported = up?.type === "ExportNamedDeclaration" || up?.type === "ExportDefaultDeclaration";
      } else if (fn.type === "FunctionExpression" || fn.type === "ArrowFunctionExpression") {
        // `const getUser = (id) => load(id)`, also through type-only wrappers.
        const { outer: cur, parent: p } = consumerOf(tree, fn);
        if (
          p?.type === "VariableDeclarator" &&
          tree.link(cur)?.key === "init" &&
          p.id.type === "Identifier"
        ) {
          id = p.id as Node;
          exported = tree.parent(tree.parent(p) ?? p)?.type === "ExportNamedDeclaration";
        }
      }
      if ((fn.type === "ClassMethod" || fn.type === "ObjectMethod") && !fn.computed) {
        // A method is called through an object the build does not follow: named, never seen.
        const key = fn.key as Node;
        if (key.type === "Identifier") return { name: key.name, calls: [], complete: false };
      }
      if (id?.type !== "Identifier") return undefined;
      const b = scopes.binding(id, id.name);
      if (!b || annotated.has(b)) return undefined;
      if (b.node !== fn && b.node !== tree.parent(id)) return undefined;
      // Exported: callers out of sight whatever this file does, so its reads (a walk of the
      // binding's whole scope, once per returned call: quadratic on a file of many such
      // functions — the 50,000-line reliability test took minutes) are not needed.
      if (exported) return { name: id.name, calls: [], complete: false };
      const hit = callsMemo.get(b);
      if (hit) return hit;
      const reads = readsOf(tree, scopes, b);
      if (!reads) return { name: id.name, calls: [], complete: false };
      const calls: Node[] = [];
      let complete = !exported;
      for (const u of reads.uses) {
        const { outer: cur, parent: p } = consumerOf(tree, u);
        if (
          p &&
          (p.type === "CallExpression" || p.type === "OptionalCallExpression") &&
          tree.link(cur)?.key === "callee"
        )
          calls.push(p);
        else complete = false;
      }
      const out = { name: id.name, calls, complete };
      callsMemo.set(b, out);
      return out;
    },
  };
}

/**
 * The module a binding comes from: an import (`import { f } from "m"`, `import f = require("m")`)
 * or a `const` that `require("m")` initialises (`const { f } = require("m")`, `const f =
 * require("m").f`); undefined for any other binding.
 */
function moduleOf(scopes: Scopes, b: Binding): string | undefined {
  if (b.kind === "module") {
    const n = b.node as Node;
    if (n.type === "TSImportEqualsDeclaration") {
      const ref = n.moduleReference as Node;
      return ref.type === "TSExternalModuleReference" ? ref.expression.value : undefined;
    }
    // A specifier's declaration holds the source; the tree's parent link is not needed.
    return (b.scope.node as t.Program).body
      ?.filter((d): d is t.ImportDeclaration => d.type === "ImportDeclaration")
      .find((d) => (d.specifiers as Node[]).includes(n))?.source.value;
  }
  if (b.node.type !== "VariableDeclarator" || !b.node.init) return undefined;
  let init = strip(b.node.init as Node);
  while (init.type === "MemberExpression" || init.type === "OptionalMemberExpression")
    init = strip(init.object as Node);
  return requireSource(scopes, init);
}

/**
 * The context walk's reading of a callee it does not follow (NodeView `argumentReader`): the same
 * lists of keeping globals and methods the parameter rule reads (keepers.ts), and for sync code's
 * own call, unknown is not proven (attack19 F2): a function of another module (not Node's own),
 * a class, a function of the file the walk does not follow are where a promise may be raced.
 */
function argumentReader(
  scopes: Scopes,
  call: t.CallExpression | t.OptionalCallExpression | t.NewExpression | t.TaggedTemplateExpression,
  index: number,
): string | undefined {
  const isNew = call.type === "NewExpression";
  const c = strip((call.type === "TaggedTemplateExpression" ? call.tag : call.callee) as Node);
  if (c.type === "Identifier") {
    const b = scopes.binding(c, c.name);
    if (!b) {
      const kept = SCHEDULERS.get(c.name);
      if (kept !== undefined && index >= kept) return `handed to \`${c.name}\`, which keeps it for later`;
      if (CONTAINER_CLASSES.has(c.name))
        return `kept in ${isNew ? `a \`new ${c.name}\`` : `\`${c.name}(…)\``}, which the build does not follow`;
      return undefined;
    }
    // A Node built-in's function (`writeFileSync(path, text)`) is Node's own code: it reads what
    // it is given.
    const from = moduleOf(scopes, b);
    if (from !== undefined)
      return isBuiltin(from)
        ? undefined
        : `handed to \`${isNew ? "new " : ""}${c.name}\` of \`${from}\`, another module the build does not follow`;
    return isNew
      ? `handed to \`new ${c.name}\`, a class the build does not follow`
      : `handed to \`${c.name}\`, a function the build does not follow`;
  }
  if (c.type === "MemberExpression" || c.type === "OptionalMemberExpression") {
    const name = memberName(c);
    const o = strip(c.object as Node);
    const shown = `${o.type === "Identifier" ? o.name : o.type === "ThisExpression" ? "this" : "…"}.${name ?? "[…]"}`;
    if (o.type === "ThisExpression" || o.type === "Super")
      return `handed to \`${shown}\`, a method the build does not follow`;
    if (o.type === "Identifier") {
      const ob = scopes.binding(o, o.name);
      const from = ob ? moduleOf(scopes, ob) : undefined;
      if (from !== undefined && !isBuiltin(from))
        return `handed to \`${shown}\` of \`${from}\`, another module the build does not follow`;
    }
    if (name === undefined || KEEPERS.has(name))
      return `handed to \`${shown}\`, which keeps it where the build does not follow`;
    // A method the file itself shows on the receiver — its own object literal's, its class's
    // (static, or an instance's of `new C()`) — is code that may race the argument as well as read
    // it, and the walk does not follow methods (attack24 F12, fixture
    // diagnostics/sa210-own-object-methods): not proven. Another value's method (`res.send(f())`)
    // stays a read.
    if (!isNew && ownMember(scopes, o, name)) {
      const where = o.type === "NewExpression" ? `an instance's \`.${name}\`` : `\`${shown}\``;
      return `handed to ${where}, a method of this file the build does not follow`;
    }
    return undefined;
  }
  return "handed to a callee the build does not follow";
}

/** The class or object literal a binding of this file is declared as (`class C {}`, `const o = {…}`). */
function declaredShape(scopes: Scopes, id: Node): Node | undefined {
  if (id.type !== "Identifier") return undefined;
  const b = scopes.binding(id, id.name);
  if (!b || moduleOf(scopes, b) !== undefined) return undefined;
  const decl = b.node as Node;
  if (decl.type === "ClassDeclaration") return decl;
  if (decl.type !== "VariableDeclarator" || decl.id.type !== "Identifier" || !decl.init) return undefined;
  const init = strip(decl.init as Node);
  return init.type === "ObjectExpression" || init.type === "ClassExpression" ? init : undefined;
}

/**
 * Whether `receiver.name` is a member the file shows: a property or method of the object literal
 * `receiver` is declared as, a static member of the class it names, or an instance member of the
 * class `new C()` makes (a class written in place, `new (class {…})()`, too).
 */
function ownMember(scopes: Scopes, receiver: Node, name: string): boolean {
  let shape: Node | undefined;
  let statics = true;
  if (receiver.type === "NewExpression") {
    const c = strip(receiver.callee as Node);
    shape = c.type === "ClassExpression" ? c : declaredShape(scopes, c);
    statics = false;
    if (shape?.type === "ObjectExpression") return false;
  } else shape = declaredShape(scopes, receiver);
  if (shape === undefined) return false;
  const members = (
    shape.type === "ObjectExpression" ? shape.properties : (shape as t.Class).body.body
  ) as Node[];
  return members.some((m) => {
    if (m.type === "SpreadElement") return false;
    const k = m as { key?: Node; computed?: boolean; static?: boolean };
    if (shape!.type !== "ObjectExpression" && (k.static === true) !== statics) return false;
    const key = k.key;
    if (key === undefined) return false;
    if (!k.computed && key.type === "Identifier") return key.name === name;
    return key.type === "StringLiteral" && key.value === name;
  });
}

/**
 * Every read of a binding never written again (undefined if it is): the identifiers under its
 * scope that name it. Closed functions are not entered, but the name is watched inside the
 * binding's scope (tree.ts `watchWithin`), so the file is analysed whole if a closed function
 * there mentions it — and stays lazy where only functions outside it use the same name (the
 * parameters of smartasync functions, param-uses.ts, are asked about in every annotated file).
 *
 * The reads are found once per binding (`readsMemo`): the rules ask about the same parameter
 * or local several times (param-uses, the call-site rule's hops, the view's `functionCalls`),
 * and each search walks the binding's whole scope, a fifth of the walks on the bench's
 * annotated file. A binding belongs to one tree, which is complete before any rule reads it;
 * the writes (`violations`) and the watch are still asked each time, as they record what the
 * analysis read (scope.ts, tree.ts).
 */
export function readsOf(
  tree: Tree,
  scopes: Scopes,
  b: Binding,
): { name: string; uses: readonly Node[] } | undefined {
  if (b.violations.length || b.redeclarations?.length) return undefined;
  tree.watchWithin(b.name, b.scope.node);
  const known = readsMemo.get(b);
  if (known) return known;
  const uses: Node[] = [];
  tree.walk(
    b.scope.node,
    (n) => {
      if (
        n.type === "Identifier" &&
        n.name === b.name &&
        isReference(n, tree) &&
        scopes.binding(n, b.name) === b
      )
        uses.push(n);
      return undefined;
    },
    true,
  );
  const reads = { name: b.name, uses };
  readsMemo.set(b, reads);
  return reads;
}

/** `readsOf`'s answers by binding (shared, so read-only to every caller). */
const readsMemo = new WeakMap<Binding, { name: string; uses: readonly Node[] }>();

/**
 * What a node writes, when it writes: an assignment's target (any operator: `=`, `+=`, `||=`),
 * `++`/`--`'s operand, `delete`'s operand, a `for…of`/`for…in` head that is not a declaration —
 * and every target inside a destructuring pattern there (`[o.a] = …`, `({ k: o.b = 1 } = …)`,
 * `[...o.c] = …`, `for ({ k: o.d } of …)`). Targets come out of type-only wrappers
 * (`(o.f as any) = …`). The one list of the language's write places: whether an object may gain
 * a `then` (prove.ts) and whether a module object's member is replaced (imported.ts) both ask it
 * (adversarial findings F11, F16).
 */
export function writtenTargets(n: Node): Node[] {
  let root: Node | null | undefined;
  if (n.type === "AssignmentExpression") root = n.left as Node;
  else if (n.type === "UpdateExpression") root = n.argument as Node;
  else if (n.type === "UnaryExpression" && n.operator === "delete") root = n.argument as Node;
  else if (
    (n.type === "ForOfStatement" || n.type === "ForInStatement") &&
    n.left.type !== "VariableDeclaration"
  )
    root = n.left as Node;
  const out: Node[] = [];
  const add = (p: Node | null | undefined): void => {
    if (!p) return;
    p = strip(p);
    switch (p.type) {
      case "ArrayPattern":
        for (const e of p.elements) add(e as Node | null);
        return;
      case "ObjectPattern":
        for (const prop of p.properties as Node[])
          add(prop.type === "ObjectProperty" ? (prop.value as Node) : (prop as Node));
        return;
      case "AssignmentPattern":
        add(p.left as Node);
        return;
      case "RestElement":
        add(p.argument as Node);
        return;
      default:
        out.push(p);
    }
  };
  add(root);
  return out;
}

/** Nodes that may stand between a write target and the node that writes it (`writtenTargets`). */
const PATTERN_PARTS = new Set([
  "ArrayPattern",
  "ObjectPattern",
  "ObjectProperty",
  "AssignmentPattern",
  "RestElement",
  ...TRANSPARENT,
]);

/** Whether `target` is written by the node that holds it (`writtenTargets` of that node). */
export function isWritten(tree: Tree, target: Node): boolean {
  let up = tree.parent(target);
  while (up && PATTERN_PARTS.has(up.type)) up = tree.parent(up);
  return up !== undefined && up !== null && writtenTargets(up).includes(target);
}

/**
 * The module of `require("x")`, else undefined. A template literal without substitutions
 * (`` require(`./x`) ``) names its module as plainly as a string does (docs/modules.md, routes).
 */
export function requireSource(scopes: Scopes, node: Node | null | undefined): string | undefined {
  if (node?.type === "CallExpression" && isNodeRequire(scopes, node.callee as Node))
    return staticString(node.arguments[0] as Node | undefined);
  return undefined;
}

/**
 * Whether `callee` is CommonJS's `require`: the free name (no binding of the file declares it), or
 * a name that was never reassigned and bound to `createRequire(…)` (`const require =
 * createRequire(import.meta.url)`, docs/modules.md). Any other binding named `require` — a
 * parameter, a sandbox's loader, a local function — shadows it and loads what it likes (attack 17,
 * F15): a call of it is an ordinary call. A `require` made under another name (`const req =
 * createRequire(import.meta.url)`, attack 21 F6) is one too when it is a `const` and its maker is
 * Node's own, imported from `module`/`node:module` (`madeRequire`).
 */
export function isNodeRequire(scopes: Scopes, callee: Node): boolean {
  const n = strip(callee);
  if (n.type !== "Identifier") return false;
  const b = scopes.binding(n, n.name);
  if (n.name !== "require") return b !== undefined && madeRequire(scopes, b) === "followed";
  if (!b) return true;
  if (b.violations.length > 0 || b.redeclarations?.length || b.node.type !== "VariableDeclarator")
    return false;
  const init = b.node.init ? strip(b.node.init as Node) : undefined;
  if (init?.type !== "CallExpression") return false;
  const maker = strip(init.callee as Node);
  return (
    (maker.type === "Identifier" && maker.name === "createRequire") ||
    ((maker.type === "MemberExpression" || maker.type === "OptionalMemberExpression") &&
      memberName(maker) === "createRequire") ||
    // `const require = cr(import.meta.url)` of `import { createRequire as cr }` (attack21 F6).
    isCreateRequire(scopes, maker)
  );
}

/**
 * What a binding (not named `require`) is when its declarator's value is `createRequire(…)` of
 * Node's `module` (`createRequire` imported by name, `m.createRequire` of its default or namespace
 * import or of `require("node:module")`): "followed" for a `const` never written again — CommonJS's
 * `require` under another name — and "unfollowed" for a name that may hold something else when
 * it is called (`let`/`var` reassigned, declared twice), through which calls are SA206
 * (analysis/opaque.ts). Anything else: undefined.
 */
export function madeRequire(scopes: Scopes, b: Binding): "followed" | "unfollowed" | undefined {
  const d = b.node;
  if (d.type !== "VariableDeclarator" || d.id.type !== "Identifier" || !d.init) return undefined;
  const init = strip(d.init as Node);
  if (init.type !== "CallExpression" || !isCreateRequire(scopes, init.callee as Node)) return undefined;
  return b.kind === "const" && b.violations.length === 0 && !b.redeclarations?.length
    ? "followed"
    : "unfollowed";
}

const NODE_MODULE = new Set(["module", "node:module"]);

/**
 * Whether `callee` is Node's `createRequire`: imported from `module` under any name (`import {
 * createRequire as cr }`, attack21 F6), taken from it (`m.createRequire`, `const {
 * createRequire: cr } = require("node:module")`), or a `const` bound to one of those.
 */
export function isCreateRequire(scopes: Scopes, callee: Node, depth = 0): boolean {
  const c = strip(callee);
  if (c.type === "Identifier") {
    const b = scopes.binding(c, c.name);
    if (!b || b.violations.length > 0 || depth > 4) return false;
    if (b.node.type === "ImportSpecifier")
      return (
        importedFrom(scopes, b.node) &&
        (b.node.imported.type === "Identifier" ? b.node.imported.name : b.node.imported.value) ===
          "createRequire"
      );
    if (b.node.type !== "VariableDeclarator") return false;
    const d = b.node as t.VariableDeclarator;
    // `const cr = m.createRequire`, `const cr = createRequire`.
    if (d.id.type === "Identifier")
      return d.init != null && isCreateRequire(scopes, d.init as Node, depth + 1);
    // `const { createRequire } = require("node:module")`, `const { createRequire: cr } = m`.
    if (d.id.type !== "ObjectPattern") return false;
    const part = d.id.properties.find(
      (p) =>
        p.type === "ObjectProperty" &&
        strip(p.value as Node).type === "Identifier" &&
        (strip(p.value as Node) as t.Identifier).name === c.name,
    ) as t.ObjectProperty | undefined;
    const key = part && !part.computed ? (part.key as Node) : undefined;
    const named =
      key !== undefined &&
      ((key.type === "Identifier" && key.name === "createRequire") ||
        (key.type === "StringLiteral" && key.value === "createRequire"));
    return named && isNodeModule(scopes, d.init as Node | null);
  }
  if (
    (c.type !== "MemberExpression" && c.type !== "OptionalMemberExpression") ||
    memberName(c) !== "createRequire"
  )
    return false;
  return isNodeModule(scopes, c.object as Node);
}

/** Whether `n` is Node's `module`: `require("node:module")`, or a name bound to it or imported whole. */
function isNodeModule(scopes: Scopes, n: Node | null | undefined): boolean {
  if (!n) return false;
  const m = strip(n);
  if (m.type === "CallExpression") {
    const src = requireSource(scopes, m);
    return src !== undefined && NODE_MODULE.has(src);
  }
  if (m.type !== "Identifier") return false;
  const b = scopes.binding(m, m.name);
  if (!b || b.violations.length > 0) return false;
  if (b.node.type === "ImportDefaultSpecifier" || b.node.type === "ImportNamespaceSpecifier")
    return importedFrom(scopes, b.node);
  return (
    b.node.type === "VariableDeclarator" &&
    b.node.id.type === "Identifier" &&
    isNodeModule(scopes, b.node.init as Node | null)
  );
}

/** Whether the import specifier `spec` is of a declaration importing Node's `module`. */
function importedFrom(scopes: Scopes, spec: Node): boolean {
  for (const s of (scopes.program.node as t.Program).body)
    if (s.type === "ImportDeclaration" && (s.specifiers as Node[]).includes(spec))
      return s.importKind !== "type" && NODE_MODULE.has(s.source.value);
  return false;
}

/** The value of a string literal, or of a template literal without substitutions, else undefined. */
export function staticString(node: Node | null | undefined): string | undefined {
  if (node?.type === "StringLiteral") return node.value;
  if (node?.type === "TemplateLiteral" && node.expressions.length === 0)
    return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

export function isModuleExports(n: Node): boolean {
  return (
    n.type === "MemberExpression" &&
    n.object.type === "Identifier" &&
    n.object.name === "module" &&
    !n.computed &&
    n.property.type === "Identifier" &&
    n.property.name === "exports"
  );
}

/** `exports` or `module.exports`, the object CommonJS exports hang on. */
export function isExportsObject(n: Node): boolean {
  return (n.type === "Identifier" && n.name === "exports") || isModuleExports(n);
}
