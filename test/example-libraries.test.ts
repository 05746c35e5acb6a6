// The two library examples (issue 15's proof): each is written once as async + `@smartasync`, and
// its own node:test suite runs on BOTH APIs of its Babel build and of its SWC build, after
// `smartasync check src --deny sync-worker` (the sync API stays inline). Run as a user would:
// `node examples/<name>/run.mjs` in a child process, with a finite timeout.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

function run(example: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(root, "examples", example, "run.mjs")], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The `node --test` output of one compiler's build. */
function section(out: string, compiler: string): string {
  const start = out.indexOf(`--- node --test on the ${compiler} build`);
  expect(start, out).toBeGreaterThanOrEqual(0);
  const next = out.indexOf("--- node --test on the", start + 1);
  return out.slice(start, next === -1 ? undefined : next);
}

describe.each([
  {
    example: "find-up",
    tests: 23,
    mustPass: [
      "sync API",
      "a matcher decides per directory, may stop the walk, may use pathExists",
      "searches several names at once",
      "the sync API refuses an async matcher, located, instead of taking a promise for an answer",
    ],
  },
  {
    example: "config-loader",
    tests: 25,
    mustPass: [
      "sync loader",
      "a custom loader per extension, with its search place",
      "results are cached until clearCaches()",
      "the sync loader refuses an async loader, located, instead of returning a promise as the config",
      "the sync loader is a plain object of sync methods, under the async loader's names",
    ],
  },
])("examples/$example", ({ example, tests, mustPass }) => {
  it("passes check --deny sync-worker, and its suite passes on both APIs under Babel and SWC", () => {
    const { status, out } = run(example);
    expect(status, out).toBe(0);
    expect(out).toMatch(/smartasync check: ok \(1 file, \d+ functions/);
    for (const compiler of ["babel", "swc"]) {
      const s = section(out, compiler);
      expect(s).toContain(`ℹ tests ${tests}\n`);
      expect(s).toContain(`ℹ pass ${tests}\n`);
      expect(s).toContain("ℹ fail 0\n");
      for (const name of mustPass) expect(s).toContain(`✔ ${name} (`);
    }
  });
});
