// smartasync/runtime: what generated code imports. Importing it does no work and starts
// nothing; the blocking worker and the pool start on first use.
//
// Written as CommonJS so that `require("smartasync/runtime")` (index.cjs) and
// `import "smartasync/runtime"` (index.js, a face that requires this file) reach one instance:
// one configuration, one blocking worker, one pool in a thread. Node 20.19 and 22.0 to 22.11
// cannot `require` an ES module without a flag, and a dual build would give a program that
// does both two runtimes (docs/runtime.md, "How it ships"). Browser builds get browser.ts
// instead, bundled into one ES module by scripts/build.mjs.
import { promises as fsPromises, writeSync } from "node:fs";
import { findSourceMap } from "node:module";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inspect } from "node:util";
import {
  isMainThread,
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  SHARE_ENV,
  Worker,
  workerData,
} from "node:worker_threads";
import { errorLine, isError, receive, sendArgs, uncloneable } from "./clone.cjs";
import * as inline from "./inline.cjs";
import {
  importing,
  LOOK,
  normalizeUrl,
  type ProcessUpdate,
  type Request,
  type Response,
  registry,
  STATE,
  type TtyFacts,
  type WireRequest,
  WORKER_KEY,
  type WorkerInit,
} from "./internal.cjs";
import * as deferred from "./later.cjs";
import * as mockable from "./mockable.cjs";
import * as portable from "./portable.cjs";
import { resetCanBlock } from "./portable.cjs";
import { type Config, DEFAULT_CONFIG, nextConfig, type SmartAsyncOptions } from "./settings.cjs";
import * as wrapper from "./wrapper.cjs";
import { type TypedForm, typedForm } from "./wrapper.cjs";

// Markers, dispatch and canBlock need no Node (portable.cts, shared with the browser runtime);
// they are exported with the other files' helpers at the end of this file.
export type { MarkOptions, SmartAsyncMarker, SyncMethods } from "./portable.cjs";

// ---------------------------------------------------------------------------------------------
// Thread facts
// ---------------------------------------------------------------------------------------------

const init: WorkerInit | undefined =
  !isMainThread && (workerData as WorkerInit | null)?.[WORKER_KEY] === true
    ? (workerData as WorkerInit)
    : undefined;

/** True inside smartasync's own workers (guard entry code: `if (!isWorker) main()`). */
export const isWorker: boolean = init !== undefined;
const depth = init?.depth ?? 0;

// ---------------------------------------------------------------------------------------------
// Configuration (checked in settings.cts)
// ---------------------------------------------------------------------------------------------

export type { SmartAsyncOptions } from "./settings.cjs";

const config: Config = { ...DEFAULT_CONFIG, ...(init?.config as Partial<Config> | undefined) };

/** Sets runtime options; they apply to calls made after it (and to workers started after it). */
export function configure(opts: SmartAsyncOptions): void {
  Object.assign(config, nextConfig(config, opts));
  resetCanBlock();
}

function poolSize(): number {
  return config.poolSize ?? Math.max(1, availableParallelism());
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

/** Records the functions of a module that a worker may call (moduleUrl: import.meta.url or __filename). */
export function register(moduleUrl: string, fns: Record<string, Function>): void {
  const url = normalizeUrl(moduleUrl);
  if (fns === null || typeof fns !== "object")
    throw new TypeError("smartasync: register() expects an object of functions");
  const reg = registry();
  let m = reg.get(url);
  if (m === undefined) {
    m = new Map();
    reg.set(url, m);
  }
  for (const [name, fn] of Object.entries(fns)) {
    if (typeof fn !== "function") throw new TypeError(`smartasync: register(): ${name} is not a function`);
    const had = m.get(name);
    // The module ran again (a dev server or a watch run evaluated it after an edit): workers
    // started before hold the version they imported, Node's module cache keyed by URL.
    if (had !== undefined && had !== fn) generation++;
    m.set(name, fn);
  }
}

/**
 * Bumped when a module registers a name again with another function: it was evaluated again,
 * as Vite's dev server does after an edit and Vitest on each run, while this runtime and its
 * workers stay. A worker remembers the generation it started in and is given no call once it is
 * older: a worker imports a module once (Node keys its ES module cache by URL), so it would go
 * on running the version it imported first while this thread runs the edited one (attack26
 * F10). The next call starts a fresh worker, which imports the modules as they are now; the old
 * one ends once work it left running is done (`drain`). A program that evaluates each module
 * once never bumps it: one compare per call (test/runtime/reload.test.ts).
 */
let generation = 0;

function registered(moduleUrl: string, name: string): { url: string; fn: Function } {
  const url = normalizeUrl(moduleUrl);
  const fns = registry().get(url);
  const fn = fns?.get(name);
  if (fn === undefined) {
    // In a worker still importing that module, the call comes from top-level code the import
    // runs before the module registered its functions: a module it imports, through an import
    // cycle (fixture worker/reentrant-through-import). "Not registered" would mislead.
    if (init !== undefined && importing().has(url)) throw reentrantError(name, url, true);
    throw notRegistered(name, url, fns === undefined);
  }
  return { url, fn };
}

/**
 * A worker variant called before its module registered it. A compiled module registers its
 * functions in its own body, so where it registered none yet the call comes from code that ran
 * while the module was still being evaluated: a module it imports, at its top level (an import
 * cycle; fixture worker/import-cycle-early-call). Located at the call (the first frame past the
 * variant's own module: the source's place where the program runs with source maps).
 */
function notRegistered(name: string, url: string, none: boolean): Error {
  const file = url.startsWith("file:") ? fileURLToPath(url) : url;
  // Called from the module's own code (its generated variant): the module is loaded, not yet run.
  const site = none ? callSiteOutside(file) : undefined;
  if (site === undefined) {
    const err = new Error(
      `smartasync: ${name} is not registered by ${url}; a worker only runs functions that their module registered with register()`,
    );
    Object.assign(err, { code: "SMARTASYNC_NOT_REGISTERED" });
    return err;
  }
  const at = site.loc === undefined ? "" : ` at ${site.loc}`;
  const err = new Error(
    `smartasync: ${name}${at} was called while its module ${relative(process.cwd(), file) || file} was still ` +
      `being evaluated, before it registered its functions for the worker (a module it imports calls ${name} ` +
      `at its top level: an import cycle). Call ${name} once the modules have loaded (from a function that ` +
      `runs later), write \`await ${name}(...)\` there, or break the cycle.`,
  );
  err.name = "SmartAsyncError";
  Object.assign(err, {
    code: "SMARTASYNC_NOT_REGISTERED",
    ...(site.loc === undefined ? {} : { loc: site.loc }),
  });
  return err;
}

/**
 * Whether the stack passes through `file` (the variant's generated wrapper), and the
 * `file:line:col` of the first frame after it: the call. Read from the raw call sites (a stack
 * Node maps to the sources names the sources, not `file`), then mapped to the source where the
 * program runs with source maps (`--enable-source-maps`).
 */
function callSiteOutside(file: string): { loc?: string } | undefined {
  const prepare = Error.prepareStackTrace;
  const holder: { stack?: unknown } = {};
  let stack: unknown;
  try {
    Error.prepareStackTrace = (_e, sites) => sites;
    Error.captureStackTrace(holder, callSiteOutside);
    stack = holder.stack; // formatted when first read: here, by the function above
  } finally {
    Error.prepareStackTrace = prepare;
  }
  const sites = Array.isArray(stack) ? (stack as NodeJS.CallSite[]) : [];
  let seen = false;
  for (const site of sites) {
    const name = site.getFileName() ?? "";
    const frame = name.startsWith("file:") ? fileURLToPath(name) : name;
    if (frame === file) seen = true;
    else if (seen && frame !== "")
      return { loc: sourcePlace(name, frame, site.getLineNumber() ?? 0, site.getColumnNumber() ?? 0) };
  }
  return seen ? {} : undefined;
}

/** `file:line:col` (relative to the working directory), in the source where a map says. */
function sourcePlace(name: string, frame: string, line: number, column: number): string {
  const rel = (p: string) => relative(process.cwd(), p) || p;
  try {
    const entry = (findSourceMap(name) ?? findSourceMap(frame))?.findEntry(line - 1, column - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number }
      | undefined;
    if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
      const src = entry.originalSource.startsWith("file:")
        ? fileURLToPath(entry.originalSource)
        : entry.originalSource;
      return `${rel(src)}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
    }
  } catch {
    // No map, or one that does not parse: the generated place.
  }
  return `${rel(frame)}:${line}:${column}`;
}

// ---------------------------------------------------------------------------------------------
// Workers
// ---------------------------------------------------------------------------------------------

// The worker entry is an ES module (worker.js): it imports function modules by URL.
const WORKER_URL = pathToFileURL(join(__dirname, "worker.js"));
let seq = 0;
/** Keys of functions on the blocking channel (WireRequest); unique in this thread. */
let keyCount = 0;

function boundary(name: string, url: string): string {
  return `    at <smartasync worker> ${name} (${url})`;
}

function timeoutError(name: string, url: string, ms: number, key: string, what: string): Error {
  const err = new Error(
    `smartasync: ${name} (${url}) did not settle within ${ms} ms; ${what}. ` +
      (key === "syncTimeoutMs"
        ? `The likely cause: ${name} waits on something only this thread can give (a server or a ` +
          "timer of this thread, a message to it), which cannot happen while this thread is blocked " +
          `waiting for ${name}; call it from async code with \`await ${name}(...)\` instead. `
        : "") +
      // A task given its own limit (offload's internal argument) has no setting to raise here.
      (key
        ? `If it needs longer, raise the limit with configure({ ${key}: <ms> }).`
        : "The limit was the task's own, set by its caller."),
  );
  err.name = "SmartAsyncTimeoutError";
  (err as Error & { code: string }).code = "SMARTASYNC_TIMEOUT";
  return err;
}

/** A worker that cannot start fails the call at once (code SMARTASYNC_WORKER_START). */
function startError(name: string, reason: string): Error {
  const err = new Error(`smartasync: cannot start a worker for ${name}: ${reason}`);
  (err as Error & { code: string }).code = "SMARTASYNC_WORKER_START";
  return err;
}

function spawn(
  mode: "sync" | "pool",
  name: string,
  extra: Partial<WorkerInit>,
  transfer: MessagePort[],
): { worker: Worker; data: WorkerInit; heard: Heard } {
  // Workers inherit execArgv, and Node refuses --input-type for any worker (its entry is a
  // file): the worker would die before running a line of ours, unseen by a blocked caller.
  const inputType = process.execArgv.find((a) => a === "--input-type" || a.startsWith("--input-type="));
  if (inputType !== undefined) {
    throw startError(
      name,
      `Node refuses it: "--input-type can only be used with string input via --eval, --print, or STDIN" ` +
        `(ERR_INPUT_TYPE_NOT_ALLOWED), and worker threads inherit ${inputType} from this process. ` +
        "Run the program from a file (node main.mjs) instead of -e or standard input.",
    );
  }
  // With its code, as every failure of smartasync's own: an inline copy's `catch` lets it pass
  // rather than turn it into the user's fallback value (attack27 F17).
  if (depth + 1 > config.maxNesting) {
    throw startError(
      name,
      `it would be nested ${depth + 1} deep, beyond maxNesting (${config.maxNesting}). A worker ` +
        "function that needs another worker should await the async function instead, or raise the " +
        "bound with configure({ maxNesting }).",
    );
  }
  if (!waitsForWorkers) {
    waitsForWorkers = true;
    process.on("beforeExit", keepAliveForWork);
    process.on("exit", exitListenersOfWorkers);
  }
  const data: WorkerInit = {
    [WORKER_KEY]: true,
    mode,
    depth: depth + 1,
    config: { ...config },
    sourceMaps: (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true,
    argv: [...process.argv],
    deprecation: deprecationFlags(),
    busy: new Int32Array(new SharedArrayBuffer(12)),
    tty: [ttyFacts(process.stdout), ttyFacts(process.stderr)],
    ...extra,
  };
  // The function runs in the same process as its caller: it sees the same command line and the
  // same environment, changes made after the worker started included (SHARE_ENV; by default a
  // worker gets a copy taken when it starts). Fixture worker/what-a-worker-sees.
  return {
    worker: new Worker(WORKER_URL, { workerData: data, transferList: transfer, env: SHARE_ENV }),
    data,
    heard: heardNow(),
  };
}

/**
 * What a worker last heard of this thread's process (ProcessUpdate, internal.cts). Looked at
 * before each call; on the common path (nothing changed) an identity and length compare of
 * `process.argv`, its few strings, the identity of `process.env` and three flags.
 */
interface Heard {
  argvRef: string[];
  argv: string[];
  env: NodeJS.ProcessEnv;
  flags: number;
}

/** `process.env` as this module found it: the object Node gives, shared with workers (SHARE_ENV). */
const ORIGINAL_ENV = process.env;
/** `process` read once: the global is an accessor, read per call it cost more than the check. */
const proc = process as NodeJS.Process & {
  noDeprecation?: boolean;
  throwDeprecation?: boolean;
  traceDeprecation?: boolean;
};

function deprecationFlags(): number {
  return (
    (proc.noDeprecation === true ? 1 : 0) |
    (proc.throwDeprecation === true ? 2 : 0) |
    (proc.traceDeprecation === true ? 4 : 0)
  );
}

function heardNow(): Heard {
  return { argvRef: proc.argv, argv: [...proc.argv], env: ORIGINAL_ENV, flags: deprecationFlags() };
}

/** The update a worker needs before its next call, or undefined when it has heard it all. */
function processUpdate(heard: Heard): ProcessUpdate | undefined {
  let update: ProcessUpdate | undefined;
  const argv = proc.argv;
  let same = argv === heard.argvRef && argv.length === heard.argv.length;
  for (let i = 0; same && i < argv.length; i++) same = argv[i] === heard.argv[i];
  if (!same) {
    heard.argvRef = argv;
    heard.argv = Array.isArray(argv) ? [...argv] : [];
    update = { a: heard.argv };
  }
  const env = proc.env;
  if (env !== ORIGINAL_ENV) {
    // A replaced environment is the program's own object, which it may change at any time:
    // its entries go with every call while it is in place (test setups, not hot paths).
    const entries: Record<string, string> = {};
    if (env !== null && typeof env === "object")
      for (const k of Object.keys(env)) {
        const v = env[k];
        if (v !== undefined) entries[k] = String(v);
      }
    heard.env = env;
    update = { ...update, v: entries };
  } else if (heard.env !== ORIGINAL_ENV) {
    heard.env = ORIGINAL_ENV;
    update = { ...update, v: null };
  }
  const flags = deprecationFlags();
  if (flags !== heard.flags) {
    heard.flags = flags;
    update = { ...update, d: flags };
  }
  return update;
}

function ttyFacts(stream: NodeJS.WriteStream): TtyFacts | undefined {
  return stream.isTTY === true ? { columns: stream.columns, rows: stream.rows } : undefined;
}

/** Whether a worker has work left running that a function started (worker.ts, `busy`). */
function isBusy(data: WorkerInit): boolean {
  // An error it posted and this thread has not taken yet counts: the worker itself may be idle
  // by then (it goes on after such an error), and the process must not end before raising it.
  return Atomics.load(data.busy, 0) !== 0 || Atomics.load(data.busy, 2) !== 0;
}

let waitsForWorkers = false;
let keeping = false;

/**
 * The calling thread's event loop is empty, but a worker may still run work a function left
 * running (an un-awaited request, a timer): on one thread that work would keep the process
 * alive. Keep the busy workers ref'd (and look every few ms) until none is; then the loop
 * empties again and the process ends as it would have (attack 14, #16). A crash of that work
 * reaches this thread as its own (reportBackground).
 */
function keepAliveForWork(): void {
  if (keeping || unsettled().length === 0) return;
  keeping = true;
  const held: Worker[] = [];
  const look = () => {
    const now = unsettled();
    if (now.length === 0) {
      keeping = false;
      for (const w of held) if (!running(w)) w.unref();
      return;
    }
    for (const [w, data] of now) {
      if (!held.includes(w)) {
        held.push(w);
        w.ref();
      }
      // Not asked since its last answer (a call made meanwhile answers too): ask.
      if (Atomics.load(data.busy, 0) === 1) w.postMessage(LOOK);
    }
    setTimeout(look, 5);
  };
  look();
}

/**
 * The process exits: exit listeners a function registered in a worker run now, as they would
 * have on this thread (attack 14, #14). Each worker that has some (its second slot is 1) is told
 * to run them, and this thread waits until it has (at most EXIT_LISTENERS_MS each: a listener
 * that hangs cannot hold the exit).
 */
function exitListenersOfWorkers(code: number): void {
  const all: [Worker, WorkerInit][] = [];
  if (channel !== undefined) all.push([channel.worker, channel.data]);
  for (const pw of workers) if (!pw.gone) all.push([pw.worker, pw.data]);
  for (const entry of draining) all.push(entry);
  for (const [w, data] of all) {
    if (Atomics.load(data.busy, 1) !== 1) continue;
    try {
      w.postMessage({ exit: code });
    } catch {
      continue;
    }
    Atomics.wait(data.busy, 1, 1, EXIT_LISTENERS_MS);
  }
}
const EXIT_LISTENERS_MS = 2000;

/**
 * Workers given no more calls (`generation`) that end once work a function left running there is
 * done and they have no exit listeners, as an idle pool worker does (retireWhenIdle): in the
 * meantime they keep the process alive for that work and run those listeners at its exit.
 */
const draining = new Map<Worker, WorkerInit>();

function drain(w: Worker, data: WorkerInit): void {
  draining.set(w, data);
  w.unref();
  w.once("exit", () => draining.delete(w));
  const look = (delay: number) => {
    setTimeout(() => {
      if (!draining.has(w) || Atomics.load(data.busy, 1) === 1) return; // ends with the process
      const busy = Atomics.load(data.busy, 0);
      if (busy === 0) {
        draining.delete(w);
        void w.terminate();
        return;
      }
      if (busy === 1) w.postMessage(LOOK);
      look(busy === 1 ? Math.min(config.idleTimeoutMs, 10) : config.idleTimeoutMs);
    }, delay).unref();
  };
  look(0);
}

/** Workers whose slot is not 0: not asked since their last answer (1), or with work running (2). */
function unsettled(): [Worker, WorkerInit][] {
  const out: [Worker, WorkerInit][] = [];
  for (const [w, data] of draining) if (isBusy(data)) out.push([w, data]);
  // A worker that is dying stays here until its exit: its last message may be the error.
  if (channel !== undefined && isBusy(channel.data)) out.push([channel.worker, channel.data]);
  for (const pw of workers) if (!pw.gone && isBusy(pw.data)) out.push([pw.worker, pw.data]);
  return out;
}

/** A pool worker running a task stays ref'd (dispatch); any other is unref'd when idle. */
function running(w: Worker): boolean {
  for (const pw of workers) if (pw.worker === w) return pw.task !== undefined;
  return false;
}

/**
 * An error no code of a worker caught (worker.ts, crash): this thread's own uncaught exception
 * or unhandled rejection, with the worker's stack and where it ran, as on one thread (the process
 * fails with it unless the program handles such errors). The worker goes on.
 */
function reportBackground(res: Response, data: WorkerInit): void {
  Atomics.sub(data.busy, 2, 1);
  const v = backgroundError(res);
  if (res.u === 2) void Promise.reject(v);
  else
    process.nextTick(() => {
      throw v;
    });
}

function backgroundError(res: Response): unknown {
  const v = res.c === true ? receive(res.v) : res.v;
  if (isError(v) && res.f !== undefined && Object.hasOwn(v, "stack")) {
    setStack(v, `${typeof v.stack === "string" ? v.stack : errorLine(v)}\n${boundary(res.f[1], res.f[0])}`);
  }
  return v;
}

/**
 * The same, come while this thread is blocked in runSync (the blocking worker had a call in
 * flight, attack30 F10): on one thread the program's handler would run now, not after the call,
 * and the call would go on. So the handlers run now, while the call goes on in its worker
 * (`uncaughtExceptionMonitor`, then `uncaughtException`, as Node emits them; an unhandled
 * rejection goes to `unhandledRejection` listeners, and without any is raised as an uncaught
 * exception, as Node's default `--unhandled-rejections=throw` does). Without a handler the
 * process ends with it now, as it would on one thread: the error on standard error, exit code 1
 * (its `exit` listeners run). Never thrown into the runSync caller: that call did not fail.
 */
function raiseNow(res: Response, data: WorkerInit): void {
  Atomics.sub(data.busy, 2, 1);
  const v = backgroundError(res);
  try {
    if (res.u === 2 && process.listenerCount("unhandledRejection") > 0) {
      const p = Promise.reject(v);
      p.catch(ignore);
      process.emit("unhandledRejection", v, p);
      return;
    }
    const origin = res.u === 2 ? "unhandledRejection" : "uncaughtException";
    const emit = process.emit.bind(process) as (event: string, ...args: unknown[]) => boolean;
    emit("uncaughtExceptionMonitor", v, origin);
    if (process.listenerCount("uncaughtException") > 0) {
      emit("uncaughtException", v, origin);
      return;
    }
  } catch (thrown) {
    // A handler that throws: that error is this thread's own uncaught exception.
    process.nextTick(() => {
      throw thrown;
    });
    return;
  }
  writeSync(2, `${inspect(v)}\n\nNode.js ${process.version}\n`);
  process.exit(1);
}

/**
 * Gives a crossed error the stack with where it crossed. An error the program froze or sealed
 * arrives locked again (clone.cts), as its own `stack` was: a frozen one keeps the worker's stack
 * as it is, a sealed one gets the value only (attack19 F6: redefining it threw a TypeError that
 * replaced the program's own error).
 */
function setStack(v: Error, stack: string): void {
  const own = Object.getOwnPropertyDescriptor(v, "stack");
  if (own === undefined ? !Object.isExtensible(v) : own.configurable !== true) {
    if (own?.writable === true) v.stack = stack;
    return;
  }
  Object.defineProperty(v, "stack", { value: stack, writable: true, configurable: true, enumerable: false });
}

function settleResponse(res: Response, name: string, url: string, callerStack?: string): unknown {
  if (res.e !== undefined) process.exitCode = res.e;
  const v = res.c === true ? receive(res.v, name) : res.v;
  // The worker's stack of a thrown (or returned) error, then where it crossed, then the caller.
  // An error without an own `stack` arrives without one (docs/runtime.md; attack23 F15): the
  // crossing is not written into a stack the error did not have.
  if (res.c === true && isError(v) && Object.hasOwn(v, "stack")) {
    let stack = `${typeof v.stack === "string" ? v.stack : errorLine(v)}\n${boundary(name, url)}`;
    if (callerStack !== undefined) stack += callerStack;
    setStack(v, stack);
  }
  if (res.ok) return v;
  throw v;
}

/** A re-entrant call from the top level of a module this worker is still importing. */
function reentrantError(name: string, url: string, cycle = false): Error {
  const who = cycle
    ? `top-level code this import runs (a module it imports, through an import cycle back to it) calls ${name}'s worker variant before the module registered ${name}`
    : `the module's own top-level code calls ${name}'s worker variant`;
  const err = new Error(
    `smartasync: ${name} (${url}) was called through a worker while this worker was still importing ` +
      `${url}: ${who}, and every worker that ` +
      "imports the module to run it would call it again (one more worker each time). Move the call " +
      `into a function run after the import, guard it with \`if (!isWorker)\`, or write \`await ${name}(...)\` ` +
      "at the top level.",
  );
  (err as Error & { code: string }).code = "SMARTASYNC_REENTRANT";
  return err;
}

/** Whether this thread itself listens on `port` (only this thread's own handles). */
function ownServerOn(port: number): boolean {
  const list = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  if (typeof list !== "function") return false;
  for (const h of list.call(process)) {
    try {
      const s = h as { listening?: unknown; address?: () => unknown };
      if (s.listening !== true || typeof s.address !== "function") continue;
      const a = s.address();
      if (a !== null && typeof a === "object" && (a as { port?: unknown }).port === port) return true;
    } catch {
      // not a server
    }
  }
  return false;
}

function deadlockError(name: string, url: string, port: number): Error {
  const err = new Error(
    `smartasync: ${name} (${url}) connected to port ${port}, where a server of this very thread listens; ` +
      `this thread is blocked until ${name} settles, so that server cannot answer and the call could ` +
      `only time out. Call it from async code with \`await ${name}(...)\`, so this thread stays free to ` +
      "serve. Its worker was terminated.",
  );
  err.name = "SmartAsyncDeadlockError";
  (err as Error & { code: string }).code = "SMARTASYNC_DEADLOCK";
  return err;
}

// --- the blocking channel (one per thread) -------------------------------------------------

interface Channel {
  worker: Worker;
  port: MessagePort;
  state: Int32Array;
  data: WorkerInit;
  heard: Heard;
  /** Functions this channel's worker knows by key: url -> name -> key (WireRequest). */
  keys: Map<string, Map<string, number>>;
  /** The registry's `generation` when the worker started. */
  generation: number;
}
let channel: Channel | undefined;

function openChannel(name: string): Channel {
  const { port1, port2 } = new MessageChannel();
  const state = new Int32Array(new SharedArrayBuffer(4 * STATE.size));
  const { worker, data, heard } = spawn("sync", name, { port: port2, state }, [port2]);
  const ch: Channel = { worker, port: port1, state, data, heard, keys: new Map(), generation };
  // Its answers come on port1; on the worker's own port only an error of work left running.
  worker.on("message", (res: Response) => {
    if (res.u !== undefined) reportBackground(res, data);
  });
  const drop = () => {
    if (channel === ch) channel = undefined;
  };
  worker.on("error", drop);
  worker.on("exit", () => {
    drop();
    port1.close();
  });
  worker.unref();
  port1.unref();
  channel = ch;
  return ch;
}

function closeChannel(ch: Channel): Promise<unknown> {
  if (channel === ch) channel = undefined;
  ch.port.close();
  return ch.worker.terminate();
}

/** Answers read by a runSync that runs inside another's wait (raiseNow), for that other. */
const aside = new Map<number, Response>();

function answer(res: Response, name: string, url: string): unknown {
  // The blocking worker writes its output to the file descriptors itself: nothing to wait for.
  if (res.q !== undefined) process.exit(res.q);
  return settleResponse(res, name, url, res.ok ? undefined : callerFrames());
}

/**
 * Runs the registered async function `name` of `moduleUrl` in the blocking worker and waits
 * for it: returns its value or throws its error.
 */
/** The value of the registered async function; `T` is for typed callers (generated TypeScript). */
export function runSync<T = unknown>(moduleUrl: string, name: string, args: unknown[]): T;
export function runSync(moduleUrl: string, name: string, args: unknown[]): unknown {
  const { url, fn } = registered(moduleUrl, name);
  if (!canBlock()) {
    if (config.onCannotBlock === "promise") {
      try {
        return Promise.resolve(fn(...args));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    throw new Error(
      `smartasync: cannot call ${name} synchronously here: this thread may not block (Atomics.wait is ` +
        `not allowed, as on a browser's main thread). Await ${name}(...) instead, or call ` +
        `configure({ onCannotBlock: "promise" }) to get a promise from such calls.`,
    );
  }
  if (!Array.isArray(args)) throw new TypeError(`smartasync: the arguments of ${name} must be an array`);
  if (init !== undefined && importing().has(url)) throw reentrantError(name, url);
  const sent = sendArgs(args, name);
  let ch = channel;
  if (ch === undefined || Atomics.load(ch.state, STATE.dead) !== 0 || ch.generation !== generation) {
    if (ch !== undefined) {
      if (ch.generation !== generation && Atomics.load(ch.state, STATE.dead) === 0) {
        // A module was evaluated again since this worker started: it may hold an older version.
        channel = undefined;
        ch.port.close();
        drain(ch.worker, ch.data);
      } else void closeChannel(ch);
    }
    ch = openChannel(name);
  }
  const id = ++seq;
  let names = ch.keys.get(url);
  const known = names?.get(name);
  const key = known ?? keyCount++;
  const req: WireRequest =
    known === undefined ? { id, k: key, url, name, args: sent.args } : { id, k: key, args: sent.args };
  if (sent.c) req.c = true;
  const update = processUpdate(ch.heard);
  if (update !== undefined) req.p = update;
  const state = ch.state;
  Atomics.store(state, STATE.wake, 0);
  Atomics.store(state, STATE.connect, 0); // a connection left over from an earlier call is not this one's
  // From before the post (the worker may not have taken the request yet when an error of earlier
  // work comes): such an error must come here, where this blocked thread reads (worker.ts, crash).
  Atomics.add(state, STATE.waiting, 1);
  try {
    ch.worker.postMessage(req);
  } catch (err) {
    Atomics.sub(state, STATE.waiting, 1);
    throw postFailure(args, name, err);
  }
  if (known === undefined) {
    // Only once the worker has the message that names it.
    if (names === undefined) {
      names = new Map();
      ch.keys.set(url, names);
    }
    names.set(name, key);
  }
  const limit = config.syncTimeoutMs;
  // One clock read per call, then a wait as long as the time left. A short first wait (it was
  // 1 ms, to skip this read) cost far more than the read: a kernel timer due sooner than the
  // next scheduler tick (4 ms at HZ=250) is armed and cancelled by reprogramming the CPU's timer
  // device, a few µs of system time a call on a virtual machine, and the round trip with an
  // options object measured 1.4-1.6x synckit's instead of ~1.0x (docs/performance.md).
  const deadline = performance.now() + limit;
  let remaining = limit;
  try {
    for (;;) {
      // Wait first: the worker posts its answer, then sets the wake flag (cleared before the
      // post above), so the wait returns at once for an answer already there. The flag is cleared
      // before each read: an answer posted after the read sets it again, and the next wait
      // returns at once. Reading before the first wait cost an empty read on every call.
      Atomics.wait(state, STATE.wake, 0, remaining);
      Atomics.store(state, STATE.wake, 0);
      for (let got = receiveMessageOnPort(ch.port); got !== undefined; got = receiveMessageOnPort(ch.port)) {
        const res = got.message as Response;
        if (res.u !== undefined) {
          raiseNow(res, ch.data);
          // A handler that called runSync itself may have read this call's answer (kept aside).
          const kept = aside.get(id);
          if (kept === undefined) continue;
          aside.delete(id);
          return answer(kept, name, url);
        }
        if (res.id === id) return answer(res, name, url);
        // The answer of a call this one runs inside (a handler raiseNow ran called runSync): kept
        // for it. A call that timed out closed its channel, so no stale answer comes here.
        aside.set(res.id, res);
      }
      if (Atomics.load(state, STATE.connect) !== 0) {
        // The worker opened a loopback connection: to a server of this (blocked) thread?
        const port = Atomics.exchange(state, STATE.connect, 0);
        if (ownServerOn(port)) {
          void closeChannel(ch);
          throw deadlockError(name, url, port);
        }
      }
      remaining = deadline - performance.now();
      if (remaining <= 0) {
        void closeChannel(ch);
        throw timeoutError(
          name,
          url,
          limit,
          "syncTimeoutMs",
          Atomics.load(state, STATE.started) === 0
            ? "its worker never started running (a flag or module hook the worker inherits may stop it: " +
                "see the process's standard error), and was terminated"
            : "its worker was terminated (a new one starts on the next call)",
        );
      }
    }
  } finally {
    Atomics.sub(state, STATE.waiting, 1);
  }
}

/**
 * postMessage refused what the check let through: a proxy (not looked for on the hot path).
 * The walk again, proxies included, says where (it throws the located error); failing that,
 * postMessage's own reason.
 */
function postFailure(args: unknown[], name: string, err: unknown): TypeError {
  sendArgs(args, name, true);
  return uncloneable(`smartasync: the arguments of ${name} cannot be sent to a worker (${errorLine(err)})`);
}

function callerFrames(): string {
  const s = new Error().stack ?? "";
  const i = s.indexOf("\n");
  const j = s.indexOf("\n", i + 1); // drop "Error" and the callerFrames frame
  return j < 0 ? "" : s.slice(j);
}

// --- the pool ------------------------------------------------------------------------------

interface Task {
  id: number;
  url: string;
  name: string;
  req: Request;
  args: unknown[];
  /** This task's own limit in ms (offload's internal 4th argument), else offloadTimeoutMs. */
  limit: number | undefined;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface PoolWorker {
  worker: Worker;
  data: WorkerInit;
  heard: Heard;
  task: Task | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  gone: boolean;
  /** The code the running function passed to `process.exit` (onReply). */
  quit?: number | string;
  /** The registry's `generation` when the worker started. */
  generation: number;
}

const workers = new Set<PoolWorker>();
const idle: PoolWorker[] = [];
const queue: Task[] = [];
let qHead = 0;

function startPoolWorker(name: string): PoolWorker {
  const { worker, data, heard } = spawn("pool", name, {}, []);
  const pw: PoolWorker = {
    worker,
    data,
    heard,
    task: undefined,
    timer: undefined,
    gone: false,
    generation,
  };
  const w = pw.worker;
  w.on("message", (res: Response) => onReply(pw, res));
  w.on("error", (err) => retire(pw, err));
  w.on("exit", (code) => {
    if (pw.quit !== undefined) {
      const q = pw.quit;
      setImmediate(() => process.exit(q));
      return;
    }
    retire(pw, () => {
      const err = new Error(
        `smartasync: the worker exited with code ${code} while running ${pw.task?.name ?? "a task"}`,
      );
      (err as Error & { code: string }).code = "SMARTASYNC_WORKER_EXIT";
      return err;
    });
  });
  workers.add(pw);
  return pw;
}

/** Removes a worker from the pool; its task (if any) fails with `reason`. */
function retire(pw: PoolWorker, reason: unknown | (() => unknown), terminate = false): void {
  if (pw.gone) return;
  pw.gone = true;
  workers.delete(pw);
  const i = idle.indexOf(pw);
  if (i >= 0) idle.splice(i, 1);
  if (pw.timer !== undefined) clearTimeout(pw.timer);
  const t = pw.task;
  pw.task = undefined;
  if (t !== undefined) t.reject(typeof reason === "function" ? (reason as () => unknown)() : reason);
  if (terminate) void pw.worker.terminate();
  pw.worker.unref();
  pump();
}

function dispatch(pw: PoolWorker, t: Task): void {
  // The process as it is when the task starts (a queued task: when a worker takes it).
  const update = processUpdate(pw.heard);
  if (update !== undefined) t.req.p = update;
  else if (t.req.p !== undefined) delete t.req.p;
  try {
    pw.worker.postMessage(t.req);
  } catch (err) {
    try {
      t.reject(postFailure(t.args, t.name, err));
    } catch (located) {
      t.reject(located);
    }
    goIdle(pw);
    return;
  }
  pw.task = t;
  if (pw.timer !== undefined) clearTimeout(pw.timer);
  const limit = t.limit ?? config.offloadTimeoutMs;
  pw.timer = setTimeout(() => {
    retire(
      pw,
      timeoutError(
        t.name,
        t.url,
        limit,
        t.limit === undefined ? "offloadTimeoutMs" : "",
        "its worker was terminated and will be replaced",
      ),
      true,
    );
  }, limit);
  pw.worker.ref();
}

function goIdle(pw: PoolWorker): void {
  if (pw.generation !== generation) {
    // Its modules may be older than this thread's (`generation`): not given another task.
    retire(pw, undefined);
    drain(pw.worker, pw.data);
    return;
  }
  if (qHead < queue.length) {
    dispatch(pw, nextTask());
    return;
  }
  pw.worker.unref();
  if (pw.timer !== undefined) clearTimeout(pw.timer);
  retireWhenIdle(pw);
  idle.push(pw);
}

/**
 * An idle worker ends after idleTimeoutMs, unless work a function left running is not done, or
 * a function registered `process.on("exit")` listeners there: `terminate()` would not run them,
 * so that worker stays (unref'd) to run them at the caller's exit (review). A worker not yet
 * asked about left work (slot 0 is 1 after every answer) is asked now and looked at again soon,
 * not a whole idleTimeoutMs later (review: idle workers lived twice as long).
 */
function retireWhenIdle(pw: PoolWorker, delay: number = config.idleTimeoutMs): void {
  pw.timer = setTimeout(() => {
    if (Atomics.load(pw.data.busy, 1) === 1) {
      pw.timer = undefined;
      return;
    }
    const busy = Atomics.load(pw.data.busy, 0) | Atomics.load(pw.data.busy, 2);
    if (busy === 0) {
      retire(pw, undefined, true);
      return;
    }
    pw.worker.postMessage(LOOK);
    retireWhenIdle(pw, busy === 1 ? Math.min(config.idleTimeoutMs, 10) : config.idleTimeoutMs);
  }, delay);
  pw.timer.unref();
}

function nextTask(): Task {
  const t = queue[qHead++]!;
  if (qHead === queue.length) {
    queue.length = 0;
    qHead = 0;
  }
  return t;
}

function onReply(pw: PoolWorker, res: Response): void {
  if (res.o !== undefined) {
    // The worker's output, in the order it wrote it to both streams (worker.ts, attack30 F08).
    const t = res.t as string | Uint8Array;
    // Bytes as a Buffer, as Node's own route hands them to the stream (a program's capture of
    // `process.stdout.write` may call `chunk.toString()`).
    (res.o === 2 ? process.stderr : process.stdout).write(
      typeof t === "string" ? t : Buffer.from(t.buffer, t.byteOffset, t.byteLength),
    );
    return;
  }
  if (res.u !== undefined) {
    reportBackground(res, pw.data);
    return;
  }
  const t = pw.task;
  if (t === undefined || t.id !== res.id) return;
  if (res.q !== undefined) {
    // `process.exit(q)` in the function (attack 16, F23): the plain program ends there, so the
    // call never settles; the process exits with `q` once the worker has ended, after its
    // output (messages of its own) has reached this thread's streams.
    pw.quit = res.q;
    return;
  }
  pw.task = undefined;
  try {
    t.resolve(settleResponse(res, t.name, t.url));
  } catch (err) {
    t.reject(err);
  }
  if (res.x === true)
    retire(pw, undefined, true); // the worker is exiting: do not reuse it
  else goIdle(pw);
}

/** Starts workers for queued tasks while the pool has room. */
function pump(): void {
  while (qHead < queue.length) {
    const pw = idle.pop();
    if (pw !== undefined && pw.generation !== generation) {
      retire(pw, undefined); // clears its idle timer; the loop goes on in pump() called by retire
      drain(pw.worker, pw.data);
      return;
    } else if (pw !== undefined) {
      if (pw.timer !== undefined) clearTimeout(pw.timer);
      dispatch(pw, nextTask());
    } else if (workers.size < poolSize()) {
      const t = nextTask();
      let fresh: PoolWorker;
      try {
        fresh = startPoolWorker(t.name);
      } catch (err) {
        t.reject(err);
        continue;
      }
      dispatch(fresh, t);
    } else return;
  }
}

/** Runs the registered sync function `name` of `moduleUrl` in the worker pool. */
/** A promise of the registered sync function's value; `T` is for typed callers (generated TypeScript). */
export function offload<T = unknown>(moduleUrl: string, name: string, args: unknown[]): Promise<T>;
/**
 * `limitMs` is internal: smartasync's own per-file compile budget (src/compile/budget.ts) gives
 * its tasks their own limit without changing `offloadTimeoutMs`, which belongs to the program
 * whose process the compiler runs in (a bundler's, a dev server's). Generated code never passes it.
 */
export function offload(
  moduleUrl: string,
  name: string,
  args: unknown[],
  limitMs?: number,
): Promise<unknown> {
  let req: Request;
  let url: string;
  try {
    if (limitMs !== undefined && !(Number.isFinite(limitMs) && limitMs > 0))
      throw new TypeError(`smartasync: an offload limit must be a finite number of ms > 0, got ${limitMs}`);
    url = registered(moduleUrl, name).url;
    if (!Array.isArray(args)) throw new TypeError(`smartasync: the arguments of ${name} must be an array`);
    if (init !== undefined && importing().has(url)) throw reentrantError(name, url);
    const sent = sendArgs(args, name);
    req = { id: ++seq, url, name, args: sent.args };
    if (sent.c) req.c = true;
  } catch (err) {
    return inOrder(Promise.reject(err));
  }
  return inOrder(
    new Promise((resolve, reject) => {
      queue.push({ id: req.id, url, name, req, args, limit: limitMs, resolve, reject });
      pump();
      // A call that waits for a free worker is sent later, but its arguments are what they are
      // now: the plain call read them at once, and the caller may change them meanwhile (a
      // reused options object; attack18 F23). So a waiting task holds its own copy, taken with
      // the algorithm postMessage uses, and a value it refuses fails this call now.
      const last = queue.length - 1;
      if (last >= qHead && queue[last]!.req === req) {
        try {
          req.args = structuredClone(req.args);
        } catch (err) {
          queue.pop();
          reject(postFailure(args, name, err));
        }
      }
    }),
  );
}

/** Settles when every call of the current synchronous run made so far has settled. */
let runTail: Promise<unknown> | undefined;
const ignore = (): void => {};

/**
 * Calls made in one synchronous run (the elements of `Promise.all([f(a), f(b)])`, the calls of
 * `Promise.all(xs.map((x) => f(x)))`) reject in the order they were made: a call's error waits
 * until every earlier call of the run has settled. In the plain program the first call to throw
 * stops the array there, so `Promise.all` must reject with that one, not with whichever pool
 * thread failed first (attack 16, F21). Values are not held back; a call alone in its run (an
 * `await f()`) is returned as is.
 */
function inOrder(p: Promise<unknown>): Promise<unknown> {
  const before = runTail;
  const done = p.then(ignore, ignore);
  if (before === undefined) {
    runTail = done;
    queueMicrotask(() => {
      runTail = undefined;
    });
    return p;
  }
  runTail = Promise.all([before, done]);
  return p.catch((err: unknown) =>
    before.then(() => {
      throw err;
    }),
  );
}

/** Terminates every worker of this thread (blocking channel and pool); later calls start fresh ones. */
export async function shutdown(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  // An unref'd worker being terminated does not keep the event loop alive: ref it so that
  // awaiting shutdown() cannot end the loop with the promise pending.
  if (channel !== undefined) {
    channel.worker.ref();
    waits.push(closeChannel(channel));
  }
  const queued = queue.slice(qHead);
  queue.length = 0;
  qHead = 0;
  for (const t of queued) t.reject(new Error("smartasync: shutdown() cancelled this task"));
  const err = new Error("smartasync: shutdown() terminated the worker running this task");
  for (const pw of [...workers]) {
    retire(pw, err);
    pw.worker.ref();
    waits.push(pw.worker.terminate());
  }
  for (const w of draining.keys()) {
    w.ref();
    waits.push(w.terminate());
  }
  draining.clear();
  await Promise.allSettled(waits);
}

// The helpers of other files are exported as plain values, not re-exported: TypeScript's
// CommonJS form of `export { x } from` is a getter on `exports`, and generated code reads
// `_sa.guard` on every call of an inline variant (measured 37–51 ns a call through the getter,
// 3–17 ns through a plain property).
export const SMARTASYNC: typeof portable.SMARTASYNC = portable.SMARTASYNC;
export const OF: typeof portable.OF = portable.OF;
export const mark = portable.mark;
export const getMarker = portable.getMarker;
export const isSmartAsync = portable.isSmartAsync;
export const callSync = portable.callSync;
export const callAsync = portable.callAsync;
export const callSyncOf = portable.callSyncOf;
export const callAsyncOf = portable.callAsyncOf;
export const via = portable.via;
export const ownVariant = portable.ownVariant;
export const ownVariantOf = portable.ownVariantOf;
export const hide = portable.hide;
export const spreadOf = portable.spreadOf;
export const keyOf = portable.keyOf;
export const viaOf = portable.viaOf;
export const viaFn = portable.viaFn;
export const bound = portable.bound;
export const syncMethods = portable.syncMethods;
export const callVariant = mockable.callVariant;
export const pickVariant = mockable.pickVariant;
export const canBlock = portable.canBlock;
export const sleepSync = portable.sleepSync;
export const allSync = inline.allSync;
export const caught = inline.caught;
export const failed = inline.failed;
export const attempt = inline.attempt;
export const attemptCall = inline.attemptCall;
export const calling = inline.calling;
export const allOf = inline.allOf;
export const mapSync = inline.mapSync;
export const mapLimitSync = inline.mapLimitSync;
export const limited = inline.limited;
export const plainArray = inline.plainArray;
export const allDone = inline.allDone;
export const pMapLoop = inline.pMapLoop;
export const mapDone = inline.mapDone;
export const expectValue = inline.expectValue;
export const guard = inline.guard;
export const started = inline.started;
export const rethrowGuard = inline.rethrowGuard;
export const settle = inline.settle;
export const settleCall = inline.settleCall;
export const syncElements = inline.syncElements;
export const twinData = inline.twinData;
export const twinPath = inline.twinPath;
export const twinVia = inline.twinVia;
export const twinSame = inline.twinSame;
// Twins stand for these functions; recorded now, before the program can replace one (twinVia).
inline.usePromiseApi(fsPromises);
export const twinOptions = inline.twinOptions;
export const later = deferred.later;
export const settled = deferred.settled;
export const explicit = wrapper.explicit;
export const typed = wrapper.typed;
export type { Both, SmartAsync, TypedForm } from "./wrapper.cjs";

/** The typed form (docs/typescript.md) over this runtime's worker paths. */
export const smartasync: TypedForm = typedForm({ register, runSync, offload });
