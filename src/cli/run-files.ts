/**
 * Runs the per-file transform over many files, in smartasync's own worker pool (`--jobs N`
 * workers, default 1), each file within a time budget (`--file-timeout`, default 60 s): a file
 * that takes longer has its worker terminated and becomes a located `timeout-error` while the
 * other files go on (a compile is synchronous, so only another thread can be stopped; SECURITY.md).
 * `--file-timeout 0` compiles in this thread one file after another, with no budget. Results
 * come back in input order whatever order they finish in.
 */
import { DEFAULT_FILE_TIMEOUT_MS, OverBudget, TIMEOUT_CODE, withinBudget } from "../compile/budget.js";
import { type DiffedOutcome, transformAndDiff } from "./diff.js";
import { failer } from "./failure.js";
import { displayPath } from "./files.js";
import { createProgress, progressWanted } from "./progress.js";
import type { TransformOptions, TransformOutcome } from "./transform-file.js";

/** The default per-file budget: far above any real file (the slowest fixture compiles in < 1 s). */
export const DEFAULT_FILE_TIMEOUT_S = DEFAULT_FILE_TIMEOUT_MS / 1000;

export interface RunOptions {
  /** Parallel jobs; `undefined` means defaultJobs. */
  jobs?: number;
  /** Label of the progress bar. */
  label: string;
  /** Seconds one file may take (0: no budget, compiled in this thread); default DEFAULT_FILE_TIMEOUT_S. */
  fileTimeout?: number;
  /** Per-file options (the file's own `sourceFileName` is filled in by `optionsFor`). */
  options: TransformOptions;
  optionsFor?: (file: string) => TransformOptions;
  /** Also diff each file against its input (`inspect --diff`), in the file's budget (diff.ts). */
  diff?: boolean;
}

/**
 * The default number of jobs: 1. Measured on 200-file trees (docs/cli.md), the worker pool never
 * beat one thread on this 2-core machine: each worker warms up its own Babel, and that costs more
 * than the second core gives back. `--jobs N` still offers the pool.
 */
export function defaultJobs(_files: number): number {
  return 1;
}

export async function runFiles(files: string[], run: RunOptions): Promise<DiffedOutcome[]> {
  const jobs = Math.min(run.jobs ?? defaultJobs(files.length), files.length) || 1;
  const budget = run.fileTimeout ?? DEFAULT_FILE_TIMEOUT_S;
  const progress = createProgress(files.length, run.label, progressWanted(files.length));
  const optionsFor = run.optionsFor ?? (() => run.options);
  const diff = run.diff === true;
  const out: DiffedOutcome[] = new Array(files.length);
  try {
    if (budget === 0 && jobs <= 1) {
      for (let i = 0; i < files.length; i++) {
        out[i] = await transformAndDiff(files[i]!, optionsFor(files[i]!), diff);
        progress.tick(out[i]!.path);
      }
      return out;
    }
    const runtime = await import("../runtime/index.js");
    const { TASK_URL } = await import("./transform-task.js");
    // The CLI's process is its own: its pool has one worker per job. The budget is each task's
    // own limit (compile/budget.ts, shared with the build-tool plugins).
    runtime.configure({ poolSize: jobs });
    const limitMs = budget === 0 ? 600_000 : budget * 1000;
    await Promise.all(
      files.map(async (file, i) => {
        let r: DiffedOutcome;
        try {
          r = await withinBudget<DiffedOutcome>(
            TASK_URL,
            "transformTask",
            [file, optionsFor(file), diff],
            limitMs,
          );
        } catch (e) {
          // Over the budget: its worker was terminated; the file is the error, the rest go on.
          if (budget > 0 && e instanceof OverBudget) {
            r = overBudget(file, optionsFor(file).cwd, budget);
          } else {
            // The worker itself failed (crash): compile this file here instead.
            r = await transformAndDiff(file, optionsFor(file), diff);
          }
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

/** The located error of a file that ran past its budget. */
function overBudget(file: string, cwd: string, seconds: number): TransformOutcome {
  const path = displayPath(file, cwd);
  return failer(file, path)(
    "timeout",
    TIMEOUT_CODE,
    `took longer than ${seconds} s to compile (the per-file budget): stopped, nothing written for it; the other files went on. Split the file, or raise the budget with --file-timeout <seconds> (0: none)`,
  );
}
