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
