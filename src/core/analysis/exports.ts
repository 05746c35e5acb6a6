import type { types as t } from "@babel/core";
import type { ExportFact, ModuleFacts } from "../module-facts.js";
import { exportedVariant } from "../naming.js";
import type { FunctionKind } from "../strategy.js";
import type { Ctx } from "./ctx.js";
import type { ImportedFns } from "./imported.js";
import type { SaFunction } from "./model.js";
import type { Node } from "./tree.js";

/** How a module-level name is exported apart from its own declaration. */
export interface ExportUse {
  /** `export { f as g }`: the declaration and the exported name. */
  specifiers: { decl: t.ExportNamedDeclaration; exported: string }[];
  /** `export default f`. */
  isDefault: boolean;
  /** CommonJS: `module.exports = { f }` (the object) or `exports.g = f` (the statement). */
  cjs: (
    | { kind: "object"; obj: t.ObjectExpression; exported: string }
    | { kind: "assign"; stmt: t.Statement; exported: string; target: t.Expression }
  )[];
}

function isModuleExports(n: Node): boolean {
  return (
    n.type === "MemberExpression" &&
    n.object.type === "Identifier" &&
    n.object.name === "module" &&
    !n.computed &&
    n.property.type === "Identifier" &&
    n.property.name === "exports"
  );
}

/** `exports` or `module.exports`, the object CommonJS exports hang on. */
function isExportsObject(n: Node): boolean {
  return (n.type === "Identifier" && n.name === "exports") || isModuleExports(n);
}

export function specifierNames(sp: t.ExportSpecifier): { local: string; exported: string } {
  const local = sp.local.type === "Identifier" ? sp.local.name : (sp.local as t.StringLiteral).value;
  const exported = sp.exported.type === "Identifier" ? sp.exported.name : sp.exported.value;
  return { local, exported };
}

/** Indexes, once per file, how module-level names are exported apart from their declaration. */
export function indexExports(program: t.Program): Map<string, ExportUse> {
  const out = new Map<string, ExportUse>();
  const use = (name: string): ExportUse => {
    const u = out.get(name) ?? { specifiers: [], isDefault: false, cjs: [] };
    out.set(name, u);
    return u;
  };
  for (const s of program.body) {
    if (s.type === "ExportNamedDeclaration" && !s.source && !s.declaration) {
      for (const sp of s.specifiers) {
        if (sp.type === "ExportSpecifier" && sp.local.type === "Identifier")
          use(sp.local.name).specifiers.push({ decl: s, exported: specifierNames(sp).exported });
      }
    }
    if (s.type === "ExportDefaultDeclaration" && s.declaration.type === "Identifier")
      use(s.declaration.name).isDefault = true;
    if (s.type !== "ExpressionStatement" || s.expression.type !== "AssignmentExpression") continue;
    const { left, right } = s.expression;
    // module.exports = { f, g: h }
    if (isModuleExports(left) && right.type === "ObjectExpression") {
      for (const p of right.properties) {
        if (p.type !== "ObjectProperty" || p.computed || p.value.type !== "Identifier") continue;
        const key =
          p.key.type === "Identifier" ? p.key.name : p.key.type === "StringLiteral" ? p.key.value : undefined;
        if (key !== undefined) use(p.value.name).cjs.push({ kind: "object", obj: right, exported: key });
      }
    }
    // exports.g = f; module.exports.g = f
    if (
      left.type === "MemberExpression" &&
      !left.computed &&
      left.property.type === "Identifier" &&
      isExportsObject(left.object) &&
      right.type === "Identifier"
    ) {
      use(right.name).cjs.push({
        kind: "assign",
        stmt: s,
        exported: left.property.name,
        target: left.object as t.Expression,
      });
    }
  }
  return out;
}

/** Every name under which `local` is exported, ESM and CommonJS alike. */
export function exportedNames(use: ExportUse | undefined): string[] {
  if (!use) return [];
  return [
    ...use.specifiers.map((s) => s.exported),
    ...(use.isDefault ? ["default"] : []),
    ...use.cjs.map((c) => c.exported),
  ];
}

/** The name a function is exported under by its own declaration (`export default function`). */
export function declaredExportName(fn: SaFunction): string {
  return fn.stmt!.type === "ExportDefaultDeclaration" ? "default" : fn.name;
}

/** What this file exports that is smartasync, its own functions and what it re-exports. */
export function factsOfFile(
  ctx: Ctx,
  fns: SaFunction[],
  imported: ImportedFns,
  uses: Map<string, ExportUse>,
): ModuleFacts {
  const { options } = ctx;
  const exports = new Map<string, ExportFact>();
  const methods = new Map<string, Set<FunctionKind>>();
  for (const fn of fns) {
    if (fn.form === "class-method" || fn.form === "object-method") {
      methods.set(fn.name, new Set([...(methods.get(fn.name) ?? []), fn.kind]));
      continue;
    }
    const names = exportedNames(uses.get(fn.name));
    if (fn.exportDecl) names.push(declaredExportName(fn));
    for (const name of names) {
      exports.set(name, {
        name: fn.display,
        kind: fn.kind,
        variant: exportedVariant(name, fn.name, fn.variant, fn.kind, options),
        ...(fn.kind === "async"
          ? { syncStrategy: fn.syncPlan!.strategy }
          : { asyncStrategy: fn.asyncStrategy }),
        from: ctx.fileName,
      });
    }
  }
  // Re-exports carry the facts of the modules they come from.
  for (const s of ctx.program.body) {
    if ((s.type !== "ExportNamedDeclaration" && s.type !== "ExportAllDeclaration") || !s.source) continue;
    const facts = imported.factsOf(s.source.value);
    for (const [m, kinds] of facts.methods) methods.set(m, new Set([...(methods.get(m) ?? []), ...kinds]));
    if (s.type === "ExportAllDeclaration") {
      for (const [name, fact] of facts.exports)
        if (name !== "default" && !exports.has(name)) exports.set(name, fact);
      continue;
    }
    for (const sp of s.specifiers) {
      if (sp.type !== "ExportSpecifier") continue;
      const { local, exported } = specifierNames(sp);
      const fact = facts.exports.get(local);
      if (!fact) continue;
      exports.set(exported, {
        ...fact,
        variant: exportedVariant(exported, local, fact.variant, fact.kind, options),
      });
    }
  }
  return { exports, methods };
}

/** `export { f } from "./a"` gains `fSync`: a variant specifier to add to a re-export. */
export interface ReExportVariant {
  decl: t.ExportNamedDeclaration;
  local: string;
  exported: string;
}

/**
 * A file that re-exports smartasync functions by name re-exports their variants too
 * (`export { f } from "./a"` → `export { f, fSync } from "./a"`); `export *` needs nothing.
 */
export function reExportVariants(ctx: Ctx, imported: ImportedFns): ReExportVariant[] {
  const out: ReExportVariant[] = [];
  for (const s of ctx.program.body) {
    if (s.type !== "ExportNamedDeclaration" || !s.source || s.exportKind === "type") continue;
    const facts = imported.factsOf(s.source.value);
    const names = new Set(
      s.specifiers.map((sp) => (sp.exported.type === "Identifier" ? sp.exported.name : sp.exported.value)),
    );
    for (const sp of s.specifiers) {
      if (sp.type !== "ExportSpecifier") continue;
      const { local, exported } = specifierNames(sp);
      const fact = facts.exports.get(local);
      if (!fact) continue;
      const as = exportedVariant(exported, local, fact.variant, fact.kind, ctx.options);
      if (names.has(as)) continue;
      names.add(as);
      out.push({ decl: s, local: fact.variant, exported: as });
    }
  }
  return out;
}
