// A synchronous command-line program that uses async libraries. Every function below marked
// `// @smartasync` is written the async way; the plugin gives each a sync variant (`fSync`)
// and rewrites the calls in main(), a plain sync function, to those variants:
// - readConfig / readText await `fs/promises` functions, which have sync twins (fs.*Sync):
//   their sync variants are the same bodies with the colour removed ("inline": no thread);
// - loadInputs awaits those two: inline too;
// - formatSnippet awaits prettier's `format`, which has no sync API: its sync variant runs the
//   async function in a worker thread while main() blocks ("worker").
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "prettier";
import { isWorker } from "smartasync/runtime";

// The built program lives in build/; the files it reads are shipped next to the source.
const here = join(dirname(fileURLToPath(import.meta.url)), "..");

// @smartasync
export async function readConfig(path) {
  const text = await readFile(path, "utf8");
  return JSON.parse(text);
}

// @smartasync
export async function readText(path) {
  return await readFile(path, "utf8");
}

// @smartasync
export async function loadInputs(dir) {
  const config = await readConfig(join(dir, "config.json"));
  const notes = await readText(join(dir, config.notes));
  return { config, notes };
}

// @smartasync
export async function formatSnippet(code, options) {
  return await format(code, options);
}

function main() {
  // Plain sync code: each call gives the value (no await, no .then).
  let t0 = performance.now();
  const { config, notes } = loadInputs(here);
  const tLoad = performance.now() - t0;
  t0 = performance.now();
  const pretty = formatSnippet(config.snippet, config.prettier);
  const tFirst = performance.now() - t0;
  t0 = performance.now();
  formatSnippet(config.snippet, config.prettier);
  const tAgain = performance.now() - t0;
  const words = notes.split(/\s+/).filter(Boolean).length;
  const lines = notes.split("\n").filter(Boolean).length;

  console.log(config.title);
  console.log(`notes: ${lines} lines, ${words} words (loadInputs: ${tLoad.toFixed(2)} ms)`);
  console.log(
    `formatSnippet: first call ${tFirst.toFixed(1)} ms (starts the worker, loads prettier), again ${tAgain.toFixed(1)} ms`,
  );
  console.log("formatted snippet:");
  for (const line of pretty.trimEnd().split("\n")) console.log(`  | ${line}`);

  // What the plugin decided, from the report the build wrote next to this program.
  const [report] = JSON.parse(readFileSync(join(here, "build/smartasync-report.json"), "utf8"));
  console.log("strategies (from build/smartasync-report.json):");
  const table = (rows) => {
    const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) console.log(`  ${r.map((cell, i) => cell.padEnd(w[i])).join("  ")}`.trimEnd());
  };
  table([
    ["function", "kind", "sync variant", "strategy"],
    ...report.functions.map((f) => [f.name, f.kind, f.variants.sync, f.syncStrategy]),
  ]);
  console.log("");
  table([
    ["call", "at", "context", "in", "strategy", "calls"],
    ...report.calls.map((c) => [c.callee, c.loc, c.context, c.in, c.strategy, c.target]),
  ]);
}

// A worker reaches formatSnippet by importing this module again: do not run main() there.
if (!isWorker) main();
