/**
 * The table of calls proven synchronous (src/core/analysis/sync-table.ts) names real functions
 * of the running Node: a misspelt entry would prove nothing (harmless) or, worse, stand for a
 * different API than the one its source documents. Each listed name must exist where the table
 * says, be a function, and each entry must cite its source.
 */

import { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  BUILTIN_CONSTRUCTORS,
  BUILTIN_METHODS,
  CALLS_ITS_ARGUMENTS,
  inEntry,
  RESULT_KINDS,
  SYNC_CONSTRUCTORS,
  SYNC_GLOBAL_FUNCTIONS,
  SYNC_GLOBAL_MEMBERS,
  SYNC_MODULE_FUNCTIONS,
  SYNC_PROTOTYPE_METHODS,
  type SyncEntry,
} from "../../src/core/analysis/sync-table.js";

const require = createRequire(import.meta.url);

function listed(entry: SyncEntry): readonly string[] {
  return entry.names === "all" ? [] : entry.names;
}

describe("sync table", () => {
  it("every module function listed is a function of that Node module, and *Sync matches only *Sync", () => {
    for (const [name, entry] of Object.entries(SYNC_MODULE_FUNCTIONS)) {
      const mod = require(`node:${name}`) as Record<string, unknown>;
      expect(entry.source, name).toMatch(/^https:\/\/nodejs\.org\/api\//);
      for (const fn of listed(entry)) expect(typeof mod[fn], `${name}.${fn}`).toBe("function");
      if (entry.suffixSync) {
        const syncs = Object.keys(mod).filter((k) => k.endsWith("Sync"));
        expect(syncs.length, name).toBeGreaterThan(0);
        for (const k of syncs) expect(inEntry(entry, k), `${name}.${k}`).toBe(true);
        expect(inEntry(entry, "readFile"), `${name}: a name without Sync`).toBe(entry.names === "all");
      }
    }
  });

  it("globals, their members and constructors exist", () => {
    const g = globalThis as unknown as Record<string, Record<string, unknown>>;
    for (const fn of listed(SYNC_GLOBAL_FUNCTIONS)) expect(typeof g[fn], fn).toBe("function");
    for (const [obj, entry] of Object.entries(SYNC_GLOBAL_MEMBERS))
      for (const m of listed(entry)) expect(typeof g[obj]?.[m], `${obj}.${m}`).toBe("function");
    for (const c of listed(SYNC_CONSTRUCTORS)) expect(typeof g[c], c).toBe("function");
  });

  it("prototype methods exist on the prototypes they are listed for", () => {
    const protos = {
      array: Array.prototype,
      string: String.prototype,
      number: Number.prototype,
      map: Map.prototype,
      set: Set.prototype,
    } as unknown as Record<string, Record<string, unknown>>;
    for (const [kind, entry] of Object.entries(SYNC_PROTOTYPE_METHODS))
      for (const m of listed(entry)) expect(typeof protos[kind]![m], `${kind}.${m}`).toBe("function");
    // A result kind is only read for a method the table proves on that receiver.
    for (const kind of ["array", "string"] as const)
      for (const m of Object.keys(RESULT_KINDS[kind]))
        expect(inEntry(SYNC_PROTOTYPE_METHODS[kind], m), `${kind}.${m}`).toBe(true);
  });

  it("the methods that call their arguments include every callback-taking array method listed", () => {
    // Array.prototype methods whose first argument is a callback (ECMAScript: callbackfn / comparefn).
    for (const m of [
      "every",
      "filter",
      "find",
      "findIndex",
      "findLast",
      "findLastIndex",
      "flatMap",
      "forEach",
    ])
      expect(CALLS_ITS_ARGUMENTS.has(m), m).toBe(true);
    for (const m of ["map", "reduce", "reduceRight", "some", "sort", "toSorted"])
      expect(CALLS_ITS_ARGUMENTS.has(m), m).toBe(true);
  });

  it("the built-ins table: constructors are globals, methods exist on their prototypes", () => {
    const g = globalThis as unknown as Record<string, unknown>;
    // Float16Array is Node 22's (behind a flag before): its `view` fact is read only where it exists.
    for (const c of Object.keys(BUILTIN_CONSTRUCTORS))
      if (c !== "Float16Array") expect(typeof g[c], c).toBe("function");
    const protos: Record<keyof typeof BUILTIN_METHODS, object> = {
      array: Array.prototype,
      string: String.prototype,
      number: Number.prototype,
      map: Map.prototype,
      set: Set.prototype,
      object: Object.prototype,
      "typed-array": Uint8Array.prototype,
      emitter: EventEmitter.prototype,
    };
    for (const [kind, methods] of Object.entries(BUILTIN_METHODS) as [keyof typeof protos, object][])
      for (const m of Object.keys(methods))
        expect(typeof (protos[kind] as Record<string, unknown>)[m], `${kind}.${m}`).toBe("function");
  });

  it("the table's `self`, `calls` and `result` facts are what the methods do", () => {
    const fresh = {
      array: () => [2, 1],
      string: () => "ab",
      number: () => 1,
      map: () => new Map([["k", 1]]),
      set: () => new Set([1]),
    };
    for (const kind of ["array", "string", "number", "map", "set"] as const)
      for (const [m, f] of Object.entries(BUILTIN_METHODS[kind])) {
        const receiver = fresh[kind]() as unknown as Record<string, (...a: unknown[]) => unknown>;
        let called = 0;
        const args: unknown[] = ["a", 0];
        if (f.calls !== undefined)
          args[f.calls] = (...xs: unknown[]) => {
            called++;
            return xs[0];
          };
        // `at`/`with`, `repeat`, `normalize`, `localeCompare`, `toFixed`…: arguments they accept.
        const safe = ["with", "at", "fill", "copyWithin", "splice", "toSpliced"].includes(m)
          ? [0, 0]
          : ["repeat", "padEnd", "padStart", "toFixed", "toPrecision", "toExponential", "toString"].includes(
                m,
              )
            ? [2]
            : ["normalize", "localeCompare", "toLocaleString"].includes(m)
              ? []
              : args;
        const got = receiver[m]!.apply(receiver, safe);
        if (f.self) expect(got, `${kind}.${m} returns its receiver`).toBe(receiver);
        else if (kind !== "string" && kind !== "number")
          expect(got === receiver, `${kind}.${m} does not return its receiver`).toBe(false);
        if (f.calls !== undefined)
          expect(called, `${kind}.${m} calls argument ${f.calls}`).toBeGreaterThan(0);
        if (f.result === "array") expect(Array.isArray(got), `${kind}.${m} gives an array`).toBe(true);
        if (f.result === "string") expect(typeof got, `${kind}.${m} gives a string`).toBe("string");
      }
  });
});
