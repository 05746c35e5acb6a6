import type { types as t } from "@babel/core";
import { type Code, formatLoc, type Position, severityOf } from "../diagnostics.js";
import type { Options } from "../options.js";
import type { Report } from "../report.js";
import { Scopes } from "./scope.js";
import { type Closing, type Node, Tree } from "./tree.js";

export type Located = { loc?: t.SourceLocation | null; start?: number | null; end?: number | null };

/** Per-file state of one analysis: options, the report, the tree, and how to fail. */
export interface Ctx {
  options: Options;
  /** Report path of this file, relative to the root. */
  fileName: string;
  /** Absolute path of the file, when there is one (imports are resolved from it). */
  filename: string | undefined;
  code: string;
  report: Report;
  program: t.Program;
  /** Parent links, built on first use (files on the fast path never need them). */
  readonly tree: Tree;
  /** Bindings of every scope, built on first use. */
  readonly scopes: Scopes;
  /** Every comment of the file, in source order. */
  comments: readonly t.Comment[];
  /** Facts of imported modules (absent when a module is scanned on its own). */
  graph?: import("./module-graph.js").ModuleGraph;
  /** Smartasync functions imported into this file, by local binding. */
  imported?: import("./imported.js").ImportedFns;
  /** The compiler's located error (message plus code frame) for `node`. */
  error(message: string, node: Located | null): Error;
  /** Functions the tree may leave closed (tree.ts `Closing`); absent: the whole tree. */
  closing?: Closing;
}

export function posOf(node: Located): Position | undefined {
  const start = node.loc?.start;
  return start ? { line: start.line, column: start.column + 1 } : undefined;
}

export function locOf(ctx: Ctx, node: Located): string {
  return formatLoc(ctx.fileName, posOf(node));
}

/** A location-only stand-in for a node, for diagnostics at a remembered position. */
export function at(pos: Position): Located {
  return { loc: { start: { line: pos.line, column: pos.column - 1 } } as t.SourceLocation };
}

/** Throws the diagnostic as the compiler's error, with its code frame at `node`. */
export function fail(ctx: Ctx, code: Code, node: Located, message: string): never {
  const full = `${code}: ${message} (${locOf(ctx, node)})`;
  const err = ctx.error(full, node);
  Object.assign(err, { code, smartasync: { code, loc: locOf(ctx, node) } });
  err.name = "SmartAsyncError";
  throw err;
}

/** Records a warning or hint in the report; under `strict` a warning is an error instead. */
export function warn(ctx: Ctx, code: Code, node: Located, message: string): void {
  const severity = severityOf(code, ctx.options.strict);
  if (severity === "error") fail(ctx, code, node, message);
  ctx.report.diagnostics.push({ code, severity, message, loc: locOf(ctx, node) });
}

/** Source text of a node, for messages and reasons (`fetch(...)`). */
export function sourceOf(ctx: Ctx, node: Node): string {
  return node.start != null && node.end != null ? ctx.code.slice(node.start, node.end) : "";
}

/** `load(...)`: a call written the short way, as messages quote it. */
export function callText(
  ctx: Ctx,
  call: t.CallExpression | t.OptionalCallExpression | t.NewExpression,
): string {
  const text = sourceOf(ctx, call.callee);
  // `(async () => 3)()`, not `async () => 3()`.
  const callee = /Function|Class/.test(call.callee.type) ? `(${text})` : text;
  return `${call.type === "NewExpression" ? "new " : ""}${callee}(${call.arguments.length ? "..." : ""})`;
}

/** The static name of a property key (`a`, `"a"`, `["a"]`), else undefined. */
export function keyName(node: { key: Node; computed?: boolean }): string | undefined {
  if (node.computed) return node.key.type === "StringLiteral" ? node.key.value : undefined;
  if (node.key.type === "Identifier") return node.key.name;
  if (node.key.type === "StringLiteral") return node.key.value;
  return undefined;
}

/** A context whose tree and scopes are built on first use, by one walk. */
export function createCtx(init: Omit<Ctx, "tree" | "scopes">): Ctx {
  let built: { tree: Tree; scopes: Scopes } | undefined;
  const build = () => {
    if (!built) {
      const tree = new Tree(init.program, init.closing);
      built = { tree, scopes: new Scopes(tree) };
    }
    return built;
  };
  // defineProperties, not Object.assign: assign would call the getters and build the tree of
  // every file, the fast path's included.
  return Object.defineProperties(init, {
    tree: { get: () => build().tree, enumerable: true },
    scopes: { get: () => build().scopes, enumerable: true },
  }) as Ctx;
}
