// Shared by the public runtime (index.ts) and the worker entry (worker.ts): the registry, the
// wire format, error (de)serialisation and the top-level cloneability check. Nothing here does
// any work at import.
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { types } from "node:util";
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
// Wire format.
//   request  { id, url, name, args, e? }  e: indices of args that are encoded errors
//   response { id, ok, v, e?, x? }        e: v is an encoded error; x: the worker is exiting
// ---------------------------------------------------------------------------------------------

export interface Request {
  id: number;
  url: string;
  name: string;
  args: unknown[];
  e?: number[];
}
export interface Response {
  id: number;
  ok: boolean;
  v: unknown;
  e?: boolean;
  x?: boolean;
}

const ERR_TAG = "__smartasyncError";

interface EncodedError {
  [ERR_TAG]: 1;
  ctor: string;
  name: string;
  message: string;
  stack: string | undefined;
  hasCause: boolean;
  cause: unknown;
  errors: unknown[] | undefined;
  props: Record<string, unknown>;
}

const BUILTINS: Record<string, ErrorConstructor | AggregateErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError,
};
const ORDER = [
  AggregateError,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
] as Function[];

export function isError(v: unknown): v is Error {
  return v instanceof Error || types.isNativeError(v);
}

function builtinName(err: Error): string {
  for (const C of ORDER) if (err instanceof C) return C.name;
  // An error from another realm: trust its name when it names a built-in class.
  const n = (err as { name?: unknown }).name;
  if (!(err instanceof Error) && typeof n === "string" && n in BUILTINS) return n;
  return "Error";
}

function cloneable(v: unknown): boolean {
  if (v === null || (typeof v !== "object" && typeof v !== "function" && typeof v !== "symbol")) return true;
  try {
    structuredClone(v);
    return true;
  } catch {
    return false;
  }
}

/** Encodes a value that may be an error (recursively for cause/errors/props), for postMessage. */
export function encodeValue(v: unknown, depth = 0): unknown {
  if (depth < 16 && isError(v)) return encodeError(v, depth + 1);
  if (cloneable(v)) return v;
  return `[${describeUncloneable(v) ?? "a value that cannot be cloned"}]`;
}

export function encodeError(err: Error, depth = 0): EncodedError {
  const ctor = builtinName(err);
  let name = typeof err.name === "string" ? err.name : ctor;
  const own = (err as { constructor?: Function }).constructor;
  if (name === ctor && typeof own === "function" && own.name && !(own.name in BUILTINS)) name = own.name;
  const hasCause = Object.hasOwn(err, "cause");
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(err)) {
    if (key === "cause" || key === "stack" || key === "message" || key === "name") continue;
    props[key] = encodeValue((err as unknown as Record<string, unknown>)[key], depth);
  }
  const agg = ctor === "AggregateError" && Array.isArray((err as AggregateError).errors);
  return {
    [ERR_TAG]: 1,
    ctor,
    name,
    message: String(err.message),
    stack: typeof err.stack === "string" ? err.stack : undefined,
    hasCause,
    cause: hasCause ? encodeValue(err.cause, depth) : undefined,
    errors: agg ? (err as AggregateError).errors.map((x) => encodeValue(x, depth)) : undefined,
    props,
  };
}

function isEncoded(v: unknown): v is EncodedError {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[ERR_TAG] === 1;
}

export function decodeValue(v: unknown): unknown {
  return isEncoded(v) ? decodeError(v) : v;
}

/** Rebuilds an error; `boundary` (a stack line) and `callerStack` are appended to its stack. */
export function decodeError(enc: EncodedError, boundary?: string, callerStack?: string): Error {
  const C = BUILTINS[enc.ctor] ?? Error;
  const err: Error =
    C === AggregateError
      ? new AggregateError((enc.errors ?? []).map(decodeValue), enc.message)
      : new (C as ErrorConstructor)(enc.message);
  const hidden = { writable: true, configurable: true, enumerable: false };
  if (err.name !== enc.name) Object.defineProperty(err, "name", { ...hidden, value: enc.name });
  let stack = enc.stack ?? `${enc.name}: ${enc.message}`;
  if (boundary !== undefined) stack += "\n" + boundary;
  if (callerStack !== undefined) stack += callerStack;
  Object.defineProperty(err, "stack", { ...hidden, value: stack });
  if (enc.hasCause) Object.defineProperty(err, "cause", { ...hidden, value: decodeValue(enc.cause) });
  for (const key of Object.keys(enc.props)) {
    (err as unknown as Record<string, unknown>)[key] = decodeValue(enc.props[key]);
  }
  return err;
}

/** Encodes the top-level error arguments in place (on a copy) and returns their indices. */
export function encodeArgs(args: unknown[]): { args: unknown[]; e: number[] | undefined } {
  let out = args;
  let e: number[] | undefined;
  for (let i = 0; i < args.length; i++) {
    if (isError(args[i])) {
      if (e === undefined) {
        e = [];
        out = args.slice();
      }
      e.push(i);
      out[i] = encodeError(args[i] as Error);
    }
  }
  return { args: out, e };
}

export function decodeArgs(req: Request): unknown[] {
  const { args, e } = req;
  if (e !== undefined) for (const i of e) args[i] = decodeError(args[i] as EncodedError);
  return args;
}

/**
 * Top-level check of one value about to cross a thread boundary. Returns why it cannot cross,
 * or undefined. Cheap: never walks into the value (a nested problem surfaces as the
 * DataCloneError of postMessage, which is then attributed to its argument).
 */
export function describeUncloneable(v: unknown): string | undefined {
  const t = typeof v;
  if (t === "function") return "is a function";
  if (t === "symbol") return "is a symbol";
  if (t !== "object" || v === null) return undefined;
  const p = Object.getPrototypeOf(v);
  if (p === Object.prototype || p === Array.prototype || p === null) return undefined;
  if (
    ArrayBuffer.isView(v) ||
    types.isAnyArrayBuffer(v) ||
    types.isDate(v) ||
    types.isRegExp(v) ||
    types.isMap(v) ||
    types.isSet(v) ||
    types.isBoxedPrimitive(v) ||
    isError(v) ||
    (typeof Blob === "function" && v instanceof Blob)
  ) {
    return undefined;
  }
  if (types.isPromise(v)) return "is a promise";
  if (types.isWeakMap(v) || types.isWeakSet(v)) return "is a WeakMap or WeakSet";
  const cname = (p as { constructor?: Function }).constructor?.name;
  return `is an instance of ${cname || "a class"} (its prototype and methods would be lost)`;
}

export function uncloneableError(message: string): TypeError {
  const err = new TypeError(message);
  (err as TypeError & { code: string }).code = "SMARTASYNC_UNCLONEABLE";
  return err;
}

/** After postMessage refused the arguments: find the first that cannot be cloned. */
export function attributeCloneFailure(args: unknown[], name: string, cause: unknown): TypeError {
  for (let i = 0; i < args.length; i++) {
    if (!cloneable(args[i])) {
      const detail = isError(cause) ? cause.message : String(cause);
      return uncloneableError(
        `smartasync: argument ${i + 1} of ${name} contains a value that cannot be sent to a worker (${detail})`,
      );
    }
  }
  return uncloneableError(
    `smartasync: the arguments of ${name} cannot be sent to a worker (${isError(cause) ? cause.message : String(cause)})`,
  );
}

export function checkArgs(args: unknown[], name: string): void {
  if (!Array.isArray(args)) throw new TypeError(`smartasync: the arguments of ${name} must be an array`);
  for (let i = 0; i < args.length; i++) {
    const v = args[i];
    if (typeof v === "object" ? v === null : typeof v !== "function" && typeof v !== "symbol") continue;
    const why = describeUncloneable(v);
    if (why !== undefined) {
      throw uncloneableError(
        `smartasync: argument ${i + 1} of ${name} ${why} and cannot be sent to a worker`,
      );
    }
  }
}

export function resultError(name: string, why: string): TypeError {
  return uncloneableError(
    `smartasync: ${name} returned a value that cannot be sent back from a worker: its result ${why}`,
  );
}

/** workerData given to every smartasync worker. */
export interface WorkerInit {
  [WORKER_KEY]: true;
  mode: "sync" | "pool";
  depth: number;
  config: Record<string, unknown>;
  sourceMaps: boolean;
  port?: MessagePort;
  state?: Int32Array;
}
