/**
 * Runtime stress and faults with real workers. Every case runs in a child `node` process (the
 * runtime imported from dist/ through the package's self-reference), so a fault cannot take
 * vitest down, and each child must exit by itself within a bound.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHILD, LONG, ROOT, record, runNode } from "./helpers.js";

/** The last JSON line a child printed. */
function lastJson<T = Record<string, unknown>>(stdout: string): T {
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as T;
}

function exitsCleanly(run: ReturnType<typeof runNode>, boundMs: number): void {
  expect(run.timedOut, run.stderr).toBe(false);
  expect(run.status, run.stderr).toBe(0);
  expect(run.ms).toBeLessThan(boundMs);
}

interface Mem {
  heapUsed: number;
  rss: number;
}
interface Stress {
  mode: string;
  calls: number;
  wrong: number;
  ms: number;
  before: Mem;
  after: Mem;
}

const MB = 1024 * 1024;

describe("stress", () => {
  for (const mode of ["runSync", "offload"]) {
    it(`10,000 consecutive ${mode} calls: correct results, flat memory (child with --expose-gc)`, () => {
      const calls = LONG ? 100_000 : 10_000;
      const run = runNode(["--expose-gc", join(CHILD, "stress.mjs"), mode, String(calls)], {
        timeout: 120_000,
      });
      exitsCleanly(run, 120_000);
      const s = lastJson<Stress>(run.stdout);
      expect(s.wrong).toBe(0);
      const heapGrowth = s.after.heapUsed - s.before.heapUsed;
      const rssGrowth = s.after.rss - s.before.rss;
      record(`runtime.stress.${mode}`, {
        calls: s.calls,
        ms: s.ms,
        heapBeforeMB: +(s.before.heapUsed / MB).toFixed(2),
        heapAfterMB: +(s.after.heapUsed / MB).toFixed(2),
        rssBeforeMB: +(s.before.rss / MB).toFixed(1),
        rssAfterMB: +(s.after.rss / MB).toFixed(1),
      });
      // Generous bounds: a leak of a closure or a message per call would be far above them.
      expect(heapGrowth).toBeLessThan(8 * MB);
      expect(rssGrowth).toBeLessThan(64 * MB);
    });
  }

  it("200 concurrent offload calls with a pool of 2: each resolves to its own input's result", () => {
    const n = LONG ? 2000 : 200;
    const run = runNode([join(CHILD, "concurrent.mjs"), String(n)]);
    exitsCleanly(run, 60_000);
    const r = lastJson<{ calls: number; wrong: number; threads: number }>(run.stdout);
    expect(r).toMatchObject({ calls: n, wrong: 0 });
    expect(r.threads).toBeLessThanOrEqual(2); // the queue is an unbounded FIFO in front of 2 workers
    record("runtime.concurrent", { ...r, poolSize: 2, ms: Math.round(run.ms) });
  });
});

interface Fault {
  fault: string;
  ctor?: string;
  name?: string;
  code?: string;
  message?: string;
  ms?: number;
}

describe("faults: the caller gets an error, the next call works, the process exits by itself", () => {
  const cases: { via: "sync" | "pool"; fn: string; arg?: string; expect: Partial<Fault>; msg: RegExp }[] = [
    { via: "sync", fn: "throws", arg: '"boom"', expect: { ctor: "RangeError" }, msg: /^boom$/ },
    { via: "pool", fn: "throwsSync", arg: '"boom"', expect: { ctor: "RangeError" }, msg: /^boom$/ },
    { via: "sync", fn: "rejects", arg: '"nope"', expect: { ctor: "TypeError" }, msg: /^nope$/ },
    { via: "pool", fn: "rejects", arg: '"nope"', expect: { ctor: "TypeError" }, msg: /^nope$/ },
    {
      via: "sync",
      fn: "never",
      expect: { code: "SMARTASYNC_TIMEOUT" },
      msg: /never .* did not settle within 1500 ms.*syncTimeoutMs/,
    },
    {
      via: "pool",
      fn: "never",
      expect: { code: "SMARTASYNC_TIMEOUT" },
      msg: /never .* did not settle within 1500 ms.*offloadTimeoutMs/,
    },
    {
      via: "sync",
      fn: "spin",
      expect: { code: "SMARTASYNC_TIMEOUT" },
      msg: /spin .* did not settle within 1500 ms/,
    },
    {
      via: "pool",
      fn: "spin",
      expect: { code: "SMARTASYNC_TIMEOUT" },
      msg: /spin .* did not settle within 1500 ms/,
    },
  ];
  for (const c of cases) {
    it(`${c.via === "sync" ? "runSync" : "offload"}: ${c.fn}`, () => {
      const run = runNode([join(CHILD, "fault.mjs"), c.via, c.fn, ...(c.arg ? [c.arg] : [])]);
      exitsCleanly(run, 20_000);
      const lines = run.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Fault & { next?: number });
      expect(lines[0]).toMatchObject({ fault: "error", ...c.expect });
      expect(lines[0]!.message).toMatch(c.msg);
      expect(lines[1]!.next).toBe(c.via === "sync" ? 42 : 440);
      record(`runtime.fault.${c.via}.${c.fn}`, {
        code: lines[0]!.code ?? lines[0]!.ctor,
        ms: lines[0]!.ms,
        exitMs: Math.round(run.ms),
      });
    });
  }

  // In the plain program `process.exit(3)` ends the process there with 3: the calling thread
  // exits with the worker's code, nothing after the call runs (attack 16, F23).
  for (const [via, fn] of [
    ["sync", "exits"],
    ["pool", "exitsSync"],
  ] as const) {
    it(`${via === "sync" ? "runSync" : "offload"}: process.exit in the function ends the process with its code`, () => {
      const run = runNode([join(CHILD, "fault.mjs"), via, fn, "3"]);
      expect(run.status, run.stderr).toBe(3);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe("");
    });
  }

  // The runtime has no resourceLimits option (configure() knows syncTimeoutMs, offloadTimeoutMs,
  // poolSize, idleTimeoutMs, onCannotBlock, maxNesting), so the heap limit here comes from the
  // child's --max-old-space-size, which worker isolates inherit.
  it("runSync: a worker that runs out of memory ends as the sync timeout error (documented)", () => {
    const run = runNode(["--max-old-space-size=64", join(CHILD, "fault.mjs"), "sync", "oom"], {
      env: { SYNC_MS: "3000" },
    });
    exitsCleanly(run, 30_000);
    const [first, second] = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Fault & { next?: number });
    expect(first).toMatchObject({ fault: "error", code: "SMARTASYNC_TIMEOUT" });
    expect(second!.next).toBe(42);
    record("runtime.fault.sync.oom", { code: first!.code, ms: first!.ms, exitMs: Math.round(run.ms) });
  });

  it("offload: a worker that runs out of memory rejects its task with ERR_WORKER_OUT_OF_MEMORY at once", () => {
    const run = runNode(["--max-old-space-size=64", join(CHILD, "fault.mjs"), "pool", "oomSync"], {
      env: { OFFLOAD_MS: "20000" },
    });
    exitsCleanly(run, 30_000);
    const [first, second] = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Fault & { next?: number });
    expect(first).toMatchObject({ fault: "error", code: "ERR_WORKER_OUT_OF_MEMORY" });
    expect(first!.ms).toBeLessThan(15_000);
    expect(second!.next).toBe(440);
    record("runtime.fault.pool.oom", { code: first!.code, ms: first!.ms, exitMs: Math.round(run.ms) });
  });
});

describe("what crosses threads", () => {
  it("un-cloneable arguments and results get the documented error naming function and position", () => {
    const run = runNode([join(CHILD, "clone.mjs")]);
    exitsCleanly(run, 30_000);
    const r = lastJson<Record<string, { code?: string; message?: string; value?: unknown }>>(run.stdout);
    for (const via of ["runSync", "offload"]) {
      const fn = via === "runSync" ? "echo" : "echoSync";
      const args = `smartasync: cannot send the arguments of ${fn} to a worker: `;
      expect(r[`${via}.arg.function`]).toMatchObject({
        code: "SMARTASYNC_UNCLONEABLE",
        message: `${args}args[1] is a function: functions cannot be copied to another thread (pass the data it needs, or call it first)`,
      });
      expect(r[`${via}.arg.instance`]!.message).toBe(
        `${args}args[0] is an instance of Money: the copy would be a plain object without Money's prototype and methods (pass plain data, e.g. its fields, and rebuild it inside)`,
      );
      expect(r[`${via}.arg.symbol`]!.message).toBe(
        `${args}args[2] is a symbol: symbols cannot be copied to another thread (pass a string)`,
      );
      expect(r[`${via}.arg.promise`]!.message).toBe(
        `${args}args[0] is a promise: await it first and pass its value`,
      );
      expect(r[`${via}.arg.nestedFunction`]!.message).toMatch(
        new RegExp(`^${args.replace(/[()]/g, "\\$&")}args\\[0\\]\\.f is a function`),
      );
      const back = "returned a value that cannot be sent back from its worker: result";
      expect(r[`${via}.result.returnFunction`]!.message).toBe(
        `smartasync: returnFunction ${back} is a function: functions cannot be copied to another thread (pass the data it needs, or call it first)`,
      );
      expect(r[`${via}.result.returnInstance`]!.message).toMatch(
        /returnInstance returned .* is an instance of Point/,
      );
      expect(r[`${via}.result.returnSymbol`]!.message).toMatch(/returnSymbol returned .* is a symbol/);
    }
    expect(r["runSync.plain"]!.value).toEqual([
      "[object BigInt]",
      "[object Date]",
      "[object RegExp]",
      "[object Map]",
      "[object Set]",
      "[object Object]",
      "[object Null]",
      "[object Undefined]",
    ]);
    expect(r.after!.value).toBe(2);
  });

  it("SharedArrayBuffer is shared (the worker's write is seen); an ArrayBuffer is copied, not transferred", () => {
    // docs/runtime.md lists ArrayBuffer and typed arrays as passing; it does not mention
    // SharedArrayBuffer or transfer lists. Observed: a SharedArrayBuffer passes and is shared
    // memory; an ArrayBuffer is cloned (the caller's copy keeps its length and contents).
    const run = runNode([join(CHILD, "clone.mjs")]);
    exitsCleanly(run, 30_000);
    const r = lastJson<Record<string, { value?: unknown }>>(run.stdout);
    expect(r["offload.sab"]!.value).toEqual([7, 7]);
    expect(r["runSync.sab"]!.value).toEqual([9, 9]);
    expect(r["offload.arrayBuffer"]!.value).toEqual([8, 8, 0]);
  });
});

describe("security", () => {
  it("a runSync/offload naming another module URL or an unregistered function is refused; nothing else is imported", () => {
    const run = runNode([join(CHILD, "security.mjs")]);
    exitsCleanly(run, 30_000);
    const lines = run.stdout.trim().split("\n");
    const r = JSON.parse(lines[0]!) as Record<string, { message?: string; value?: unknown }>;
    const refused =
      /^smartasync: \S+ is not registered by .+; a worker only runs functions that their module registered with register\(\)$/;
    for (const k of [
      "runSync.otherUrl",
      "offload.otherUrl",
      "runSync.dataUrl",
      "runSync.httpUrl",
      "runSync.unregisteredName",
      "offload.unregisteredName",
      "runSync.protoName",
      "runSync.constructorName",
    ])
      expect(r[k]!.message, k).toMatch(refused);
    // Registered by the caller but not by the module itself: the worker refuses it.
    expect(r["runSync.registeredOnlyByCaller"]!.message).toMatch(
      /^smartasync: sneaky is not registered by file:/,
    );
    expect(r["offload.registeredOnlyByCaller"]!.message).toMatch(
      /^smartasync: sneaky is not registered by file:/,
    );
    expect(r["runSync.relativePath"]!.message).toBeDefined(); // refused (see the test below for its text)
    expect(r.ok!.value).toBe(5);
    expect(JSON.parse(lines[1]!)).toEqual({ evilRan: false });
  });

  // Was a bare `TypeError: Invalid URL`; now refused with a message that says what to pass.
  it("a relative moduleUrl is refused with a smartasync message", () => {
    const run = runNode([join(CHILD, "security.mjs")]);
    const r = JSON.parse(run.stdout.trim().split("\n")[0]!) as Record<string, { message?: string }>;
    expect(r["runSync.relativePath"]!.message).toMatch(/^smartasync: .*import\.meta\.url or __filename/);
  });

  it("the runtime evaluates no code strings: no eval, new Function, or eval: true workers", () => {
    const dir = join(ROOT, "src/runtime");
    const files = readdirSync(dir).filter((f) => /\.c?ts$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(join(dir, f), "utf8");
      expect(text, f).not.toMatch(/\beval\s*\(/);
      expect(text, f).not.toMatch(/new\s+Function\b/);
      expect(text, f).not.toMatch(/eval\s*:\s*true/);
      expect(text, f).not.toMatch(/\bvm\.|node:vm|from "vm"/);
    }
    for (const f of readdirSync(join(ROOT, "dist/runtime")).filter((x) => /\.c?js$/.test(x))) {
      const text = readFileSync(join(ROOT, "dist/runtime", f), "utf8");
      expect(text, f).not.toMatch(/\beval\s*\(|new\s+Function\b|eval\s*:\s*true/);
    }
  });
});
