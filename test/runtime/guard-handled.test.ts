// Every guard of the runtime that refuses a promise (it throws rather than wait) marks that
// promise handled: its own error reports the call, and the promise's later rejection must not
// kill the process as an unhandled rejection past the caller's `catch` (attack29, suspected;
// fixture inline/guard-refused-promise-handled). A real child process: an unhandled rejection
// ends it with status 1 and a stack on stderr.
import { describe, expect, it } from "vitest";
import { runNode } from "./helpers.js";

const rejecting = "(async () => { await null; throw new Error('late'); })()";

const forms: Record<string, string> = {
  guard: `sa.guard(${rejecting}, "fSync", "a.js:1:1", "g()")`,
  started: `sa.started(${rejecting}, "fSync", "a.js:1:1", "g()")`,
  "allSync, every element": `sa.allSync([1, ${rejecting}, ${rejecting}], "fSync", "a.js:1:1", "xs.map(...)")`,
  "allDone, an element's error first": `sa.allDone([sa.failed(new Error("own")), ${rejecting}], "fSync", "a.js:1:1", "xs.map(...)")`,
  "callSyncOf, a method without a sync variant": `sa.callSyncOf({}, async function m() { await null; throw new Error("late"); }, "m", [], "a.js:1:1")`,
  "callVariant, an unmarked mock": `sa.callVariant(async () => { await null; throw new Error("late"); }, "sync", [], "a.js:1:1")`,
  "expectValue, older builds": `sa.expectValue(${rejecting}, "fSync")`,
  "the uncompiled typed form, its promise read as the value": `sa.smartasync(async () => { await null; throw new Error("late"); })().name`,
};

describe("a guard that refuses a promise marks it handled", () => {
  for (const [name, expr] of Object.entries(forms)) {
    it(name, () => {
      const code = [
        `import * as sa from "smartasync/runtime";`,
        `try { ${expr}; console.log("passed"); } catch (e) { console.log("refused"); }`,
        // The rejection comes a few turns of the event loop later: wait past it.
        `await new Promise((r) => setTimeout(r, 20));`,
        `console.log("still running");`,
      ].join("\n");
      const r = runNode(["--input-type=module", "-e", code]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("refused\nstill running\n");
      expect(r.status).toBe(0);
    });
  }

  it("a library's own thenable is not touched (its then is not called)", () => {
    const code = [
      `import * as sa from "smartasync/runtime";`,
      `let called = 0;`,
      `const t = { then() { called++; } };`,
      `try { sa.guard(t, "fSync", "a.js:1:1", "q()"); } catch (e) { console.log(e.code, called); }`,
    ].join("\n");
    const r = runNode(["--input-type=module", "-e", code]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("SMARTASYNC_GUARD 0\n");
  });
});
