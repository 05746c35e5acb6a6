/**
 * Runs the per-file transform over many files, in the CLI's own pool of worker threads (pool.ts:
 * `--jobs N` workers, default 1), each file within a time budget (`--file-timeout`, default 60 s): a file
 * that takes longer has its worker terminated and becomes a located `timeout-error` while the
 * other files go on (a compile is synchronous, so only another thread can be stopped; SECURITY.md).
 * `--file-timeout 0` compiles in this thread one file after another, with no budget. Results
 * come back in input order whatever order they finish in.
 */
import { DEFAULT_FILE_TIMEOUT_MS, TIMEOUT_CODE } from "../compile/budget.js";
import { type DiffedOutcome, transformAndDiff } from "./diff.js";
import { failer } from "./failure.js";
import { displayPath } from "./files.js";
import { createProgress, progressWanted } from "./progress.js";
import type { TransformOptions, TransformOutcome } from "./transform-file.js";
import { type OutputPlan, writeBuilt } from "./write-built.js";

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
  /**
   * `build`: where each file's output goes. The file is then written where it was compiled (a
   * worker), and its outcome comes back without code or map (write-built.ts).
   */
  outputFor?: (file: string) => OutputPlan;
}

/**
 * The default number of jobs: 1. Whether more pay depends on the machine's free cores and the
 * tree (docs/cli.md, "Parallelism"): `--jobs N` asks for them.
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
  // `build`: every output is written in this thread, whichever thread compiled it (pool.ts says why).
  const written = (file: string, r: DiffedOutcome): DiffedOutcome =>
    run.outputFor ? writeBuilt(r, run.outputFor(file)) : r;
  const here = (file: string): Promise<DiffedOutcome> => transformAndDiff(file, optionsFor(file), diff);
  const out: DiffedOutcome[] = new Array(files.length);
  try {
    if (budget === 0 && jobs <= 1) {
      for (let i = 0; i < files.length; i++) {
        out[i] = written(files[i]!, await here(files[i]!));
        progress.tick(out[i]!.path);
      }
      return out;
    }
    const { runPool } = await import("./pool.js");
    const limitMs = budget === 0 ? 600_000 : budget * 1000;
    await runPool(files.length, {
      jobs,
      limitMs,
      job: (i) => ({ i, file: files[i]!, options: optionsFor(files[i]!), diff }),
      // Over the budget: its worker was terminated; the file is the error, the rest go on.
      overBudget: (i) => overBudget(files[i]!, optionsFor(files[i]!).cwd, budget === 0 ? 600 : budget),
      // The worker itself failed (crash): compile this file here instead.
      fallback: (i) => here(files[i]!),
      done: (i, r) => {
        out[i] = written(files[i]!, r);
        progress.tick(r.path);
      },
    });
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
