import type { Node, Tree } from "./tree.js";

/**
 * Where the markers of the methods of a class or object literal go, for both emitters, on the
 * original and in inline copies alike: in a `static {}` block of the class; after the statement
 * that binds the object to a name (`const api = { … }` in a program, a block, a `case` or an
 * `export`); else around the object where it is created (`(o => (mark(o.m, …), o))({ … })`).
 */
export type MarkerPlace =
  | { kind: "class" }
  | { kind: "after"; statement: Node; name: string }
  | { kind: "wrap" };

export function markerPlace(tree: Tree, holder: Node): MarkerPlace {
  if (holder.type === "ClassDeclaration" || holder.type === "ClassExpression") return { kind: "class" };
  const decl = tree.parent(holder);
  const declaration = decl && tree.parent(decl);
  const container = declaration && tree.parent(declaration);
  if (
    decl?.type === "VariableDeclarator" &&
    decl.init === holder &&
    decl.id.type === "Identifier" &&
    container &&
    (container.type === "Program" ||
      container.type === "BlockStatement" ||
      container.type === "SwitchCase" ||
      container.type === "ExportNamedDeclaration")
  ) {
    return {
      kind: "after",
      statement: container.type === "ExportNamedDeclaration" ? container : declaration!,
      name: decl.id.name,
    };
  }
  return { kind: "wrap" };
}
