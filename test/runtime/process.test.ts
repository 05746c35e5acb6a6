// Whole-process behaviour, checked on plain `node` subprocesses.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { WriteStream } from "node:tty";
import { describe, expect, it } from "vitest";
import { fixtures, runNode } from "./helpers.js";

describe("process lifetime", () => {
  // The Node modules the runtime loads when it is loaded (the worker entry is not), and how:
  // the ES module face imports, the CommonJS files require (how a module is loaded matters:
  // import() reads every export of node:util, require does not). Read from the build, so that a
  // new one joins the baseline by itself.
  const builtins = (): string[] => {
    const dir = join(import.meta.dirname, "../../dist/runtime");
    const files = readdirSync(dir).filter((f) => f.endsWith(".cjs") || f === "index.js");
    const found = files.flatMap((f) =>
      [...readFileSync(join(dir, f), "utf8").matchAll(/(require\(|from )"(node:[\w/]+)"/g)].map(
        (m) => `${m[1] === "from " ? "import" : "require"}:${m[2]}`,
      ),
    );
    return [...new Set(found)].sort();
  };

  for (const face of ["import", "require"]) {
    it(`${face === "import" ? "importing" : "requiring"} the runtime starts nothing and the process exits at once`, () => {
      const mods = builtins();
      expect(mods).toEqual(
        expect.arrayContaining(["require:node:worker_threads", "require:node:util", "import:node:module"]),
      );
      const base = runNode(["import-only.mjs", "baseline", ...mods]);
      expect(base.status, base.stderr).toBe(0);
      const r = runNode(["import-only.mjs", face]);
      expect(r.status, r.stderr).toBe(0);
      const { before, after, exports } = JSON.parse(r.stdout);
      const baseline = JSON.parse(base.stdout);
      // Nothing beyond what loading the same Node modules leaves: no worker, port, timer.
      expect(before).toEqual(baseline.before);
      expect(after).toEqual(baseline.after);
      for (const kind of ["Worker", "MessagePort", "Timeout", "Immediate"]) expect(after).not.toContain(kind);
      expect(exports).toBeGreaterThan(10);
    });
  }

  for (const mode of ["sync", "offload", "both"]) {
    it(`a script that used ${mode === "sync" ? "runSync" : mode === "offload" ? "offload" : "both"} exits by itself promptly`, () => {
      const r = runNode(["exits-after-run-sync.mjs", mode], { timeout: 20_000 });
      expect(r.signal).toBeNull(); // not killed by the timeout
      expect(r.status).toBe(0);
      if (mode !== "offload") expect(r.stdout).toContain("sum 5");
      if (mode !== "sync") expect(r.stdout).toContain("cpu number");
      // Idle workers are unref'd: the exit does not wait for idleTimeoutMs or syncTimeoutMs.
      expect(r.ms).toBeLessThan(10_000);
    });
  }

  for (const fn of ["never", "spin"]) {
    it(`a blocking call that never settles (${fn}) times out, the next call works, the process exits`, () => {
      const r = runNode(["timeout.mjs", fn], { timeout: 20_000 });
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      const [first, second] = r.stdout.trim().split("\n");
      const err = JSON.parse(first!);
      expect(err.name).toBe("SmartAsyncTimeoutError");
      expect(err.code).toBe("SMARTASYNC_TIMEOUT");
      expect(err.message).toMatch(
        new RegExp(`^smartasync: ${fn} \\(file:.*esm\\.mjs\\) did not settle within 400 ms`),
      );
      expect(err.message).toContain("configure({ syncTimeoutMs");
      expect(err.ms).toBeGreaterThanOrEqual(390);
      expect(second).toBe("next 42");
    });
  }

  it("output printed by the blocking worker appears in order, before the caller continues", () => {
    const r = runNode(["stdout-order.mjs"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("before\ninside the worker\nafter\n");
  });
});

describe("what a worker writes, and how it starts", () => {
  it("output of offloaded functions is never lost when the program ends right after its last calls", () => {
    // Was: the last lines dropped in 5 of 5 runs (the answer overtook the worker's output).
    for (let run = 0; run < 5; run++) {
      const r = runNode(["pool-output.mjs", "12"]);
      expect(r.status, r.stderr).toBe(0);
      const out = r.stdout.trim().split("\n");
      expect(out.slice(0, -1).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `line ${i}`).sort());
      expect(out.at(-1)).toBe("done");
      expect(r.stderr.trim().split("\n").sort()).toEqual(
        Array.from({ length: 12 }, (_, i) => `err line ${i}`).sort(),
      );
    }
  });

  it("an offloaded function's stdout and stderr keep the order it wrote them in, in one file (attack30 F08)", () => {
    const expected =
      "before\nstep 0\nstep 1\nstep 2\nwarning: done with 3 steps\nbytes\nafter 3\n" +
      "step 0\nstep 1\nwarning: done with 2 steps\nbytes\nagain 2\n";
    for (let run = 0; run < 3; run++) {
      // Both streams into one pipe, as `node main.mjs 2>&1` gives them.
      const r = spawnSync("sh", ["-c", `"${process.execPath}" pool-output-order.mjs 2>&1`], {
        cwd: fixtures,
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(r.status, r.stdout).toBe(0);
      expect(r.stdout).toBe(expected);
    }
    // A program that captures its process.stdout sees the worker's lines (the calling thread
    // writes them to its own stream objects).
    const c = runNode(["pool-output-order.mjs", "capture"]);
    expect(c.status, c.stderr).toBe(0);
    expect(c.stderr).toContain(`captured ${JSON.stringify(expected.replace(/warning: .*\n/g, ""))}`);
  });

  it("output of blocking calls is never lost when the program ends right after them", () => {
    for (let run = 0; run < 3; run++) {
      const r = runNode(["sync-output.mjs"]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(Array.from({ length: 5 }, (_, i) => `sync line ${i}\n`).join(""));
    }
  });

  it("a worker that cannot start (--input-type inherited from -e) fails both paths at once with Node's reason", () => {
    const code = [
      'import { configure, offload, runSync } from "smartasync/runtime";',
      'import "./esm.mjs";',
      "configure({ syncTimeoutMs: 25000 });",
      'const url = new URL("./esm.mjs", "file://" + process.cwd() + "/").href;',
      'try { runSync(url, "add", [1, 2]); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }',
      'try { await offload(url, "cpu", [1]); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }',
    ].join("\n");
    const r = runNode(["--input-type=module", "-e", code]);
    expect(r.status, r.stderr).toBe(0);
    const [sync, pool] = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { code: string; message: string });
    for (const [e, fn] of [
      [sync, "add"],
      [pool, "cpu"],
    ] as const) {
      expect(e!.code).toBe("SMARTASYNC_WORKER_START"); // not SMARTASYNC_TIMEOUT after 25 s
      expect(e!.message).toBe(
        `smartasync: cannot start a worker for ${fn}: Node refuses it: "--input-type can only be used with ` +
          'string input via --eval, --print, or STDIN" (ERR_INPUT_TYPE_NOT_ALLOWED), and worker threads inherit ' +
          "--input-type=module from this process. Run the program from a file (node main.mjs) instead of -e or standard input.",
      );
    }
  });
});

describe("a module that calls its own worker variant at its top level", () => {
  for (const via of ["sync", "offload"]) {
    it(`fails on the first attempt, saying why (${via === "sync" ? "runSync" : "offload"})`, () => {
      const r = runNode(["reentrant.mjs"], { env: { VIA: via } });
      expect(r.signal).toBeNull();
      expect(r.status, r.stderr).toBe(0);
      const fn = via === "sync" ? "answer" : "answerNow";
      const out = JSON.parse(r.stdout.trim()) as { code: string; message: string };
      expect(out.code).toBe("SMARTASYNC_REENTRANT");
      expect(out.message).toMatch(
        new RegExp(
          `^smartasync: ${fn} \\(file:.*reentrant\\.mjs\\) was called through a worker while this worker was still importing file:.*reentrant\\.mjs: the module's own top-level code calls ${fn}'s worker variant`,
        ),
      );
      expect(out.message).toContain("guard it with `if (!isWorker)`");
    });
  }
});

describe("environment", () => {
  it("where Atomics.wait is refused, runSync throws a clear error, or returns a promise if configured", () => {
    const r = runNode(["cannot-block.mjs"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("canBlock false");
    expect(lines[1]).toBe(
      "error smartasync: cannot call add synchronously here: this thread may not block (Atomics.wait is not " +
        "allowed, as on a browser's main thread). Await add(...) instead, or call " +
        'configure({ onCannotBlock: "promise" }) to get a promise from such calls.',
    );
    expect(lines[2]).toBe("promise true 3");
  });

  it("a guarded entry (if (!isWorker) main()) runs once even though a worker imports the module", () => {
    const r = runNode(["guarded.mjs"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('main ran\nresult {"x":42,"isWorker":true}\n');
  });

  it("nesting works from a subprocess too, and the bound is enforced", () => {
    const r = runNode(["nesting.mjs"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^nested \{"sum":5,"isWorker":true,"threadId":\d+\}\ndeep number\nbound smartasync: cannot start a worker for deep: it would be nested 3 deep, beyond maxNesting \(2\)/,
    );
  });
});

describe("work a function leaves running in its worker (attack 14, #16, #17)", () => {
  for (const where of ["sync", "pool"]) {
    for (const how of ["reject", "throw"]) {
      it(`${where === "sync" ? "runSync" : "offload"}: ${how === "reject" ? "an unhandled rejection" : "an uncaught exception"} after the answer fails the process`, () => {
        const r = runNode(["background-error.mjs", where, how], { timeout: 20_000 });
        expect(r.signal).toBeNull();
        const ev = where === "sync" ? "e1" : "e2";
        // The caller ran on, then the process failed with the worker's error as its own.
        expect(r.stdout).toBe(`recorded ${ev}\ncaller finished\n`);
        expect(r.status).toBe(1);
        const line = how === "reject" ? `Error: upload of ${ev} failed` : `TypeError: timer of ${ev} threw`;
        expect(r.stderr).toContain(line);
        // Where it crossed: the function that left the work running.
        const fn = where === "sync" ? "record" : "recordNow";
        expect(r.stderr).toMatch(
          new RegExp(`at <smartasync worker> ${fn} \\(file:///.*background-error\\.mjs\\)`),
        );
      });
    }
  }
});

describe("an error no code of the worker caught is the calling process's own, never a call's (attack30 F09, F10)", () => {
  const run = (...args: string[]) => runNode(["late-error.mjs", ...args], { timeout: 20_000 });

  it("offload: a late error reaches the handler; the next call runs on a worker that goes on (F09)", () => {
    const r = run("pool", "handled");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("schedule 6\nuncaught handler: late failure of schedule\ndouble 42\nend\n");
  });

  it("runSync: one call's late error does not take another call's work with it (F10)", () => {
    const r = run("lost", "handled");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // The second call's timer still fires: its worker did not die of the first call's error.
    expect(r.stdout).toContain("late log of abcdef\n");
    expect(r.stdout).toContain("uncaught handler: late failure of abc\n");
    expect(r.stdout).toMatch(/^first 3\n/);
    expect(r.stdout).toContain("second 6\n");
    expect(r.stdout).toMatch(/end\n$/);
  });

  it("runSync: an error that comes while another call is in flight goes to the handler at once, not into that call (F10)", () => {
    const thrown = run("throw", "handled");
    expect(thrown.stderr).toBe("");
    expect(thrown.status).toBe(0);
    expect(thrown.stdout).toBe("first 3\nuncaught handler: late failure of abc\nsecond 6\nend\n");
    const rejected = run("reject", "handled");
    expect(rejected.stderr).toBe("");
    expect(rejected.status).toBe(0);
    expect(rejected.stdout).toBe("first 3\nrejection handler: late rejection of abc\nsecond 6\nend\n");
  });

  it("runSync: without a handler, such an error ends the process then, with code 1, as on one thread", () => {
    for (const [how, line] of [
      ["throw", "Error: late failure of abc"],
      ["reject", "Error: late rejection of abc"],
    ] as const) {
      const r = run(how);
      expect(r.signal).toBeNull();
      expect(r.status).toBe(1);
      // Nothing after the error ran: the call in flight never returned into its caller's catch.
      expect(r.stdout).toBe("first 3\n");
      expect(r.stderr).toContain(line);
      expect(r.stderr).toMatch(/at <smartasync worker> get \(file:\/\/\/.*late-error\.mjs\)/);
    }
  });
});

describe("a terminal (attack 14, #19)", () => {
  // `script` gives the program a pseudo-terminal (util-linux). Skipped, and said to be, where it
  // is missing on a developer's machine; in CI (`CI` set) a missing `script` fails the test, so
  // the real terminal is never left untested there. The test after it checks the forwarding
  // without a pseudo-terminal, everywhere.
  const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
  const ci = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";
  it.skipIf(!hasScript && !ci)(
    `a worker function sees stdout as the terminal it is: isTTY, columns, colour depth${hasScript ? "" : " (skipped: util-linux `script` is missing)"}`,
    () => {
      if (!hasScript) throw new Error("CI must have util-linux `script` to give this test a terminal");
      // CI machines set colour switches of their own (the run on record had depth 1: one of
      // NO_COLOR / NODE_DISABLE_COLORS / FORCE_COLOR / TERM): the child gets a known terminal,
      // and the expected depth is Node's own answer for that environment.
      const env: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm-256color" };
      for (const k of ["NO_COLOR", "NODE_DISABLE_COLORS", "FORCE_COLOR", "COLORTERM"]) delete env[k];
      const depth = WriteStream.prototype.getColorDepth.call(undefined, env);
      const r = spawnSync(
        "script",
        ["-qec", `stty cols 93 rows 31; "${process.execPath}" terminal.mjs`, "/dev/null"],
        { cwd: fixtures, encoding: "utf8", timeout: 30_000, env },
      );
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stdout.replace(/\r/g, "").trim().split("\n");
      const [here, sync, pool] = lines.map((l) => l.slice(5));
      expect(lines.map((l) => l.slice(0, 5))).toEqual(["here ", "sync ", "pool "]);
      expect(JSON.parse(here!)).toEqual({ isTTY: true, columns: 93, depth, colors: depth > 1 });
      expect(sync).toBe(here);
      expect(pool).toBe(here);
    },
  );

  it("the calling thread's terminal facts reach both kinds of worker (no pseudo-terminal needed)", () => {
    // fake-terminal.mjs makes only the main thread's stdout claim a 93-column terminal; each
    // worker's stdout is a pipe, so what it reports of a terminal is what the runtime forwarded.
    const env = { TERM: "xterm-256color" };
    const r = runNode(["--import", "./fake-terminal.mjs", "terminal.mjs"], { env, timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    const depth = WriteStream.prototype.getColorDepth.call(undefined, { ...process.env, ...env });
    const forwarded = JSON.stringify({ isTTY: true, columns: 93, depth, colors: depth > 1 });
    // The main thread's stdout is still a pipe underneath: it has no getColorDepth of its own.
    const here = JSON.stringify({ isTTY: true, columns: 93, depth: null, colors: null });
    expect(r.stdout).toBe(`here ${here}\nsync ${forwarded}\npool ${forwarded}\n`);
  });

  it("where stdout is not a terminal, a worker function sees none either", () => {
    const r = runNode(["terminal.mjs"], { timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    const none = JSON.stringify({ isTTY: false, depth: null, colors: null });
    expect(r.stdout).toBe(`here ${none}\nsync ${none}\npool ${none}\n`);
  });
});

describe("the time zone while process.env is replaced", () => {
  it("each worker's Date and Intl use the calling thread's zone at every step (issue 14)", () => {
    const r = runNode(["zone-replaced-env.mjs"], { env: { TZ: "UTC" } });
    expect(r.status, r.stderr).toBe(0);
    const steps = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { step: string; here: string; sync: string; pool: string });
    // What the calling thread sees is Node's own behaviour; the workers must see the same.
    expect(steps.map((s) => [s.step, s.here])).toEqual([
      ["original, UTC", "0h UTC TZ=UTC"],
      // A TZ set on the program's own object is a property like any other: no zone changes.
      ["replaced, TZ set on the replacement", "0h UTC TZ=Asia/Tokyo"],
      // Set on the original environment, it changes the process's zone (the worker's
      // process.env is then a copy of the replacement, and was left on the old zone).
      ["replaced, TZ set on the original", "19h America/New_York TZ=Asia/Tokyo"],
      ["original back", "19h America/New_York TZ=America/New_York"],
      ["original, Tokyo", "9h Asia/Tokyo TZ=Asia/Tokyo"],
    ]);
    for (const s of steps) {
      expect(s.sync, `${s.step}: runSync`).toBe(s.here);
      expect(s.pool, `${s.step}: offload`).toBe(s.here);
    }
  });
});
