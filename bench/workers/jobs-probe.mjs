// Preloaded by bench/jobs.mjs into the `smartasync build` it measures (`node --import <this>`):
// what each thread of the build did, read without touching smartasync's code. Node runs a
// preload in every worker thread too, so this file has two halves:
//
// - in the CLI's thread, `Worker` is wrapped so that each worker gets a SharedArrayBuffer of
//   figures beside its own workerData; at exit the figures of every worker, this thread's CPU
//   and the whole process's go to the JSON file named by SMARTASYNC_BENCH_PROBE;
// - in a worker, each message it posts (a file's outcome, a cache record, a request for more)
//   first stores its thread's CPU time so far, the files it finished, and what SWC parsed for
//   it (`parseSync` calls and characters: a file compiled, or an imported module's facts
//   computed) into that buffer. The pool terminates its workers when the last file is in, so
//   nothing could be read from them at their end: the buffer holds their last figures.
//
// A thread's CPU time is read from /proc/thread-self/stat (user + system, clock ticks of 10 ms):
// Linux only, like the bench.
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { PerformanceObserver } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import workerThreads from "node:worker_threads";

const FIELDS = [
  "tid",
  "cpuMs",
  "files",
  "parses",
  "parsedChars",
  "records",
  "heapPeakMiB",
  "gcMs",
  "startedAt",
  "firstFileAt",
  "lastAt",
];
const at = Object.fromEntries(FIELDS.map((f, i) => [f, i]));
const TICK_MS = 10;

function threadCpuMs(stat = readFileSync("/proc/thread-self/stat", "utf8")) {
  // The fields after the command name (which may hold spaces), from the third field on.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
}

const now = () => performance.timeOrigin + performance.now();

if (workerThreads.isMainThread) {
  const out = process.env.SMARTASYNC_BENCH_PROBE;
  const buffers = [];
  const Original = workerThreads.Worker;
  workerThreads.Worker = class ProbedWorker extends Original {
    constructor(url, options = {}) {
      const sab = new SharedArrayBuffer(FIELDS.length * 8);
      buffers.push({ sab, createdAt: now() });
      const data = options.workerData;
      const workerData =
        typeof data === "object" && data !== null && !Array.isArray(data)
          ? { ...data, __benchProbe: sab }
          : data;
      super(url, { ...options, workerData });
    }
  };
  syncBuiltinESMExports();
  const startedAt = now();
  process.on("exit", () => {
    if (!out) return;
    const usage = process.resourceUsage();
    const workers = buffers.map(({ sab, createdAt }) => {
      const v = new Float64Array(sab);
      const w = Object.fromEntries(FIELDS.map((f) => [f, v[at[f]]]));
      for (const t of ["startedAt", "firstFileAt", "lastAt"]) w[t] = w[t] ? w[t] - startedAt : null;
      return { ...w, createdAt: createdAt - startedAt };
    });
    writeFileSync(
      out,
      JSON.stringify({
        wallMs: now() - startedAt,
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
        userMs: usage.userCPUTime / 1000,
        systemMs: usage.systemCPUTime / 1000,
        maxRssKiB: usage.maxRSS,
        mainThreadCpuMs: threadCpuMs(),
        // The threads still there at exit besides this one (V8's platform threads — garbage
        // collection helpers, concurrent compilers — libuv's pool, native addons' threads); the
        // workers' own threads have ended.
        otherThreads: readdirSync("/proc/self/task")
          .filter((tid) => tid !== String(process.pid) && !workers.some((w) => String(w.tid) === tid))
          .map((tid) => {
            const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
            return {
              name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
              cpuMs: threadCpuMs(stat),
            };
          })
          .filter((t) => t.cpuMs > 0),
        workers,
      }),
    );
  });
} else {
  const sab = workerThreads.workerData?.__benchProbe;
  const port = workerThreads.parentPort;
  if (sab instanceof SharedArrayBuffer && port) {
    const v = new Float64Array(sab);
    v[at.startedAt] = now();
    v[at.tid] = Number(readlinkSync("/proc/thread-self").split("/").at(-1));
    // `@swc/core` as smartasync loads it (requirePeer, from dist/): the same module object.
    const swc = createRequire(new URL("../../dist/cli/bin.js", import.meta.url))("@swc/core");
    const parse = swc.parseSync;
    swc.parseSync = function parseSync(source, ...rest) {
      v[at.parses]++;
      v[at.parsedChars] += source.length;
      return parse.call(this, source, ...rest);
    };
    // Time in garbage collection pauses of this thread (its own heap; the collectors' concurrent
    // work runs on V8's platform threads, counted among `otherThreads`).
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) v[at.gcMs] += e.duration;
    }).observe({ entryTypes: ["gc"] });
    const post = port.postMessage;
    port.postMessage = function postMessage(message, ...rest) {
      if (message && typeof message === "object") {
        if ("outcome" in message) {
          v[at.files]++;
          if (!v[at.firstFileAt]) v[at.firstFileAt] = now();
        } else if ("record" in message) v[at.records]++;
      }
      v[at.lastAt] = now();
      v[at.cpuMs] = threadCpuMs();
      v[at.heapPeakMiB] = Math.max(v[at.heapPeakMiB], getHeapStatistics().used_heap_size / 2 ** 20);
      return post.call(this, message, ...rest);
    };
  }
}
