/**
 * Globals a module sets to a smartasync function (`globalThis.gl = load`, `global.gl =`,
 * `window.gl =`, `self.gl =`, `globalThis["gl"] =`, `Object.assign(globalThis, { gl: load })`,
 * `Reflect.set(globalThis, "gl", load)`, `var g = globalThis; g.gl = load`, the free name `gl =
 * load` of sloppy code, … every spelling global-text.ts reads): a bare `gl(5)` —
 * in that module, or in a module that imports it — calls the function under a name that has no
 * variant, so it stays a plain call, and sync code that wants its value gets a promise. The call
 * is SA206 there, never a silent promise (fixtures modules/global-second-name,
 * modules/global-second-name-spellings). The module's facts carry them (`ModuleFacts.globals`,
 * with those its imports set: facts.ts), so an importer's call is told too, however far on; a
 * call of the member (`globalThis.gl(5)`) is dispatched as `o.gl()` is (calls.ts). A global whose name is computed at run time (`globalThis[k] = load`)
 * is SA206 at the write: which bare calls reach it cannot be told (fixture
 * modules/global-second-name-computed).
 */
import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import type { ExportFact } from "../module-facts.js";
import type { buildIndex, exportedValueOf } from "./calls.js";
import type { Ctx } from "./ctx.js";
import { keyName, locOf, sourceOf, warn } from "./ctx.js";
import { unfollowedFactOf } from "./export-fact.js";
import { freeWritesIn, mayWriteGlobals } from "./global-text.js";
import type { SaFunction } from "./model.js";
import { peelCallee } from "./transparent.js";
import type { Node } from "./tree.js";
import { globalObject } from "./twin-callee.js";
import { globalName, memberName, staticString, strip } from "./view.js";

/** Test runners' calls that put a stub on an object's key (`vi.spyOn(globalThis, "fetch")`). */
const RUNNER_REPLACES = new Set(["spyOn", "replaceProperty", "stub", "replace"]);

/** One write of a global found on the tree. */
export interface GlobalWriteSite {
  /** The global's name; undefined for a key computed at run time (`globalThis[k] =`). */
  name: string | undefined;
  /** The assignment or the call that writes it. */
  node: Node;
  /** The value it is set to, where the write gives one (`=`, `Reflect.set`, `{ value: f }`, …). */
  value?: Node;
  /** An assignment to the free name (`fetch = stub`), not to a member of the global object. */
  free?: true;
}

/** `{ value: f }` of a property descriptor: `f`. */
function describedValue(d: Node | undefined): Node | undefined {
  const o = d && strip(d);
  if (o?.type !== "ObjectExpression") return undefined;
  for (const p of (o as t.ObjectExpression).properties as Node[])
    if (p.type === "ObjectProperty" && keyName(p as { key: Node; computed?: boolean }) === "value")
      return (p as t.ObjectProperty).value as Node;
  return undefined;
}

/**
 * Every write of a global in the module, by each spelling (the tree's side of global-text.ts,
 * the one reading for SA206's globals here and SA302's replaced built-ins, checks.ts
 * `globalWrites`): an assignment to a member of the global object however it is named
 * (`globalThis.x`, `globalThis["x"]`, `(0, globalThis).x`, `const g = globalThis; g.x`) or to
 * the free name; `Reflect.set`, `Reflect.defineProperty`, `Object.defineProperty`,
 * `Object.assign`, `Object.defineProperties` on the global object; a test runner's stub
 * (`vi.stubGlobal("x", …)`, `spyOn(globalThis, "x")`, …). `closedOk`: functions the fast paths
 * left closed are passed over.
 */
export function forEachGlobalWrite(ctx: Ctx, visit: (w: GlobalWriteSite) => void, closedOk: boolean): void {
  const onGlobal = (n: Node | undefined): boolean =>
    n !== undefined && (globalObject(ctx, peelCallee(n)) || declaredGlobal(ctx, peelCallee(n)));
  ctx.tree.walk(
    ctx.program as Node,
    (n) => {
      if (n.type === "AssignmentExpression") {
        const left = strip(n.left as Node);
        const value = n.operator === "=" ? (n.right as Node) : undefined;
        if (left.type === "Identifier") {
          if (!ctx.scopes.binding(left, left.name))
            visit({ name: left.name, node: n, free: true, ...(value ? { value } : {}) });
        } else if (left.type === "MemberExpression" && onGlobal(left.object as Node))
          visit({ name: memberName(left), node: n, ...(value ? { value } : {}) });
        return undefined;
      }
      if (n.type !== "CallExpression") return undefined;
      const callee = strip(n.callee as Node);
      if (callee.type !== "MemberExpression") return undefined;
      const method = memberName(callee);
      if (method === undefined) return undefined;
      const args = n.arguments.map((a) => strip(a as Node));
      const keyAt = (i: number): string | undefined => staticString(args[i]);
      const at = (v: Node | undefined) => (v ? { value: v } : {});
      if (method === "stubGlobal") {
        visit({ name: keyAt(0), node: n, ...at(args[1]) });
        return undefined;
      }
      if (!onGlobal(args[0])) return undefined;
      const owner = globalName(ctx.scopes, callee.object as Node);
      if (owner === "Reflect" && method === "set") visit({ name: keyAt(1), node: n, ...at(args[2]) });
      else if ((owner === "Reflect" || owner === "Object") && method === "defineProperty")
        visit({ name: keyAt(1), node: n, ...at(describedValue(args[2])) });
      else if (RUNNER_REPLACES.has(method)) visit({ name: keyAt(1), node: n });
      else if (owner === "Object" && (method === "assign" || method === "defineProperties"))
        for (const a of args.slice(1)) {
          if (a.type !== "ObjectExpression") {
            visit({ name: undefined, node: n });
            continue;
          }
          for (const p of a.properties as Node[]) {
            if (p.type !== "ObjectProperty" && p.type !== "ObjectMethod") {
              visit({ name: undefined, node: n });
              continue;
            }
            const name = keyName(p as { key: Node; computed?: boolean });
            const v = p.type === "ObjectProperty" ? ((p as t.ObjectProperty).value as Node) : undefined;
            visit({ name, node: n, ...at(method === "assign" ? v : describedValue(v)) });
          }
        }
      return undefined;
    },
    closedOk,
  );
}

/**
 * `var g = globalThis; g.gl = load`, `let g = global`: a name declared to the global object. What
 * it is given later is not asked (a closed function writing it would send the file to a whole
 * analysis): a write through it counts as one of a global, a superset where it may be one
 * (fixture cjs/sloppy-global-second-name).
 */
function declaredGlobal(ctx: Ctx, n: Node): boolean {
  if (n.type !== "Identifier") return false;
  const b = ctx.scopes.binding(n, n.name);
  if (!b || (b.kind !== "let" && b.kind !== "var") || b.node.type !== "VariableDeclarator") return false;
  const d = b.node as t.VariableDeclarator;
  return d.id.type === "Identifier" && d.init != null && globalObject(ctx, peelCallee(d.init as Node));
}

const kept = new WeakMap<Ctx, Map<string, ExportFact>>();

/**
 * Each global the module sets (anywhere in it, by any spelling `forEachGlobalWrite` reads) to one
 * of its smartasync functions or an imported one, with a fact whose `unfollowed` says where; the
 * first write of a name counts. A write under a computed name is SA206 where it is.
 */
export function globalFunctionsOf(
  ctx: Ctx,
  fns: SaFunction[],
  // calls.ts's readings, handed in: calls.ts asks for this map, so a value import of calls.ts
  // here would be an import cycle (test/core/import-cycles).
  calls: { buildIndex: typeof buildIndex; exportedValueOf: typeof exportedValueOf },
): Map<string, ExportFact> {
  let out = kept.get(ctx);
  if (out) return out;
  out = new Map();
  kept.set(ctx, out);
  // The text first: a file with no spelling of a global write is not walked.
  if (!mayWriteGlobals(ctx.code) && freeWritesIn(ctx.code).size === 0) return out;
  const index = calls.buildIndex(ctx, fns);
  const found = out;
  // Closed functions are passed over, not re-opened (closedOk): a function that writes a global
  // the text reads (global-text.ts) mentions its name, and the fast paths keep every function mentioning one open (lazy.ts
  // `closingFor`, skim.ts), so a file with a global write is not analysed twice.
  forEachGlobalWrite(
    ctx,
    ({ name, node, value }) => {
      // A free name's write (`gl = load`: a global in sloppy code, or on a global that exists)
      // counts as `globalThis.gl = load` does; the fast paths watch its name by the text
      // (global-text.ts `freeWritesIn`; fixture cjs/sloppy-global-second-name). A name the walk
      // finds and the text did not (a spelling it does not read) counts too: one more call told,
      // where a closed function's call of it may go unseen.
      if (!value || (name !== undefined && found.has(name))) return;
      const held = calls.exportedValueOf(ctx, index, value);
      if (!held) return;
      const text = sourceOf(ctx, node).replace(/\s+/g, " ");
      const quoted = text.length > 48 ? `${text.slice(0, 45)}...` : text;
      if (name === undefined) {
        warn(ctx, "SA206", node, MSG.globalUnnamed(quoted, held.name));
        return;
      }
      const unfollowed = `\`${name}\` is a global set to \`${held.name}\` at ${locOf(ctx, node)} (\`${quoted}\`), a name without its variant; call \`${held.name}\` itself (import it) so its variant can be chosen`;
      found.set(name, unfollowedFactOf(held, ctx.fileName, unfollowed));
    },
    true,
  );
  return out;
}
