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
    for (const member of cls.body.body) {
      const key = (member as { key?: Node; computed?: boolean; static?: boolean }).key;
      if (!(member as { static?: boolean }).static || !key) continue;
      if (keyName(member as { key: Node; computed?: boolean }) !== m) continue;
      if (member.type === "ClassMethod" && member.kind === "method") return member;
      if (member.type === "ClassProperty") return fromValue(member.value as Node | null);
    }
    return undefined;
  }
  if (init?.type !== "ObjectExpression" || b.kind !== "const" || kind === "static") return undefined;
  for (const p of init.properties) {
    if (p.type === "SpreadElement" || keyName(p as { key: Node; computed?: boolean }) !== m) continue;
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

/** Calls that can give an object own methods (`Object.assign(out, { push })`). */
const DEFINERS = new Set(["assign", "defineProperty", "defineProperties", "setPrototypeOf", "set"]);

/** Methods of the table that return their receiver (`m.set(k, v)` is `m`). */
const RETURNS_SELF = new Set(
  (["array", "map", "set"] as const).flatMap((k) =>
    Object.keys(BUILTIN_METHODS[k]).filter((m) => methodFacts(k, m)?.self),
  ),
);

const staysMemo = new WeakMap<Binding, Map<string, boolean>>();

/**
 * Whether the object a `const` binding holds keeps the methods it was made with (`name`, or any
 * but `length` when `name` is undefined): not exported (an importer could replace one), no
 * member of it assigned by a name other than `length` or an index, never handed to
 * `Object.assign`/`defineProperty`/`setPrototypeOf` or `Reflect.set`/`defineProperty` — under
 * every spelling of the same object in the file: a type wrapper (`(m as any).get = …`), the
 * result of a method that returns its receiver (`m.set(k, v).get = …`), a branch of `?:`/`&&`/
 * `||`/`??` or a sequence's last value, and a `const` alias (`const a = m; a.get = …`). An object
 * handed to other code (`f(m)`, `this.m = m`) is not followed, as a call's effects on it are not.
 */
export function methodsStay(
  ctx: Ctx,
  b: Binding,
  name?: string,
  /** Whether an export counts as a replacement (an importer may replace a method). */
  exports = true,
): boolean {
  const key = `${exports ? "" : "\0"}${name ?? ""}`;
  let cache = staysMemo.get(b);
  const known = cache?.get(key);
  if (known !== undefined) return known;
  if (b.kind !== "const" && b.node.type === "VariableDeclarator") return false;
  const decl = b.node.type === "VariableDeclarator" ? ctx.tree.parent(b.node) : b.node;
  const holder = decl && ctx.tree.parent(decl);
  let stays =
    !exports || (holder?.type !== "ExportNamedDeclaration" && holder?.type !== "ExportDefaultDeclaration");
  // A closed function that mentions the name is opened (the file is analysed again whole).
  if (stays) ctx.tree.watched.add(b.name);
  if (stays)
    ctx.tree.walk(
      b.scope.node,
      (n) => {
        if (!stays) return false;
        if (n.type !== "Identifier" || n.name !== b.name) return undefined;
        const parent = ctx.tree.parent(n);
        if (!parent || parent === b.node || ctx.scopes.binding(n, b.name) !== b) return undefined;
        if (!referenceKeeps(ctx, n, name, exports)) stays = false;
        return undefined;
      },
      true,
    );
  if (!cache) {
    cache = new Map();
    staysMemo.set(b, cache);
  }
  cache.set(key, stays);
  return stays;
}

/** One reference to the object (see `methodsStay`): does what holds it leave its methods? */
function referenceKeeps(ctx: Ctx, ref: Node, name: string | undefined, exports: boolean): boolean {
  const { outer, parent } = consumerOf(ctx.tree, ref);
  if (!parent) return true;
  switch (parent.type) {
    case "MemberExpression":
    case "OptionalMemberExpression": {
      if (parent.object !== outer) return true;
      const m = memberName(parent);
      if (isWritten(ctx.tree, parent)) {
        if (m === "length") return true;
        // `Counter.#n++`: a private field, never a method a call by name reaches (the argument
        // rule's reading; the sync proof keeps its own, stricter one).
        if (!exports && parent.property.type === "PrivateName") return true;
        const index = parent.computed ? strip(parent.property as Node) : undefined;
        // `out[i] = v`: an index, not a method (a string key is named above).
        if (index && index.type !== "StringLiteral" && index.type !== "TemplateLiteral") return true;
        return !(name === undefined || m === undefined || m === name);
      }
      const call = consumerOf(ctx.tree, parent);
      const holder = call.parent;
      if (
        m !== undefined &&
        RETURNS_SELF.has(m) &&
        (holder?.type === "CallExpression" || holder?.type === "OptionalCallExpression") &&
        holder.callee === call.outer
      )
        return referenceKeeps(ctx, holder, name, exports);
      return true;
    }
    case "CallExpression":
    case "OptionalCallExpression": {
      const c = strip(parent.callee as Node);
      const m = memberName(c);
      const o = c.type === "MemberExpression" ? strip(c.object as Node) : undefined;
      return !(
        m !== undefined &&
        DEFINERS.has(m) &&
        o?.type === "Identifier" &&
        (o.name === "Object" || o.name === "Reflect") &&
        !ctx.scopes.binding(o, o.name)
      );
    }
    case "ConditionalExpression":
      return parent.test === outer || referenceKeeps(ctx, parent, name, exports);
    case "LogicalExpression":
      return referenceKeeps(ctx, parent, name, exports);
    case "SequenceExpression":
      return (
        parent.expressions[parent.expressions.length - 1] !== outer ||
        referenceKeeps(ctx, parent, name, exports)
      );
    case "VariableDeclarator": {
      if (parent.init !== outer || parent.id.type !== "Identifier") return true;
      const alias = ctx.scopes.binding(parent.id, parent.id.name);
      return alias === undefined || methodsStay(ctx, alias, name, exports);
    }
    default:
      return true;
  }
}
