/**
 * A worker of the CLI's file pool (pool.ts): takes batches of files, compiles them one after
 * another, and posts each file's outcome as soon as it is done — it never waits for the CLI's
 * thread between files. Before each file it writes the file's index and start time into its
 * shared slot, which the CLI's thread watches to stop a file past its budget.
 *
 * It writes no file itself: a built file's code and map go back with its outcome, and the
 * records of the facts cache as messages of their own (compile/cache.ts
 * `delegateRecordWrites`); the CLI's thread writes them all, one at a time, while the workers
 * compile (docs/cli.md, "Parallelism": creating files from two threads at once was slower here
 * than from one). Because that thread may be busy writing when a batch runs out, the worker asks
 * for the next one while half of the current one is still to do.
 */
import { parentPort, workerData } from "node:worker_threads";
import { delegateRecordWrites } from "../compile/cache.js";
import { transformAndDiff } from "./diff.js";
import type { TransformOptions } from "./transform-file.js";

/** One file for a worker: its index in the run, the file, and what to do with it. */
export interface PoolJob {
  i: number;
  file: string;
  options: TransformOptions;
  diff: boolean;
}

/** What a worker posts: a file's outcome, a request for more files, or a cache record to write. */
export type PoolMessage =
  | { i: number; outcome: Awaited<ReturnType<typeof transformAndDiff>> }
  | { done: true }
  | { record: { key: string; record: Record<string, unknown> & { key: string }; area?: string } };

const slot = new BigInt64Array((workerData as { slot: SharedArrayBuffer }).slot);
const port = parentPort!;

delegateRecordWrites((key, record, area) => {
  try {
    port.postMessage({ record: { key, record, area } } satisfies PoolMessage);
  } catch {
    // A record that cannot be sent is a record not kept: the next build computes it again.
  }
});

const queue: PoolJob[] = [];
let running = false;
/** A request for more files is out and not yet answered. */
let asked = false;
/** Ask for more when this many files are left (half the last batch). */
let askAt = 0;

port.on("message", (batch: PoolJob[]) => {
  asked = false;
  askAt = Math.floor(batch.length / 2);
  queue.push(...batch);
  if (!running) void drain();
});

async function drain(): Promise<void> {
  running = true;
  for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
    if (!asked && queue.length <= askAt) {
      asked = true;
      port.postMessage({ done: true } satisfies PoolMessage);
    }
    // The start first, then the index: the watcher reads the index, then its start.
    Atomics.store(slot, 1, BigInt(Date.now()));
    Atomics.store(slot, 0, BigInt(job.i));
    const outcome = await transformAndDiff(job.file, job.options, job.diff);
    Atomics.store(slot, 0, -1n);
    port.postMessage({ i: job.i, outcome } satisfies PoolMessage);
  }
  running = false;
}
