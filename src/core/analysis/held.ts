import type { types as t } from "@babel/core";
import type { FunctionKind } from "../strategy.js";
import { type Ctx, keyName } from "./ctx.js";
import type { SaFunction } from "./model.js";
import type { Binding } from "./scope.js";
import type { Node } from "./tree.js";
import { TRANSPARENT } from "./view.js";

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
  const byBinding = new Map<Binding, SaFunction>();
  for (const f of fns) {
    if (f.form !== "function" && f.form !== "const") continue;
    const from = f.form === "function" ? ctx.tree.parent(f.fn) : f.stmt;
    const b = from ? ctx.scopes.binding(from as Node, f.name) : undefined;
    if (b) byBinding.set(b, f);
  }
  if (byBinding.size === 0 && !ctx.imported) return out;
  // An imported smartasync function held the same way counts too (fixture
  // modules/object-held-imported): the marker travels with the function.
  const kindOf = (value: Node): FunctionKind | undefined => {
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
      return kindOf(value.callee.object as Node);
    if (value.type !== "Identifier") return undefined;
    const b = ctx.scopes.binding(value, value.name);
    if (!b) return undefined;
    const f = byBinding.get(b);
    if (f) return f.kind;
    if (b.kind !== "module" || !ctx.imported) return undefined;
    const ref = ctx.imported.lookup(value);
    return ref && !("unfollowed" in ref) && !ref.explicit ? ref.fact.kind : undefined;
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
      if (!held) return undefined;
      // Through type-only wrappers too (`{ load: load as Loader }`, `{ load: load! }`).
      let value = held;
      while (TRANSPARENT.has(value.type)) value = (value as { expression: Node }).expression;
      const kind = name === undefined ? undefined : kindOf(value);
      if (kind === undefined || name === undefined) return undefined;
      const kinds = out.get(name) ?? new Set<FunctionKind>();
      kinds.add(kind);
      out.set(name, kinds);
      return undefined;
      // A holding property names the function (or an imported one): a closed function mentions none.
    },
    true,
  );
  return out;
}

/** Adds `more` to a table of method kinds by name. */
export function addKinds(into: Map<string, Set<FunctionKind>>, more: Map<string, Set<FunctionKind>>): void {
  for (const [m, kinds] of more) into.set(m, new Set([...(into.get(m) ?? []), ...kinds]));
}

/** `exports` or `module.exports` (CommonJS's export object). */
function isExportsObject(n: Node): boolean {
  if (n.type === "Identifier") return n.name === "exports";
  return (
    n.type === "MemberExpression" &&
    n.object.type === "Identifier" &&
    n.object.name === "module" &&
    n.property.type === "Identifier" &&
    n.property.name === "exports"
  );
}
