import type { types as t } from "@babel/core";
import { type ImportedCallee, isTwinModule } from "../twins.js";
import type { Ctx } from "./ctx.js";
import type { Node } from "./tree.js";
import { requireSource, strip } from "./view.js";

/** How many `const` aliases are followed (`const a = fs.promises; const b = a; …`). */
const MAX_ALIASES = 8;

/**
 * Follows a callee to a module that has sync twins and collects the member path: imports (named,
 * default, namespace), `require(...)` and its destructuring, `require("fs").promises.x`, and
 * `const` aliases of those (`const fsp = fs.promises`, `const { readFile } = fs.promises`).
 * Anything else (a `let`, a conditional, a computed member) is not followed.
 */
export function importedCallee(ctx: Ctx, callee: Node, anyModule = false): ImportedCallee | undefined {
  return follow(ctx, callee, [], 0, anyModule ? () => true : (m) => isTwinModule(m, ctx.options));
}

function follow(
  ctx: Ctx,
  expr: Node,
  after: string[],
  depth: number,
  wanted: (module: string) => boolean,
): ImportedCallee | undefined {
  if (depth > MAX_ALIASES) return undefined;
  const members = [...after];
  let node = strip(expr);
  while (node.type === "MemberExpression" || node.type === "OptionalMemberExpression") {
    if (node.computed && node.property.type !== "StringLiteral") return undefined;
    members.unshift(
      node.property.type === "Identifier" ? node.property.name : (node.property as t.StringLiteral).value,
    );
    node = strip(node.object as Node);
  }
  const required = requireSource(ctx.scopes, node);
  if (required !== undefined) {
    return wanted(required) ? { module: required, path: members } : undefined;
  }
  if (node.type !== "Identifier") return undefined;
  const binding = ctx.scopes.binding(node, node.name);
  if (!binding) return undefined;
  const b = binding.node;
  if (
    b.type === "ImportSpecifier" ||
    b.type === "ImportDefaultSpecifier" ||
    b.type === "ImportNamespaceSpecifier"
  ) {
    const source = (ctx.tree.parent(b) as t.ImportDeclaration).source.value;
    if (!wanted(source)) return undefined;
    if ((ctx.tree.parent(b) as t.ImportDeclaration).importKind === "type") return undefined;
    if (b.type === "ImportSpecifier") {
      const name = b.imported.type === "Identifier" ? b.imported.name : b.imported.value;
      return { module: source, path: [name, ...members] };
    }
    return b.type === "ImportDefaultSpecifier"
      ? { module: source, path: members, via: "default" }
      : { module: source, path: members };
  }
  if (b.type !== "VariableDeclarator" || binding.kind !== "const" || !b.init) return undefined;
  // const fs = require("fs"); const fsp = fs.promises
  if (b.id.type === "Identifier") return follow(ctx, b.init as Node, members, depth + 1, wanted);
  // const { readFile } = require("fs/promises"); const { stat } = fs.promises
  if (b.id.type === "ObjectPattern") {
    for (const p of b.id.properties) {
      if (p.type === "ObjectProperty" && p.value.type === "Identifier" && p.value.name === node.name) {
        const key =
          p.computed && p.key.type !== "StringLiteral"
            ? undefined
            : p.key.type === "Identifier"
              ? p.key.name
              : p.key.type === "StringLiteral"
                ? p.key.value
                : undefined;
        if (key !== undefined) return follow(ctx, b.init as Node, [key, ...members], depth + 1, wanted);
      }
    }
  }
  return undefined;
}
