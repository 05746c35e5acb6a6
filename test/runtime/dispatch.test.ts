import * as sa from "smartasync/runtime";
import { describe, expect, it } from "vitest";

describe("markers", () => {
  it("mark() sets a marker that Object.keys, for…in and JSON do not see, and returns the function", () => {
    async function load() {
      return 1;
    }
    function loadSync() {
      return 1;
    }
    expect(sa.mark(load, { kind: "async", sync: loadSync })).toBe(load);
    expect(Object.keys(load)).toEqual([]);
    expect(JSON.stringify({ load, ...load })).toBe("{}");
    const seen: string[] = [];
    for (const key in load) seen.push(key);
    expect(seen).toEqual([]);
    expect((loadSync as unknown as Record<symbol, unknown>)[Symbol.for("smartasync.of")]).toBe(load);
    expect(sa.SMARTASYNC).toBe(Symbol.for("smartasync"));
    expect(sa.getMarker(load)).toMatchObject({ kind: "async", name: "load", sync: loadSync });
    expect(sa.isSmartAsync(load)).toBe(true);
    expect(sa.isSmartAsync(loadSync)).toBe(false);
    expect(sa.isSmartAsync(42)).toBe(false);
    expect(sa.getMarker(null)).toBeUndefined();
    const g = sa.mark(() => 2, { kind: "sync", name: "custom" });
    expect(sa.getMarker(g)?.name).toBe("custom");
    expect(() => sa.mark(load, { kind: "maybe" } as never)).toThrow(TypeError);
  });

  it("mark() re-marks a function whose marker was defined read-only, and refuses a frozen one", () => {
    function f() {
      return 1;
    }
    Object.defineProperty(f, sa.SMARTASYNC, { value: { kind: "sync", name: "old" }, configurable: true });
    sa.mark(f, { kind: "sync", name: "new" });
    expect(sa.getMarker(f)?.name).toBe("new");
    expect(() =>
      sa.mark(
        Object.freeze(() => 1),
        { kind: "sync" },
      ),
    ).toThrow(TypeError);
  });
});

describe("dispatch", () => {
  class Repo {
    prefix = "repo";
    async find(id: number) {
      return `${this.prefix}:async:${id}`;
    }
    findSync(id: number) {
      return `${this.prefix}:sync:${id}`;
    }
    hash(x: string) {
      return `${this.prefix}:hash:${x}`;
    }
    async hashAsync(x: string) {
      return `${this.prefix}:offloaded:${x}`;
    }
    plain(a: number, b: number) {
      return [this.prefix, a + b];
    }
  }
  sa.mark(Repo.prototype.find, { kind: "async", sync: Repo.prototype.findSync });
  sa.mark(Repo.prototype.hash, { kind: "sync", async: Repo.prototype.hashAsync });

  it("callSync picks the sync variant of an async function, with this preserved", () => {
    const r = new Repo();
    expect(sa.callSync(r, "find", [7])).toBe("repo:sync:7");
    expect(sa.callSync(r, "hash", ["x"])).toBe("repo:hash:x");
    expect(sa.callSync(r, "plain", [1, 2])).toEqual(["repo", 3]);
  });

  it("callAsync picks the async variant of a sync function, with this preserved", async () => {
    const r = new Repo();
    expect(await sa.callAsync(r, "hash", ["x"])).toBe("repo:offloaded:x");
    expect(await sa.callAsync(r, "find", [1])).toBe("repo:async:1");
    expect(sa.callAsync(r, "plain", [1, 2])).toEqual(["repo", 3]);
  });

  it("plain functions and objects are called unchanged", () => {
    const o = {
      n: 5,
      get(this: { n: number }, k: number) {
        return this.n * k;
      },
    };
    expect(sa.callSync(o, "get", [2])).toBe(10);
    expect(sa.callAsync(o, "get", [3])).toBe(15);
    const sym = Symbol("m");
    const s = { [sym]: () => "sym" };
    expect(sa.callSync(s, sym, [])).toBe("sym");
  });

  it("a property that is not a function throws the TypeError JS would", () => {
    expect(() => sa.callSync({ x: 1 }, "x", [])).toThrow(new TypeError("obj.x is not a function"));
    expect(() => sa.callAsync({}, "missing", [])).toThrow(TypeError);
    expect(() => sa.callSync(null, "x", [])).toThrow(TypeError);
  });

  it("with the call's place, a function without a sync variant that gives a promise fails located", () => {
    const stub = { load: async (x: number) => x };
    const err = (() => {
      try {
        sa.callSync(stub, "load", [1], "src/app.js:4:13");
      } catch (e) {
        return e as Error & { code?: string; loc?: string };
      }
    })();
    expect(err?.name).toBe("SmartAsyncError");
    expect(err?.code).toBe("SMARTASYNC_GUARD");
    expect(err?.loc).toBe("src/app.js:4:13");
    expect(err?.message).toMatch(/obj\.load\(…\) at src\/app\.js:4:13 is called from sync code/);
    expect(err?.message).toMatch(/not a smartasync function/);
    expect(err?.message).toMatch(/Promise\.resolve\(obj\.load\(…\)\)/);
    // A marked async function without a sync variant, a sync-kind function returning a thenable.
    const bare = sa.mark(async () => 1, { kind: "async", name: "bare" });
    expect(() => sa.callSync({ bare }, "bare", [], "a.js:1:1")).toThrow(
      /\(bare, async\) has no sync variant/,
    );
    // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise, on purpose
    const thenable = { then: () => undefined };
    const odd = sa.mark(() => thenable, { kind: "sync", name: "odd" });
    expect(() => sa.callSync({ odd }, "odd", [], "a.js:2:1")).toThrow(/a\.js:2:1/);
    // A value passes; the marked path still calls the sync variant; without a place (code
    // compiled before, a hand-written call) the result is returned as it is.
    expect(sa.callSync({ load: (x: number) => x + 1 }, "load", [1], "a.js:3:1")).toBe(2);
    expect(sa.callSync(new Repo(), "find", [7], "a.js:4:1")).toBe("repo:sync:7");
    expect(sa.callSync(stub, "load", [1])).toBeInstanceOf(Promise);
  });

  it("via() passes the call's place to the fallback of an overridden this.m()", () => {
    const self = { find: async () => "override" };
    const viaSync = sa.via(self, "find", "findSync", "sync", "lib.js:9:5") as { findSync: () => unknown };
    expect(() => viaSync.findSync()).toThrow(expect.objectContaining({ loc: "lib.js:9:5" }));
    const viaAsync = sa.via(self, "find", "findAsync", "async", "lib.js:9:5") as { findAsync: () => unknown };
    expect(viaAsync.findAsync()).toBeInstanceOf(Promise);
  });

  it("bound() gives what bind made of a marked function the marker, variants bound alike; nothing else", () => {
    const self = { tag: "me" };
    const load = async function (this: { tag: string }, k: string) {
      return `${this.tag}:${k}`;
    };
    const loadSync = function (this: { tag: string }, k: string) {
      return `${this.tag}:sync:${k}`;
    };
    sa.mark(load, { kind: "async", sync: loadSync });
    const b = sa.bound(load, load.bind(self), self) as typeof load;
    expect(sa.getMarker(b)?.name).toBe("load");
    // Dispatch from any receiver reaches the sync variant with the bound instance.
    expect(sa.callSync({ load: b }, "load", ["x"], "a.js:1:1")).toBe("me:sync:x");
    expect(sa.getMarker(b)?.sync?.[sa.OF as never]).toBe(b);
    // The method itself keeps its own marker and variant.
    expect(sa.getMarker(load)?.sync).toBe(loadSync);
    // An unmarked function, a function whose `bind` is not the built-in one, a non-function:
    // the result as it is, unmarked.
    const plain = async () => 1;
    expect(sa.getMarker(sa.bound(plain, plain.bind(null), null))).toBeUndefined();
    const odd = sa.mark(async () => 1, { kind: "async", sync: () => 1 });
    const fake = () => 2;
    Object.defineProperty(odd, "bind", { value: () => fake });
    expect(sa.bound(odd, odd.bind(null), null)).toBe(fake);
    expect(sa.getMarker(fake)).toBeUndefined();
    expect(sa.bound(load, undefined, self)).toBeUndefined();
  });
});

describe("thread facts", () => {
  it("isWorker is false on the main thread; canBlock is true in Node", () => {
    expect(sa.isWorker).toBe(false);
    expect(sa.canBlock()).toBe(true);
  });

  it("canBlock follows a replaced Atomics.wait (not cached forever)", () => {
    const real = Atomics.wait;
    Atomics.wait = () => {
      throw new TypeError("Atomics.wait cannot be called in this context");
    };
    try {
      expect(sa.canBlock()).toBe(false);
    } finally {
      Atomics.wait = real;
    }
    expect(sa.canBlock()).toBe(true);
  });

  it("sleepSync blocks and returns its value", () => {
    const t0 = performance.now();
    expect(sa.sleepSync(30, "v")).toBe("v");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    expect(sa.sleepSync(0)).toBeUndefined();
    expect(sa.sleepSync(Number.NaN, 1)).toBe(1);
    expect(sa.sleepSync(-5, 2)).toBe(2);
  });
});

describe("configure", () => {
  it("rejects unknown keys with a suggestion", () => {
    expect(() => sa.configure({ syncTimeout: 5 } as never)).toThrow(
      /unknown option "syncTimeout".*did you mean "syncTimeoutMs"/,
    );
    expect(() => sa.configure({ poolsize: 2 } as never)).toThrow(/did you mean "poolSize"/);
    expect(() => sa.configure({ zzzzzzzzzz: 1 } as never)).toThrow(
      /unknown option "zzzzzzzzzz"; known options/,
    );
  });

  it("rejects wrong types and ranges, naming the key", () => {
    expect(() => sa.configure({ syncTimeoutMs: "5" as never })).toThrow(/syncTimeoutMs.*number/);
    expect(() => sa.configure({ syncTimeoutMs: 0 })).toThrow(/syncTimeoutMs.*> 0/);
    expect(() => sa.configure({ offloadTimeoutMs: Number.POSITIVE_INFINITY })).toThrow(
      /offloadTimeoutMs.*finite/,
    );
    expect(() => sa.configure({ syncTimeoutMs: Number.NaN })).toThrow(/syncTimeoutMs/);
    expect(() => sa.configure({ poolSize: 0 })).toThrow(/poolSize.*integer >= 1/);
    expect(() => sa.configure({ poolSize: 1.5 })).toThrow(/poolSize/);
    expect(() => sa.configure({ idleTimeoutMs: -1 })).toThrow(/idleTimeoutMs/);
    expect(() => sa.configure({ onCannotBlock: "ignore" as never })).toThrow(
      /onCannotBlock.*"throw" or "promise"/,
    );
    expect(() => sa.configure({ maxNesting: -1 })).toThrow(/maxNesting/);
    expect(() => sa.configure(null as never)).toThrow(TypeError);
    for (const f of [() => sa.configure({ poolSize: 0 })]) expect(f).toThrow(TypeError);
  });

  it("accepts valid values (and a rejected call changes nothing)", () => {
    expect(() => sa.configure({ syncTimeoutMs: 1000, poolSize: 3, maxNesting: 2 })).not.toThrow();
    expect(() =>
      sa.configure({ syncTimeoutMs: 30_000, poolSize: 2, maxNesting: 4, idleTimeoutMs: 1000 }),
    ).not.toThrow();
  });
});

describe("a marker copied onto a wrapper", () => {
  // Adversarial run 14, finding 8: `Object.assign(wrapper, fn)` copies fn's marker; dispatch
  // must run the wrapper, not fn's variant, and a promise it gives in sync code is located.
  it("callSyncOf and callAsyncOf run the wrapper, whose promise is a located SMARTASYNC_GUARD", async () => {
    const calls: string[] = [];
    async function load(x: number) {
      calls.push("load");
      return x * 10;
    }
    function loadSync(x: number) {
      calls.push("loadSync");
      return x * 10;
    }
    sa.mark(load, { kind: "async", sync: loadSync });
    const copied = Object.assign(function wrapper(this: unknown, x: number) {
      calls.push("wrapper");
      return load(x);
    }, load);
    const described = function described(x: number) {
      calls.push("described");
      return load(x);
    };
    Object.defineProperties(described, Object.getOwnPropertyDescriptors(load));
    for (const w of [copied, described]) {
      // The marker is not enumerable (attack29 F13), so `Object.assign` leaves it behind; copied
      // by its descriptors, it is there …
      expect(sa.getMarker(w) !== undefined).toBe(w === described);
      let err: { code?: string; loc?: string } | undefined;
      try {
        sa.callSyncOf({}, w, "load", [1], "main.js:3:5");
      } catch (e) {
        err = e as typeof err;
      }
      expect(err).toMatchObject({ code: "SMARTASYNC_GUARD", loc: "main.js:3:5" }); // … but not used
    }
    expect(calls).toEqual(["wrapper", "load", "described", "load"]);
    // The function's own marker still dispatches.
    expect(sa.callSyncOf({}, load, "load", [2], "main.js:4:5")).toBe(20);

    function sq(x: number) {
      return x * x;
    }
    const sqAsync = async (x: number) => x * x + 1;
    sa.mark(sq, { kind: "sync", async: sqAsync });
    const sqWrapper = Object.assign((x: number) => sq(x), sq);
    expect(await sa.callAsyncOf({}, sqWrapper, "sq", [3])).toBe(9);
    expect(await sa.callAsyncOf({}, sq, "sq", [3])).toBe(10);
  });

  it("bound() and syncMethods() do not make a copied marker the wrapper's own (review)", () => {
    const calls: string[] = [];
    async function load(x: number) {
      calls.push("load");
      return x;
    }
    function loadSync(x: number) {
      calls.push("loadSync");
      return x;
    }
    sa.mark(load, { kind: "async", sync: loadSync });
    const wrapper = Object.assign(function wrapper(x: number) {
      calls.push("wrapper");
      return load(x);
    }, load);
    // The autobind idiom over the wrapper: the bound function gets no marker, so its call in
    // sync code runs the wrapper (whose promise is refused, located) rather than loadSync.
    const b = sa.bound(wrapper, wrapper.bind(null), null);
    expect(() => sa.callSyncOf({}, b, "load", [1], "main.js:9:1")).toThrow(
      expect.objectContaining({ code: "SMARTASYNC_GUARD" }),
    );
    // syncMethods keeps the wrapper under its name instead of load's sync variant.
    const face = sa.syncMethods({ load: wrapper }) as unknown as { load: (x: number) => unknown };
    void face.load(2);
    expect(calls).toEqual(["wrapper", "load", "wrapper", "load"]);
  });
});
