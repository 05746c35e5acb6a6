import type { types as t } from "@babel/core";
import { importedFrom, importTarget, isImportBinding, stateKind } from "./checks.js";
import { type Ctx, keyName, locOf } from "./ctx.js";
import { primitiveMembers, provenPrimitive } from "./primitive.js";
import type { Binding } from "./scope.js";
import { isFunction, type Node } from "./tree.js";
import { memberName, strip } from "./view.js";
import { fileOf, importedCtx } from "./worker-imports.js";
import { functionOfBinding, methodOf } from "./writes.js";

/**
 * attack25 F12: whether a function may return module-level state of its module — the object
 * itself (`return settings`), a member or element of one (`list[0]`, `settings.inner`,
 * `m.get(k)`), a class's static field (`Cfg.#s`, `this.#s` in a static method) — through every
 * spelling of a returned value the build reads: `?:`, `||`/`??`/`&&`, `,`, `await`, an assignment
 * (`cache ??= {}`), a `const` alias, an arrow's expression body, a call of a function (or static
 * method) of the module or of an import that returns such state, a literal holding it. Every
 * caller gets that one object, and any of them may change it; a worker's import of the module
 * makes its own (fixture diagnostics/sa315-accessor-function). A fresh object (`{ ...settings }`
 * of a literal of primitives, `new X()`), a primitive, a function or a handle a package made is
 * not state. The one rule for what an accessor function gives; same-everywhere.ts asks it of the
 * functions a worker function calls through an import.
 */
export interface ReturnedState {
  /** What is returned, as a message names it (`` `const settings` ``, `` `static #s` of `Cfg` ``). */
  what: string;
  /** Where the function returns it. */
  loc: string;
  /** Where a function it calls returns it (`return getSettings()`): that function and the place. */
  via?: string;
  /**
   * The module the state is of, where a call on the way crossed into another one (`get()` of
   * ./relay.js returning ./settings.js's `getSettings()`; fixture diagnostics/sa315-accessor-routes).
   */
  owner?: Ctx;
}

/** How many functions one question follows (a call returning what another function returns). */
const MAX_DEPTH = 6;

const memo = new WeakMap<t.Function, ReturnedState | null>();

/**
 * What a module-level `const` holding an object is, as same-everywhere.ts proves it (`subject`):
 * its caller passes the rule in, which keeps one rule and no import cycle.
 */
export type IsObject = (ctx: Ctx, b: Binding) => boolean;

/** One question: how many functions deep, and the rule for a module object. */
interface Q {
  depth: number;
  isObject: IsObject;
}

/** The first module-level state `fn` (of `ctx`'s module) may return, or undefined. */
export function returnedState(
  ctx: Ctx,
  fn: t.Function,
  isObject: IsObject,
  depth = 0,
): ReturnedState | undefined {
  const q: Q = { depth, isObject };
  const hit = memo.get(fn);
  if (hit !== undefined) return hit ?? undefined;
  if (depth > MAX_DEPTH) return undefined;
  // A cycle of calls returns nothing new: asked again while pending, it answers "nothing".
  memo.set(fn, null);
  let found: ReturnedState | undefined;
  if (fn.body.type !== "BlockStatement") found = valueState(ctx, fn, fn.body as Node, q);
  else
    ctx.tree.walk(fn.body as Node, (n) => {
      if (found || isFunction(n)) return false;
      if (n.type === "ReturnStatement" && n.argument) found = valueState(ctx, fn, n.argument as Node, q);
      return undefined;
    });
  if (found) memo.set(fn, found);
  else memo.delete(fn);
  return found;
}

/** The state an expression returned by `fn` may be, or undefined for a fresh value or a primitive. */
function valueState(ctx: Ctx, fn: t.Function, expr: Node, q: Q): ReturnedState | undefined {
  const e = strip(expr);
  const at = (what: string): ReturnedState => ({ what, loc: locOf(ctx, expr) });
  switch (e.type) {
    case "ConditionalExpression":
      return valueState(ctx, fn, e.consequent as Node, q) ?? valueState(ctx, fn, e.alternate as Node, q);
    case "LogicalExpression":
      return valueState(ctx, fn, e.left as Node, q) ?? valueState(ctx, fn, e.right as Node, q);
    case "SequenceExpression":
      return valueState(ctx, fn, e.expressions[e.expressions.length - 1] as Node, q);
    case "AwaitExpression":
      return valueState(ctx, fn, e.argument as Node, q);
    case "AssignmentExpression":
      // `return (cache ??= {})`, `return (current = { … })`: what the module keeps is returned.
      if (e.operator === "=" && provenPrimitive(ctx, e.right as Node)) return undefined;
      return valueState(ctx, fn, e.right as Node, q) ?? valueState(ctx, fn, e.left as Node, q);
    case "ObjectExpression":
      for (const p of e.properties) {
        const found =
          p.type === "SpreadElement"
            ? spreadState(ctx, fn, p.argument as Node, q)
            : p.type === "ObjectProperty"
              ? valueState(ctx, fn, p.value as Node, q)
              : undefined;
        if (found) return found;
      }
      return undefined;
    case "ArrayExpression":
      for (const x of e.elements) {
        if (!x) continue;
        const found =
          x.type === "SpreadElement"
            ? spreadState(ctx, fn, x.argument as Node, q)
            : valueState(ctx, fn, x as Node, q);
        if (found) return found;
      }
      return undefined;
    case "Identifier": {
      const b = ctx.scopes.binding(e, e.name);
      if (!b) return undefined;
      if (b.scope !== ctx.scopes.program) {
        // `const s = settings; return s;`
        const n = b.node;
        return b.kind === "const" && n.type === "VariableDeclarator" && n.id.type === "Identifier" && n.init
          ? valueState(ctx, fn, n.init as Node, q)
          : undefined;
      }
      if (isImportBinding(ctx, b)) return undefined;
      const what = moduleState(ctx, b, q);
      return what ? at(what) : undefined;
    }
    case "MemberExpression":
    case "OptionalMemberExpression":
      return memberState(ctx, fn, e as t.MemberExpression, expr, q);
    case "CallExpression":
    case "OptionalCallExpression": {
      const called = calledFunction(ctx, e as t.CallExpression);
      const inner = called && returnedState(called.ctx, called.fn, q.isObject, q.depth + 1);
      if (inner)
        return {
          what: inner.what,
          loc: locOf(ctx, expr),
          via: `what \`${calleeText(e as t.CallExpression)}()\` returns at ${inner.loc}${inner.via ? `, ${inner.via}` : ""}`,
          owner: inner.owner ?? (called.ctx !== ctx ? called.ctx : undefined),
        };
      return readerState(ctx, e as t.CallExpression, expr, q);
    }
    default:
      return undefined;
  }
}

/** `getSettings`, `Cfg.current`: a call's callee as a message names it. */
function calleeText(call: t.CallExpression): string {
  const c = strip(call.callee as Node);
  if (c.type === "Identifier") return c.name;
  const o = c.type === "MemberExpression" ? strip(c.object as Node) : undefined;
  const m = memberName(c);
  return o?.type === "Identifier" && m !== undefined ? `${o.name}.${m}` : "a function";
}

/** `...x` in a returned literal: a copy of `x`'s members, which are state where they are objects. */
function spreadState(ctx: Ctx, fn: t.Function, arg: Node, q: Q): ReturnedState | undefined {
  const a = strip(arg);
  if (a.type === "Identifier") {
    const b = ctx.scopes.binding(a, a.name);
    const init =
      b?.node.type === "VariableDeclarator" && b.node.init ? strip(b.node.init as Node) : undefined;
    // `{ ...settings }` of `const settings = { mode: "dev" }`: a fresh object of primitives.
    if (b?.kind === "const" && init && primitiveMembers(ctx, init)) return undefined;
  }
  const found = valueState(ctx, fn, arg, q);
  return found && { ...found, what: `the members of ${found.what}` };
}

/**
 * How a module-level binding is named when it is state a caller may change: a `const` holding an
 * object the module made in memory (same-everywhere.ts's `subject` rule: not a frozen literal of
 * primitives, not a package's handle), a `let`/`var` not holding a primitive.
 */
function moduleState(ctx: Ctx, b: Binding, q: Q): string | undefined {
  const n = b.node;
  if (n.type === "ClassDeclaration" || n.type === "FunctionDeclaration") return undefined;
  const init = n.type === "VariableDeclarator" && n.init ? (n.init as Node) : undefined;
  if (b.kind === "let" || b.kind === "var") {
    if (stateKind(ctx, b) === "code") return undefined;
    return init && provenPrimitive(ctx, init) ? undefined : `\`${b.kind} ${b.name}\``;
  }
  return q.isObject(ctx, b) ? `\`const ${b.name}\`` : undefined;
}

/** The name of a member (`mode`, `#s`), where the source spells it. */
function memberKey(m: t.MemberExpression): string | undefined {
  const p = m.property as Node;
  if (!m.computed && p.type === "PrivateName") return `#${p.id.name}`;
  return memberName(m as Node);
}

/**
 * `settings.inner`, `list[0]`, `Cfg.#s`, `this.#s` of a static method: a member of module state
 * (unless the literal shows it a primitive or a function), or a class's static field holding an
 * object (or one the build cannot see the value of).
 */
function memberState(
  ctx: Ctx,
  fn: t.Function,
  m: t.MemberExpression,
  expr: Node,
  q: Q,
): ReturnedState | undefined {
  const path: (string | undefined)[] = [];
  let root = strip(m as Node);
  while (root.type === "MemberExpression" || root.type === "OptionalMemberExpression") {
    path.unshift(memberKey(root as t.MemberExpression));
    root = strip((root as t.MemberExpression).object as Node);
  }
  const at = (what: string): ReturnedState => ({ what, loc: locOf(ctx, expr) });
  let cls: t.Class | undefined;
  let owner: string | undefined;
  if (root.type === "ThisExpression") {
    // `this` of a static method (arrow functions take the method's) is the class.
    let f: Node | undefined = fn;
    while (f && f.type === "ArrowFunctionExpression") f = ctx.tree.functionParent(f);
    if (f && (f.type === "ClassMethod" || f.type === "ClassPrivateMethod") && f.static) {
      cls = ctx.tree.parent(ctx.tree.parent(f) as Node) as t.Class | undefined;
      owner = cls?.id?.name ?? "its class";
    }
  } else if (root.type === "Identifier") {
    const b = ctx.scopes.binding(root, root.name);
    if (!b || b.scope !== ctx.scopes.program || isImportBinding(ctx, b)) return undefined;
    const n = b.node;
    const init = n.type === "VariableDeclarator" && n.init ? strip(n.init as Node) : undefined;
    cls = n.type === "ClassDeclaration" ? n : init?.type === "ClassExpression" ? init : undefined;
    owner = b.name;
    if (!cls) {
      const what = moduleState(ctx, b, q);
      // `list.length`: a number, of an array or a string alike.
      if (!what || path[path.length - 1] === "length") return undefined;
      // `TABLE[mode]` of `const TABLE = { dev: 1 }`: every member a primitive (whether the
      // literal stays so is the proof of the object read, same-everywhere.ts).
      if (path.length === 1 && init && primitiveMembers(ctx, init)) return undefined;
      // `settings.mode` of `const settings = { mode: "dev" }`: the literal shows a primitive.
      const shown = literalAt(init, path);
      if (shown && (provenPrimitive(ctx, shown) || isFunction(shown))) return undefined;
      return at(`${path.length === 1 && path[0] !== undefined ? `\`${path[0]}\`` : "a member"} of ${what}`);
    }
  }
  if (!cls || path[0] === undefined) return undefined;
  // The last definition of a static name wins (writes.ts `methodOf`).
  let field: Node | undefined;
  for (const member of cls.body.body) {
    const mm = member as { static?: boolean; key?: Node; computed?: boolean };
    if (!mm.static || !mm.key) continue;
    const key =
      mm.key.type === "PrivateName"
        ? `#${(mm.key as t.PrivateName).id.name}`
        : keyName(mm as { key: Node; computed?: boolean });
    if (key !== path[0]) continue;
    field = member.type === "ClassProperty" || member.type === "ClassPrivateProperty" ? member : undefined;
  }
  if (!field) return undefined;
  const value = (field as t.ClassProperty).value as Node | null;
  if (path.length === 1 && value && (provenPrimitive(ctx, value) || isFunction(strip(value))))
    return undefined;
  return at(`${path.length > 1 ? "a member of " : ""}\`static ${path[0]}\` of \`${owner}\``);
}

/** The expression a literal shows at `path` (`{ inner: { n: 0 } }` at `inner.n`: `0`), last entry winning. */
function literalAt(init: Node | undefined, path: (string | undefined)[]): Node | undefined {
  let value = init;
  for (const key of path) {
    if (value?.type !== "ObjectExpression" || key === undefined) return undefined;
    let found: Node | undefined;
    for (const p of value.properties) {
      if (p.type === "SpreadElement") found = undefined;
      else {
        const k = keyName(p as { key: Node; computed?: boolean });
        if (k === undefined) found = undefined;
        else if (k === key) found = p.type === "ObjectProperty" ? strip(p.value as Node) : (p as Node);
      }
    }
    value = found;
  }
  return value;
}

/** The function a call runs, where the build reads it: of the module, or of an import. */
function calledFunction(ctx: Ctx, call: t.CallExpression): CalledFunction | undefined {
  const callee = strip(call.callee as Node);
  let ref: t.Identifier | undefined;
  let method: string | undefined;
  if (callee.type === "Identifier") ref = callee;
  else if (callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") {
    const o = strip((callee as t.MemberExpression).object as Node);
    method = memberName(callee);
    if (o.type === "Identifier" && method !== undefined) ref = o;
  }
  if (!ref) return undefined;
  const b = ctx.scopes.binding(ref, ref.name);
  if (!b || b.scope !== ctx.scopes.program) return undefined;
  return functionCalled(ctx, ref, b, method);
}

/**
 * The function `ref()` (or `ref.method()`) runs, where the build reads it: a function or a static
 * method (or an object's method) of `ctx`'s module, or of the module an import names. A namespace
 * import's member call (`ns.f()`) is the member `f` of that module.
 */
export function functionCalled(
  ctx: Ctx,
  ref: t.Identifier,
  b: Binding,
  method: string | undefined,
): CalledFunction | undefined {
  if (!isImportBinding(ctx, b)) {
    const fn = method === undefined ? functionOfBinding(b) : methodOf(ctx, b, method);
    return fn && { ctx, fn };
  }
  const target = importTarget(ctx, ref, b);
  if (!target) return anonymousDefault(ctx, ref, b, method);
  const ns = b.node.type === "ImportNamespaceSpecifier";
  const fn =
    method === undefined || ns
      ? functionOfBinding(target.there)
      : methodOf(target.other, target.there, method);
  return fn && { ctx: target.other, fn };
}

/** A function the build reads, of `ctx`'s module or another; `from`: how an import of it is named. */
export interface CalledFunction {
  ctx: Ctx;
  fn: t.Function;
  from?: string;
}

/**
 * `export default function () { … }` (or an arrow) of the module an import names (`import conf
 * from …; conf()`, `ns.default()`): no binding there to follow, the function is the export itself
 * (fixture diagnostics/sa315-accessor-routes).
 */
function anonymousDefault(
  ctx: Ctx,
  ref: t.Identifier,
  b: Binding,
  method: string | undefined,
): CalledFunction | undefined {
  const ns = b.node.type === "ImportNamespaceSpecifier";
  if (!ctx.filename || (method !== undefined && !ns)) return undefined;
  const r = importedFrom(ctx, ref, b);
  if (r?.name !== "default") return undefined;
  const path = fileOf(r.source, ctx.filename, ctx.options.runtime);
  const other = path === undefined ? undefined : importedCtx(ctx, path);
  if (!other) return undefined;
  for (const s of other.program.body as Node[]) {
    if (s.type !== "ExportDefaultDeclaration") continue;
    const d = strip(s.declaration as Node);
    if (!isFunction(d) || (d.type === "FunctionDeclaration" && d.id)) return undefined;
    return {
      ctx: other,
      fn: d as t.Function,
      from: `\`${r.shown}\` imported from \`${r.source}\` (its anonymous default export)`,
    };
  }
  return undefined;
}

/** Reader methods that give one of a container's members (`m.get(k)`, `list.at(0)`, `list.find(p)`). */
const MEMBER_READERS = new Set(["get", "at", "find", "findLast"]);

/** `m.get(k)`, `list.find(p)` of module state: a member of it, unless the literal holds only primitives. */
function readerState(ctx: Ctx, call: t.CallExpression, expr: Node, q: Q): ReturnedState | undefined {
  const callee = strip(call.callee as Node);
  if (callee.type !== "MemberExpression" && callee.type !== "OptionalMemberExpression") return undefined;
  const name = memberName(callee);
  if (name === undefined || !MEMBER_READERS.has(name)) return undefined;
  const o = strip((callee as t.MemberExpression).object as Node);
  if (o.type !== "Identifier") return undefined;
  const b = ctx.scopes.binding(o, o.name);
  if (!b || b.scope !== ctx.scopes.program || isImportBinding(ctx, b)) return undefined;
  const what = moduleState(ctx, b, q);
  if (!what) return undefined;
  const init = b.node.type === "VariableDeclarator" && b.node.init ? strip(b.node.init as Node) : undefined;
  if (init && primitiveMembers(ctx, init)) return undefined;
  return { what: `a member of ${what} (\`${o.name}.${name}()\`)`, loc: locOf(ctx, expr) };
}
