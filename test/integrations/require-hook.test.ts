// A CommonJS program compiled on the fly by a require hook (what `@babel/register` installs:
// `Module._extensions[".js"]` running Babel with smartasync/babel). A worker thread does not
// inherit a hook the program installed in code, so a worker variant's module loads there
// uncompiled (attack31 F05): the error says so and names `node -r` and SMARTASYNC_WORKER_IMPORT;
// with either, the call works (docs/runtime.md "Hooks in workers").
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
let dir: string;

const HOOK = `// Compiles each .js of the project with smartasync/babel when it is required.
const Module = require("node:module");
const { readFileSync } = require("node:fs");
const babel = require("@babel/core");
const plain = Module._extensions[".js"];
Module._extensions[".js"] = function (m, filename) {
  if (!filename.startsWith(__dirname) || filename.includes("node_modules")) return plain(m, filename);
  const options = { filename, babelrc: false, configFile: false, plugins: ["smartasync/babel"] };
  m._compile(babel.transformSync(readFileSync(filename, "utf8"), options).code, filename);
};
if (process.env.HOOK_IN_WORKERS) {
  process.env.SMARTASYNC_WORKER_IMPORT ??= require("node:url").pathToFileURL(__filename).href;
}
`;

const LIB = `// @smartasync
async function later(x) {
  await new Promise((r) => setTimeout(r, 1));
  return x + 1;
}
module.exports = { later };
`;

const MAIN = `const { later } = require("./lib.js");
function cli() {
  const v = later(1);
  return v;
}
console.log(cli());
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "smartasync-require-hook-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(root, join(dir, "node_modules/smartasync"));
  symlinkSync(join(root, "node_modules/@babel"), join(dir, "node_modules/@babel"));
  writeFileSync(join(dir, "package.json"), `{ "type": "commonjs" }\n`);
  writeFileSync(join(dir, "hook.cjs"), HOOK);
  writeFileSync(join(dir, "lib.js"), LIB);
  writeFileSync(join(dir, "main.js"), MAIN);
  writeFileSync(join(dir, "start.cjs"), `require("./hook.cjs");\nrequire("./main.js");\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete e.SMARTASYNC_WORKER_IMPORT;
  delete e.NODE_OPTIONS;
  return spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8", env: e });
}

describe("a require hook that compiles on the fly (@babel/register)", () => {
  it("says that the worker loaded the uncompiled module, and names SMARTASYNC_WORKER_IMPORT", () => {
    const r = run(["start.cjs"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("smartasync: later is not registered by file://");
    expect(r.stderr).toContain(
      "lib.js: this worker loaded the module and it registered no smartasync function, so it ran the uncompiled source; the calling thread compiles it on the fly (@babel/register, a require hook or loader), which a worker thread does not inherit when the program installed it in code: preload the hook's module with `node -r` (workers run the same preloads), or set SMARTASYNC_WORKER_IMPORT to its URL",
    );
  });

  it("runs the worker variant once SMARTASYNC_WORKER_IMPORT names the hook's module, or under node -r", () => {
    const r = run(["start.cjs"], { HOOK_IN_WORKERS: "1" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("2\n");
    // Preloaded, the hook is installed in each worker too (workers inherit `execArgv`).
    const preloaded = run(["-r", "./hook.cjs", "main.js"]);
    expect(preloaded.stderr).toBe("");
    expect(preloaded.stdout).toBe("2\n");
  });
});
