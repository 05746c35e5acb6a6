import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import { type Ctx, sourceOf, warn } from "./ctx.js";
import type { ImportedFns } from "./imported.js";
import { type Binding, isReference } from "./scope.js";
import type { Node } from "./tree.js";
import { constantKey, consumerOf, memberName, staticString, strip } from "./view.js";

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
 *
 * attack29 F13 (fixture diagnostics/sa212-namespace-value): the namespace object used as a value
 * in any other way than a member read or a destructuring of named members is warned too — passed
 * to a function (`listExports(ns)`: what it does with the object the build does not see), kept in
 * a `let` or a property, an object rest an assignment or an exported pattern takes from it, `in`
 * (a declaration's object rest, `const { load, ...rest } = ns`, gets every generated variant in
 * its pattern before the rest: imported.ts `completeRest`, not warned). A
 * `const` second name (`const alias = ns`) is followed: its uses are the namespace's. The value of
 * `await import("./lib.js")` is the same namespace, read the same way.
 */
export function reflectedNamespaces(ctx: Ctx, imported: ImportedFns): void {
  for (const s of ctx.program.body) {
    if (s.type !== "ImportDeclaration" || s.importKind === "type") continue;
    const spec = s.specifiers.find((x) => x.type === "ImportNamespaceSpecifier");
    if (!spec) continue;
    const module = generatedOf(imported, s.source.value);
    if (!module) continue;
    const b = ctx.scopes.binding(spec.local as Node, spec.local.name);
    if (b) usesOf(ctx, imported, b, module, 0);
  }
  dynamicImports(ctx, imported);
}

/** What SA212 names of a module: its source, its exports, the variants generated for them. */
interface Generated {
  source: string;
  own: string[];
  generated: string[];
}

function generatedOf(imported: ImportedFns, source: string): Generated | undefined {
  const followed = [...imported.factsOf(source).exports].filter(([, f]) => !f.unfollowed && f.variant);
  if (followed.length === 0) return undefined;
  return { source, own: followed.map(([e]) => e), generated: followed.map(([, f]) => f.variant!) };
}

/** Each reference of a namespace binding (or a `const` second name of one), asked `valueUse`. */
function usesOf(ctx: Ctx, imported: ImportedFns, b: Binding, module: Generated, depth: number): void {
  const { tree, scopes } = ctx;
  const name = b.name;
  tree.watched.add(name);
  tree.walk(
    tree.program,
    (n) => {
      if (n.type !== "Identifier" || n.name !== name || !isReference(n, tree)) return undefined;
      if (scopes.binding(n, name) !== b) return undefined;
      use(ctx, imported, n, name, module, depth);
      return undefined;
    },
    true,
  );
}

/** Warns where the namespace value `n` is reflected on or given away; follows a `const` alias. */
function use(
  ctx: Ctx,
  imported: ImportedFns,
  n: Node,
  shownAs: string,
  module: Generated,
  depth: number,
): void {
  const { source, own, generated } = module;
  const listed = reflection(ctx, n);
  if (listed) warn(ctx, "SA212", n, MSG.namespaceReflection(shownAs, source, own, generated, listed));
  const used = listed === undefined ? valueUse(ctx, imported, n, module, depth) : undefined;
  if (used) warn(ctx, "SA212", n, MSG.namespaceValue(shownAs, source, own, generated, used));
}

/**
 * The code through which the namespace value `n` leaves the build's sight, quoted (attack29
 * F13: `listExports(lib)`, `{ load, ...rest } = lib`, `"loadSync" in lib`), or undefined for a member
 * read, a destructuring of named members, `typeof` and a comparison — or a `const` alias, whose
 * references are followed instead.
 */
function valueUse(
  ctx: Ctx,
  imported: ImportedFns,
  n: Node,
  module: Generated,
  depth: number,
): string | undefined {
  const { tree, scopes } = ctx;
  const { outer, parent: p } = consumerOf(tree, n);
  const key = tree.link(outer)?.key;
  if (p === undefined) return undefined;
  if ((p.type === "MemberExpression" || p.type === "OptionalMemberExpression") && key === "object")
    return undefined;
  if (p.type === "UnaryExpression" && (p.operator === "typeof" || p.operator === "void")) return undefined;
  if (p.type === "BinaryExpression" && /^[!=]==?$/.test(p.operator)) return undefined;
  if (p.type === "ExpressionStatement" || p.type === "AwaitExpression") return undefined;
  const pattern =
    p.type === "VariableDeclarator" && key === "init"
      ? (p.id as Node)
      : p.type === "AssignmentExpression" && key === "right" && p.operator === "="
        ? (p.left as Node)
        : undefined;
  // An object rest: a declaration's pattern gets every generated variant before the rest
  // (imported.ts `completeRest`), so the rest is what it is uncompiled; any other is warned.
  if (pattern?.type === "ObjectPattern")
    return pattern.properties.some((x) => x.type === "RestElement") &&
      !(p.type === "VariableDeclarator" && imported.completeRest(p as t.VariableDeclarator, module.generated))
      ? short(ctx, p)
      : undefined;
  if (pattern?.type === "Identifier" && p.type === "VariableDeclarator") {
    const b = scopes.binding(pattern, pattern.name);
    // `const alias = ns`: the alias's uses are the namespace's (depth bounds a chain of them).
    if (b?.kind === "const" && !b.violations.length && depth < 8) {
      usesOf(ctx, imported, b, module, depth + 1);
      return undefined;
    }
  }
  if ((p.type === "CallExpression" || p.type === "NewExpression") && key === "arguments") {
    // `vi.spyOn(ns, "load")`, `Reflect.get(ns, "load")`: one member named, not the object listed.
    const args = p.arguments as Node[];
    const named = args[0] === outer && args[1] ? constantKey(scopes, strip(args[1])) : undefined;
    if (typeof named === "string" && !module.generated.includes(named)) return undefined;
    // `ns.load.bind(ns, 5)`, `ns.load.call(ns, 1)`: the namespace as its own member's `this`.
    const callee = strip(p.callee as Node);
    const fn = callee.type === "MemberExpression" ? strip(callee.object as Node) : undefined;
    const own = fn?.type === "MemberExpression" ? strip(fn.object as Node) : undefined;
    if (
      args[0] === outer &&
      ["bind", "call", "apply"].includes(memberName(callee) ?? "") &&
      own?.type === "Identifier" &&
      n.type === "Identifier" &&
      own.name === (n as t.Identifier).name &&
      scopes.binding(own, own.name) === scopes.binding(n, (n as t.Identifier).name)
    )
      return undefined;
  }
  return short(ctx, p);
}

/** Code as a message quotes it: on one line, at most 48 characters. */
function short(ctx: Ctx, n: Node): string {
  const text = sourceOf(ctx, n).replace(/\s+/g, " ");
  return text.length > 48 ? `${text.slice(0, 47)}…` : text;
}

/** `import(` and the quote its string opens with. */
const DYNAMIC_IMPORT_START = /\bimport\s*\(\s*["'`]/g;
/** White space and the `)` after the string (sticky: read from where the string ends). */
const CLOSING_PAREN = /\s*\)/y;

/**
 * `await import("./lib.js")` of a module with generated exports: the namespace, read as a
 * namespace binding's reference is (attack29 F13). The text is searched first; the walk then
 * enters closed functions (an answer depending on one is taken again on the whole tree).
 */
function dynamicImports(ctx: Ctx, imported: ImportedFns): void {
  const modules = new Map<string, Generated>();
  // The start by a regex, the string and the `)` by hand: the one regex with an alternative per
  // quote timed out in the ReDoS check's proof on a loaded machine (test/security/redos).
  for (const m of ctx.code.matchAll(DYNAMIC_IMPORT_START)) {
    const from = m.index + m[0].length;
    const end = ctx.code.indexOf(m[0][m[0].length - 1]!, from);
    if (end <= from) continue;
    CLOSING_PAREN.lastIndex = end + 1;
    if (!CLOSING_PAREN.test(ctx.code)) continue;
    const source = ctx.code.slice(from, end);
    if (modules.has(source)) continue;
    const g = generatedOf(imported, source);
    if (g) modules.set(source, g);
  }
  if (modules.size === 0) return;
  ctx.tree.walk(ctx.tree.program, (n) => {
    const source =
      n.type === "ImportExpression"
        ? staticString(n.source as Node)
        : n.type === "CallExpression" && n.callee.type === "Import"
          ? staticString(n.arguments[0] as Node)
          : undefined;
    const module = source === undefined ? undefined : modules.get(source);
    if (!module) return undefined;
    const { parent } = consumerOf(ctx.tree, n);
    if (parent?.type === "AwaitExpression")
      use(ctx, imported, parent, `await import("${source}")`, module, 0);
    return undefined;
  });
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
