import { readFileSync, statSync } from "node:fs";
import { dirname, posix, relative } from "node:path";
import type { types as t } from "@babel/core";
import { MSG } from "../messages.js";
import { emptyReport } from "../report.js";
import { resolveImport } from "../resolve.js";
import { type Ctx, createCtx, warn } from "./ctx.js";
import type { ModuleGraph } from "./module-graph.js";
import { forEachChild, isFunction, type Node } from "./tree.js";

/**
 * A worker reaches a function by importing its module, and so everything that module imports
 * (DESIGN §3.6a): each module on the way runs its top-level code again in every worker. This
 * pass follows the static imports of a module that holds worker or offloaded functions and warns
 * (SA303) at the import that leads to a module with top-level effects, naming the chain — the
 * program's entry included, when a cycle leads back to it (fixture diagnostics/sa303-import-cycle).
 */

/** Declarations and types: set-up a worker needs, never listed as effects. */
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
 * A test that tells entry code from a worker's import: smartasync's `isWorker`, `isMainThread` of
 * `node:worker_threads`, and the entry checks `require.main === module` and `import.meta.main`
 * (in a worker, the main module is the worker's own script, never this one).
 */
export const WORKER_GUARD = /\b(isWorker|isMainThread)\b|\brequire\.main\b|\bimport\.meta\.main\b/;

/** What a previous smartasync pass generated (`_sa.mark(…)`, `_sa.register(…)`, `_sa.explicit(…)`). */
const GENERATED_CALLS = new Set(["mark", "register", "explicit"]);

function unwrap(n: Node): Node {
  let cur = n;
  while (cur.type === "ParenthesizedExpression" || cur.type === "TSAsExpression")
    cur = (cur as { expression: Node }).expression;
  return cur;
}

/** `exports`, `module.exports`, or a member of either. */
function isExportsTarget(n: Node): boolean {
  let cur = unwrap(n);
  while (cur.type === "MemberExpression") {
    const o = unwrap(cur.object);
    if (
      o.type === "Identifier" &&
      o.name === "module" &&
      !cur.computed &&
      cur.property.type === "Identifier" &&
      cur.property.name === "exports"
    )
      return true;
    cur = o;
  }
  return cur.type === "Identifier" && cur.name === "exports";
}

/**
 * The CommonJS form of `export`: `module.exports = …`, `exports.x = …`, `module.exports.x = …`
 * (chained too) and `Object.defineProperty(exports, …)`. Like an `export` declaration, it is
 * set-up, not an effect (fixture diagnostics/sa303-commonjs-exports).
 */
function isCommonJsExport(e: Node): boolean {
  const x = unwrap(e);
  if (x.type === "SequenceExpression") return x.expressions.every((y) => isCommonJsExport(y as Node));
  if (x.type === "AssignmentExpression") return x.operator === "=" && isExportsTarget(x.left as Node);
  if (x.type === "CallExpression") {
    const c = unwrap(x.callee as Node);
    return (
      c.type === "MemberExpression" &&
      unwrap(c.object).type === "Identifier" &&
      (unwrap(c.object) as t.Identifier).name === "Object" &&
      c.property.type === "Identifier" &&
      (c.property.name === "defineProperty" || c.property.name === "defineProperties") &&
      x.arguments[0] !== undefined &&
      isExportsTarget(x.arguments[0] as Node)
    );
  }
  return false;
}

/**
 * Top-level statements with effects, in source order: what a fresh import runs besides
 * declarations. An `if` whose test is an entry guard (WORKER_GUARD) is the guard itself.
 */
export function topLevelEffects(
  program: t.Program,
  code: string,
  runtime = "smartasync/runtime",
): t.Statement[] {
  const out: t.Statement[] = [];
  // `register(import.meta.url, { NotFound })` written by hand (a class registered like the
  // functions, docs/runtime.md) is set-up too.
  const registers = new Set<string>();
  for (const s of program.body)
    if (s.type === "ImportDeclaration" && s.source.value === runtime)
      for (const sp of s.specifiers)
        if (
          sp.type === "ImportSpecifier" &&
          (sp.imported.type === "Identifier" ? sp.imported.name : sp.imported.value) === "register"
        )
          registers.add(sp.local.name);
  for (const s of program.body) {
    // A class `static {}` block is statements that run at import, like any other (attack 13, F32).
    if (hasStaticBlock(s)) {
      out.push(s);
      continue;
    }
    if (QUIET.has(s.type)) continue;
    if (s.type === "ExportDefaultDeclaration" && s.declaration.type !== "CallExpression") continue;
    if (
      s.type === "IfStatement" &&
      s.test.start != null &&
      WORKER_GUARD.test(code.slice(s.test.start, s.test.end ?? s.test.start))
    )
      continue;
    if (s.type === "ExpressionStatement") {
      const e = s.expression;
      if (
        e.type === "CallExpression" &&
        e.callee.type === "MemberExpression" &&
        e.callee.object.type === "Identifier" &&
        e.callee.property.type === "Identifier" &&
        GENERATED_CALLS.has(e.callee.property.name)
      )
        continue;
      if (isCommonJsExport(e)) continue;
      if (e.type === "CallExpression" && e.callee.type === "Identifier" && registers.has(e.callee.name))
        continue;
      // A directive-like string (`"use client"` after the prologue) does nothing.
      if (e.type === "StringLiteral") continue;
    }
    out.push(s);
  }
  return out;
}

/** Whether a module-level class declaration (exported or not) has a non-empty `static {}` block. */
function hasStaticBlock(s: t.Statement): boolean {
  const decl =
    s.type === "ExportNamedDeclaration" || s.type === "ExportDefaultDeclaration" ? s.declaration : s;
  if (decl?.type !== "ClassDeclaration") return false;
  return decl.body.body.some((m) => m.type === "StaticBlock" && m.body.length > 0);
}

/** Whether a file's own syntax is CommonJS (generated imports are `require` calls there). */
export function isCommonJsSource(program: t.Program, filename: string | undefined, code: string): boolean {
  const hasEsm = program.body.some(
    (s) =>
      s.type === "ImportDeclaration" ||
      s.type === "ExportNamedDeclaration" ||
      s.type === "ExportDefaultDeclaration" ||
      s.type === "ExportAllDeclaration",
  );
  return (
    program.sourceType === "script" ||
    /\.c[jt]s$/.test(filename ?? "") ||
    (!hasEsm && /\b(require\s*\(|module\.exports|exports\.)/.test(code))
  );
}

/** Specifiers a module imports when it is evaluated: static imports, re-exports, top-level `require`. */
function staticImports(program: t.Program): { specifier: string; at: Node }[] {
  const out: { specifier: string; at: Node }[] = [];
  for (const s of program.body) {
    if (s.type === "ImportDeclaration") {
      if (s.importKind !== "type" && s.importKind !== "typeof")
        out.push({ specifier: s.source.value, at: s });
    } else if ((s.type === "ExportNamedDeclaration" || s.type === "ExportAllDeclaration") && s.source) {
      if (s.exportKind !== "type") out.push({ specifier: s.source.value, at: s });
    } else if (
      s.type === "TSImportEqualsDeclaration" &&
      s.importKind !== "type" &&
      s.moduleReference.type === "TSExternalModuleReference"
    ) {
      out.push({ specifier: s.moduleReference.expression.value, at: s });
    }
  }
  // `require(…)` outside functions runs at import time too.
  for (const s of program.body) {
    const walk = (n: Node): void => {
      if (isFunction(n)) return;
      if (
        n.type === "CallExpression" &&
        n.callee.type === "Identifier" &&
        n.callee.name === "require" &&
        n.arguments[0]?.type === "StringLiteral"
      )
        out.push({ specifier: n.arguments[0].value, at: s });
      forEachChild(n, walk);
    };
    walk(s);
  }
  return out;
}

/** What this pass needs of a module it reads: its effects, its syntax, its imports. */
interface ImportedModule {
  lines: number[];
  cjs: boolean;
  imports: string[];
}

const caches = new WeakMap<
  ModuleGraph,
  Map<string, { mtimeMs: number; size: number; module: ImportedModule | undefined }>
>();

/** Reads and parses an imported module once per content (path, mtime, size) for the graph's life. */
function moduleAt(graph: ModuleGraph, path: string): ImportedModule | undefined {
  let cache = caches.get(graph);
  if (!cache) {
    cache = new Map();
    caches.set(graph, cache);
  }
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return undefined;
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.module;
  let module: ImportedModule | undefined;
  try {
    const code = readFileSync(path, "utf8");
    const parsed = graph.parse(code, path);
    module = {
      lines: topLevelEffects(parsed.program, code)
        .map((s) => s.loc?.start.line)
        .filter((l): l is number => l !== undefined),
      cjs: isCommonJsSource(parsed.program, path, code),
      imports: staticImports(parsed.program).map((i) => i.specifier),
    };
  } catch {
    // A module that cannot be read or parsed: SA204 speaks of it where it matters.
    module = undefined;
  }
  cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, module });
  return module;
}

const ctxCaches = new WeakMap<
  ModuleGraph,
  Map<string, { mtimeMs: number; size: number; ctx: Ctx | undefined }>
>();

/**
 * An imported module of the program as a context of its own (its tree and scopes, for the rules
 * that look one module deep: SA302 across an import), read and parsed once per content for the
 * graph's life. Its locations are named as `from`'s are (relative to the same root).
 */
export function importedCtx(from: Ctx, path: string): Ctx | undefined {
  const graph = from.graph;
  if (!graph || !from.filename) return undefined;
  let cache = ctxCaches.get(graph);
  if (!cache) {
    cache = new Map();
    ctxCaches.set(graph, cache);
  }
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return undefined;
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.ctx;
  let ctx: Ctx | undefined;
  try {
    const code = readFileSync(path, "utf8");
    const parsed = graph.parse(code, path);
    const rel = relative(dirname(from.filename), path).split("\\").join("/");
    const fileName = posix.normalize(posix.join(posix.dirname(from.fileName), rel));
    ctx = createCtx({
      options: from.options,
      fileName,
      filename: path,
      code,
      report: emptyReport(fileName),
      program: parsed.program,
      comments: parsed.comments,
      graph,
      error: (message) => new Error(message),
    });
  } catch {
    // A module that cannot be read or parsed: SA204 speaks of it where it matters.
    ctx = undefined;
  }
  cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, ctx });
  return ctx;
}

/** How many modules one file's imports are followed through, at most. */
const MAX_MODULES = 2000;

/** The program's own module file an import names (not a package, not the runtime), if any. */
export function fileOf(specifier: string, from: string, runtime: string): string | undefined {
  if (specifier === runtime || specifier.startsWith(`${runtime}/`)) return undefined;
  let r: ReturnType<typeof resolveImport>;
  try {
    r = resolveImport(specifier, from);
  } catch {
    return undefined;
  }
  if (r?.kind !== "file" || /[\\/]node_modules[\\/]/.test(r.path)) return undefined;
  // Only modules of code: `import "./style.css"` or a JSON file is for a bundler, not read here.
  if (!/\.[cm]?[jt]sx?$/.test(r.path)) return undefined;
  return r.path;
}

/**
 * SA303 for what a worker imports along with the module (breadth first, so each module is named
 * by its shortest chain; each is named once, at the import of this file that leads to it).
 */
export function checkWorkerImports(ctx: Ctx): void {
  const graph = ctx.graph;
  const self = ctx.filename;
  if (!graph || !self) return;
  const runtime = ctx.options.runtime;
  const show = (path: string): string => {
    const rel = relative(dirname(self), path).split("\\").join("/");
    return rel.startsWith(".") ? rel : `./${rel}`;
  };
  const seen = new Set<string>([self]);
  const queue: { path: string; chain: string[]; at: Node }[] = [];
  for (const { specifier, at } of staticImports(ctx.program)) {
    const path = fileOf(specifier, self, runtime);
    if (!path || seen.has(path)) continue;
    seen.add(path);
    queue.push({ path, chain: [show(path)], at });
  }
  for (let i = 0; i < queue.length && i < MAX_MODULES; i++) {
    const { path, chain, at } = queue[i];
    const m = moduleAt(graph, path);
    if (!m) continue;
    if (m.lines.length) warn(ctx, "SA303", at, MSG.importedEffects(chain, m.lines, runtime, m.cjs));
    for (const specifier of m.imports) {
      const next = fileOf(specifier, path, runtime);
      if (!next || seen.has(next)) continue;
      seen.add(next);
      queue.push({ path: next, chain: [...chain, show(next)], at });
    }
  }
}
