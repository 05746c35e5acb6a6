/**
 * smartasync/runtime in a browser build: what the build-tool plugin gives a Vite build for the
 * browser (docs/integrations.md#browser-builds) in place of the Node runtime (index.cts), which
 * needs `worker_threads` and cannot load in a page.
 *
 * It holds what inline variants need, markers, dispatch and the guards, from the modules that
 * need no Node (portable.cts, inline.cts, later.cts, wrapper.cts, settings.cts), and has the Node
 * runtime's exports, so that code written for either imports the same names. What needs
 * smartasync's own workers does not exist here: a sync variant that blocks on a worker
 * (`runSync`) cannot run on a page's main thread, which may not block (`Atomics.wait` throws
 * there), and offloading to a pool (`offload`) would need web workers, which this runtime does
 * not start. The plugin fails the build at each call that would use them (SA313); one reached at
 * run time anyway (a dispatched call, code not compiled) throws a SmartAsyncError naming the
 * function and the way out.
 *
 * Those shared files are the Node runtime's CommonJS sources (.cts); the build (scripts/build.mjs)
 * bundles this file and them into one ES module without imports, dist/runtime/browser.js, so a
 * browser bundler needs no CommonJS support to take it in.
 */
import { resetCanBlock } from "./portable.cjs";
import { type Config, DEFAULT_CONFIG, nextConfig, type SmartAsyncOptions } from "./settings.cjs";
import { type TypedForm, typedForm } from "./wrapper.cjs";

export {
  allDone,
  allOf,
  allSync,
  attempt,
  attemptCall,
  calling,
  caught,
  expectValue,
  failed,
  guard,
  limited,
  mapDone,
  mapLimitSync,
  mapSync,
  plainArray,
  pMapLoop,
  rethrowGuard,
  settle,
  settleCall,
  started,
  syncElements,
  twinData,
  twinOptions,
  twinPath,
  twinSame,
  twinVia,
} from "./inline.cjs";
export { later, settled } from "./later.cjs";
export { callVariant, pickVariant } from "./mockable.cjs";
export {
  bound,
  callAsync,
  callAsyncOf,
  callSync,
  callSyncOf,
  canBlock,
  getMarker,
  hide,
  isSmartAsync,
  keyOf,
  type MarkOptions,
  mark,
  OF,
  ownVariant,
  ownVariantOf,
  SMARTASYNC,
  type SmartAsyncMarker,
  type SyncMethods,
  sleepSync,
  spreadOf,
  syncMethods,
  via,
  viaFn,
  viaOf,
} from "./portable.cjs";
export type { SmartAsyncOptions } from "./settings.cjs";
export { type Both, explicit, type SmartAsync, type TypedForm, typed } from "./wrapper.cjs";

/** Always false: nothing here runs in smartasync's workers (there are none). */
export const isWorker: boolean = false;

const DOCS = "docs/integrations.md#browser-builds";

function unsupported(message: string): Error {
  const err = new Error(`smartasync: ${message} (${DOCS})`);
  err.name = "SmartAsyncError";
  (err as Error & { code: string }).code = "SMARTASYNC_BROWSER";
  return err;
}

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null) return "null";
  return typeof v === "object" ? "an object" : typeof v;
}

let config: Config = { ...DEFAULT_CONFIG };

/**
 * Checked as the Node runtime checks it, so shared code that configures smartasync loads in
 * both; the options are about workers, so none of them changes anything here.
 */
export function configure(opts: SmartAsyncOptions): void {
  config = nextConfig(config, opts);
  resetCanBlock();
}

/**
 * Generated code registers the functions a worker may run when their module loads. Checked as
 * in Node; nothing is recorded, since no worker here ever runs them.
 */
export function register(moduleUrl: string, fns: Record<string, Function>): void {
  if (typeof moduleUrl !== "string" || moduleUrl === "")
    throw new TypeError(
      `smartasync: moduleUrl must be import.meta.url or __filename, got ${describe(moduleUrl)}`,
    );
  if (fns === null || typeof fns !== "object")
    throw new TypeError("smartasync: register() expects an object of functions");
  for (const [name, fn] of Object.entries(fns))
    if (typeof fn !== "function") throw new TypeError(`smartasync: register(): ${name} is not a function`);
}

/** A sync variant that needs a worker: not in a browser (see the header). */
export function runSync<T = unknown>(moduleUrl: string, name: string, args: unknown[]): T;
export function runSync(moduleUrl: string, name: string, _args: unknown[]): unknown {
  throw unsupported(
    `${name} (${moduleUrl}) was called for its value in sync code, and its sync variant runs it on a worker ` +
      "thread while the caller blocks: a browser's main thread may not block (Atomics.wait), and smartasync's " +
      `browser runtime starts no workers. Call it from async code with \`await ${name}(...)\`, or give each ` +
      `await in ${name} a sync form so that its sync variant is inline`,
  );
}

/** An offloaded async variant: not in a browser (see the header); a rejected promise, as offload's errors are. */
export function offload<T = unknown>(moduleUrl: string, name: string, args: unknown[]): Promise<T>;
export function offload(moduleUrl: string, name: string, _args: unknown[]): Promise<unknown> {
  return Promise.reject(
    unsupported(
      `${name} (${moduleUrl}) was awaited, and its async variant runs it in smartasync's worker pool, which ` +
        `smartasync's browser runtime does not have (it starts no web workers). Call ${name}(...) without await ` +
        "(it then runs on this thread), or run it in a web worker of your own",
    ),
  );
}

/** Nothing to stop: this runtime starts no workers. */
export async function shutdown(): Promise<void> {}

/**
 * The typed form (docs/typescript.md); uncompiled, `.sync()` of an async function and `.async()`
 * of a sync one fail as above. Pure: a bundle that never calls it (compiled code does not) drops it.
 */
export const smartasync: TypedForm = /* @__PURE__ */ typedForm({ register, runSync, offload });
