// Server under load (a benchmark, not a test): the SQLite example's server built twice — with
// the smartasync plugin (awaited sync queries offloaded to the worker pool) and without it
// (plain Babel output: the same awaits run the sync queries on the event loop) — each loaded
// with autocannon on 127.0.0.1: one client keeps the slow /report busy while another measures
// the latency of the cheap /health. The server's own event-loop delay (monitorEventLoopDelay,
// reset after warm-up) is read from its /stats route.
//
//   node bench/server-load.mjs [--duration 8] [--report-connections 4] [--health-connections 10]
//
// Writes bench/results/server-load.json and prints a markdown table for docs/performance.md.
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { admin, build, startServer } from "../examples/sqlite-server/run.mjs";
import { machine, ROOT, table, writeResults } from "./lib.mjs";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "8" },
    "report-connections": { type: "string", default: "4" },
    "health-connections": { type: "string", default: "10" },
  },
});
const duration = Number(values.duration);
const reportConnections = Number(values["report-connections"]);
const healthConnections = Number(values["health-connections"]);
if (!(duration > 0 && duration <= 60)) throw new Error("--duration must be in (0, 60] seconds");

const work = join(ROOT, ".tmp", "server-load"); // inside the repository: smartasync/runtime resolves
const dbPath = join(work, "bench.db");
const env = { SQLITE_SERVER_DB: dbPath };

const builds = {
  plugin: (await build({ outDir: join(work, "plugin"), plugin: true })).outDir,
  plain: (await build({ outDir: join(work, "plain"), plugin: false })).outDir,
};
process.env.SQLITE_SERVER_DB = dbPath;
admin(["setup"], { buildDir: builds.plain, log: () => {} });

function cannon(url, connections, seconds) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: seconds, timeout: 30 }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

async function json(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  return res.json();
}

async function measure(name, buildDir) {
  const server = await startServer({ buildDir, env });
  try {
    // Warm-up: start the pool workers (plugin build) and fill SQLite's page cache.
    await Promise.all([
      json(`${server.url}/report`),
      json(`${server.url}/report`),
      json(`${server.url}/health`),
    ]);
    await json(`${server.url}/stats/reset`);
    const [report, health] = await Promise.all([
      cannon(`${server.url}/report`, reportConnections, duration),
      cannon(`${server.url}/health`, healthConnections, duration),
    ]);
    const stats = await json(`${server.url}/stats`);
    const pick = (r) => ({
      requests: r.requests.total,
      perSecond: r.requests.average,
      errors: r.errors + r.timeouts + r.non2xx,
      latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, mean: r.latency.average },
    });
    return {
      build: name,
      health: pick(health),
      report: pick(report),
      eventLoopDelayMs: stats.eventLoopDelayMs,
    };
  } finally {
    await server.stop();
  }
}

const load = loadavg()[0];
const results = [];
for (const [name, dir] of Object.entries(builds)) {
  console.error(`${name}: ${relative(ROOT, dir)}, ${duration} s of load...`);
  results.push(await measure(name, dir));
}
rmSync(work, { recursive: true, force: true });

const [withPlugin, without] = results;
const f = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
const rows = [
  ["", "with the plugin (offload)", "without (on the event loop)"],
  [
    "/health p50 latency",
    `${f(withPlugin.health.latencyMs.p50)} ms`,
    `${f(without.health.latencyMs.p50)} ms`,
  ],
  [
    "/health p99 latency",
    `${f(withPlugin.health.latencyMs.p99)} ms`,
    `${f(without.health.latencyMs.p99)} ms`,
  ],
  ["/health requests served", f(withPlugin.health.requests), f(without.health.requests)],
  ["/report requests served", f(withPlugin.report.requests), f(without.report.requests)],
  [
    "/report p50 latency",
    `${f(withPlugin.report.latencyMs.p50)} ms`,
    `${f(without.report.latencyMs.p50)} ms`,
  ],
  [
    "event-loop delay p50",
    `${f(withPlugin.eventLoopDelayMs.p50)} ms`,
    `${f(without.eventLoopDelayMs.p50)} ms`,
  ],
  [
    "event-loop delay p99",
    `${f(withPlugin.eventLoopDelayMs.p99)} ms`,
    `${f(without.eventLoopDelayMs.p99)} ms`,
  ],
  [
    "event-loop delay max",
    `${f(withPlugin.eventLoopDelayMs.max)} ms`,
    `${f(without.eventLoopDelayMs.max)} ms`,
  ],
  [
    "errors (both clients)",
    f(withPlugin.health.errors + withPlugin.report.errors),
    f(without.health.errors + without.report.errors),
  ],
];
const setup = { duration, reportConnections, healthConnections, loadAverageAtStart: Number(load.toFixed(2)) };
const command = `node bench/server-load.mjs --duration ${duration} --report-connections ${reportConnections} --health-connections ${healthConnections}`;
writeResults("server-load", { command, setup, results });

console.log(table(rows));
console.log(`\n${JSON.stringify({ ...machine(), ...setup })}`);
console.log("\nMarkdown:\n");
console.log(`| | ${rows[0].slice(1).join(" | ")} |\n| --- | --- | --- |`);
for (const r of rows.slice(1)) console.log(`| ${r.join(" | ")} |`);
