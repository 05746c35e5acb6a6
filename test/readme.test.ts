/**
 * README.md shows real output: its snippets and figures are checked against what the code and
 * the benchmark pages say. The worked example is compiled and inspected here exactly as the
 * README shows it; the configurations are the examples' own; the figures are the ones
 * docs/performance.md was rendered with.
 */
import { spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { transformFileSync } from "@babel/core";
import { afterAll, describe, expect, it } from "vitest";
import smartasync from "../src/babel-plugin/index.js";
import { cli, tree, untimed } from "./cli/helpers.js";
import { ROOT } from "./harness.js";
import { codeBlocks } from "./markdown.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const blocks = codeBlocks(readme);

/** The code block right after the paragraph that contains `marker`. */
function blockAfter(marker: string): string {
  const at = readme.indexOf(marker);
  expect(at, marker).toBeGreaterThanOrEqual(0);
  const block = blocks.find((b) => b.offset > at);
  expect(block, marker).toBeDefined();
  return block!.body;
}

/** The code block whose first line is `first`. */
function blockStarting(first: string): string {
  const block = blocks.find((b) => b.body.startsWith(`${first}\n`));
  expect(block, first).toBeDefined();
  return block!.body;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("README: the worked example (30 seconds)", () => {
  const input = blockAfter("Input (`src/app.js`):");
  const dir = tree("readme-example", { "src/app.js": input });

  it("`smartasync inspect` and `smartasync check` print what the README shows", () => {
    const shown = blockAfter("builds a tree (`build`, with source maps");
    const inspect = cli(["inspect", "src/app.js"], dir);
    expect(inspect.status).toBe(0);
    const check = cli(["check", "src", "--deny", "sync-worker"], dir);
    expect(check.status).toBe(1);
    const real = [
      "$ npx smartasync inspect src/app.js",
      inspect.stdout.trimEnd(),
      "",
      '$ npx smartasync check src --deny sync-worker; echo "exit $?"',
      check.stdout.trimEnd(),
      `exit ${check.status}`,
      "",
    ].join("\n");
    expect(untimed(shown)).toBe(untimed(real));
  });

  it("the report excerpt is the plugin's report, element for element", () => {
    const shown = blockAfter("and `result.metadata.smartasync` says why:");
    // The excerpt leaves elements out with `...`; what it shows must be exact.
    const json = shown.replace(/^\s*\.\.\.\s*$/gm, "").replace(/,(\s*[\]}])/g, "$1");
    const excerpt = JSON.parse(json) as {
      version: number;
      file: string;
      functions: { name: string }[];
      calls: { loc: string }[];
      diagnostics: unknown[];
    };
    const out = transformFileSync(join(dir, "src/app.js"), {
      babelrc: false,
      configFile: false,
      cwd: dir,
      plugins: [smartasync],
    });
    const report = (out!.metadata as unknown as { smartasync: typeof excerpt }).smartasync;
    expect(excerpt.version).toBe(report.version);
    expect(excerpt.file).toBe(report.file);
    expect(excerpt.diagnostics).toEqual(report.diagnostics);
    expect(excerpt.functions.length).toBeGreaterThan(0);
    for (const f of excerpt.functions) expect(f).toEqual(report.functions.find((x) => x.name === f.name));
    expect(excerpt.calls.length).toBeGreaterThan(0);
    for (const c of excerpt.calls) expect(c).toEqual(report.calls.find((x) => x.loc === c.loc));
  });

  it("the abridged output is Babel 8's output, lines left out but none changed or reordered", () => {
    const shown = blockAfter("Output (Babel 8, abridged");
    const out = transformFileSync(join(dir, "src/app.js"), {
      babelrc: false,
      configFile: false,
      cwd: dir,
      plugins: [smartasync],
    });
    // A call too long for the README's line width is broken over lines by the formatter: both
    // sides are compared with such breaks joined (the tokens and their order still must match).
    const code = (s: string): string[] =>
      s
        .split("\n")
        .map((l) => l.replace(/\s*\/\/.*$/, "").trim()) // comments: the README's own notes
        .filter((l) => l !== "" && l !== "/* unchanged */")
        .join("\n")
        .replace(/,\n\)/g, ")")
        .replace(/\(\n/g, "(")
        .replace(/,\n/g, ", ")
        .split("\n");
    const real = code(out!.code!);
    let at = 0;
    for (const line of code(shown)) {
      const found = real.indexOf(line, at);
      expect(
        found,
        `README output line ${JSON.stringify(line)} is not in the real output (in order)`,
      ).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
  });
});

describe("README: configurations", () => {
  it("each build-tool snippet is its example's configuration file", () => {
    const where: Record<string, string> = {
      "vite.config.js": "vite",
      "vitest.config.js": "vitest",
      "rollup.config.mjs": "rollup",
      "webpack.config.mjs": "webpack",
      "build.mjs (esbuild)": "esbuild",
    };
    for (const [first, example] of Object.entries(where)) {
      const file = first.split(" ")[0]!;
      const body = blockStarting(`// ${first}`).split("\n").slice(1).join("\n");
      expect(body, file).toBe(readFileSync(join(ROOT, "examples/bundlers", example, file), "utf8"));
    }
  });

  it("the Jest snippet is examples/jest's configuration (comments aside)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smartasync-readme-jest-"));
    dirs.push(dir);
    writeFileSync(join(dir, "shown.mjs"), blockStarting("// jest.config.js"));
    const shown = (await import(pathToFileURL(join(dir, "shown.mjs")).href)).default;
    const real = (await import(pathToFileURL(join(ROOT, "examples/jest/jest.config.js")).href)).default;
    expect(shown).toEqual(real);
  });

  describe('the Babel configs, in a project made by `npm init -y` ("type": "commonjs")', () => {
    const project = mkdtempSync(join(tmpdir(), "smartasync-readme-babel-"));
    dirs.push(project);
    mkdirSync(join(project, "node_modules"));
    symlinkSync(ROOT, join(project, "node_modules/smartasync"), "dir");
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "app", version: "1.0.0", type: "commonjs" }),
    );
    writeFileSync(
      join(project, "lib.js"),
      "// @smartasync\nexport async function load() {\n  return 1;\n}\n",
    );

    const configs: [string, string][] = [
      ["babel.config.json", blockAfter("`babel.config.json` (Babel 7.22+ or 8):")],
      ["babel.config.mjs", blockStarting("// babel.config.mjs")],
      ["babel.config.cjs", blockStarting("// babel.config.cjs")],
    ];

    function compile(config: string, text: string) {
      for (const f of readdirSync(project)) if (f.startsWith("babel.config.")) rmSync(join(project, f));
      writeFileSync(join(project, config), text);
      // A child process: Babel caches configs per process, and the .mjs one is imported.
      const script = `
        const babel = require(${JSON.stringify(createRequire(import.meta.url).resolve("@babel/core"))});
        babel.transformFileAsync("lib.js", { cwd: ${JSON.stringify(project)} }).then(
          (r) => console.log(JSON.stringify(r.metadata.smartasync.functions)),
          (e) => { console.log("ERROR " + e.message.split("\\n")[0]); });`;
      return spawnSync(process.execPath, ["-e", script], { cwd: project, encoding: "utf8", timeout: 60_000 });
    }

    it.each(configs)("%s loads the plugin with its options", (config, text) => {
      const r = compile(config, text);
      expect(r.stderr).toBe("");
      expect(JSON.parse(r.stdout)).toEqual([
        expect.objectContaining({ name: "load", variants: { sync: "loadSync" } }),
      ]);
    });

    it("an ES-module babel.config.js is what fails there (why the README shows .json, .mjs and .cjs)", () => {
      const r = compile(
        "babel.config.js",
        blockStarting("// babel.config.mjs").replace("// babel.config.mjs", "// babel.config.js"),
      );
      expect(r.stdout).toMatch(/^ERROR .*(export|Unexpected token|Cannot use import statement)/);
    });
  });
});

/** The rows of the table docs/performance.md renders between `<!-- render:<section> -->` markers, by first cell. */
function performanceRows(section: string): Map<string, string[]> {
  const page = readFileSync(join(ROOT, "docs/performance.md"), "utf8");
  const start = page.indexOf(`<!-- render:${section} -->`);
  const end = page.indexOf(`<!-- /render:${section} -->`);
  expect(start, section).toBeGreaterThanOrEqual(0);
  const rows = new Map<string, string[]>();
  for (const line of page.slice(start, end).split("\n")) {
    if (!line.startsWith("|")) continue;
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
    rows.set(cells[0]!, cells);
  }
  return rows;
}

describe("README: figures", () => {
  // goals: | goal | measured | limit | status |; runtime: | path | per call | spread | vs anchor | goal |
  const goals = performanceRows("goals");
  const runtime = performanceRows("runtime");
  const cell = (rows: Map<string, string[]>, row: string, i: number): string => {
    const r = rows.get(row);
    expect(r, row).toBeDefined();
    return r![i]!;
  };
  const goal = (name: string) => cell(goals, name, 1);
  const perCall = (name: string) => cell(runtime, name, 1);
  const vs = (name: string) => cell(runtime, name, 3);
  const first = (s: string): string => s.split(" ")[0]!;
  const plusNs = (s: string): string => /\+([\d.]+ ns)/.exec(s)![1]!;
  // "an 18.8 µs", "a 19.3 µs": the article English gives the figure as read aloud.
  const an = (figure: string): string => `${/^(8|11|18|8\d)\b/.test(figure) ? "an" : "a"} ${figure}`;

  it("are the ones docs/performance.md was rendered with", () => {
    const expected = [
      `an inline sync variant costs ${first(goal("sync-inline variant addSync"))} a hand-written`,
      `is ${an(perCall("runSync round trip"))} round trip (synckit: ${perCall("synckit createSyncFn round trip")})`,
      `round-trips in ${perCall("offload round trip")}, ${vs("offload round trip")} piscina's time`,
      `dispatch adds ${plusNs(goal('callSyncOf(obj, obj.find, "find", [x]) (dispatch, as compiled)'))} to a call`,
      `is ${first(goal("Babel plugin on files with no annotation: its own time"))} of Babel's`,
      `in ${goal("smartasync/swc ÷ Babel + smartasync, annotated file")} the Babel path's time`,
      `at ${goal("smartasync/swc on the annotated file ÷ plain SWC")} plain SWC there and`,
      `${goal("smartasync/swc on files with no annotation ÷ plain SWC (SWC arms alone)")} plain SWC on files without annotations`,
      // How to decide
      `nothing extra: ${first(goal("sync-inline variant addSync"))} a hand-written sync function`,
      `${an(perCall("runSync round trip"))} round trip plus the function's own time`,
      `a ${perCall("offload round trip")} round trip (${perCall("offload, 1000 in flight (per task)")} per task with 1000 in flight)`,
      `${plusNs(goal('callSyncOf(obj, obj.find, "find", [x]) (dispatch, as compiled)'))} over a direct call`,
      // Dependencies, and why
      `(${vs("runSync round trip")} synckit's round trip)`,
      `${vs("offload round trip")} of piscina's time one task at a time (tinypool: ${vs("tinypool run() round trip")})`,
      `${vs("offload, 1000 in flight (per task)")} with 1000 tasks in flight`,
      `(tinypool: ${vs("tinypool, 1000 in flight (per task)")})`,
    ];
    const flat = readme.replace(/\s+/g, " ");
    const missing = expected.filter((e) => !flat.includes(e.replace(/\s+/g, " ")));
    expect(missing).toEqual([]);
  });

  it("the runtime's size is its built size (within 10%)", () => {
    const m = /~(\d+) kB of built JavaScript/.exec(readme);
    expect(m).not.toBeNull();
    let bytes = 0;
    // The Node runtime: its CommonJS files, the ES module face and the worker entry; not the
    // browser runtime (browser.js), which only browser builds take in its place.
    for (const f of readdirSync(join(ROOT, "dist/runtime")))
      if (/\.c?js$/.test(f) && f !== "browser.js") bytes += statSync(join(ROOT, "dist/runtime", f)).size;
    expect(Math.abs(bytes / 1000 - Number(m![1])) / Number(m![1])).toBeLessThan(0.1);
  });
});
