import type { Options } from "./options.js";

/**
 * The sync-twin table of DESIGN §3.4: an awaited call of a known promise API becomes a call of
 * its blocking twin in the inline sync variant.
 */

/** Sentinel module: the twin lives in smartasync's runtime (`options.runtime`). */
export const RUNTIME_MODULE = "\0smartasync-runtime";

export interface ResolvedTwin {
  module: string;
  name: string;
  /** Arguments whose meaning differs between the promise API and its twin (built-in twins only). */
  args?: ArgRules;
  /**
   * Named by the `twins` option rather than the built-in table: smartasync has not seen the
   * twin, so its result is guarded like a twin found by name (docs/semantics.md, "Twins").
   */
  configured?: true;
  /**
   * The promise API function (a key of `fs.promises`) this twin stands for. The twin is used
   * only while the source's callee is still that function as the runtime found it; a function
   * the program put in its place (a test's mock or spy, a module alias) is called instead and
   * its answer checked (`_sa.twinVia`; fixture twins/promise-api-replaced).
   */
  promise?: string;
}

/**
 * Where the promise API and its twin disagree on an argument (docs/semantics.md, "Twins"):
 * `options` is the index of an options argument whose listed keys the two read differently
 * (`{ signal }`, `cp`'s possibly async `filter` and `timers/promises`' `ref`, honoured by the
 * promise API only;
 * `throwIfNoEntry`, honoured by `statSync`/`lstatSync` only); `data` is the index of a data
 * argument the promise API also takes as an iterable or stream, where the twin takes only a
 * string or a buffer; `path` is the index of a path the `*Sync` twin also takes as a file
 * descriptor (a number), which the promise API rejects; `value` is the index of a value the promise API resolves (a thenable is
 * adopted) and the twin returns as it is.
 */
export interface ArgRules {
  options?: {
    index: number;
    promiseOnly: readonly string[];
    /**
     * Keys of `promiseOnly` whose default the twin always behaves as: written as a literal of
     * that very value (`{ ref: true }`), the key changes nothing and the call keeps its twin.
     */
    defaults?: Readonly<Record<string, boolean>>;
  };
  /** The index of a path the twin also takes as a file descriptor, which the promise API refuses. */
  path?: number;
  data?: number;
  value?: number;
}

const RULES: Record<string, ArgRules> = {
  readFile: { options: { index: 1, promiseOnly: ["signal"] }, path: 0 },
  writeFile: { options: { index: 2, promiseOnly: ["signal"] }, data: 1, path: 0 },
  appendFile: { options: { index: 2, promiseOnly: ["signal"] }, data: 1, path: 0 },
  truncate: { path: 0 },
  cp: { options: { index: 2, promiseOnly: ["filter"] } },
  stat: { options: { index: 1, promiseOnly: ["throwIfNoEntry"] } },
  lstat: { options: { index: 1, promiseOnly: ["throwIfNoEntry"] } },
  // Node 20's promise API walks a recursive listing in another order than readdirSync (attack
  // 16, F4; fixture twins/readdir-recursive): the first match of a search would differ.
  readdir: { options: { index: 1, promiseOnly: ["recursive"] } },
  // The promise API's error for a missing path comes from `stat`, `rmdirSync`'s from `lstat`
  // (attack29 F04).
  rmdir: { options: { index: 1, promiseOnly: ["recursive"] } },
};

/** An awaited callee as the adapter resolved it: an import of `module`, then member `path`. */
export interface ImportedCallee {
  module: string;
  path: string[];
  /**
   * How the module was reached: a default import leads to `module.exports` of a CommonJS module
   * only, where an ES module's default export is one value (twins by name read this). "es": a
   * named or namespace import, which sees of a CommonJS module only the names Node's export
   * scanner finds (attack35 F07).
   */
  via?: "default" | "es";
}

// fs/promises functions whose fs.*Sync twin takes the same arguments and returns the same
// value. `open` is left out on purpose: it resolves to a FileHandle, openSync returns a number;
// so is `realpath`: the promise API resolves with realpath(3), `realpathSync` in JavaScript, and
// they differ on special files (`/dev/stdin`); so is `opendir`: its `Dir` is used through promise
// methods, and under Node 20 `opendirSync`'s error names no path (attack29 F04, fixture
// twins/opendir-rmdir-not-twinned).
const FS_PROMISES = [
  "access",
  "appendFile",
  "chmod",
  "chown",
  "copyFile",
  "cp",
  "lchown",
  "link",
  "lstat",
  "lutimes",
  "mkdir",
  "mkdtemp",
  "readdir",
  "readFile",
  "readlink",
  "rename",
  "rm",
  "rmdir",
  "stat",
  "statfs",
  "symlink",
  "truncate",
  "unlink",
  "utimes",
  "writeFile",
];

const BUILTIN: Record<string, Record<string, ResolvedTwin>> = {
  "fs/promises": Object.fromEntries(FS_PROMISES.map((n) => [n, { module: "node:fs", name: `${n}Sync` }])),
  // `await setTimeout(ms, value)` resolves to `value` after `ms`: the runtime's blocking sleep.
  "timers/promises": { setTimeout: { module: RUNTIME_MODULE, name: "sleepSync" } },
};

function normaliseModule(specifier: string): string {
  return specifier.startsWith("node:") ? specifier.slice(5) : specifier;
}

/** Folds `fs.promises.x` and `promises.x` from `fs` into `fs/promises` `x`. */
export function canonicalCallee(callee: ImportedCallee): { module: string; name: string } | undefined {
  let module = normaliseModule(callee.module);
  let path = callee.path;
  if (module === "fs" && path[0] === "promises") {
    module = "fs/promises";
    path = path.slice(1);
  }
  if (path.length !== 1) return undefined;
  return { module, name: path[0] };
}

export function findTwin(callee: ImportedCallee, options: Options): ResolvedTwin | undefined {
  const c = canonicalCallee(callee);
  if (!c) return undefined;
  // User tables win over the built-in one and may name modules with or without `node:`.
  const user = options.twins[c.module] ?? options.twins[`node:${c.module}`] ?? options.twins[callee.module];
  const entry = user?.[c.name];
  if (entry !== undefined) {
    return typeof entry === "string"
      ? { module: callee.module, name: entry, configured: true }
      : { module: entry.module ?? callee.module, name: entry.name, configured: true };
  }
  const builtin = BUILTIN[c.module]?.[c.name];
  if (!builtin) return undefined;
  if (builtin.module === "node:fs") {
    // The twin comes from the module the source named, spelled the same way (`fs` stays `fs`,
    // `node:fs` stays `node:fs`), so `jest.mock("fs")` and bundler aliases cover both variants.
    const rules = RULES[c.name];
    return {
      module: callee.module.startsWith("node:") ? "node:fs" : "fs",
      name: builtin.name,
      promise: c.name,
      ...(rules ? { args: rules } : {}),
    };
  }
  // `ref: false` lets the program end before the timer fires, and the code after the await
  // never runs; the blocking sleep always runs it (fixture twins/timers-ref-signal). `ref: true`
  // is Node's default — the timer keeps the event loop alive until it fires, so the code after
  // the await runs, as after the sleep — and means the same to both (fixture twins/timers-ref-true).
  if (c.module === "timers/promises" && c.name === "setTimeout")
    return {
      ...builtin,
      args: { options: { index: 2, promiseOnly: ["signal", "ref"], defaults: { ref: true } }, value: 1 },
    };
  return builtin;
}

/** Modules whose imports can lead to a twin; adapters only resolve callees from these. */
export function isTwinModule(specifier: string, options: Options): boolean {
  const m = normaliseModule(specifier);
  return m === "fs" || m in BUILTIN || specifier in options.twins || m in options.twins;
}
