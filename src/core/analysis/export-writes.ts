import type { types as t } from "@babel/core";
import { argumentEscapes, constructorOf } from "./arg-escape.js";
import type { Ctx } from "./ctx.js";
import { indexExports, type ValueExport } from "./exports.js";
import type { Binding } from "./scope.js";
import { isFunction, type Node } from "./tree.js";
import { constAliasOf, strip } from "./view.js";
import { functionOfBinding, keptMethodOf, paramWrites, type Write } from "./writes.js";

/**
 * What a function another module of the project exports does to its arguments' objects
 * (r13a; docs/semantics.md, "Writes to arguments"): an importer that hands it an argument of a
 * function it offloads (`stamp(todos[0])` of `import { stamp } from "./util.js"`) must know
 * whether `stamp` writes to it, as it knows of a function of its own module. The module graph
 * asks this of the module on its own (module-graph.ts `exportWrites`), lazily: only for a call an
 * argument reaches, and only what the export reaches is opened (lazy.ts `closingForExport`).
 */
export interface ProvenWrites {
  /** The first write (or use not proven a read) of each parameter's object, by index. */
  writes: ReadonlyMap<number, Write>;
  /** The index of a rest parameter: every argument from there on is its elements. */
  restAt?: number;
}

/** A function's writes, or why the build cannot prove what it does to its arguments. */
export type ExportWrites = ProvenWrites | string;

/**
 * The answer of the module an import leads to (`source`, as written in the module asked) for the
 * export at `path`; undefined where that module does not export it.
 */
export type FollowImport = (
  source: string,
  path: readonly string[],
  construct: boolean,
) => ExportWrites | undefined;

/** How long a member path an importer's callee may have (`ops.mark`, `U.mark`, `default.mark`). */
const MAX_PATH = 2;

/**
 * The writes of what the module of `ctx` exports at `path` (`["stamp"]`, `["ops", "mark"]` a
 * method of an exported `const` object literal, `["U", "mark"]` a static of an exported class,
 * `["default"]`), called (or constructed: `construct`, its constructor runs), by the rule for a
 * function of the importer's own module (arg-escape.ts): through `const` second names, `export
 * { f as g }`, a default export, and the module's own re-exports and imports (`follow`).
 * Undefined where the module does not export `path[0]`.
 */
export function exportWritesOf(
  ctx: Ctx,
  path: readonly string[],
  construct: boolean,
  follow: FollowImport,
): ExportWrites | undefined {
  const [first, ...rest] = path;
  if (first === undefined || path.length > MAX_PATH) return "a member the build does not follow";
  const stars: string[] = [];
  for (const st of ctx.program.body as Node[]) {
    if (st.type === "ExportNamedDeclaration" && st.exportKind !== "type") {
      const d = st.declaration as Node | null | undefined;
      if (d && (d.type === "FunctionDeclaration" || d.type === "ClassDeclaration") && d.id?.name === first)
        return ofBinding(ctx, ctx.scopes.binding(d, first), rest, construct, follow);
      if (d?.type === "VariableDeclaration")
        for (const v of d.declarations)
          if (v.id.type === "Identifier" && v.id.name === first)
            return ofBinding(ctx, ctx.scopes.binding(v as Node, first), rest, construct, follow);
      for (const sp of st.specifiers) {
        const exported = sp.exported.type === "Identifier" ? sp.exported.name : sp.exported.value;
        if (exported !== first) continue;
        const from = (st.source as t.StringLiteral | null | undefined)?.value;
        // `export * as ns from "./x"`: `ns.f` is `./x`'s `f`.
        if (sp.type === "ExportNamespaceSpecifier")
          return from !== undefined && rest.length > 0
            ? (follow(from, rest, construct) ?? notExported(from))
            : "a module object";
        if (sp.type !== "ExportSpecifier" || sp.exportKind === "type") return "a type";
        const local = sp.local.type === "Identifier" ? sp.local.name : (sp.local as t.StringLiteral).value;
        // `export { stamp as mark } from "./util.js"`: the barrel's name is `./util.js`'s `stamp`.
        if (from !== undefined) return follow(from, [local, ...rest], construct) ?? notExported(from);
        return ofBinding(ctx, ctx.scopes.binding(sp.local as Node, local), rest, construct, follow);
      }
    } else if (st.type === "ExportDefaultDeclaration" && first === "default") {
      const d = strip(st.declaration as Node);
      if (d.type === "Identifier")
        return ofBinding(ctx, ctx.scopes.binding(d, d.name), rest, construct, follow);
      return ofValue(ctx, d, undefined, rest, construct);
    } else if (st.type === "ExportAllDeclaration" && st.exportKind !== "type" && first !== "default")
      stars.push((st.source as t.StringLiteral).value);
  }
  // `export * from "./util.js"`: the first module behind the barrel that exports the name.
  for (const from of stars) {
    const found = follow(from, path, construct);
    if (found !== undefined) return found;
  }
  return commonJsWrites(ctx, path, construct, follow);
}

/**
 * A CommonJS module's export (`module.exports = { recall }`, `exports.recall = recall`, a value
 * `exports.f = function …`): `path` as an importer reaches it (`require("./lib.cjs").recall`,
 * `lib.recall` of a default import, which is `module.exports`). Undefined where it shows none.
 */
function commonJsWrites(
  ctx: Ctx,
  path: readonly string[],
  construct: boolean,
  follow: FollowImport,
): ExportWrites | undefined {
  const values: ValueExport[] = [];
  const uses = indexExports(ctx.program, values);
  const names = path[0] === "default" ? path.slice(1) : path;
  const [first, ...rest] = names;
  if (first === undefined) return undefined;
  for (const [local, use] of uses)
    if (use.cjs.some((c) => c.exported === first))
      return ofBinding(ctx, ctx.scopes.binding(ctx.program as Node, local), rest, construct, follow);
  const value = values.find((v) => v.exported === first && v.exported !== "default");
  return value && rest.length === 0
    ? ofValue(ctx, strip(value.value), undefined, rest, construct)
    : undefined;
}

const notExported = (from: string): string => `\`${from}\` does not export it`;

/** The writes of what a binding of the module holds, `rest` the members asked of it. */
function ofBinding(
  ctx: Ctx,
  found: Binding | undefined,
  rest: readonly string[],
  construct: boolean,
  follow: FollowImport,
): ExportWrites {
  if (!found) return "a name the build does not find";
  const b = constAliasOf(ctx.scopes, found);
  const n = b.node;
  // Imported by the module itself and exported again (`import { stamp } from "./a.js"; export
  // { stamp }`, `export const mark = stamp`): the module it comes from answers.
  if (b.kind === "module") {
    const decl = ctx.tree.parent(n) as t.ImportDeclaration | undefined;
    const from = decl?.source?.value;
    if (from === undefined || decl?.importKind === "type") return "an import the build does not follow";
    const path =
      n.type === "ImportSpecifier"
        ? [n.imported.type === "Identifier" ? n.imported.name : n.imported.value, ...rest]
        : n.type === "ImportDefaultSpecifier"
          ? ["default", ...rest]
          : [...rest];
    if (path.length === 0) return "a module object";
    return follow(from, path, construct) ?? notExported(from);
  }
  if (b.violations.length) return "a name the module assigns again";
  return ofValue(ctx, n, b, rest, construct);
}

/** The writes of a function, class or `const` object literal the module shows (`node`, bound by `b`). */
function ofValue(
  ctx: Ctx,
  node: Node,
  b: Binding | undefined,
  rest: readonly string[],
  construct: boolean,
): ExportWrites {
  const init = node.type === "VariableDeclarator" && node.init ? strip(node.init as Node) : undefined;
  const value = init ?? node;
  if (rest.length === 1) {
    const m = b ? keptMethodOf(ctx, b, rest[0]!) : undefined;
    return m && !construct ? functionWrites(ctx, m) : "a member the build does not resolve to one function";
  }
  if (rest.length > 1) return "a member the build does not follow";
  if (value.type === "ClassDeclaration" || value.type === "ClassExpression") {
    if (!construct) return "a class";
    // Its constructor runs, or with none its base class's of the module; a class that extends
    // what the build does not follow runs code it does not see.
    const ctor = constructorOf(ctx, value);
    if (ctor) return functionWrites(ctx, ctor);
    return (value as t.Class).superClass
      ? "a class whose base class the build does not follow"
      : { writes: new Map() };
  }
  const fn = b ? functionOfBinding(b) : isFunction(value) ? (value as t.Function) : undefined;
  if (!fn) return "not a function the build reads";
  return functionWrites(ctx, fn);
}

/** The first write (or use not proven a read) of each parameter's object: arg-escape.ts `argumentWrite`, by index. */
export function functionWrites(ctx: Ctx, fn: t.Function): ProvenWrites {
  const writes = new Map<number, Write>(argumentEscapes(ctx, fn));
  for (const [i, w] of paramWrites(ctx, fn)) writes.set(i, w);
  const restAt = fn.params.findIndex((p) => p.type === "RestElement");
  return restAt >= 0 ? { writes, restAt } : { writes };
}

/** The answer as text: what a stored entry of facts computed from it is checked against. */
export function writesDigest(w: ExportWrites | undefined): string {
  if (w === undefined) return "-";
  if (typeof w === "string") return `?${w}`;
  return JSON.stringify([
    w.restAt ?? -1,
    [...w.writes].map(([i, x]) => [i, x.text, x.loc, x.name, x.may ?? "", x.unknownCall ? 1 : 0]),
  ]);
}
