/**
 * A worker of the CLI's file pool (pool.ts): takes a batch of files, compiles them one after
 * another (and, for `build`, writes each where it is compiled: write-built.ts), and posts each
 * file's outcome as soon as it is done — it never waits for the CLI's thread between files. Before
 * each file it writes the file's index and start time into its shared slot, which the CLI's
 * thread watches to stop a file past its budget.
 */
import { parentPort, workerData } from "node:worker_threads";
import { transformAndDiff } from "./diff.js";
import type { TransformOptions } from "./transform-file.js";
import { type OutputPlan, writeBuilt } from "./write-built.js";

/** One file for a worker: its index in the run, the file, and what to do with it. */
export interface PoolJob {
  i: number;
  file: string;
  options: TransformOptions;
  diff: boolean;
  plan?: OutputPlan;
}

const slot = new BigInt64Array((workerData as { slot: SharedArrayBuffer }).slot);
const port = parentPort!;

port.on("message", async (batch: PoolJob[]) => {
  for (const job of batch) {
    // The start first, then the index: the watcher reads the index, then its start.
    Atomics.store(slot, 1, BigInt(Date.now()));
    Atomics.store(slot, 0, BigInt(job.i));
    const r = await transformAndDiff(job.file, job.options, job.diff);
    const outcome = job.plan ? writeBuilt(r, job.plan) : r;
    Atomics.store(slot, 0, -1n);
    port.postMessage({ i: job.i, outcome });
  }
  port.postMessage({ done: true });
});
