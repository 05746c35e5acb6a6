import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "./harness.js";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

it("type tests of the typed form pass with the pinned TypeScript (wrong uses are rejected)", () => {
  const r = spawnSync(process.execPath, [tsc, "-p", join(ROOT, "test/types/tsconfig.json")], {
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(r.stdout + r.stderr).toBe("");
  expect(r.status).toBe(0);
});
