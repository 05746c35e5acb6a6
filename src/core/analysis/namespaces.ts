import type { Ctx } from "./ctx.js";

/**
 * The local name of the file's own `import * as ns from source`, when generated code may use it:
 * only where no inner scope declares the same name, since a generated `ns.readFileSync(...)`
 * inside a function whose parameter is called `ns` would call the parameter (security review:
 * `load(path, fs)` read from a caller's in-memory `fs`; fixture twins/shadowed-namespace).
 */
export function reusableNamespace(ctx: Ctx, source: string): string | undefined {
  for (const st of ctx.tree.program.body) {
    if (st.type !== "ImportDeclaration" || st.source.value !== source || st.importKind === "type") continue;
    const ns = st.specifiers.find((x) => x.type === "ImportNamespaceSpecifier");
    if (ns) return ctx.scopes.declaredBelowProgram(ns.local.name) ? undefined : ns.local.name;
  }
  return undefined;
}
