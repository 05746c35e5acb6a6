import type { types as t } from "@babel/core";
import { importTarget, isImportBinding, stateKind } from "./checks.js";
import { type Ctx, locOf, sourceOf } from "./ctx.js";
import type { SaFunction } from "./model.js";
import type { Binding } from "./scope.js";
import { isFunction, type Node } from "./tree.js";
import { memberName, strip } from "./view.js";
import { functionOfBinding } from "./writes.js";

/**
 * SA306 (attack 13, F35 and F37): what a worker or offloaded function does that only means
 * something on the calling thread, where the build sees it —
 * - `x.getStore()` (an `AsyncLocalStorage` store): a worker runs outside the caller's `run()`, so
 *   the store is `undefined` there; in the function, a function of its module it calls, or a
 *   function it imports from another module of the program (and that module's functions it calls);
 * - `===`/`!==`/`==`/`!=` with a module-level object (`cfg === DEFAULTS`): an argument arrives as a
 *   copy, never the module's object;
 * - `has`/`get`/`delete` on a module-level `WeakMap`/`WeakSet`: keyed by identity, a copy is never
 *   found;
 * - `return` of a module-level object (`return registry`): the caller gets a copy, and what it
 *   changes there the module's object never sees.
 * The comparison, the lookup and the `return` count in the function itself only: a helper of its
 * module that returns `registry` to it, or compares with it, runs on the same thread as it.
 * Not seen: identity the caller checks on the result (`getRegistry() === registry` in another
 * module), a store read through a package, objects reached through members.
 */
export function threadBound(ctx: Ctx, fn: SaFunction): string[] {
  const items: string[] = [];
  const seen = new Set<t.Function>([fn.fn]);
  const queue: { ctx: Ctx; f: t.Function; via: string | undefined }[] = [{ ctx, f: fn.fn, via: undefined }];
  for (let i = 0; i < queue.length && i < 64; i++) {
    const { ctx: here, f, via } = queue[i]!;
    const top = here.scopes.program;
    const through = via ? ` through ${via}` : "";
    const own = here === ctx;
    // Identity and the result only cross the thread at the worker function itself: a helper that
    // returns `registry` to it, or compares with it, stays on one thread (review-core finding 9).
    const crossing = f === fn.fn;
    here.tree.walk(f.body as Node, (n) => {
      if (n.type === "CallExpression" || n.type === "OptionalCallExpression") {
        const callee = strip(n.callee as Node);
        const name = callee.type.endsWith("MemberExpression") ? memberName(callee) : undefined;
        if (name === "getStore" && n.arguments.length === 0)
          items.push(
            `reads \`${sourceOf(here, n)}\` at ${locOf(here, n)}${through} (an AsyncLocalStorage store: undefined in a worker, outside the caller's \`run()\`)`,
          );
        if (crossing && name !== undefined && (name === "has" || name === "get" || name === "delete")) {
          const o = strip((callee as t.MemberExpression).object as Node);
          const b = o.type === "Identifier" ? here.scopes.binding(o, o.name) : undefined;
          if (b && b.scope === top && weakCollection(b))
            items.push(
              `looks up \`${sourceOf(here, n)}\` at ${locOf(here, n)}${through} (a WeakMap/WeakSet of the module, keyed by identity: a copy is never found)`,
            );
        }
        return undefined;
      }
      if (crossing && n.type === "BinaryExpression" && /^[!=]==?$/.test(n.operator)) {
        const side = [n.left, n.right].map((x) => strip(x as Node)).find((x) => moduleObject(here, x));
        if (side)
          items.push(
            `compares with \`${(side as t.Identifier).name}\` at ${locOf(here, n)}${through} (a module object: what arrives from the caller is a copy, never this object)`,
          );
        return undefined;
      }
      if (crossing && n.type === "ReturnStatement" && n.argument && here.tree.functionParent(n) === f) {
        const arg = strip(n.argument as Node);
        if (moduleObject(here, arg))
          items.push(
            `returns \`${(arg as t.Identifier).name}\` at ${locOf(here, n)}${through} (a module object: the caller gets a copy, and what it changes there this object never sees)`,
          );
        return undefined;
      }
      if (n.type !== "Identifier") return undefined;
      const b = here.scopes.binding(n, n.name);
      if (!b || b.scope !== top) return undefined;
      // Functions it calls: of its own module, and one import away (a helper reading the store).
      const next = stateKind(here, b) === "code" ? functionOfBinding(b) : undefined;
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push({ ctx: here, f: next, via: via ?? `\`${n.name}()\`` });
        return undefined;
      }
      if (own && isImportBinding(here, b)) {
        const target = importTarget(here, n, b);
        const there = target && functionOfBinding(target.there);
        if (target && there && !seen.has(there)) {
          seen.add(there);
          // `currentUser` imported from `./context.js` → `currentUser()` imported from `./context.js`.
          queue.push({
            ctx: target.other,
            f: there,
            via: `\`${n.name}()\`${target.from.replace(/^`[^`]*`/, "")}`,
          });
        }
      }
      return undefined;
    });
  }
  return [...new Set(items)];
}

/** A module-level `const` holding an object: a literal, `new …`, `Object.freeze(…)` of one. */
function moduleObject(ctx: Ctx, n: Node): boolean {
  if (n.type !== "Identifier") return false;
  const b = ctx.scopes.binding(n, n.name);
  if (!b || b.scope !== ctx.scopes.program || b.kind !== "const" || b.node.type !== "VariableDeclarator")
    return false;
  const init = b.node.init ? strip(b.node.init as Node) : undefined;
  return init !== undefined && madeObject(init);
}

function madeObject(init: Node): boolean {
  if (init.type === "ObjectExpression" || init.type === "ArrayExpression" || init.type === "NewExpression")
    return true;
  if (init.type !== "CallExpression" || isFunction(init)) return false;
  const callee = strip(init.callee as Node);
  const arg = init.arguments[0];
  return (
    callee.type === "MemberExpression" &&
    callee.object.type === "Identifier" &&
    callee.object.name === "Object" &&
    ["freeze", "seal", "preventExtensions"].includes(memberName(callee) ?? "") &&
    arg !== undefined &&
    madeObject(strip(arg as Node))
  );
}

function weakCollection(b: Binding): boolean {
  if (b.node.type !== "VariableDeclarator" || !b.node.init) return false;
  const init = strip(b.node.init as Node);
  return (
    init.type === "NewExpression" &&
    init.callee.type === "Identifier" &&
    (init.callee.name === "WeakMap" || init.callee.name === "WeakSet")
  );
}
