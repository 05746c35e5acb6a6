/**
 * `--compiler swc`: the same commands, formats, exit codes and errors as the Babel path, with the
 * report from `smartasync/swc` and the JavaScript from `@swc/core`. Real processes on real trees.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import { describe, expect, it } from "vitest";
import { fileStamp } from "../../src/core/module-facts.js";
import { APP, cli, MALFORMED, manifestFacts, node, PLAIN, ROOT, SYNTAX, tree, untimed } from "./helpers.js";

const SWC = ["--compiler", "swc"];

/** The same command under both compilers. */
function both(args: string[], cwd: string) {
  return { babel: cli(args, cwd), swc: cli([...args, ...SWC], cwd) };
}

describe("inspect and check with --compiler swc", () => {
  const dir = tree("swc-inspect", { "src/app.js": APP, "src/plain.ts": PLAIN, "src/bad.js": MALFORMED });

  it("prints the tables, JSON, GitHub annotations and SARIF that the Babel path prints", () => {
    for (const format of ["table", "json", "github", "sarif"]) {
      const r = both(["inspect", "src", "--format", format], dir);
      expect(r.swc.status, `${format}: ${r.swc.stderr}`).toBe(1); // bad.js: SA101
      expect(untimed(r.swc.stdout), format).toBe(untimed(r.babel.stdout));
      expect(untimed(r.swc.stderr), format).toBe(untimed(r.babel.stderr));
    }
    const table = cli(["inspect", "src/app.js", ...SWC], dir);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/16:15\s+loadConfig\s+value\s+sync\s+sync-inline\s+loadConfigSync/);
    expect(table.stdout).toMatch(/smartasync inspect: 1 file, 2 functions, 3 calls .*; \d+\.\d\d s\n$/);
  });

  it("--diff shows SWC's output against the input", () => {
    const r = cli(["inspect", "src/app.js", "--diff", ...SWC], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^--- a\/src\/app\.js\n\+\+\+ b\/src\/app\.js\n@@ /);
    expect(r.stdout).toContain("+export function loadConfigSync(path) {");
    expect(r.stdout).toContain('+    const cfg = loadConfigSync("app.json");'); // SWC's 4-space indent
    expect(r.stderr).toMatch(/^smartasync inspect: 1 file/);
    expect(cli(["inspect", "src/plain.ts", "--diff", ...SWC], dir).stdout).toBe("");
    expect(cli(["inspect", "src", "--diff", "-f", "json", ...SWC], dir).status).toBe(2);
  });

  it("check: the same findings, --deny and exit codes as the Babel path", () => {
    for (const deny of [[], ["--deny", "sync-worker"], ["--deny", "warnings"], ["--format", "github"]]) {
      const r = both(["check", "src/app.js", ...deny], dir);
      expect(r.swc.status, deny.join(" ")).toBe(r.babel.status);
      expect(untimed(r.swc.stdout), deny.join(" ")).toBe(untimed(r.babel.stdout));
    }
    expect(cli(["check", "src/app.js", "--deny", "sync-worker", ...SWC], dir)).toMatchObject({
      status: 1,
      stdout: expect.stringContaining(
        "src/app.js:17:10: denied (sync-worker) sync-worker: call of fetchJson uses sync-worker (→ fetchJsonSync), denied by --deny sync-worker",
      ),
    });
    const bad = cli(["check", "src", ...SWC], dir);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("src/bad.js:1:1: error SA101: unexpected `inline` after @smartasync.");
    expect(bad.stderr).toContain("smartasync: src/bad.js: SA101: unexpected `inline` after @smartasync.");
    expect(bad.stderr).toContain("> 1 | /* @smartasync inline */");
    expect(cli(["check", "src", "--deny", "nope", ...SWC], dir).status).toBe(2);
  });

  it("--jobs 2 (the worker pool) gives the same reports as --jobs 1", () => {
    const one = cli(["inspect", "src", "-f", "json", "--jobs", "1", ...SWC], dir);
    const two = cli(["inspect", "src", "-f", "json", "--jobs", "2", ...SWC], dir);
    expect(two.status).toBe(1);
    expect(JSON.parse(two.stdout)).toEqual(JSON.parse(one.stdout));
  });

  it("a progress bar only on a terminal: none when piped or in CI", () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 12; i++) many[`f${i}.js`] = PLAIN;
    const t = tree("swc-many", many);
    for (const env of [{}, { CI: "true" }]) {
      const r = cli(["check", ".", ...SWC], t, env);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout).not.toMatch(/[\r█░]/);
    }
  });
});

describe("files SWC cannot compile", () => {
  const dir = tree("swc-errors", {
    "a.js": SYNTAX,
    "b.js": APP,
    "c.ts": "const a: number = 1;\nfunction f() {\n\tlet q = 1 2;\n}\n",
    "bad/.swcrc": "{ not json",
    "bad/d.js": PLAIN,
  });
  symlinkSync(join(dir, "missing-target.js"), join(dir, "e.js"));

  it("a syntax error (with SWC's frame, once), a bad .swcrc and an unreadable file do not stop the others; exit 1", () => {
    const r = cli(["inspect", ".", ...SWC], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("b.js\n  calls (3)");
    expect(r.stderr).toContain(
      "smartasync: a.js: Expression expected (1:18)\n\n   ,-[a.js:1:18]\n 1 | export const x = ;\n   :                  ^\n   `----\n",
    );
    expect(r.stderr.match(/Expression expected/g)).toHaveLength(1);
    expect(r.stderr).not.toContain(dir); // paths relative to the project, as under Babel
    expect(r.stderr).not.toContain("Stack backtrace");
    expect(r.stderr).toContain(
      "smartasync: bad/d.js: cannot load the SWC config: failed to read .swcrc file for input file at `bad/d.js`: ",
    );
    expect(r.stderr).toContain("smartasync: e.js: cannot read: no such file or directory\n");
    expect(r.stdout).toMatch(/5 files \(4 failed\)/);
  });

  it("each failure is one finding with its code and position (tabs counted as one column)", () => {
    const r = cli(["check", ".", "--format", "github", ...SWC], dir);
    expect(r.status).toBe(1);
    expect(r.stdout.trimEnd().split("\n").slice(0, -1)).toEqual([
      "::error file=a.js,line=1,col=18,title=syntax-error::Expression expected (1:18)",
      expect.stringMatching(
        /^::warning file=b\.js,line=21,col=3,title=SA201::`loadConfig\(\.\.\.\)` is an async/,
      ),
      expect.stringMatching(/^::error file=bad\/d\.js,title=config-error::cannot load the SWC config: /),
      "::error file=c.ts,line=3,col=12,title=syntax-error::Expected a semicolon (3:12)",
      "::error file=e.js,title=read-error::cannot read: no such file or directory",
    ]);
  });
});

describe("a syntax error after U+2028 / U+2029", () => {
  // SWC counts lines by \n and \r only; the report's place is ECMAScript's, as under Babel
  // (attack17 F13). Raw separators in a string, a comment and a template; \r\n line ends too.
  const code =
    'const s = "a\u2028b\u2029c"; /* x\u2028y */\r\nconst t = `p\u2028q`;\n// @smartasync\nexport async function load() { return 1; }\nconst = 1;\n';
  const dir = tree("swc-line-separators", { "src/main.js": code });

  it("is reported at the same line and column by both compilers", () => {
    const r = both(["check", "src", "--format", "github"], dir);
    const where = (out: string) => /line=(\d+),col=(\d+),title=syntax-error/.exec(out)?.slice(1);
    expect(where(r.babel.stdout)).toEqual(["9", "7"]);
    expect(where(r.swc.stdout)).toEqual(["9", "7"]);
  });
});

describe("a syntax error after wide characters on its line", () => {
  // SWC's frame draws CJK, Hangul and fullwidth characters two columns wide; read back as one, the
  // column came out one too far right per such character (attack32 F06). An emoji (two UTF-16
  // units), an astral CJK character and a tab around them too.
  const lines = [
    'const s = "日"; const x = ;',
    'const s = "한국ｆｕ"; const x = ;',
    'const s = "🎉𠀀日\t本é"; const x = ;',
  ];
  const dir = tree(
    "swc-wide-characters",
    Object.fromEntries(lines.map((l, i) => [`src/a${i}.js`, `${l}\n`])),
  );

  it("is reported at the same column by both compilers", () => {
    const r = both(["check", "src", "--format", "github"], dir);
    const where = (out: string) =>
      [...out.matchAll(/file=src\/(a\d)\.js,line=(\d+),col=(\d+),title=syntax-error/g)].map((m) =>
        m.slice(1).join(":"),
      );
    const expected = lines.map((l, i) => `a${i}:1:${l.indexOf(" ;") + 2}`);
    expect(where(r.babel.stdout)).toEqual(expected);
    expect(where(r.swc.stdout)).toEqual(expected);
  });
});

const MAIN_TS = `import { readFile } from "node:fs/promises";

// @smartasync
export async function readGreeting(file: URL): Promise<string> {
  const text: string = await readFile(file, "utf8");
  return \`hello \${text.trim()}\`;
}

interface Options {
  loud: boolean;
}

export function main(options: Options): void {
  const greeting = readGreeting(new URL("./name.txt", import.meta.url));
  console.log(options.loud ? String(greeting).toUpperCase() : greeting);
}

main({ loud: false });
`;

describe("build --compiler swc", () => {
  it("TypeScript stripped, ES modules kept, extensions mapped, maps point at the sources, other files copied", () => {
    const dir = tree("swc-build", {
      "src/main.ts": MAIN_TS,
      "src/name.txt": "world\n",
      "src/lib/helper.mts": "export const twice = (n: number): number => n * 2;\n",
      "src/lib/legacy.cts": "const x: number = 1;\nmodule.exports = { x };\n",
      "src/lib/plain.js": "export const y = 2;\n",
      "src/lib/data.js": 'import data from "./data.json" with { type: "json" };\nexport default data;\n',
      "src/lib/data.json": "[1]\n",
      "src/types.d.ts": "export type T = number;\n",
    });
    const r = cli(["build", "src", "--out-dir", "out", ...SWC], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^smartasync build: 5 compiled, 3 copied → out \(5 files, 1 function, 1 call \(sync-inline 1\)/,
    );
    for (const f of [
      "main.js",
      "main.js.map",
      "main.d.ts",
      "name.txt",
      "lib/helper.mjs",
      "lib/helper.d.mts",
    ]) {
      expect(existsSync(join(dir, "out", f)), f).toBe(true);
    }
    for (const f of ["lib/legacy.cjs", "lib/plain.js", "lib/data.js", "types.d.ts"]) {
      expect(existsSync(join(dir, "out", f)), f).toBe(true);
    }
    const main = readFileSync(join(dir, "out/main.js"), "utf8");
    expect(main).not.toContain("interface Options");
    expect(main).toContain("export async function readGreeting(file) {"); // esnext: not down-levelled
    expect(main).toContain("readGreetingSync(new URL");
    expect(main.trimEnd().split("\n").at(-1)).toBe("//# sourceMappingURL=main.js.map");
    expect(readFileSync(join(dir, "out/lib/legacy.cjs"), "utf8")).toContain("module.exports = {");
    expect(readFileSync(join(dir, "out/lib/data.js"), "utf8")).toMatch(/with \{\s*type: "json"\s*\}/);
    expect(readFileSync(join(dir, "out/main.d.ts"), "utf8")).toContain(
      "export declare function readGreetingSync(file: URL): string;",
    );
    // The map points at the source: the rewritten call maps back to the call as written.
    const map = JSON.parse(readFileSync(join(dir, "out/main.js.map"), "utf8"));
    expect(map.file).toBe("main.js");
    expect(map.sources).toEqual(["../src/main.ts"]);
    expect(resolve(dir, "out", map.sources[0])).toBe(join(dir, "src/main.ts"));
    const lines = main.split("\n");
    const line = lines.findIndex((l) => l.includes("readGreetingSync(new URL"));
    const pos = originalPositionFor(new TraceMap(map), {
      line: line + 1,
      column: lines[line]!.indexOf("readGreetingSync(new URL"),
    });
    expect([pos.source, pos.line]).toEqual(["../src/main.ts", 14]);
    // A sync caller of an annotated async function gets the value, under plain node.
    const run = node(join(dir, "out/main.js"), dir);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("hello world\n");
    expect(readFileSync(join(dir, "src/main.ts"), "utf8")).toBe(MAIN_TS);
    // --no-source-maps, --no-declarations
    const bare = cli(["build", "src", "-o", "bare", "--no-source-maps", "--no-declarations", ...SWC], dir);
    expect(bare.status).toBe(0);
    expect(existsSync(join(dir, "bare/main.js.map"))).toBe(false);
    expect(existsSync(join(dir, "bare/main.d.ts"))).toBe(false);
    expect(readFileSync(join(dir, "bare/main.js"), "utf8")).not.toContain("sourceMappingURL");
  });

  it("writes nothing for a file that fails, builds the others, exit 1; refuses a bad out-dir", () => {
    const dir = tree("swc-build-fail", {
      "src/bad.js": MALFORMED,
      "src/syntax.js": SYNTAX,
      "src/good.js": "export const a = 1;\n",
    });
    const r = cli(["build", "src", "-o", "out", ...SWC], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("smartasync: src/bad.js: SA101: unexpected `inline`");
    expect(r.stderr).toContain("smartasync: src/syntax.js: Expression expected (1:18)");
    expect(existsSync(join(dir, "out/bad.js"))).toBe(false);
    expect(existsSync(join(dir, "out/syntax.js"))).toBe(false);
    expect(existsSync(join(dir, "out/good.js"))).toBe(true);
    expect(r.stdout).toMatch(/1 compiled, 0 copied, 2 failed \(nothing written for them\)/);
    expect(cli(["build", "src", "--out-dir", "src/out", ...SWC], dir)).toMatchObject({
      status: 2,
      stderr:
        "smartasync: --out-dir src/out: is inside the source directory src; choose a directory outside it\n",
    });
  });

  it("writes the package manifest from the engine's export facts, as the Babel build does", () => {
    const files = {
      "src/index.js": `export { greet } from "./greet.js";\nexport * from "./count.js";\n`,
      "src/greet.js": `// @smartasync\nexport async function greet(name) {\n  return \`hi \${await Promise.resolve(name).then(String)}\`;\n}\n`,
      "src/count.js": `// @smartasync\nexport function count(s) {\n  return s.length;\n}\nexport class Box {\n  // @smartasync\n  async get() {\n    return 1;\n  }\n}\n`,
      "src/plain.js": "export const x = 1;\n",
    };
    const dir = tree("swc-build-manifest", files);
    const r = both(["build", "src", "--out-dir", "dist"], dir);
    expect(r.swc.status, r.swc.stderr).toBe(0);
    const manifest = readFileSync(join(dir, "dist/smartasync.manifest.json"), "utf8");
    expect(JSON.parse(manifest).files["greet.js"]).toEqual({
      greet: {
        name: "greet",
        kind: "async",
        variant: "greetSync",
        syncStrategy: "worker",
        params: [{ use: "promise", what: "`Promise.resolve(name)`", at: "src/greet.js:3:22" }],
      },
    });
    const babel = tree("swc-build-manifest-babel", files);
    expect(cli(["build", "src", "--out-dir", "dist"], babel).status).toBe(0);
    // The same facts; the stamps are those of each build's own files (attack26 F04).
    expect(manifestFacts(manifest)).toEqual(
      manifestFacts(readFileSync(join(babel, "dist/smartasync.manifest.json"), "utf8")),
    );
    expect(JSON.parse(manifest).stamps["greet.js"]).toBe(fileStamp(join(dir, "dist/greet.js")));
  });
});

describe("SWC's configuration", () => {
  const LOAD = `// @smartasync
export async function load() {
  await new Promise((r) => setTimeout(r, 1));
  return 1;
}
export function main() {
  return load() * 1;
}
`;

  it("honours the project's .swcrc (CommonJS output, target, exclude) as @swc/core does", () => {
    const dir = tree("swc-rc", {
      ".swcrc": `{
  // CommonJS, ES2022; vendor/ is not for SWC
  "jsc": { "parser": { "syntax": "ecmascript" }, "target": "es2022" },
  "module": { "type": "commonjs" },
  "exclude": ["vendor/"],
}
`,
      "package.json": `{ "type": "commonjs" }\n`,
      "src/load.js": LOAD,
      "src/run.js": `console.log(require("./load.js").main());\n`,
      "src/vendor/x.js": MALFORMED,
    });
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(ROOT, join(dir, "node_modules/smartasync"), "dir");
    const r = cli(["build", "src", "-o", "out", ...SWC], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = readFileSync(join(dir, "out/load.js"), "utf8");
    expect(out).toContain('require("smartasync/runtime")');
    // CommonJS output: the worker variant names its module by __filename, not import.meta.url.
    expect(out).toContain('.runSync(__filename, "load", args)');
    expect(out).not.toContain("import.meta");
    // Ignored by the .swcrc: as under a Babel `ignore`, copied through unchanged, nothing reported.
    expect(readFileSync(join(dir, "out/vendor/x.js"), "utf8")).toBe(MALFORMED);
    expect(node(join(dir, "out/run.js"), dir)).toMatchObject({ status: 0, stdout: "1\n", stderr: "" });
    const inspect = cli(["inspect", "src/vendor/x.js", ...SWC], dir);
    expect(inspect.stdout).toContain("src/vendor/x.js\n  no @smartasync functions or calls");
  });

  it("without a .swcrc: only types stripped, ES modules and JSX kept; .mts/.cts/.jsx parse (SWC's own defaults would not)", () => {
    const dir = tree("swc-norc", {
      "src/a.mts": "export const f = async (n: number): Promise<number> => n;\n",
      "src/b.cts": "const n: number = 1;\nmodule.exports = { n };\n",
      "src/c.jsx": "export const C = () => <i />;\n",
      "src/e.tsx": "export const View = (p: { n: number }) => <b>{p.n}</b>;\n",
      "src/d.js": "export class A {\n  #p = 1;\n  get p() {\n    return this.#p ?? 0;\n  }\n}\n",
    });
    const r = cli(["build", "src", "-o", "out", "--no-source-maps", "--no-declarations", ...SWC], dir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, "out/a.mjs"), "utf8")).toBe("export const f = async (n)=>n;\n");
    expect(readFileSync(join(dir, "out/b.cjs"), "utf8")).toContain("const n = 1;");
    expect(readFileSync(join(dir, "out/c.jsx"), "utf8")).toContain("<i/>"); // JSX kept
    expect(readFileSync(join(dir, "out/e.jsx"), "utf8")).toContain("<b>{p.n}</b>");
    expect(readFileSync(join(dir, "out/d.js"), "utf8")).toContain("#p = 1;");
  });

  it("smartasync's options come from package.json's \"smartasync\" field, for the code and the .d.ts", () => {
    const dir = tree("swc-options", {
      "package.json": JSON.stringify({ type: "module", smartasync: { syncSuffix: "Blocking" } }),
      "src/load.ts": LOAD.replace("load()", "load(): Promise<number>"),
    });
    const r = cli(["inspect", "src", "-f", "json", ...SWC], dir);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)[0].functions[0].variants).toEqual({ sync: "loadBlocking" });
    expect(cli(["build", "src", "-o", "out", ...SWC], dir).status).toBe(0);
    expect(readFileSync(join(dir, "out/load.js"), "utf8")).toContain("return loadBlocking() * 1;");
    expect(readFileSync(join(dir, "out/load.d.ts"), "utf8")).toContain(
      "export declare function loadBlocking(",
    );
    // A bad option there is SA104, naming where it came from; exit 1 as any failed file.
    writeFileSync(join(dir, "package.json"), JSON.stringify({ smartasync: { synSuffix: "X" } }));
    const bad = cli(["check", "src", ...SWC], dir);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(
      /smartasync: src\/load\.ts: SA104: the "smartasync" field of .*package\.json:\d+:\d+: unknown option `synSuffix`; did you mean `syncSuffix`\?/,
    );
  });
});

describe("without @swc/core", () => {
  /**
   * A project where smartasync is installed without its optional peer `@swc/core`: a copy of the
   * package (dist and package.json) in a temporary node_modules beside every dependency of this
   * repository except the @swc scope, outside the repository so nothing above it provides one.
   */
  function installWithoutSwc(): { base: string; bin: string; project: string } {
    const base = mkdtempSync(join(tmpdir(), "smartasync-no-swc-"));
    const modules = join(base, "node_modules");
    mkdirSync(join(modules, "smartasync"), { recursive: true });
    cpSync(join(ROOT, "dist"), join(modules, "smartasync/dist"), { recursive: true });
    copyFileSync(join(ROOT, "package.json"), join(modules, "smartasync/package.json"));
    for (const name of readdirSync(join(ROOT, "node_modules"))) {
      if (name.startsWith(".") || name === "@swc" || name === "smartasync") continue;
      symlinkSync(join(ROOT, "node_modules", name), join(modules, name), "dir");
    }
    const project = join(base, "project");
    mkdirSync(join(project, "src"), { recursive: true });
    writeFileSync(join(project, "src/app.js"), APP);
    return { base, bin: join(modules, "smartasync/dist/cli/bin.js"), project };
  }

  it("--compiler swc exits 2 naming the package to install; --compiler babel still works", () => {
    const { base, bin, project } = installWithoutSwc();
    try {
      const run = (args: string[]) => {
        const r = spawnSync(process.execPath, [bin, ...args], {
          cwd: project,
          encoding: "utf8",
          timeout: 60_000,
        });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
      };
      // The import really fails in this layout.
      const probe = spawnSync(
        process.execPath,
        ["-e", 'import("@swc/core").catch((e) => console.log(e.code))'],
        {
          cwd: join(base, "node_modules/smartasync"),
          encoding: "utf8",
        },
      );
      expect(probe.stdout.trim()).toBe("ERR_MODULE_NOT_FOUND");
      const message =
        "smartasync: --compiler swc needs @swc/core (1.16 or later), which is not installed: install it with `npm i -D @swc/core`\n";
      for (const args of [
        ["inspect", "src", ...SWC],
        ["check", "src", ...SWC],
        ["build", "src", "-o", "out", ...SWC],
      ]) {
        expect(run(args), args.join(" ")).toEqual({ status: 2, stdout: "", stderr: message });
      }
      expect(existsSync(join(project, "out"))).toBe(false);
      const babel = run(["check", "src"]);
      expect(babel.status, babel.stderr).toBe(0);
      expect(babel.stdout).toMatch(/smartasync check: ok \(1 file, 2 functions, 3 calls/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
