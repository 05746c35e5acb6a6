#!/usr/bin/env node
// `npm run test:long`: the reliability suite with raised budgets (SMARTASYNC_LONG=1): property
// runs multiplied (SMARTASYNC_LONG_FACTOR, default 10), the whole node_modules corpus, 100,000
// runtime calls, and the nesting-depth bisection. Extra arguments go to vitest; set
// SMARTASYNC_SEED to explore another seed. Figures land in .tmp/reliability/figures.long.json.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
const r = spawnSync(
  process.execPath,
  [vitest, "run", "test/reliability", "--testTimeout=1800000", ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, SMARTASYNC_LONG: "1" },
  },
);
process.exit(r.status ?? 1);
