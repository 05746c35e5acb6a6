/**
 * The CLI's own pool of worker threads for `--jobs N` and the per-file budget (run-files.ts).
 *
 * Why not one `offload` per file through smartasync's runtime pool, as before: each file then
 * made a round trip through the CLI's thread (the worker idle until that thread, busy or not
 * scheduled, handed it the next file), files went to whichever worker was free (so each worker
 * met most modules of the tree and computed their facts itself), and every file's code and map
 * crossed back to be written by one thread. Here:
 *
 * - the files are cut into `jobs` contiguous regions, one per worker, so neighbouring files —
 *   which import each other — meet the same worker and its warm module graph; a worker that is
 *   done takes batches from the end of the largest region left;
 * - a worker gets a batch of files and posts each file's outcome when it is done, never waiting
 *   for this thread (it asks for the next batch half-way through the current one);
 * - this thread writes what the workers make — `build`'s outputs (run-files.ts, write-built.ts)
 *   and the facts cache's records (pool-worker.ts) — one file at a time: on this machine's file
 *   system two threads creating files at once were slower than one (docs/cli.md, "Parallelism"),
 *   and this thread is otherwise idle;
 * - the budget stays per file: before each file a worker writes its index and start time into a
 *   shared slot, which this thread checks every `tick`; a file past its budget has its worker
 *   terminated and replaced, becomes the caller's `overBudget` outcome, and the rest of that
 *   worker's batch is handed out again. A worker that dies (a crash) has its current file
 *   compiled by the caller (`fallback`) and the rest handed out again.
 */
import { Worker } from "node:worker_threads";
import { writeRecord } from "../compile/cache.js";
import type { DiffedOutcome } from "./diff.js";
import type { PoolJob, PoolMessage } from "./pool-worker.js";

export interface PoolRun {
  jobs: number;
  /** Milliseconds one file may take in a worker. */
  limitMs: number;
  job: (i: number) => PoolJob;
  /** A file past its budget (its worker terminated). */
  overBudget: (i: number) => DiffedOutcome;
  /** A file whose worker died under it: compiled in this thread instead. */
  fallback: (i: number) => Promise<DiffedOutcome>;
  /** A file's outcome, from a worker, `overBudget` or `fallback` (for `build`: still to be written). */
  done: (i: number, outcome: DiffedOutcome) => void;
}

const WORKER_URL = new URL("./pool-worker.js", import.meta.url);

/** Files per batch: small enough to balance the end of the run, large enough to spare round trips. */
function batchSize(files: number, jobs: number): number {
  return Math.max(1, Math.min(16, Math.ceil(files / (jobs * 8))));
}

interface Slot {
  worker: Worker;
  view: BigInt64Array;
  /** Indexes handed to it and not yet reported. */
  pending: Set<number>;
  /** Its own region (an index into `regions`). */
  region: number;
  dead: boolean;
}

export function runPool(count: number, run: PoolRun): Promise<void> {
  const jobs = Math.max(1, Math.min(run.jobs, count));
  const size = batchSize(count, jobs);
  // Contiguous regions [start, end), taken from the front by their own worker, from the back by others.
  const regions: { start: number; end: number }[] = [];
  for (let w = 0; w < jobs; w++)
    regions.push({ start: Math.floor((w * count) / jobs), end: Math.floor(((w + 1) * count) / jobs) });
  /** The cache records written for the workers, by area and key. */
  const written = new Set<string>();
  /** Files handed out again (their worker was stopped or died): served first. */
  const again: number[] = [];
  let left = count;

  return new Promise<void>((resolve, reject) => {
    const slots: Slot[] = [];
    let finished = false;
    let timer: NodeJS.Timeout | undefined;

    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      if (timer) clearInterval(timer);
      for (const s of slots) {
        s.dead = true;
        void s.worker.terminate();
      }
      if (error) reject(error);
      else resolve();
    };

    const report = (i: number, outcome: DiffedOutcome) => {
      run.done(i, outcome);
      left--;
      if (left === 0) finish();
    };

    const nextBatch = (own: number): number[] => {
      if (again.length > 0) return again.splice(0, size);
      const mine = regions[own]!;
      if (mine.start < mine.end) {
        const b = range(mine.start, Math.min(mine.end, mine.start + size));
        mine.start += b.length;
        return b;
      }
      let largest: { start: number; end: number } | undefined;
      for (const r of regions) if (r.end - r.start > (largest ? largest.end - largest.start : 0)) largest = r;
      if (!largest) return [];
      const b = range(Math.max(largest.start, largest.end - size), largest.end);
      largest.end -= b.length;
      return b;
    };

    const feed = (s: Slot) => {
      if (s.dead) return;
      const batch = nextBatch(s.region);
      if (batch.length === 0) return;
      for (const i of batch) s.pending.add(i);
      s.worker.postMessage(batch.map((i) => run.job(i)));
    };

    /** Retires a worker: its current file as `current` says, the rest handed out again, a new worker in its place. */
    const retire = (s: Slot, current: (i: number) => void) => {
      if (s.dead) return;
      s.dead = true;
      void s.worker.terminate();
      const at = Number(Atomics.load(s.view, 0));
      const rest = [...s.pending].filter((i) => i !== at);
      s.pending.clear();
      if (at >= 0) current(at);
      again.push(...rest);
      if (finished) return;
      const fresh = spawn(s.region);
      slots[slots.indexOf(s)] = fresh;
      feed(fresh);
    };

    const spawn = (region: number): Slot => {
      const sab = new SharedArrayBuffer(16);
      const view = new BigInt64Array(sab);
      Atomics.store(view, 0, -1n);
      const worker = new Worker(WORKER_URL, { workerData: { slot: sab } });
      const s: Slot = { worker, view, pending: new Set(), region, dead: false };
      worker.on("message", (m: PoolMessage) => {
        // A record is written even from a worker retired since: it is as good as any other.
        if ("record" in m) {
          // Once per build: a key names its content, so the same record from another worker
          // (both met the module) would be the same file created again.
          const id = `${m.record.area ?? ""}\0${m.record.key}`;
          if (written.has(id)) return;
          written.add(id);
          writeRecord(m.record.key, m.record.record, m.record.area);
        } else if (s.dead) return;
        else if ("done" in m) feed(s);
        else if (s.pending.delete(m.i)) report(m.i, m.outcome);
      });
      const died = () =>
        retire(s, (i) => {
          run.fallback(i).then(
            (o) => report(i, o),
            (e) => finish(e),
          );
        });
      worker.on("error", died);
      worker.on("exit", () => {
        if (!s.dead) died();
      });
      return s;
    };

    for (let w = 0; w < jobs; w++) slots.push(spawn(w));
    for (const s of slots) feed(s);
    // Checked a few times per budget, at least every quarter second (a short budget in tests).
    const tick = Math.max(20, Math.min(250, Math.floor(run.limitMs / 8)));
    timer = setInterval(() => {
      const now = Date.now();
      for (const s of [...slots]) {
        if (s.dead) continue;
        const at = Number(Atomics.load(s.view, 0));
        if (at < 0) continue;
        const started = Number(Atomics.load(s.view, 1));
        if (now - started > run.limitMs) retire(s, (i) => report(i, run.overBudget(i)));
      }
    }, tick);
  });
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}
