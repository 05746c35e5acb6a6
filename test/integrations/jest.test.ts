// `smartasync/jest`, run as a user would: real Jest in child processes, on the example project,
// on a copy installed the way npm installs it, and across an edit between two cached runs.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const example = join(root, "examples/jest");
const jest = createRequire(import.meta.url).resolve("jest/bin/jest");
// Inside the repository (ignored by git), so that packages resolve from its node_modules.
const scratch = join(root, ".tmp", `jest-integration-${process.pid}`);

beforeAll(async () => {
  mkdirSync(scratch, { recursive: true });
  const { link } = (await import(join(example, "run.mjs"))) as { link: () => void };
  link();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runJest(cwd: string, name: string, nodeOptions?: string): { status: number | null; out: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, SMARTASYNC_CACHE_DIR: join(scratch, `cache-${name}`) };
  delete env.SMARTASYNC_WORKER_IMPORT;
  delete env.NODE_OPTIONS;
  if (nodeOptions) env.NODE_OPTIONS = nodeOptions;
  const r = spawnSync(
    process.execPath,
    [jest, "--ci", "--verbose", "--cacheDirectory", join(scratch, `jest-${name}`)],
    {
      cwd,
      encoding: "utf8",
      timeout: 120_000,
      env,
    },
  );
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A copy of the example's project files in the scratch folder. */
function copyOfExample(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  for (const f of ["src", "package.json", "jest.config.js", "settings.json"]) {
    cpSync(join(example, f), join(dir, f), { recursive: true });
  }
  return dir;
}

describe("smartasync/jest", () => {
  it("runs the example's tests (a sync-context call of an async function, worker variant included)", () => {
    const { status, out } = runJest(example, "example");
    expect(out).toContain("✓ a sync-context call of an async @smartasync function returns the value");
    expect(out).toContain("✓ an awaited call keeps the promise");
    // jest.mock of a module holding smartasync functions still intercepts the code under test's
    // calls: automock (mocks have no marker) and a factory giving only the source's names.
    expect(out).toContain("✓ a sync-context call of a mocked smartasync function calls the mock");
    expect(out).toContain("✓ the sync variant of a local function calls the mock too");
    expect(out).toContain("✓ a mock that returns a promise where sync code takes the value fails, located");
    expect(out).toContain("✓ a sync-context call reaches the factory's function");
    // Every spelling of the call (`.call`, `.apply`, `.bind(…)(…)`, `f?.()`, `ns.f?.()`, a tagged
    // template) reaches the mock too, and an optional call of a function a factory left out
    // short-circuits (src/shapes.ts).
    expect(out).toContain("✓ every call spelling of a mocked smartasync function calls the mock");
    expect(out).toContain("✓ a tagged template calls the mock with the template's strings and values");
    expect(out).toContain(
      "✓ the sync variant's copy of a local function keeps the spellings and calls the mock",
    );
    expect(out).toContain(
      "✓ every call spelling reaches the factory's function, with the receiver the call gave",
    );
    expect(out).toContain("✓ an optional call of a function the factory does not provide short-circuits");
    expect(out).toMatch(/Tests: +17 passed, 17 total/);
    expect(status, out).toBe(0);
  });

  it("loads the runtime as shipped from node_modules in a CommonJS Jest project (no transformIgnorePatterns)", () => {
    const dir = copyOfExample("installed");
    // Jest's default transformIgnorePatterns leave node_modules alone: Jest's CommonJS mode
    // requires smartasync/runtime as shipped (index.cjs), which an ES module runtime could not be.
    expect(readFileSync(join(dir, "jest.config.js"), "utf8")).not.toMatch(/transformIgnorePatterns\s*:/);
    const pkg = join(dir, "node_modules/smartasync");
    mkdirSync(pkg);
    cpSync(join(root, "package.json"), join(pkg, "package.json"));
    cpSync(join(root, "dist"), join(pkg, "dist"), { recursive: true });
    const { status, out } = runJest(dir, "installed");
    expect(out).toMatch(/Tests: +17 passed, 17 total/);
    expect(status, out).toBe(0);
  });

  it("follows the project's moduleNameMapper aliases (attack26 F11), relative ones from the importer", () => {
    const dir = join(scratch, "mapper");
    mkdirSync(join(dir, "src"), { recursive: true });
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "mapper", private: true, type: "module" }),
    );
    writeFileSync(
      join(dir, "jest.config.js"),
      `export default {\n  transform: { "\\\\.[cm]?[jt]sx?$": "smartasync/jest" },\n  moduleNameMapper: { "^@/(.*)$": "<rootDir>/src/$1", "^(\\\\.{1,2}/.*)\\\\.js$": "$1" },\n};\n`,
    );
    const lib = (name: string) =>
      `// @smartasync\nexport async function ${name}(x: number): Promise<string> {\n  await null;\n  return "${name}:" + x;\n}\n`;
    writeFileSync(join(dir, "src/lib.ts"), lib("load"));
    writeFileSync(join(dir, "src/near.ts"), lib("near"));
    writeFileSync(
      join(dir, "src/alias.test.ts"),
      `import { load } from "@/lib";\nimport { near } from "./near.js";\n\nfunction both(): string {\n  return \`\${load(1)} \${near(2)}\`;\n}\n\ntest("a sync call through a moduleNameMapper alias gets the value", () => {\n  expect(both()).toBe("load:1 near:2");\n});\n`,
    );
    const { status, out } = runJest(dir, "mapper");
    expect(out).toMatch(/Tests: +1 passed, 1 total/);
    expect(out).not.toContain("SA204");
    expect(status, out).toBe(0);
  });

  /** A CommonJS project in the scratch folder: `files` by path, smartasync linked in. */
  function project(name: string, files: Record<string, string>): string {
    const dir = join(scratch, name);
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }
  // An annotated async function whose sync variant is inline, and a sync caller that prints what
  // it got: the value where the call was followed, a promise where it stayed plain.
  const asyncLib = (tag: string) =>
    `// @smartasync\nasync function load() {\n  await null;\n  return "${tag}";\n}\nmodule.exports = { load };\n`;
  const reporter = (specifier: string, label: string) =>
    `const { load } = require("${specifier}");\nfunction report() {\n  const v = load();\n  return "${label}:" + (typeof v === "string" ? v : "got a Promise");\n}\nmodule.exports = { report };\n`;

  it("follows what Jest resolves: a moduleNameMapper array, moduleDirectories, modulePaths (attack28 F02/F03)", () => {
    const dir = project("lookup", {
      "package.json": JSON.stringify({ name: "lookup", private: true, smartasync: { strict: true } }),
      "jest.config.js": `module.exports = {\n  transform: { "\\\\.[cm]?[jt]sx?$": "smartasync/jest" },\n  moduleNameMapper: { "^@app/(.*)$": ["<rootDir>/src/nope/$1", "<rootDir>/src/real/$1"] },\n  moduleDirectories: ["node_modules", "src"],\n  modulePaths: ["<rootDir>/shared"],\n};\n`,
      "src/real/lib.js": asyncLib("mapped"),
      "src/mylib.js": asyncLib("directory"),
      "shared/pathlib.js": asyncLib("path"),
      "src/a.js": reporter("@app/lib", "array"),
      "src/b.js": reporter("mylib", "moduleDirectories"),
      "src/c.js": reporter("pathlib", "modulePaths"),
      "test/lookup.test.js": `test("each import is followed as Jest resolves it", () => {\n  expect([require("../src/a").report(), require("../src/b").report(), require("../src/c").report()]).toEqual(["array:mapped", "moduleDirectories:directory", "modulePaths:path"]);\n});\n`,
    });
    const { status, out } = runJest(dir, "lookup");
    expect(out).not.toContain("SA204");
    expect(out).toMatch(/Tests: +1 passed, 1 total/);
    expect(status, out).toBe(0);
  });

  it("transforms an importer again when a module it reaches through moduleNameMapper, moduleDirectories or customExportConditions gains its annotation (attack33 F01)", () => {
    const plainLib = (tag: string) =>
      `async function load() {\n  await null;\n  return "${tag}";\n}\nmodule.exports = { load };\n`;
    const dir = project("routes-cache", {
      "package.json": JSON.stringify({
        name: "routes-cache",
        private: true,
        imports: { "#lib": { custom: "./src/custom.js", default: "./src/plain.js" } },
      }),
      "jest.config.js": `module.exports = {\n  transform: { "\\\\.[cm]?[jt]sx?$": "smartasync/jest" },\n  moduleNameMapper: { "^@app/(.*)$": "<rootDir>/src/real/$1" },\n  moduleDirectories: ["node_modules", "src"],\n  testEnvironmentOptions: { customExportConditions: ["node", "node-addons", "custom"] },\n};\n`,
      "src/real/lib.js": plainLib("mapped"),
      "src/mylib.js": plainLib("directory"),
      "src/custom.js": plainLib("condition"),
      "src/plain.js": plainLib("default"),
      "src/a.js": reporter("@app/lib", "mapper"),
      "src/b.js": reporter("mylib", "moduleDirectories"),
      "src/c.js": reporter("#lib", "conditions"),
      "test/routes.test.js": `test("each import is followed as Jest resolves it", () => {\n  expect([require("../src/a").report(), require("../src/b").report(), require("../src/c").report()]).toEqual(["mapper:mapped", "moduleDirectories:directory", "conditions:condition"]);\n});\n`,
    });
    const first = runJest(dir, "routes-cache");
    // Not annotated yet: plain calls, a Promise each.
    expect(first.out).toContain('"mapper:got a Promise"');
    expect(first.out).toContain('"moduleDirectories:got a Promise"');
    expect(first.out).toContain('"conditions:got a Promise"');
    expect(first.status).toBe(1);
    // Only the imported modules change: a.js, b.js, c.js keep their text (Jest's cache has them).
    writeFileSync(join(dir, "src/real/lib.js"), asyncLib("mapped"));
    writeFileSync(join(dir, "src/mylib.js"), asyncLib("directory"));
    writeFileSync(join(dir, "src/custom.js"), asyncLib("condition"));
    const second = runJest(dir, "routes-cache");
    expect(second.out).toMatch(/Tests: +1 passed, 1 total/);
    expect(second.status, second.out).toBe(0);
  });

  it("says SA204 where Jest resolves what smartasync cannot follow: a custom resolver, a test file's own conditions (attack28 F03/F10)", () => {
    const files = {
      "package.json": JSON.stringify({
        name: "unfollowed",
        private: true,
        imports: { "#lib": { custom: "./src/c2.js", default: "./src/c.js" } },
      }),
      "jest.config.js": `module.exports = {\n  transform: { "\\\\.[cm]?[jt]sx?$": "smartasync/jest" },\n  resolver: "<rootDir>/resolver.cjs",\n};\n`,
      "resolver.cjs": `module.exports = (request, options) =>\n  options.defaultResolver(request.startsWith("@app/") ? options.rootDir + "/src/real/" + request.slice(5) + ".js" : request, options);\n`,
      "src/real/lib.js": asyncLib("resolved"),
      "src/c2.js": asyncLib("custom"),
      "src/c.js": `exports.load = function load() {\n  return "plain";\n};\n`,
      "src/a.js": reporter("@app/lib", "resolver"),
      "src/b.js": reporter("#lib", "conditions"),
      "test/resolver.test.js": `test("r", () => {\n  console.log(require("../src/a").report());\n});\n`,
      // Jest's per-file docblock (written in two pieces: Vitest reads such a docblock in this file).
      "test/conditions.test.js": `/**\n * @jest-${"environment-options"} {"customExportConditions": ["custom", "node"]}\n */\ntest("c", () => {\n  console.log(require("../src/b").report());\n});\n`,
    };
    // Warnings: on stderr, and the calls stay plain (the promise, as the uncompiled code gives).
    const dir = project("unfollowed", files);
    const warned = runJest(dir, "unfollowed");
    expect(warned.out).toMatch(
      /smartasync: src\/a\.js:1:7: warning SA204: `load\(\)` \(line 3\) is called through the imported module "@app\/lib", which cannot be found: no package of that name is installed, and your test runner resolves it with its own resolver "\.\.\/resolver\.cjs"/,
    );
    expect(warned.out).toMatch(
      /smartasync: src\/b\.js:1:7: warning SA204: `load\(\)` \(line 3\) is called through the imported module "#lib", which leads to c2\.js under the "custom" condition/,
    );
    expect(warned.out).toContain("resolver:got a Promise");
    expect(warned.out).toContain("conditions:got a Promise");
    expect(warned.status, warned.out).toBe(0);
    // Under `strict`, each is an error: the test files fail to run.
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ ...JSON.parse(files["package.json"]), smartasync: { strict: true } }),
    );
    const strict = runJest(dir, "unfollowed-strict");
    expect(strict.out).toMatch(/src\/a\.js: SA204: `load\(\)`[^\n]*its own resolver "\.\.\/resolver\.cjs"/);
    expect(strict.out).toMatch(/src\/b\.js: SA204: `load\(\)`[^\n]*under the "custom" condition/);
    expect(strict.out).toMatch(/Test Suites: +2 failed, 2 total/);
    expect(strict.status).toBe(1);
  });

  it("runs under Jest's ESM mode too (ES module output)", () => {
    const dir = copyOfExample("esm");
    // `jest.mock` does not apply to ES modules (Jest's ESM mode has jest.unstable_mockModule).
    for (const f of [
      "greeting.automock.test.ts",
      "greeting.factory.test.ts",
      "shapes.automock.test.ts",
      "shapes.factory.test.ts",
    ])
      rmSync(join(dir, "src", f));
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    const config = join(dir, "jest.config.js");
    writeFileSync(
      config,
      readFileSync(config, "utf8").replace("};", '  extensionsToTreatAsEsm: [".ts"],\n};'),
    );
    const { status, out } = runJest(dir, "esm", "--experimental-vm-modules --no-warnings");
    expect(out).toMatch(/Tests: +2 passed, 2 total/);
    expect(status, out).toBe(0);
  });

  it("transforms an importer again when an imported module's annotation changes (Jest's cache)", () => {
    const dir = copyOfExample("edit");
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    // remoteName moves to its own module, which settings.ts imports.
    const remote = join(dir, "src/remote.ts");
    const remoteText = [
      'import { threadId } from "node:worker_threads";',
      "",
      "// @smartasync",
      "export async function remoteName(id: number): Promise<string> {",
      "  await new Promise((resolve) => setTimeout(resolve, 10));",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source text
      "  return `user-${id}@thread-${threadId}`;",
      "}",
      "",
    ].join("\n");
    writeFileSync(remote, remoteText);
    const settings = join(dir, "src/settings.ts");
    writeFileSync(
      settings,
      readFileSync(settings, "utf8")
        .replace(/\/\/ @smartasync\nexport async function remoteName[\s\S]*?\n}\n/, "")
        .replace(
          'import { threadId } from "node:worker_threads";',
          'import { remoteName } from "./remote.js";',
        ),
    );
    const first = runJest(dir, "edit");
    expect(first.status, first.out).toBe(0);
    // Only remote.ts changes: summary() in settings.ts (unchanged text, cached by Jest) must now
    // call remoteName directly (a promise in sync code), not keep the worker variant.
    writeFileSync(remote, remoteText.replace("// @smartasync\n", ""));
    const edited = runJest(dir, "edit");
    expect(edited.out).toContain("owner=[object Promise]");
    expect(edited.status).toBe(1);
  });
});
