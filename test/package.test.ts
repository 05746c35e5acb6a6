// The package as another project sees it: plain `node`, no loader, from a fresh directory whose
// node_modules/smartasync points at this repository.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

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

  // npm links a `file:` directory dependency and would run its `prepare` (a rebuild of this
  // repository's dist/) in place; --ignore-scripts keeps the test from rebuilding under the
  // other tests. The global setup has already built dist/.
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
