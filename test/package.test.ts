// The package as another project sees it: plain `node`, no loader, from a fresh directory whose
// node_modules/smartasync points at this repository.
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { anchorsOf, linksOf } from "./markdown.js";
import { isSubset } from "./node-range.js";

const root = join(import.meta.dirname, "..");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const esm = `
import { callSync, isWorker, mark, register, runSync } from "smartasync/runtime";
async function load(x) { return "async " + x; }
function loadSync(x) { return "sync " + x + " " + this.tag; }
mark(load, { kind: "async", sync: loadSync });
export async function remote(x) { return x * 2; }
register(import.meta.url, { remote });
if (!isWorker) {
  console.log(callSync({ tag: "this-ok", load }, "load", [1]));
  console.log("runSync", runSync(import.meta.url, "remote", [21]));
}
`;
const cjs = `
const sa = require("smartasync/runtime");
async function load(x) { return "async " + x; }
function loadSync(x) { return "sync " + x + " " + this.tag; }
sa.mark(load, { kind: "async", sync: loadSync });
async function remote(x) { return x + 1; }
sa.register(__filename, { remote });
if (!sa.isWorker) {
  console.log(sa.callSync({ tag: "this-ok", load }, "load", [2]));
  console.log("runSync", sa.runSync(__filename, "remote", [41]));
}
`;

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "smartasync-consumer-"));
  dirs.push(dir);
  writeFileSync(join(dir, "main.mjs"), esm);
  writeFileSync(join(dir, "main.cjs"), cjs);
  return dir;
}

function run(dir: string, file: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function check(dir: string): void {
  const a = run(dir, "main.mjs");
  expect(a.stderr).toBe("");
  expect(a.stdout).toBe("sync 1 this-ok\nrunSync 42\n");
  const b = run(dir, "main.cjs");
  expect(b.stderr).toBe("");
  expect(b.stdout).toBe("sync 2 this-ok\nrunSync 42\n");
}

describe("smartasync/runtime from another project", () => {
  it("symlinked node_modules/smartasync: import() and require() work with plain node", () => {
    const dir = project();
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(root, join(dir, "node_modules", "smartasync"), "dir");
    check(dir);
  });

  // npm links a `file:` directory dependency; --ignore-scripts keeps any script of it from running
  // under the other tests. The global setup has already built dist/.
  it("file: dependency installed by npm --offline: import() and require() work with plain node", () => {
    const dir = project();
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "consumer",
        version: "1.0.0",
        private: true,
        dependencies: { smartasync: `file:${root}` },
      }),
    );
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    execFileSync(
      npm,
      ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
      {
        cwd: dir,
        stdio: "pipe",
        timeout: 120_000,
      },
    );
    check(dir);
  });
});

// ——— The tarball: what `npm pack` would publish ———

interface Packed {
  files: { path: string }[];
}

/** The files `npm pack` would put in the tarball (dry run; no scripts: the global setup built dist/). */
function packedFiles(): Set<string> {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const out = execFileSync(npm, ["pack", "--dry-run", "--json", "--ignore-scripts", "--loglevel=error"], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  });
  const [packed] = JSON.parse(out) as Packed[];
  return new Set(packed!.files.map((f) => f.path));
}

describe("the packed tarball", () => {
  const files = packedFiles();
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
    license: string;
    repository?: { url: string };
    homepage?: string;
  };

  it("ships dist, the docs, README, CHANGELOG, SECURITY and an MIT LICENSE; no tests or sources", () => {
    for (const f of [
      "package.json",
      "README.md",
      "CHANGELOG.md",
      "SECURITY.md",
      "LICENSE",
      "docs/diagnostics.md",
      "dist/runtime/index.js",
      "dist/runtime/index.d.ts",
      "dist/runtime/index.cjs",
      "dist/runtime/index.d.cts",
      "dist/runtime/browser.js",
      "dist/cli/bin.js",
    ])
      expect(files, f).toContain(f);
    for (const f of files)
      expect(f, f).toMatch(
        /^(dist\/|docs\/|README\.md$|CHANGELOG\.md$|SECURITY\.md$|LICENSE$|package\.json$)/,
      );
    expect(pkg.license).toBe("MIT");
    const license = readFileSync(join(root, "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} smartasync contributors\n/);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS"');
  });

  it("names its repository and homepage", () => {
    expect(pkg.repository?.url).toBe("git+https://github.com/smartasync/smartasync.git");
    expect(pkg.homepage).toMatch(/^https:\/\/github\.com\/smartasync\/smartasync(#readme)?$/);
  });

  it("has no source maps pointing at files it does not ship", () => {
    const shipped = [...files];
    expect(shipped.filter((f) => f.endsWith(".map"))).toEqual([]);
    for (const f of shipped.filter((x) => /\.(js|d\.ts)$/.test(x))) {
      const text = readFileSync(join(root, f), "utf8");
      expect(/^\/\/# sourceMappingURL=/m.test(text), f).toBe(false);
    }
  });

  it("runs no script in the projects that install it (no install, preinstall, postinstall or prepare)", () => {
    for (const s of ["preinstall", "install", "postinstall", "prepare"])
      expect(pkg.scripts[s], s).toBeUndefined();
    // The build runs when the tarball is made, and `npm start` / `npm test` build a fresh clone.
    expect(pkg.scripts.prepack).toBe("node scripts/build.mjs");
  });

  it("every relative link in README.md and docs/*.md resolves to a file in the tarball (and its anchor to a heading)", () => {
    const pages = [...files].filter((f) => f === "README.md" || /^docs\/[^/]+\.md$/.test(f));
    expect(pages.length).toBeGreaterThan(10);
    const broken: string[] = [];
    for (const page of pages) {
      const text = readFileSync(join(root, page), "utf8");
      for (const link of linksOf(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
        const [path, anchor] = link.split("#") as [string, string | undefined];
        const target = path === "" ? page : posix.normalize(posix.join(posix.dirname(page), path));
        const isFile = files.has(target);
        const isDir = [...files].some((f) => f.startsWith(`${target}/`));
        if (!isFile && !isDir) {
          broken.push(`${page}: ${link} (${target} is not in the tarball)`);
          continue;
        }
        if (anchor !== undefined && target.endsWith(".md")) {
          const anchors = anchorsOf(readFileSync(join(root, target), "utf8"));
          if (!anchors.has(anchor)) broken.push(`${page}: ${link} (no heading #${anchor} in ${target})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it("user docs stand alone: README.md and docs/ never cite the design document", () => {
    for (const page of [...files].filter((f) => f.endsWith(".md"))) {
      const text = readFileSync(join(root, page), "utf8");
      expect(text, page).not.toMatch(/DESIGN(\.md| §)/);
    }
  });
});

// ——— engines: every runtime dependency runs wherever we say we run ———

interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
}

/** Node's lookup for `name`'s package.json from the directory `from` (node_modules, upwards). */
function manifestPath(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const p = join(dir, "node_modules", name, "package.json");
    if (existsSync(p)) return p;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Every installed runtime dependency, transitively (each resolved from the package that needs it). */
function runtimeDependencies(): Manifest[] {
  const own = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest;
  const found = new Map<string, Manifest>();
  const queue: [string, string[]][] = [[root, Object.keys(own.dependencies ?? {})]];
  while (queue.length > 0) {
    const [from, names] = queue.shift()!;
    for (const name of names) {
      const p = manifestPath(from, name);
      if (p === undefined) throw new Error(`${name} (needed from ${from}) is not installed`);
      if (found.has(p)) continue;
      const m = JSON.parse(readFileSync(p, "utf8")) as Manifest;
      found.set(p, m);
      queue.push([dirname(p), Object.keys(m.dependencies ?? {})]);
    }
  }
  return [...found.values()];
}

describe("engines", () => {
  it("the range check itself", () => {
    expect(isSubset(">=20.19", ">=20")).toBe(true);
    expect(isSubset(">=20.19", ">=22.12.0")).toBe(false);
    expect(isSubset(">=20.19", "^20.19.0 || >=22.12.0")).toBe(false); // 21.x and 22.0–22.11
    expect(isSubset("^20.19.0 || >=22.12.0", "^20.19.0 || >=22.12.0")).toBe(true);
    expect(isSubset("^20.19.0 || >=22.12.0", ">=18")).toBe(true);
    expect(isSubset("^20.19.0 || >=22.12.0", "^20.19.0 || ^22.12.0 || >=24")).toBe(false); // 23.x
    expect(isSubset(">=20.19", ">=12.0.0")).toBe(true);
    expect(isSubset(">=20.19", "20.x || >=21")).toBe(true);
    expect(isSubset(">=20.19", "~20.19.0")).toBe(false);
    expect(isSubset(">=20.19 <21", "~20.19.0")).toBe(false); // 20.20
    expect(isSubset("20.19.x", "~20.19.0")).toBe(true);
    expect(() => isSubset(">=20.0.0-rc.1", ">=20")).toThrow(/unsupported version/);
  });

  // The engines below are read from the installed packages: they are the ones package.json asks for.
  // (Fails for commander while package.json says ^15.1.0 and ^14.0.3 is installed, until the pin lands.)
  it("each runtime dependency's installed version is one package.json asks for", () => {
    const own = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest;
    for (const [name, wanted] of Object.entries(own.dependencies ?? {})) {
      const p = manifestPath(root, name);
      expect(p, name).toBeDefined();
      const { version } = JSON.parse(readFileSync(p!, "utf8")) as Manifest;
      expect(isSubset(version, wanted), `${name}@${version} installed, package.json wants ${wanted}`).toBe(
        true,
      );
    }
  });

  // Each case fails while a dependency needs a newer Node than our `engines.node` admits.
  // Known on 2026-12-05: commander 15 needs >=22.12.0 (pin commander ^14.0.3, which says >=20);
  // unplugin 3 says ^20.19.0 || >=22.12.0 (Node's require(esm) range), so our engines must be that
  // range too rather than >=20.19, which admits 21.x and 22.0–22.11.
  const ours =
    (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest).engines?.node ?? "*";
  it.each(runtimeDependencies().map((m) => [`${m.name}@${m.version}`, m.engines?.node] as const))(
    "%s runs on every Node our engines.node admits (its engines.node: %s)",
    (_, theirs) => {
      if (theirs === undefined) return; // no engines field: no stated limit
      expect(isSubset(ours, theirs), `ours ${ours}, theirs ${theirs}`).toBe(true);
    },
  );
});
