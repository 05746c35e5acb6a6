/**
 * Runs the per-file transform over many files: in this thread one after another (`--jobs 1`), or
 * offloaded to smartasync's own worker pool (`--jobs N`, N > 1), the pool sized N. Results come
 * back in input order whatever order they finish in.
 */
import { createProgress, progressWanted } from "./progress.js";
import type { TransformOptions, TransformOutcome } from "./transform-file.js";
import { transformFile } from "./transform-file.js";

export interface RunOptions {
  /** Parallel jobs; `undefined` means defaultJobs. */
  jobs?: number;
  /** Label of the progress bar. */
  label: string;
  /** Per-file options (the file's own `sourceFileName` is filled in by `optionsFor`). */
  options: TransformOptions;
  optionsFor?: (file: string) => TransformOptions;
}

/**
 * The default number of jobs: 1. Measured on 200-file trees (docs/cli.md), the worker pool never
 * beat one thread on this 2-core machine: each worker warms up its own Babel, and that costs more
 * than the second core gives back. `--jobs N` still offers the pool.
 */
export function defaultJobs(_files: number): number {
  return 1;
}

export async function runFiles(files: string[], run: RunOptions): Promise<TransformOutcome[]> {
  const jobs = Math.min(run.jobs ?? defaultJobs(files.length), files.length) || 1;
  const progress = createProgress(files.length, run.label, progressWanted(files.length));
  const optionsFor = run.optionsFor ?? (() => run.options);
  const out: TransformOutcome[] = new Array(files.length);
  try {
    if (jobs <= 1) {
      for (let i = 0; i < files.length; i++) {
        out[i] = await transformFile(files[i]!, optionsFor(files[i]!));
        progress.tick(out[i]!.path);
      }
      return out;
    }
    const runtime = await import("../runtime/index.js");
    const { TASK_URL } = await import("./transform-task.js");
    runtime.configure({ poolSize: jobs, offloadTimeoutMs: 600_000 });
    await Promise.all(
      files.map(async (file, i) => {
        let r: TransformOutcome;
        try {
          r = (await runtime.offload(TASK_URL, "transformTask", [
            file,
            optionsFor(file),
          ])) as TransformOutcome;
        } catch {
          // The worker itself failed (crash, timeout): compile this file here instead.
          r = await transformFile(file, optionsFor(file));
        }
        out[i] = r;
        progress.tick(r.path);
      }),
    );
    await runtime.shutdown();
    return out;
  } finally {
    progress.done();
  }
}
