/**
 * Vitest with `smartasync/vite`: examples/bundlers/vitest is run by the real Vitest in a child
 * process (`vitest run --root examples/bundlers/vitest`), as a user's CI would run it. Its test
 * calls an annotated function from sync code and checks both the value and that the function it
 * ran is smartasync's output, and calls functions whose variants run in workers. Then the same on
 * Vite's dev server through its own API.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createServer, type Logger, type ViteDevServer } from "vite";
import { describe, expect, it } from "vitest";
import vitePlugin from "../../src/unplugin/vite.js";

const ROOT = join(import.meta.dirname, "..", "..");
const EXAMPLE = join(ROOT, "examples", "bundlers", "vitest");

describe("examples/bundlers/vitest", () => {
  it("runs under Vitest with smartasync/vite: the call in sync code gets its value", () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
    // This file itself runs under Vitest: the child must not think it is one of its workers.
    for (const k of Object.keys(env)) if (k.startsWith("VITEST") || k === "NODE_OPTIONS") delete env[k];
    const r = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--root", EXAMPLE, "--reporter", "verbose"],
      { cwd: ROOT, encoding: "utf8", env, timeout: 90_000 },
    );
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toContain("✓ test/greetings.test.ts > a call in sync code gives the value");
    expect(out).toContain(
      "✓ test/greetings.test.ts > an awaited call gives the same value, through a promise",
    );
    expect(out).toContain(
      "✓ test/greetings.test.ts > worker variants run too: a sync call that blocks on a worker",
    );
    expect(out).toContain("✓ test/greetings.test.ts > an awaited call of a sync function runs in the pool");
    expect(out).toMatch(/Tests\s+4 passed \(4\)/);
    expect(out).not.toMatch(/warning|SMARTASYNC_|SA\d{3}/i);
  });
});

describe("Vitest's mocks (attack26 F08)", () => {
  it("vi.mock (automock and factory) and vi.spyOn of a module with an annotated function are called by sync code", () => {
    // Under Vitest the plugin turns `mockable` on, as smartasync/jest does: a sync call of an
    // imported smartasync function finds its variant through the callee's marker, and a mock
    // function (automocked, from a factory, a spy) is called itself. Automock and spyOn copy the
    // original's marker onto the mock: sync code got the automocked variant's `undefined`.
    const dir = join(ROOT, ".tmp", "vitest-mocks");
    rmSync(dir, { recursive: true, force: true });
    const files: Record<string, string> = {
      "vitest.config.js": `import smartasync from "smartasync/vite";\nimport { defineConfig } from "vitest/config";\nexport default defineConfig({ plugins: [smartasync()] });\n`,
      "src/lib.js": `// @smartasync\nexport async function load(x) {\n  return "real:" + x;\n}\n`,
      "src/app.js": `import { load } from "./lib.js";\nimport * as lib from "./lib.js";\nexport function viaName(x) {\n  const v = load(x);\n  return \`\${v}\`;\n}\nexport function viaNs(x) {\n  const v = lib.load(x);\n  return \`\${v}\`;\n}\n`,
      "test/real.test.js": `import { expect, test } from "vitest";\nimport { viaName, viaNs } from "../src/app.js";\ntest("real", () => {\n  expect([viaName(1), viaNs(2)]).toEqual(["real:1", "real:2"]);\n});\n`,
      "test/automock.test.js": `import { expect, test, vi } from "vitest";\nimport { viaName, viaNs } from "../src/app.js";\nimport { load } from "../src/lib.js";\nvi.mock("../src/lib.js");\ntest("automock", () => {\n  vi.mocked(load).mockReturnValue("MOCK");\n  expect([viaName(1), viaNs(2)]).toEqual(["MOCK", "MOCK"]);\n});\n`,
      "test/factory.test.js": `import { expect, test, vi } from "vitest";\nimport { viaName, viaNs } from "../src/app.js";\nvi.mock("../src/lib.js", () => ({ load: vi.fn(() => "FACTORY") }));\ntest("factory", () => {\n  expect([viaName(1), viaNs(2)]).toEqual(["FACTORY", "FACTORY"]);\n});\n`,
      "test/spy.test.js": `import { expect, test, vi } from "vitest";\nimport * as lib from "../src/lib.js";\nimport { viaName, viaNs } from "../src/app.js";\ntest("spy", () => {\n  vi.spyOn(lib, "load").mockReturnValue("SPY");\n  expect([viaName(1), viaNs(2)]).toEqual(["SPY", "SPY"]);\n});\n`,
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
    for (const k of Object.keys(env)) if (k.startsWith("VITEST") || k === "NODE_OPTIONS") delete env[k];
    const r = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--root", dir, "--reporter", "verbose"],
      { cwd: ROOT, encoding: "utf8", env, timeout: 90_000 },
    );
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/Tests\s+4 passed \(4\)/);
  });
});

describe("the dev server (Vite serve, Vitest)", () => {
  const dir = join(ROOT, ".tmp", "bundlers-tests", "vite-dev");
  const LIB = `// @smartasync\nexport async function slow(x) {\n  await new Promise((r) => setTimeout(r, 1));\n  return x * 2;\n}\n\n// @smartasync\nexport async function fast(x) {\n  return x + 1;\n}\n\nexport function useBoth() {\n  const a = fast(1);\n  const b = slow(2);\n  return [a + 0, b + 0];\n}\n`;

  async function devServer(): Promise<{ server: ViteDevServer; warnings: string[] }> {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(join(dir, "src/lib.js"), LIB);
    const warnings: string[] = [];
    const logger: Logger = {
      info() {},
      warn: (m) => warnings.push(m),
      warnOnce: (m) => warnings.push(m),
      error() {},
      clearScreen() {},
      hasErrorLogged: () => false,
      hasWarned: false,
    };
    const server = await createServer({
      root: dir,
      configFile: false,
      logLevel: "warn",
      customLogger: logger,
      server: { middlewareMode: true, hmr: false, watch: null },
      plugins: [vitePlugin()],
    });
    return { server, warnings };
  }

  it("compiles on the fly; worker variants run, their module compiled in the worker by smartasync/register", async () => {
    const before = process.env.SMARTASYNC_WORKER_IMPORT;
    delete process.env.SMARTASYNC_WORKER_IMPORT;
    const { server, warnings } = await devServer();
    try {
      expect(process.env.SMARTASYNC_WORKER_IMPORT).toBe(
        pathToFileURL(join(ROOT, "dist/register/index.js")).href,
      );
      const mod = await server.ssrLoadModule(join(dir, "src/lib.js"));
      expect(mod.useBoth()).toEqual([2, 4]); // fastSync inline; slowSync on a worker
      expect(warnings).toEqual([]);
    } finally {
      await server.close();
      if (before === undefined) delete process.env.SMARTASYNC_WORKER_IMPORT;
      else process.env.SMARTASYNC_WORKER_IMPORT = before;
    }
  });

  it("after an edit, a worker variant runs the edited module as the page's code does (attack26 F10)", async () => {
    const { server, warnings } = await devServer();
    // `slow` is a worker variant in sync code (runSync, the blocking worker); `cpu` is offloaded
    // when awaited (the pool). The second request comes right after the edit: both workers warm.
    const lib = (v: string) =>
      writeFileSync(
        join(dir, "src/versions.js"),
        `export const ver = "${v}";\n// @smartasync\nexport async function slow(x) {\n  await new Promise((r) => setTimeout(r, 1));\n  return "${v}:" + x;\n}\n// @smartasync\nexport function cpu(x) {\n  return "${v}-cpu:" + x;\n}\n`,
      );
    writeFileSync(
      join(dir, "src/main.js"),
      'import { cpu, slow, ver } from "./versions.js";\nexport function main() {\n  return ver + " | " + slow(1);\n}\nexport async function amain() {\n  return await cpu(1);\n}\n',
    );
    const request = async () => {
      const m = await server.ssrLoadModule(join(dir, "src/main.js"));
      return `${m.main()} | ${await m.amain()}`;
    };
    try {
      lib("v1");
      expect(await request()).toBe("v1 | v1:1 | v1-cpu:1");
      lib("v2");
      server.moduleGraph.invalidateAll(); // what the file watcher does on the edit (watch is off here)
      expect(await request()).toBe("v2 | v2:1 | v2-cpu:1");
      expect(warnings).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("the dev server follows edits of the modules a file reaches (attack28 F09)", () => {
  // Vite only soft-invalidates a static importer of an edited file (its kept output evaluated
  // again, not transformed again): before the plugin invalidated it fully (unplugin/dev-server.ts),
  // a direct import's function annotated left the importer's plain call (sync code got a
  // Promise), the annotation removed left its call of `loadSync` (a crash), and a barrel kept its
  // re-exports without `loadSync` after the module behind it was annotated (a crash).
  const MAIN = (from: string) =>
    `import { load } from "${from}";\nexport function report() {\n  const v = load();\n  return typeof v === "string" ? v : "got a Promise";\n}\n`;
  const PLAIN = (value: string) => `export function load() {\n  return "${value}";\n}\n`;
  const ANNOTATED = (prefix: string) =>
    `import { readFile } from "node:fs/promises";\n// @smartasync\nexport async function load() {\n  return "${prefix}:" + (await readFile(new URL("./data.txt", import.meta.url), "utf8")).trim();\n}\n`;
  const BARREL = (from: string) => `export { load } from "${from}";\n`;

  interface Case {
    name: string;
    files: Record<string, string>;
    /** What `report()` gives first. */
    first: string;
    /** Each edit: the file and its new text, and what `report()` gives then (what a fresh server gives). */
    steps: { file: string; text: string; value: string }[];
  }
  // Each direction from a server started on the state before the edit (an importer left stale by
  // one edit would be right again after the edit back).
  const CASES: Case[] = [
    {
      name: "a module main.js imports directly: its function annotated",
      files: { "main.js": MAIN("./names.js"), "names.js": PLAIN("plain") },
      first: "plain",
      steps: [{ file: "names.js", text: ANNOTATED("annotated"), value: "annotated:hi" }],
    },
    {
      name: "a module main.js imports directly: the annotation removed",
      files: { "main.js": MAIN("./names.js"), "names.js": ANNOTATED("annotated") },
      first: "annotated:hi",
      steps: [{ file: "names.js", text: PLAIN("plain"), value: "plain" }],
    },
    {
      name: "the barrel main.js imports re-pointed to a module with the annotated function",
      files: {
        "main.js": MAIN("./lib.js"),
        "lib.js": BARREL("./c.js"),
        "c.js": PLAIN("plain c"),
        "c2.js": ANNOTATED("c2"),
      },
      first: "plain c",
      steps: [{ file: "lib.js", text: BARREL("./c2.js"), value: "c2:hi" }],
    },
    {
      name: "the barrel main.js imports re-pointed away from a module with the annotated function",
      files: {
        "main.js": MAIN("./lib.js"),
        "lib.js": BARREL("./c2.js"),
        "c.js": PLAIN("plain c"),
        "c2.js": ANNOTATED("c2"),
      },
      first: "c2:hi",
      steps: [{ file: "lib.js", text: BARREL("./c.js"), value: "plain c" }],
    },
    {
      name: "the module behind the barrel: its function annotated, then plain again",
      files: { "main.js": MAIN("./lib.js"), "lib.js": BARREL("./c.js"), "c.js": PLAIN("plain c") },
      first: "plain c",
      steps: [
        { file: "c.js", text: ANNOTATED("c"), value: "c:hi" },
        { file: "c.js", text: PLAIN("plain again"), value: "plain again" },
      ],
    },
    {
      name: "the module behind the barrel: the annotation removed",
      files: { "main.js": MAIN("./lib.js"), "lib.js": BARREL("./c.js"), "c.js": ANNOTATED("c") },
      first: "c:hi",
      steps: [{ file: "c.js", text: PLAIN("plain"), value: "plain" }],
    },
  ];

  describe.each([false, true])("hmr: %s", (hmr) => {
    it.each(CASES)(
      "$name",
      async (c) => {
        const dir = join(
          ROOT,
          ".tmp",
          "bundlers-tests",
          "vite-dev-reached",
          `${hmr}-${c.name.replace(/\W+/g, "-")}`,
        );
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        for (const [file, text] of Object.entries({ ...c.files, "data.txt": "hi\n" }))
          writeFileSync(join(dir, file), text);
        const server = await createServer({
          root: dir,
          configFile: false,
          logLevel: "silent",
          appType: "custom",
          server: { middlewareMode: true, hmr, watch: {} },
          plugins: [vitePlugin()],
        });
        const report = async () => {
          try {
            return ((await server.ssrLoadModule("/main.js")) as { report(): string }).report();
          } catch (e) {
            return `ERR ${(e as Error).message}`;
          }
        };
        try {
          expect(await report()).toBe(c.first);
          const graph = server.environments.ssr.moduleGraph;
          // Whether the server keeps an output of the file: the edit is seen once it does not (at
          // most 60 s). Asking for its output (transformRequest) would tell the module runner its
          // module is unchanged: it would keep the module it evaluated before the edit.
          const kept = (file: string) =>
            [...(graph.getModulesByFile(join(dir, file)) ?? [])].some((m) => m.transformResult);
          for (const step of c.steps) {
            expect(kept(step.file)).toBe(true);
            writeFileSync(join(dir, step.file), step.text);
            for (let n = 0; n < 120 && kept(step.file); n++) await new Promise((r) => setTimeout(r, 500));
            expect(kept(step.file)).toBe(false);
            expect(await report(), `after editing ${step.file}`).toBe(step.value);
          }
        } finally {
          await server.close();
        }
      },
      120_000,
    );
  });
});

describe("Vitest's watch mode follows edits of the modules a test reaches (attack28 F09)", () => {
  it("a direct import's annotation removed and another's added, a barrel re-pointed and back, the module behind it annotated and back", () => {
    // The real Vitest in a child process (startVitest in watch mode, as `vitest` in a terminal):
    // each edit is written once the run before it has ended, and each run prints what the code
    // under test returns. Before the plugin invalidated the importers fully, the first run after
    // an edit printed "got a Promise" or failed on a missing `loadSync` (unplugin/dev-server.ts).
    const dir = join(ROOT, ".tmp", "vitest-watch-reached");
    rmSync(dir, { recursive: true, force: true });
    const plain = (value: string) => `export function load() {\n  return "${value}";\n}\n`;
    const annotated = (prefix: string) =>
      `import { readFile } from "node:fs/promises";\n// @smartasync\nexport async function load() {\n  return "${prefix}:" + (await readFile(new URL("./data.txt", import.meta.url), "utf8")).trim();\n}\n`;
    const barrel = (from: string) => `export { load } from "${from}";\n`;
    const files: Record<string, string> = {
      "vitest.config.js": `import smartasync from "smartasync/vite";\nimport { defineConfig } from "vitest/config";\nexport default defineConfig({ plugins: [smartasync()], test: { include: ["a.test.js"] } });\n`,
      "a.test.js": `import { test } from "vitest";\nimport { report } from "./main.js";\ntest("report", () => {\n  console.log("REPORT: " + report());\n});\n`,
      "main.js": `import { load } from "./lib.js";\nimport { load as fetchName } from "./names.js";\nimport { load as other } from "./other.js";\nconst shown = (v) => (typeof v === "string" ? v : "got a Promise");\nexport function report() {\n  const a = load();\n  const b = fetchName();\n  const c = other();\n  return [shown(a), shown(b), shown(c)].join(" | ");\n}\n`,
      "lib.js": barrel("./c.js"),
      "c.js": plain("plain c"),
      "c2.js": annotated("c2"),
      "names.js": annotated("n"),
      "other.js": plain("other"),
      "data.txt": "hi\n",
      "drive.mjs": `import { writeFileSync } from "node:fs";\nimport { startVitest } from "vitest/node";\nlet ended;\nconst reporter = {\n  onUserConsoleLog: (log) => process.stdout.write(log.content),\n  onTestRunEnd: (_modules, errors) => {\n    for (const e of errors) process.stdout.write("ERROR: " + e.message + "\\n");\n    ended?.();\n  },\n};\nconst vitest = await startVitest("test", [], { watch: true, reporters: [reporter] });\nfor (const [file, text] of JSON.parse(process.argv[2])) {\n  const run = new Promise((r) => (ended = r));\n  writeFileSync(file, text);\n  await run;\n}\nawait vitest.close();\nprocess.exit(0);\n`,
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    // The first edit of each file is from the state the run started on: a direct import's annotation
    // removed (names.js) and added (other.js), a barrel re-pointed, the module behind it annotated.
    const edits = [
      ["names.js", plain("plain n")],
      ["other.js", annotated("o")],
      ["lib.js", barrel("./c2.js")],
      ["lib.js", barrel("./c.js")],
      ["c.js", annotated("c")],
      ["c.js", plain("plain again")],
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
    for (const k of Object.keys(env)) if (k.startsWith("VITEST") || k === "NODE_OPTIONS") delete env[k];
    const r = spawnSync(process.execPath, ["drive.mjs", JSON.stringify(edits)], {
      cwd: dir,
      encoding: "utf8",
      env,
      timeout: 120_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).toBe(0);
    const reports = out.split("\n").filter((l) => /^(REPORT|ERROR):/.test(l));
    expect(reports, out).toEqual([
      "REPORT: plain c | n:hi | other",
      "REPORT: plain c | plain n | other",
      "REPORT: plain c | plain n | o:hi",
      "REPORT: c2:hi | plain n | o:hi",
      "REPORT: plain c | plain n | o:hi",
      "REPORT: c:hi | plain n | o:hi",
      "REPORT: plain again | plain n | o:hi",
    ]);
  }, 150_000);
});
