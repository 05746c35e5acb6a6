// What crosses a thread (docs/runtime.md): the deep check, the codec, hostile errors (issue 17)
// and what a blocked caller cannot give, through real workers on both paths.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serialize } from "node:v8";
import { runInNewContext } from "node:vm";
import * as sa from "smartasync/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendValue } from "../../src/runtime/clone.cjs";
import { esmPath, esmUrl as url } from "./helpers.js";

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

type Err = Error & { code?: string; valuePath?: string; cause?: unknown } & Record<string, unknown>;

beforeAll(async () => {
  await import(esmPath);
  sa.configure({ poolSize: 2 });
});
afterAll(async () => {
  sa.configure({ syncTimeoutMs: 30_000, offloadTimeoutMs: 60_000 });
  await sa.shutdown();
});

/** Both paths: runSync on `echo`, offload on `echoSync`; the error (if any) or the value. */
async function both(args: unknown[]): Promise<{ sync: unknown; pool: unknown }> {
  let sync: unknown;
  try {
    sync = sa.runSync(url, "echo", args);
  } catch (err) {
    sync = err;
  }
  let pool: unknown;
  try {
    pool = await sa.offload(url, "echoSync", args);
  } catch (err) {
    pool = err;
  }
  return { sync, pool };
}

async function refused(args: unknown[]): Promise<{ path: string; message: string }> {
  const { sync, pool } = await both(args);
  for (const e of [sync, pool] as Err[]) {
    expect(e).toBeInstanceOf(TypeError);
    expect(e.code).toBe("SMARTASYNC_UNCLONEABLE");
  }
  const [s, p] = [sync, pool] as Err[];
  expect(p!.valuePath).toBe(s!.valuePath);
  expect(p!.message.replace("echoSync", "echo")).toBe(s!.message);
  return { path: s!.valuePath!, message: s!.message };
}

async function roundTrip<T>(value: T): Promise<[T, T]> {
  const { sync, pool } = await both([value]);
  if (sync instanceof Error) throw sync;
  if (pool instanceof Error) throw pool;
  return [(sync as T[])[0]!, (pool as T[])[0]!];
}

describe("the deep check refuses what would arrive changed, naming the path", () => {
  class Money {
    constructor(public cents: number) {}
  }
  class Registry extends Map<string, number> {}

  it("a getter, a symbol key, a hidden property", async () => {
    const getter = {
      opts: {
        cwd: "/",
        get home() {
          return "/root";
        },
      },
    };
    const r1 = await refused([1, getter]);
    expect(r1.path).toBe("args[1].opts.home");
    expect(r1.message).toBe(
      "smartasync: cannot send the arguments of echo to a worker: args[1].opts.home is a getter/setter: " +
        "the copy would hold only its current value (read it into a plain property first)",
    );
    const sym = await refused([{ list: [{ [Symbol("id")]: 1 }] }]);
    expect(sym.path).toBe("args[0].list[0]");
    expect(sym.message).toContain("has the symbol-keyed property [Symbol(id)], which the copy would drop");
    const hidden = Object.defineProperty({ a: 1 }, "secret", { value: 2, enumerable: false });
    expect((await refused([{ hidden }])).path).toBe("args[0].hidden.secret");
  });

  it("class instances and built-in subclasses, wherever they are (Map values, Set members, keys)", async () => {
    const r = await refused([{ prices: new Map([["a", { total: new Money(1) }]]) }]);
    expect(r.path).toBe('args[0].prices.get("a").total');
    expect(r.message).toContain(
      "is an instance of Money: the copy would be a plain object without Money's prototype",
    );
    expect((await refused([new Set([1, new Money(2)])])).path).toBe("args[0].<member #1>");
    expect((await refused([new Map([[new Money(3), 1]])])).path).toBe("args[0].<key #0>");
    const sub = await refused([{ reg: new Registry() }]);
    expect(sub.message).toContain(
      "args[0].reg is an instance of Registry (a subclass of Map): the copy would be a plain Map without Registry's methods",
    );
    expect((await refused([{ "odd key": [0, () => 1] }])).path).toBe('args[0]["odd key"][1]');
  });

  it("promises, weak collections, proxies, a used RegExp, a Date with its own property", async () => {
    expect((await refused([{ p: Promise.resolve(1) }])).message).toContain(
      "args[0].p is a promise: await it first",
    );
    expect((await refused([[new WeakMap()]])).message).toContain(
      "args[0][0] is a WeakMap, which cannot be copied",
    );
    expect((await refused([{ x: new Proxy({}, {}) }])).message).toContain("args[0].x is a Proxy");
    const re = /a/g;
    re.exec("aa");
    expect((await refused([re])).message).toContain("is a RegExp whose lastIndex is 1");
    const d = Object.assign(new Date(0), { tz: "UTC" });
    expect((await refused([d])).message).toContain(
      'is a Date with its own property "tz", which the copy would drop',
    );
  });

  it("a proxy in a result is located too (found when postMessage refuses it)", async () => {
    let e: Err | undefined;
    try {
      sa.runSync(url, "returnProxy", []);
    } catch (err) {
      e = err as Err;
    }
    expect(e!.code).toBe("SMARTASYNC_UNCLONEABLE");
    expect(e!.message).toBe(
      "smartasync: returnProxy returned a value that cannot be sent back from its worker: result.list[0] " +
        "is a Proxy, which cannot be copied to another thread (pass plain data)",
    );
    expect(sa.runSync(url, "add", [1, 1])).toBe(2);
  });

  it("an array's extra keys and holes are walked too", async () => {
    const arr: unknown[] = [1, 2, 3];
    delete arr[1]; // a hole
    (arr as unknown as Record<string, unknown>).meta = { f() {} };
    expect((await refused([arr])).path).toBe("args[0].meta.f");
  });

  it("a value nested beyond what can be copied is refused, not a crash", async () => {
    let node: Record<string, unknown> = {};
    const root = node;
    for (let i = 0; i < 50_000; i++) {
      node.next = {};
      node = node.next as Record<string, unknown>;
    }
    const r = await refused([root]);
    expect(r.message).toContain("is nested too deeply to be copied to another thread");
    expect(r.path).toMatch(/^args\[0\]\.next\.next.*…/);
  });
});

/** `[1, <hole>, 3]` */
function holey(): unknown[] {
  const a = [1, 2, 3];
  delete a[1];
  return a;
}

describe("the codec carries faithfully what the clone alone would change", () => {
  it("URL, Buffer and null-prototype objects arrive as what they were", async () => {
    const value = {
      cwd: new URL("file:///tmp/dir/"),
      buf: Buffer.from("héllo"),
      dict: Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 }),
      "@@smartasync": "a user key that looks like the codec's",
    };
    for (const got of await roundTrip(value)) {
      expect(got.cwd).toBeInstanceOf(URL);
      expect(got.cwd.href).toBe("file:///tmp/dir/");
      expect(Buffer.isBuffer(got.buf)).toBe(true);
      expect(got.buf.toString()).toBe("héllo");
      // Only its bytes cross, not the pool it was cut from (the security review's finding).
      expect(got.buf.buffer.byteLength).toBe(got.buf.length);
      expect(Object.getPrototypeOf(got.dict)).toBe(null);
      expect({ ...got.dict }).toEqual({ a: 1 });
      expect(got["@@smartasync"]).toBe(value["@@smartasync"]);
    }
  });

  it("cycles and shared references keep their shape (objects, arrays, Map keys, Set members)", async () => {
    const shared = { n: 1 };
    const root: Record<string, unknown> = { a: shared, b: shared, url: new URL("http://x/") };
    root.self = root;
    root.list = [root, new Map([[root, new Set([root, shared])]])];
    for (const got of await roundTrip(root)) {
      expect(got.self).toBe(got);
      expect(got.a).toBe(got.b);
      const [first, map] = got.list as [unknown, Map<unknown, Set<unknown>>];
      expect(first).toBe(got);
      const [key, set] = [...map][0]!;
      expect(key).toBe(got);
      expect([...set]).toEqual([got, got.a]);
      expect([...set][1]).toBe(got.a);
    }
  });

  it("errors anywhere keep class, name, code and cause (nested ones too)", async () => {
    const inner = Object.assign(new RangeError("inner"), { code: "E_IN" });
    const value = { errors: [new TypeError("outer", { cause: inner })] };
    for (const got of await roundTrip(value)) {
      const e = got.errors[0] as Err;
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe("outer");
      expect(e.cause).toBeInstanceOf(RangeError);
      expect((e.cause as Err).code).toBe("E_IN");
    }
  });

  it("frozen, sealed and non-extensible objects and arrays, and read-only properties, stay locked (issue 14)", async () => {
    const ro = { id: 1, name: "x" };
    Object.defineProperty(ro, "id", { writable: false });
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    Object.freeze(cyclic);
    const value = {
      frozen: Object.freeze({ a: 1, nested: { b: 2 } }),
      sealed: Object.seal({ s: 1 }),
      closed: Object.preventExtensions({ c: 1 }),
      list: Object.freeze([1, 2, 3]),
      ro,
      cyclic,
      bare: Object.freeze(Object.assign(Object.create(null) as object, { k: 1 })),
    };
    for (const got of await roundTrip(value)) {
      expect(Object.isFrozen(got.frozen)).toBe(true);
      expect(Object.isFrozen(got.frozen.nested)).toBe(false);
      expect(Object.isSealed(got.sealed) && !Object.isFrozen(got.sealed)).toBe(true);
      expect(Object.isExtensible(got.closed) || Object.isSealed(got.closed)).toBe(false);
      expect(Object.isFrozen(got.list) && Array.isArray(got.list)).toBe(true);
      expect(got.list).toEqual([1, 2, 3]);
      expect(Object.getOwnPropertyDescriptor(got.ro, "id")).toMatchObject({
        writable: false,
        configurable: true,
      });
      expect(Object.getOwnPropertyDescriptor(got.ro, "name")!.writable).toBe(true);
      expect(got.cyclic.self).toBe(got.cyclic);
      expect(Object.isFrozen(got.cyclic)).toBe(true);
      expect(Object.getPrototypeOf(got.bare)).toBe(null);
      expect(Object.isFrozen(got.bare)).toBe(true);
    }
  });

  it("a DOMException keeps its class, name and code; an error's non-enumerable properties stay hidden (issue 14)", async () => {
    const e = new Error("with hidden");
    Object.defineProperty(e, "secret", { value: 42, enumerable: false, writable: false, configurable: true });
    const value = { abort: new DOMException("stopped", "AbortError"), e };
    for (const got of await roundTrip(value)) {
      expect(got.abort).toBeInstanceOf(DOMException);
      expect(got.abort.name).toBe("AbortError");
      expect(got.abort.code).toBe(20);
      expect(got.abort.message).toBe("stopped");
      expect((got.e as Err).secret).toBe(42);
      expect(Object.getOwnPropertyDescriptor(got.e, "secret")).toMatchObject({
        enumerable: false,
        writable: false,
      });
    }
  });

  it("extra properties of an ArrayBuffer, DataView or URL and symbol keys of an error are refused (issue 14)", async () => {
    const ab = Object.assign(new ArrayBuffer(4), { tag: 1 });
    expect((await refused([ab])).message).toContain('is a ArrayBuffer with its own property "tag"');
    const dv = Object.assign(new DataView(new ArrayBuffer(2)), { tag: 1 });
    expect((await refused([{ dv }])).message).toContain(
      'args[0].dv is a DataView with its own property "tag"',
    );
    const u = Object.assign(new URL("https://example.com/"), { note: "x" });
    expect((await refused([u])).message).toContain('is a URL with its own property "note"');
    const err = Object.assign(new Error("e"), { [Symbol("k")]: 1 });
    expect((await refused([err])).message).toContain("has the symbol-keyed property [Symbol(k)]");
  });

  it("holes, extra array keys, -0, an own __proto__ key and shared typed-array buffers stay as they were", async () => {
    const m = "abc".match(/(?<x>b)/)!;
    const buf = new ArrayBuffer(8);
    const value = {
      m,
      holes: holey(),
      zero: -0,
      proto: JSON.parse('{"__proto__": {"x": 1}}') as object,
      views: [new Uint8Array(buf, 0, 4), new Uint8Array(buf, 4, 4)],
    };
    for (const got of await roundTrip(value)) {
      expect(got.m.index).toBe(1);
      expect(got.m.groups!.x).toBe("b");
      expect(Object.getPrototypeOf(got.m.groups)).toBe(null);
      expect(1 in got.holes).toBe(false);
      expect(Object.is(got.zero, -0)).toBe(true);
      expect(Object.hasOwn(got.proto, "__proto__")).toBe(true);
      expect(Object.getPrototypeOf(got.proto)).toBe(Object.prototype);
      expect(got.views[0]!.buffer).toBe(got.views[1]!.buffer);
    }
  });
});

describe("an error whose prototype is not its class's is refused with its path, both ways (attack30 F01)", () => {
  const MIXIN =
    "is an error whose prototype is not an error class's (an object put in by Object.setPrototypeOf or " +
    "Object.create): the copy would be a plain Error of the other thread without that prototype";
  const FOREIGN =
    "is an error from another realm (a vm context): the copy would be this realm's TypeError, so " +
    "`instanceof` would change";

  it("as an argument: a mixin prototype, another realm's error, a null prototype, Object.create(Error.prototype)", async () => {
    const mixed = Object.setPrototypeOf(new Error("m"), { hint: "retry later" });
    const m = await refused([1, { cause: mixed }]);
    expect(m.path).toBe("args[1].cause");
    expect(m.message).toContain(`args[1].cause ${MIXIN}`);
    const f = await refused([runInNewContext('new TypeError("from a vm context")')]);
    expect(f.path).toBe("args[0]");
    expect(f.message).toContain(`args[0] ${FOREIGN}`);
    // Named as an error with a null prototype, not by its hidden `stack` (args[0].stack).
    const n = await refused([[Object.setPrototypeOf(new Error("n"), null)]]);
    expect(n.path).toBe("args[0][0]");
    expect(n.message).toContain("args[0][0] is an error whose prototype is null");
    const o = await refused([Object.setPrototypeOf(new Error("o"), Object.prototype)]);
    expect(o.path).toBe("args[0]");
    expect(o.message).toContain("args[0] is an error whose prototype is Object.prototype");
    const c = await refused([Object.create(Error.prototype)]);
    expect(c.message).toContain(
      "args[0] is not an error but an object that inherits from Error.prototype (made by Object.create",
    );
  });

  it("as a result or a thrown value, in the worker", async () => {
    let e = {} as Err;
    try {
      sa.runSync(url, "returnOddError", ["mixin"]);
    } catch (err) {
      e = err as Err;
    }
    expect(e.code).toBe("SMARTASYNC_UNCLONEABLE");
    expect(e.valuePath).toBe("result.v");
    expect(e.message).toContain(`result.v ${MIXIN}`);
    const t = (await sa.offload(url, "throwOddErrorSync", ["foreign"]).catch((x: unknown) => x)) as Err;
    expect(t.code).toBe("SMARTASYNC_UNCLONEABLE");
    expect(t.valuePath).toBe("error");
    expect(t.message).toContain(`error ${FOREIGN}`);
    // Classes still cross as before: built-in, a registered or unregistered class, Node's own.
    expect(sa.runSync(url, "returnOddError", ["plain"])).toMatchObject({ v: expect.any(RangeError) });
  });

  it("Node's own errors still cross as their built-in class with their code", async () => {
    let range: unknown;
    try {
      Buffer.alloc(-1);
    } catch (err) {
      range = err;
    }
    for (const got of await roundTrip({ range, abort: AbortSignal.abort().reason })) {
      expect(got.range).toBeInstanceOf(RangeError);
      expect((got.range as Err).code).toBe("ERR_OUT_OF_RANGE");
      expect(got.abort).toBeInstanceOf(DOMException);
    }
  });
});

describe("Buffers and other views of one memory stay views of one memory (attack27 F01)", () => {
  it("a Buffer beside a DataView, a typed array or its ArrayBuffer is a view of the memory they send", async () => {
    const pooled = Buffer.from("hello");
    const ab = new ArrayBuffer(4);
    const value = {
      buf: pooled,
      view: new DataView(pooled.buffer, pooled.byteOffset, pooled.length),
      ab,
      part: Buffer.from(ab, 1, 2),
    };
    for (const got of await roundTrip(value)) {
      expect(got.buf.buffer).toBe(got.view.buffer);
      expect(got.buf.byteOffset).toBe(got.view.byteOffset);
      got.view.setUint8(0, 72);
      expect(got.buf.toString()).toBe("Hello");
      expect(got.part.buffer).toBe(got.ab);
      new Uint8Array(got.ab)[1] = 5;
      expect([got.part.byteOffset, got.part.length, got.part[0]]).toEqual([1, 2, 5]);
    }
  });

  it("Buffers over overlapping bytes share one copy of them; Buffers apart get their own bytes only", async () => {
    const b = Buffer.from("abcd");
    const x = Buffer.from("hi");
    const y = Buffer.from("yo");
    for (const got of await roundTrip({ b, s: b.subarray(1, 3), t: b.subarray(2), x, y })) {
      expect(Buffer.isBuffer(got.s)).toBe(true);
      expect(got.s.buffer).toBe(got.b.buffer);
      expect(got.t.buffer).toBe(got.b.buffer);
      // Only the span the Buffers cover crosses, not the 8 KiB pool they were cut from.
      expect(got.b.buffer.byteLength).toBe(4);
      expect([got.s.byteOffset - got.b.byteOffset, got.t.byteOffset - got.b.byteOffset]).toEqual([1, 2]);
      got.s[1] = 0x43;
      expect([got.b.toString(), got.t.toString()]).toEqual(["abCd", "Cd"]);
      expect([got.x.toString(), got.y.toString()]).toEqual(["hi", "yo"]);
      expect(got.x.buffer.byteLength).toBe(2);
    }
  });

  it("a Buffer over a SharedArrayBuffer stays shared memory", async () => {
    const shared = Buffer.from(new SharedArrayBuffer(3));
    for (const got of await roundTrip({ shared })) {
      expect(Buffer.isBuffer(got.shared)).toBe(true);
      got.shared[0] = 9;
      expect(shared[0]).toBe(9);
      shared[0] = 0;
    }
  });
});

describe("a non-enumerable array element is refused, not turned into a hole (attack27 F02)", () => {
  const hide = <T>(a: T[], i: number, value: T): T[] =>
    Object.defineProperty(a, i, { value, enumerable: false, writable: true, configurable: true });

  it("in a packed array, a nested one, a holey one and one with extra keys, on both paths", async () => {
    const holey: string[] = [];
    holey[3] = "d";
    const extra = Object.assign(["x", "y"], { note: "n" });
    expect((await refused([hide(["p", "q"], 0, "p")])).path).toBe("args[0][0]");
    expect((await refused([{ rows: [hide(["a", "b"], 1, "B")] }])).path).toBe("args[0].rows[0][1]");
    expect((await refused([hide(holey, 1, "b")])).path).toBe("args[0][1]");
    const { path, message } = await refused([hide(extra, 1, "Y")]);
    expect(path).toBe("args[0][1]");
    expect(message).toContain("is a non-enumerable array element, which the copy would turn into a hole");
  });

  it("a result with one is refused in the worker", () => {
    expect(() => sendValue(hide(["a", "b"], 0, "first"), "table", false)).toThrow(
      /table returned a value that cannot be sent back from its worker: result\[0\] is a non-enumerable array element/,
    );
  });

  it("frozen and sealed arrays (enumerable, read-only elements) still cross", async () => {
    for (const got of await roundTrip({ f: Object.freeze(["x", "y"]), s: Object.seal([1, 2]) })) {
      expect([...got.f, ...got.s]).toEqual(["x", "y", 1, 2]);
      expect(Object.isFrozen(got.f)).toBe(true);
    }
  });
});

describe("attack27 F06: an error whose class keeps state outside its own properties", () => {
  // Made from source text, as the program's module would declare them (no transform lowers them).
  const made = (body: string) =>
    new Function(`return class E extends Error { ${body} }`)() as new () => Error;
  const why = (body: string): string | undefined => {
    try {
      sendValue(new (made(body))(), "f", true);
      return undefined;
    } catch (err) {
      return (err as Err).message;
    }
  };

  it("a private field or method, or a lookup keyed by the instance, is refused with its name", () => {
    expect(why("#status = 1; get status() { return this.#status; }")).toContain(
      "f threw Error: , which cannot be sent back from its worker: error is an instance of E, which keeps state in the private member #status",
    );
    expect(why("#check() {} static is(e) { return #check in e; }")).toContain("private member #check");
    expect(why("get s() { return meta.get(this); }")).toContain(
      "keeps state in `meta`, keyed by the instance (`meta.get(this)`)",
    );
    expect(why("get s() { return _classPrivateFieldGet2(_s, this); }")).toContain(
      "compiled to `_classPrivateFieldGet2`",
    );
    // Hidden by a string, a regular expression or a comment before it, it is still found.
    expect(why(`static r = /'/; s = "'"; /* ' */ #a;`)).toContain("private member #a");
  });

  it("a # in a string, a template, a regular expression or a comment is not private state", () => {
    const body = `m = "#a" + \`#b\${"#c"}\`; r = /#d/; /* #e */ // #f
      x = 1 / 2 / 3; g() { return Reflect.get(this, "x") + super.toString(); }
      static #made = 0; static get #count() { return 1; } static next() { return ++E.#made + E.#count; }`;
    expect(why(body)).toBeUndefined();
  });
});

describe("attack18: what the codec kept or dropped unseen", () => {
  it("a non-enumerable extra key of an array is refused; a read-only one stays read-only (F1)", async () => {
    const hidden = [1, 2];
    Object.defineProperty(hidden, "total", { value: 3, enumerable: false });
    expect((await refused([{ list: hidden }])).message).toContain(
      "args[0].list.total is a non-enumerable property",
    );
    const ro = [1, 2];
    Object.defineProperty(ro, "total", { value: 3, enumerable: true, writable: false, configurable: true });
    for (const got of await roundTrip({ ro })) {
      expect((got.ro as unknown as { total: number }).total).toBe(3);
      expect(Object.getOwnPropertyDescriptor(got.ro, "total")).toMatchObject({
        writable: false,
        enumerable: true,
      });
    }
  });

  it("an error's assigned name, message and cause stay enumerable, in order; no own message appears (F2)", async () => {
    const e = new Error();
    e.name = "ValidationError";
    e.message = "not a number";
    const c = new Error("c");
    c.cause = "assigned";
    const n = new Error("n");
    (n as { message: unknown }).message = 42;
    for (const got of await roundTrip({ e, c, n, bare: new Error() })) {
      expect(JSON.stringify(got.e)).toBe('{"name":"ValidationError","message":"not a number"}');
      expect(Object.keys(got.c)).toEqual(["cause"]);
      expect(got.n.message).toBe(42);
      expect(Object.hasOwn(got.bare, "message")).toBe(false);
    }
  });

  it("an AggregateError's own keys come in the order this Node's constructor makes them (attack29, suspected)", async () => {
    // Node 20 and 22 alike: `stack, message, cause, errors` (message, then cause, then errors);
    // the copy had its `errors` before its `cause`. Compared with what the running Node makes,
    // not a written list, so a Node that orders them otherwise is followed too.
    const made = {
      all: new AggregateError([new Error("a"), "b"], "agg", { cause: 1 }),
      noMessage: new AggregateError([1], undefined, { cause: 2 }),
      noCause: new AggregateError([], "m"),
      bare: new AggregateError([]),
      causeUndefined: new AggregateError([3], "u", { cause: undefined }),
    };
    expect(Reflect.ownKeys(made.all)).toEqual(["stack", "message", "cause", "errors"]);
    for (const got of await roundTrip(made)) {
      for (const [k, e] of Object.entries(made)) {
        const g = got[k as keyof typeof made];
        expect(g, k).toBeInstanceOf(AggregateError);
        expect(Reflect.ownKeys(g), k).toEqual(Reflect.ownKeys(e));
        expect(g.errors, k).toEqual(e.errors);
        expect(g.cause, k).toEqual(e.cause);
      }
    }
    // Thrown in the worker, the same.
    const thrown = (await sa.offload(url, "failSync", ["aggregateCause"]).catch((x) => x)) as AggregateError;
    expect(Reflect.ownKeys(thrown)).toEqual(Reflect.ownKeys(new AggregateError([], "m", { cause: 0 })));
    expect(thrown.cause).toBe("why");
  });

  it("a frozen Map, Date or error and a non-extensible Set arrive locked; a deleted stack stays deleted (F15)", async () => {
    const gone = new Error("d");
    delete (gone as { stack?: string }).stack;
    const value = {
      map: Object.freeze(new Map([["a", 1]])),
      date: Object.freeze(new Date(0)),
      set: Object.preventExtensions(new Set([1])),
      err: Object.freeze(new Error("frozen")),
      gone,
    };
    for (const got of await roundTrip(value)) {
      expect(Object.isFrozen(got.map) && got.map.get("a") === 1).toBe(true);
      expect(Object.isFrozen(got.date) && got.date.getTime() === 0).toBe(true);
      expect(Object.isExtensible(got.set)).toBe(false);
      expect(Object.isFrozen(got.err) && got.err.message === "frozen").toBe(true);
      expect(Object.hasOwn(got.gone, "stack")).toBe(false);
    }
  });
});

describe("a locked error thrown across, and a fixed length (attack19 F6)", () => {
  it("a frozen or sealed error thrown in the worker reaches the caller as itself, not as a TypeError about its stack", async () => {
    for (const [kind, code, locked] of [
      ["frozen", "E_INPUT", Object.isFrozen],
      ["sealed", "E_SEALED", Object.isSealed],
    ] as const) {
      let sync: unknown;
      try {
        sa.runSync(url, "failSync", [kind]);
      } catch (e) {
        sync = e;
      }
      const pool = await sa.offload(url, "failSync", [kind]).then(
        () => undefined,
        (e: unknown) => e,
      );
      for (const e of [sync, pool] as Err[]) {
        expect(e).toBeInstanceOf(Error);
        expect(e.code, kind).toBe(code);
        expect(locked(e), kind).toBe(true);
        expect(typeof e.stack).toBe("string");
      }
      // A sealed one's stack stays writable: it still says where it crossed.
      if (kind === "sealed") expect((sync as Err).stack).toContain("failSync");
    }
  });

  it("an array whose length was made read-only keeps it read-only", async () => {
    const list = [1, 2];
    Object.defineProperty(list, "length", { writable: false });
    for (const got of await roundTrip({ list })) {
      expect(got.list).toEqual([1, 2]);
      expect(Object.getOwnPropertyDescriptor(got.list, "length")!.writable).toBe(false);
      expect(() => (got.list as number[]).push(3)).toThrow(TypeError);
    }
  });
});

describe("a call waiting for a free worker (attack18 F23)", () => {
  it("sends its arguments as they were at the call, and refuses then, not when a worker frees", async () => {
    const opts: { n: number; cb?: () => number } = { n: 0 };
    const calls: Promise<unknown>[] = [];
    // More calls than the pool has workers (2): most wait in the queue while the caller reuses
    // the object, as `opts.n = i; await f(opts)` in a loop of tasks does.
    for (let i = 0; i < 8; i++) {
      opts.n = i;
      calls.push(sa.offload(url, "echoSync", [opts]));
    }
    opts.cb = () => 1;
    const got = (await Promise.all(calls)) as [{ n: number }][];
    expect(got.map((r) => r[0].n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe("hostile errors (issue 17): linear, bounded, never a dead worker", () => {
  it("an error that refers to itself many times crosses at once, with its cycles", async () => {
    const e = sa.runSync(url, "returnHostile", ["self"]) as { err: Err };
    expect(e.err.cause).toBe(e.err);
    expect(e.err.a).toBe(e.err);
    expect((e.err.list as unknown[])[2]).toEqual({ e: e.err });
    let thrown: Err | undefined;
    try {
      sa.runSync(url, "throwHostile", ["self"]);
    } catch (err) {
      thrown = err as Err;
    }
    expect(thrown!.message).toBe("refers to itself");
    expect(thrown!.cause).toBe(thrown);
    const agg = (await sa.offload(url, "throwHostileSync", ["aggregate"]).catch((x) => x)) as AggregateError;
    expect(agg).toBeInstanceOf(AggregateError);
    expect(agg.errors).toEqual([agg, agg]);
    expect(agg.errors[0]).toBe(agg);
    // and as an argument, the other way
    const self = new Error("mine");
    Object.assign(self, { me: self, again: self, also: self, cause: self });
    for (const got of await roundTrip(self)) expect((got as Err).me).toBe(got);
  });

  it("the encoding of a self-referencing error grows linearly with its references (a few bytes each)", () => {
    const encodedSize = (refs: number) => {
      const e = new Error("me", { cause: null });
      e.cause = e;
      for (let i = 0; i < refs; i++) Object.assign(e, { [`r${i}`]: e });
      const out = sendValue(e, "f", true);
      expect(out.c).toBe(true);
      return serialize(out.v).length; // what postMessage carries
    };
    // Was exponential: three self-references froze the calling thread for over 40 s.
    const [a, b, c] = [encodedSize(100), encodedSize(200), encodedSize(300)];
    expect(Math.abs(c - b - (b - a))).toBeLessThan(16); // varints grow a byte now and then
    expect((b - a) / 100).toBeLessThan(10); // the key ("r123") and a back reference
  });

  it("a thrown error with a throwing getter fails the call at once, located; the worker lives on", async () => {
    sa.configure({ syncTimeoutMs: 30_000, offloadTimeoutMs: 30_000 });
    const kinds = [
      ["getter", "error.detail is a getter/setter", "TypeError: has a throwing getter"],
      [
        "message",
        "error.message threw when it was read (Error: no message for you)",
        "Error (its message cannot be read)",
      ],
    ] as const;
    for (const [kind, where, what] of kinds) {
      let sync: Err | undefined;
      try {
        sa.runSync(url, "throwHostile", [kind]);
      } catch (err) {
        sync = err as Err;
      }
      const pool = (await sa.offload(url, "throwHostileSync", [kind]).catch((x) => x)) as Err;
      for (const [e, fn] of [
        [sync, "throwHostile"],
        [pool, "throwHostileSync"],
      ] as const) {
        expect(e!.code).toBe("SMARTASYNC_UNCLONEABLE"); // not SMARTASYNC_TIMEOUT
        expect(e!.message).toMatch(
          new RegExp(
            `^smartasync: ${fn} threw ${esc(what)}, which cannot be sent back from its worker: ${esc(where)}`,
          ),
        );
      }
    }
    expect(sa.runSync(url, "add", [1, 2])).toBe(3);
    expect(await sa.offload(url, "cpu", [3])).toBeTypeOf("number");
  });
});

describe("what a blocked thread cannot give", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_, res) => res.end("served"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("runSync of a function that connects to this thread's own server fails fast with the way out", async () => {
    sa.configure({ syncTimeoutMs: 30_000 });
    let e: Err | undefined;
    try {
      sa.runSync(url, "fetchOwn", [port]);
    } catch (err) {
      e = err as Err;
    }
    expect(e!.code).toBe("SMARTASYNC_DEADLOCK");
    expect(e!.name).toBe("SmartAsyncDeadlockError");
    expect(e!.message).toBe(
      `smartasync: fetchOwn (${url}) connected to port ${port}, where a server of this very thread listens; ` +
        "this thread is blocked until fetchOwn settles, so that server cannot answer and the call could only " +
        "time out. Call it from async code with `await fetchOwn(...)`, so this thread stays free to serve. " +
        "Its worker was terminated.",
    );
    // The same function awaited from async code (the pool path) is served.
    expect(await sa.offload(url, "fetchOwn", [port])).toBe("served");
    expect(sa.runSync(url, "add", [2, 2])).toBe(4);
  });

  it("a loopback connection to someone else's server is not mistaken for one", () => {
    expect(sa.runSync(url, "fetchSelf", [])).toBe("self");
  });

  it("a message to the blocked parent fails the call at once", () => {
    let e: Err | undefined;
    try {
      sa.runSync(url, "askParent", []);
    } catch (err) {
      e = err as Err;
    }
    expect(e!.code).toBe("SMARTASYNC_DEADLOCK");
    expect(e!.message).toBe(
      "smartasync: askParent posted a message to its parent thread, which is blocked until askParent settles: " +
        "nothing there can receive it, so an answer would never come. Call it from async code with " +
        "`await askParent(...)`, or pass what it needs as an argument.",
    );
  });

  it("the timeout names the likely cause: something only the blocked thread can give", () => {
    sa.configure({ syncTimeoutMs: 300 });
    try {
      let e: Err | undefined;
      try {
        sa.runSync(url, "never", []);
      } catch (err) {
        e = err as Err;
      }
      expect(e!.code).toBe("SMARTASYNC_TIMEOUT");
      expect(e!.message).toContain(
        "The likely cause: never waits on something only this thread can give (a server or a timer of this " +
          "thread, a message to it), which cannot happen while this thread is blocked waiting for never; call " +
          "it from async code with `await never(...)` instead.",
      );
    } finally {
      sa.configure({ syncTimeoutMs: 30_000 });
    }
  });
});
