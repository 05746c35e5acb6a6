import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import { at as atPos, type Ctx, fail, keyName, sourceOf, warn } from "./ctx.js";
import type { SaFunction } from "./model.js";
import { isReference } from "./scope.js";
import type { Node } from "./tree.js";

/** Local names the file gives the runtime module (`import * as _sa`, `const _sa = require(…)`). */
function runtimeLocals(ctx: Ctx): Set<string> {
  const locals = new Set<string>();
  for (const s of ctx.program.body) {
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
  return locals;
}

/**
 * The functions a previous pass already compiled: their marker call is in the file
 * (`_sa.mark(f, …)` after a function, `_sa.mark(this.prototype.m, …)` in a class's static block,
 * `_sa.mark(api.m, …)` after an object).
 */
export function markedTargets(ctx: Ctx): Set<string> {
  const locals = runtimeLocals(ctx);
  const out = new Set<string>();
  if (locals.size === 0) return out;
  for (const call of ctx.tree.calls) {
    const c = call.callee;
    if (
      c.type !== "MemberExpression" ||
      c.object.type !== "Identifier" ||
      !locals.has(c.object.name) ||
      c.property.type !== "Identifier" ||
      c.property.name !== "mark"
    ) {
      continue;
    }
    const arg = call.arguments[0];
    if (!arg || arg.start == null || arg.end == null) continue;
    const text = sourceOf(ctx, arg).replace(/\s+/g, "");
    // Inside a static block, `this` is the class: key it by the class's position.
    const block = ctx.tree.findParent(call, (q) => q.type === "StaticBlock");
    out.add(block ? `${ctx.tree.parent(ctx.tree.parent(block)!)!.start}:${text}` : text);
  }
  return out;
}

function ownerName(ctx: Ctx, fn: SaFunction): string | undefined {
  const decl = ctx.tree.parent(fn.holder!);
  return decl?.type === "VariableDeclarator" && decl.id.type === "Identifier" ? decl.id.name : undefined;
}

/** Whether a previous pass compiled `fn` (see markedTargets). */
export function isProcessed(ctx: Ctx, fn: SaFunction, marked: Set<string>): boolean {
  if (marked.size === 0) return false;
  if (fn.form === "function" || fn.form === "const") return marked.has(fn.name);
  if (fn.form === "class-method")
    return marked.has(`${fn.holder!.start}:this.${fn.isStatic ? "" : "prototype."}${fn.name}`);
  const owner = ownerName(ctx, fn);
  return owner !== undefined && marked.has(`${owner}.${fn.name}`);
}

function members(fn: SaFunction): Node[] {
  return fn.form === "class-method"
    ? (fn.holder as t.Class).body.body
    : (fn.holder as t.ObjectExpression).properties;
}

/** The declarations a previous pass generated for `fn`: their calls are not planned again. */
export function generatedVariant(ctx: Ctx, fn: SaFunction): Node | undefined {
  if (fn.form === "function" || fn.form === "const") return ctx.scopes.binding(fn.stmt!, fn.variant)?.node;
  return members(fn).find((m) => {
    const key = (m as { key?: Node }).key;
    return key?.type === "Identifier" && key.name === fn.variant;
  });
}

/** SA103: the variant's name must be free where it will be declared. */
export function checkClash(ctx: Ctx, fn: SaFunction): void {
  const option = fn.kind === "async" ? "syncSuffix" : "asyncSuffix";
  if (fn.form === "function" || fn.form === "const") {
    if (ctx.scopes.binding(fn.stmt!, fn.variant))
      fail(ctx, "SA103", atPos(fn.loc), MSG.clash(fn.variant, fn.display, option));
    return;
  }
  for (const m of members(fn)) {
    const member = m as { key?: Node; computed?: boolean };
    if (!member.key || member.computed) continue;
    if (keyName(member as { key: Node }) === fn.variant)
      fail(ctx, "SA103", m, MSG.clash(fn.variant, fn.display, option));
  }
}

/** Module-level `let`/`var` a function reads or writes, or module-level objects it mutates (SA302). */
export function sharedState(ctx: Ctx, fn: SaFunction): string[] {
  const names = new Set<string>();
  const top = ctx.scopes.program;
  ctx.tree.walk(fn.fn, (n) => {
    if (n === fn.fn) return undefined;
    if (n.type === "Identifier") {
      if (!isReference(n, ctx.tree)) return undefined;
      const b = ctx.scopes.binding(n, n.name);
      if (b && b.scope === top && (b.kind === "let" || b.kind === "var"))
        names.add(`\`${b.kind} ${n.name}\``);
      return undefined;
    }
    if (n.type === "AssignmentExpression" || n.type === "UpdateExpression") {
      let target: Node = n.type === "AssignmentExpression" ? n.left : n.argument;
      if (target.type !== "MemberExpression") return undefined;
      while (target.type === "MemberExpression") target = target.object;
      if (target.type !== "Identifier") return undefined;
      const b = ctx.scopes.binding(n, target.name);
      if (b && b.scope === top && b.kind === "const") names.add(`mutates \`${target.name}\``);
    }
    return undefined;
  });
  return [...names];
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

const GENERATED_CALLS = new Set(["mark", "register", "explicit"]);

/**
 * SA303: top-level statements with effects (DESIGN §3.6a). Declarations count as set-up a worker
 * needs too (a database handle, a cache), so only statements that *do* something are listed.
 */
export function checkTopLevelEffects(ctx: Ctx): void {
  const lines: number[] = [];
  let first: Node | undefined;
  for (const s of ctx.program.body) {
    if (QUIET.has(s.type)) continue;
    if (s.type === "ExportDefaultDeclaration" && s.declaration.type !== "CallExpression") continue;
    if (s.type === "IfStatement" && /\bisWorker\b/.test(sourceOf(ctx, s.test))) continue;
    // What a previous pass generated (`_sa.mark(…)`, `_sa.register(…)`, `_sa.explicit(…)`).
    if (
      s.type === "ExpressionStatement" &&
      s.expression.type === "CallExpression" &&
      s.expression.callee.type === "MemberExpression" &&
      s.expression.callee.object.type === "Identifier" &&
      s.expression.callee.property.type === "Identifier" &&
      GENERATED_CALLS.has(s.expression.callee.property.name)
    ) {
      continue;
    }
    first ??= s;
    if (s.loc) lines.push(s.loc.start.line);
  }
  if (first) warn(ctx, "SA303", first, MSG.topLevelEffects(lines, ctx.options.runtime));
}
