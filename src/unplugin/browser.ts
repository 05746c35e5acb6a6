/**
 * Browser builds (Vite's client environment): generated code imports smartasync's browser
 * runtime (src/runtime/browser.ts), which runs inline variants, markers and dispatch, and has no
 * workers. What would need one fails the build here, located, with what to write instead (SA313):
 *
 * - a call whose value is used in sync code and whose sync variant runs on a worker thread
 *   (`sync-worker`): the caller would block with `Atomics.wait`, which a page's main thread may not
 *   do, and the browser runtime starts no worker to run the function in;
 * - a sync function whose async variant offloads it to the worker pool (`asyncStrategy:
 *   "offload"`): the browser runtime has no pool. The annotation of a sync function only buys that
 *   offloading (without it, `await f()` is already f's value), so the error is at the function.
 *
 * A sync function that runs on the calling thread anyway (`same-thread`, SA304) is not an error.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { codeFrame } from "../core/code-frame.js";
import type { Report } from "../core/report.js";

export const BROWSER_DOCS = "docs/integrations.md#browser-builds";

/**
 * Warnings about what each worker's own import of a module does (its copy of module state, its
 * top-level effects run again): in a browser build no worker imports anything, so the tool does
 * not show them (the report keeps them).
 */
export const WORKER_ONLY: ReadonlySet<string> = new Set(["SA302", "SA303", "SA315", "SA316"]);

/**
 * The browser runtime's file: one ES module, bundled by scripts/build.mjs from browser.ts and the
 * runtime files it shares with the Node runtime (which are CommonJS sources, .cts), beside the
 * Node runtime of the same build of smartasync (dist), or the repository's build (`npm run build`)
 * when the plugin itself runs from source (this repository's tests).
 */
export function browserRuntimeFile(): string {
  const built = fileURLToPath(new URL("../runtime/browser.js", import.meta.url));
  if (existsSync(built)) return built;
  const repository = fileURLToPath(new URL("../../dist/runtime/browser.js", import.meta.url));
  // Neither: a clone that was never built; the bundler names the missing file.
  return existsSync(repository) ? repository : built;
}

export interface BrowserProblem {
  /** `path:line:column` as in the report (1-based column). */
  loc: string;
  message: string;
}

/** SA313 for each use of a worker in a module of a browser build (see the header), in source order. */
export function browserProblems(report: Report): BrowserProblem[] {
  const problems: BrowserProblem[] = [];
  for (const c of report.calls) {
    if (c.strategy !== "sync-worker") continue;
    problems.push({
      loc: c.loc,
      message:
        `SA313: this call of ${c.callee} is used in sync code, so it calls ${c.target}, which runs ${c.callee} on a worker ` +
        "thread and blocks until it settles; this is a browser build, where a page's main thread may not block " +
        "(Atomics.wait) and smartasync's browser runtime starts no workers. " +
        `Await the call from async code (\`await ${c.callee}(...)\`), or give each await in ${c.callee} a sync form ` +
        `so that its sync variant is inline (the report's reasons for ${c.callee} name the awaits that have none)`,
    });
  }
  for (const f of report.functions) {
    if (f.kind !== "sync" || f.asyncStrategy !== "offload") continue;
    problems.push({
      loc: f.loc,
      message:
        `SA313: ${f.name} is a sync function marked @smartasync, so awaiting it calls ${f.variants.async ?? "its async variant"}, ` +
        "which runs it in smartasync's worker pool; this is a browser build, and smartasync's browser runtime starts no " +
        `workers. Remove the mark (\`await ${f.name}(...)\` then runs it on this thread and gives its value), ` +
        "or run it in a web worker of your own",
    });
  }
  return problems.sort((a, b) => order(a.loc) - order(b.loc));
}

function position(loc: string): { line: number; column: number } | undefined {
  const m = /:(\d+):(\d+)$/.exec(loc);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}

function order(loc: string): number {
  const p = position(loc);
  return p ? p.line * 1e6 + p.column : 0;
}

/**
 * The error of a module's problems, in the form the plugin's errors have (`file: SAxxx: message
 * (loc)` then the code frame of the first), so that each tool shows it as it shows smartasync's
 * other errors. The others are listed by location.
 */
export function browserError(problems: readonly BrowserProblem[], filename: string, source: string): Error {
  const [first, ...rest] = problems;
  const more = rest.length ? `; the same at ${rest.map((p) => p.loc).join(", ")}` : "";
  const pos = position(first.loc);
  const frame = pos ? `\n${codeFrame(source, { line: pos.line, column: pos.column - 1 })}` : "";
  const err = new Error(`${filename}: ${first.message}; see ${BROWSER_DOCS}${more} (${first.loc})${frame}`);
  return Object.assign(err, { code: "SA313" });
}
