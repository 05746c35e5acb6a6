// `node examples/sync-cli/run.mjs`: builds the example with the smartasync plugin, then runs the
// built program with plain node. `build()` and `run()` are reused by `npm start`.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildExample } from "../build.mjs";

export const dir = dirname(fileURLToPath(import.meta.url));

export function build() {
  return buildExample(dir, ["cli.js"]);
}

/**
 * Runs build/cli.js in a child process with plain node; returns its exit status. With `log`,
 * its output is captured and passed to `log` line by line instead of inherited.
 */
export function run({ log = null, timeout = 30_000 } = {}) {
  const r = spawnSync(process.execPath, [join(dir, "build/cli.js")], {
    stdio: log ? "pipe" : "inherit",
    encoding: "utf8",
    timeout,
  });
  if (r.error) throw r.error;
  if (log) for (const line of `${r.stdout}${r.stderr}`.trimEnd().split("\n")) log(line);
  return r.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await build();
  process.exitCode = run();
}
