// `node examples/sqlite-server/run.mjs`: builds the example with the smartasync plugin, seeds the
// database, runs the admin CLI (sync, direct calls), starts the server on an ephemeral port,
// makes a few requests (awaited calls, offloaded to the worker pool) and stops it.
// The steps are exported for `npm start`.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildExample } from "../build.mjs";

export const dir = dirname(fileURLToPath(import.meta.url));
export const files = ["db.js", "server.js", "admin.js"];

export function build(options) {
  return buildExample(dir, files, options);
}

/** Runs `node build/admin.js ...args`, printing its output; throws if it fails. */
export function admin(args, { log = console.log, buildDir = join(dir, "build") } = {}) {
  const r = spawnSync(process.execPath, [join(buildDir, "admin.js"), ...args], {
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  for (const line of (r.stdout + r.stderr).trimEnd().split("\n")) log(line);
  if (r.status !== 0) throw new Error(`admin ${args.join(" ")} exited with ${r.status}`);
  return r.stdout;
}

/**
 * Starts `node build/server.js` on an ephemeral port and resolves to `{ url, stop, output }`
 * once it prints its URL. `stop()` sends SIGTERM and resolves to the exit code.
 */
export async function startServer({ buildDir = join(dir, "build"), env = {}, timeoutMs = 15_000 } = {}) {
  const child = spawn(process.execPath, [join(buildDir, "server.js")], {
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = [];
  let onLine;
  const ready = new Promise((resolve, reject) => {
    onLine = (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]);
    };
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output.join("\n")}`)));
    setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms`)), timeoutMs).unref();
  });
  let pending = "";
  const collect = (chunk) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop();
    for (const line of lines) {
      output.push(line);
      onLine(line);
    }
  };
  child.stdout.setEncoding("utf8").on("data", collect);
  child.stderr.setEncoding("utf8").on("data", collect);
  let url;
  try {
    url = await ready;
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  const stop = async () => {
    if (child.exitCode !== null) return child.exitCode;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const [code] = await exited;
    clearTimeout(timer);
    return code;
  };
  return { url, stop, output, pid: child.pid };
}

async function get(url) {
  const t0 = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
  const body = await res.json();
  return { status: res.status, body, ms: performance.now() - t0 };
}

/** A few requests against a running server; prints what each returned. */
export async function requests(url, { log = console.log } = {}) {
  const show = (what, r, summary) =>
    log(`  GET ${what.padEnd(9)} ${r.status}  ${r.ms.toFixed(1).padStart(6)} ms  ${summary}`);
  let r = await get(`${url}/health`);
  show("/health", r, JSON.stringify(r.body));
  r = await get(`${url}/users`);
  show("/users", r, `${r.body.users.length} users (the first offload starts a pool worker)`);
  r = await get(`${url}/users/3`);
  show(
    "/users/3",
    r,
    `${r.body.name} <${r.body.email}>, ${r.body.orders} orders, ran on worker thread ${r.body.thread}`,
  );
  r = await get(`${url}/report`);
  const top = r.body.rows[0];
  show(
    "/report",
    r,
    `${r.body.rows.length} countries (top ${top.country}: ${top.orders} orders), query ${r.body.ms} ms on worker thread ${r.body.thread}`,
  );
  // The point of offloading: /health answers while /report's query runs in a worker.
  const heavy = get(`${url}/report`);
  await new Promise((resolve) => setTimeout(resolve, 20));
  r = await get(`${url}/health`);
  const h = await heavy;
  show("/health", r, `answered while /report was running (that one took ${h.ms.toFixed(1)} ms)`);
  return r;
}

/** The whole tour: admin CLI, then the server. */
export async function tour({ log = console.log } = {}) {
  log("admin CLI (sync code, direct calls, this thread):");
  admin(["setup"], { log });
  admin(["user", "3"], { log });
  admin(["report"], { log });
  log("HTTP server (async handlers, awaited calls offloaded to the worker pool):");
  const server = await startServer();
  log(`  server ${server.output[0]}`);
  try {
    await requests(server.url, { log });
  } finally {
    const code = await server.stop();
    for (const line of server.output.slice(1)) log(`  server ${line}`);
    log(`  server exited with code ${code}`);
    if (code !== 0) process.exitCode = 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await build();
  await tour();
}
