/**
 * The on-disk facts store (src/compile/facts-store.ts) against edits: each host builds a small
 * project twice with its cache, the project edited in between, and the second build must equal —
 * byte for byte, output and report — a build of the edited project with no cache at all
 * (`SMARTASYNC_CACHE=0`). Hosts, each a real process: `smartasync build` with `--jobs 1` (and
 * `inspect -f json`, the per-call report) and `--jobs 2`, `node --import smartasync/register`
 * (what its load hook hands Node, captured by a hook chained after it), and Rollup with
 * `smartasync/rollup` (the bundle and the plugin's `reportFile`).
 *
 * The project: app.js calls, in sync code, an annotated `load` (lib.js, inline through
 * hand-written twins in helpers.js and the package `twinpkg`), `read` behind two `export *`
 * (barrel.js → mid.js → deep.js), `fetchRemote` of a package with a manifest (`dep`), `sub`
 * of a folder with its own options (sub/package.json, and `load` of its copy.js) and a plain `extra`.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, ROOT, TMP, untimed } from "./helpers.js";

const BASE = join(TMP, "facts-cache");

const LIB = `import { fetchThing } from "./helpers.js";
import { getIt } from "twinpkg";

// @smartasync
export async function load(p) {
  const a = await fetchThing(p);
  return a + (await getIt(p));
}
`;

const PROJECT: Record<string, string> = {
  "package.json": `${JSON.stringify({ name: "p", version: "1.0.0", type: "module" })}\n`,
  "src/app.js": `import { read } from "./barrel.js";
import { extra } from "./extra.js";
import { load } from "./lib.js";
import { load as loadCopy } from "./sub/copy.js";
import { sub } from "./sub/sub.js";
import { fetchRemote } from "dep";

export function main() {
  return [load("a").length, read("b").length, fetchRemote("c").length, sub("d"), extra("e").length, loadCopy("f").length];
}
`,
  "src/lib.js": LIB,
  "src/helpers.js": `export async function fetchThing(p) {
  return p;
}
export function fetchThingSync(p) {
  return p;
}
`,
  "src/barrel.js": `export * from "./mid.js";\nexport const version = 1;\n`,
  "src/mid.js": `export * from "./deep.js";\n`,
  "src/deep.js": `// @smartasync
export async function read(p) {
  return p;
}
`,
  "src/other.js": `export async function read(p) {
  return p;
}
`,
  "src/extra.js": `export async function extra(p) {
  return p;
}
`,
  "src/sub/package.json": `${JSON.stringify({ name: "sub", type: "module", smartasync: { syncSuffix: "Now" } })}\n`,
  "src/sub/sub.js": `import { load } from "./copy.js";

export function sub(p) {
  return load(p).length;
}
`,
  // Scenario (g) gives src/sub/copy.js the text of src/lib.js: its `./helpers.js` is this one, a
  // module without the twin. Without it the import is missing, which ends a Rollup build part
  // way, and which modules were transformed by then is a race (the report differed run to run).
  "src/sub/helpers.js": `export async function fetchThing(p) {
  return p;
}
`,
  "src/sub/copy.js": `// @smartasync
export async function load(p) {
  return p;
}
`,
  "node_modules/dep/package.json": `${JSON.stringify({
    name: "dep",
    version: "1.0.0",
    type: "module",
    exports: { ".": "./index.js" },
    smartasync: { manifest: "./smartasync.manifest.json" },
  })}\n`,
  "node_modules/dep/index.js": `export async function fetchRemote(p) {
  return p;
}
export function fetchRemoteSync(p) {
  return p;
}
export function fetchRemoteNow(p) {
  return p;
}
`,
  "node_modules/dep/smartasync.manifest.json": `${JSON.stringify({
    version: 1,
    exports: {
      ".": {
        fetchRemote: {
          name: "fetchRemote",
          kind: "async",
          variant: "fetchRemoteSync",
          syncStrategy: "inline",
        },
      },
    },
  })}\n`,
  "node_modules/twinpkg/package.json": `${JSON.stringify({
    name: "twinpkg",
    version: "1.0.0",
    type: "module",
    exports: "./a.js",
  })}\n`,
  "node_modules/twinpkg/a.js": `export async function getIt(p) {
  return p;
}
export function getItSync(p) {
  return p;
}
`,
  "node_modules/twinpkg/b.js": `export async function getIt(p) {
  return p;
}
`,
};

/** Replaces `from` (which must be there) by `to` in the project's file `file`. */
function edit(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, "utf8");
  expect(text, `${file} holds ${from}`).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

interface Scenario {
  name: string;
  change: (dir: string) => void;
  /** Whether the tree's stamps are let age past the store's racy window before the first build. */
  settle?: boolean;
}

const SCENARIOS: Scenario[] = [
  {
    name: "(a) a dependency loses its annotation",
    change: (d) => edit(d, "src/lib.js", "// @smartasync\n", ""),
  },
  {
    name: "(a) a dependency gains an annotation",
    change: (d) => edit(d, "src/extra.js", "export async", "// @smartasync\nexport async"),
  },
  {
    name: "(b) a function changes strategy (inline → worker)",
    change: (d) => edit(d, "src/lib.js", "await getIt(p)", "await fetch(p)"),
  },
  {
    name: "(c) a package's manifest changes",
    change: (d) =>
      edit(d, "node_modules/dep/smartasync.manifest.json", '"fetchRemoteSync"', '"fetchRemoteNow"'),
  },
  {
    name: '(d) a folder\'s package.json "smartasync" options change',
    change: (d) => edit(d, "src/sub/package.json", '"Now"', '"Blocking"'),
  },
  {
    name: '(d) a package\'s "exports" change (its twins by name)',
    change: (d) => edit(d, "node_modules/twinpkg/package.json", '"./a.js"', '"./b.js"'),
  },
  {
    name: "(e) a file behind a re-export is renamed",
    change: (d) => renameSync(join(d, "src/deep.js"), join(d, "src/deep-old.js")),
  },
  {
    name: "(e) a dependency is deleted",
    change: (d) => unlinkSync(join(d, "src/helpers.js")),
  },
  {
    name: "(e) a file is replaced by a symbolic link",
    change: (d) => {
      unlinkSync(join(d, "src/deep.js"));
      symlinkSync("other.js", join(d, "src/deep.js"));
    },
  },
  {
    name: "(f) an edit in the same second as the first build, same size and modification time",
    settle: false,
    change: (d) => {
      const path = join(d, "src/deep.js");
      const { atime, mtime } = statSync(path);
      edit(d, "src/deep.js", "// @smartasync", "// -smartasync");
      utimesSync(path, atime, mtime);
    },
  },
  {
    name: "(f) the same, the first build's stamps old enough to be kept",
    change: (d) => {
      const path = join(d, "src/deep.js");
      const { atime, mtime } = statSync(path);
      edit(d, "src/deep.js", "// @smartasync", "// -smartasync");
      utimesSync(path, atime, mtime);
    },
  },
  {
    name: "(g) the same text at another path",
    change: (d) => writeFileSync(join(d, "src/sub/copy.js"), LIB),
  },
  {
    name: "(h) a dependency two imports away loses its annotation (behind two export *)",
    change: (d) => edit(d, "src/deep.js", "// @smartasync\n", ""),
  },
  {
    name: "(h) a dependency two imports away loses the twin an annotated function calls",
    change: (d) => edit(d, "src/helpers.js", "fetchThingSync", "fetchThingSink"),
  },
];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string, env: Record<string, string | undefined>): Run {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const k of [
    "FORCE_COLOR",
    "NO_COLOR",
    "CI",
    "NODE_OPTIONS",
    "SMARTASYNC_WORKER_IMPORT",
    "SMARTASYNC_CACHE",
  ])
    delete base[k];
  const r = spawnSync(process.execPath, args, {
    cwd,
    encoding: "utf8",
    env: { ...base, ...env },
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`: relative path → text (a link's text is its target's). */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** A hook chained after smartasync's: writes what smartasync's load hook handed Node. */
const DUMP_HOOKS = `import { appendFileSync } from "node:fs";
export async function load(url, context, nextLoad) {
  const r = await nextLoad(url, context);
  if (url.includes("/src/")) appendFileSync(process.env.DUMP, JSON.stringify([url, String(r.source)]) + "\\n");
  return r;
}
`;
/** Loads each source file under the hooks (one at a time, an import's failure noted by its code). */
const DUMP = `import { register } from "node:module";
register("./dump-hooks.mjs", import.meta.url);
for (const f of process.argv.slice(2)) {
  try {
    await import(new URL(f, import.meta.url).href);
    console.log(f, "loaded");
  } catch (e) {
    console.log(f, e.code ?? e.name);
  }
}
`;
const ROLLUP = `import { join } from "node:path";
import { rollup } from "rollup";
import smartasync from "smartasync/rollup";
const dir = process.cwd();
const out = process.argv[2];
const warnings = [];
try {
  const bundle = await rollup({
    input: join(dir, "src/app.js"),
    external: (id) => !id.startsWith(".") && !id.startsWith("/"),
    plugins: [smartasync({ reportFile: join(out, "report.json") })],
    onLog: (level, log) => {
      if (level === "warn") warnings.push(log.message);
    },
  });
  await bundle.write({ dir: join(out, "bundle"), format: "es" });
  await bundle.close();
} catch (e) {
  console.log("error", e.message);
}
console.log(JSON.stringify(warnings, null, 1));
`;

type Host = (dir: string, out: string, cache: string | null) => Record<string, string>;

const cacheEnv = (cache: string | null) =>
  cache === null ? { SMARTASYNC_CACHE: "0" } : { SMARTASYNC_CACHE_DIR: cache };

/** What a run printed, with its own out folder's name and timings masked. */
const printed = (r: Run, out: string) =>
  `status ${r.status}\n${untimed(r.stdout.split(out).join("<out>"))}\n--stderr--\n${untimed(r.stderr.split(out).join("<out>"))}`;

function cliHost(jobs: string): Host {
  return (dir, out, cache) => {
    const build = run(
      [BIN, "build", "src", "--out-dir", out, "--compiler", "swc", "--jobs", jobs, "--no-declarations"],
      dir,
      cacheEnv(cache),
    );
    const result: Record<string, string> = { printed: printed(build, relative(dir, out)), ...files(out) };
    if (jobs === "1") {
      // The per-call report, where a callee's facts (its strategy, its variant) show.
      const inspect = run([BIN, "inspect", "src", "-f", "json", "--compiler", "swc"], dir, cacheEnv(cache));
      result.inspect = printed(inspect, relative(dir, out));
    }
    return result;
  };
}

const SOURCES = ["src/app.js", "src/lib.js", "src/sub/sub.js", "src/barrel.js"];

const registerHost: Host = (dir, out, cache) => {
  mkdirSync(out, { recursive: true });
  const dump = join(out, "dump.jsonl");
  const r = run(["--import", "smartasync/register", "dump.mjs", ...SOURCES.map((s) => `./${s}`)], dir, {
    ...cacheEnv(cache),
    DUMP: dump,
  });
  const loaded = existsSync(dump)
    ? readFileSync(dump, "utf8")
        .trimEnd()
        .split("\n")
        .sort()
        .map((l) => (JSON.parse(l) as [string, string]).join("\n"))
    : [];
  return { printed: printed(r, relative(dir, out)), loaded: loaded.join("\n\n") };
};

const rollupHost: Host = (dir, out, cache) => {
  const r = run(["rollup.mjs", out], dir, cacheEnv(cache));
  return { printed: printed(r, out), ...files(out) };
};

const HOSTS: [string, Host][] = [
  ["build --jobs 1", cliHost("1")],
  ["build --jobs 2", cliHost("2")],
  ["register", registerHost],
  ["rollup", rollupHost],
];

/** Writes the project (and the drivers) into a fresh folder. */
function project(name: string): string {
  const dir = join(BASE, name);
  rmSync(dir, { recursive: true, force: true });
  for (const [path, text] of Object.entries({
    ...PROJECT,
    "dump-hooks.mjs": DUMP_HOOKS,
    "dump.mjs": DUMP,
    "rollup.mjs": ROLLUP,
  })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  symlinkSync(ROOT, join(dir, "node_modules/smartasync"), "dir");
  return dir;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the facts store across two builds, the project edited in between", () => {
  SCENARIOS.forEach((scenario, i) => {
    it(scenario.name, async () => {
      const dir = project(`s${i}`);
      // Stamps younger than the store's racy window are not kept (facts-store.ts): let them age,
      // so that the second build meets the stamps the first one kept.
      if (scenario.settle !== false) await sleep(1100);
      const first = HOSTS.map(([name, host]) =>
        host(dir, join(dir, "runs", name, "first"), join(dir, "runs", name, "cache")),
      );
      scenario.change(dir);
      const seconds = HOSTS.map(([name, host]) =>
        host(dir, join(dir, "runs", name, "second"), join(dir, "runs", name, "cache")),
      );
      HOSTS.forEach(([name, host], h) => {
        const fresh = host(dir, join(dir, "runs", name, "fresh"), null);
        expect(seconds[h], `${name}: the second build equals a build without a cache`).toEqual(fresh);
        // The edit changes what the host makes (the scenario tests something).
        expect(fresh, `${name}: the edit shows`).not.toEqual(first[h]);
      });
    }, 180_000);
  });
});
