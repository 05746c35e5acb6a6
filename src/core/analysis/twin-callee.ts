import type { types as t } from "@babel/core";
import { type ImportedCallee, isTwinModule } from "../twins.js";
import type { Ctx } from "./ctx.js";
import { requireSource } from "./imported.js";
import type { Node } from "./tree.js";

/** Follows an identifier to an import (ESM or `require`) and collects the member path. */
export function importedCallee(ctx: Ctx, callee: Node): ImportedCallee | undefined {
  const members: string[] = [];
  let node = callee;
  while (node.type === "MemberExpression" || node.type === "OptionalMemberExpression") {
    if (node.computed && node.property.type !== "StringLiteral") return undefined;
    members.unshift(
      node.property.type === "Identifier" ? node.property.name : (node.property as t.StringLiteral).value,
    );
    node = node.object;
  }
  if (node.type !== "Identifier") return undefined;
  const binding = ctx.scopes.binding(callee, node.name);
  if (!binding) return undefined;
  const b = binding.node;
  if (
    b.type === "ImportSpecifier" ||
    b.type === "ImportDefaultSpecifier" ||
    b.type === "ImportNamespaceSpecifier"
  ) {
    const source = (ctx.tree.parent(b) as t.ImportDeclaration).source.value;
    if (!isTwinModule(source, ctx.options)) return undefined;
    if (b.type === "ImportSpecifier") {
      const name = b.imported.type === "Identifier" ? b.imported.name : b.imported.value;
      return { module: source, path: [name, ...members] };
    }
    return { module: source, path: members };
  }
  // const fs = require("fs"); const { readFile } = require("fs/promises")
  if (b.type === "VariableDeclarator" && binding.kind === "const") {
    const source = requireSource(b.init);
    if (source === undefined || !isTwinModule(source, ctx.options)) return undefined;
    if (b.id.type === "Identifier") return { module: source, path: members };
    if (b.id.type === "ObjectPattern") {
      for (const p of b.id.properties) {
        if (p.type === "ObjectProperty" && p.value.type === "Identifier" && p.value.name === node.name) {
          const key =
            p.key.type === "Identifier"
              ? p.key.name
              : p.key.type === "StringLiteral"
                ? p.key.value
                : undefined;
          if (key !== undefined) return { module: source, path: [key, ...members] };
        }
      }
    }
  }
  return undefined;
}
