import type { NodePath, types as t } from "@babel/core";

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

function isModuleExports(n: t.Node): boolean {
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
function isExportsObject(n: t.Node): boolean {
  return (n.type === "Identifier" && n.name === "exports") || isModuleExports(n);
}

/** Indexes, once per file, how module-level names are exported apart from their declaration. */
export function indexExports(program: NodePath<t.Program>): Map<string, ExportUse> {
  const out = new Map<string, ExportUse>();
  const use = (name: string): ExportUse => {
    const u = out.get(name) ?? { specifiers: [], isDefault: false, cjs: [] };
    out.set(name, u);
    return u;
  };
  for (const s of program.node.body) {
    if (s.type === "ExportNamedDeclaration" && !s.source && !s.declaration) {
      for (const sp of s.specifiers) {
        if (sp.type === "ExportSpecifier" && sp.local.type === "Identifier") {
          const exported = sp.exported.type === "Identifier" ? sp.exported.name : sp.exported.value;
          use(sp.local.name).specifiers.push({ decl: s, exported });
        }
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
