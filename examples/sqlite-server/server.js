// The HTTP face: node:http on 127.0.0.1 (port $PORT, or 0 for an ephemeral one). The handlers
// await the sync database functions imported from db.js; the plugin follows the import and turns
// each awaited call into an offload to the worker pool (`await heavyReportAsync()`): while
// /report runs its slow query in a worker, /health still answers at once.
import { createServer } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { shutdown } from "smartasync/runtime";
import { getUser, heavyReport, listUsers } from "./db.js";

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
const counts = { requests: 0 };
const ms = (ns) => Math.round(ns / 1e4) / 100;

async function route(path) {
  if (path === "/health") return { ok: true };
  if (path === "/users") return { users: await listUsers(10) };
  const m = /^\/users\/(\d+)$/.exec(path);
  if (m) return (await getUser(Number(m[1]))) ?? { status: 404, error: `no user ${m[1]}` };
  if (path === "/report") return await heavyReport();
  if (path === "/stats") {
    const h = loopDelay;
    return {
      requests: counts.requests,
      eventLoopDelayMs: {
        p50: ms(h.percentile(50)),
        p99: ms(h.percentile(99)),
        max: ms(h.max),
        mean: ms(h.mean),
      },
    };
  }
  if (path === "/stats/reset") {
    loopDelay.reset();
    counts.requests = 0;
    return { ok: true };
  }
  return { status: 404, error: `no route ${path}` };
}

async function handle(req, res) {
  counts.requests++;
  let status = 200;
  let body;
  try {
    const result = await route(new URL(req.url, "http://x").pathname);
    if (result && typeof result.status === "number") status = result.status;
    body = result;
  } catch (err) {
    status = 500;
    body = { error: String(err?.message ?? err) };
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function main() {
  const server = createServer(handle);
  server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
    loopDelay.enable();
    console.log(`listening on http://127.0.0.1:${server.address().port}`);
  });
  const stop = (signal) => {
    console.log(`${signal}: closing the server and the worker pool`);
    server.close();
    server.closeAllConnections();
    loopDelay.disable();
    shutdown().then(() => console.log("stopped"));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main();
