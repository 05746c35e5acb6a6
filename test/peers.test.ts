/**
 * Optional peers that are not installed (src/core/peers.ts): every entry point that needs
 * `@swc/core` or `@babel/core` says which package to install, in one message, instead of Node's
 * bare ERR_MODULE_NOT_FOUND. Each case is a real Node process in a project whose node_modules
 * holds a copy of smartasync (dist and package.json) beside every dependency of this repository
 * except the `@swc` and `@babel` scopes and the Babel 7 aliases, outside the repository so that
 * nothing above it provides them.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./harness.js";

const SWC_ANYWHERE =
  "smartasync: smartasync/swc, smartasync/register, smartasync/jest, `smartasync --compiler swc` and the build-tool plugins' default engine need @swc/core (1.16 or later), which is not installed: install it with `npm i -D @swc/core`";

let base = "";

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "smartasync-no-peers-"));
  const modules = join(base, "node_modules");
  mkdirSync(join(modules, "smartasync"), { recursive: true });
  cpSync(join(ROOT, "dist"), join(modules, "smartasync/dist"), { recursive: true });
  cpSync(join(ROOT, "package.json"), join(modules, "smartasync/package.json"));
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (name.startsWith(".") || name === "@swc" || name === "@babel" || name.startsWith("babel7-")) continue;
    if (name === "smartasync") continue;
    symlinkSync(join(ROOT, "node_modules", name), join(modules, name), "dir");
  }
  mkdirSync(join(base, "src"));
  writeFileSync(join(base, "main.ts"), "const n: number = 1;\nconsole.log(n);\n");
  writeFileSync(
    join(base, "src/lib.js"),
    "// @smartasync\nexport async function one() {\n  return 1;\n}\nexport function main() {\n  return one();\n}\n",
  );
});

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

function node(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd: base, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Imports `specifier` and prints the error's name, code and message (or "loaded"). */
function importing(specifier: string): string {
  const r = node([
    "--input-type=module",
    "-e",
    `import(${JSON.stringify(specifier)}).then(() => console.log("loaded"), (e) => console.log([e.name, e.code, e.message].join("\\n")))`,
  ]);
  expect(r.stderr).toBe("");
  return r.stdout.trimEnd();
}

describe("missing optional peers", () => {
  it("the layout really lacks them", () => {
    const r = node(["--input-type=module", "-e", 'import("@swc/core").catch((e) => console.log(e.code))']);
    expect(r.stdout.trim()).toBe("ERR_MODULE_NOT_FOUND");
    const b = node(["--input-type=module", "-e", 'import("@babel/core").catch((e) => console.log(e.code))']);
    expect(b.stdout.trim()).toBe("ERR_MODULE_NOT_FOUND");
    // What needs no peer still loads.
    expect(importing("smartasync/runtime")).toBe("loaded");
    expect(importing("smartasync/babel")).toBe("loaded");
  });

  it("smartasync/swc and smartasync/jest: a SmartAsyncError naming @swc/core and the command", () => {
    for (const entry of ["smartasync/swc", "smartasync/jest"]) {
      expect(importing(entry), entry).toBe(`SmartAsyncError\nSMARTASYNC_MISSING_PEER\n${SWC_ANYWHERE}`);
    }
  });

  it("node --import smartasync/register: the error names smartasync/register, before any file runs", () => {
    const r = node(["--import", "smartasync/register", "main.ts"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      "Error [SmartAsyncError]: smartasync: smartasync/register needs @swc/core (1.16 or later), which is not installed: install it with `npm i -D @swc/core`",
    );
    expect(r.stderr).not.toContain("ERR_MODULE_NOT_FOUND");
  });

  it("the CLI: a named compiler that is missing is one usage error (exit 2), for SWC and Babel alike", () => {
    const bin = join(base, "node_modules/smartasync/dist/cli/bin.js");
    const swc = node([bin, "check", "src", "--compiler", "swc"]);
    expect(swc).toEqual({
      status: 2,
      stdout: "",
      stderr:
        "smartasync: --compiler swc needs @swc/core (1.16 or later), which is not installed: install it with `npm i -D @swc/core`\n",
    });
    // Without --compiler the CLI picks what the project has; with no compiler at all, one
    // message and exit 2 (test/cli/compiler-pick.test.ts), never one error per file.
    const babel = node([bin, "check", "src", "--compiler", "babel"]);
    expect(babel.status).toBe(2);
    expect(babel.stderr).toBe(
      "smartasync: the smartasync CLI (--compiler babel) needs @babel/core (7.22 or later, or 8), which is not installed: install it with `npm i -D @babel/core`\n",
    );
  });

  it("the build-tool plugins (Rollup): each engine names its compiler", () => {
    const script = (engine: string) => `
      import { rollup } from "rollup";
      import smartasync from "smartasync/rollup";
      try {
        await rollup({ input: "src/lib.js", plugins: [smartasync(${engine})], onwarn() {} });
        console.log("built");
      } catch (e) {
        console.log(e.message);
      }`;
    const swc = node(["--input-type=module", "-e", script("")]);
    expect(swc.stdout).toContain(
      'smartasync: the SWC engine (the default) needs @swc/core (1.16 or later), which is not installed: install it with `npm i -D @swc/core`, or set `engine: "babel"` (with @babel/core installed)',
    );
    const babel = node(["--input-type=module", "-e", script('{ engine: "babel" }')]);
    expect(babel.stdout).toContain(
      "smartasync: the Babel engine needs @babel/core (7.22 or later, or 8), which is not installed: install it with `npm i -D @babel/core`",
    );
  });
});
