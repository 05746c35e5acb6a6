/**
 * Property: a generated argument (nested objects, arrays with holes, null-prototype objects,
 * Maps, Sets, URLs, Buffers, typed arrays, dates, errors, cycles and shared references, and
 * the things that cannot cross: class instances, Map subclasses, functions, symbols, getters,
 * symbol keys, hidden properties) sent through runSync and offload, with real workers, either
 * comes back equal — deeply, prototypes, identities and cycles included — or is refused with
 * the located error. Never a silently different value.
 *
 * The oracle is the generator's own record of whether it placed a value that cannot cross.
 * Fixed seed (SMARTASYNC_SEED overrides it, as in the rest of the reliability suite), a bounded
 * number of runs.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import * as sa from "smartasync/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SEED = Number(process.env.SMARTASYNC_SEED ?? 20_240_601);
const RUNS = Math.round(120 * (process.env.SMARTASYNC_LONG === "1" ? 10 : 1));
const funcs = join(import.meta.dirname, "child", "funcs.mjs");
const url = pathToFileURL(funcs).href;

beforeAll(async () => {
  await import(funcs);
  sa.configure({ poolSize: 2, syncTimeoutMs: 20_000, offloadTimeoutMs: 20_000 });
});
afterAll(async () => {
  sa.configure({ syncTimeoutMs: 30_000, offloadTimeoutMs: 60_000 });
  await sa.shutdown();
});

// ——— the generated shape, then the value built from it ———

type Spec =
  | { k: "prim"; v: unknown }
  | { k: "date"; t: number }
  | { k: "url"; path: string }
  | { k: "u8" | "buffer"; bytes: number[] }
  | { k: "f64"; nums: number[] }
  | { k: "regexp" }
  | { k: "error"; ctor: "Error" | "TypeError" | "RangeError"; msg: string; code?: string; cause?: Spec }
  | { k: "bad"; what: Bad }
  | { k: "obj" | "nullobj"; entries: [string, Spec][] }
  | { k: "arr"; items: Spec[]; hole: boolean }
  | { k: "map"; entries: [Spec, Spec][] }
  | { k: "set"; items: Spec[] };

type Bad = "instance" | "mapSubclass" | "function" | "symbol" | "getter" | "symbolKey" | "hidden";

class Money {
  constructor(public cents: number) {}
}
class Registry extends Map<unknown, unknown> {}

const key = fc.oneof(
  fc.constantFrom("a", "b", "opts", "cwd", "odd key", "__proto__", "@@smartasync", "0", "constructor"),
  fc.string({ maxLength: 4 }),
);
const prim = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.string({ maxLength: 8 }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

const { spec } = fc.letrec<{ spec: Spec; leaf: Spec }>((tie) => ({
  leaf: fc.oneof(
    { weight: 6, arbitrary: prim.map((v): Spec => ({ k: "prim", v })) },
    { weight: 1, arbitrary: fc.integer({ min: -1e12, max: 1e12 }).map((t): Spec => ({ k: "date", t })) },
    { weight: 1, arbitrary: fc.webPath().map((path): Spec => ({ k: "url", path })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("u8" as const, "buffer" as const), fc.array(fc.nat(255), { maxLength: 6 }))
        .map(([k, bytes]): Spec => ({ k, bytes })),
    },
    {
      weight: 1,
      arbitrary: fc.array(fc.double(), { maxLength: 4 }).map((nums): Spec => ({ k: "f64", nums })),
    },
    { weight: 1, arbitrary: fc.constant<Spec>({ k: "regexp" }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom("Error" as const, "TypeError" as const, "RangeError" as const),
          fc.string({ maxLength: 6 }),
          fc.option(fc.constantFrom("E_ONE", "E_TWO"), { nil: undefined }),
        )
        .map(([ctor, msg, code]): Spec => ({ k: "error", ctor, msg, code })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<Bad>("instance", "mapSubclass", "function", "symbol", "getter", "symbolKey", "hidden")
        .map((what): Spec => ({ k: "bad", what })),
    },
  ),
  spec: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 3, arbitrary: tie("leaf") },
    fc
      .tuple(
        fc.constantFrom("obj" as const, "nullobj" as const),
        fc.array(fc.tuple(key, tie("spec")), { maxLength: 4 }),
      )
      .map(([k, entries]): Spec => ({ k, entries })),
    fc
      .tuple(fc.array(tie("spec"), { maxLength: 4 }), fc.boolean())
      .map(([items, hole]): Spec => ({ k: "arr", items, hole })),
    fc
      .array(
        fc.tuple(
          fc.oneof(
            prim.map((v): Spec => ({ k: "prim", v })),
            tie("spec"),
          ),
          tie("spec"),
        ),
        { maxLength: 3 },
      )
      .map((entries): Spec => ({ k: "map", entries })),
    fc.array(tie("spec"), { maxLength: 3 }).map((items): Spec => ({ k: "set", items })),
  ),
}));

/** A value, whether it holds something that cannot cross, and its containers (for cycles). */
interface Built {
  value: unknown;
  bad: boolean;
  containers: object[];
}

function build(s: Spec, out: Built): unknown {
  switch (s.k) {
    case "prim":
      return s.v;
    case "date":
      return new Date(s.t);
    case "url":
      return new URL(s.path, "https://example.test/");
    case "u8":
      return new Uint8Array(s.bytes);
    case "buffer":
      return Buffer.from(s.bytes);
    case "f64":
      return new Float64Array(s.nums);
    case "regexp":
      return /ab+c/gi;
    case "error": {
      const C = { Error, TypeError, RangeError }[s.ctor];
      const e = new C(s.msg);
      if (s.code !== undefined) Object.assign(e, { code: s.code });
      return e;
    }
    case "bad":
      out.bad = true;
      switch (s.what) {
        case "instance":
          return new Money(1);
        case "mapSubclass":
          return new Registry([[1, 2]]);
        case "function":
          return () => 1;
        case "symbol":
          return Symbol("s");
        case "getter":
          return Object.defineProperty({}, "live", { enumerable: true, get: () => Date.now() });
        case "symbolKey":
          return { [Symbol("k")]: 1 };
        case "hidden":
          return Object.defineProperty({ seen: 1 }, "unseen", { value: 2, enumerable: false });
      }
      break;
    case "obj":
    case "nullobj": {
      const o: Record<string, unknown> = s.k === "nullobj" ? Object.create(null) : {};
      out.containers.push(o);
      for (const [k, x] of s.entries)
        Object.defineProperty(o, k, {
          value: build(x, out),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return o;
    }
    case "arr": {
      const a: unknown[] = [];
      out.containers.push(a);
      for (const x of s.items) a.push(build(x, out));
      if (s.hole && a.length > 1) delete a[0];
      return a;
    }
    case "map": {
      const m = new Map();
      out.containers.push(m);
      for (const [k, x] of s.entries) m.set(build(k, out), build(x, out));
      return m;
    }
    case "set": {
      const set = new Set();
      out.containers.push(set);
      for (const x of s.items) set.add(build(x, out));
      return set;
    }
  }
  throw new Error("unreachable");
}

/** Adds references back to `target` from chosen containers: cycles and shared values. */
function link(b: Built, picks: [number, number][]): void {
  for (const [from, to] of picks) {
    if (b.containers.length === 0) return;
    const c = b.containers[from % b.containers.length]!;
    const target = b.containers[to % b.containers.length]!;
    if (c instanceof Map) c.set(`back${to}`, target);
    else if (c instanceof Set) c.add(target);
    else if (Array.isArray(c)) c.push(target);
    else (c as Record<string, unknown>)[`back${to}`] = target;
  }
}

const input = fc
  .tuple(spec, fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }))
  .map(([s, picks]) => ({ s, picks }));

function make({ s, picks }: { s: Spec; picks: [number, number][] }): Built {
  const b: Built = { value: undefined, bad: false, containers: [] };
  b.value = build(s, b);
  link(b, picks);
  return b;
}

// ——— deep equality, prototypes and identities included ———

function same(a: unknown, b: unknown, pairs = new Map<object, unknown>()): boolean {
  if (typeof a !== "object" || a === null) return Object.is(a, b);
  if (typeof b !== "object" || b === null) return false;
  if (pairs.has(a)) return pairs.get(a) === b; // a cycle or a shared value keeps its identity
  pairs.set(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof URL) return a.href === (b as URL).href;
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime());
  if (a instanceof RegExp) {
    const r = b as RegExp;
    return a.source === r.source && a.flags === r.flags && a.lastIndex === r.lastIndex;
  }
  if (ArrayBuffer.isView(a)) {
    const v = b as ArrayBufferView;
    return (
      Buffer.compare(
        Buffer.from(a.buffer, a.byteOffset, a.byteLength),
        Buffer.from(v.buffer, v.byteOffset, v.byteLength),
      ) === 0
    );
  }
  if (a instanceof Error) {
    const e = b as Error;
    if (a.name !== e.name || a.message !== e.message) return false;
    if (Object.hasOwn(a, "cause") !== Object.hasOwn(e, "cause") || !same(a.cause, e.cause, pairs))
      return false;
    return sameProps(a, e, Object.keys(a), Object.keys(e), pairs);
  }
  if (a instanceof Map) {
    const x = [...a];
    const y = [...(b as Map<unknown, unknown>)];
    return (
      x.length === y.length && x.every(([k, v], i) => same(k, y[i]![0], pairs) && same(v, y[i]![1], pairs))
    );
  }
  if (a instanceof Set) {
    const x = [...a];
    const y = [...(b as Set<unknown>)];
    return x.length === y.length && x.every((v, i) => same(v, y[i], pairs));
  }
  return sameProps(a, b, Reflect.ownKeys(a), Reflect.ownKeys(b), pairs);
}

function sameProps(
  a: object,
  b: object,
  ka: PropertyKey[],
  kb: PropertyKey[],
  pairs: Map<object, unknown>,
): boolean {
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  for (const k of ka) {
    const da = Object.getOwnPropertyDescriptor(a, k)!;
    const db = Object.getOwnPropertyDescriptor(b, k)!;
    if (da.enumerable !== db.enumerable || "value" in da !== "value" in db) return false;
    if (!same(da.value, db.value, pairs)) return false;
  }
  return true;
}

// ——— the property ———

type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; err: Error & { code?: string; valuePath?: string } };

async function send(via: "runSync" | "offload", value: unknown): Promise<Outcome> {
  try {
    const r =
      via === "runSync"
        ? (sa.runSync(url, "echo", [value]) as unknown[])
        : ((await sa.offload(url, "echoSync", [value])) as unknown[]);
    return { ok: true, value: r[0] };
  } catch (err) {
    return { ok: false, err: err as Error };
  }
}

describe("what crosses a thread (property)", () => {
  const tally = { equal: 0, refused: 0 };
  for (const via of ["runSync", "offload"] as const) {
    it(`${via}: a generated argument comes back equal (prototypes, cycles) or is refused where it is`, async () => {
      await fc.assert(
        fc.asyncProperty(input, async (plan) => {
          const b = make(plan);
          const got = await send(via, b.value);
          if (b.bad) {
            if (got.ok) throw new Error(`a value that cannot cross came back: ${String(got.value)}`);
            expect(got.err.code, got.err.message).toBe("SMARTASYNC_UNCLONEABLE");
            expect(got.err.valuePath).toMatch(/^args\[0\]/);
            expect(got.err.message).toContain(`: ${got.err.valuePath} `);
            tally.refused++;
          } else {
            if (!got.ok) throw got.err;
            expect(same(b.value, got.value)).toBe(true);
            tally.equal++;
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    });
  }
  it("both outcomes were exercised", () => {
    expect(tally.equal).toBeGreaterThan(RUNS / 4);
    expect(tally.refused).toBeGreaterThan(RUNS / 10);
  });
});
