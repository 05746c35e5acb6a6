// `npm start`: the first thing a newcomer sees. Builds the two examples with the smartasync
// Babel plugin, shows what the plugin decided (the report, as tables), checks that
// smartasync/swc decides the same on the same sources, runs the sync CLI
// example, then the SQLite example's admin CLI and a few requests against its server
// (127.0.0.1, ephemeral port, started and stopped here). The steps are the examples' own
// (examples/*/run.mjs), not a copy.

import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { ensureDist, root } from "../examples/build.mjs";
import * as server from "../examples/sqlite-server/run.mjs";
import * as cli from "../examples/sync-cli/run.mjs";
import { painter, renderReport } from "./demo/report-table.mjs";

const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const p = painter(colour);
const t0 = performance.now();
const secs = (t) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
const indent = (prefix) => (line) => console.log(line ? `${prefix}${line}` : "");
let n = 0;
const step = (title, detail = "") =>
  console.log(`\n${p.bold(p.cyan(`${++n}. ${title}`))}${detail ? `  ${p.dim(detail)}` : ""}`);

console.log(
  `${p.bold("smartasync")}  one function, two colours, decided at build time  ${p.dim(
    `node ${process.version}, ${availableParallelism()} cores`,
  )}`,
);
console.log(p.dim("  in sync code a call gives you the value; an awaited call never blocks the event loop"));

ensureDist();

step("Build the examples with the Babel plugin", "@babel/core transformFileSync + smartasync/babel");
const examples = [];
for (const [ex, files] of [
  [cli, ["cli.js"]],
  [server, server.files],
]) {
  const t = performance.now();
  const { reports, outDir } = await ex.build();
  const fns = reports.reduce((k, r) => k + r.functions.length, 0);
  const calls = reports.reduce((k, r) => k + r.calls.length, 0);
  const name = relative(root, ex.dir);
  examples.push({ name, dir: ex.dir, files, reports });
  console.log(
    `  ${p.bold(name.padEnd(24))} ${files.join(", ").padEnd(28)} ${`${fns} functions, ${calls} calls`.padEnd(22)} ${p.dim(
      `→ ${relative(root, outDir)}/  ${secs(t)}`,
    )}`,
  );
}

step(
  "What the plugin decided",
  "result.metadata.smartasync, also in examples/*/build/smartasync-report.json",
);
console.log(
  `  ${p.green("inline")} the body, colour removed · ${p.yellow("worker")} blocks on a worker thread · ${p.cyan(
    "offload",
  )} runs in the worker pool · ${p.dim("direct")} a plain call`,
);
for (const { name, reports } of examples) {
  for (const report of reports) {
    console.log("");
    for (const line of renderReport(report, { colour, path: `${name}/${report.file}` })) console.log(line);
  }
}

step("The same decisions from SWC", "smartasync/swc transformSync on the same sources");
{
  const swc = await import(pathToFileURL(join(root, "dist/swc-plugin/index.js")).href);
  for (const { name, dir, files, reports } of examples) {
    const t = performance.now();
    const same = files.every((file, i) => {
      const path = join(dir, file);
      const out = swc.transformSync(readFileSync(path, "utf8"), {
        filename: path,
        swcrc: false,
        jsc: { target: "esnext" },
        smartasync: { root: dir },
      });
      return JSON.stringify(out.smartasync) === JSON.stringify(reports[i]);
    });
    if (!same) throw new Error(`${name}: SWC's report differs from Babel's`);
    console.log(`  ${p.bold(name.padEnd(24))} ${p.green("✓ same report as Babel")} ${p.dim(secs(t))}`);
  }
}

step("Run example 1: a sync program on async libraries", "node examples/sync-cli/build/cli.js");
const status = cli.run({ log: indent(`  ${p.dim("│")} `) });
if (status !== 0) throw new Error(`examples/sync-cli exited with ${status}`);

step("Run example 2: one set of functions for a CLI and an HTTP server", "better-sqlite3, sync");
await server.tour({ log: indent(`  ${p.dim("│")} `) });

console.log(
  `\n${p.green("✓")} done in ${secs(t0)}. ${p.dim("More: examples/*/README.md, docs/semantics.md, docs/performance.md")}`,
);
