import { isBuiltin } from "node:module";
import type { Ctx } from "./ctx.js";

/**
 * Whether a generated import of `source` goes before the file's own imports: the runtime's and a
 * built-in module's, whose evaluation nothing in the program can observe, so that a variant
 * called while an import cycle is still evaluating (before the module's later imports ran) finds
 * them initialised (attack30 F02; fixture modules/cycle-runtime-first). An import of any other
 * module stays after the file's own: moving it would change the order user modules evaluate in.
 */
export function importedFirst(ctx: Ctx, source: string): boolean {
  return source === ctx.options.runtime || isBuiltin(source);
}

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
