/**
 * Always valid: programs with annotations and calls in every context of DESIGN §3.2 (nested
 * functions, callbacks, classes, exports, TypeScript through preset-typescript) transform to
 * output that Babel's parser accepts — or fail with a located SAxxx error, never a crash — and
 * a second pass over the output changes nothing (idempotence).
 */
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { annotatedProgram } from "./gen.js";
import { type BabelVersion, fcParams, parses, ROOT, record, SEED, thrown, transform } from "./helpers.js";

const cases: { v: BabelVersion; ts: boolean; runs: number }[] = [
  { v: 8, ts: false, runs: 100 },
  { v: 8, ts: true, runs: 60 },
  { v: 7, ts: false, runs: 30 },
  { v: 7, ts: true, runs: 30 },
];

describe("always valid: annotated programs", () => {
  for (const { v, ts, runs } of cases) {
    it(`Babel ${v}, ${ts ? "TypeScript" : "JavaScript"}: output parses; errors are located SAxxx`, () => {
      const params = fcParams(`always-valid (Babel ${v}, ${ts ? "ts" : "js"})`, runs);
      const filename = join(ROOT, `.tmp/reliability/annotated.${ts ? "ts" : "mjs"}`);
      const outcome = { transformed: 0, saErrors: {} as Record<string, number>, calls: 0 };
      fc.assert(
        fc.property(annotatedProgram(ts), (src) => {
          try {
            transform(src, v, { filename, plugin: false });
          } catch {
            return; // not a program Babel accepts
          }
          let out: ReturnType<typeof transform> | undefined;
          const err = thrown(() => {
            out = transform(src, v, { filename });
          });
          if (err) {
            // A refusal must be one of ours, located, with a code frame; never SA901 or a bare crash.
            expect(err.code, err.message).toMatch(/^SA(1|2|3)\d\d$/);
            expect(err.message).toMatch(/annotated\.(ts|mjs):\d+:\d+/);
            expect(err.message).toMatch(/\n>? *\d+ \|/);
            outcome.saErrors[err.code!] = (outcome.saErrors[err.code!] ?? 0) + 1;
            return;
          }
          outcome.transformed++;
          outcome.calls += out!.report?.calls.length ?? 0;
          expect(() => parses(out!.code, v, false)).not.toThrow();
        }),
        params,
      );
      record(`alwaysValid.babel${v}.${ts ? "ts" : "js"}`, { seed: SEED, runs: params.numRuns, ...outcome });
      expect(outcome.transformed).toBeGreaterThan(params.numRuns / 2);
    });
  }

  // BUG (idempotence): a second pass over the plugin's output fails with SA103, because the
  // output still carries the `// @smartasync` comments and now also declares `fSync`/`gAsync`.
  // Minimal reproduction: "// @smartasync\nasync function f() { return 1 }" transformed, then
  // its output transformed again -> "SA103: `f` would gain the variant `fSync`, but that name is
  // already taken here". Flips to passing when the plugin recognises its own output.
  it("idempotence: transforming the output again changes nothing (Babel 8, JavaScript)", () => {
    const filename = join(ROOT, ".tmp/reliability/annotated.mjs");
    fc.assert(
      fc.property(annotatedProgram(false), (src) => {
        let once: string;
        try {
          once = transform(src, 8, { filename }).code;
        } catch {
          return;
        }
        expect(transform(once, 8, { filename }).code).toBe(once);
      }),
      fcParams("idempotence (Babel 8, js)", 30),
    );
  });
});
