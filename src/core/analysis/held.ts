import type { types as t } from "@babel/core";
import type { PickedHolder } from "../module-facts.js";
import type { FunctionKind } from "../strategy.js";
import { type Ctx, keyName, sourceOf } from "./ctx.js";
import type { ImportedFns } from "./imported.js";
import type { SaFunction } from "./model.js";
import type { Binding } from "./scope.js";
import { isFunction, type Node } from "./tree.js";
import { dottedPath, namespaceAt, namespaceBindings } from "./ts-namespaces.js";
import { isExportsObject, memberName, strip } from "./view.js";

/** A declarator of `export const x = …` directly inside a TypeScript namespace's block. */
function isNamespaceExport(ctx: Ctx, d: Node): boolean {
  const decl = ctx.tree.parent(d);
  const exp = decl && ctx.tree.parent(decl);
  return exp?.type === "ExportNamedDeclaration" && ctx.tree.parent(exp)?.type === "TSModuleBlock";
}

/** Methods that put their argument into the container they are called on (opaque.ts reads them too). */
export const FILLING = new Set(["set", "add", "push", "unshift", "splice", "fill"]);

const cache = new WeakMap<Ctx, { fns: SaFunction[]; out: Map<string, Set<FunctionKind>> }>();

/**
 * Smartasync functions an object literal holds under a name (`export const api = { load }`,
 * `export default { fetch: load }`, a factory's `return { load }`). A call `api.load()` reaches
 * `load` although no annotation names the member, so these names join the annotated method
 * names: such calls dispatch through the marker (`callSync(api, "load", …)` calls the sync variant
 * of whatever `api.load` holds), in this file and in its importers (fixture
 * modules/object-held-functions). Dispatch rather than a static rewrite, because an object's
 * members can be replaced.
 */
export function heldMembers(ctx: Ctx, fns: SaFunction[]): Map<string, Set<FunctionKind>> {
  // Asked by the call index and by the file's facts: one walk a file.
  const hit = cache.get(ctx);
  if (hit && hit.fns === fns) return hit.out;
  const out = new Map<string, Set<FunctionKind>>();
  cache.set(ctx, { fns, out });
  const byBinding = bindingsOf(ctx, fns);
  if (byBinding.size === 0 && !ctx.imported && !fns.some((f) => f.holder)) return out;
  const methods = methodKindsOf(ctx, fns);
  const kindsOf = (value: Node): Iterable<FunctionKind> | undefined => {
    const kind = heldFunction(ctx, byBinding, value)?.kind;
    if (kind) return [kind];
    // `{ fn: base.load }`, `get fn() { return base.load }`, `static handler = Store.sload`, `{ run:
    // inst.get }`: a member read whose name is a method that may be smartasync (annotated here,
    // or in a module the file imports) holds that method, marker and all, as surely as `{ fetch:
    // load }` holds `load`; so `o.fn()` dispatches on it (fixture modules/held-method-member,
    // attack29 F09). A plain function of that name is called as it is by the dispatch.
    const v = strip(value);
    const prop =
      v.type === "MemberExpression" || v.type === "OptionalMemberExpression" ? memberName(v) : undefined;
    return prop === undefined ? undefined : methods.get(prop);
  };
  ctx.tree.walk(
    ctx.program as Node,
    (n) => {
      // `{ load }`, `{ fetch: load }`, class fields `load = load`, `static fetch = load`, and a
      // member assigned later (`api.later = load`).
      let held: Node | null | undefined;
      let name: string | undefined;
      if (n.type === "ObjectProperty" || n.type === "ClassProperty") {
        held = n.value as Node | null;
        name = keyName(n as { key: Node; computed?: boolean });
      } else if (
        n.type === "AssignmentExpression" &&
        n.operator === "=" &&
        n.left.type === "MemberExpression" &&
        // `exports.f = f`, `module.exports.f = f` are exports, which the export rules follow.
        !isExportsObject(n.left.object as Node)
      ) {
        held = n.right as Node;
        name = keyName({ key: n.left.property as Node, computed: n.left.computed });
      }
      // A getter that returns one (`get fetch() { return load }`, on an object or a class,
      // static too) and `Object.defineProperty(o, "fetch", { value: load })` (or `get`): the
      // member holds the function as surely (adversarial run 14, finding 5).
      // A closed getter's body names nothing smartasync, so it returns none: not read (its nodes
      // are not in a lazy tree; asking about them forced a second analysis of the file).
      else if (
        (n.type === "ObjectMethod" || n.type === "ClassMethod") &&
        n.kind === "get" &&
        !ctx.tree.isClosed(n) &&
        n.body.body.length === 1 &&
        n.body.body[0]!.type === "ReturnStatement"
      ) {
        held = n.body.body[0]!.argument as Node | null;
        name = keyName(n as { key: Node; computed?: boolean });
      } else if (
        n.type === "CallExpression" &&
        n.arguments.length >= 3 &&
        isDefineProperty(n.callee as Node) &&
        // `Object.defineProperty(exports, "f", …)` is an export like `exports.f = f` above
        // (review-core finding 5).
        !isExportsObject(n.arguments[0] as Node)
      ) {
        const key = n.arguments[1] as Node;
        const desc = n.arguments[2] as Node;
        if (key.type === "StringLiteral" && desc.type === "ObjectExpression") {
          name = key.value;
          for (const p of desc.properties as Node[]) {
            const k =
              p.type === "ObjectProperty" || p.type === "ObjectMethod"
                ? keyName(p as { key: Node; computed?: boolean })
                : undefined;
            if (k === "value" && p.type === "ObjectProperty") held = p.value as Node;
            else if (k === "get" && p.type === "ObjectProperty") {
              const fn = p.value as Node;
              if (
                fn.type === "ArrowFunctionExpression" &&
                fn.body.type !== "BlockStatement" &&
                !ctx.tree.isClosed(fn)
              )
                held = fn.body as Node;
            } else if (
              k === "get" &&
              p.type === "ObjectMethod" &&
              !ctx.tree.isClosed(p) &&
              p.body.body.length === 1
            ) {
              const r = p.body.body[0]!;
              if (r.type === "ReturnStatement") held = r.argument as Node | null;
            }
          }
        }
      }
      // `namespace M { export const g = own }`: the namespace object's member holds the function,
      // so taking it out (`const { g } = M; g()`) is reported as for any object's (takenOut in
      // calls.ts), never left silently plain.
      else if (n.type === "VariableDeclarator" && n.id.type === "Identifier" && isNamespaceExport(ctx, n)) {
        held = n.init as Node | null;
        name = n.id.name;
      }
      if (!held) return undefined;
      // Through type-only wrappers too (`{ load: load as Loader }`, `{ load: load! }`).
      const value = strip(held);
      const found = name === undefined ? undefined : kindsOf(value);
      if (found === undefined || name === undefined) return undefined;
      const kinds = out.get(name) ?? new Set<FunctionKind>();
      for (const kind of found) kinds.add(kind);
      out.set(name, kinds);
      return undefined;
      // A holding property names the function (or an imported one): a closed function mentions none.
    },
    true,
  );
  return out;
}

/**
 * The method names a module's facts hand its importers, whose calls of them dispatch: the
 * members its objects hold (`heldMembers`) and the smartasync exports of the namespace imports
 * it lets out as values (`export const services = { db }` of `import * as db`: an importer's
 * `services.db.load()` reaches `load` by no name it imports; attack 17, F14).
 */
export function exportedMethods(
  ctx: Ctx,
  fns: SaFunction[],
  imported: ImportedFns | undefined,
): Map<string, Set<FunctionKind>> {
  const out = new Map(heldMembers(ctx, fns));
  if (imported) addKinds(out, imported.escapedNamespaces());
  return out;
}

/** The kinds of the methods that may be smartasync, by name: the file's annotated ones and its imports'. */
function methodKindsOf(ctx: Ctx, fns: SaFunction[]): Map<string, Set<FunctionKind>> {
  const out = new Map<string, Set<FunctionKind>>();
  for (const f of fns) if (f.holder) addKinds(out, new Map([[f.name, new Set([f.kind])]]));
  if (ctx.imported) addKinds(out, ctx.imported.methodKinds());
  return out;
}

/** Adds `more` to a table of method kinds by name. */
export function addKinds(into: Map<string, Set<FunctionKind>>, more: Map<string, Set<FunctionKind>>): void {
  for (const [m, kinds] of more) into.set(m, new Set([...(into.get(m) ?? []), ...kinds]));
}

/** `Object.defineProperty` or `Reflect.defineProperty`, as globals. */
function isDefineProperty(callee: Node): boolean {
  return (
    callee.type === "MemberExpression" &&
    !callee.computed &&
    callee.object.type === "Identifier" &&
    (callee.object.name === "Object" || callee.object.name === "Reflect") &&
    callee.property.type === "Identifier" &&
    callee.property.name === "defineProperty"
  );
}

/** The file's own function/const smartasync functions by their binding. */
function bindingsOf(ctx: Ctx, fns: SaFunction[]): Map<Binding, SaFunction> {
  const byBinding = new Map<Binding, SaFunction>();
  for (const f of fns) {
    if (f.form !== "function" && f.form !== "const") continue;
    const from = f.form === "function" ? ctx.tree.parent(f.fn) : f.stmt;
    const b = from ? ctx.scopes.binding(from as Node, f.name) : undefined;
    if (b) byBinding.set(b, f);
  }
  return byBinding;
}

/**
 * The smartasync function a held value is (`load`, `load as Loader`, `load.bind(t)`), the
 * file's own or an imported one (fixture modules/object-held-imported): the marker travels with
 * the function.
 */
function heldFunction(
  ctx: Ctx,
  byBinding: Map<Binding, SaFunction>,
  held: Node,
): { name: string; kind: FunctionKind } | undefined {
  const value = strip(held);
  // `load.bind(t, …)`: a new function without the marker, so a dispatched call of it in sync
  // code meets the runtime's check (a promise there fails, located) instead of passing as a
  // plain call that gives a promise.
  if (
    value.type === "CallExpression" &&
    value.callee.type === "MemberExpression" &&
    !value.callee.computed &&
    value.callee.property.type === "Identifier" &&
    value.callee.property.name === "bind"
  )
    return heldFunction(ctx, byBinding, value.callee.object as Node);
  // `static get = Api.get`, `{ top: L.top }`: a member of an imported module object (a namespace
  // import, a namespace another module exports, TypeScript's `export namespace`) that is a
  // smartasync function is held as surely as one taken by its own name (attack17 F6).
  if (value.type === "MemberExpression" || value.type === "OptionalMemberExpression") {
    // `static m = NS.load`, `{ q: A.B.load }` of a namespace of this file: the annotated member
    // (in any of its merged blocks) is held the same way (issue 13 leftovers, item 2).
    const prop = memberName(value);
    const ns = prop === undefined ? undefined : namespaceAt(ctx, value, dottedPath(value.object as Node));
    if (ns && prop !== undefined)
      for (const { b } of namespaceBindings(ctx, ns.binding, ns.path, prop)) {
        const f = byBinding.get(b);
        if (f?.exportDecl) return { name: f.display, kind: f.kind };
      }
    const ref = ctx.imported?.lookup(value);
    return ref && !("unfollowed" in ref) && !ref.explicit
      ? { name: ref.fact.name, kind: ref.fact.kind }
      : undefined;
  }
  if (value.type !== "Identifier") return undefined;
  const b = ctx.scopes.binding(value, value.name);
  if (!b) return undefined;
  const f = byBinding.get(b);
  if (f) return { name: f.display, kind: f.kind };
  if (b.kind !== "module" || !ctx.imported) return undefined;
  const ref = ctx.imported.lookup(value);
  return ref && !("unfollowed" in ref) && !ref.explicit
    ? { name: ref.fact.name, kind: ref.fact.kind }
    : undefined;
}

/**
 * Why `object.prop` — a member a class field or an object literal of this file holds (`static m
 * = Api.pick`, `{ q: O.top }`) — is a value the build cannot follow: a member of an imported
 * module object that is a smartasync function by a route not followed (the reason its facts
 * give), or one of a module whose facts are unknown (then it may be one). Its calls are reported
 * where sync code wants the value (SA206), never left plain in silence (issue 13 leftovers, item
 * 4); a member the build does follow is held (`heldMembers`) and dispatched instead.
 */
export function heldUnfollowed(
  ctx: Ctx,
  object: Node,
  prop: string,
): { unfollowed: string; name: string; kind: FunctionKind; from?: string; maybe?: true } | undefined {
  if (!ctx.imported || object.type !== "Identifier") return undefined;
  const b = ctx.scopes.binding(object, object.name);
  if (!b) return undefined;
  let held: Node | undefined;
  const d = b.node;
  if (d.type === "ClassDeclaration") {
    for (const m of d.body.body as Node[])
      if (m.type === "ClassProperty" && m.static && keyName(m as { key: Node; computed?: boolean }) === prop)
        held = (m.value as Node | null) ?? undefined;
  } else if (
    d.type === "VariableDeclarator" &&
    d.id.type === "Identifier" &&
    d.init &&
    !b.violations.length
  ) {
    const lit = strip(d.init as Node);
    if (lit.type === "ObjectExpression")
      for (const p of lit.properties as Node[])
        if (p.type === "ObjectProperty" && keyName(p as { key: Node; computed?: boolean }) === prop)
          held = p.value as Node;
  }
  if (!held || ctx.tree.isClosed(held)) return undefined;
  const value = strip(held);
  if (value.type !== "MemberExpression" && value.type !== "OptionalMemberExpression") return undefined;
  const text = sourceOf(ctx, value);
  const where = `\`${object.name}.${prop}\` holds \`${text}\` (line ${value.loc?.start.line ?? 0})`;
  const ref = ctx.imported.lookup(value);
  if (ref && "unfollowed" in ref)
    return {
      unfollowed: `${where}, and ${ref.unfollowed}`,
      name: ref.name,
      kind: ref.kind ?? "async",
      ...(ref.from !== undefined ? { from: ref.from } : {}),
    };
  if (ref) return undefined;
  const problem = ctx.imported.memberProblem(value);
  if (!problem) return undefined;
  return {
    unfollowed: `${where}, a member of "${problem.source}", which ${problem.why}, so it may be a smartasync function; import it from a module the build can read`,
    name: text,
    kind: "async",
    maybe: true,
  };
}

/**
 * A literal that holds a smartasync function where the call picks it at run time: an array
 * element (`[load]`, called as `list[i]()`) or a member under a computed key (`{ [k]: load }`,
 * called as `api[k]()` or `api.name()`, any name the key may give). `keys` are the named keys
 * written after the last such member: a call of one of those cannot reach it.
 */
export function pickedFrom(
  literal: Node,
  find: (value: Node) => { name: string; kind: FunctionKind } | undefined,
): Omit<PickedHolder, "from"> | undefined {
  if (literal.type === "ArrayExpression") {
    for (const el of literal.elements as (Node | null)[]) {
      const f = el && el.type !== "SpreadElement" ? find(el) : undefined;
      if (f) return { ...f, array: true, keys: [] };
    }
    return undefined;
  }
  if (literal.type !== "ObjectExpression") return undefined;
  let found: { name: string; kind: FunctionKind } | undefined;
  let keys: string[] = [];
  for (const p of literal.properties as Node[]) {
    if (p.type !== "ObjectProperty") continue;
    const key = keyName(p as { key: Node; computed?: boolean });
    if (key !== undefined) {
      keys.push(key);
      continue;
    }
    const f = find(p.value as Node);
    if (f) {
      found = f;
      keys = [];
    }
  }
  return found && { ...found, array: false, keys };
}

/**
 * Exported literals holding a smartasync function at a place a call picks at run time
 * (`export const handlers = [load]`, `export default { [k]: load }`, `export { api }` of
 * `const api = { [k]: load }`): importers' calls through them are reported like the file's own
 * (SA206), never left plain in silence (fixture modules/element-held-imported).
 */
export function pickedHolders(
  ctx: Ctx,
  fns: SaFunction[],
  exportedAs: (local: string) => string[],
): Map<string, PickedHolder> {
  const out = new Map<string, PickedHolder>();
  const byBinding = bindingsOf(ctx, fns);
  if (byBinding.size === 0 && !ctx.imported) return out;
  const find = (v: Node) => heldFunction(ctx, byBinding, v);
  const literalOf = (n: Node | null | undefined): Node | undefined => {
    const v = n ? strip(n) : undefined;
    // A closed literal (its text skipped by the parse) holds no smartasync function: its text
    // names none, nor a second name of one (lazy.ts checks after the analysis).
    if (v && ctx.tree.isClosed(v)) return undefined;
    return v?.type === "ArrayExpression" || v?.type === "ObjectExpression" ? v : undefined;
  };
  // A module-level container a function of the module fills (`registry.set("load", load)`,
  // `handlers.push(load)`): importers look the function up at run time (`registry.get(k)()`),
  // a place picked at run time like an array's element (docs/modules.md, looked-up functions).
  const filled = new Map<Binding, { name: string; kind: FunctionKind }>();
  ctx.tree.walk(
    ctx.program as Node,
    (n) => {
      if (n.type !== "CallExpression") return undefined;
      const c = n.callee as Node;
      if (c.type !== "MemberExpression" || c.computed || c.property.type !== "Identifier") return undefined;
      if (!FILLING.has(c.property.name) || (c.object as Node).type !== "Identifier") return undefined;
      const o = c.object as t.Identifier;
      const b = ctx.scopes.binding(o, o.name);
      if (!b?.scope.isProgram() || b.node.type !== "VariableDeclarator" || filled.has(b)) return undefined;
      for (const a of n.arguments as Node[]) {
        const f = a.type === "SpreadElement" ? undefined : find(a);
        if (f) {
          filled.set(b, f);
          break;
        }
      }
      return undefined;
    },
    true,
  );
  for (const s of ctx.program.body as Node[]) {
    // `export function pick() { return load }`: importers' `pick()(x)` calls what it returns
    // (attack 16, F9), a function looked up at run time as a container's element is.
    const fnDecl = s.type === "ExportNamedDeclaration" ? (s.declaration as Node | null) : s;
    if (fnDecl?.type === "FunctionDeclaration" && fnDecl.id && !ctx.tree.isClosed(fnDecl)) {
      const r = returnedValue(fnDecl);
      const f = r && find(r);
      if (f) {
        const names = exportedAs(fnDecl.id.name);
        if (s.type === "ExportNamedDeclaration") names.push(fnDecl.id.name);
        for (const name of names)
          out.set(name, { ...f, array: true, keys: [], returned: true, from: ctx.fileName });
      }
      continue;
    }
    if (s.type === "ExportDefaultDeclaration") {
      const lit = literalOf(s.declaration as Node);
      const p = lit && pickedFrom(lit, find);
      if (p) out.set("default", { ...p, from: ctx.fileName });
      continue;
    }
    const decl = s.type === "ExportNamedDeclaration" ? (s.declaration as Node | null) : s;
    if (decl?.type !== "VariableDeclaration") continue;
    for (const d of decl.declarations) {
      if (d.id.type !== "Identifier") continue;
      const lit = literalOf(d.init as Node | null);
      const b = ctx.scopes.program.bindings.get(d.id.name);
      const fill = b?.node === d ? filled.get(b) : undefined;
      const init = d.init ? strip(d.init as Node) : undefined;
      const built = init && !ctx.tree.isClosed(init) ? builtWith(ctx, init, find) : undefined;
      const fn = init && isFunction(init) && !ctx.tree.isClosed(init) ? returnedValue(init) : undefined;
      const ret = fn && find(fn);
      const p =
        (lit && pickedFrom(lit, find)) ||
        (fill && { ...fill, array: true, keys: [] }) ||
        (built && { ...built, array: true, keys: [] }) ||
        (ret && { ...ret, array: true, keys: [], returned: true as const });
      if (!p) continue;
      const names = exportedAs(d.id.name);
      if (s.type === "ExportNamedDeclaration") names.push(d.id.name);
      for (const name of names) out.set(name, { ...p, from: ctx.fileName });
    }
  }
  return out;
}

/**
 * Keyed containers whose constructor takes their entries (`new Map([["load", load]])`): `get`
 * hands the value back, a lookup importedContainer (opaque.ts) sees.
 */
const CONTAINERS = new Set(["Map", "WeakMap"]);

/**
 * The smartasync function a container holds from its constructor's entries (attack 16, F9):
 * `new Map([["load", load]])` hands it back through `get`, as one filled by `set` does.
 */
function builtWith(
  ctx: Ctx,
  init: Node,
  find: (value: Node) => { name: string; kind: FunctionKind } | undefined,
): { name: string; kind: FunctionKind } | undefined {
  if (init.type !== "NewExpression" || init.callee.type !== "Identifier") return undefined;
  const ctor = init.callee.name;
  if (!CONTAINERS.has(ctor) || ctx.scopes.binding(init.callee as Node, ctor)) return undefined;
  const entries = init.arguments[0] ? strip(init.arguments[0] as Node) : undefined;
  if (entries?.type !== "ArrayExpression") return undefined;
  // A closed table (its text skipped by the parse, swc-plugin/skim.ts: `new Map([…])`) holds no
  // smartasync function: its text names none, nor a second name of one (lazy.ts checks after
  // the analysis), as `literalOf` above passes a closed literal by.
  if (ctx.tree.isClosed(entries)) return undefined;
  for (const el of entries.elements as (Node | null)[]) {
    if (!el || el.type === "SpreadElement") continue;
    const e = strip(el);
    // A Map's entry `[key, value]`: the value is the second element.
    const values = e.type === "ArrayExpression" ? (e.elements as (Node | null)[]) : [e];
    for (const v of values) {
      const f = v && v.type !== "SpreadElement" ? find(v) : undefined;
      if (f) return f;
    }
  }
  return undefined;
}

/** What a function returns when that is one expression: `() => f`, `function () { return f; }`. */
function returnedValue(fn: Node): Node | undefined {
  if (!isFunction(fn) || fn.type === "ObjectMethod" || fn.type === "ClassMethod") return undefined;
  const body = fn.body as Node;
  if (body.type !== "BlockStatement") return body;
  const only = body.body.length === 1 ? (body.body[0] as Node) : undefined;
  return only?.type === "ReturnStatement" ? ((only.argument as Node | null) ?? undefined) : undefined;
}
