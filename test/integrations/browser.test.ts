/**
 * Browser builds with Vite (docs/integrations.md#browser-builds).
 *
 * 1. examples/bundlers/vite-browser is built by the real Vite CLI from the built package (dist/),
 *    as a user would, served over 127.0.0.1 by a small static server and loaded in headless
 *    Chromium (Debian's `chromium`, which .ci/run installs); the page's DOM is checked. Without a
 *    chromium binary that one test is skipped, saying so.
 * 2. Through Vite's JavaScript API: a browser build that would need a worker (a call that blocks
 *    on one, a sync function offloaded to the pool) fails with SA313 at the call or the function,
 *    with its code frame; the same tree built for Node (`build.ssr`) still builds.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { delimiter, dirname, extname, join, normalize } from "node:path";
import { build as viteBuild, createServer as viteServer } from "vite";
import { beforeAll, describe, expect, it } from "vitest";
import vitePlugin from "../../src/unplugin/vite.js";

const ROOT = join(import.meta.dirname, "..", "..");
const EXAMPLE = join(ROOT, "examples", "bundlers", "vite-browser");
// Inside the repository, so that `smartasync/runtime` resolves to it (package self-reference).
const TMP = join(ROOT, ".tmp", "browser-tests");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, timeout = 90_000): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
  delete env.VITEST;
  delete env.VITEST_MODE;
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, timeout });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** The first of Debian's and other distributions' Chromium binaries on PATH. */
function chromiumBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of ["chromium", "chromium-browser"]) {
      const file = join(dir, name);
      if (dir && existsSync(file)) return file;
    }
  }
  return undefined;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
};

/** Serves `dir` on 127.0.0.1 (module scripts do not load from file:// URLs). */
function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    const file = join(dir, path === "/" ? "index.html" : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }),
    ),
  );
}

/** Chromium, headless, on `url`: the DOM after the page's timers ran (virtual time), or a screenshot. */
function chromium(binary: string, url: string, extra: string[]): Promise<Run> {
  const profile = join(TMP, `chromium-profile-${process.pid}`);
  mkdirSync(profile, { recursive: true });
  return run(
    binary,
    [
      "--headless",
      "--disable-gpu",
      "--no-sandbox",
      `--user-data-dir=${profile}`,
      "--virtual-time-budget=10000",
      ...extra,
      url,
    ],
    TMP,
    60_000,
  );
}

// ——— 1. the example, built by the real Vite and loaded in Chromium ———

/** The chromium binary, or undefined after marking the test skipped, saying why. */
function chromiumOrSkip(ctx: { task: { name: string }; skip: (note?: string) => void }): string | undefined {
  const binary = chromiumBinary();
  if (binary) return binary;
  const why = "no chromium binary on PATH (Debian: apt-get install -y chromium; .ci/run installs it)";
  // Also on stderr: the default reporter does not show why a test was skipped.
  console.warn(`skipped "${ctx.task.name}": ${why}`);
  ctx.skip(why);
  return undefined;
}

/** The example's page at `url`, as Chromium renders it: what the sync and async code printed. */
async function expectPage(binary: string, url: string): Promise<void> {
  const page = await chromium(binary, url, ["--dump-dom"]);
  expect(page.status, page.stderr).toBe(0);
  const items = [...page.stdout.matchAll(/<li id="([\w-]+)">([^<]*)<\/li>/g)].map((m) => m[2]);
  expect(items, page.stdout).toEqual([
    "sync: poem: 6 words",
    "first-line: roses are red",
    "guard: SmartAsyncError SMARTASYNC_GUARD",
    "async: note: 4 words",
    "awaited: ONLY AWAITED",
  ]);
  // The last line of the async code ran.
  expect(page.stdout).toContain("<title>done</title>");
}

describe("examples/bundlers/vite-browser", () => {
  let built: Run;
  const dist = join(EXAMPLE, "dist");

  beforeAll(async () => {
    rmSync(dist, { recursive: true, force: true });
    built = await run(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build"], EXAMPLE);
  }, 120_000);

  it("is built by `vite build` for the browser, without warnings, with the browser runtime bundled", () => {
    expect(built.status, built.stdout + built.stderr).toBe(0);
    expect(`${built.stdout}${built.stderr}`).not.toMatch(/warn|smartasync|SA\d{3}/i);
    const files = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js"));
    // One file: no module gets an output file of its own for workers in a browser build.
    expect(files).toHaveLength(1);
    const code = readFileSync(join(dist, "assets", files[0]), "utf8");
    // No import is left for the browser to resolve: the runtime's browser part is in the bundle.
    expect(code).not.toMatch(/\bfrom\s*["']|\bimport\s*\(/);
    expect(code).not.toContain("smartasync/runtime");
    expect(code).not.toContain("worker_threads");
    expect(code).not.toContain("__smartasyncUrl");
    // The inline variants, the dispatched method call and the guards are there.
    expect(code).toContain("countWordsSync");
    // `callSyncOf(_obj = store, _obj.read, "read", [name])`, minified.
    expect(code).toMatch(/\(\w+=\w+,\s*\w+\.read,\s*[`"']read[`"'],\s*\[/);
    expect(code).toContain("SMARTASYNC_GUARD");
  });

  it("runs in headless Chromium: sync and async calls print into the page", async (ctx) => {
    const binary = chromiumOrSkip(ctx);
    if (!binary) return;
    expect(built.status, built.stdout + built.stderr).toBe(0);
    const { server, url } = await serve(dist);
    try {
      await expectPage(binary, url);
    } finally {
      server.close();
    }
  });

  it("runs on Vite's dev server too: the page's modules get the browser runtime", async (ctx) => {
    const binary = chromiumOrSkip(ctx);
    if (!binary) return;
    const server = await viteServer({
      root: EXAMPLE,
      logLevel: "silent",
      // Not the shared node_modules/.vite.
      cacheDir: join(TMP, "vite-cache"),
      server: { host: "127.0.0.1", port: 0 },
    });
    try {
      await server.listen();
      await expectPage(binary, server.resolvedUrls!.local[0]);
    } finally {
      await server.close();
    }
  });
});

// ——— 2. browser builds that would need a worker ———

function tree(name: string, files: Record<string, string>): string {
  const dir = join(TMP, name);
  rmSync(dir, { recursive: true, force: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const LIB = `// @smartasync
export async function slow(x) {
  await new Promise((r) => setTimeout(r, 1));
  return x * 2;
}

// @smartasync
export function checksum(text) {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}

// @smartasync
export function sortIn(list) {
  list.sort();
  return list;
}
`;

const HTML = `<script type="module" src="/src/main.js"></script>\n`;

interface RolldownLog {
  pluginCode?: string;
  message: string;
  frame?: string;
  loc?: { file: string; line: number; column: number };
}

async function browserBuild(dir: string, extra: object = {}): Promise<RolldownLog> {
  try {
    await viteBuild({
      root: dir,
      configFile: false,
      logLevel: "silent",
      plugins: [vitePlugin({ smartasync: { root: dir } })],
      build: { write: false, ...extra },
    });
  } catch (e) {
    const errors = (e as { errors?: RolldownLog[] }).errors;
    expect(errors, String(e)).toHaveLength(1);
    return errors![0];
  }
  throw new Error("the build did not fail");
}

describe("browser builds that would need a worker (SA313)", () => {
  it("a call in sync code whose sync variant runs on a worker fails the build at the call", async () => {
    const dir = tree("sync-worker", {
      "index.html": HTML,
      "src/lib.js": LIB,
      "src/main.js": `import { slow } from "./lib.js";

function render() {
  document.title = String(slow(2));
}
render();
`,
    });
    const e = await browserBuild(dir);
    expect(e.pluginCode).toBe("SA313");
    expect(e.loc).toEqual({ file: join(dir, "src/main.js"), line: 4, column: 26 });
    expect(e.message).toBe(
      "SA313: this call of slow is used in sync code, so it calls slowSync, which runs slow on a worker thread and blocks until it settles; this is a browser build, where a page's main thread may not block (Atomics.wait) and smartasync's browser runtime starts no workers. Await the call from async code (`await slow(...)`), or give each await in slow a sync form so that its sync variant is inline (the report's reasons for slow name the awaits that have none); see docs/integrations.md#browser-builds (src/main.js:4:27)",
    );
    expect(e.frame).toBe(
      [
        "  2 |",
        "  3 | function render() {",
        "> 4 |   document.title = String(slow(2));",
        "    |                           ^",
        "  5 | }",
        "  6 | render();",
        "  7 |",
      ].join("\n"),
    );
  });

  it("a sync function offloaded to the pool fails the build at the function; one that runs on the calling thread does not", async () => {
    const dir = tree("offload", {
      "index.html": HTML,
      "src/lib.js": LIB,
      "src/main.js": `import { checksum, sortIn } from "./lib.js";

async function render() {
  document.title = String(await sortIn([2, 1])) + (await checksum("x"));
}
render();
`,
    });
    const e = await browserBuild(dir);
    expect(e.pluginCode).toBe("SA313");
    // lib.js: checksum (line 8) is offloaded; sortIn writes to its argument, so its async
    // variant runs it on the calling thread (SA304), which a browser can do.
    expect(e.loc).toEqual({ file: join(dir, "src/lib.js"), line: 8, column: 0 });
    expect(e.message).toBe(
      "SA313: checksum is a sync function marked @smartasync, so awaiting it calls checksumAsync, which runs it in smartasync's worker pool; this is a browser build, and smartasync's browser runtime starts no workers. Remove the mark (`await checksum(...)` then runs it on this thread and gives its value), or run it in a web worker of your own; see docs/integrations.md#browser-builds (src/lib.js:8:1)",
    );
    expect(e.frame).toMatch(/^> +8 \| export function checksum\(text\) \{$/m);
  });

  it("several in one file: the first with its frame, the others by location", async () => {
    const dir = tree("several", {
      "index.html": HTML,
      "src/lib.js": LIB,
      "src/main.js": `import { slow } from "./lib.js";

document.title = String(slow(1)) + slow(2);
`,
    });
    const e = await browserBuild(dir);
    expect(e.message).toMatch(/; the same at src\/main\.js:3:36 \(src\/main\.js:3:25\)$/);
  });

  it("warnings about what a worker's import of a module does are not shown (the report keeps them)", async () => {
    const dir = tree("worker-only-warnings", {
      "index.html": HTML,
      "src/lib.js": `${LIB.slice(0, LIB.indexOf("\n// @smartasync\nexport function checksum"))}
console.log("lib loaded");
`,
      "src/main.js": `import { slow } from "./lib.js";\ndocument.title = String(await slow(2));\n`,
    });
    const shown: string[] = [];
    const codes: string[] = [];
    await viteBuild({
      root: dir,
      configFile: false,
      logLevel: "warn",
      customLogger: {
        info() {},
        warn: (m: string) => shown.push(m),
        warnOnce: (m: string) => shown.push(m),
        error() {},
        clearScreen() {},
        hasErrorLogged: () => false,
        hasWarned: false,
      },
      plugins: [
        vitePlugin({
          smartasync: { root: dir },
          onReport: (r) => codes.push(...r.diagnostics.map((d) => d.code)),
        }),
      ],
      build: { write: false, target: "esnext" },
    });
    expect(codes).toContain("SA303");
    expect(shown.filter((m) => /SA\d{3}/.test(m))).toEqual([]);
  });

  it("the same tree built for Node (build.ssr) builds, the runtime kept external", async () => {
    const dir = tree("ssr", {
      "src/lib.js": LIB,
      "src/main.js": `import { isWorker } from "smartasync/runtime";
import { slow } from "./lib.js";

if (!isWorker) console.log(slow(2));
`,
    });
    const out = (await viteBuild({
      root: dir,
      configFile: false,
      logLevel: "silent",
      plugins: [vitePlugin({ smartasync: { root: dir } })],
      build: { write: false, ssr: "src/main.js" },
    })) as { output: { type: string; code?: string }[] } | { output: { type: string; code?: string }[] }[];
    const outputs = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output);
    const code = outputs.map((o) => o.code ?? "").join("\n");
    expect(code).toMatch(/from\s*["']smartasync\/runtime["']/);
    expect(code).toContain('runSync(import.meta.url, "slow"');
  });
});

describe("a web worker bundled by Vite (the plugin in worker.plugins)", () => {
  const files = (worker: string) => ({
    "index.html": HTML,
    // LIB's first function only: a module with an offloaded function is an error of its own.
    "src/lib.js": `${LIB.slice(0, LIB.indexOf("\n// @smartasync\nexport function checksum"))}
// @smartasync
export async function quick(x) {
  return (await x) * 3;
}
`,
    "src/w.js": worker,
    "src/main.js": `const w = new Worker(new URL("./w.js", import.meta.url), { type: "module" });
w.onmessage = (e) => {
  document.title = String(e.data);
};
`,
  });
  const config = (dir: string, outDir: string) => ({
    root: dir,
    configFile: false as const,
    logLevel: "silent" as const,
    worker: { format: "es" as const, plugins: () => [vitePlugin({ smartasync: { root: dir } })] },
    build: { outDir: join(dir, outDir) },
  });

  it("is a browser build too: inline variants run in the worker (Chromium), a blocking call fails the build", async (ctx) => {
    const bad = tree("web-worker-bad", files(`import { slow } from "./lib.js";\npostMessage(slow(2));\n`));
    let error: RolldownLog | undefined;
    try {
      await viteBuild(config(bad, "dist"));
    } catch (e) {
      // Vite's worker plugin fails the page's build with the worker build's errors inside.
      const outer = (e as { errors?: (RolldownLog & { errors?: RolldownLog[] })[] }).errors?.[0];
      error = outer?.errors?.[0] ?? outer;
    }
    expect(error?.pluginCode).toBe("SA313");
    expect(error?.loc).toEqual({ file: join(bad, "src/w.js"), line: 2, column: 12 });

    const good = tree("web-worker", files(`import { quick } from "./lib.js";\npostMessage(quick(14));\n`));
    await viteBuild(config(good, "dist"));
    const binary = chromiumOrSkip(ctx);
    if (!binary) return;
    const { server, url } = await serve(join(good, "dist"));
    try {
      const page = await chromium(binary, url, ["--dump-dom"]);
      // quick's sync variant (inline, guarded) ran in the worker and posted its value.
      expect(page.stdout).toContain("<title>42</title>");
    } finally {
      server.close();
    }
  });
});
