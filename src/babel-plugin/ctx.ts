import type { File, types as t } from "@babel/core";
import { type Code, formatLoc, type Position, severityOf } from "../core/diagnostics.js";
import type { Options } from "../core/options.js";
import type { Report } from "../core/report.js";

type Located = { loc?: t.SourceLocation | null };

/** Per-file state of one transform: options, the report, and how to fail with a code frame. */
export interface Ctx {
  t: typeof t;
  options: Options;
  file: File;
  /** Report path of this file, relative to the root. */
  fileName: string;
  code: string;
  report: Report;
  /** Facts of imported modules (absent when a module is scanned on its own). */
  graph?: import("./module-graph.js").ModuleGraph;
  /** Smartasync functions imported into this file, by local binding. */
  imported?: import("./imported.js").ImportedFns;
}

export function posOf(node: Located): Position | undefined {
  const start = node.loc?.start;
  return start ? { line: start.line, column: start.column + 1 } : undefined;
}

export function locOf(ctx: Ctx, node: Located): string {
  return formatLoc(ctx.fileName, posOf(node));
}

/** Throws the diagnostic as an error with Babel's code frame at `node`. */
export function fail(ctx: Ctx, code: Code, node: Located, message: string): never {
  const full = `${code}: ${message} (${locOf(ctx, node)})`;
  const err = ctx.file.buildCodeFrameError(node as t.Node, full);
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
export function sourceOf(ctx: Ctx, node: t.Node): string {
  return node.start != null && node.end != null ? ctx.code.slice(node.start, node.end) : "";
}

/** `load(...)`: a call written the short way, as messages quote it. */
export function callText(
  ctx: Ctx,
  call: t.CallExpression | t.OptionalCallExpression | t.NewExpression,
): string {
  const callee = sourceOf(ctx, call.callee);
  return `${call.type === "NewExpression" ? "new " : ""}${callee}(${call.arguments.length ? "..." : ""})`;
}
