/**
 * Every diagnostic smartasync can emit, in one table. Codes are stable: tests, CI configs
 * (`smartasync check --deny SA201`) and docs/diagnostics.md refer to them.
 * SA1xx annotation/config, SA2xx call sites, SA3xx strategy, SA9xx internal.
 */
export type Severity = "error" | "warning" | "hint";

export interface CodeInfo {
  severity: Severity;
  title: string;
}

export const CODES = {
  SA101: { severity: "error", title: "malformed @smartasync annotation" },
  SA102: { severity: "error", title: "@smartasync on something that cannot be annotated" },
  SA103: { severity: "error", title: "generated variant name is already taken" },
  SA104: { severity: "error", title: "invalid smartasync options" },
  SA105: { severity: "error", title: "an annotated function needs a name" },
  SA106: { severity: "warning", title: "duplicate @smartasync annotation" },
  SA107: { severity: "warning", title: "a comment tag that looks like a misspelled @smartasync" },
  SA108: {
    severity: "warning",
    title:
      "declared return type is neither a promise nor proven a value: the function's colour is read from its body",
  },
  SA109: {
    severity: "error",
    title:
      "a call of an async smartasync function passed from sync code to a parameter that uses it as a promise: it would get the value",
  },
  SA110: {
    severity: "error",
    title: "the file is compiled as a script whose output is an ES module: the runtime cannot be brought in",
  },
  SA201: { severity: "warning", title: "floating promise: async smartasync call neither awaited nor used" },
  SA202: { severity: "warning", title: "call in a callback of an unknown function: context cannot be known" },
  SA203: { severity: "hint", title: "blocking call in async code: await it to offload" },
  SA204: { severity: "warning", title: "an imported module cannot be analysed" },
  SA205: {
    severity: "warning",
    title: "call in the reach of `with` or a direct `eval`: left as a plain call",
  },
  SA206: {
    severity: "warning",
    title: "a smartasync function called by a route that is not followed: left as a plain call",
  },
  SA207: {
    severity: "warning",
    title: "a discarded call in sync code blocks until a function that can run without bound ends",
  },
  SA208: {
    severity: "warning",
    title:
      "a call's value kept under a name that is only handed on: the build cannot see whether a promise is wanted",
  },
  SA209: {
    severity: "warning",
    title:
      "a call's value returned by a plain function whose callers the build cannot all see, or that use it both as a promise and as a value",
  },
  SA210: {
    severity: "warning",
    title:
      "a call's value in sync code handed where the build does not follow it: it gets the value, where code may expect the promise",
  },
  SA211: {
    severity: "warning",
    title:
      "a call of an async smartasync function passed from sync code to a parameter the build cannot read: it gets the value",
  },
  SA212: {
    severity: "warning",
    title:
      "a module namespace that holds generated exports is listed (keys, entries, for…in, spread, JSON): it lists them too",
  },
  SA213: {
    severity: "warning",
    title:
      "an object or class that holds an annotated method is listed with its non-enumerable properties (getOwnPropertyNames, getOwnPropertyDescriptors, Reflect.ownKeys): the listing holds the generated variants too",
  },
  SA301: { severity: "error", title: "sync variant needs a worker, but the function cannot run in one" },
  SA302: { severity: "warning", title: "worker or offloaded function uses module-level mutable state" },
  SA303: { severity: "warning", title: "module with worker or offloaded functions has top-level effects" },
  SA304: {
    severity: "warning",
    title: "sync function cannot be offloaded; its async variant runs on the calling thread",
  },
  SA305: {
    severity: "error",
    title: "module-level code calls its own module's worker or offloaded variant",
  },
  SA306: {
    severity: "warning",
    title:
      "worker or offloaded function depends on what does not cross a thread: an AsyncLocalStorage store, a module object's identity",
  },
  SA307: {
    severity: "warning",
    title: "calls of Promise.all([...]) may interleave, and the function cannot take the worker variant",
  },
  SA308: {
    severity: "hint",
    title:
      "an awaited import has no sync twin, so the sync variant runs on a worker: the `twins` entry that would map it",
  },
  SA309: {
    severity: "warning",
    title:
      "the inline sync variant sleeps and then depends on state only other code on this thread changes (a polling loop's condition, a read after the sleep), which cannot run while it sleeps",
  },
  // SA310–SA313: build-tool plugin (src/unplugin/bundles.ts, browser.ts), about output files and workers.
  SA310: { severity: "warning", title: "a worker imports an output file that holds the program's entry" },
  SA311: { severity: "error", title: "two functions of one name run in workers from one output file" },
  SA312: { severity: "error", title: "the output gives a worker no file to import" },
  SA313: {
    severity: "error",
    title:
      "a browser build would need a worker: a call that blocks on one, or a function offloaded to the pool",
  },
  // SA314 (after the build-tool block, which took SA310–SA313 first).
  SA314: {
    severity: "warning",
    title:
      "worker or offloaded function uses what only the process's main thread has: stdin, the IPC channel, the main module, signal handlers",
  },
  SA315: {
    severity: "warning",
    title:
      "worker or offloaded function reads a module-level value the build cannot prove is the same in every thread",
  },
  SA316: {
    severity: "warning",
    title:
      "worker or offloaded function reads an object a package made (a database handle) whose methods code of this thread calls: the build cannot tell a store every thread reaches from one in this thread's memory",
  },
  SA901: { severity: "error", title: "internal error" },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

/** A 1-based line, 1-based column position in the original source. */
export interface Position {
  line: number;
  column: number;
}

export interface Diagnostic {
  code: Code;
  severity: Severity;
  message: string;
  /** `path:line:column`, path relative to the root. */
  loc: string;
}

export function severityOf(code: Code, strict: boolean): Severity {
  const s: Severity = CODES[code].severity;
  return strict && s === "warning" ? "error" : s;
}

export function formatLoc(file: string, pos: Position | undefined): string {
  return pos ? `${file}:${pos.line}:${pos.column}` : file;
}
