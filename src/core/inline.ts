import type { ResolvedTwin } from "./twins.js";

/**
 * DESIGN §3.4: the sync variant of an async function is the function with its colour removed
 * whenever every `await` can be made synchronous. Adapters describe each await (and each value
 * the function returns, since an async function adopts a returned promise) as an AwaitFact; the
 * rules below decide.
 */
export type AwaitFact =
  /** A call of a smartasync function or method: its sync variant. */
  | { kind: "smartasync"; callee: string }
  /** A call of an API with a known sync twin. */
  | { kind: "twin"; twin: ResolvedTwin }
  /** `Promise.all([...])` / `Promise.allSettled([...])` over an array literal. */
  | { kind: "combinator"; name: "all" | "allSettled"; elements: AwaitFact[] }
  /** A literal, an expression that is neither a call nor `new`, or a local only ever set to such. */
  | { kind: "not-promise" }
  /**
   * Only for returned values: a call the compiler knows nothing about. Returned calls are
   * usually plain values (`return JSON.parse(text)`), so they stay, behind a run-time check
   * that fails loudly if one does produce a promise.
   */
  | { kind: "returned-call" }
  /** Anything else: `await fetch(url)`, `await new Promise(...)`, `Promise.race`, `for await`. */
  | { kind: "unmappable"; why: string };

export interface LocatedAwait {
  fact: AwaitFact;
  /** `path:line:column` of the await (or return), for reasons. */
  loc: string;
  /** Source-like description, e.g. `fetch(...)`. */
  text: string;
}

export interface SyncPlan {
  strategy: "inline" | "worker";
  /** Why a worker is needed; for an inline variant, what differs from the async one. */
  reasons: string[];
}

function unmappable(fact: AwaitFact): string | undefined {
  switch (fact.kind) {
    case "unmappable":
      return fact.why;
    case "combinator":
      for (const e of fact.elements) {
        const why = unmappable(e);
        if (why !== undefined) return why;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Decides inline or worker for one function from the facts of its awaits. */
export function planSyncVariant(awaits: readonly LocatedAwait[]): SyncPlan {
  const reasons: string[] = [];
  const notes: string[] = [];
  for (const a of awaits) {
    const why = unmappable(a.fact);
    if (why !== undefined) {
      reasons.push(why.includes(AT) ? why.replace(AT, ` at ${a.loc}`) : `${why} at ${a.loc}`);
    } else if (a.fact.kind === "combinator") {
      // DESIGN §3.4: the report says when concurrent awaits became sequential calls.
      notes.push(WHY.sequential(a.fact.name, a.loc));
    }
  }
  return reasons.length === 0 ? { strategy: "inline", reasons: notes } : { strategy: "worker", reasons };
}

/**
 * Globals whose calls never produce a promise: a returned `JSON.parse(text)` needs no run-time
 * check in an inline sync variant (fixture inline/return-json-parse).
 */
export const SYNC_GLOBALS = new Set([
  "JSON",
  "Math",
  "Object",
  "Array",
  "String",
  "Number",
  "Boolean",
  "BigInt",
  "Symbol",
  "Reflect",
  "Date",
  "RegExp",
  "Map",
  "Set",
  "URL",
  "Buffer",
  "structuredClone",
  "parseInt",
  "parseFloat",
  "encodeURIComponent",
  "decodeURIComponent",
  "encodeURI",
  "decodeURI",
  "isNaN",
  "isFinite",
]);

/** Where the location goes in a reason: "awaits fetch(...) at a.js:3:9, which has no sync twin". */
const AT = "\u0000at";

/** Wording for the common unmappable cases, shared by both adapters so reports match. */
export const WHY = {
  unknownCall: (text: string) => `awaits ${text}${AT}, which has no sync twin`,
  newExpression: (text: string) => `awaits ${text}${AT}, which cannot be made synchronous`,
  combinator: (name: string) => `awaits Promise.${name}(...)${AT}, which has no sync equivalent`,
  combinatorArg: (name: string) =>
    `awaits Promise.${name}(...)${AT} of something other than an array literal`,
  forAwait: () => `uses \`for await\`${AT}`,
  promiseLocal: (name: string) => `awaits \`${name}\`${AT}, which may hold a promise`,
  other: (text: string) => `awaits ${text}${AT}, which may be a promise`,
  sequential: (name: string, loc: string) =>
    `runs the calls of Promise.${name}([...]) at ${loc} one after another (sequentially) in the sync variant`,
} as const;
