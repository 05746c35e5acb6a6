/**
 * Globals a module sets to a smartasync function (`globalThis.gl = load`, `global.gl =`,
 * `window.gl =`, `self.gl =`): a bare `gl(5)` — in that module, or in a module that imports it —
 * calls the function under a name that has no variant, so it stays a plain call, and sync code
 * that wants its value gets a promise. The call is SA206 there, never a silent promise (fixture
 * modules/global-second-name). The module's facts carry them (`ModuleFacts.globals`), so an
 * importer's call is told too; a call of the member (`globalThis.gl(5)`) is dispatched as
 * `o.gl()` is (calls.ts).
 */
import type { ExportFact } from "../module-facts.js";
import type { buildIndex, exportedValueOf } from "./calls.js";
import type { Ctx } from "./ctx.js";
import { locOf, sourceOf } from "./ctx.js";
import { unfollowedFactOf } from "./export-fact.js";
import type { SaFunction } from "./model.js";
import { globalNamesIn, type Node } from "./tree.js";
import { globalObject } from "./twin-callee.js";
import { memberName, strip } from "./view.js";

const kept = new WeakMap<Ctx, Map<string, ExportFact>>();

/**
 * Each global the module sets (plain `=`, anywhere in it) to one of its smartasync functions or
 * an imported one, with a fact whose `unfollowed` says where; the first write of a name counts.
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
  const names = globalNamesIn(ctx.code);
  if (names.size === 0) return out;
  const index = calls.buildIndex(ctx, fns);
  const found = out;
  // Closed functions are passed over, not re-opened (closedOk): a function that writes one of
  // `names` mentions it, and the fast paths keep every function mentioning one open (lazy.ts
  // `closingFor`, skim.ts), so a file with a global write is not analysed twice.
  ctx.tree.walk(
    ctx.program as Node,
    (n) => {
      if (n.type !== "AssignmentExpression" || n.operator !== "=") return undefined;
      const left = strip(n.left as Node);
      if (left.type !== "MemberExpression" || !globalObject(ctx, strip(left.object as Node)))
        return undefined;
      const name = memberName(left);
      if (name === undefined || !names.has(name) || found.has(name)) return undefined;
      const held = calls.exportedValueOf(ctx, index, n.right as Node);
      if (!held) return undefined;
      const text = sourceOf(ctx, n as Node).replace(/\s+/g, " ");
      const unfollowed = `\`${name}\` is a global set to \`${held.name}\` at ${locOf(ctx, n as Node)} (\`${text.length > 48 ? `${text.slice(0, 45)}...` : text}\`), a name without its variant; call \`${held.name}\` itself (import it) so its variant can be chosen`;
      found.set(name, unfollowedFactOf(held, ctx.fileName, unfollowed));
      return undefined;
    },
    true,
  );
  return out;
}
