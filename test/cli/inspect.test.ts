import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APP, cli, MALFORMED, PLAIN, SYNTAX, tree } from "./helpers.js";

describe("smartasync inspect", () => {
  const dir = tree("inspect", {
    "src/app.js": APP,
    "src/plain.ts": PLAIN,
    "src/node_modules/dep/index.js": MALFORMED,
    "src/dist/old.js": MALFORMED,
    "src/.hidden/x.js": MALFORMED,
    "src/notes.md": "# not code\n",
  });

  it("prints the call and function tables, and a summary", () => {
    const r = cli(["inspect", "src"], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("src/app.js");
    expect(r.stdout).toMatch(/calls \(3\)/);
    expect(r.stdout).toMatch(/loc\s+callee\s+context\s+in\s+strategy\s+target\s+reason/);
    expect(r.stdout).toMatch(/16:15\s+loadConfig\s+value\s+sync\s+sync-inline\s+loadConfigSync/);
    expect(r.stdout).toMatch(/17:10\s+fetchJson\s+value\s+sync\s+sync-worker\s+fetchJsonSync/);
    expect(r.stdout).toMatch(/21:3\s+loadConfig\s+discarded\s+async\s+direct\s+loadConfig\s+SA201/);
    expect(r.stdout).toMatch(
      /fetchJson\s+async\s+fetchJsonSync\s+worker\s+awaits fetch\(\.\.\.\) at src\/app\.js:11:15/,
    );
    expect(r.stdout).toContain("src/plain.ts\n  no @smartasync functions or calls");
    // node_modules, dist and dot-folders are skipped; non-code files ignored.
    expect(r.stdout).not.toContain("node_modules");
    expect(r.stdout).not.toContain("old.js");
    expect(r.stdout).toMatch(
      /smartasync inspect: 2 files, 2 functions, 3 calls \(direct 1, sync-inline 1, sync-worker 1\), diagnostics: SA201 1; \d+\.\d\d s\n$/,
    );
    // Piped: no colour, no progress bar.
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("--conditions a,b: a package.json branch under a named condition is followed, not SA204 (attack26 F05)", () => {
    const root = tree("inspect-conditions", {
      "package.json": JSON.stringify({
        type: "module",
        imports: {
          "#store": { development: "./store-dev.js", default: "./store.js" },
          "#browser": { browser: "./store-dev.js", default: "./store.js" },
        },
      }),
      "store-dev.js": "// @smartasync\nexport async function load(x) {\n  await null;\n  return x;\n}\n",
      "store.js": "export function load(x) {\n  return x;\n}\n",
      "main.js":
        'import { load as a } from "#store";\nimport { load as b } from "#browser";\nexport function main() {\n  return a(1) + b(2);\n}\n',
    });
    const seen = (args: string[]) => {
      for (const compiler of ["babel", "swc"]) {
        const r = cli(["inspect", "main.js", "--format", "json", "--compiler", compiler, ...args], root);
        expect(r.status, r.stderr).toBe(0);
        const [report] = JSON.parse(r.stdout);
        const got = [
          ...report.calls.map((c: { target: string }) => c.target),
          ...report.diagnostics.map((d: { code: string; loc: string }) => `${d.code} ${d.loc}`),
        ];
        if (compiler === "swc") expect(got).toEqual(seen.last);
        seen.last = got;
      }
      return seen.last;
    };
    seen.last = [] as string[];
    expect(seen([])).toEqual(["SA204 main.js:1:1", "SA204 main.js:2:1"]);
    expect(seen(["--conditions", "development"])).toEqual(["loadSync", "SA204 main.js:2:1"]);
    expect(seen(["--conditions", "development,browser"])).toEqual(["loadSync", "loadSync"]);
    expect(cli(["inspect", "main.js", "--conditions", ","], root).stderr).toContain(
      "must name at least one condition",
    );
  });

  it("--format json prints the plugin's reports, one per file", () => {
    const r = cli(["inspect", "src/app.js", "src/plain.ts", "--format", "json"], dir);
    expect(r.status).toBe(0);
    const reports = JSON.parse(r.stdout);
    expect(reports).toHaveLength(2);
    expect(reports[0]).toMatchObject({ version: 1, file: "src/app.js" });
    expect(Object.keys(reports[0])).toEqual(["version", "file", "functions", "calls", "diagnostics"]);
    expect(reports[0].functions.map((f: { name: string }) => f.name)).toEqual(["loadConfig", "fetchJson"]);
    expect(reports[0].diagnostics).toEqual([
      expect.objectContaining({ code: "SA201", severity: "warning", loc: "src/app.js:21:3" }),
    ]);
    expect(reports[1]).toEqual({
      version: 1,
      file: "src/plain.ts",
      functions: [],
      calls: [],
      diagnostics: [],
    });
    // The summary goes to stderr so stdout stays JSON.
    expect(r.stderr).toMatch(/^smartasync inspect: 2 files/);
  });

  it("the same reports with --jobs 1 and --jobs 2 (the worker pool)", () => {
    const one = cli(["inspect", "src", "-f", "json", "--jobs", "1"], dir);
    const two = cli(["inspect", "src", "-f", "json", "--jobs", "2"], dir);
    expect(two.status).toBe(0);
    expect(JSON.parse(two.stdout)).toEqual(JSON.parse(one.stdout));
  });

  it("--format github prints one workflow command per diagnostic", () => {
    const bad = tree("inspect-github", { "a.js": APP, "b.js": MALFORMED });
    const r = cli(["inspect", ".", "--format", "github"], bad);
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^::warning file=a\.js,line=21,col=3,title=SA201::`loadConfig\(\.\.\.\)` is an async/,
    );
    expect(lines[1]).toMatch(
      /^::error file=b\.js,line=1,col=1,title=SA101::unexpected `inline` after @smartasync/,
    );
  });

  it("--diff prints the transformed code as a unified diff", () => {
    const r = cli(["inspect", "src/app.js", "--diff"], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^--- a\/src\/app\.js\n\+\+\+ b\/src\/app\.js\n@@ /);
    expect(r.stdout).toContain("+export function loadConfigSync(path) {");
    expect(r.stdout).toContain(
      '-  const cfg = loadConfig("app.json");\n-  return fetchJson(cfg.url).items;\n+  const cfg = loadConfigSync("app.json");',
    );
    expect(r.stdout).not.toContain("smartasync inspect:");
    // A file smartasync leaves alone prints no diff.
    expect(cli(["inspect", "src/plain.ts", "--diff"], dir).stdout).toBe("");
  });

  it("--compiler takes babel or swc (test/cli/swc.test.ts); anything else is a usage error", () => {
    const r = cli(["inspect", "src", "--compiler", "tsc"], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      "error: option '--compiler <name>' argument 'tsc' is invalid. Allowed choices are babel, swc.",
    );
    expect(r.stdout).toBe("");
  });

  it("a missing path, a glob with no match, an empty directory: one line each, exit 2", () => {
    const t = tree("inspect-bad-paths", { "empty/readme.md": "x\n" });
    const r = cli(["inspect", "nope.js", "empty", "lib/**/*.ts"], t);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      [
        "smartasync: nope.js: no such file or directory",
        "smartasync: empty: no .js .mjs .cjs .jsx .ts .tsx .mts .cts files in this directory",
        "smartasync: lib/**/*.ts: the pattern matches no files",
        "",
      ].join("\n"),
    );
  });

  it("globs go through tinyglobby", () => {
    const r = cli(["inspect", "src/**/*.ts", "-f", "json"], dir);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).map((x: { file: string }) => x.file)).toEqual(["src/plain.ts"]);
  });

  it("a syntax error and an unreadable file do not stop the others; exit 1", () => {
    const t = tree("inspect-bad-files", { "a.js": SYNTAX, "b.js": APP });
    symlinkSync(join(t, "missing-target.js"), join(t, "c.js"));
    const r = cli(["inspect", "."], t);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("b.js\n  calls (3)");
    expect(r.stderr).toContain("smartasync: a.js: Unexpected token (1:17)\n\n> 1 | export const x = ;\n");
    expect(r.stderr.match(/Unexpected token/g)).toHaveLength(1); // the code frame once
    expect(r.stderr).toContain("smartasync: c.js: cannot read: no such file or directory\n");
    expect(r.stdout).toMatch(/3 files \(2 failed\)/);
  });

  it("--help on every command", () => {
    for (const c of ["inspect", "check", "build"]) {
      const r = cli([c, "--help"], dir);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`Usage: smartasync ${c}`);
    }
    const top = cli(["--help"], dir);
    expect(top.stdout).toMatch(/inspect[\s\S]*check[\s\S]*build/);
    expect(cli(["inspect"], dir).status).toBe(2);
    expect(cli(["frobnicate"], dir).status).toBe(2);
  });

  it("colour only when asked for on a non-TTY (FORCE_COLOR), never with NO_COLOR", () => {
    expect(cli(["inspect", "src/app.js"], dir, { FORCE_COLOR: "1" }).stdout).toContain("\u001b[");
    expect(cli(["inspect", "src/app.js"], dir, { FORCE_COLOR: "1", NO_COLOR: "1" }).stdout).not.toContain(
      "\u001b[",
    );
  });
});
