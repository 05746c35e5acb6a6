/**
 * The Babel plugin under `@babel/core` called directly (attack31 F01/F02/F12): an imported module
 * is read with the options the project's Babel config gives that file, or as not compiled, and a
 * file handed over as an AST without its text fails, located, instead of being left as it is.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as babel from "@babel/core";
import { describe, expect, it } from "vitest";
import smartasync from "../src/babel-plugin/index.js";
import { ROOT } from "./harness.js";

const LIB = `// @smartasync
export async function load(x) {
  return x + 1;
}
`;

function project(name: string, files: Record<string, string>): string {
  const dir = join(ROOT, ".tmp", "babel-host-config", name);
  rmSync(dir, { recursive: true, force: true });
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  // smartasync installed there (a link to this checkout), as a project has it.
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules", "smartasync"));
  return dir;
}

/** `main.js` compiled under the project's babel.config.json, the plugin named there by its function. */
function compileMain(dir: string, config: object) {
  writeFileSync(join(dir, "babel.config.json"), JSON.stringify(config));
  const r = babel.transformFileSync(join(dir, "src/main.js"), { cwd: dir, root: dir });
  const meta = r?.metadata as unknown as
    | { smartasync: { diagnostics: { code: string; message: string }[] } }
    | undefined;
  return { code: r?.code ?? "", diagnostics: meta?.smartasync.diagnostics ?? [] };
}

describe("Babel: an imported module as the config compiles it", () => {
  const main = 'import { load } from "./lib.js";\nexport const v = load(3);\n';
  // As a project names it (the built plugin: Babel loads config plugins itself).
  const plugin = "smartasync/babel";

  it("an override's options for the library name its variant (F01)", () => {
    const dir = project("override", { "src/lib.js": LIB, "src/main.js": main });
    const { code, diagnostics } = compileMain(dir, {
      plugins: [plugin],
      overrides: [{ test: "./src/lib.js", plugins: [[plugin, { syncSuffix: "Blocking" }]] }],
    });
    expect(code).toContain("loadBlocking(3)");
    expect(diagnostics.map((d) => d.code)).not.toContain("SA204");
  });

  it("an env's options for the library (F01)", () => {
    const dir = project("env", { "src/lib.js": LIB, "src/main.js": main });
    const { code } = compileMain(dir, {
      plugins: [plugin],
      overrides: [{ test: "./src/lib.js", env: { test: { plugins: [[plugin, { syncSuffix: "InTest" }]] } } }],
    });
    // vitest runs with NODE_ENV=test: Babel's env is "test".
    expect(code).toContain("loadInTest(3)");
  });

  it("an ignored library is called as it is, with SA204 (F02)", () => {
    const dir = project("ignore", { "src/lib.js": LIB, "src/main.js": main });
    const { code, diagnostics } = compileMain(dir, { plugins: [plugin], ignore: ["./src/lib.js"] });
    expect(code).toContain("load(3)");
    expect(code).not.toContain("loadSync");
    expect(diagnostics.map((d) => d.code)).toEqual(["SA204"]);
    expect(diagnostics[0]!.message).toMatch(/not compiled by smartasync \(ignored by the Babel config\)/);
  });

  it("an ignored module without smartasync functions is plain code: no warning", () => {
    const dir = project("ignore-plain", {
      "src/lib.js": "export function load(x) { return x; }\n",
      "src/main.js": main,
    });
    const { diagnostics } = compileMain(dir, { plugins: [plugin], ignore: ["./src/lib.js"] });
    expect(diagnostics).toEqual([]);
  });

  it("a plugin given by the caller runs on every file: the config's override does not turn it off", () => {
    const dir = project("programmatic", { "src/lib.js": LIB, "src/main.js": main });
    writeFileSync(join(dir, "babel.config.json"), JSON.stringify({}));
    const r = babel.transformFileSync(join(dir, "src/main.js"), {
      cwd: dir,
      root: dir,
      plugins: [smartasync],
    });
    expect(r?.code).toContain("loadSync(3)");
  });
});

describe("Babel: transformFromAst without the code (F12)", () => {
  it("fails, located, where the AST carries an annotation", () => {
    const code = LIB;
    const filename = join(ROOT, ".tmp", "from-ast.js");
    const ast = babel.parseSync(code, { filename, babelrc: false, configFile: false })!;
    expect(() =>
      babel.transformFromAstSync(ast, undefined as never, {
        filename,
        babelrc: false,
        configFile: false,
        plugins: [smartasync],
      }),
    ).toThrow(/smartasync needs the source text of this file/);
    const ok = babel.transformFromAstSync(ast, code, {
      filename,
      babelrc: false,
      configFile: false,
      plugins: [smartasync],
    });
    expect(ok?.code).toContain("loadSync");
  });
});
