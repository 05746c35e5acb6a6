// Worker entry for both the blocking channel (mode "sync": replies on a dedicated MessagePort,
// then wakes the blocked caller through a shared Int32Array) and the pool (mode "pool": replies
// on parentPort). It imports a module by URL, which registers its functions, and calls them.
import { writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import {
  decodeArgs,
  describeUncloneable,
  encodeError,
  encodeValue,
  isError,
  type Request,
  type Response,
  registry,
  resultError,
  WORKER_IMPORT_ENV,
  type WorkerInit,
} from "./internal.js";

const init = workerData as WorkerInit;
const sync = init.mode === "sync";
const port = init.port;
const state = init.state;
if (init.sourceMaps) process.setSourceMapsEnabled(true);

const reg = registry();
const loading = new Map<string, Promise<unknown>>();
const inflight = new Map<number, string>(); // id -> function name
let dead = false;

function send(msg: Response): void {
  if (dead) msg.x = true;
  if (sync) {
    port!.postMessage(msg);
    Atomics.store(state!, 0, 1);
    Atomics.notify(state!, 0);
  } else {
    parentPort!.postMessage(msg);
  }
}

function fail(id: number, err: unknown): void {
  inflight.delete(id);
  const msg: Response = isError(err)
    ? { id, ok: false, v: encodeError(err), e: true }
    : { id, ok: false, v: encodeValue(err) };
  try {
    send(msg);
  } catch {
    send({ id, ok: false, v: encodeError(new Error(String(err))), e: true });
  }
}

function succeed(id: number, name: string, value: unknown): void {
  inflight.delete(id);
  let msg: Response;
  if (isError(value)) msg = { id, ok: true, v: encodeError(value), e: true };
  else {
    const why = describeUncloneable(value);
    if (why !== undefined) {
      fail(id, resultError(name, why));
      return;
    }
    msg = { id, ok: true, v: value };
  }
  try {
    send(msg);
  } catch (err) {
    fail(
      id,
      resultError(name, `contains a value that cannot be cloned (${isError(err) ? err.message : err})`),
    );
  }
}

function lookup(url: string, name: string): Function | undefined {
  return reg.get(url)?.get(name);
}

async function load(url: string, name: string): Promise<Function> {
  let p = loading.get(url);
  if (p === undefined) {
    p = import(url);
    loading.set(url, p);
  }
  await p;
  const fn = lookup(url, name);
  if (fn === undefined) throw new Error(`smartasync: ${name} is not registered by ${url}`);
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
    result = fn(...decodeArgs(req));
  } catch (err) {
    fail(req.id, err);
    return;
  }
  settle(req.id, req.name, result);
}

/** Set when the module of SMARTASYNC_WORKER_IMPORT failed to load: each call fails with it. */
let preloadError: unknown;

function handle(req: Request): void {
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

// A worker that dies answers its in-flight calls first, so the caller gets an error rather
// than waiting for its timeout; the flag tells a later caller to start a fresh worker.
function failAll(make: (name: string) => unknown): void {
  for (const [id, name] of [...inflight]) fail(id, make(name));
}
function markDead(): void {
  dead = true;
  if (state !== undefined) Atomics.store(state, 1, 1);
}

const realExit = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  const c = code ?? process.exitCode ?? 0;
  if (!dead) {
    markDead();
    failAll((name) => {
      const err = new Error(`smartasync: the worker exited with code ${c} while running ${name}`);
      (err as Error & { code: string }).code = "SMARTASYNC_WORKER_EXIT";
      return err;
    });
  }
  return realExit(code as number | undefined);
}) as typeof process.exit;

function crash(err: unknown): void {
  if (!dead) {
    markDead();
    failAll(() => err);
  }
  realExit(1);
}
process.on("uncaughtException", crash);
process.on("unhandledRejection", crash);

// Output of the blocking channel's worker goes straight to the process's file descriptors:
// the default route passes through the caller's event loop, which is blocked, so the text
// would appear after the caller continued.
if (sync && process.env.SMARTASYNC_WORKER_STDIO !== "inherit") {
  for (const [stream, fd] of [
    [process.stdout, 1],
    [process.stderr, 2],
  ] as const) {
    stream.write = ((chunk: string | Uint8Array, enc?: unknown, cb?: unknown) => {
      const callback = typeof enc === "function" ? enc : cb;
      const buf =
        typeof chunk === "string"
          ? Buffer.from(chunk, typeof enc === "string" ? (enc as BufferEncoding) : "utf8")
          : chunk;
      writeAll(fd, buf);
      if (typeof callback === "function") process.nextTick(callback as () => void);
      return true;
    }) as typeof stream.write;
  }
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
const preload = process.env[WORKER_IMPORT_ENV];
if (preload) {
  try {
    await import(preload);
  } catch (e) {
    preloadError = e ?? new Error(`smartasync: cannot import ${preload}`);
  }
}

parentPort!.on("message", handle);
