import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import { type Ctx, warn } from "./ctx.js";
import type { ImportedFns } from "./imported.js";
import { isReference } from "./scope.js";
import type { Node } from "./tree.js";
import { consumerOf, memberName } from "./view.js";

/** The calls that list an object's own keys or values (`Object.keys(ns)`, `JSON.stringify(ns)`). */
const LISTING: Record<string, ReadonlySet<string>> = {
  Object: new Set([
    "keys",
    "values",
    "entries",
    "getOwnPropertyNames",
    "getOwnPropertyDescriptors",
    "assign",
  ]),
  Reflect: new Set(["ownKeys"]),
  JSON: new Set(["stringify"]),
};

/**
 * SA212: a module namespace (`import * as ns`) lists every export, and the build cannot hide one
 * as it hides an object literal's generated variants (literal-variants.ts): `Object.keys(ns)`,
 * `for (k in ns)`, `{ ...ns }`, `Object.entries(ns)`, `JSON.stringify(ns)` of a module that
 * exports a smartasync function also see its generated `loadSync`, which the source's namespace
 * does not hold (attack F01; fixture diagnostics/sa212-namespace-reflection). Warned at the
 * reflection, naming the generated exports; only for a namespace whose module's facts name one.
 */
export function reflectedNamespaces(ctx: Ctx, imported: ImportedFns): void {
  for (const s of ctx.program.body) {
    if (s.type !== "ImportDeclaration" || s.importKind === "type") continue;
    const spec = s.specifiers.find((x) => x.type === "ImportNamespaceSpecifier");
    if (!spec) continue;
    const followed = [...imported.factsOf(s.source.value).exports].filter(
      ([, f]) => !f.unfollowed && f.variant,
    );
    const generated = followed.map(([, f]) => f.variant);
    const own = followed.map(([exported]) => exported);
    if (generated.length === 0) continue;
    const { tree, scopes } = ctx;
    const name = spec.local.name;
    const b = scopes.binding(spec.local as Node, name);
    if (!b) continue;
    tree.watched.add(name);
    tree.walk(
      tree.program,
      (n) => {
        if (n.type !== "Identifier" || n.name !== name || !isReference(n, tree)) return undefined;
        if (scopes.binding(n, name) !== b) return undefined;
        const how = reflection(ctx, n);
        if (how) warn(ctx, "SA212", n, MSG.namespaceReflection(name, s.source.value, own, generated, how));
        return undefined;
      },
      true,
    );
  }
}

/** How `n` (a namespace's reference) is reflected on: the reflection's text, or undefined. */
function reflection(ctx: Ctx, n: Node): string | undefined {
  const { tree, scopes } = ctx;
  const { outer, parent: p } = consumerOf(tree, n);
  const key = tree.link(outer)?.key;
  if (p === undefined) return undefined;
  if (p.type === "SpreadElement" && tree.parent(p)?.type === "ObjectExpression") return "{ ...ns }";
  if (p.type === "ForInStatement" && key === "right") return "for (k in ns)";
  if (p.type !== "CallExpression" || key !== "arguments") return undefined;
  const callee = p.callee as Node;
  if (callee.type !== "MemberExpression" || (callee as t.MemberExpression).object.type !== "Identifier")
    return undefined;
  const owner = ((callee as t.MemberExpression).object as t.Identifier).name;
  const method = memberName(callee);
  if (method === undefined || !LISTING[owner]?.has(method)) return undefined;
  // `Object.assign(ns, …)` would throw (a namespace is not extensible); a source is read.
  if (method === "assign" && (p as t.CallExpression).arguments[0] === outer) return undefined;
  // The global, not a local of that name.
  const object = (callee as t.MemberExpression).object as Node;
  if (scopes.binding(object, owner)) return undefined;
  return method === "assign" ? "Object.assign(…, ns)" : `${owner}.${method}(ns)`;
}
