/**
 * attack31 F01/F02/F14: an importer reads an imported module as the host really compiles it — with
 * the options Babel gives that file (`overrides`, a `.babelrc.json` beside it), or as not compiled
 * (Babel's `ignore`, the plugin turned off by an override, an `.swcrc` `exclude`, a file outside
 * the folder `smartasync build` compiles). Each built program must print what the uncompiled one
 * prints (real configs, real builds, real runs).
 */
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tree as bare, cli, node, ROOT } from "./helpers.js";

/** A project with smartasync installed (a link to this checkout): its own package.json hides the checkout's. */
function tree(name: string, files: Record<string, string>): string {
  const dir = bare(name, files);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules", "smartasync"));
  return dir;
}

const LIB = `// @smartasync
export async function load(x) {
  await new Promise((r) => setTimeout(r, 5));
  return x + 1;
}
`;
// A hand-written function under the name the importer's options would give the variant.
const LIB_HAND = `${LIB}export function loadSync(x) { return "hand-written loadSync " + x; }
`;
const MAIN = `import { load, loadSync } from "./lib.js";
const v = load(3);
console.log(typeof v, v instanceof Promise, loadSync(1));
`;
const MAIN_PLAIN = (from: string) => `import { load } from "${from}";
const v = load(3);
console.log(typeof v, v instanceof Promise);
`;

function buildAndRun(dir: string, compiler: "babel" | "swc", entry: string) {
  const b = cli(["build", "src", "--out-dir", "out", "--compiler", compiler], dir);
  const r = node(entry, `${dir}/out`);
  // `check` prints the warnings `build` only counts.
  const c = cli(["check", "src", "--compiler", compiler], dir);
  return { build: { status: b.status, stdout: c.stdout, stderr: c.stderr }, run: r };
}

describe("an imported module is read as the host compiles it (attack31)", () => {
  it("F01: a Babel override giving the library other options: its importer calls the variant it exports", () => {
    const dir = tree("host-config-f01", {
      "package.json": '{ "type": "module" }',
      "babel.config.json": JSON.stringify({
        plugins: ["smartasync/babel"],
        overrides: [{ test: "./src/lib.js", plugins: [["smartasync/babel", { syncSuffix: "Blocking" }]] }],
      }),
      "src/lib.js": LIB_HAND,
      "src/main.js": MAIN,
    });
    const { build, run } = buildAndRun(dir, "babel", "main.js");
    expect(build.status).toBe(0);
    // Sync code calls lib's sync variant, \`loadBlocking\`, not the hand-written \`loadSync\`.
    expect(run.stdout).toBe("number false hand-written loadSync 1\n");
  });

  it("F01: a .babelrc.json in the library's folder", () => {
    const dir = tree("host-config-f01-rc", {
      "package.json": '{ "type": "module" }',
      "babel.config.json": JSON.stringify({ plugins: ["smartasync/babel"] }),
      "src/lib/.babelrc.json": JSON.stringify({
        plugins: [["smartasync/babel", { syncSuffix: "Blocking" }]],
      }),
      "src/lib/index.js": LIB_HAND,
      "src/main.js": `import { load, loadSync } from "./lib/index.js";
const v = load(3);
console.log(typeof v, v, loadSync(1));
`,
    });
    const { build, run } = buildAndRun(dir, "babel", "main.js");
    expect(build.status).toBe(0);
    // Sync code calls lib's sync variant, \`loadBlocking\`, not the hand-written \`loadSync\`.
    expect(run.stdout).toBe("number 4 hand-written loadSync 1\n");
  });

  it("F02: a file the Babel config ignores is called as it is, with a located SA204", () => {
    const dir = tree("host-config-f02", {
      "package.json": '{ "type": "module" }',
      "babel.config.json": JSON.stringify({ ignore: ["./src/lib.js"] }),
      "src/lib.js": LIB_HAND,
      "src/main.js": MAIN,
    });
    const { build, run } = buildAndRun(dir, "babel", "main.js");
    expect(build.status).toBe(0);
    expect(build.stderr + build.stdout).toMatch(
      /SA204.*"\.\/lib\.js", which is not compiled by smartasync \(ignored by the Babel config\)/,
    );
    expect(run.stdout).toBe("object true hand-written loadSync 1\n");
  });

  it("F02: an override turning the plugin off for a folder", () => {
    const dir = tree("host-config-f02-off", {
      "package.json": '{ "type": "module" }',
      "babel.config.json": JSON.stringify({
        plugins: ["smartasync/babel"],
        overrides: [{ test: "./src/legacy", plugins: [["smartasync/babel", false]] }],
      }),
      "src/legacy/lib.js": LIB,
      "src/main.js": MAIN_PLAIN("./legacy/lib.js"),
    });
    const { build, run } = buildAndRun(dir, "babel", "main.js");
    expect(build.status).toBe(0);
    expect(build.stderr + build.stdout).toMatch(/SA204.*turns smartasync\/babel off for it/);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("object true\n");
  });

  it("F02: a file the .swcrc excludes (SWC)", () => {
    const dir = tree("host-config-f02-swc", {
      "package.json": '{ "type": "module" }',
      ".swcrc": JSON.stringify({ exclude: ["lib\\.js$"], jsc: { target: "es2022" } }),
      "src/lib.js": LIB,
      "src/main.js": MAIN_PLAIN("./lib.js"),
    });
    const { build, run } = buildAndRun(dir, "swc", "main.js");
    expect(build.status).toBe(0);
    expect(build.stderr + build.stdout).toMatch(/SA204.*not compiled by smartasync \(excluded by/);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("object true\n");
  });

  for (const compiler of ["babel", "swc"] as const) {
    it(`F14: a module imported from outside <src> is not compiled (${compiler})`, () => {
      const dir = tree(`host-config-f14-${compiler}`, {
        "package.json": '{ "type": "module" }',
        "shared/lib.js": LIB_HAND,
        "src/main.js": MAIN_PLAIN("../shared/lib.js"),
      });
      const b = cli(["build", "src", "--out-dir", "out", "--compiler", compiler], dir);
      expect(b.status).toBe(0);
      expect(b.stderr + b.stdout).toMatch(/diagnostics: SA204 1/);
      // The built program imports the same ../shared/lib.js, as it is.
      const r = node("main.js", `${dir}/out`);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe("object true\n");
    });
  }
});
