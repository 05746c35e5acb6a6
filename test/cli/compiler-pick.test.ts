/**
 * Which compiler the CLI runs in without `--compiler` (src/cli/pick-compiler.ts): the one the
 * project uses, said with --verbose; a compiler that is not installed is one message and exit 2,
 * never one failure per file. Real built binary, real installs without the compilers.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, ROOT, tree } from "./helpers.js";

const APP =
  "// @smartasync\nexport async function load() {\n  return 1;\n}\nexport function main() {\n  return load();\n}\n";

describe("the compiler the project uses", () => {
  it("a project that lists only @swc/core, without a Babel config, is compiled with SWC; --verbose says why", () => {
    const dir = tree("pick-swc", {
      "package.json": JSON.stringify({
        name: "app",
        type: "module",
        devDependencies: { "@swc/core": "^1.16.0" },
      }),
      "src/app.js": APP,
    });
    const r = cli(["check", "src", "--verbose"], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `smartasync: compiler: swc (picked: ${join(dir, "package.json")} lists @swc/core (devDependencies) and not @babel/core, and there is no Babel config)\n`,
    );
    expect(r.stderr).toContain("smartasync: options: none found from the project directory (the defaults)\n");
    // The output is SWC's: the same as --compiler swc, and not Babel's printing.
    const picked = cli(["inspect", "src", "--diff"], dir);
    expect(picked.stdout).toBe(cli(["inspect", "src", "--diff", "--compiler", "swc"], dir).stdout);
    expect(picked.stdout).not.toBe(cli(["inspect", "src", "--diff", "--compiler", "babel"], dir).stdout);
    // Without --verbose, nothing is said.
    expect(cli(["check", "src"], dir).stderr).toBe("");
  });

  it("a Babel config wins, whatever package.json lists; --compiler wins over both", () => {
    const dir = tree("pick-babel", {
      "package.json": JSON.stringify({
        name: "app",
        type: "module",
        smartasync: { syncSuffix: "Now" },
        devDependencies: { "@swc/core": "^1.16.0" },
      }),
      "babel.config.json": "{}\n",
      "src/app.js": APP,
    });
    const r = cli(["inspect", "src", "--verbose"], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      "smartasync: compiler: babel (picked: the project has a Babel config (babel.config.json))\n",
    );
    expect(r.stderr).toContain(`smartasync: options: the "smartasync" field of ${join(dir, "package.json")}`);
    expect(r.stdout).toContain("loadNow");
    expect(cli(["check", "src", "-v", "--compiler", "swc"], dir).stderr).toContain(
      "smartasync: compiler: swc (--compiler)\n",
    );
  });
});

describe("a compiler that is not installed", () => {
  /** smartasync installed beside every dependency of this repository except those named, outside the repository. */
  function installWithout(scopes: string[]): { base: string; bin: string; project: string } {
    const base = mkdtempSync(join(tmpdir(), "smartasync-no-compiler-"));
    const modules = join(base, "node_modules");
    mkdirSync(join(modules, "smartasync"), { recursive: true });
    cpSync(join(ROOT, "dist"), join(modules, "smartasync/dist"), { recursive: true });
    copyFileSync(join(ROOT, "package.json"), join(modules, "smartasync/package.json"));
    for (const name of readdirSync(join(ROOT, "node_modules"))) {
      if (name.startsWith(".") || scopes.includes(name) || name === "smartasync") continue;
      symlinkSync(join(ROOT, "node_modules", name), join(modules, name), "dir");
    }
    const project = join(base, "project");
    mkdirSync(join(project, "src"), { recursive: true });
    writeFileSync(join(project, "src/a.js"), APP);
    writeFileSync(join(project, "src/b.js"), APP);
    return { base, bin: join(modules, "smartasync/dist/cli/bin.js"), project };
  }

  function run(bin: string, cwd: string, args: string[]) {
    const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it("neither compiler: one message naming both, exit 2, for every command", () => {
    const { base, bin, project } = installWithout(["@swc", "@babel"]);
    try {
      const message =
        "smartasync: no compiler to run smartasync in: install @babel/core (`npm i -D @babel/core`) or @swc/core (`npm i -D @swc/core`), then run again (or name one with --compiler)\n";
      for (const args of [
        ["check", "src"],
        ["inspect", "src"],
        ["build", "src", "-o", "out"],
      ])
        expect(run(bin, project, args), args.join(" ")).toEqual({ status: 2, stdout: "", stderr: message });
      // Named but missing: one message too (was one config-error per file).
      expect(run(bin, project, ["check", "src", "--compiler", "babel"])).toEqual({
        status: 2,
        stdout: "",
        stderr:
          "smartasync: the smartasync CLI (--compiler babel) needs @babel/core (7.22 or later, or 8), which is not installed: install it with `npm i -D @babel/core`\n",
      });
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it("the picked compiler missing: one message saying why it was picked and how to name the other", () => {
    const { base, bin, project } = installWithout(["@swc"]);
    try {
      writeFileSync(
        join(project, "package.json"),
        JSON.stringify({ devDependencies: { "@swc/core": "^1.16.0" } }),
      );
      const r = run(bin, project, ["check", "src"]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n")).toEqual([
        `smartasync: SWC needs @swc/core (1.16 or later), which is not installed: install it with \`npm i -D @swc/core\` (picked because ${join(project, "package.json")} lists @swc/core (devDependencies) and not @babel/core, and there is no Babel config; name the other with --compiler babel)`,
      ]);
      expect(run(bin, project, ["check", "src", "--compiler", "babel"]).status).toBe(0);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
