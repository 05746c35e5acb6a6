import type { Colour, Context } from "./context.js";
import type { Diagnostic } from "./diagnostics.js";
import type { GuardSite, WorkerCall } from "./inline.js";
import type { FunctionKind, Strategy, SyncStrategy } from "./strategy.js";

/** The report (docs/semantics.md#the-report): versioned, identical from Babel and SWC for the same input. */
export interface FunctionReport {
  name: string;
  loc: string;
  kind: FunctionKind;
  variants: { sync?: string; async?: string };
  /** For async functions: how the sync variant works. For sync functions: how the async one does. */
  syncStrategy?: SyncStrategy;
  asyncStrategy?: "offload" | "same-thread";
  reasons: string[];
  /**
   * Where an inline sync variant checks at run time that an awaited value is not a promise
   * (`path:line:column` and the operand); absent when there is none.
   */
  guards?: GuardSite[];
  /**
   * Where an inline sync variant calls another module's function whose sync variant runs on a
   * worker (`check --deny sync-worker` denies each); absent when there is none.
   */
  workerCalls?: WorkerCall[];
}

export interface CallReport {
  callee: string;
  loc: string;
  context: Context;
  in: Colour;
  strategy: Strategy;
  target: string;
  reason?: string;
  /**
   * The call runs an inline sync variant that blocks on a worker further on (it calls a function
   * whose sync variant runs on one): `check --deny sync-worker` denies it (attack18 F16).
   */
  blocksOnWorker?: true;
  /**
   * Not a call: a hand-written variant used as a value here (`us.map(fetchJsonSync)`,
   * `Reflect.apply(fetchJsonSync, …)`, kept or passed on), listed as an `explicit` call at the
   * reference because it blocks on a worker wherever it is called (attack27 F08).
   */
  value?: true;
  /**
   * An offloaded call of a function whose effects outside JS memory (a file written or read,
   * output, `process`, another module's function) the build sees, or cannot rule out (a function
   * of another module): they happen when a pool thread runs it, after the caller has moved on.
   * The `reason` names the effect; `check --deny offload-outside` denies it (attack18 F12).
   */
  outside?: true;
}

/** A `// @smartasync factory` and its generated sync twin (only in reports of files that have one). */
export interface FactoryReport {
  name: string;
  loc: string;
  /** The twin's name (`createLoaderSync`). */
  twin: string;
  /** The methods whose sync variants the twin's objects hold under their own names. */
  methods: string[];
}

export interface Report {
  version: 1;
  file: string;
  functions: FunctionReport[];
  factories?: FactoryReport[];
  calls: CallReport[];
  diagnostics: Diagnostic[];
}

function byLoc(a: { loc: string }, b: { loc: string }): number {
  const pa = a.loc.split(":");
  const pb = b.loc.split(":");
  const la = Number(pa[pa.length - 2]) - Number(pb[pb.length - 2]);
  return la !== 0 ? la : Number(pa[pa.length - 1]) - Number(pb[pb.length - 1]);
}

/** Orders every list by source position so both adapters produce byte-identical JSON. */
export function finishReport(report: Report): Report {
  report.functions.sort(byLoc);
  report.factories?.sort(byLoc);
  report.calls.sort(byLoc);
  report.diagnostics.sort((a, b) => byLoc(a, b) || a.code.localeCompare(b.code));
  return report;
}

export function emptyReport(file: string): Report {
  return { version: 1, file, functions: [], calls: [], diagnostics: [] };
}
