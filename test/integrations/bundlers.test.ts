/**
 * The build-tool plugin (`smartasync/vite`, `/rollup`, `/webpack`, `/esbuild`) with the real tools.
 *
 * 1. Each example under examples/bundlers/ is built by its tool as a user would (the CLI, or for
 *    webpack and esbuild their Node API through the example's own build script), from the
 *    built package (dist/), and its output runs under plain `node`: stdout checked, the runtime
 *    kept external, the call in sync code rewritten, and its position in the output mapped back
 *    to the source by the tool's source map.
 * 2. The plugin's behaviour through the tools' JavaScript APIs, in this process, on small trees
 *    under .tmp/bundlers-tests/: options, reports, warnings and errors in each tool's own
 *    channel, what it does with functions that run in workers, the engines, the fast path.
 */
import { type SpawnOptions, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import * as esbuild from "esbuild";
import { type RollupLog, rollup } from "rollup";
import { build as viteBuild } from "vite";
import { beforeAll, describe, expect, it } from "vitest";
import webpack from "webpack";
import type { Report } from "../../src/core/report.js";
import esbuildPlugin from "../../src/unplugin/esbuild.js";
import { unplugin } from "../../src/unplugin/index.js";
import { resolvePluginOptions } from "../../src/unplugin/options.js";
import rollupPlugin from "../../src/unplugin/rollup.js";
import vitePlugin from "../../src/unplugin/vite.js";
import webpackPlugin from "../../src/unplugin/webpack.js";

const ROOT = join(import.meta.dirname, "..", "..");
const EXAMPLES = join(ROOT, "examples", "bundlers");
// Inside the repository, so that `smartasync/runtime` resolves to it (package self-reference).
const TMP = join(ROOT, ".tmp", "bundlers-tests");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(args: string[], cwd: string, opts: SpawnOptions = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
  delete env.VITEST;
  delete env.VITEST_MODE;
  delete env.NODE_OPTIONS;
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, timeout: 90_000, ...opts });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr, ms: performance.now() - t }));
  });
}

function tree(name: string, files: Record<string, string>): string {
  const dir = join(TMP, name);
  rmSync(dir, { recursive: true, force: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

// ——— 1. the examples, built by the real tools ———

interface Example {
  tool: string;
  /** Node arguments that build it, run in its folder. */
  build: string[];
  /** The program the build writes. */
  out: string;
  /** Where `greet("sync code")` is in the source: 1-based line, 0-based column. */
  source: { file: string; line: number; column: number };
  /**
   * Every tool's build gives the worker functions' module an output file of its own, so the
   * entry needs no `isWorker` guard.
   */
  ownFile: boolean;
}

const EXPECTED = "Hello, sync code!\nHELLO, SYNC CODE!\nHello, async code! a2152bca\n";

const examples: Example[] = [
  {
    tool: "rollup",
    build: [join(ROOT, "node_modules/rollup/dist/bin/rollup"), "-c"],
    out: "dist/main.js",
    source: { file: "src/main.js", line: 5, column: 15 },
    ownFile: true,
  },
  {
    tool: "vite",
    build: [join(ROOT, "node_modules/vite/bin/vite.js"), "build"],
    out: "dist/main.js",
    source: { file: "src/main.ts", line: 5, column: 23 },
    ownFile: true,
  },
  {
    tool: "webpack",
    build: ["build.mjs"],
    out: "dist/main.cjs",
    source: { file: "src/main.js", line: 5, column: 15 },
    ownFile: true,
  },
  {
    tool: "esbuild",
    build: ["build.mjs"],
    out: "dist/main.mjs",
    source: { file: "src/main.ts", line: 5, column: 23 },
    ownFile: true,
  },
];

const builds = new Map<string, Run>();

beforeAll(async () => {
  // The four builds are independent: run them side by side.
  await Promise.all(
    examples.map(async (ex) => {
      const dir = join(EXAMPLES, ex.tool);
      rmSync(join(dir, "dist"), { recursive: true, force: true });
      builds.set(ex.tool, await run(ex.build, dir));
    }),
  );
}, 120_000);

/** The JavaScript files a build wrote (paths relative to `dir`), maps left out. */
function outputs(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.[cm]?js$/.test(f))
    .map((f) => f.split("\\").join("/"))
    .sort();
}

/** The map of an output file: its `.map` beside it. */
function traceOf(file: string): TraceMap {
  return new TraceMap(readFileSync(`${file}.map`, "utf8"));
}

/** 1-based line, 0-based column of `index` in `text`. */
function position(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index).split("\n");
  return { line: before.length, column: before[before.length - 1].length };
}

describe.each(examples)("examples/bundlers/$tool", (ex) => {
  const dir = join(EXAMPLES, ex.tool);

  it("is built by the tool, without warnings, and its output runs under plain node", async () => {
    const b = builds.get(ex.tool)!;
    expect(b.status, b.stdout + b.stderr).toBe(0);
    // Rolldown (Vite 8) reports plugins that took most of a build's time (`[PLUGIN_TIMINGS]`,
    // naming "plugin smartasync transform"): a timing note that appears on a loaded machine, not a
    // warning about the output — CI once failed on it at load 20.
    const output = `${b.stdout}${b.stderr}`.replace(/\[PLUGIN_TIMINGS\][\s\S]*?for more details\.\n?/g, "");
    expect(output).not.toMatch(/warn|smartasync|SA\d{3}/i);
    const r = await run([ex.out], dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(EXPECTED);
    expect(r.status).toBe(0);
  });

  it("rewrote the call in sync code, and kept the runtime out of the bundle", () => {
    const main = readFileSync(join(dir, ex.out), "utf8");
    const code = outputs(join(dir, "dist"))
      .map((f) => readFileSync(join(dir, "dist", f), "utf8"))
      .join("\n");
    expect(code).toMatch(/(?:from\s*["']smartasync\/runtime["']|require\(["']smartasync\/runtime["']\))/);
    // The runtime's own code (its worker start, its timeout message) is not in the output.
    expect(code).not.toContain("did not settle within");
    expect(code).not.toContain("worker_threads");
    // Worker and pool variants reach their function through this output file.
    // (webpack: every copy names the worker file by the directory of the file it is in.)
    const url =
      /(?:import\.meta\.url|__filename|require\("node:path"\)\.join\(__dirname,"greetings-[0-9a-f]{8}\.cjs"\))/
        .source;
    expect(code).toMatch(new RegExp(`runSync\\(${url},\\s*"shout"`));
    expect(code).toMatch(new RegExp(`offload\\(${url},\\s*"checksum"`));
    if (ex.tool !== "webpack") expect(main).toContain('greetSync("sync code")');
  });

  it(
    ex.ownFile
      ? "runs unguarded: the worker functions' module is an output file of its own, which workers import"
      : "guards its entry with isWorker: workers import the entry's output file (SA310 otherwise)",
    () => {
      const entry = readFileSync(join(dir, ex.source.file), "utf8");
      const files = outputs(join(dir, "dist"));
      const main = readFileSync(join(dir, ex.out), "utf8");
      if (!ex.ownFile) {
        expect(entry).toContain("if (!isWorker)");
        expect(files).toEqual([ex.out.slice("dist/".length)]);
        return;
      }
      expect(entry).not.toContain("if (!isWorker)");
      expect(entry).not.toMatch(/import \{[^}]*\bisWorker\b/);
      // The worker functions' module has a file of its own, which registers them and holds no
      // code of the entry; the entry's file registers nothing under its own URL (esbuild's and
      // webpack's hold a copy of the module that registers under the worker file's URL).
      const worker = files.filter((f) => /(?:^|\/)greetings-[\w-]+\.[cm]?js$/.test(f));
      expect(worker).toHaveLength(1);
      const text = readFileSync(join(dir, "dist", worker[0]), "utf8");
      expect(text).toMatch(/register\([^;]*\{\s*shout\b/);
      expect(text).not.toContain("console.log");
      expect(main).not.toMatch(/register\((?:import\.meta\.url|__filename)\b/);
      if (ex.tool === "esbuild")
        expect(main).toContain(`register(new URL("./${worker[0]}", import.meta.url).href, { shout })`);
      if (ex.tool === "webpack") expect(main).toContain(`.join(__dirname,"${worker[0]}")`);
    },
  );

  it("maps the rewritten call in the output back to the call in the source", () => {
    const file = join(dir, ex.out);
    const code = readFileSync(file, "utf8");
    // The callee of the call whose argument is "sync code" (webpack minifies: its name changes).
    const arg = code.indexOf('("sync code")');
    expect(arg).toBeGreaterThan(0);
    let start = arg;
    while (start > 0 && /[\w$]/.test(code[start - 1])) start--;
    const at = originalPositionFor(traceOf(file), position(code, start));
    expect(at.source).toMatch(new RegExp(`${ex.source.file.replace(".", "\\.")}$`));
    expect({ line: at.line, column: at.column }).toEqual({ line: ex.source.line, column: ex.source.column });
    // …which is indeed where the source calls greet.
    const src = readFileSync(join(dir, ex.source.file), "utf8").split("\n")[ex.source.line - 1];
    expect(src.slice(ex.source.column)).toMatch(/^greet\("sync code"\)/);
  });
});

describe("docs/integrations.md", () => {
  it("shows each example's configuration exactly, as the file it is in", () => {
    const doc = readFileSync(join(ROOT, "docs/integrations.md"), "utf8");
    // In the order the page shows them: [file, example].
    const where = [
      ["vite.config.js", "vite"],
      ["vite.config.js", "vite-browser"],
      ["vitest.config.js", "vitest"],
      ["rollup.config.mjs", "rollup"],
      ["webpack.config.mjs", "webpack"],
      ["build.mjs", "esbuild"],
    ];
    const shown = [...doc.matchAll(/```js\n\/\/ ([\w.]+)\n([\s\S]*?)```/g)];
    expect(shown.map((m) => m[1])).toEqual(where.map(([file]) => file));
    shown.forEach(([, file, body], i) => {
      expect(body, `${where[i][1]}/${file}`).toBe(readFileSync(join(EXAMPLES, where[i][1], file), "utf8"));
    });
  });
});

// ——— 2. the plugin through the tools' APIs ———

const LIB = `import { readFile } from "node:fs/promises";

// @smartasync
export async function load(file) {
  return JSON.parse(await readFile(file, "utf8"));
}

// @smartasync
export async function slow(x) {
  await new Promise((r) => setTimeout(r, 1));
  return x * 2;
}
`;

/** Only inline variants: no worker, so no bundle warning about workers. */
const INLINE_LIB = LIB.slice(0, LIB.indexOf("\n// @smartasync\nexport async function slow"));

async function rollupBuild(dir: string, input: string, options: object = {}, output: object = {}) {
  const logs: RollupLog[] = [];
  const bundle = await rollup({
    input: join(dir, input),
    external: [/^node:/],
    plugins: [rollupPlugin(options)],
    onLog: (level, log) => {
      if (level === "warn") logs.push(log);
    },
  });
  try {
    const { output: chunks } = await bundle.write({ dir: join(dir, "dist"), format: "es", ...output });
    return { logs, chunks };
  } finally {
    await bundle.close();
  }
}

function webpackBuild(config: webpack.Configuration): Promise<webpack.Stats> {
  return new Promise((resolve, reject) =>
    webpack({ mode: "none", target: "node", devtool: false, ...config }, (err, stats) =>
      err ? reject(err) : resolve(stats!),
    ),
  );
}

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("did not throw");
}

describe("options", () => {
  it("are checked before anything runs: unknown keys get a did-you-mean", () => {
    const e = thrown(() => resolvePluginOptions({ engin: "babel" }));
    expect(e.code).toBe("SA104");
    expect(e.message).toBe(
      "SA104: smartasync plugin options: unknown option `engin`; did you mean `engine`? Known options: engine, include, exclude, smartasync, onReport, reportFile, swc, babel, workerChunks, fileTimeout.",
    );
    expect(thrown(() => rollupPlugin({ reportFlie: "r.json" } as never)).message).toContain(
      "did you mean `reportFile`?",
    );
  });

  it("name the key and what it expects", () => {
    expect(thrown(() => resolvePluginOptions({ engine: "tsc" })).message).toContain(
      '`engine` must be "swc" or "babel", got "tsc"',
    );
    expect(thrown(() => resolvePluginOptions({ include: [1] })).message).toContain(
      "`include` must be a glob string, a RegExp, or an array of them, got 1",
    );
    expect(thrown(() => resolvePluginOptions({ onReport: "x" })).message).toContain(
      "`onReport` must be a function",
    );
    // (The list of smartasync's own options that follows is the core's.)
    expect(thrown(() => resolvePluginOptions({ smartasync: { synSuffix: "S" } })).message).toContain(
      "SA104: smartasync plugin options: `smartasync`: unknown option `synSuffix`; did you mean `syncSuffix`? Known options: syncSuffix, asyncSuffix,",
    );
    expect(thrown(() => resolvePluginOptions({ swc: { parsr: {} } })).message).toContain(
      "did you mean `swc.parser`?",
    );
    expect(thrown(() => resolvePluginOptions({ swc: { jsc: {} } })).message).toContain(
      "`swc.jsc` is not used: the SWC engine only parses",
    );
    expect(thrown(() => resolvePluginOptions({ swc: { parser: { syntax: "flow" } } })).message).toContain(
      '`swc.parser.syntax` must be "ecmascript" or "typescript", got "flow"',
    );
    expect(thrown(() => resolvePluginOptions({ workerChunks: "no" })).message).toContain(
      '`workerChunks` must be true or false, got "no"',
    );
    expect(thrown(() => resolvePluginOptions({ engine: "swc", babel: {} })).message).toContain(
      '`babel` options are given but `engine` is not "babel"',
    );
  });

  it("default to the SWC engine, JavaScript and TypeScript files outside node_modules", () => {
    const o = resolvePluginOptions(undefined);
    expect(o.engine).toBe("swc");
    const [inc] = o.include as RegExp[];
    const [exc] = o.exclude as RegExp[];
    for (const f of ["a.js", "a.mjs", "a.cjs", "a.ts", "a.mts", "a.cts", "a.jsx", "a.tsx"])
      expect(inc.test(f)).toBe(true);
    for (const f of ["a.json", "a.css", "a.d.ts.map", "a.vue"]) expect(inc.test(f)).toBe(false);
    expect(exc.test("/app/node_modules/x/index.js")).toBe(true);
    expect(exc.test("/app/src/index.js")).toBe(false);
  });
});

describe("reports", () => {
  it("go to onReport per file and to reportFile at the end of the build, for both engines", async () => {
    const outputs: string[] = [];
    for (const engine of ["swc", "babel"] as const) {
      const dir = tree(`reports-${engine}`, {
        "src/lib.js": LIB,
        "src/plain.js": "export const answer = 42;\n",
        "src/main.js": `import { isWorker } from "smartasync/runtime";\nimport { load, slow } from "./lib.js";\nimport { answer } from "./plain.js";\nif (!isWorker) console.log(load("data.json").n + answer, slow(2));\n`,
        "data.json": '{ "n": 1 }',
      });
      const seen: Report[] = [];
      await rollupBuild(dir, "src/main.js", {
        engine,
        smartasync: { root: dir },
        onReport: (r: Report) => seen.push(r),
        reportFile: join(dir, "dist/smartasync-report.json"),
      });
      // Files smartasync found nothing in have no report.
      expect(seen.map((r) => r.file).sort()).toEqual(["src/lib.js", "src/main.js"]);
      const file = JSON.parse(readFileSync(join(dir, "dist/smartasync-report.json"), "utf8")) as Report[];
      expect(file.map((r) => r.file)).toEqual(["src/lib.js", "src/main.js"]);
      const calls = file[1].calls.map((c) => `${c.callee} ${c.in} ${c.strategy} ${c.target}`);
      expect(calls).toEqual(["load sync sync-inline loadSync", "slow sync sync-worker slowSync"]);
      const r = await run(["dist/main.js"], dir);
      expect(r.stderr).toBe("");
      outputs.push(r.stdout);
    }
    expect(outputs).toEqual(["43 4\n", "43 4\n"]);
  });
});

/**
 * attack26 F11/F05: each tool's aliases and conditions are smartasync's too (host-resolve.ts):
 * a call in sync code through `@/lib.js`, and through a package.json `"imports"` entry under a
 * condition the tool sets, is followed to the annotated function (its sync variant), not SA204.
 */
describe("the tool's aliases and conditions are followed (docs/integrations.md)", () => {
  const files = (specifier: string) => ({
    "package.json": JSON.stringify({
      type: "module",
      imports: { "#store": { "dev-store": "./src/store-dev.js", default: "./src/store.js" } },
    }),
    "src/lib.js": '// @smartasync\nexport async function load(x) {\n  await null;\n  return "lib:" + x;\n}\n',
    "src/store-dev.js":
      '// @smartasync\nexport async function load(x) {\n  await null;\n  return "dev:" + x;\n}\n',
    "src/store.js": 'export function load(x) {\n  return "plain:" + x;\n}\n',
    "src/main.js": `import { load } from "${specifier}";\nimport { load as store } from "#store";\nconsole.log(load(1), store(2));\n`,
  });
  // The tree's own package.json (for `"imports"`) ends the self-reference the other trees use.
  const withRuntime = (dir: string): string => {
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(dir, "node_modules/smartasync"), "dir");
    return dir;
  };
  const followed = (reports: Report[]) => {
    const main = reports.find((r) => r.file.endsWith("main.js"));
    expect(main?.diagnostics).toEqual([]);
    expect(main?.calls.map((c) => `${c.callee} ${c.target} ${(c as { from?: string }).from}`)).toEqual([
      "load loadSync src/lib.js",
      "load loadSync src/store-dev.js",
    ]);
  };

  it("Vite: resolve.alias ({ find: RegExp }) and ssr.resolve.conditions", async () => {
    const dir = withRuntime(tree("host-resolve-vite", files("@/lib.js")));
    const reports: Report[] = [];
    await viteBuild({
      root: dir,
      configFile: false,
      logLevel: "silent",
      plugins: [vitePlugin({ onReport: (r: Report) => reports.push(r) })],
      resolve: { alias: [{ find: /^@\/(.*)$/, replacement: `${join(dir, "src")}/$1` }] },
      ssr: { resolve: { conditions: ["dev-store"] } },
      build: { ssr: "src/main.js", outDir: "ssr" },
    });
    followed(reports);
    const r = await run(["ssr/main.js"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("lib:1 dev:2\n");
  });

  it("webpack: resolve.alias and resolve.conditionNames", async () => {
    const dir = withRuntime(tree("host-resolve-webpack", files("@/lib.js")));
    const reports: Report[] = [];
    const stats = await webpackBuild({
      context: dir,
      entry: "./src/main.js",
      output: { path: join(dir, "dist"), filename: "main.cjs" },
      resolve: {
        alias: { "@": join(dir, "src") },
        conditionNames: ["dev-store", "import", "node", "default"],
      },
      plugins: [webpackPlugin({ onReport: (r: Report) => reports.push(r) })],
    });
    expect(stats.toJson({ all: false, errors: true }).errors).toEqual([]);
    followed(reports);
    const r = await run(["dist/main.cjs"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("lib:1 dev:2\n");
  });

  it("webpack: resolve.alias to an array (fallbacks, the first that resolves wins)", async () => {
    // `@` is tried in `overrides/` first, which has no lib.js, then in `src/`: the call in sync
    // code is followed to src/lib.js's variant, as Jest's moduleNameMapper arrays are; it was
    // SA204 (an alias "to several paths").
    const dir = withRuntime(tree("host-resolve-webpack-array", files("@/lib.js")));
    mkdirSync(join(dir, "overrides"));
    writeFileSync(join(dir, "overrides/other.js"), "export const other = 1;\n");
    const reports: Report[] = [];
    const stats = await webpackBuild({
      context: dir,
      entry: "./src/main.js",
      output: { path: join(dir, "dist"), filename: "main.cjs" },
      resolve: {
        alias: { "@": [join(dir, "overrides"), join(dir, "src")] },
        conditionNames: ["dev-store", "import", "node", "default"],
      },
      plugins: [webpackPlugin({ onReport: (r: Report) => reports.push(r) })],
    });
    expect(stats.toJson({ all: false, errors: true }).errors).toEqual([]);
    followed(reports);
    const r = await run(["dist/main.cjs"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("lib:1 dev:2\n");
  });

  it("esbuild: alias (a relative target, from absWorkingDir) and conditions", async () => {
    const dir = withRuntime(tree("host-resolve-esbuild", files("app-src/lib.js")));
    const reports: Report[] = [];
    const out = await esbuild.build({
      absWorkingDir: dir,
      entryPoints: [join(dir, "src/main.js")],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: join(dir, "dist/main.js"),
      external: ["smartasync/runtime"],
      logLevel: "silent",
      alias: { "app-src": "./src" },
      conditions: ["dev-store"],
      plugins: [esbuildPlugin({ onReport: (r: Report) => reports.push(r) })],
    });
    expect(out.errors).toEqual([]);
    followed(reports);
    const r = await run(["dist/main.js"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("lib:1 dev:2\n");
  });

  it("an alias the tool resolves its own way (a custom resolver) is SA204 naming it", async () => {
    const dir = tree("host-resolve-custom", files("@/lib.js"));
    const reports: Report[] = [];
    await viteBuild({
      root: dir,
      configFile: false,
      logLevel: "silent",
      plugins: [vitePlugin({ onReport: (r: Report) => reports.push(r) })],
      resolve: {
        alias: [{ find: "@", replacement: join(dir, "src"), customResolver: (id: string) => id }],
      },
      ssr: { resolve: { conditions: ["dev-store"] } },
      build: { ssr: "src/main.js", outDir: "ssr" },
    });
    const main = reports.find((r) => r.file.endsWith("main.js"));
    expect(main?.diagnostics.map((d) => `${d.code} ${d.message.includes('the alias "@"')}`)).toEqual([
      "SA204 true",
    ]);
  });
});

describe("the tool's mainFields, browser map and extensions are followed (attack28 F06, F11, F12)", () => {
  // A linked package whose "module" file holds a smartasync function its "main" file lacks (F06):
  // SA204 at the import, for the build may bundle either; `./lib` with lib.js and lib.ts side by
  // side, read in the tool's extension order (F12); `./node.js`, which the "browser" map of a
  // client build swaps for browser.js (F11).
  const asyncFn = (value: string) =>
    `// @smartasync\nexport async function load() {\n  await null;\n  return "${value}";\n}\n`;
  const setUp = (name: string): string => {
    const dir = tree(name, {
      "package.json": JSON.stringify({ type: "module", browser: { "./src/node.js": "./src/browser.js" } }),
      "ws-dep/package.json": JSON.stringify({
        name: "dep",
        version: "1.0.0",
        main: "./legacy.cjs",
        module: "./src/index.js",
      }),
      "ws-dep/legacy.cjs": 'exports.load = async function load() {\n  return "legacy";\n};\n',
      "ws-dep/src/index.js": asyncFn("esm"),
      "src/lib.js": asyncFn("js"),
      "src/lib.ts": 'export async function load(): Promise<string> {\n  return "ts";\n}\n',
      "src/node.js": 'export async function load() {\n  return "node";\n}\n',
      "src/browser.js": asyncFn("browser"),
      "src/main.js":
        'import { load as dep } from "dep";\nimport { load as lib } from "./lib";\nimport { load as swapped } from "./node.js";\nconst show = (v) => (typeof v === "string" ? v : "promise");\nconsole.log(show(dep()), show(lib()), show(swapped()));\n',
    });
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(dir, "node_modules/smartasync"), "dir");
    symlinkSync(join(dir, "ws-dep"), join(dir, "node_modules/dep"), "dir");
    return dir;
  };
  const seen = (reports: Report[]) => {
    const main = reports.find((r) => r.file.endsWith("main.js"));
    return {
      diagnostics: main?.diagnostics.map((d) => `${d.code} ${/"module" field/.test(d.message)} ${d.loc}`),
      calls: main?.calls.map((c) => `${c.callee} ${c.target} ${(c as { from?: string }).from}`),
    };
  };
  const depSA204 = ["SA204 true src/main.js:1:1"];

  it("Vite SSR build: module before main (SA204), .js before .ts (followed)", async () => {
    const dir = setUp("host-fields-vite-ssr");
    const reports: Report[] = [];
    await viteBuild({
      root: dir,
      configFile: false,
      logLevel: "silent",
      plugins: [vitePlugin({ onReport: (r: Report) => reports.push(r) })],
      build: { ssr: "src/main.js", outDir: "ssr" },
    });
    expect(seen(reports)).toEqual({ diagnostics: depSA204, calls: ["load loadSync src/lib.js"] });
    // Vite bundled the "module" file: the call SA204 named stays plain, as it says.
    expect(readFileSync(join(dir, "ssr/main.js"), "utf8")).toContain('"esm"');
    const r = await run(["ssr/main.js"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("promise js promise\n");
  });

  it("Vite client build: the browser map swaps node.js for browser.js (followed)", async () => {
    const dir = setUp("host-fields-vite-client");
    const reports: Report[] = [];
    await viteBuild({
      root: dir,
      configFile: false,
      logLevel: "silent",
      plugins: [vitePlugin({ onReport: (r: Report) => reports.push(r) })],
      build: { outDir: "client", rollupOptions: { input: join(dir, "src/main.js") } },
    });
    expect(seen(reports)).toEqual({
      diagnostics: depSA204,
      calls: ["load loadSync src/lib.js", "load loadSync src/browser.js"],
    });
    const out = readdirSync(join(dir, "client/assets")).find((f) => f.endsWith(".js"));
    const r = await run([join(dir, "client/assets", String(out))], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("promise js browser\n");
  });

  it("webpack (target node): module before main by default (SA204), resolve.extensions in order", async () => {
    const dir = setUp("host-fields-webpack");
    const reports: Report[] = [];
    const stats = await webpackBuild({
      context: dir,
      target: "node",
      entry: "./src/main.js",
      output: { path: join(dir, "dist"), filename: "main.cjs" },
      resolve: { extensions: [".js", ".ts"] },
      // An extensionless import in a `"type": "module"` package, as webpack allows it there.
      module: { rules: [{ test: /\.js$/, resolve: { fullySpecified: false } }] },
      plugins: [webpackPlugin({ onReport: (r: Report) => reports.push(r) })],
    });
    expect(stats.toJson({ all: false, errors: true }).errors).toEqual([]);
    expect(seen(reports)).toEqual({ diagnostics: depSA204, calls: ["load loadSync src/lib.js"] });
    const r = await run(["dist/main.cjs"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("promise js promise\n");
  });

  it("esbuild: mainFields (SA204) and its default resolveExtensions (.ts before .js)", async () => {
    const dir = setUp("host-fields-esbuild");
    const reports: Report[] = [];
    const out = await esbuild.build({
      absWorkingDir: dir,
      entryPoints: [join(dir, "src/main.js")],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: join(dir, "dist/main.js"),
      external: ["smartasync/runtime"],
      logLevel: "silent",
      mainFields: ["module", "main"],
      plugins: [esbuildPlugin({ onReport: (r: Report) => reports.push(r) })],
    });
    expect(out.errors).toEqual([]);
    // esbuild bundles lib.ts, whose load is plain: so is the call.
    expect(seen(reports)).toEqual({ diagnostics: depSA204, calls: [] });
    const r = await run(["dist/main.js"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("promise promise promise\n");
  });
});

describe('tsconfig.json "paths", followed where the tool follows them (attack33 F06)', () => {
  // A workspace: the app's tsconfig.json maps "@m/lib" to lib's annotated source; the link's
  // "exports" lead to lib's dist, built without smartasync (no `loadSync`).
  const setUp = (name: string): string => {
    const dir = tree(name, {
      "package.json": JSON.stringify({ type: "module" }),
      "tsconfig.json": JSON.stringify({ compilerOptions: { paths: { "@m/lib": ["./lib/src/index.ts"] } } }),
      "lib/package.json": JSON.stringify({
        name: "@m/lib",
        version: "1.0.0",
        type: "module",
        exports: { ".": { types: "./src/index.ts", default: "./dist/index.js" } },
      }),
      "lib/src/index.ts":
        "// @smartasync\nexport async function load(n: number): Promise<number> {\n  return n * 2;\n}\n",
      "lib/dist/index.js": "export async function load(n) {\n  return n * 2;\n}\n",
      "src/main.ts":
        'import { load } from "@m/lib";\nconst v = load(21);\nconsole.log(typeof v, String((v as any) + 1));\n',
    });
    mkdirSync(join(dir, "node_modules/@m"), { recursive: true });
    symlinkSync(ROOT, join(dir, "node_modules/smartasync"), "dir");
    symlinkSync(join(dir, "lib"), join(dir, "node_modules/@m/lib"), "dir");
    return dir;
  };
  const seen = (reports: Report[]) => {
    const main = reports.find((r) => r.file.endsWith("main.ts"));
    return [
      ...(main?.diagnostics.map(
        (d) => `${d.code} ${d.message.includes('mapped by tsconfig.json "paths"')}`,
      ) ?? []),
      ...(main?.calls.map((c) => `${c.callee} ${c.target} ${(c as { from?: string }).from}`) ?? []),
    ];
  };
  const vite = async (dir: string, tsconfigPaths: boolean) => {
    const reports: Report[] = [];
    await viteBuild({
      root: dir,
      configFile: false,
      logLevel: "silent",
      plugins: [vitePlugin({ onReport: (r: Report) => reports.push(r) })],
      resolve: { tsconfigPaths },
      build: { ssr: "src/main.ts", outDir: "ssr" },
    });
    return reports;
  };

  it("Vite SSR build without resolve.tsconfigPaths: SA204, and the build loads dist as it says", async () => {
    const dir = setUp("paths-vite-plain");
    expect(seen(await vite(dir, false))).toEqual(["SA204 true"]);
    const r = await run(["ssr/main.js"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("object [object Promise]1\n");
  });

  it("Vite with resolve.tsconfigPaths: followed to lib's source, bundled", async () => {
    const dir = setUp("paths-vite-followed");
    expect(seen(await vite(dir, true))).toEqual(["load loadSync lib/src/index.ts"]);
    const r = await run(["ssr/main.js"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("number 43\n");
  });

  it("Vite's resolve.tsconfigPaths for a .js importer: a tsconfig.json's with allowJs only, never a jsconfig.json's (attack36 F09)", async () => {
    // Vite 8 follows `paths` for a JavaScript file only where the tsconfig.json sets allowJs, and
    // reads no jsconfig.json: smartasync followed them for every importer, called lib's
    // `loadSync`, which the dist Vite bundled lacks. Now SA204 where Vite does not follow them.
    const paths = { "@m/lib": ["./lib/src/index.ts"] };
    const cases: [string, string, object, string[], string][] = [
      [
        "tsconfig.json",
        "plain",
        { compilerOptions: { paths } },
        ["SA204 true"],
        "object [object Promise]1\n",
      ],
      [
        "jsconfig.json",
        "jsconfig",
        { compilerOptions: { paths } },
        ["SA204 true"],
        "object [object Promise]1\n",
      ],
      [
        "tsconfig.json",
        "allowjs",
        { compilerOptions: { allowJs: true, paths } },
        ["load loadSync lib/src/index.ts"],
        "number 43\n",
      ],
    ];
    for (const [config, name, json, expected, printed] of cases) {
      const dir = setUp(`paths-vite-js-${name}`);
      rmSync(join(dir, "tsconfig.json"));
      writeFileSync(join(dir, config), JSON.stringify(json));
      writeFileSync(
        join(dir, "src/main.js"),
        'import { load } from "@m/lib";\nconst v = load(21);\nconsole.log(typeof v, String(v + 1));\n',
      );
      const reports: Report[] = [];
      await viteBuild({
        root: dir,
        configFile: false,
        logLevel: "silent",
        plugins: [vitePlugin({ onReport: (r: Report) => reports.push(r) })],
        resolve: { tsconfigPaths: true },
        build: { ssr: "src/main.js", outDir: "ssr" },
      });
      const main = reports.find((r) => r.file.endsWith("main.js"));
      expect(
        [
          ...(main?.diagnostics.map(
            (d) => `${d.code} ${d.message.includes(`mapped by ${config} "paths"`)}`,
          ) ?? []),
          ...(main?.calls.map((c) => `${c.callee} ${c.target} ${(c as { from?: string }).from}`) ?? []),
        ],
        name,
      ).toEqual(expected);
      const r = await run(["ssr/main.js"], dir);
      expect(`${r.stdout}${r.stderr}`, name).toBe(printed);
    }
  });

  it("esbuild bundling: followed; an external entry keeps the import as written: SA204", async () => {
    const dir = setUp("paths-esbuild");
    const build = async (external: string[]) => {
      const reports: Report[] = [];
      const out = await esbuild.build({
        absWorkingDir: dir,
        entryPoints: [join(dir, "src/main.ts")],
        bundle: true,
        platform: "node",
        format: "esm",
        outfile: join(dir, "dist/main.js"),
        external: ["smartasync/runtime", ...external],
        logLevel: "silent",
        plugins: [esbuildPlugin({ onReport: (r: Report) => reports.push(r) })],
      });
      expect(out.errors).toEqual([]);
      return seen(reports);
    };
    expect(await build([])).toEqual(["load loadSync lib/src/index.ts"]);
    let r = await run(["dist/main.js"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("number 43\n");
    expect(await build(["@m/lib"])).toEqual(["SA204 true"]);
    r = await run(["dist/main.js"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("object [object Promise]1\n");
  });
});

describe("a paths table esbuild is given in place of tsconfig.json's (attack35 F02)", () => {
  // tsconfig.json maps `@lib/*` to a plain file, the table esbuild is given to an annotated one:
  // the bundle loads the latter, so the call is its sync variant's.
  it("esbuild tsconfigRaw (from absWorkingDir, an object or its text) and tsconfig: that table is followed", async () => {
    const dir = tree("paths-esbuild-given", {
      "package.json": JSON.stringify({ type: "module" }),
      "tsconfig.json": JSON.stringify({
        compilerOptions: { baseUrl: ".", paths: { "@lib/*": ["./src/libA/*"] } },
      }),
      "config/tsconfig.b.json": JSON.stringify({
        compilerOptions: { baseUrl: "../src", paths: { "@lib/*": ["./libB/*"] } },
      }),
      "src/libA/x.ts": 'export function load(x: number) { return "sync:" + x; }\n',
      "src/libB/x.ts": '// @smartasync\nexport async function load(x: number) { return "annotated:" + x; }\n',
      "src/main.ts": 'import { load } from "@lib/x.js";\nconst v = load(1);\nconsole.log(typeof v, v);\n',
    });
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(ROOT, join(dir, "node_modules/smartasync"), "dir");
    const build = async (given: Record<string, unknown>) => {
      const reports: Report[] = [];
      const out = await esbuild.build({
        absWorkingDir: dir,
        entryPoints: [join(dir, "src/main.ts")],
        bundle: true,
        platform: "node",
        format: "esm",
        outfile: join(dir, "dist/main.js"),
        external: ["smartasync/runtime"],
        logLevel: "silent",
        plugins: [esbuildPlugin({ onReport: (r: Report) => reports.push(r) })],
        ...given,
      });
      expect(out.errors).toEqual([]);
      const main = reports.find((r) => r.file.endsWith("main.ts"));
      const r = await run(["dist/main.js"], dir);
      return [
        ...(main?.diagnostics.map((d) => d.code) ?? []),
        ...(main?.calls.map((c) => `${c.target} ${(c as { from?: string }).from}`) ?? []),
        `${r.stdout}${r.stderr}`,
      ];
    };
    const raw = { compilerOptions: { baseUrl: "./src", paths: { "@lib/*": ["./libB/*"] } } };
    const followed = ["loadSync src/libB/x.ts", "string annotated:1\n"];
    expect(await build({ tsconfigRaw: raw })).toEqual(followed);
    expect(await build({ tsconfigRaw: JSON.stringify(raw) })).toEqual(followed);
    expect(await build({ tsconfig: "config/tsconfig.b.json" })).toEqual(followed);
    // The file on disk, for contrast: its plain file, a plain call.
    expect(await build({})).toEqual(["string sync:1\n"]);
  });
});

describe("a linked workspace package where the tool keeps symlinks (attack34 F09)", () => {
  // node_modules/wlib -> ../packages/wlib: with symlinks kept, esbuild names the package's file
  // node_modules/wlib/index.js. It is the project's source (its real path is outside
  // node_modules), so it is compiled: the importer's `loadSync` exists. An installed package
  // (a real folder under node_modules) stays excluded: SA204, a plain call.
  const setUp = (name: string): string => {
    const dir = tree(name, {
      "package.json": JSON.stringify({ name: "app", type: "module" }),
      "main.js":
        'import { load } from "wlib";\nimport { load as other } from "installed";\nconst v = load(21);\nconst w = other(1);\nconsole.log("run() =", v + 1, typeof w);\n',
      "packages/wlib/package.json": JSON.stringify({
        name: "wlib",
        version: "1.0.0",
        type: "module",
        exports: "./index.js",
      }),
      "packages/wlib/index.js": "// @smartasync\nexport async function load(x) { return x * 2; }\n",
      "node_modules/installed/package.json": JSON.stringify({
        name: "installed",
        version: "1.0.0",
        type: "module",
        exports: "./index.js",
      }),
      "node_modules/installed/index.js": "// @smartasync\nexport async function load(x) { return x; }\n",
    });
    symlinkSync(ROOT, join(dir, "node_modules/smartasync"), "dir");
    symlinkSync("../packages/wlib", join(dir, "node_modules/wlib"), "dir");
    return dir;
  };
  const seen = (reports: Report[]) => {
    const main = reports.find((r) => r.file.endsWith("main.js"));
    return [
      ...(main?.calls.map((c) => `${c.callee} ${c.target}`) ?? []),
      ...(main?.diagnostics.map((d) => `${d.code} ${d.message.includes("installed")}`) ?? []),
    ];
  };

  it("esbuild preserveSymlinks: compiles the linked package's file, decided on its real path; an installed one stays excluded", async () => {
    const dir = setUp("linked-preserve-symlinks-esbuild");
    for (const preserveSymlinks of [false, true]) {
      const reports: Report[] = [];
      const out = await esbuild.build({
        absWorkingDir: dir,
        entryPoints: [join(dir, "main.js")],
        bundle: true,
        platform: "node",
        format: "esm",
        outfile: join(dir, "out/main.mjs"),
        external: ["smartasync"],
        preserveSymlinks,
        logLevel: "silent",
        plugins: [esbuildPlugin({ onReport: (r: Report) => reports.push(r) })],
      });
      expect(out.errors).toEqual([]);
      expect(seen(reports)).toEqual(["load loadSync", "SA204 true"]);
      const r = await run(["out/main.mjs"], dir);
      expect(`${r.stdout}${r.stderr}`).toBe("run() = 43 object\n");
    }
  });

  it("webpack with resolve.symlinks: false, the same", async () => {
    const dir = setUp("linked-preserve-symlinks-webpack");
    for (const symlinks of [true, false]) {
      const reports: Report[] = [];
      const stats = await webpackBuild({
        context: dir,
        entry: "./main.js",
        output: { path: join(dir, "dist"), filename: "main.cjs" },
        resolve: { symlinks },
        plugins: [webpackPlugin({ onReport: (r: Report) => reports.push(r) })],
      });
      expect(stats.toJson({ all: false, errors: true }).errors).toEqual([]);
      expect(seen(reports)).toEqual(["load loadSync", "SA204 true"]);
      const r = await run(["dist/main.cjs"], dir);
      expect(`${r.stdout}${r.stderr}`).toBe("run() = 43 object\n");
    }
  });

  it("Vite with resolve.preserveSymlinks: not followed yet (Rolldown's own filter), the build fails at the import", async () => {
    // Vite 8 hands the `exclude` to Rolldown, which matches it itself: the package's file stays
    // excluded, and Rolldown fails the build naming the missing variant (docs/integrations.md).
    const dir = setUp("linked-preserve-symlinks-vite");
    const build = (preserveSymlinks: boolean, exclude?: RegExp[]) =>
      viteBuild({
        root: dir,
        configFile: false,
        logLevel: "silent",
        plugins: [vitePlugin(exclude ? { exclude } : {})],
        resolve: { preserveSymlinks },
        ssr: { noExternal: true },
        build: { ssr: "main.js", outDir: "ssr" },
      });
    await build(false);
    const r = await run(["ssr/main.js"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("run() = 43 object\n");
    const e = await build(true).then(
      () => undefined,
      (x: Error) => x,
    );
    expect(e?.message).toMatch(/"loadSync" is not exported by ".*node_modules\/wlib\/index\.js"/);
    expect(e?.message).toContain("main.js:1:16");
    // The documented way out: an `exclude` that leaves the package out.
    await build(true, [/node_modules[\\/](?!wlib[\\/])/]);
    const again = await run(["ssr/main.js"], dir);
    expect(`${again.stdout}${again.stderr}`).toBe("run() = 43 object\n");
  });
});

describe("warnings and errors, in each tool's own channel", () => {
  const files = {
    "src/lib.js": INLINE_LIB,
    "src/warn.js": `import { load } from "./lib.js";\n\nexport async function go() {\n  load("x.json");\n}\n`,
    "src/error.js": "// @smartasync worker\nexport async function bad() {}\n",
  };
  const SA201 = "SA201: `load(...)` is an async smartasync function called in async code without `await`";

  it("Rollup: this.warn with the position, this.error with the code frame", async () => {
    const dir = tree("channels-rollup", files);
    const { logs } = await rollupBuild(dir, "src/warn.js");
    expect(logs).toHaveLength(1);
    const w = logs[0];
    expect(w.plugin).toBe("smartasync");
    expect(w.message).toBe(
      `[plugin smartasync] .tmp/bundlers-tests/channels-rollup/src/warn.js (4:2): ${SA201}: its promise floats and its errors are lost. Write \`await load(...)\` to wait, \`void load(...)\` to start it on purpose, or \`loadSync(...)\` to block.`,
    );
    expect(w.pluginCode).toBe("SA201");
    expect(w.loc).toEqual({ file: join(dir, "src/warn.js"), line: 4, column: 2 });
    const e = await rollupBuild(dir, "src/error.js").catch((x) => x);
    expect(e.plugin).toBe("smartasync");
    expect(e.pluginCode).toBe("SA101");
    expect(e.id).toBe(join(dir, "src/error.js"));
    expect(e.message).toContain("SA101: unexpected `worker` after @smartasync");
    expect(e.frame).toContain("> 1 | // @smartasync worker");
    expect(e.loc).toEqual({ file: join(dir, "src/error.js"), line: 1, column: 0 });
  });

  it("esbuild: warnings and errors of the build result", async () => {
    const dir = tree("channels-esbuild", files);
    const common = {
      absWorkingDir: dir,
      bundle: true,
      platform: "node" as const,
      format: "esm" as const,
      write: false,
      logLevel: "silent" as const,
    };
    const ok = await esbuild.build({
      ...common,
      entryPoints: [join(dir, "src/warn.js")],
      plugins: [esbuildPlugin()],
    });
    expect(ok.warnings.map((w) => w.text)).toEqual([expect.stringContaining(`src/warn.js:4:3: ${SA201}`)]);
    expect(ok.warnings[0].pluginName).toBe("smartasync");
    const e = await esbuild
      .build({ ...common, entryPoints: [join(dir, "src/error.js")], plugins: [esbuildPlugin()] })
      .catch((x) => x);
    expect(e.errors).toHaveLength(1);
    expect(e.errors[0].pluginName).toBe("smartasync");
    expect(e.errors[0].text).toContain("SA101: unexpected `worker` after @smartasync");
    expect(e.errors[0].text).toContain("> 1 | // @smartasync worker");
  });

  it("webpack: module warnings with the position, a module build error with the frame and no stack", async () => {
    const dir = tree("channels-webpack", files);
    const stats = await webpackBuild({
      context: dir,
      entry: "./src/warn.js",
      output: { path: join(dir, "dist") },
      plugins: [webpackPlugin()],
    });
    const { warnings, errors } = stats.toJson({ all: false, warnings: true, errors: true });
    expect(errors).toEqual([]);
    expect(warnings!.map((w) => w.message)).toEqual([
      expect.stringContaining(`smartasync: src/warn.js:4:3: ${SA201}`),
    ]);
    const bad = await webpackBuild({
      context: dir,
      entry: "./src/error.js",
      output: { path: join(dir, "dist") },
      plugins: [webpackPlugin()],
    });
    const [err] = bad.toJson({ all: false, errors: true }).errors!;
    expect(err.message).toContain("SA101: unexpected `worker` after @smartasync");
    expect(err.message).toContain("> 1 | // @smartasync worker");
    expect(err.message).not.toMatch(/\n\s+at /);
  });

  it("a file SWC cannot parse names the parser and how to change it", async () => {
    const dir = tree("parse-error", {
      "src/app.js": "// @smartasync\nexport async function f() {\n  return <div />;\n}\n",
    });
    const e = await rollupBuild(dir, "src/app.js").catch((x) => x);
    expect(e.pluginCode).toBe("SMARTASYNC_PARSE");
    expect(e.message).toContain("SWC could not parse");
    expect(e.frame).toContain("return <div />;");
    expect(e.frame).not.toContain("Caused by");
    expect(e.message).toContain('{"syntax":"ecmascript","jsx":false}');
    expect(e.message).toContain("Set the plugin's `swc.parser`");
    const ok = await rollupBuild(dir, "src/app.js", {
      swc: { parser: { syntax: "ecmascript", jsx: true } },
    }).catch((x) => x);
    // smartasync parsed it; Rollup itself cannot read JSX (that is a JSX plugin's job).
    expect(ok.code).toBe("PARSE_ERROR");
    expect(ok.plugin).toBeUndefined();
  });
});

describe("functions that run in workers, bundled", () => {
  /** A worker function and an offloaded one, in one module. */
  const WORKER_LIB = `${LIB}
// @smartasync
export function sum(n) {
  let s = 0;
  for (let i = 1; i <= n; i++) s += i;
  return s;
}
`;
  /**
   * An entry with no isWorker guard: it would run again in a worker that imported it. `sum` is
   * offloaded where awaited (`.then` on a sync function's value may be the value's own method,
   * so it is not a sign the promise is wanted: docs/semantics.md).
   */
  const UNGUARDED = `import { slow, sum } from "./lib.js";\nconsole.log("main", slow(21));\n(async () => console.log("sum", await sum(10)))();\n`;

  it("Rollup: the module is an output file of its own, so an unguarded entry runs once (es and cjs)", async () => {
    const dir = tree("own-file-rollup", { "src/lib.js": WORKER_LIB, "src/main.js": UNGUARDED });
    const es = await rollupBuild(dir, "src/main.js", { smartasync: { root: dir } }, { dir: join(dir, "es") });
    expect(es.logs).toEqual([]);
    const cjs = await rollupBuild(
      dir,
      "src/main.js",
      {},
      {
        dir: join(dir, "cjs"),
        format: "cjs",
        entryFileNames: "[name].cjs",
        chunkFileNames: "[name]-[hash].cjs",
      },
    );
    expect(cjs.logs).toEqual([]);
    for (const [out, chunks] of [
      ["es", es.chunks],
      ["cjs", cjs.chunks],
    ] as const) {
      const files = chunks.filter((c) => c.type === "chunk");
      expect(files.map((c) => c.isEntry)).toEqual([true, true]);
      const lib = files.find((c) => c.facadeModuleId === join(dir, "src/lib.js"))!;
      expect(lib.moduleIds).toEqual([join(dir, "src/lib.js")]);
      expect(lib.code).toContain(
        out === "es" ? "register(import.meta.url, { slow })" : "register(__filename, { slow })",
      );
      const main = files.find((c) => c.facadeModuleId === join(dir, "src/main.js"))!;
      const r = await run([join(out, main.fileName)], dir);
      expect(`${out}: ${r.stdout}${r.stderr}`).toBe(`${out}: main 42\nsum 55\n`);
    }
  });

  it("Vite: the same in an SSR build, and a library's cjs and umd formats get a real module URL", async () => {
    const dir = tree("own-file-vite", {
      "src/lib.js": WORKER_LIB,
      "src/main.js": UNGUARDED,
      "use.cjs": `const lib = require(process.argv[2]);\nconsole.log(lib.slowSync(21));\nlib.sumAsync(10).then(console.log);\n`,
      "use.mjs": `const lib = await import(process.argv[2]);\nconsole.log(lib.slowSync(21));\nconsole.log(await lib.sumAsync(10));\n`,
    });
    const common = {
      root: dir,
      configFile: false as const,
      logLevel: "silent" as const,
      plugins: [vitePlugin()],
    };
    await viteBuild({ ...common, build: { ssr: "src/main.js", outDir: "ssr" } });
    const ssr = outputs(join(dir, "ssr"));
    expect(ssr).toHaveLength(2);
    const r = await run(["ssr/main.js"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("main 42\nsum 55\n");
    // Library mode: the entry is the worker module itself, and keeps its exports. Rolldown
    // would turn import.meta.url into {}.url in cjs and umd output (a library that throws on
    // require); umd is one file, so it is a build of its own here (Vite builds all formats at once).
    for (const formats of [["es", "cjs"], ["umd"]] as const) {
      await viteBuild({
        ...common,
        build: {
          outDir: "lib",
          emptyOutDir: formats[0] === "es",
          minify: false,
          lib: { entry: "src/lib.js", formats: [...formats], name: "lib", fileName: "lib" },
          rollupOptions: { output: { globals: { "smartasync/runtime": "smartasync" } } },
        },
      });
    }
    const files = outputs(join(dir, "lib"));
    expect(files).toEqual(["lib.cjs", "lib.js", "lib.umd.cjs"]);
    for (const f of files) {
      const text = readFileSync(join(dir, "lib", f), "utf8");
      expect(text).not.toContain("{}.url");
      expect(text).toContain(
        f === "lib.js" ? 'runSync(import.meta.url, "slow"' : 'runSync(__filename, "slow"',
      );
      const r = await run([f === "lib.js" ? "use.mjs" : "use.cjs", `./lib/${f}`], dir);
      expect(`${f}: ${r.stdout}${r.stderr}`).toBe(`${f}: 42\n55\n`);
    }
  });

  it("esbuild: the module is built into a worker file beside the output, so an unguarded entry runs once (esm, cjs, write: false)", async () => {
    const dir = tree("own-file-esbuild", { "src/lib.js": WORKER_LIB, "src/main.js": UNGUARDED });
    const common = {
      absWorkingDir: dir,
      entryPoints: ["src/main.js"],
      bundle: true,
      platform: "node" as const,
      plugins: [esbuildPlugin({ smartasync: { root: dir } })],
      logLevel: "silent" as const,
    };
    for (const [format, outfile] of [
      ["esm", "esm/main.mjs"],
      ["cjs", "cjs/main.cjs"],
    ] as const) {
      const b = await esbuild.build({ ...common, format, outfile, sourcemap: true });
      expect(b.warnings).toEqual([]);
      const files = outputs(join(dir, format));
      expect(files).toEqual([expect.stringMatching(/^lib-[0-9a-f]{8}\.[cm]js$/), outfile.slice(4)]);
      const worker = readFileSync(join(dir, format, files[0]), "utf8");
      expect(worker).not.toContain('console.log("main"');
      expect(worker).toContain(
        format === "esm" ? "register(import.meta.url, { slow })" : "register(__filename, { slow })",
      );
      expect(existsSync(join(dir, format, `${files[0]}.map`))).toBe(true);
      const r = await run([outfile], dir);
      expect(`${format}: ${r.stdout}${r.stderr}`).toBe(`${format}: main 42\nsum 55\n`);
    }
    // Not written: the worker file is among the result's output files.
    const mem = await esbuild.build({ ...common, format: "esm", outfile: "mem/main.mjs", write: false });
    expect(mem.outputFiles.map((f) => f.path.slice(dir.length + 1)).sort()).toEqual([
      expect.stringMatching(/^mem\/lib-[0-9a-f]{8}\.mjs$/),
      "mem/main.mjs",
    ]);
    expect(existsSync(join(dir, "mem"))).toBe(false);
  });

  // Both engines: the calls that name the module's URL are the ones the core names (compile
  // result `urlCallees`), the program's own `register` under its local name among them; another
  // object's `register(import.meta.url)` keeps the module's URL.
  for (const engine of ["swc", "babel"] as const)
    it(`esbuild: a user error class registered as the docs say keeps instanceof across threads (attack18 F13, ${engine})`, async () => {
      const dir = tree(`own-file-esbuild-error-class-${engine}`, {
        "src/lib.js": `import { register as reg } from "smartasync/runtime";\nexport class ValidationError extends Error {\n  constructor(m) {\n    super(m);\n    this.name = "ValidationError";\n  }\n}\nreg(import.meta.url, { ValidationError });\nconst registry = { register: (url) => url };\nexport const own = registry.register(import.meta.url);\n\n// @smartasync\nexport async function check(x) {\n  await new Promise((r) => setTimeout(r, 1));\n  if (typeof x !== "number") throw new ValidationError("not a number");\n  return x;\n}\n\n// @smartasync\nexport function checkNow(x) {\n  if (typeof x !== "number") throw new ValidationError("not a number (pool)");\n  return x;\n}\n`,
        "src/main.js": `import { isWorker } from "smartasync/runtime";\nimport { ValidationError, check, checkNow, own } from "./lib.js";\nfunction cli() {\n  try {\n    check("x");\n  } catch (e) {\n    console.log("sync:", e instanceof ValidationError);\n  }\n}\nasync function server() {\n  try {\n    await checkNow("x");\n  } catch (e) {\n    console.log("async:", e instanceof ValidationError);\n  }\n}\nif (!isWorker) {\n  console.log("own url:", own === import.meta.url);\n  cli();\n  await server();\n}\n`,
      });
      const b = await esbuild.build({
        absWorkingDir: dir,
        entryPoints: ["src/main.js"],
        bundle: true,
        platform: "node",
        format: "esm",
        outfile: "out/main.mjs",
        plugins: [esbuildPlugin({ engine, smartasync: { root: dir } })],
        logLevel: "silent",
      });
      expect(b.warnings).toEqual([]);
      const r = await run(["out/main.mjs"], dir);
      expect(`${r.stdout}${r.stderr}`).toBe("own url: true\nsync: true\nasync: true\n");
    });

  it("Rollup: an entry that is itself a worker module keeps its exports", async () => {
    const dir = tree("entry-is-worker", {
      "src/lib.js": WORKER_LIB,
      "use.mjs": `const lib = await import(process.argv[2]);\nconsole.log(lib.slowSync(21), await lib.sumAsync(10));\n`,
    });
    const { logs, chunks } = await rollupBuild(dir, "src/lib.js");
    expect(logs).toEqual([]);
    expect(chunks.map((c) => c.fileName)).toEqual(["lib.js"]);
    expect((chunks[0] as { exports: string[] }).exports).toEqual(
      expect.arrayContaining(["slow", "slowSync", "sum", "sumAsync"]),
    );
    const r = await run(["use.mjs", "./dist/lib.js"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("42 55\n");
  });

  it("a one-file format keeps the module in the entry's file: SA310 when the entry is unguarded", async () => {
    const dir = tree("one-file", {
      "src/lib.js": LIB,
      "src/main.js": `import { slow } from "./lib.js";\nconsole.log(slow(21));\n`,
    });
    const { logs } = await rollupBuild(dir, "src/main.js", {
      smartasync: { root: dir },
      workerChunks: false,
    });
    expect(logs.map((l) => l.message)).toEqual([
      "[plugin smartasync] SA310: main.js holds slow (src/lib.js:9:1), which runs in workers, and the entry src/main.js (the plugin's workerChunks is false). A worker imports main.js itself, so the top-level code of every module in it runs again in each worker, the entry's included. Guard the entry's effects: import { isWorker } from \"smartasync/runtime\"; if (!isWorker) main();",
    ]);
    expect(logs[0].pluginCode).toBe("SA310");
    // Vite's library mode with umd (its default with es): one file, known before the build.
    const vite: string[] = [];
    await viteBuild({
      root: dir,
      configFile: false,
      logLevel: "warn",
      customLogger: {
        info() {},
        warn: (m: string) => vite.push(m),
        warnOnce: (m: string) => vite.push(m),
        error() {},
        clearScreen() {},
        hasErrorLogged: () => false,
        hasWarned: false,
      },
      plugins: [vitePlugin({ smartasync: { root: dir } })],
      build: {
        outDir: "umd",
        lib: { entry: "src/main.js", name: "main", fileName: "main" },
        rollupOptions: {
          external: [/^node:/, "smartasync/runtime"],
          output: { globals: { "smartasync/runtime": "s" } },
        },
      },
    });
    const why =
      "(the build has a umd output, which is one file, so worker modules cannot have output files of their own).";
    expect(vite.filter((m) => m.includes("SA310"))).toEqual([
      expect.stringContaining(
        `SA310: main.js holds slow (src/lib.js:9:1), which runs in workers, and the entry src/main.js ${why}`,
      ),
      expect.stringContaining(
        `SA310: main.umd.cjs holds slow (src/lib.js:9:1), which runs in workers, and the entry src/main.js ${why}`,
      ),
    ]);
    const off = await esbuild.build({
      absWorkingDir: dir,
      entryPoints: ["src/main.js"],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: "dist-off/main.js",
      plugins: [esbuildPlugin({ smartasync: { root: dir }, workerChunks: false })],
      logLevel: "silent",
    });
    expect(off.warnings.map((w) => w.text)).toEqual([
      expect.stringContaining("and the entry src/main.js (the plugin's workerChunks is false)."),
    ]);
    expect(outputs(join(dir, "dist-off"))).toEqual(["main.js"]);
    // esbuild: worker files go beside the output files when all of them land in outdir (several
    // entry points of one directory, with or without splitting); where else, is not known.
    for (const splitting of [false, true]) {
      const out = splitting ? "dist-split" : "dist-esbuild";
      const e = await esbuild.build({
        absWorkingDir: dir,
        entryPoints: ["src/main.js", "src/lib.js"],
        bundle: true,
        splitting,
        platform: "node",
        format: "esm",
        outdir: out,
        plugins: [esbuildPlugin({ smartasync: { root: dir } })],
        logLevel: "silent",
      });
      expect(e.warnings).toEqual([]);
      const files = outputs(join(dir, out));
      expect(files).toContainEqual(expect.stringMatching(/^lib-[0-9a-f]{8}\.js$/));
      if (splitting) expect(files).toContainEqual(expect.stringMatching(/^chunk-[0-9A-Z]{8}\.js$/));
      // The unguarded entry runs once: the worker imports the worker file, not main.js.
      const r = await run([`${out}/main.js`], dir);
      expect(`${out}: ${r.stdout}${r.stderr}`).toBe(`${out}: 42\n`);
    }
    mkdirSync(join(dir, "src/tools"), { recursive: true });
    writeFileSync(
      join(dir, "src/tools/tool.js"),
      `import { slow } from "../lib.js";\nconsole.log(slow(1));\n`,
    );
    const e = await esbuild.build({
      absWorkingDir: dir,
      entryPoints: ["src/main.js", "src/tools/tool.js"],
      bundle: true,
      platform: "node",
      format: "esm",
      outdir: "dist-nested",
      plugins: [esbuildPlugin({ smartasync: { root: dir } })],
      logLevel: "silent",
    });
    expect(e.warnings.map((w) => w.text)).toEqual([
      expect.stringContaining(
        "SA310: dist-nested/main.js holds slow (src/lib.js:9:1), which runs in workers, and the entry src/main.js (esbuild: smartasync gives worker modules output files of their own only for a bundle with outfile, or with outdir when every output file lands in it: entry points of one directory, entry and chunk names without a directory).",
      ),
      expect.stringContaining("SA310: dist-nested/tools/tool.js holds slow"),
    ]);
  });

  it("an entry that a worker module imports stays in its file: SA310 names why", async () => {
    const dir = tree("cycle", {
      "src/lib.js": `import { prefix } from "./main.js";\n${LIB.replace("return x * 2;", "return prefix + x * 2;")}`,
      "src/main.js": `import { slow } from "./lib.js";\nexport const prefix = "=";\nconsole.log(slow(21));\n`,
    });
    const { logs } = await rollupBuild(dir, "src/main.js", { smartasync: { root: dir } });
    // (The module's own SA303 may name the cycle too: that is the analysis's, not the bundle's.)
    const own = logs.filter((l) => l.plugin === "smartasync" && l.pluginCode === "SA310");
    expect(own).toHaveLength(1);
    expect(own[0].message).toContain(
      "and the entry src/main.js (a module with worker functions imports it, directly or through other modules, so it is in that module's output file)",
    );
  });

  it("Rollup: output.manualChunks grouping the entry with a worker module gives SA310, and the entry re-runs as it says", async () => {
    const dir = tree("manual-chunks", {
      "src/lib.js": LIB,
      "src/main.js": `import { appendFileSync } from "node:fs";\nimport { isMainThread } from "node:worker_threads";\nimport { slow } from "./lib.js";\nappendFileSync(new URL("../runs.log", import.meta.url), "entry ran\\n");\nif (isMainThread) console.log(slow(21));\n`,
    });
    const { logs } = await rollupBuild(
      dir,
      "src/main.js",
      { smartasync: { root: dir } },
      { manualChunks: () => "app" },
    );
    const own = logs.filter((l) => l.plugin === "smartasync" && l.pluginCode === "SA310");
    expect(own.map((l) => l.message)).toEqual([
      expect.stringMatching(
        /^\[plugin smartasync\] SA310: lib-[\w-]+\.js holds slow \(src\/lib\.js:9:1\), which runs in workers, and the entry src\/main\.js \(the output's chunking put the entry's code in this file, its own file only imports it: output\.manualChunks or the like\)\. /,
      ),
    ]);
    // What the warning says happens: the worker's import of app-….js runs the entry again.
    const r = await run(["dist/main.js"], dir);
    expect(`${r.stdout}${r.stderr}`).toBe("42\n");
    expect(readFileSync(join(dir, "runs.log"), "utf8")).toBe("entry ran\nentry ran\n");
  });

  it("work when the entry is guarded: the worker imports the output file (Rollup, esbuild CommonJS, webpack)", async () => {
    const dir = tree("workers", {
      "src/lib.js": LIB,
      "src/main.js": `import { isWorker } from "smartasync/runtime";\nimport { slow } from "./lib.js";\nif (!isWorker) console.log(slow(21));\n`,
    });
    await rollupBuild(
      dir,
      "src/main.js",
      {},
      { format: "cjs", entryFileNames: "[name].cjs", chunkFileNames: "[name]-[hash].cjs" },
    );
    await esbuild.build({
      entryPoints: [join(dir, "src/main.js")],
      bundle: true,
      platform: "node",
      outfile: join(dir, "dist/esbuild.cjs"),
      plugins: [esbuildPlugin()],
      logLevel: "silent",
    });
    const stats = await webpackBuild({
      context: dir,
      entry: "./src/main.js",
      output: { path: join(dir, "dist"), filename: "webpack.cjs" },
      plugins: [webpackPlugin()],
    });
    expect(stats.hasErrors()).toBe(false);
    // esbuild's copy names the module's worker file, which names itself __filename.
    expect(readFileSync(join(dir, "dist/esbuild.cjs"), "utf8")).toMatch(
      /runSync\(require\("node:path"\)\.join\(__dirname, "lib-[0-9a-f]{8}\.cjs"\), "slow"/,
    );
    for (const out of ["dist/main.cjs", "dist/esbuild.cjs", "dist/webpack.cjs"]) {
      const r = await run([out], dir);
      expect(`${out}: ${r.stdout}${r.stderr}`).toBe(`${out}: 42\n`);
    }
  });

  it("two functions of one name in one output file are SA311 (the worker could run the wrong one)", async () => {
    const fn = (tag: string) =>
      `// @smartasync\nexport async function work(x) {\n  await new Promise((r) => setTimeout(r, 1));\n  return "${tag}" + x;\n}\n`;
    const dir = tree("clash", {
      "src/a.js": fn("a"),
      "src/b.js": fn("b"),
      "src/main.js": `import { isWorker } from "smartasync/runtime";\nimport { work as a } from "./a.js";\nimport { work as b } from "./b.js";\nif (!isWorker) console.log(a(1), b(2));\n`,
    });
    const e = await rollupBuild(dir, "src/main.js", { smartasync: { root: dir }, workerChunks: false }).catch(
      (x) => x,
    );
    expect(e.message).toContain(
      "SA311: main.js holds 2 functions named work that run in workers (src/a.js, src/b.js). A worker finds a function by the output file it is in and its name, so it could run the wrong one.",
    );
    // In their own output files (the default) they do not meet.
    const { logs } = await rollupBuild(dir, "src/main.js");
    expect(logs).toEqual([]);
    const r = await run(["dist/main.js"], dir);
    expect(r.stdout).toBe("a1 b2\n");
  });

  it("an output that gives a worker no file to import is SA312, naming the functions and the format", async () => {
    const dir = tree("no-url", {
      "src/lib.js": LIB,
      "src/main.js": `import { slow } from "./lib.js";\nconsole.log(slow(21));\n`,
    });
    const opts = { smartasync: { root: dir } };
    // Rollup's JavaScript API shows the format only after the build gave lib.js a file of its own.
    const umd = await rollupBuild(dir, "src/main.js", opts, { format: "umd", name: "x" }).catch((x) => x);
    expect(umd.pluginCode ?? umd.code).not.toBe("INVALID_OPTION");
    expect(umd.message).toContain(
      'SA312: slow (src/lib.js:9:1) runs in workers, so smartasync put their modules in output files of their own, which output format "umd" cannot have (it is one file).',
    );
    expect(umd.message).toContain("`workerChunks: false`");
    const amd = await rollupBuild(dir, "src/main.js", opts, { format: "amd" }).catch((x) => x);
    expect(amd.message).toContain(
      'SA312: slow (src/lib.js:9:1) runs in workers, which import the output file that holds them by its URL, and output format "amd" gives a file no URL of its own in Node.',
    );
  });

  it("webpack: the worker file serves a module in any chunk at the top of output.path (import(), splitChunks), unguarded", async () => {
    const dir = tree("webpack-chunks", {
      "src/lib.js": LIB,
      "src/lazy.js": `import("./lib.js").then((m) => console.log("lazy", m.slowSync(21)));\n`,
      "src/split.js": `import { slow } from "./lib.js";\nconsole.log("split", slow(21));\n`,
    });
    const lazyConfig = {
      context: dir,
      entry: "./src/lazy.js",
      output: { path: join(dir, "lazy"), filename: "main.cjs", chunkFilename: "[id].cjs" },
    };
    const splitConfig = {
      context: dir,
      entry: "./src/split.js",
      output: { path: join(dir, "split"), filename: "[name].cjs" },
      optimization: {
        splitChunks: {
          chunks: "all" as const,
          minSize: 0,
          cacheGroups: { lib: { test: /lib\.js$/, name: "lib", enforce: true } },
        },
      },
    };
    for (const [config, out] of [
      [lazyConfig, "lazy/main.cjs"],
      [splitConfig, "split/main.cjs"],
    ] as const) {
      const stats = await webpackBuild({
        ...config,
        plugins: [webpackPlugin({ smartasync: { root: dir } })],
      });
      expect(stats.toJson({ all: false, errors: true, warnings: true })).toMatchObject({
        errors: [],
        warnings: [],
      });
      expect(outputs(join(dir, dirname(out)))).toContain(
        readdirSync(join(dir, dirname(out))).find((f) => /^lib-[0-9a-f]{8}\.cjs$/.test(f)),
      );
      const r = await run([out], dir);
      expect(`${out}: ${r.stdout}${r.stderr}`).toBe(`${out}: ${dirname(out)} 42\n`);
    }
    // Without worker files, such a chunk is SA312: it only defines its modules when required.
    const off = webpackPlugin({ smartasync: { root: dir }, workerChunks: false });
    const lazy = await webpackBuild({ ...lazyConfig, plugins: [off] });
    expect(lazy.toJson({ all: false, errors: true }).errors!.map((e) => e.message)).toEqual([
      "smartasync: SA312: slow (src/lib.js:9:1) runs in workers, which import the output file that holds them, and webpack put its module in 1.cjs, a chunk that does not run its modules when imported (splitChunks or import()), so the worker would find nothing registered. Keep the module in an entry chunk: import it statically from the entry and exclude it from optimization.splitChunks (docs/integrations.md#worker-strategies).",
    ]);
    const split = await webpackBuild({
      ...splitConfig,
      plugins: [webpackPlugin({ smartasync: { root: dir }, workerChunks: false })],
    });
    expect(split.toJson({ all: false, errors: true }).errors!.map((e) => e.message)).toEqual([
      expect.stringContaining(
        "smartasync: SA312: slow (src/lib.js:9:1) runs in workers, which import the output file that holds them, and webpack put its module in lib.cjs,",
      ),
    ]);
    // A chunk in a subdirectory would look for the worker file beside it.
    const sub = await webpackBuild({
      context: dir,
      entry: "./src/split.js",
      output: { path: join(dir, "sub"), filename: "bin/main.cjs" },
      plugins: [webpackPlugin({ smartasync: { root: dir } })],
    });
    expect(sub.toJson({ all: false, errors: true }).errors!.map((e) => e.message)).toEqual([
      "smartasync: SA312: slow (src/lib.js:9:1) runs in workers, from a worker file at the top of output.path, which the generated code looks for beside the file that holds it, and webpack put its module in bin/main.cjs, a subdirectory. Keep output.filename and output.chunkFilename without directories (docs/integrations.md#worker-strategies).",
    ]);
  });

  it('webpack: a target whose __filename is not the output file\'s (web: "mock") is SA312', async () => {
    const dir = tree("webpack-web", {
      "src/lib.js": LIB.slice(LIB.indexOf("// @smartasync\nexport async function slow")),
      "src/main.js": `import { isWorker } from "smartasync/runtime";\nimport { slow } from "./lib.js";\nif (!isWorker) console.log(slow(21));\n`,
    });
    const stats = await webpackBuild({
      context: dir,
      target: "web",
      entry: "./src/main.js",
      output: { path: join(dir, "dist"), filename: "main.cjs" },
      plugins: [webpackPlugin({ smartasync: { root: dir } })],
    });
    expect(stats.toJson({ all: false, errors: true }).errors!.map((e) => e.message)).toEqual([
      'smartasync: SA312: slow (src/lib.js:2:1) runs in workers, which find their output file by `__filename`, and webpack replaces it (node.__filename is "mock"; "mock" is the default for targets other than node). Build a Node program: target: "node" (or set node: { __filename: "eval-only" }) (docs/integrations.md#worker-strategies).',
    ]);
  });

  it("webpack's ES module output cannot name itself for a worker: SA312 says what to do", async () => {
    const dir = tree("webpack-esm", {
      "src/lib.js": LIB,
      "src/main.js": `import { isWorker } from "smartasync/runtime";\nimport { slow } from "./lib.js";\nif (!isWorker) console.log(slow(21));\n`,
    });
    const stats = await webpackBuild({
      context: dir,
      entry: "./src/main.js",
      experiments: { outputModule: true },
      output: { path: join(dir, "dist"), filename: "main.mjs", module: true },
      plugins: [webpackPlugin({ smartasync: { root: dir } })],
    });
    const [err] = stats.toJson({ all: false, errors: true }).errors!;
    expect(err.message).toContain(
      "smartasync: SA312: slow (src/lib.js:9:1) runs in workers, which smartasync supports in webpack's CommonJS output only",
    );
  });
});

describe("the transform", () => {
  /** The plugin's transform hook, called as a tool would. */
  function transformOf(options: object = {}) {
    const plugin = unplugin.raw(options as never, { framework: "rollup", versions: {} });
    const hook = plugin.transform as { handler: (code: string, id: string) => Promise<unknown> };
    const warnings: unknown[] = [];
    const watched: string[] = [];
    const emitted: string[] = [];
    const ctx = {
      warn: (w: unknown) => warnings.push(w),
      error: (e: unknown) => {
        throw e;
      },
      addWatchFile: (f: string) => watched.push(f),
      // Rollup's: the plugin gives a module with worker functions an output file of its own.
      emitFile: (f: { type: string; id: string }) => {
        emitted.push(f.id);
        return "ref";
      },
    };
    return {
      transform: (code: string, id: string) => hook.handler.call(ctx, code, id),
      warnings,
      watched,
      emitted,
    };
  }

  it("watches the local modules a file reaches through its imports: their facts decide its rewrites", async () => {
    const dir = tree("watch", {
      "src/lib.js": LIB,
      "src/plain.js": `export { helper } from "./deeper.js";\nexport const x = 1;\n`,
      "src/deeper.js": `import "./deepest.js";\nexport function helper() {}\n`,
      "src/deepest.js": "export {};\n",
    });
    const { transform, watched } = transformOf();
    const main = `import { load } from "./lib.js";\nimport { x } from "./plain";\nimport { join } from "node:path";\nexport const y = x;\n`;
    await transform(main, join(dir, "src/main.js"));
    expect(watched.slice(0, 4)).toEqual(
      ["lib.js", "plain.js", "deeper.js", "deepest.js"].map((f) => join(dir, "src", f)),
    );
    // Then the files that decide their options and module kind, absent ones too, up to the
    // nearest folder that holds one (this repository's package.json; attack26 F02).
    expect(watched.slice(4)).toEqual(
      expect.arrayContaining([
        join(dir, "src/smartasync.config.json"),
        join(dir, "src/package.json"),
        join(ROOT, "package.json"),
      ]),
    );
    expect(watched).not.toContain(join(ROOT, "..", "package.json"));
  });

  it("does not parse a file without an annotation that imports nothing smartasync knows (both engines)", async () => {
    const dir = tree("fast-path", { "src/lib.js": LIB, "src/plain.js": "export const x = 1;\n" });
    // Not even valid JavaScript: only a parse would notice.
    const broken = `import { x } from "./plain.js";\nexport const y = ((( x;\n`;
    for (const engine of ["swc", "babel"]) {
      const { transform } = transformOf({ engine });
      await transform(LIB, join(dir, "src/lib.js")); // the Babel engine's graph exists after its first file
      // Unchanged: no edit (under Rollup the text comes back as it is, with the stamp Rollup's
      // cache is checked against, test/integrations/rollup-cache.test.ts).
      const unchanged = (out: unknown, input: string) =>
        out === null ||
        ((out as { code?: string; map?: unknown }).code === input && (out as { map?: unknown }).map === null);
      expect(unchanged(await transform(broken, join(dir, "src/broken.js")), broken)).toBe(true);
      const z = "export const z = 1;\n";
      expect(unchanged(await transform(z, join(dir, "src/plain.js")), z)).toBe(true);
    }
  });

  it("changes only what smartasync changes: TypeScript and JSX stay for the tool (SWC engine)", async () => {
    const dir = tree("only-smartasync", { "src/x.tsx": "" });
    const { transform } = transformOf();
    const src = `import { readFile } from "node:fs/promises";\n\n// @smartasync\nexport async function load(p: string): Promise<string> {\n  return await readFile(p, "utf8");\n}\n\nexport function View(): JSX.Element {\n  const text: string = load("a.txt");\n  return <p>{text}</p>;\n}\n`;
    const out = (await transform(src, join(dir, "src/x.tsx"))) as {
      code: string;
      map: { sources: string[] };
    };
    expect(out.code).toContain("export function View(): JSX.Element {");
    expect(out.code).toContain('const text: string = loadSync("a.txt");');
    expect(out.code).toContain("return <p>{text}</p>;");
    expect(out.code).toContain("export function loadSync(p: string)");
    expect(out.map.sources).toEqual([join(dir, "src/x.tsx")]);
  });

  it("takes smartasync's options from the plugin over the nearest package.json's field, key by key", async () => {
    const dir = tree("package-options", {
      "package.json": JSON.stringify({
        type: "module",
        smartasync: { syncSuffix: "Blocking", strict: true },
      }),
      "src/lib.js": LIB,
    });
    const { transform } = transformOf({ smartasync: { strict: false } });
    const out = (await transform(LIB, join(dir, "src/lib.js"))) as { code: string };
    expect(out.code).toContain("function loadBlocking(file)");
    const bad = tree("package-options-bad", {
      "package.json": JSON.stringify({ smartasync: { synSuffix: "Blocking" } }),
    });
    const e = (await transformOf()
      .transform(LIB, join(bad, "src/lib.js"))
      .catch((x: Error) => x)) as Error;
    expect(e.message).toContain(
      `SA104: the "smartasync" field of ${join(bad, "package.json")}:1:16: unknown option \`synSuffix\`; did you mean \`syncSuffix\`?`,
    );
  });

  it("reads each extension as its kind: CommonJS in .cjs, TypeScript in .mts/.cts (both engines)", async () => {
    const dir = tree("extensions", { "src/x": "" });
    const cjs = `const { readFile } = require("node:fs/promises");\n// @smartasync\nasync function load(p) {\n  return readFile(p, "utf8");\n}\n// @smartasync\nasync function slow() {\n  await new Promise((r) => setTimeout(r, 1));\n}\nmodule.exports = { load, slow };\nif (require.main === module) return;\n`;
    const mts = `// @smartasync\nexport async function load<T>(p: string): Promise<T> {\n  return JSON.parse(await Promise.resolve(p)) as T;\n}\n`;
    for (const engine of ["swc", "babel"]) {
      const { transform } = transformOf({ engine });
      const c = (await transform(cjs, join(dir, "src/lib.cjs"))) as { code: string };
      expect(c.code).toMatch(/= require\("smartasync\/runtime"\)/);
      expect(c.code).toMatch(/runSync\(__filename, "slow", args\)/);
      expect(c.code).toContain("function loadSync(p)");
      for (const ext of ["mts", "cts"]) {
        const m = (await transform(mts, join(dir, `src/lib.${ext}`))) as { code: string };
        // Types kept: the tool strips them.
        expect(m.code).toContain("export async function load<T>(p: string): Promise<T> {");
        expect(m.code).toContain("function loadSync(...args: Parameters<typeof load>)");
        // In a Rollup or Vite build, import.meta.url waits for the output format (renderChunk).
        expect(m.code).toContain(
          ext === "cts" ? 'runSync(__filename, "load"' : 'runSync(__smartasyncUrl, "load"',
        );
      }
    }
  });

  it("Rollup: a module with worker functions becomes an output file of its own; its URL waits for the format", async () => {
    const dir = tree("emit", { "src/lib.js": LIB });
    const { transform, emitted } = transformOf();
    const out = (await transform(LIB, join(dir, "src/lib.js"))) as {
      code: string;
      map: { mappings: string };
    };
    expect(emitted).toEqual([join(dir, "src/lib.js")]);
    expect(out.code).toContain('return _sa.runSync(__smartasyncUrl, "slow", args);');
    expect(out.code).toContain("_sa.register(__smartasyncUrl, { slow });");
    expect(out.code).not.toContain("import.meta.url");
    // The placeholder is as long as import.meta.url: the engine's map stays true.
    expect("__smartasyncUrl".length).toBe("import.meta.url".length);
    // Inline variants only: no file of its own.
    await transform(INLINE_LIB, join(dir, "src/inline.js"));
    expect(emitted).toEqual([join(dir, "src/lib.js")]);
  });

  it("skips ids of virtual modules and reads the file behind a query", async () => {
    const dir = tree("ids", { "src/lib.js": LIB });
    const { transform } = transformOf();
    expect(await transform(LIB, "\0virtual:lib.js")).toBeNull();
    const out = (await transform(LIB, `${join(dir, "src/lib.js")}?v=123`)) as { code: string };
    expect(out.code).toContain("function loadSync(file)");
  });

  it("Babel engine: the same program out of each tool as with SWC", async () => {
    const dir = join(EXAMPLES, "rollup");
    const out = join(TMP, "babel-engine");
    rmSync(out, { recursive: true, force: true });
    const bundle = await rollup({
      input: join(dir, "src/main.js"),
      external: [/^node:/],
      plugins: [rollupPlugin({ engine: "babel" })],
    });
    await bundle.write({ dir: out, format: "es", sourcemap: true });
    await bundle.close();
    const r = await run([join(out, "main.js")], dir);
    expect(r.stdout).toBe(EXPECTED);
    expect(existsSync(join(out, "main.js.map"))).toBe(true);
  });
});
