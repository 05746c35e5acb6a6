import type { types as t } from "@babel/core";
import { type Ctx, keyName, locOf, sourceOf } from "./ctx.js";
import { memoByFunction } from "./memo.js";
import { type Binding, patternNames } from "./scope.js";
import { BUILTIN_METHODS, isMutator, methodFacts, SYNC_ARRAY_METHODS } from "./sync-table.js";
import { isFunction, type Node } from "./tree.js";
import { consumerOf, isWritten, memberName, strip } from "./view.js";

/**
 * What a function writes to objects it did not create: its arguments (a worker or a pool thread
 * would change its own copy, never the caller's) and module-level state (SA302). The rules are
 * syntactic and stay inside the module: a write the module does not show (through an imported
 * function, a method of an unknown object, `arguments`) is not seen (docs/semantics.md says so).
 */

/** `Object.assign(target, …)` and friends: they change their first argument. */
const WRITING_STATICS = new Map<string, Set<string>>(
  Object.entries({
    Object: new Set([
      "assign",
      "defineProperty",
      "defineProperties",
      "setPrototypeOf",
      "freeze",
      "seal",
      "preventExtensions",
    ]),
    Reflect: new Set(["set", "defineProperty", "deleteProperty", "setPrototypeOf", "preventExtensions"]),
    // A typed array that is not over a SharedArrayBuffer is copied to a worker like any other.
    Atomics: new Set(["store", "add", "sub", "and", "or", "xor", "exchange", "compareExchange"]),
  }),
);

/**
 * Methods that write to their first argument rather than their receiver: `src.copy(target)` of
 * `Buffer`. A `copy` method of another kind of object makes the rule cautious, never wrong: the
 * function stays on the calling thread.
 */
const WRITES_FIRST_ARGUMENT = new Set(["copy"]);

/** The member expressions a destructuring target writes (`[o.a, { k: o.b }] = …`). */
function patternMembers(p: Node | null | undefined, out: t.MemberExpression[]): t.MemberExpression[] {
  if (!p) return out;
  const q = strip(p);
  if (q.type === "MemberExpression" || q.type === "OptionalMemberExpression")
    out.push(q as t.MemberExpression);
  else if (q.type === "ObjectPattern")
    for (const prop of q.properties)
      patternMembers(prop.type === "RestElement" ? prop.argument : (prop.value as Node), out);
  else if (q.type === "ArrayPattern") for (const e of q.elements) patternMembers(e, out);
  else if (q.type === "RestElement") patternMembers(q.argument, out);
  else if (q.type === "AssignmentPattern") patternMembers(q.left, out);
  return out;
}

/** The identifier a member chain starts from (`a.b[0].c` → `a`) and how many members lead to it. */
export function rootOf(expr: Node): { id: t.Identifier; depth: number } | undefined {
  let cur = strip(expr);
  let depth = 0;
  while (cur.type === "MemberExpression" || cur.type === "OptionalMemberExpression") {
    cur = strip(cur.object);
    depth++;
  }
  return cur.type === "Identifier" ? { id: cur, depth } : undefined;
}

/** One write found in a function: the node, quoted for messages, and where it is. */
export interface Write {
  /** The written expression as the source has it (`arr.sort()`), shortened. */
  text: string;
  loc: string;
  /** The parameter written to, as messages name it (`\`list\``, or `its second argument`). */
  name: string;
  /** Functions the value was passed to on the way (`append` in `append(list, x)`). */
  via: string[];
  /**
   * Set for a use that is not proven a read (arg-escape.ts): what the function does with the
   * argument (`passes it to \`helper\``), so the write is possible, not shown.
   */
  may?: string;
  /**
   * The possible write is a call of a function the analysis cannot see into (an import, a
   * callback): enough to keep an offloaded function on the calling thread (SA304), not to refuse a
   * worker variant (its await usually is that very call: `await format(code, opts)`).
   */
  unknownCall?: boolean;
}

function quote(ctx: Ctx, n: Node): string {
  const text = sourceOf(ctx, n).replace(/\s+/g, " ");
  return text.length > 48 ? `${text.slice(0, 45)}...` : text;
}

/** Where a write goes: the expression whose object is changed. */
export interface WriteSite {
  node: Node;
  /** The object that is changed. */
  target: Node;
}

/**
 * Every place in `root` (nested functions included: a callback runs with the same objects) that
 * changes an object in place: a member assigned, updated or deleted, a mutating method called on
 * it, `Object.assign(it, …)` and friends. Calls of functions that write to their parameters are
 * found by the callers of this (they need to know which parameter).
 */
export function forEachWrite(
  ctx: Ctx,
  root: Node,
  visit: (site: WriteSite) => void,
  /** The caller watches the names it asks about (tree.ts `watched`): closed functions may stay closed. */
  closedOk = false,
): void {
  ctx.tree.walk(
    root,
    (n) => {
      if (n.type === "AssignmentExpression" && strip(n.left).type.endsWith("MemberExpression")) {
        visit({ node: n, target: (strip(n.left) as t.MemberExpression).object });
      } else if (n.type === "AssignmentExpression" && n.left.type.endsWith("Pattern")) {
        // `({ k: o.x } = src)`, `[o.a, ...o.rest] = xs` (fixture worker/argument-write-forms).
        for (const m of patternMembers(n.left as Node, [])) visit({ node: n, target: m.object });
      } else if (
        (n.type === "ForOfStatement" || n.type === "ForInStatement") &&
        n.left.type !== "VariableDeclaration"
      ) {
        // `for (o.x of xs)` assigns `o.x` on every round.
        for (const m of patternMembers(n.left as Node, [])) visit({ node: n.left as Node, target: m.object });
      } else if (n.type === "UpdateExpression" && strip(n.argument).type.endsWith("MemberExpression")) {
        visit({ node: n, target: (strip(n.argument) as t.MemberExpression).object });
      } else if (
        n.type === "UnaryExpression" &&
        n.operator === "delete" &&
        strip(n.argument).type.endsWith("MemberExpression")
      ) {
        visit({ node: n, target: (strip(n.argument) as t.MemberExpression).object });
      } else if (n.type === "CallExpression" || n.type === "OptionalCallExpression") {
        const callee = strip(n.callee as Node);
        if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression")
          return undefined;
        const name = memberName(callee);
        if (name === undefined) return undefined;
        const object = strip(callee.object);
        if (
          object.type === "Identifier" &&
          // A Map, not an object literal: `constructor.x(…)` must not find Object.prototype's.
          WRITING_STATICS.get(object.name)?.has(name) &&
          !ctx.scopes.binding(object, object.name)
        ) {
          const first = n.arguments[0] as Node | undefined;
          if (first && first.type !== "SpreadElement") visit({ node: n, target: first });
        } else if (WRITES_FIRST_ARGUMENT.has(name)) {
          const first = n.arguments[0] as Node | undefined;
          if (first && first.type !== "SpreadElement") visit({ node: n, target: first });
        } else if (isMutator(name)) {
          visit({ node: n, target: callee.object });
        }
      }
      return undefined;
    },
    closedOk,
  );
}

/** The function a callee names, when the module shows it: a declaration or a `const` bound to one. */
export function functionOf(ctx: Ctx, callee: Node): t.Function | undefined {
  const c = strip(callee);
  if (c.type !== "Identifier") return undefined;
  const b = ctx.scopes.binding(c, c.name);
  return b ? functionOfBinding(b) : undefined;
}

export function functionOfBinding(b: Binding): t.Function | undefined {
  if (b.node.type === "FunctionDeclaration") return b.violations.length ? undefined : b.node;
  if (b.node.type === "VariableDeclarator" && b.node.id.type === "Identifier") {
    // The writes are asked last, and only of a name bound to a function: asking them watches the
    // name, and a closed function writing any `i` then sends the file to a whole analysis.
    const init = b.node.init ? strip(b.node.init) : undefined;
    if (init && isFunction(init) && (b.kind === "const" || b.violations.length === 0)) return init;
  }
  return undefined;
}

/**
 * The function `b.m` names where the module shows it: a static method of a class (or a static
 * field holding a function), a method or a property holding a function (or naming a function of
 * the module: `{ bump: inc }`) of a `const` object literal. Undefined when the object is replaced.
 */
export function methodOf(
  ctx: Ctx,
  b: Binding,
  m: string,
  kind: "static" | "object" | "any" = "any",
): t.Function | undefined {
  const n = b.node;
  const init = n.type === "VariableDeclarator" && n.init ? strip(n.init) : undefined;
  const cls = n.type === "ClassDeclaration" ? n : init?.type === "ClassExpression" ? init : undefined;
  const fromValue = (v: Node | null | undefined): t.Function | undefined => {
    if (!v) return undefined;
    const value = strip(v);
    if (isFunction(value)) return value;
    return value.type === "Identifier" ? functionOf(ctx, value) : undefined;
  };
  if (cls && kind !== "object") {
    if (b.violations.length) return undefined;
    // The last definition of a name wins, and a static field wins over any static method or
    // accessor (fields are defined once the methods are): fixture inline/yield-point-duplicate-members.
    let method: t.ClassMethod | undefined;
    let accessor = false;
    let field: t.ClassProperty | undefined;
    for (const member of cls.body.body) {
      const key = (member as { key?: Node; computed?: boolean; static?: boolean }).key;
      if (!(member as { static?: boolean }).static || !key) continue;
      const name = keyName(member as { key: Node; computed?: boolean });
      // `static [k]() {}` may be any name.
      if (name === undefined && (member as { computed?: boolean }).computed) return undefined;
      if (name !== m) continue;
      if (member.type === "ClassMethod") {
        method = member.kind === "method" ? member : undefined;
        accessor = member.kind !== "method";
      } else if (member.type === "ClassProperty") field = member;
      else return undefined;
    }
    if (field) return fromValue(field.value as Node | null);
    return accessor ? undefined : method;
  }
  if (init?.type !== "ObjectExpression" || b.kind !== "const" || kind === "static") return undefined;
  // The last entry of a name wins; a spread or a computed key after it may replace it.
  for (let i = init.properties.length - 1; i >= 0; i--) {
    const p = init.properties[i]!;
    if (p.type === "SpreadElement") return undefined;
    const name = keyName(p as { key: Node; computed?: boolean });
    if (name === undefined && (p as { computed?: boolean }).computed) return undefined;
    if (name !== m) continue;
    if (p.type === "ObjectMethod") return p.kind === "method" ? p : undefined;
    return fromValue(p.value as Node);
  }
  return undefined;
}

/**
 * The function `o.m` names where the module shows it (`methodOf`): a method (or an entry naming a
 * function) of a `const` object literal, a static method of a class, `o` a plain name.
 */
export function shownMethod(ctx: Ctx, callee: Node): t.Function | undefined {
  const c = strip(callee);
  if (c.type !== "MemberExpression" && c.type !== "OptionalMemberExpression") return undefined;
  const own = strip(c.object as Node);
  const name = memberName(c);
  if (own.type !== "Identifier" || name === undefined) return undefined;
  const b = ctx.scopes.binding(own, own.name);
  return b ? methodOf(ctx, b, name) : undefined;
}

/**
 * `shownMethod` where the file never replaces that method (`ops.mark = other`, `U.mark = other`,
 * `Object.assign(ops, …)`: `methodsStay`): a call then runs the one the literal or class shows
 * (r13a). The argument rule's reading: a replaced one is not resolved, so it may write.
 */
export function keptMethod(ctx: Ctx, callee: Node): t.Function | undefined {
  const fn = shownMethod(ctx, callee);
  if (!fn) return undefined;
  const c = strip(callee) as t.MemberExpression;
  const own = strip(c.object as Node) as t.Identifier;
  const b = ctx.scopes.binding(own, own.name);
  return b && methodsStay(ctx, b, memberName(c), false) ? fn : undefined;
}

/** `methodOf` where the file never replaces that method (`keptMethod`). */
export function keptMethodOf(ctx: Ctx, b: Binding, m: string): t.Function | undefined {
  const fn = methodOf(ctx, b, m);
  return fn && methodsStay(ctx, b, m, false) ? fn : undefined;
}

/**
 * `o.m(…)` where `m` is a method of the module's `const` object literal `o` whose text names
 * neither `this`, `super` nor `o`: the call reaches `o` through none of them, so it changes `o`
 * only where its body writes to it, which the walks see as writes (SA302, and the proof that a value is the same in every
 * thread, same-everywhere.ts). (attack22 F8: SA302 said
 * "`const ops`, which `viaObjectMethod()` changes" of `ops.mark(t)`, which changed its argument.)
 * The text, not the tree: the method may be left closed by the lazy analysis.
 */
export function selfFreeMethod(ctx: Ctx, object: Node, b: Binding, method: string): boolean {
  const o = strip(object);
  if (o.type !== "Identifier") return false;
  const fn = methodOf(ctx, b, method, "object");
  if (!fn) return false;
  const words = new Set(sourceOf(ctx, fn as Node).match(/[\w$]+/g));
  return !words.has("this") && !words.has("super") && !words.has(o.name);
}

/** A binding that holds (part of) an argument; `fresh` when it is a new container of arguments (`...rest`). */
interface Alias {
  index: number;
  fresh: boolean;
}

type ParamWrites = Map<number, Write>;

/**
 * The first write each parameter's object receives in `fn` (index → write), through aliases
 * (`const a = arr`, `for (const x of arr)`, `arr.forEach((x) => …)`, destructuring) and calls
 * of functions of the module that write to theirs. A parameter reassigned by a statement of the
 * body (`arr = [...arr]`) holds a copy after it; writes after that statement do not count.
 */
export const paramWrites: (ctx: Ctx, fn: t.Function) => ParamWrites = memoByFunction(
  (ctx, fn) => computeParamWrites(ctx, fn),
  () => new Map(),
);

function computeParamWrites(ctx: Ctx, fn: t.Function): ParamWrites {
  const aliases = new Map<Binding, Alias>();
  const bind = (id: t.Identifier, alias: Alias): boolean => {
    const b = ctx.scopes.binding(id, id.name);
    if (!b || aliases.has(b)) return false;
    aliases.set(b, alias);
    return true;
  };
  /** Names of a pattern: those under a rest element are fresh containers. */
  const bindPattern = (p: Node, index: number, fresh: boolean): boolean => {
    let changed = false;
    const rests = new Set<t.Identifier>();
    const walkRests = (q: Node | null | undefined): void => {
      if (!q) return;
      if (q.type === "RestElement") for (const id of patternNames(q.argument)) rests.add(id);
      else if (q.type === "ObjectPattern")
        for (const prop of q.properties) walkRests(prop.type === "RestElement" ? prop : (prop.value as Node));
      else if (q.type === "ArrayPattern") for (const e of q.elements) walkRests(e);
      else if (q.type === "AssignmentPattern") walkRests(q.left);
    };
    walkRests(p);
    for (const id of patternNames(p)) changed = bind(id, { index, fresh: fresh || rests.has(id) }) || changed;
    return changed;
  };
  fn.params.forEach((p, i) => {
    if (p.type === "RestElement") bindPattern(p.argument, i, p.argument.type === "Identifier");
    else bindPattern(p, i, false);
  });
  if (aliases.size === 0) return new Map();

  // Where a reassigned parameter starts to hold a copy (end offset of the reassigning statement).
  const copiedFrom = new Map<Binding, number>();
  const body = fn.body as Node;
  for (const b of aliases.keys()) {
    if (b.kind !== "param") continue;
    for (const v of b.violations) {
      // Only an assignment puts another value in the name (not a direct `eval` that may).
      const stmt = v.type === "AssignmentExpression" ? ctx.tree.parent(v) : undefined;
      if (stmt?.type === "ExpressionStatement" && ctx.tree.parent(stmt) === body && stmt.end != null) {
        copiedFrom.set(b, Math.min(copiedFrom.get(b) ?? Number.POSITIVE_INFINITY, stmt.end));
      }
    }
  }

  /** The argument an expression reaches into, if any; `fresh` for a rest array itself. */
  const aliasOf = (expr: Node): (Alias & { name: string }) | undefined => {
    const r = rootOf(expr);
    if (!r) return undefined;
    const b = ctx.scopes.binding(r.id, r.id.name);
    const a = b ? aliases.get(b) : undefined;
    if (!a || !b) return undefined;
    const cut = copiedFrom.get(b);
    if (cut !== undefined && (expr.start ?? 0) > cut) return undefined;
    return { index: a.index, fresh: a.fresh && r.depth === 0, name: r.id.name };
  };

  // The parameters' default initialisers run at the call with the arguments: walked with the
  // body (attack23 F1: `function mark(t, _ = (t.done = true)) {}`).
  const all = fn as Node;
  // Aliases, to a fixed point (an alias of an alias declared before it is rare; three rounds suffice).
  for (let round = 0; round < 3; round++) {
    let changed = false;
    ctx.tree.walk(all, (n) => {
      if (n.type === "VariableDeclarator" && n.init) {
        const a = aliasOf(n.init);
        if (!a) return undefined;
        // `const [first] = rest` takes an argument out of a fresh container: not fresh.
        changed =
          (n.id.type === "Identifier"
            ? bind(n.id, { index: a.index, fresh: a.fresh })
            : bindPattern(n.id, a.index, false)) || changed;
      } else if (n.type === "AssignmentExpression" && n.operator === "=" && n.left.type === "Identifier") {
        const a = aliasOf(n.right);
        if (a) changed = bind(n.left, { index: a.index, fresh: a.fresh }) || changed;
      } else if (n.type === "ForOfStatement") {
        const a = aliasOf(n.right);
        const left = n.left.type === "VariableDeclaration" ? n.left.declarations[0]?.id : n.left;
        if (a && left) changed = bindPattern(left as Node, a.index, false) || changed;
      } else if (n.type === "CallExpression" || n.type === "OptionalCallExpression") {
        const callee = strip(n.callee as Node);
        const name = callee.type.endsWith("MemberExpression") ? memberName(callee) : undefined;
        if (name === undefined || !SYNC_ARRAY_METHODS.has(name)) return undefined;
        const a = aliasOf((callee as t.MemberExpression).object);
        const cb = n.arguments[0] as Node | undefined;
        if (!a || !cb || !isFunction(cb)) return undefined;
        const element = cb.params[name === "reduce" || name === "reduceRight" ? 1 : 0];
        if (element) changed = bindPattern(element, a.index, false) || changed;
      }
      return undefined;
    });
    if (!changed) break;
  }

  const ORDINALS = ["first", "second", "third", "fourth", "fifth"];
  const paramName = (index: number): string => {
    let p = fn.params[index] as Node | undefined;
    if (p?.type === "AssignmentPattern") p = p.left;
    if (p?.type === "RestElement") p = p.argument;
    if (p?.type === "Identifier") return `its argument \`${p.name}\``;
    return `its ${ORDINALS[index] ?? `#${index + 1}`} argument`;
  };
  const out: ParamWrites = new Map();
  const record = (index: number, w: Write): void => {
    if (!out.has(index)) out.set(index, w);
  };
  forEachWrite(ctx, all, ({ node, target }) => {
    const a = aliasOf(target);
    if (a && !a.fresh)
      record(a.index, { text: quote(ctx, node), loc: locOf(ctx, node), name: paramName(a.index), via: [] });
  });
  // Arguments passed on to functions of the module that write to theirs.
  ctx.tree.walk(all, (n) => {
    if (n.type !== "CallExpression" && n.type !== "OptionalCallExpression") return undefined;
    // A method of a `const` object literal or a static of a class of the module too (attack22 F8),
    // looked up only when an argument is one (a class's `violations` are asked then, not always).
    const callee =
      functionOf(ctx, n.callee as Node) ??
      (n.arguments.some((arg) => arg.type !== "SpreadElement" && aliasOf(arg as Node) !== undefined)
        ? shownMethod(ctx, n.callee as Node)
        : undefined);
    if (!callee || callee === fn) return undefined;
    const restAt = callee.params.findIndex((p) => p.type === "RestElement");
    n.arguments.forEach((arg, j) => {
      if (arg.type === "SpreadElement") return;
      const a = aliasOf(arg as Node);
      if (!a || a.fresh) return;
      const w = paramWrites(ctx, callee).get(restAt >= 0 && j >= restAt ? restAt : j);
      if (w)
        record(a.index, {
          ...w,
          name: paramName(a.index),
          via: [sourceOf(ctx, strip(n.callee as Node)), ...w.via],
        });
    });
    return undefined;
  });
  return out;
}

/** Methods of the table that return their receiver (`m.set(k, v)` is `m`). */
const RETURNS_SELF = new Set(
  (["array", "map", "set"] as const).flatMap((k) =>
    Object.keys(BUILTIN_METHODS[k]).filter((m) => methodFacts(k, m)?.self),
  ),
);

/**
 * Globals that read what they are handed and hand none of it on (`Array.from(m)` copies the
 * elements, `new Map(m)` its entries, `console.log(m)` prints it), by receiver; `""` is a call of
 * the global itself. `JSON.stringify` only without a replacer, which would be handed the object.
 */
const READS_ONLY: Record<string, ReadonlySet<string> | "all"> = {
  Array: new Set(["from", "isArray"]),
  Object: new Set(["keys", "values", "entries"]),
  JSON: new Set(["stringify"]),
  String: new Set([""]),
  console: "all",
  Map: new Set([""]),
  Set: new Set([""]),
};

const staysMemo = new WeakMap<Binding, Map<string, boolean>>();
/** Bindings whose uses are being walked: one met again (a recursive function's parameter) adds no use. */
const walking = new Set<Binding>();

/**
 * Whether the object a binding holds keeps the methods it was made with (`name`, or any but
 * `length` when `name` is undefined). Enumerated, not blacklisted (attack23 F17: eight spellings
 * that replace a method — `Object.assign(...[m], …)`, `Object.assign.call(null, m, …)`, an alias
 * of `assign`, `Object(m).get = …`, `[m].forEach((x) => …)`, `{ m }`, `Reflect` under another
 * name — went past a list of the ones that do): the binding is a `const` or a parameter, not
 * exported, and EVERY reference to it is one of the uses `useKeeps` lists, each of which leaves the
 * object where no code can reach it (fixture inline/proof-method-replaced-spellings). Any other
 * use — an argument of a call but those listed, an element of an array or object literal, a value
 * assigned, returned, yielded or thrown, `Object(m)` — may hand it to code that replaces one.
 * A `const` alias and the parameter of a function of the module it is handed to are followed:
 * their uses must be listed ones too.
 */
export function methodsStay(
  ctx: Ctx,
  b: Binding,
  name?: string,
  /** Whether an export counts as a replacement (an importer may replace a method). */
  exports = true,
  /**
   * A `let`/`var` whose writes of the name itself (`v = …`, `v ??= …`, `n++`) are values the caller judges
   * on its own (prove.ts: each value assigned must be proven): those writes are not uses.
   */
  ownWrites = false,
): boolean {
  return staysAs(ctx, b, b, name, exports, ownWrites);
}

/** `methodsStay` of `b`, an alias or parameter reached from `owner`, whose value decides the mode. */
function staysAs(
  ctx: Ctx,
  b: Binding,
  owner: Binding,
  name: string | undefined,
  exports: boolean,
  ownWrites = false,
): boolean {
  const key = `${exports ? "" : "\0"}${ownWrites ? "\u0001" : ""}${name ?? ""}`;
  const own = owner === b;
  let cache = staysMemo.get(b);
  const known = own ? cache?.get(key) : undefined;
  if (known !== undefined) return known;
  // Met again while its uses are walked (a recursive function handing its parameter on): the
  // uses being walked are all the uses there are.
  if (walking.has(b)) return true;
  const top = walking.size === 0;
  const assignable =
    ownWrites && (b.kind === "let" || b.kind === "var") && b.node.type === "VariableDeclarator";
  let stays =
    b.kind === "param"
      ? b.node.type === "Identifier"
      : b.kind === "const" || b.node.type !== "VariableDeclarator" || assignable;
  const decl = b.node.type === "VariableDeclarator" ? ctx.tree.parent(b.node) : b.node;
  const holder = decl && ctx.tree.parent(decl);
  if (exports && (holder?.type === "ExportNamedDeclaration" || holder?.type === "ExportDefaultDeclaration"))
    stays = false;
  // `arguments[0]` is the parameter's value under another name.
  const fn = b.kind === "param" ? ctx.tree.parent(b.node) : undefined;
  if (fn && isFunction(fn) && readsArguments(ctx, fn)) stays = false;
  const shown = shownObject(owner);
  if (stays && shown && !shownObjectKeeps(ctx, shown)) stays = false;
  // A closed function that mentions the name is opened (the file is analysed again whole).
  if (stays) {
    ctx.tree.watched.add(b.name);
    walking.add(b);
    try {
      ctx.tree.walk(
        b.scope.node,
        (n) => {
          if (!stays) return false;
          if (n.type !== "Identifier" || n.name !== b.name || n === b.node) return undefined;
          const parent = ctx.tree.parent(n);
          if (!parent || parent === b.node || ctx.scopes.binding(n, b.name) !== b) return undefined;
          if (notReference(n, parent)) return undefined;
          if (
            assignable &&
            ((parent.type === "AssignmentExpression" && parent.left === n) ||
              parent.type === "UpdateExpression")
          )
            return undefined;
          if (!useKeeps(ctx, n, { owner, binding: b, shown, name, exports })) stays = false;
          return undefined;
        },
        true,
      );
    } finally {
      walking.delete(b);
    }
  }
  // A `true` found while another binding's uses were being walked leaned on that one's; a `false`
  // is a use found, whatever the others.
  if (own && (top || !stays)) {
    if (!cache) {
      cache = new Map();
      staysMemo.set(b, cache);
    }
    cache.set(key, stays);
  }
  return stays;
}

/** An identifier that names no binding: a member's or key's name, a label, a name in a type. */
function notReference(n: Node, parent: Node): boolean {
  switch (parent.type) {
    case "MemberExpression":
    case "OptionalMemberExpression":
      return parent.property === n && !parent.computed;
    case "ObjectProperty":
      return parent.key === n && !parent.computed && !parent.shorthand;
    case "ObjectMethod":
    case "ClassMethod":
    case "ClassPrivateMethod":
    case "ClassProperty":
    case "ClassAccessorProperty":
    case "TSPropertySignature":
    case "TSMethodSignature":
      return (parent as { key?: Node }).key === n && !(parent as { computed?: boolean }).computed;
    case "LabeledStatement":
    case "BreakStatement":
    case "ContinueStatement":
    case "TSTypeQuery":
    case "TSQualifiedName":
    case "TSTypeReference":
      return true;
    default:
      return false;
  }
}

/** The object literal or class a binding's value is written as, whose own methods a call runs. */
function shownObject(b: Binding): t.ObjectExpression | t.Class | undefined {
  if (b.node.type === "ClassDeclaration") return b.node;
  if (b.node.type !== "VariableDeclarator" || !b.node.init) return undefined;
  const init = strip(b.node.init);
  return init.type === "ObjectExpression" || init.type === "ClassExpression" ? init : undefined;
}

/**
 * A literal or class whose members run no code of the object's on a plain read or write: no
 * accessor (`get x() { this.get = … }` runs on `o.x`), no `__proto__` of its own and no `extends`
 * (a setter there runs on `o.count = 1`), no `static {}` block or static field naming `this`.
 */
function shownObjectKeeps(ctx: Ctx, o: t.ObjectExpression | t.Class): boolean {
  const members = (o.type === "ObjectExpression" ? o.properties : o.body.body) as Node[];
  if (o.type !== "ObjectExpression" && o.superClass) return false;
  for (const m of members) {
    // An instance's members run on instances, never on the class (whose statics are asked).
    if (o.type !== "ObjectExpression" && m.type !== "StaticBlock" && !(m as { static?: boolean }).static)
      continue;
    if (m.type === "StaticBlock" || m.type === "ClassAccessorProperty") return false;
    if (
      (m.type === "ObjectMethod" || m.type === "ClassMethod") &&
      m.kind !== "method" &&
      m.kind !== "constructor"
    )
      return false;
    if (m.type === "ObjectProperty" && !m.computed && keyName(m as { key: Node }) === "__proto__")
      return false;
    if (m.type === "ClassProperty" && m.static && m.value && namesThis(ctx, m.value as Node)) return false;
    const member = m as { key?: Node; computed?: boolean };
    if (!member.key) continue;
    // `[k]: f` may be any method (a later key wins over `get() {}`), `[Symbol.iterator]() {}`
    // runs on `for…of o`.
    const key = strip(member.key);
    if (member.computed && key.type !== "StringLiteral" && key.type !== "NumericLiteral") return false;
    // Run on a listed use, handed `this`: `${o}`, `JSON.stringify(o)`, `await o`.
    if (IMPLICIT_METHODS.has(keyName(m as { key: Node; computed?: boolean }) ?? "") && namesThis(ctx, m))
      return false;
  }
  return true;
}

/** Methods a listed use calls on the object itself: a coercion, `JSON.stringify`, `await`. */
const IMPLICIT_METHODS = new Set(["toString", "valueOf", "toJSON", "then"]);

/** Whether a piece of code names `this` or `super` (the text: a closed body is not walked). */
function namesThis(ctx: Ctx, n: Node): boolean {
  const words = new Set(sourceOf(ctx, n).match(/[\w$]+/g));
  return words.has("this") || words.has("super");
}

/** Whether a function reads its `arguments` (which hold what it was handed, whatever its parameters). */
function readsArguments(ctx: Ctx, fn: t.Function): boolean {
  return (
    fn.type !== "ArrowFunctionExpression" &&
    new Set(sourceOf(ctx, fn as Node).match(/[\w$]+/g)).has("arguments")
  );
}

interface UseCtx {
  /** The binding whose value is followed: its value decides whether a call runs a built-in's method or a shown one. */
  owner: Binding;
  /** The binding the reference names (`owner`, an alias, a parameter); undefined for `this`. */
  binding: Binding | undefined;
  shown: t.ObjectExpression | t.Class | undefined;
  name: string | undefined;
  exports: boolean;
}

/**
 * One reference to the object (see `methodsStay`): whether it is one of the listed uses, which
 * leave the object where no code can reach it.
 *
 * - a member read (`m.size`, `xs[0]`, `m.get`), and a member written by the name `length`, a number
 *   (`xs[0] = v`) or, on a shown object, a name other than the method asked (`o.count++`);
 * - a call of a method: of the table on a built-in (`m.get(k)`), whose callback, if it calls one,
 *   is shown and declares no parameter for the receiver (`xs.map((x) => …)`, not
 *   `m.forEach((v, k, map) => …)`), and whose result, when it is the receiver (`m.set(k, v)`), is
 *   followed in turn; on a shown object, a method it shows that names neither `this` nor `super`;
 * - `for…of m`, `for…in m`, a spread (`[...m]`, `f(...m)`, `{ ...m }`): its elements or own values;
 * - an argument of a global of READS_ONLY, or of a function of the module whose parameter there is
 *   a plain name (followed: its uses must be listed ones), which does not read `arguments`;
 * - an operand of an operator but `delete`, a template's (not a tag's) part, a test, a statement;
 * - a `const` alias (followed), a branch of `?:`/`&&`/`||`/`??`, a sequence's last value or an
 *   awaited value, whose own use is judged the same way.
 */
function useKeeps(ctx: Ctx, ref: Node, u: UseCtx): boolean {
  const { outer, parent } = consumerOf(ctx.tree, ref);
  if (!parent) return true;
  switch (parent.type) {
    case "MemberExpression":
    case "OptionalMemberExpression": {
      // `x[m]`: the object is a key, made a string.
      if (parent.object !== outer) return true;
      const m = memberName(parent);
      if (isWritten(ctx.tree, parent)) {
        if (m === "length") return true;
        // `Counter.#n++`: a private field, never a method a call by name reaches (the argument
        // rule's reading; the sync proof keeps its own, stricter one).
        if (!u.exports && parent.property.type === "PrivateName") return true;
        const index = parent.computed ? strip(parent.property as Node) : undefined;
        if (index?.type === "NumericLiteral") return true;
        // `o.count++` beside `o.get`: a name that is none of the object's methods (`o.run = …`
        // would make a call of `run` run another body, handed `this`).
        return (
          u.shown !== undefined &&
          u.name !== undefined &&
          m !== undefined &&
          m !== u.name &&
          m !== "__proto__" &&
          methodOf(ctx, u.owner, m) === undefined
        );
      }
      const call = consumerOf(ctx.tree, parent);
      const holder = call.parent;
      const called =
        ((holder?.type === "CallExpression" || holder?.type === "OptionalCallExpression") &&
          holder.callee === call.outer) ||
        (holder?.type === "TaggedTemplateExpression" && holder.tag === call.outer);
      if (!called) return true;
      if (m === undefined || holder.type === "TaggedTemplateExpression") return false;
      if (u.shown) {
        const fn = methodOf(ctx, u.owner, m);
        return fn !== undefined && methodKeeps(ctx, fn, u);
      }
      const facts = (["array", "map", "set"] as const)
        .map((k) => methodFacts(k, m))
        .filter((f) => f !== undefined);
      if (facts.length === 0) return false;
      const at = facts.find((f) => f.calls !== undefined)?.calls;
      if (at !== undefined && !callbackBlind(ctx, holder.arguments as Node[], at, m)) return false;
      return !RETURNS_SELF.has(m) || useKeeps(ctx, holder, u);
    }
    case "CallExpression":
    case "OptionalCallExpression":
    case "NewExpression": {
      if (parent.callee === outer) return false;
      if (readsOnly(ctx, parent)) return true;
      if (parent.type === "NewExpression") return false;
      const fn = functionOf(ctx, parent.callee as Node);
      const args = parent.arguments as Node[];
      const at = args.indexOf(outer);
      if (!fn || at < 0 || args.slice(0, at).some((a) => a.type === "SpreadElement")) return false;
      const p = fn.params[at] as Node | undefined;
      if (p?.type !== "Identifier" || readsArguments(ctx, fn)) return false;
      const pb = ctx.scopes.binding(p, p.name);
      return (
        pb !== undefined &&
        pb.kind === "param" &&
        pb.violations.length === 0 &&
        staysAs(ctx, pb, u.owner, u.name, u.exports)
      );
    }
    case "SpreadElement":
      // `{ ...m }` copies its own values, `[...m]`/`f(...m)` its elements: not `m` itself.
      return true;
    case "ForOfStatement":
    case "ForInStatement":
      return parent.right === outer;
    case "AwaitExpression":
    case "LogicalExpression":
      return useKeeps(ctx, parent, u);
    case "ConditionalExpression":
      return parent.test === outer || useKeeps(ctx, parent, u);
    case "SequenceExpression":
      return parent.expressions[parent.expressions.length - 1] !== outer || useKeeps(ctx, parent, u);
    case "VariableDeclarator": {
      if (parent.init !== outer) return false;
      // `const { size } = m`, `const [first] = m`: reads.
      if (parent.id.type !== "Identifier") return true;
      const alias = ctx.scopes.binding(parent.id, parent.id.name);
      return alias !== undefined && staysAs(ctx, alias, u.owner, u.name, u.exports);
    }
    case "UnaryExpression":
      return parent.operator !== "delete";
    // `return out` from the function that made it: the caller gets it once the body has run, and
    // a later call makes another (fixture inline/await-forms). Not an alias's or a parameter's,
    // whose value was made elsewhere, nor a module-level one, which the next call reads again.
    case "ReturnStatement":
      return returnsOwn(ctx, parent, u);
    case "ArrowFunctionExpression":
      return parent.body === outer && returnsOwn(ctx, parent.body as Node, u);
    case "BinaryExpression":
    case "ExpressionStatement":
      return true;
    case "TemplateLiteral":
      // A tag is handed a template's values.
      return ctx.tree.parent(parent)?.type !== "TaggedTemplateExpression";
    case "IfStatement":
    case "WhileStatement":
    case "DoWhileStatement":
    case "ForStatement":
    case "SwitchCase":
      return parent.test === outer;
    case "SwitchStatement":
      return parent.discriminant === outer;
    default:
      return false;
  }
}

/** A `return` (or an arrow's value) of the function whose body declares the followed binding itself. */
function returnsOwn(ctx: Ctx, at: Node, u: UseCtx): boolean {
  if (u.binding === undefined || u.binding !== u.owner) return false;
  const fn = functionAround(ctx, at);
  return fn !== undefined && fn === functionAround(ctx, u.binding.node);
}

/** The innermost function around `n` (not `n` itself). */
function functionAround(ctx: Ctx, n: Node): Node | undefined {
  for (let up = ctx.tree.parent(n); up; up = ctx.tree.parent(up)) if (isFunction(up)) return up;
  return undefined;
}

/** Methods whose `this` is being walked: one met again (`this.get()` inside `get`) adds no use. */
const walkingMethods = new Set<t.Function>();

/**
 * A method of a shown object, called on it (`ids.get()`), is handed the object as `this`: it keeps
 * the methods when it names no `super` and each `this` in it (not in a function of its own `this`)
 * is a listed use (`++this.n`, `this.n`, `this.peek()`), not `this.get = …` or `f(this)`
 * (fixtures inline/promise-all-shown-method, inline/proof-method-replaced-spellings).
 */
function methodKeeps(ctx: Ctx, fn: t.Function, u: UseCtx): boolean {
  if (walkingMethods.has(fn)) return true;
  const words = new Set(sourceOf(ctx, fn as Node).match(/[\w$]+/g));
  if (words.has("super")) return false;
  if (!words.has("this")) return true;
  walkingMethods.add(fn);
  let ok = true;
  try {
    ctx.tree.walk(fn as Node, (n) => {
      if (!ok) return false;
      if (n !== fn && isFunction(n) && n.type !== "ArrowFunctionExpression") return false;
      // A class's keys and `extends` run with this `this`, its fields with their own: not sorted out.
      if (n.type === "ClassExpression" || n.type === "ClassDeclaration") {
        if (namesThis(ctx, n)) ok = false;
        return false;
      }
      if (n.type === "ThisExpression" && !useKeeps(ctx, n, { ...u, binding: undefined })) ok = false;
      return undefined;
    });
  } finally {
    walkingMethods.delete(fn);
  }
  return ok;
}

/**
 * The callback a method of the table calls (argument `at` of `forEach`, `map`, `reduce`) is not
 * handed the receiver: a function the file shows that declares fewer parameters than the
 * receiver's place (`(v, k, map)` of a Map's `forEach`, the fourth of `reduce`) and does not read
 * `arguments`. A comparator of `sort` is handed two elements only.
 */
function callbackBlind(ctx: Ctx, args: Node[], at: number, method: string): boolean {
  if (args.slice(0, at + 1).some((a) => a.type === "SpreadElement")) return false;
  const a = args[at];
  if (a === undefined) return true;
  const arg = strip(a);
  const fn = isFunction(arg) ? (arg as t.Function) : functionOf(ctx, arg);
  if (!fn) return false;
  if (method === "sort" || method === "toSorted") return true;
  const receiverAt = method === "reduce" || method === "reduceRight" ? 3 : 2;
  return (
    fn.params.length <= receiverAt &&
    fn.params.every((p) => p.type !== "RestElement") &&
    !readsArguments(ctx, fn)
  );
}

/** A call of a global of READS_ONLY, spelled directly (`Array.from(m)`, `new Map(m)`). */
function readsOnly(ctx: Ctx, call: t.CallExpression | t.OptionalCallExpression | t.NewExpression): boolean {
  const callee = strip(call.callee as Node);
  let root: t.Identifier | undefined;
  let member = "";
  if (callee.type === "Identifier") root = callee;
  else if (callee.type === "MemberExpression" && !callee.computed && callee.property.type === "Identifier") {
    const o = strip(callee.object as Node);
    if (o.type === "Identifier") root = o;
    member = callee.property.name;
  }
  if (!root || !Object.hasOwn(READS_ONLY, root.name) || ctx.scopes.binding(root, root.name)) return false;
  // `new` only of the constructors (`new Map(m)`), a call only of the others.
  if ((call.type === "NewExpression") !== (root.name === "Map" || root.name === "Set")) return false;
  if (root.name === "JSON" && call.arguments.length > 1) return false;
  const allowed = READS_ONLY[root.name]!;
  return allowed === "all" || allowed.has(member);
}
