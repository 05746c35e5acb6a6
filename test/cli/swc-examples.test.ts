/**
 * `--compiler swc` against the Babel path on real inputs: the reports over the whole fixture tree,
 * and the bundled examples inspected, checked, built and run under plain `node` — each compiler
 * in its own copy, the outputs compared.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, copyInto, manifestFacts, node, ROOT, TMP, untimed } from "./helpers.js";

const EXAMPLES = join(ROOT, "examples");
const COMPILERS = ["babel", "swc"] as const;
type Compiler = (typeof COMPILERS)[number];

/** A fresh directory `.tmp/cli-tests/<name>/<compiler>`. */
function fresh(name: string, compiler: Compiler): string {
  const dir = join(TMP, name, compiler);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The reports of `inspect --format json`, a syntax error's wording (each parser's own) masked. */
function reports(stdout: string): unknown[] {
  return (JSON.parse(stdout) as { diagnostics: { code: string; message: string }[] }[]).map((r) => ({
    ...r,
    diagnostics: r.diagnostics.map((d) => (d.code === "syntax-error" ? { ...d, message: "…" } : d)),
  }));
}

describe("the same reports from both compilers", () => {
  it("over every file of the fixture tree (inputs, expected outputs, cross-module cases)", () => {
    const dir = join(TMP, "swc-parity");
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(ROOT, "fixtures"), join(dir, "fixtures"), { recursive: true });
    // Babel compiles TypeScript's `import x = require()` and `export =` only to CommonJS (the
    // fixture's harness.json), which the CLI's default Babel config does not; SWC's ESM output
    // accepts them. Not a difference of smartasync's: that case is compared by the fixture suites.
    rmSync(join(dir, "fixtures/typescript/import-equals-require"), { recursive: true });
    rmSync(join(dir, "fixtures/typescript/export-equals-namespace"), { recursive: true });
    // One run over the whole tree took 150 s at load 18 (2,513 files): past cli()'s default limit.
    const babel = cli(["inspect", "fixtures", "-f", "json"], dir, {}, 300_000);
    const swc = cli(["inspect", "fixtures", "-f", "json", "--compiler", "swc"], dir, {}, 300_000);
    const b = reports(babel.stdout);
    const s = reports(swc.stdout);
    expect(b.length).toBeGreaterThan(200);
    expect(s.length).toBe(b.length);
    for (let i = 0; i < b.length; i++) expect(s[i], (b[i] as { file: string }).file).toEqual(b[i]);
    // The summaries agree too: files, failures, functions, calls, strategies, codes.
    const summary = (stderr: string) => untimed(stderr.trimEnd().split("\n").at(-1)!);
    expect(summary(swc.stderr)).toMatch(/^smartasync inspect: \d+ files \(\d+ failed\), /);
    expect(summary(swc.stderr)).toBe(summary(babel.stderr));
    expect(swc.status).toBe(babel.status);
    // Two CLI runs over the whole fixture tree (55 s at load 20, 150 s each at load 18 with the
    // tree of 2,513 files): a finite limit above both.
  }, 660_000);
});

describe("examples/sync-cli with --compiler swc", () => {
  /** The example as a project: the program in src/, the files it reads beside build/. */
  function project(compiler: Compiler): string {
    const dir = fresh("swc-sync-cli", compiler);
    copyInto(join(EXAMPLES, "sync-cli"), ["config.json", "notes.txt"], dir);
    mkdirSync(join(dir, "src"));
    cpSync(join(EXAMPLES, "sync-cli/cli.js"), join(dir, "src/cli.js"));
    return dir;
  }

  it("inspects and checks as the Babel path does", () => {
    const dir = project("swc");
    for (const args of [
      ["inspect", "src"],
      ["inspect", "src", "-f", "sarif"],
      ["check", "src", "-d", "sync-worker"],
    ]) {
      const babel = cli(args, dir);
      const swc = cli([...args, "--compiler", "swc"], dir);
      expect(swc.status, args.join(" ")).toBe(babel.status);
      expect(untimed(swc.stdout), args.join(" ")).toBe(untimed(babel.stdout));
    }
    const table = cli(["inspect", "src", "--compiler", "swc"], dir).stdout;
    expect(table).toMatch(/45:29\s+loadInputs\s+value\s+sync\s+sync-inline\s+loadInputsSync/);
    expect(table).toMatch(/48:18\s+formatSnippet\s+value\s+sync\s+sync-worker\s+formatSnippetSync/);
    expect(cli(["check", "src", "--deny", "sync-worker", "--compiler", "swc"], dir).status).toBe(1);
  });

  it("builds a program that prints, under plain node, what the Babel build prints", () => {
    const out: Record<string, string> = {};
    for (const compiler of COMPILERS) {
      const dir = project(compiler);
      const build = cli(["build", "src", "-o", "build", "--compiler", compiler], dir);
      expect(build.status, build.stderr).toBe(0);
      // The program prints the report its build wrote beside it (as examples/build.mjs writes it).
      const report = cli(
        ["inspect", "src/cli.js", "--cwd", "src", "-f", "json", "--compiler", compiler],
        dir,
      );
      writeFileSync(join(dir, "build/smartasync-report.json"), report.stdout);
      const run = node("build/cli.js", dir);
      expect(run.stderr, compiler).toBe("");
      expect(run.status, compiler).toBe(0);
      out[compiler] = untimed(run.stdout);
    }
    expect(out.swc).toContain("notes: 3 lines, 31 words");
    expect(out.swc).toContain("  | export default { greet, answer: 6 * 7 };");
    expect(out.swc).toMatch(/formatSnippet\s+async\s+formatSnippetSync\s+worker/);
    expect(out.swc).toBe(out.babel);
  });
});

describe("examples/typescript with --compiler swc", () => {
  it("builds .js, .map and .d.ts files; the declarations and manifest are the Babel build's; it runs the same", () => {
    const built: Record<string, Record<string, string>> = {};
    for (const compiler of COMPILERS) {
      const dir = fresh("swc-typescript", compiler);
      copyInto(join(EXAMPLES, "typescript"), ["src", "tsconfig.json", "users.json"], dir);
      const r = cli(["build", "src", "--out-dir", "build", "--compiler", compiler], dir);
      expect(r.stderr, compiler).toBe("");
      expect(r.status, compiler).toBe(0);
      expect(r.stdout).toMatch(
        /^smartasync build: 2 compiled, 0 copied → build \(2 files, 4 functions, 8 calls/,
      );
      const run = node("build/main.js", dir);
      expect(run.stderr, compiler).toBe("");
      built[compiler] = { run: run.stdout };
      for (const f of ["main.d.ts", "users.d.ts", "smartasync.manifest.json", "users.js", "users.js.map"])
        built[compiler]![f] = readFileSync(join(dir, "build", f), "utf8");
    }
    const swc = built.swc!;
    const babel = built.babel!;
    expect(swc.run).toMatch(/^sync: {2}Ada \(engines\) score 30 fingerprint [0-9a-f]+\nasync: Grace/);
    expect(swc.run).toBe(babel.run);
    expect(swc["users.d.ts"]).toContain("teamOfSync");
    for (const f of ["main.d.ts", "users.d.ts"]) expect(swc[f], f).toBe(babel[f]);
    // The manifest's facts; its stamps are of each build's own files (attack26 F04).
    expect(manifestFacts(swc["smartasync.manifest.json"]!)).toEqual(
      manifestFacts(babel["smartasync.manifest.json"]!),
    );
    // Not Babel's JavaScript, but SWC's: TypeScript stripped, the typed wrapper gone.
    expect(swc["users.js"]).not.toBe(babel["users.js"]);
    expect(swc["users.js"]).not.toContain(": User");
    expect(swc["users.js"]).toContain("export const loadUserSync = (id)=>{");
    expect(JSON.parse(swc["users.js.map"]!).sources).toEqual(["../src/users.ts"]);
  });
});

describe("examples/library with --compiler swc", () => {
  it("the library ships the Babel build's manifest; the app built against it prints the same", () => {
    const out: Record<string, { run: string; manifest: string; report: unknown[] }> = {};
    for (const compiler of COMPILERS) {
      const dir = fresh("swc-library", compiler);
      const lib = join(dir, "greet-lib");
      const app = join(dir, "app");
      copyInto(join(EXAMPLES, "library/greet-lib"), ["src", "package.json", "greetings.json"], lib);
      mkdirSync(join(lib, "node_modules"));
      symlinkSync(ROOT, join(lib, "node_modules/smartasync"), "dir");
      // The library's package.json names its manifest (`"smartasync": { "manifest": … }`) in
      // the field that also holds its options: both compilers build with it in place.
      const built = cli(["build", "src", "--out-dir", "dist", "--compiler", compiler], lib);
      expect(built.stderr, compiler).toBe("");
      expect(built.status, compiler).toBe(0);
      // The app uses the library as an installed package (a symlink, as a workspace would).
      mkdirSync(join(app, "src"), { recursive: true });
      for (const f of ["index.js", "main.js"]) cpSync(join(EXAMPLES, "library/app", f), join(app, "src", f));
      mkdirSync(join(app, "node_modules"));
      symlinkSync(lib, join(app, "node_modules/greet-lib"), "dir");
      const report = cli(["inspect", "src", "-f", "json", "--compiler", compiler], app);
      expect(report.status, compiler).toBe(0);
      expect(cli(["build", "src", "--out-dir", "build", "--compiler", compiler], app).status).toBe(0);
      const run = node("build/index.js", app);
      expect(run.stderr, compiler).toBe("");
      out[compiler] = {
        run: run.stdout,
        manifest: readFileSync(join(lib, "dist/smartasync.manifest.json"), "utf8"),
        report: JSON.parse(report.stdout),
      };
    }
    expect(out.swc!.run).toBe("Bonjour, Ada! (2 words)\nCiao, Bob! (2 words, counted off the event loop)\n");
    expect(out.swc!.run).toBe(out.babel!.run);
    expect(manifestFacts(out.swc!.manifest)).toEqual(manifestFacts(out.babel!.manifest));
    expect(JSON.parse(out.swc!.manifest).files["index.js"].greet).toMatchObject({ variant: "greetSync" });
    // The app's calls were decided from the installed package's manifest alone.
    expect(out.swc!.report).toEqual(out.babel!.report);
    const calls = (
      out.swc!.report as { calls: { callee: string; target: string; from: string }[] }[]
    ).flatMap((r) => r.calls);
    expect(calls).toContainEqual(
      expect.objectContaining({ callee: "greet", target: "greetSync", from: "greet-lib" }),
    );
  });
});

describe("a library's package.json", () => {
  // A library names its manifest in package.json's "smartasync" field (docs/modules.md); the SWC
  // front end reads an object there as options and a string as the manifest's name.
  it("a library whose package.json names its manifest builds with --compiler swc", () => {
    const lib = fresh("swc-library-field", "swc");
    copyInto(join(EXAMPLES, "library/greet-lib"), ["src", "package.json", "greetings.json"], lib);
    const r = cli(["build", "src", "--out-dir", "dist", "--compiler", "swc"], lib);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
