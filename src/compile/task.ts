/**
 * The compile service as a task of smartasync's own runtime pool, for hosts that give each file
 * a time budget (budget.ts): the build-tool plugins. A worker imports this module afresh (it has
 * no top-level effects besides the registration) and keeps its caches between files: the
 * project options per folder and the imported modules' facts (index.ts).
 *
 * Plain data in and out. A failure is returned, not thrown, so that the caller can tell the
 * compile's own errors (SAxxx, a syntax error, a missing peer: thrown again in its thread as
 * they are) from the worker's (a crash), which budget.ts leaves to the caller.
 */

import type { Report } from "../core/report.js";
import type { HostResolve } from "../core/resolve.js";
import { register } from "../runtime/index.js";
import { enableFactsStore } from "./facts-store.js";
import { compileFile } from "./index.js";
import type { CompileRequest, SourceMapJson } from "./types.js";

/** What the plugins read of a compile. */
export interface TaskResult {
  report: Report;
  /**
   * The `resolve` option the file was compiled with: the plugins resolve the modules it reaches
   * under it, as the analysis did (register/deps.ts `reachedModules`, attack33 F02).
   */
  resolve: HostResolve;
  code?: string;
  map?: SourceMapJson;
  urlCallees?: string[];
}

/** A thrown error as plain data: what the hosts read of it (its code, location, frame, stack). */
export interface TaskError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  loc?: unknown;
}

export type TaskOutcome = { ok: true; value: TaskResult } | { ok: false; error: TaskError };

export async function compileTask(req: CompileRequest): Promise<TaskOutcome> {
  // The plugins' hosts keep imported modules' facts on disk (facts-store.ts), in their workers too.
  enableFactsStore();
  try {
    const out = await compileFile(req);
    const value: TaskResult = { report: out.report, resolve: out.options.resolve };
    if (out.code !== undefined) {
      value.code = out.code;
      // The SWC engine makes its map when read; the plugins always read it.
      if (out.map) value.map = out.map;
      if (out.urlCallees) value.urlCallees = out.urlCallees;
    }
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: plainError(e) };
  }
}

function plainError(e: unknown): TaskError {
  if (!(e instanceof Error)) return { name: "Error", message: String(e) };
  const err: TaskError = { name: e.name, message: e.message };
  if (e.stack !== undefined) err.stack = e.stack;
  const { code, loc } = e as { code?: unknown; loc?: unknown };
  if (typeof code === "string") err.code = code;
  // Babel's `{ line, column }` or smartasync's `file:line:column`: plain values only.
  if (typeof loc === "string") err.loc = loc;
  else if (loc && typeof loc === "object") {
    const { line, column } = loc as { line?: unknown; column?: unknown };
    if (typeof line === "number" && typeof column === "number") err.loc = { line, column };
  }
  return err;
}

/** The error again, in the caller's thread: the same name, message, code, location and stack. */
export function thrownAgain(error: TaskError): Error {
  const e = new Error(error.message);
  e.name = error.name;
  if (error.stack !== undefined) e.stack = error.stack;
  if (error.code !== undefined) Object.assign(e, { code: error.code });
  if (error.loc !== undefined) Object.assign(e, { loc: error.loc });
  return e;
}

export const TASK_URL = import.meta.url;

/**
 * Loads what a compile with `engine` loads (the compiler, smartasync's passes), compiling a small
 * annotated text with no options of the project's: the budget's first file in a fresh worker
 * would otherwise pay for that start-up inside its own budget, and under load a plain file ran
 * past a short one (test/security/bundler-budget: `main.js` took longer than 1.5 s, not
 * `hang.js`). Its outcome is nobody's: a failure here is only a cold worker.
 */
export async function warmTask(engine: CompileRequest["engine"]): Promise<boolean> {
  enableFactsStore();
  try {
    await compileFile({
      code: "// @smartasync\nexport async function warm() {\n  return 1;\n}\nwarm();\n",
      filename: undefined,
      engine,
      cjsOutput: false,
      root: "/",
      ...(engine === "babel" ? { babel: { configFile: false, babelrc: false } } : {}),
    });
    return true;
  } catch {
    return false;
  }
}

register(import.meta.url, { compileTask, warmTask });
