import type { NodePath, types as t } from "@babel/core";
import { MSG } from "../core/messages.js";
import { type Ctx, fail, warn } from "./ctx.js";
import type { SaFunction } from "./model.js";

/**
 * The functions a previous pass already compiled: their marker call is in the file
 * (`_sa.mark(f, …)` after a function, `_sa.mark(this.prototype.m, …)` in a class's static block,
 * `_sa.mark(api.m, …)` after an object).
 */
export function markedTargets(ctx: Ctx, program: NodePath<t.Program>): Set<string> {
  const locals = new Set<string>();
  for (const s of program.node.body) {
    if (s.type === "ImportDeclaration" && s.source.value === ctx.options.runtime) {
      for (const sp of s.specifiers) if (sp.type === "ImportNamespaceSpecifier") locals.add(sp.local.name);
    }
    if (s.type === "VariableDeclaration") {
      for (const d of s.declarations) {
        const init = d.init;
        if (
          d.id.type === "Identifier" &&
          init?.type === "CallExpression" &&
          init.callee.type === "Identifier" &&
          init.callee.name === "require" &&
          init.arguments[0]?.type === "StringLiteral" &&
          init.arguments[0].value === ctx.options.runtime
        ) {
          locals.add(d.id.name);
        }
      }
    }
  }
  const out = new Set<string>();
  if (locals.size === 0) return out;
  program.traverse({
    CallExpression(p) {
      const c = p.node.callee;
      if (
        c.type !== "MemberExpression" ||
        c.object.type !== "Identifier" ||
        !locals.has(c.object.name) ||
        c.property.type !== "Identifier" ||
        c.property.name !== "mark"
      ) {
        return;
      }
      const arg = p.node.arguments[0];
      if (!arg || arg.start == null || arg.end == null) return;
      const text = ctx.code.slice(arg.start, arg.end).replace(/\s+/g, "");
      // Inside a static block, `this` is the class: key it by the class's position.
      const block = p.findParent((q) => q.isStaticBlock());
      out.add(block ? `${block.parentPath!.parentPath!.node.start}:${text}` : text);
    },
  });
  return out;
}

/** Whether a previous pass compiled `fn` (see markedTargets). */
export function isProcessed(fn: SaFunction, marked: Set<string>): boolean {
  if (marked.size === 0) return false;
  if (fn.form === "function" || fn.form === "const") return marked.has(fn.name);
  if (fn.form === "class-method") {
    const key = `${fn.holder!.node.start}:this.${fn.isStatic ? "" : "prototype."}${fn.name}`;
    return marked.has(key);
  }
  const decl = fn.holder!.parentPath;
  const owner =
    decl?.isVariableDeclarator() && decl.node.id.type === "Identifier" ? decl.node.id.name : undefined;
  return owner !== undefined && marked.has(`${owner}.${fn.name}`);
}

/** The declarations a previous pass generated for `fn`: their calls are not planned again. */
export function generatedVariant(fn: SaFunction): t.Node | undefined {
  if (fn.form === "function" || fn.form === "const") {
    const b = fn.stmt!.scope.getBinding(fn.variant);
    return b?.path.node;
  }
  const members =
    fn.form === "class-method"
      ? (fn.holder!.node as t.Class).body.body
      : (fn.holder!.node as t.ObjectExpression).properties;
  return members.find((m) => {
    const key = (m as { key?: t.Node }).key;
    return key?.type === "Identifier" && key.name === fn.variant;
  });
}

/** SA103: the variant's name must be free where it will be declared. */
export function checkClash(ctx: Ctx, fn: SaFunction): void {
  const option = fn.kind === "async" ? "syncSuffix" : "asyncSuffix";
  const at = { loc: { start: { line: fn.loc.line, column: fn.loc.column - 1 } } } as t.Node;
  if (fn.form === "function" || fn.form === "const") {
    if (fn.stmt!.scope.getBinding(fn.variant))
      fail(ctx, "SA103", at, MSG.clash(fn.variant, fn.display, option));
    return;
  }
  const members =
    fn.form === "class-method"
      ? (fn.holder!.node as t.Class).body.body
      : (fn.holder!.node as t.ObjectExpression).properties;
  for (const m of members) {
    const key = (m as { key?: t.Node; computed?: boolean }).key;
    if (!key || (m as { computed?: boolean }).computed) continue;
    const name = key.type === "Identifier" ? key.name : key.type === "StringLiteral" ? key.value : undefined;
    if (name === fn.variant) fail(ctx, "SA103", m, MSG.clash(fn.variant, fn.display, option));
  }
}

/** Module-level `let`/`var` a function reads or writes, or module-level objects it mutates (SA302). */
export function sharedState(fn: SaFunction, program: NodePath<t.Program>): string[] {
  const names = new Set<string>();
  const top = program.scope;
  fn.fn.traverse({
    Identifier(p) {
      if (!p.isReferencedIdentifier()) return;
      const b = p.scope.getBinding(p.node.name);
      if (b && b.scope === top && (b.kind === "let" || b.kind === "var"))
        names.add(`\`${b.kind} ${p.node.name}\``);
    },
    "AssignmentExpression|UpdateExpression"(p) {
      const node = p.node as t.AssignmentExpression | t.UpdateExpression;
      let target: t.Node = node.type === "AssignmentExpression" ? node.left : node.argument;
      if (target.type !== "MemberExpression") return;
      while (target.type === "MemberExpression") target = target.object;
      if (target.type !== "Identifier") return;
      const b = p.scope.getBinding(target.name);
      if (b && b.scope === top && b.kind === "const") names.add(`mutates \`${target.name}\``);
    },
  });
  return [...names];
}

function mentionsIsWorker(node: t.Node, ctx: Ctx): boolean {
  return node.start != null && /\bisWorker\b/.test(ctx.code.slice(node.start, node.end ?? node.start));
}

const QUIET = new Set([
  "ImportDeclaration",
  "ExportNamedDeclaration",
  "ExportAllDeclaration",
  "FunctionDeclaration",
  "ClassDeclaration",
  "VariableDeclaration",
  "EmptyStatement",
  "TSTypeAliasDeclaration",
  "TSInterfaceDeclaration",
  "TSEnumDeclaration",
  "TSModuleDeclaration",
  "TSDeclareFunction",
  "TSImportEqualsDeclaration",
  "TSExportAssignment",
]);

/**
 * SA303: top-level statements with effects (DESIGN §3.6a). Declarations count as set-up a worker
 * needs too (a database handle, a cache), so only statements that *do* something are listed.
 */
export function checkTopLevelEffects(ctx: Ctx, program: NodePath<t.Program>): void {
  const lines: number[] = [];
  let first: t.Node | undefined;
  for (const s of program.node.body) {
    if (QUIET.has(s.type)) continue;
    if (s.type === "ExportDefaultDeclaration" && s.declaration.type !== "CallExpression") continue;
    if (s.type === "IfStatement" && mentionsIsWorker(s.test, ctx)) continue;
    // What a previous pass generated (`_sa.mark(…)`, `_sa.register(…)`, `_sa.explicit(…)`).
    if (
      s.type === "ExpressionStatement" &&
      s.expression.type === "CallExpression" &&
      s.expression.callee.type === "MemberExpression" &&
      s.expression.callee.object.type === "Identifier" &&
      s.expression.callee.property.type === "Identifier" &&
      ["mark", "register", "explicit"].includes(s.expression.callee.property.name)
    ) {
      continue;
    }
    first ??= s;
    if (s.loc) lines.push(s.loc.start.line);
  }
  if (first) warn(ctx, "SA303", first, MSG.topLevelEffects(lines, ctx.options.runtime));
}
