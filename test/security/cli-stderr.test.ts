/**
 * Everything the CLI writes to stderr goes through the one escape rule (src/core/escape.ts), also
 * text that is not a diagnostic of the compiled file: an SA104 quoting an unknown option key or
 * the path of the file it came from, Babel's own error for a malformed package.json, and Babel's
 * "[BABEL] Note: … deoptimised the styling of <file>" for a file over 500 KB (SECURITY.md, "What
 * the CLI prints"; security review 17, findings 1 and 9). A line break in any of them would start
 * a line of its own — a forged `::error`/`::add-mask::` workflow command, which GitHub's runner
 * reads on stderr too — and ESC/OSC would act on the terminal.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { loadProjectOptions } from "../../src/compile/options.js";
import { OptionsError, validateOptions } from "../../src/core/options.js";
import { cli, ROOT, tree } from "../cli/helpers.js";

/** What no line of stderr may hold raw: C0 but tab and LF, DEL, C1, U+2028/9, the bidi controls. */
const RAW =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: what the test looks for
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const FORGED = "\n::error file=src/a.js,line=1::forged\n::add-mask::x\u001b]0;T\u0007";
const ANNOTATED = "// @smartasync\nexport async function a() { return 1; }\n";

/** No line starts a workflow command, nothing raw for a terminal. */
function expectClean(stderr: string): void {
  for (const line of stderr.split("\n")) expect(line.trimStart().startsWith("::"), line).toBe(false);
  expect(RAW.test(stderr), stderr).toBe(false);
}

describe("SA104 messages quote keys and paths escaped (every host prints them)", () => {
  it("an unknown key with a line break is escaped in the message itself", () => {
    let error: unknown;
    try {
      validateOptions({ [`x${FORGED}`]: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OptionsError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    expect(RAW.test(message)).toBe(false);
    expect(message).toContain("unknown option `x\\n::error file=src/a.js");
  });

  it("a package.json field's unknown key keeps its location, escaped (register and jest throw this)", () => {
    const dir = tree("stderr-pkg-field", {
      "package.json": JSON.stringify({ name: "p", smartasync: { [`k${FORGED}`]: 1 } }, null, 2),
    });
    expect(() => loadProjectOptions(dir)).toThrow(OptionsError);
    try {
      loadProjectOptions(dir);
    } catch (e) {
      const message = (e as Error).message;
      expect(RAW.test(message) || message.includes("\n")).toBe(false);
      // Located at the key's line and column, though the key is quoted escaped.
      expect(message, message).toMatch(/package\.json:4:5: unknown option `k\\n::error/);
    }
  });
});

describe("smartasync/register on a dependency's package.json", () => {
  it('an unknown key of its "smartasync" field is thrown escaped: no line of Node\'s stderr starts a command', () => {
    const dir = tree("stderr-register-dep", {
      "package.json": '{"name":"r","type":"module"}',
      "node_modules/dep/package.json": JSON.stringify({
        name: "dep",
        version: "1.0.0",
        type: "module",
        exports: "./index.ts",
        smartasync: { [`k${FORGED}`]: 1 },
      }),
      "node_modules/dep/index.ts": "export const x: number = 1;\n",
      "main.ts": 'import { x } from "dep";\nconsole.log(x);\n',
    });
    const register = pathToFileURL(join(ROOT, "dist", "register", "index.js")).href;
    const r = spawnSync(process.execPath, ["--import", register, "main.ts"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, SMARTASYNC_CACHE: "0", NODE_OPTIONS: "" },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("unknown option `k\\n::error file=src/a.js");
    expectClean(r.stderr);
  });
});

describe.each(["babel", "swc"])("check --compiler %s: stderr holds nothing raw", (compiler) => {
  it("an unknown key of smartasync.config.json", () => {
    const dir = tree(`stderr-config-key-${compiler}`, {
      "package.json": '{"name":"p","type":"module"}',
      "src/smartasync.config.json": JSON.stringify({ [`x${FORGED}`]: 1 }),
      "src/a.js": ANNOTATED,
    });
    const r = cli(["check", "src", "--compiler", compiler, "-f", "github"], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("SA104");
    expect(r.stderr).toContain("unknown option `x\\n::error file=src/a.js");
    expectClean(r.stderr);
  });

  it("a folder name with a line break (the config's path in SA104), and a malformed package.json", () => {
    const folder = "k7\n::error::INJ-from-folder-name";
    const dir = tree(`stderr-folder-${compiler}`, {
      "package.json": '{"name":"p","type":"module"}',
      [`src/${folder}/smartasync.config.json`]: '{"bogus":1}',
      [`src/${folder}/a.js`]: ANNOTATED,
      "src/k10/package.json": '{"name": "z", "smartasync": \n::error::INJ-from-json-error\u001b]0;T\u0007',
      "src/k10/a.js": ANNOTATED,
    });
    const r = cli(["check", "src", "--compiler", compiler, "-f", "github"], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("k7\\n::error::INJ-from-folder-name");
    expect(r.stderr).toContain("k10");
    expectClean(r.stderr);
  });
});

describe("Babel's own note for a file over 500 KB", () => {
  const name = "big\n::error file=x.js,line=1::forged via Babel note\u001b]0;PWNED\u0007.js";
  const big = `${ANNOTATED}export function u() { return a(); }\nlet x;\n${'x = "abcdefghij";\n'.repeat(40_000)}`;

  it("is not printed raw by check, inspect or build; build's output is still compact, as Babel's auto makes it", () => {
    const dir = tree("stderr-babel-note", {
      "package.json": '{"name":"p","type":"module"}',
      [`src/${name}`]: big,
    });
    for (const args of [
      ["check", "src"],
      ["inspect", "src", "-f", "github"],
      ["build", "src", "--out-dir", "out"],
    ]) {
      const r = cli(args, dir);
      expect(r.status, `${args.join(" ")}\n${r.stderr}`).toBe(0);
      expectClean(r.stderr);
    }
    // `compact: "auto"` compacts a file this size: the CLI's build keeps that.
    const out = readFileSync(join(dir, "out", name), "utf8");
    expect(out.split("\n").length).toBeLessThan(100);
  }, 120_000);
});
