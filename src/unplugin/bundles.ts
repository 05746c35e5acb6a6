/**
 * Functions that run in smartasync's workers, once bundled.
 *
 * Generated code registers such a function under its module's URL and a worker reaches it by
 * importing that URL. In a bundle the URL is the output file (chunk) that holds the module. So
 * each module that holds worker functions gets an output file of its own (index.ts,
 * esbuild-workers.ts), whose import runs that module and its imports, never the program's entry;
 * formats and options where that cannot be done keep the module where the tool put it.
 * What is checked at the end of a build:
 *
 * - an output file that holds worker functions and an entry module: the worker imports it, so
 *   the entry's top-level code runs again in the worker (SA310, unless the entry mentions
 *   `isWorker`);
 * - two modules of one output file that register the same name would overwrite each other: the
 *   worker could run the wrong function (SA311);
 * - an output that cannot give a worker a file to import (a format without a module URL, a
 *   chunk that does not run its modules when imported) fails the build (SA312).
 *
 * Each tool's adapter (index.ts) lists its chunks; the rules and their texts are here.
 */
import { readFileSync } from "node:fs";
import { relative, sep } from "node:path";
import type { Report } from "../core/report.js";

export interface WorkerModule {
  /** Absolute path of the source module. */
  file: string;
  /** The names it registers: functions whose sync variant needs a worker, or that are offloaded. */
  names: string[];
  /** Where the first of them is declared (`path:line:column`, relative to the root). */
  loc: string;
}

export interface ChunkInfo {
  /** The output file, as the tool names it. */
  name: string;
  /** Absolute paths of the source modules in it. */
  modules: string[];
  /** Absolute paths of the entry modules it starts with (none for a shared chunk). */
  entries: string[];
  /**
   * Entries whose code is in this file although another file is their facade (Rollup's
   * `output.manualChunks` grouping the entry with a worker module): SA310 says so.
   */
  moved?: ReadonlySet<string>;
}

/** SA310's reason for an entry whose code the output's chunking moved into a worker module's file. */
const MOVED =
  " (the output's chunking put the entry's code in this file, its own file only imports it: output.manualChunks or the like)";

export interface BundleProblem {
  code: "SA310" | "SA311" | "SA312";
  severity: "error" | "warning";
  message: string;
}

/** The functions a module registers for workers, read from its report. */
export function workerFunctions(report: Report): { names: string[]; loc: string } {
  const fns = report.functions.filter(
    (f) =>
      (f.kind === "async" && f.syncStrategy === "worker") ||
      (f.kind === "sync" && f.asyncStrategy === "offload"),
  );
  return { names: fns.map((f) => f.name), loc: fns[0]?.loc ?? report.file };
}

/** Whether an entry module looks guarded: its text mentions `isWorker`. */
export function isGuarded(file: string): boolean {
  try {
    return /\bisWorker\b/.test(readFileSync(file, "utf8"));
  } catch {
    return false;
  }
}

/** `shout (src/lib.js:12:1), checksum`: what runs in workers, and where each module's first is. */
function workerList(mods: readonly WorkerModule[]): string {
  return mods.flatMap((m) => m.names.map((n, i) => (i === 0 ? `${n} (${m.loc})` : n))).join(", ");
}

/** `shout (src/lib.js:12:1) runs` or `…, checksum run`. */
function describeWorkers(mods: readonly WorkerModule[]): string {
  const one = mods.length === 1 && mods[0].names.length === 1;
  return `${workerList(mods)} run${one ? "s" : ""}`;
}

/** SA312 for an output format that has no URL of its own file (Rollup's `amd`, …). */
export function formatWithoutUrl(format: string, mods: readonly WorkerModule[]): BundleProblem {
  return {
    code: "SA312",
    severity: "error",
    message:
      `SA312: ${describeWorkers(mods)} in workers, which import the output file that holds them by its URL, ` +
      `and output format "${format}" gives a file no URL of its own in Node. Use format "es" or "cjs" for this output ` +
      "(docs/integrations.md#worker-strategies).",
  };
}

/**
 * SA312 for worker modules that had output files of their own and an output format that is
 * one file (UMD, IIFE, `inlineDynamicImports`), when the plugin could not see the format before
 * the build (Rollup's JavaScript API).
 */
export function singleFileFormat(format: string, mods: readonly WorkerModule[]): BundleProblem {
  return {
    code: "SA312",
    severity: "error",
    message:
      `SA312: ${describeWorkers(mods)} in workers, so smartasync put their modules in output files of their own, ` +
      `which output format "${format}" cannot have (it is one file). Give rollup() the output options with the input ` +
      "options (as a config file does) so that the plugin sees the format before the build, or set the plugin's " +
      "`workerChunks: false`; either way a worker then imports the whole output file (docs/integrations.md#worker-strategies).",
  };
}

/** SA312 for webpack: a worker module in a chunk that does not run its modules when imported. */
export function chunkDoesNotRun(chunk: string, mods: readonly WorkerModule[]): BundleProblem {
  return {
    code: "SA312",
    severity: "error",
    message:
      `SA312: ${describeWorkers(mods)} in workers, which import the output file that holds them, and webpack put ` +
      `${mods.length === 1 ? "its module" : "their modules"} in ${chunk}, a chunk that does not run its modules when imported ` +
      "(splitChunks or import()), so the worker would find nothing registered. Keep the module in an entry chunk: " +
      "import it statically from the entry and exclude it from optimization.splitChunks (docs/integrations.md#worker-strategies).",
  };
}

/** SA312 for webpack: a chunk holding a worker module in a subdirectory, where the worker file beside it is not. */
export function webpackSubdirectory(chunk: string, mods: readonly WorkerModule[]): BundleProblem {
  return {
    code: "SA312",
    severity: "error",
    message:
      `SA312: ${describeWorkers(mods)} in workers, from a worker file at the top of output.path, which the generated code ` +
      `looks for beside the file that holds it, and webpack put ${mods.length === 1 ? "its module" : "their modules"} in ${chunk}, ` +
      "a subdirectory. Keep output.filename and output.chunkFilename without directories (docs/integrations.md#worker-strategies).",
  };
}

/** SA312 for webpack's `node.__filename` other than "eval-only" or false: not the output file's path. */
export function webpackFilename(mode: string, mods: readonly WorkerModule[]): BundleProblem {
  return {
    code: "SA312",
    severity: "error",
    message:
      `SA312: ${describeWorkers(mods)} in workers, which find their output file by \`__filename\`, and webpack replaces it ` +
      `(node.__filename is ${JSON.stringify(mode)}; "mock" is the default for targets other than node). ` +
      'Build a Node program: target: "node" (or set node: { __filename: "eval-only" }) (docs/integrations.md#worker-strategies).',
  };
}

/** SA312 for webpack's ES module output, where the output file cannot name itself. */
export function webpackModuleOutput(mods: readonly WorkerModule[]): BundleProblem {
  return {
    code: "SA312",
    severity: "error",
    message:
      `SA312: ${describeWorkers(mods)} in workers, which smartasync supports in webpack's CommonJS output only ` +
      "(the default for target node): with output.module, the output file cannot name itself for a worker. " +
      "Remove output.module, or make these functions' variants inline (docs/integrations.md#worker-strategies).",
  };
}

export function checkChunks(
  chunks: ChunkInfo[],
  workers: ReadonlyMap<string, WorkerModule>,
  root: string,
  guarded: (file: string) => boolean,
  /** Why the tool did not give the worker modules output files of their own (SA310's advice). */
  why: string,
): BundleProblem[] {
  const problems: BundleProblem[] = [];
  const rel = (f: string) => relative(root, f).split(sep).join("/");
  for (const chunk of chunks) {
    const mods = chunk.modules.filter((m) => workers.has(m));
    if (mods.length === 0) continue;
    const byName = new Map<string, string[]>();
    for (const m of mods) {
      for (const n of workers.get(m)!.names) byName.set(n, [...(byName.get(n) ?? []), m]);
    }
    for (const [name, files] of byName) {
      if (files.length < 2) continue;
      problems.push({
        code: "SA311",
        severity: "error",
        message:
          `SA311: ${chunk.name} holds ${files.length} functions named ${name} that run in workers (${files.map(rel).join(", ")}). ` +
          `A worker finds a function by the output file it is in and its name, so it could run the wrong one. ` +
          `Rename one of them, or put the modules in different output files.`,
      });
    }
    const held = mods.map((m) => workers.get(m)!);
    const one = held.length === 1 && held[0].names.length === 1;
    for (const entry of chunk.entries) {
      // The worker imports the entry itself, and what runs again is what an import of that
      // module runs without a bundler: SA303 names it.
      if (workers.has(entry)) continue;
      if (guarded(entry)) continue;
      problems.push({
        code: "SA310",
        severity: "warning",
        message:
          `SA310: ${chunk.name} holds ${workerList(held)}, which run${one ? "s" : ""} in workers, and the entry ${rel(entry)}${chunk.moved?.has(entry) ? MOVED : why}. ` +
          `A worker imports ${chunk.name} itself, so the top-level code of every module in it runs again in each worker, ` +
          `the entry's included. Guard the entry's effects: ` +
          `import { isWorker } from "smartasync/runtime"; if (!isWorker) main();`,
      });
    }
  }
  return problems;
}
