/**
 * `smartasync/register`: `node --import smartasync/register app.ts` compiles TypeScript and
 * JavaScript with smartasync as Node loads them (docs/register.md).
 *
 * - Node 22.15+ (`module.registerHooks`): synchronous hooks in this thread, for `import` and
 *   `require` alike.
 * - Node 20 (and 22 before 22.15): `module.register` (Node's hooks thread) for the ES module
 *   loader, plus a `require` hook for the classic CommonJS loader.
 *
 * Workers inherit `--import` from `process.execArgv`, so each thread (smartasync's workers
 * included) runs this module and installs the hooks for itself; smartasync's workers also
 * import it through SMARTASYNC_WORKER_IMPORT. Importing it twice in one thread installs the
 * hooks once.
 */
import * as nodeModule from "node:module";
import { isMainThread, workerData } from "node:worker_threads";
import { assertPeer } from "../core/peers.js";
import { WORKER_IMPORT_ENV, WORKER_KEY } from "../runtime/internal.cjs";
import { loadCompiler, REQUIRE_ESM } from "./compile.js";
import { flagSet, processNodeArgs } from "./conditions.js";
import { type HooksData, loadSync, resolveSync } from "./hooks.js";
import { installRequireHook } from "./require-hook.js";
import { quietThread } from "./warnings.js";

const INSTALLED = Symbol.for("smartasync.register");

type RegisterHooks = (hooks: { resolve: typeof resolveSync; load: typeof loadSync }) => unknown;

/** Which of Node's mechanisms a thread uses (docs/register.md#which-node-takes-which-path). */
export type HookPath = "registerHooks" | "register";

/** Installs the hooks in this thread (once); returns the mechanism used. */
export function install(): HookPath {
  const g = globalThis as unknown as Record<symbol, HookPath | undefined>;
  const done = g[INSTALLED];
  if (done !== undefined) return done;
  // Every file this hook compiles goes through @swc/core: say so now, not at the first import.
  assertPeer("@swc/core", "smartasync/register");
  const registerHooks = (nodeModule as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  // A smartasync worker imports the module of the function it runs, which the calling thread
  // loaded already and printed the warnings of: it prints none (docs/register.md#warnings).
  const quiet = !isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_KEY] === true;
  if (quiet) quietThread();
  let path: HookPath;
  // Synchronous hooks need the compiler loaded synchronously, by require(esm): where Node runs
  // without it (`--no-experimental-require-module`), the hooks thread's asynchronous hooks.
  if (typeof registerHooks === "function" && REQUIRE_ESM) {
    // In-thread hooks would also see the compiler's own modules load: load it before them.
    // Not under `node --no-addons`, where SWC cannot load: files compiled before come from the
    // cache, and a miss says why it cannot compile (compile.ts loadCompiler).
    if (!flagSet(processNodeArgs(), "--no-addons")) loadCompiler();
    registerHooks({ resolve: resolveSync, load: loadSync });
    path = "registerHooks";
  } else {
    nodeModule.register(new URL("./hooks.js", import.meta.url), { data: { quiet } satisfies HooksData });
    installRequireHook();
    path = "register";
  }
  // Stack traces point at the sources (the compiled code carries inline source maps).
  process.setSourceMapsEnabled(true);
  // smartasync's workers load the hooks too, also when this module was imported by code rather
  // than by `--import` (which workers inherit through execArgv anyway).
  process.env[WORKER_IMPORT_ENV] ??= import.meta.url;
  Object.defineProperty(globalThis, INSTALLED, { value: path, configurable: true });
  return path;
}

/** The mechanism installed in this thread, or `undefined` before `install()`. */
export function installed(): HookPath | undefined {
  return (globalThis as unknown as Record<symbol, HookPath | undefined>)[INSTALLED];
}

install();
