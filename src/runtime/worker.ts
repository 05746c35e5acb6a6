// Worker entry for both the blocking channel (mode "sync": replies on a dedicated MessagePort,
// then wakes the blocked caller through a shared Int32Array) and the pool (mode "pool": replies
// on parentPort). It imports a module by URL, which registers its functions, and calls them.
import { subscribe } from "node:diagnostics_channel";
import { writeSync } from "node:fs";
import type { Socket } from "node:net";
import { WriteStream } from "node:tty";
import { parentPort, workerData } from "node:worker_threads";
import { errorLine, receive, sendValue } from "./clone.cjs";
import {
  importing,
  type LOOK,
  type ProcessUpdate,
  type Request,
  type Response,
  registry,
  STATE,
  type TtyFacts,
  type WireRequest,
  WORKER_IMPORT_ENV,
  type WorkerInit,
} from "./internal.cjs";

const init = workerData as WorkerInit;
const sync = init.mode === "sync";
const port = init.port;
const state = init.state;
if (init.sourceMaps) process.setSourceMapsEnabled(true);
// The caller's command line, not this worker's own ([node, worker.js]): a function reading
// `process.argv` sees what it would see on the calling thread.
if (Array.isArray(init.argv)) process.argv.splice(0, process.argv.length, ...init.argv);
setDeprecation(init.deprecation ?? 0);

if (state !== undefined) Atomics.store(state, STATE.started, 1);

// --- What a worker sees of its process (docs/runtime.md; attack 14, #18 and #19) -------------

// A terminal stays one: a worker's stdout/stderr are pipes to the calling thread, so a function
// that picks colours or a width from them (`isTTY`, `columns`, `getColorDepth()`) would format
// for "not a terminal". The sizes are those when the worker started.
function asTerminal(stream: NodeJS.WriteStream, facts: TtyFacts | undefined): void {
  if (facts === undefined) return;
  const tty = WriteStream.prototype;
  Object.assign(stream, {
    isTTY: true,
    columns: facts.columns,
    rows: facts.rows,
    getColorDepth: (env?: object) => tty.getColorDepth.call(stream as unknown as WriteStream, env),
    hasColors: (count?: number | object, env?: object) =>
      tty.hasColors.call(stream as unknown as WriteStream, count as number, env),
    getWindowSize: () => [facts.columns ?? 80, facts.rows ?? 24],
  });
}
asTerminal(process.stdout, init.tty?.[0]);
asTerminal(process.stderr, init.tty?.[1]);

// --- The caller's process as it is at each call (ProcessUpdate, internal.cts; attack 15) -------
/** The shared environment (SHARE_ENV), to go back to when the caller restores its own. */
const sharedEnv = process.env;

// The environment is shared (SHARE_ENV), but Node resets a thread's time-zone cache only when
// TZ is assigned in that thread: a TZ the caller changed between calls would leave this thread's
// Date on the old zone while Intl follows the new one. Read once per call (~0.7 µs).
// The zone is the shared environment's TZ, not `process.env.TZ`: when the program replaced
// `process.env` with an object of its own, a TZ set there changes no thread's zone (the calling
// thread's Date stays where it was, and so does the worker's), while a TZ set in the original
// environment (kept as `OLD_ENV`) changes the calling thread's zone, and must change the worker's
// too, though the worker's `process.env` is then a copy of the replacement (issue 14).
let zone = sharedEnv.TZ;
function followZone(): void {
  const now = sharedEnv.TZ;
  if (now === zone) return;
  zone = now;
  if (now === undefined) delete sharedEnv.TZ;
  else sharedEnv.TZ = now;
}

function setDeprecation(flags: number): void {
  const p = process as { noDeprecation?: boolean; throwDeprecation?: boolean; traceDeprecation?: boolean };
  p.noDeprecation = (flags & 1) !== 0;
  p.throwDeprecation = (flags & 2) !== 0;
  p.traceDeprecation = (flags & 4) !== 0;
}

function takeProcess(u: ProcessUpdate): void {
  // The array stays the worker's own (a function may have kept it): its contents follow.
  if (u.a !== undefined) process.argv.splice(0, process.argv.length, ...u.a);
  // A replaced environment is the caller's own object: the worker gets a copy of its entries
  // (what the function sets there stays in the worker), and the shared one back once the
  // caller's original is back.
  if (u.v !== undefined) process.env = u.v === null ? sharedEnv : { ...u.v };
  if (u.d !== undefined) setDeprecation(u.d);
}

const reg = registry();
const loading = new Map<string, Promise<unknown>>();
const inflight = new Map<number, string>(); // id -> function name
let dead = false;

const postToParent = parentPort!.postMessage.bind(parentPort!);

function post(msg: Response): void {
  // Work the function left running is not known yet (below): set before the caller can see
  // the answer, so the caller asks before it lets the process end.
  Atomics.store(busy, 0, 1);
  if (exitListenersAdded) noteExitListeners();
  if (sync) {
    port!.postMessage(msg);
    Atomics.store(state!, STATE.wake, 1);
    Atomics.notify(state!, STATE.wake);
  } else postToParent(msg);
}

// --- Work a function leaves running (attack 14, #16) ------------------------------------------
// On one thread, a timer or request a function started and did not await keeps the process
// alive until it is done. Here it runs in the worker, which the caller does not wait for. The
// worker does not look after each answer (it cost the round trip ~2 µs, measured): the caller,
// when its own event loop empties, asks each worker whose slot is not 0 (a LOOK message), keeps
// it alive meanwhile, and lets the process end once every slot reads 0 (index.cts).
const busy = init.busy;
let watch: ReturnType<typeof setInterval> | undefined;
function look(): void {
  // What keeps this worker's loop alive besides its own message ports (unref'd timers, as the
  // watch below, are not listed).
  const running = process.getActiveResourcesInfo().some((r) => r !== "MessagePort" && r !== "CloseReq");
  Atomics.store(busy, 0, running ? 2 : 0);
  if (running) {
    if (watch === undefined) {
      watch = setInterval(look, 10);
      watch.unref();
    }
  } else if (watch !== undefined) {
    clearInterval(watch);
    watch = undefined;
  }
}

/**
 * A pool worker's console output travels to the parent thread as messages of its own; the
 * answer must not overtake it, or a program that ends right after its last offload loses the
 * last lines. A write's callback runs once the parent has taken the text, so the answer waits
 * for an empty write on each stream (only when something is pending: no cost otherwise). The
 * blocking worker writes to the file descriptors directly (below), and a dying worker answers
 * at once.
 */
function send(msg: Response): void {
  if (dead) msg.x = true;
  if (quitting !== undefined) msg.q = quitting;
  // A worker's own exit code is nobody's: the function meant the process's (attack 14, #4).
  if (process.exitCode !== undefined) {
    msg.e = process.exitCode;
    process.exitCode = undefined;
  }
  if (!sync && !dead && (process.stdout.writableLength > 0 || process.stderr.writableLength > 0)) {
    let n = 2;
    const done = () => {
      if (--n === 0) post(msg);
    };
    process.stdout.write("", done);
    process.stderr.write("", done);
    return;
  }
  post(msg);
}

/** The thrown value as it goes back; a value that cannot go is replaced by the located error. */
function fail(id: number, err: unknown): void {
  const name = inflight.get(id) ?? "the function";
  inflight.delete(id);
  let out: { v: unknown; c: boolean };
  try {
    out = sendValue(err, name, true);
  } catch (refusal) {
    out = sendValue(refusal, name, true);
  }
  const msg: Response = { id, ok: false, v: out.v };
  if (out.c) msg.c = true;
  try {
    send(msg);
  } catch (e) {
    // postMessage refused what the check let through (a proxy): the walk again, proxies
    // included, says where; the error sent instead is plain and always goes.
    let located: unknown;
    try {
      sendValue(err, name, true, true);
      located = new Error(
        `smartasync: ${name} failed with ${errorLine(err)}, which cannot be sent back (${errorLine(e)})`,
      );
    } catch (refusal) {
      located = refusal;
    }
    send({ id, ok: false, v: sendValue(located, name, true).v, c: true });
  }
}

function succeed(id: number, name: string, value: unknown): void {
  let out: { v: unknown; c: boolean };
  try {
    out = sendValue(value, name, false);
  } catch (refusal) {
    fail(id, refusal);
    return;
  }
  inflight.delete(id);
  const msg: Response = { id, ok: true, v: out.v };
  if (out.c) msg.c = true;
  try {
    send(msg);
  } catch (e) {
    // A proxy (not looked for on the hot path): the walk again, proxies included, says where.
    inflight.set(id, name);
    let located: unknown;
    try {
      sendValue(value, name, false, true);
      located = new TypeError(
        `smartasync: ${name} returned a value that cannot be sent back from its worker (${errorLine(e)})`,
      );
    } catch (refusal) {
      located = refusal;
    }
    fail(id, located);
  }
}

function lookup(url: string, name: string): Function | undefined {
  return reg.get(url)?.get(name);
}

async function load(url: string, name: string): Promise<Function> {
  let p = loading.get(url);
  if (p === undefined) {
    // While the module evaluates, a runSync/offload of it comes from its own top-level code.
    const now = importing();
    now.add(url);
    p = import(url);
    p.then(
      () => now.delete(url),
      () => now.delete(url),
    );
    loading.set(url, p);
  }
  await p;
  const fn = lookup(url, name);
  if (fn === undefined) {
    // The typed form names its functions by their source text (wrapper.cts): one the worker's
    // copy of the module did not make (`require.main === module ? smartasync(…) : null`).
    const typedForm = name.startsWith("smartasync#")
      ? "; a smartasync(...) wrapper is found again by its source text when the worker loads the module, and this one was not made there (made only on the main thread, under require.main, isMainThread or a flag?): make it unconditionally"
      : reg.get(url) === undefined
        ? // The calling thread registered it (the caller checks), this copy registered nothing:
          // the worker read the source the calling thread compiled on the fly (attack31 F05:
          // `@babel/register`), since worker threads get no require hook of their own.
          `: this worker loaded the module and it registered no smartasync function, so it ran the uncompiled source; the calling thread compiles it on the fly (@babel/register, a require hook or loader), which a worker thread does not inherit when the program installed it in code: preload the hook's module with \`node -r\` (workers run the same preloads), or set ${WORKER_IMPORT_ENV} to its URL (docs/runtime.md "Hooks in workers")`
        : "";
    throw Object.assign(new Error(`smartasync: ${name} is not registered by ${url}${typedForm}`), {
      code: "SMARTASYNC_NOT_REGISTERED",
    });
  }
  return fn;
}

function settle(id: number, name: string, result: unknown): void {
  if (
    result !== null &&
    typeof result === "object" &&
    typeof (result as Promise<unknown>).then === "function"
  ) {
    (result as Promise<unknown>).then(
      (v) => succeed(id, name, v),
      (e) => fail(id, e),
    );
  } else succeed(id, name, result);
}

function call(fn: Function, req: Request): void {
  let result: unknown;
  try {
    result = fn(...(req.c === true ? receive(req.args) : req.args));
  } catch (err) {
    fail(req.id, err);
    return;
  }
  settle(req.id, req.name, result);
}

/** The request with its function's URL and name, from its key when it came without them. */
function named(msg: WireRequest): Request {
  const k = msg.k;
  if (k === undefined) return msg as Request;
  if (msg.url !== undefined && msg.name !== undefined) {
    callees.set(k, [msg.url, msg.name]);
    return msg as Request;
  }
  const [url, name] = callees.get(k)!;
  msg.url = url;
  msg.name = name;
  return msg as Request;
}

/** Set when the module of SMARTASYNC_WORKER_IMPORT failed to load: each call fails with it. */
let preloadError: unknown;

/** The blocking channel's function keys: key -> [url, name] (internal.cts, wire format). */
const callees = new Map<number, [string, string]>();

function handle(msg: WireRequest | typeof LOOK): void {
  const exit = (msg as { exit?: number }).exit;
  if (exit !== undefined) {
    runExitListeners(exit);
    return;
  }
  if ((msg as { look?: unknown }).look === true) {
    look();
    return;
  }
  const req = named(msg as WireRequest);
  if (req.p !== undefined) takeProcess(req.p);
  followZone();
  lastUrl = req.url;
  lastName = req.name;
  inflight.set(req.id, req.name);
  if (preloadError !== undefined) {
    fail(req.id, preloadError);
    return;
  }
  const fn = lookup(req.url, req.name);
  if (fn !== undefined) {
    call(fn, req);
    return;
  }
  load(req.url, req.name).then(
    (f) => call(f, req),
    (err) => fail(req.id, err),
  );
}

// A worker that exits (process.exit in a function) answers its in-flight calls first, so the
// caller gets an error rather than waiting for its timeout; the flag tells a later caller to
// start a fresh worker.
function failAll(make: (name: string) => unknown): void {
  for (const [id, name] of [...inflight]) fail(id, make(name));
}
function markDead(): void {
  dead = true;
  if (state !== undefined) Atomics.store(state, STATE.dead, 1);
}

const realExit = process.exit.bind(process);
/** The code `process.exit` was called with during a call: the answer carries it (send). */
let quitting: number | string | undefined;
process.exit = ((code?: number | string | null) => {
  const c = code ?? process.exitCode ?? 0;
  if (!dead) {
    if (inflight.size > 0) quitting = c;
    markDead();
    failAll((name) => {
      const err = new Error(`smartasync: the worker exited with code ${c} while running ${name}`);
      (err as Error & { code: string }).code = "SMARTASYNC_WORKER_EXIT";
      return err;
    });
  }
  return realExit(code as number | undefined);
}) as typeof process.exit;

/** The function that ran last here: where background work that fails later came from. */
let lastUrl: string | undefined;
let lastName: string | undefined;

/**
 * An error no code of the worker caught: the calling thread's own uncaught exception or unhandled
 * rejection, as it would be on one thread, never a call's. On one thread such an error does not
 * reject the call that is running (it is not in that call's promise chain), and the worker
 * cannot tell whose work threw: the call in flight, or work an earlier call left running
 * (attack30 F10: a timer of call 1 firing during call 2 failed call 2 with call 1's error, into
 * its `catch`, unseen by the program's handler). So it is sent to the calling thread, where the
 * program's handlers run (without one the process ends with it), and this worker goes on with
 * the calls and the work it runs, as one thread goes on after its handler ran: dying would lose
 * the work other calls left running here (F10: a timer's output never appeared) and fail the
 * next call given to it (attack30 F09: "the worker exited with code 1 while running a task").
 * While a call is in flight on the blocking worker its caller is parked in Atomics.wait and
 * reads only the channel: the error goes there, and the caller raises it at once (index.cts,
 * raiseNow); otherwise the caller's event loop takes it (reportBackground).
 */
function crash(kind: 1 | 2): (err: unknown) => void {
  return (err) => {
    if (dead) return; // process.exit is under way
    const name = lastName ?? "a function";
    let out: { v: unknown; c: boolean };
    try {
      out = sendValue(err, name, true);
    } catch (refusal) {
      out = sendValue(refusal, name, true);
    }
    const msg: Response = { id: 0, ok: false, v: out.v, u: kind };
    if (out.c) msg.c = true;
    if (lastUrl !== undefined) msg.f = [lastUrl, name];
    const blocked = sync && (inflight.size > 0 || Atomics.load(state!, STATE.waiting) > 0);
    const to = (m: Response) => {
      if (!blocked) postToParent(m);
      else {
        port!.postMessage(m);
        Atomics.store(state!, STATE.wake, 1);
        Atomics.notify(state!, STATE.wake);
      }
    };
    // Counted until the calling thread takes it (index.cts, isBusy): it must not end first.
    Atomics.add(busy, 2, 1);
    try {
      to(msg);
    } catch {
      to({ id: 0, ok: false, v: new Error(`${errorLine(err)}`), u: kind });
    }
  };
}
process.on("uncaughtException", crash(1));
process.on("unhandledRejection", crash(2));

// Output of the blocking channel's worker goes straight to the process's file descriptors:
// the default route passes through the caller's event loop, which is blocked, so the text
// would appear after the caller continued.
// A pool worker's output goes to the calling thread's `process.stdout`/`stderr` as messages on
// the port its answers take, one per write: in the order written across both streams, and
// before the answer (attack30 F08). Node's default route relays each stream on its own, and a
// stream waits for the calling thread to take one chunk before it sends the next, so a line
// on stderr overtook the lines written before it on stdout when both go to one file (`2>&1`).
// The calling thread writes them to its own stream objects, as the default route does (a
// program that captures its `process.stdout` captures them too).
if (process.env.SMARTASYNC_WORKER_STDIO !== "inherit") {
  for (const [stream, fd] of [
    [process.stdout, 1],
    [process.stderr, 2],
  ] as const) {
    stream.write = ((chunk: string | Uint8Array, enc?: unknown, cb?: unknown) => {
      const callback = typeof enc === "function" ? enc : cb;
      const text =
        typeof chunk === "string" && (typeof enc !== "string" || enc === "utf8" || enc === "utf-8");
      const buf =
        typeof chunk === "string" ? (text ? chunk : Buffer.from(chunk, enc as BufferEncoding)) : chunk;
      if (sync) writeAll(fd, typeof buf === "string" ? Buffer.from(buf, "utf8") : buf);
      else postToParent({ id: 0, ok: true, v: undefined, o: fd, t: buf });
      if (typeof callback === "function") process.nextTick(callback as () => void);
      return true;
    }) as typeof stream.write;
  }
}

// What a blocked caller cannot give (docs/runtime.md): the blocking worker's caller is parked in
// Atomics.wait until the call settles. A message to the parent thread cannot be received there
// (nothing listens: the worker is smartasync's own), so posting one fails at once; a loopback
// connection is reported to the caller, which fails the call if it is to its own server.
if (sync) {
  parentPort!.postMessage = (() => {
    const name = [...inflight.values()].pop() ?? "the function";
    const err = new Error(
      `smartasync: ${name} posted a message to its parent thread, which is blocked until ${name} ` +
        "settles: nothing there can receive it, so an answer would never come. Call it from async " +
        `code with \`await ${name}(...)\`, or pass what it needs as an argument.`,
    );
    err.name = "SmartAsyncDeadlockError";
    (err as Error & { code: string }).code = "SMARTASYNC_DEADLOCK";
    throw err;
  }) as (typeof parentPort & object)["postMessage"];
  subscribe("net.client.socket", (message) => {
    const socket = (message as { socket: Socket }).socket;
    socket.once("connect", () => {
      const a = socket.remoteAddress ?? "";
      const p = socket.remotePort;
      if (p === undefined || !(a.startsWith("127.") || a === "::1" || a.startsWith("::ffff:127."))) return;
      Atomics.store(state!, STATE.connect, p);
      Atomics.store(state!, STATE.wake, 1);
      Atomics.notify(state!, STATE.wake);
    });
  });
}

let pause: Int32Array | undefined;
function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") return;
      pause ??= new Int32Array(new SharedArrayBuffer(4));
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

// Module hooks first (SMARTASYNC_WORKER_IMPORT, docs/register.md), so that function modules
// load through them; requests wait in the port's queue meanwhile.
// --- Exit listeners a function registers (attack 14, #14) --------------------------------------
// `process.on("exit", cleanup)` in a function that runs here registers on the worker's process,
// which ends with the program without emitting it. The caller, when the process exits, asks each
// worker that has such listeners to run them and waits for it (index.cts, a bounded wait).
// Those the worker had before its first call (Node's, the hooks module's) are not the program's.
let ownExitListeners = new Set(process.listeners("exit"));
// Set when an exit listener is added (by anyone: looked at with the next answer).
let exitListenersAdded = false;
process.on("newListener", (event) => {
  if (event === "exit") exitListenersAdded = true;
});
function programExitListeners(): ((code: number) => void)[] {
  return (process.listeners("exit") as ((code: number) => void)[]).filter((l) => !ownExitListeners.has(l));
}
function noteExitListeners(): void {
  exitListenersAdded = false;
  if (programExitListeners().length > 0) Atomics.store(busy, 1, 1);
}
function runExitListeners(code: number): void {
  for (const listener of programExitListeners()) {
    process.removeListener("exit", listener);
    try {
      listener.call(process, code);
    } catch (err) {
      writeAll(2, Buffer.from(`${err instanceof Error && err.stack ? err.stack : String(err)}\n`));
    }
  }
  Atomics.store(busy, 1, 2);
  Atomics.notify(busy, 1);
}

const preload = process.env[WORKER_IMPORT_ENV];
if (preload) {
  try {
    await import(preload);
  } catch (e) {
    preloadError = e ?? new Error(`smartasync: cannot import ${preload}`);
  }
  ownExitListeners = new Set(process.listeners("exit"));
  exitListenersAdded = false;
}

parentPort!.on("message", handle);
