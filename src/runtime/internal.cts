// Shared by the public runtime (index.cts) and the worker entry (worker.ts): the registry, the
// wire format, error (de)serialisation and the top-level cloneability check. Nothing here does
// any work at import.
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { MessagePort } from "node:worker_threads";

/** Key in workerData that marks smartasync's own workers (workerData is cloned: no symbols). */
export const WORKER_KEY = "__smartasyncWorker";
/**
 * Environment variable naming a module (URL) that each smartasync worker imports before any
 * function's module: module hooks that the worker would not get from `--import` in its
 * `execArgv` (smartasync/jest and a `smartasync/register` imported in code set it).
 */
export const WORKER_IMPORT_ENV = "SMARTASYNC_WORKER_IMPORT";
const REGISTRY = Symbol.for("smartasync.registry");

export type Registry = Map<string, Map<string, Function>>;

/** The process-wide (per-thread) registry, shared by every copy of the runtime in this thread. */
export function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  let r = g[REGISTRY];
  if (r === undefined) {
    r = new Map();
    Object.defineProperty(globalThis, REGISTRY, { value: r, configurable: true, writable: false });
  }
  return r;
}

const urlCache = new Map<string, string>();

/** `import.meta.url` stays as it is; an absolute path (`__filename`) becomes its file URL. */
export function normalizeUrl(moduleUrl: string): string {
  let u = urlCache.get(moduleUrl);
  if (u !== undefined) return u;
  if (typeof moduleUrl !== "string" || moduleUrl === "") {
    throw new TypeError(
      "smartasync: moduleUrl must be import.meta.url or __filename, got " + describe(moduleUrl),
    );
  }
  if (moduleUrl.startsWith("file:")) u = new URL(moduleUrl).href;
  else if (isAbsolute(moduleUrl)) u = pathToFileURL(moduleUrl).href;
  else if (URL.canParse(moduleUrl)) u = new URL(moduleUrl).href;
  else {
    throw new TypeError(
      `smartasync: moduleUrl must be import.meta.url or __filename (an absolute URL or path), got ${describe(moduleUrl)}`,
    );
  }
  urlCache.set(moduleUrl, u);
  return u;
}

export function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return "a function";
  if (typeof v === "symbol") return "a symbol";
  if (v === null) return "null";
  if (typeof v === "object") return "an object";
  return String(v);
}

// ---------------------------------------------------------------------------------------------
// Wire format (values go through clone.cts: checked, and encoded when `c` is set).
//   request  { id, url, name, args, c? }  c: args use the codec
//            { id, k, url, name, args, c? } (blocking channel: the first call of a function)
//            { id, k, args, c? }            (blocking channel: later calls, by its key)
//   response { id, ok, v, c?, x? }        c: v uses the codec; x: the worker is exiting
//            { id: 0, ok: false, v, c?, u, f } on parentPort: background work of an answered
//                                   call threw (u 1) or rejected (u 2); f: [url, name] it ran in
// The blocking channel names a function by a number once its worker has been told its URL and
// name: copying those two strings to the worker and back into strings there was ~5% of a
// round trip (docs/performance.md).
// ---------------------------------------------------------------------------------------------

export interface Request {
  id: number;
  url: string;
  name: string;
  args: unknown[];
  c?: true;
  /** The function's key on the blocking channel (see above). */
  k?: number;
  /** What changed of the calling thread's process since this worker last heard (ProcessUpdate). */
  p?: ProcessUpdate;
}

/**
 * What a worker takes of its caller's process before a call, sent only when it changed since
 * that worker's last call (docs/runtime.md, "What a worker sees of its process"):
 * - `a`: `process.argv`, changed or replaced after the worker started;
 * - `v`: the entries of a `process.env` the program REPLACED by an object of its own
 *   (`process.env = { ...OLD, X: "y" }`), or `null` once the original is back: the worker
 *   otherwise reads the shared OS environment, which a replacement does not change;
 * - `d`: `process.noDeprecation | throwDeprecation << 1 | traceDeprecation << 2`.
 */
export interface ProcessUpdate {
  a?: string[];
  v?: Record<string, string> | null;
  d?: number;
}

/** A request as posted: on the blocking channel, `url` and `name` only with a new key. */
export type WireRequest = Omit<Request, "url" | "name"> & { url?: string; name?: string };
/** Asks a worker to look whether work a function left running is still going (worker.ts). */
export const LOOK = { look: true } as const;

export interface Response {
  id: number;
  ok: boolean;
  v: unknown;
  c?: true;
  x?: boolean;
  /**
   * `process.exitCode` as the function left it in its worker (set there since the last answer):
   * the calling thread takes it, so a CLI that reports failure through it still exits with it.
   */
  e?: number | string;
  /**
   * The function called `process.exit(q)` (attack 16, F23): the plain program would end there
   * with that code, so the calling thread exits with it (index.cts, quit) instead of failing.
   */
  q?: number | string;
  /** An error of work left running after its call answered: 1 uncaught exception, 2 unhandled rejection. */
  u?: 1 | 2;
  /** With `u`: the URL and name of the function that ran last in that worker. */
  f?: [string, string];
  /** A pool worker's write to its stdout (1) or stderr (2), `t` the text (attack30 F08). */
  o?: 1 | 2;
  t?: string | Uint8Array;
}

/**
 * Modules a smartasync worker of this thread is importing right now (set by worker.ts): a
 * runSync/offload of one of them made meanwhile comes from that module's own top-level code,
 * and would recurse through a new worker per level.
 */
export function importing(): Set<string> {
  const g = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  let s = g[IMPORTING];
  if (s === undefined) {
    s = new Set();
    Object.defineProperty(globalThis, IMPORTING, { value: s, configurable: true, writable: false });
  }
  return s;
}
const IMPORTING = Symbol.for("smartasync.importing");

/**
 * Slots of the blocking channel's shared Int32Array. wake: set by the worker after it posts an
 * answer; dead: the worker is exiting; connect: the port of a loopback connection the worker
 * opened (the blocked caller checks whether it is its own server); started: worker.ts ran;
 * waiting: how many runSync calls of the calling thread wait on this channel (from before the
 * request is posted: the worker reads it to send an uncaught error where a blocked caller reads).
 */
export const STATE = { wake: 0, dead: 1, connect: 2, started: 3, waiting: 4, size: 5 } as const;

/** workerData given to every smartasync worker. */
export interface WorkerInit {
  [WORKER_KEY]: true;
  mode: "sync" | "pool";
  depth: number;
  config: Record<string, unknown>;
  sourceMaps: boolean;
  /** The starting thread's `process.argv`, which the worker takes as its own (docs/runtime.md). */
  argv: string[];
  /** The starting thread's deprecation flags (ProcessUpdate `d`). */
  deprecation: number;
  port?: MessagePort;
  state?: Int32Array;
  /**
   * Slot 0, set by the worker after each answer: 1 until the caller asked, 2 while work a
   * function left running (a timer, a request, a promise) keeps it busy, 0 when it has none. The
   * calling thread reads it when its own event loop empties (beforeExit) and stays alive while
   * it is not 0, as it would for that work on its own thread. Slot 1: 1 once a function
   * registered `process.on("exit")` listeners in the worker, 2 once the worker ran them at the
   * caller's exit.
   */
  /** Slot 2: errors of the worker (Response.u) posted to the calling thread and not yet taken there. */
  busy: Int32Array;
  /** The calling thread's stdout and stderr when they are terminals (what a worker sees). */
  tty: [TtyFacts | undefined, TtyFacts | undefined];
}

/** What a function may read of a terminal stream. */
export interface TtyFacts {
  columns: number | undefined;
  rows: number | undefined;
}
