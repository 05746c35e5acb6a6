/**
 * Functions that run in smartasync's workers, once bundled.
 *
 * Generated code registers such a function under its module's URL and a worker reaches it by
 * importing that URL. In a bundle the URL is the output file (chunk) that holds the module, so:
 *
 * - the worker imports the whole chunk: the top-level code of every module in it runs again in
 *   the worker, the entry's included (a warning, unless the entry mentions `isWorker`);
 * - two modules of one chunk that register the same name would overwrite each other: the worker
 *   could run the wrong function (an error).
 *
 * Each tool's adapter (index.ts) lists its chunks; the rules are here.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import type { Report } from "../core/report.js";

export interface WorkerModule {
  /** Absolute path of the source module. */
  file: string;
  /** The names it registers: functions whose sync variant needs a worker, or that are offloaded. */
  names: string[];
}

export interface ChunkInfo {
  /** The output file, as the tool names it. */
  name: string;
  /** Absolute paths of the source modules in it. */
  modules: string[];
  /** Absolute paths of the entry modules it starts with (none for a shared chunk). */
  entries: string[];
}

export interface BundleProblem {
  severity: "error" | "warning";
  message: string;
}

/** The functions a module registers for workers, read from its report. */
export function workerNames(report: Report): string[] {
  return report.functions
    .filter(
      (f) =>
        (f.kind === "async" && f.syncStrategy === "worker") ||
        (f.kind === "sync" && f.asyncStrategy === "offload"),
    )
    .map((f) => f.name);
}

/** Whether an entry module looks guarded: its text mentions `isWorker`. */
export function isGuarded(file: string): boolean {
  try {
    return /\bisWorker\b/.test(readFileSync(file, "utf8"));
  } catch {
    return false;
  }
}

export function checkChunks(
  chunks: ChunkInfo[],
  workers: ReadonlyMap<string, WorkerModule>,
  root: string,
  guarded: (file: string) => boolean,
): BundleProblem[] {
  const problems: BundleProblem[] = [];
  const rel = (f: string) => relative(root, f).split("\\").join("/");
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
        severity: "error",
        message:
          `${chunk.name} holds ${files.length} functions named ${name} that run in workers (${files.map(rel).join(", ")}). ` +
          `A worker finds a function by the output file it is in and its name, so it could run the wrong one. ` +
          `Rename one of them, or put the modules in different output files.`,
      });
    }
    const list = mods.flatMap((m) => workers.get(m)!.names.map((n) => `${n} (${rel(m)})`)).join(", ");
    for (const entry of chunk.entries) {
      if (workers.has(entry) && chunk.modules.length === 1) continue;
      if (guarded(entry)) continue;
      problems.push({
        severity: "warning",
        message:
          `${chunk.name} holds ${list}, which run${mods.length === 1 && workers.get(mods[0])!.names.length === 1 ? "s" : ""} in workers. ` +
          `A worker imports ${chunk.name} itself, so the top-level code of every module in it runs again in each worker, ` +
          `that of the entry ${rel(entry)} included. Guard the entry's effects: ` +
          `import { isWorker } from "smartasync/runtime"; if (!isWorker) main();`,
      });
    }
  }
  return problems;
}
