/**
 * A syntax error past column 65,535 of a line made `@swc/core` abort the process while drawing
 * its message (finding 4 of the adversarial review: `let a = "a…70,000…" @;` ended
 * smartasync/swc, `check --compiler swc` and register with SIGABRT). A file with a line that
 * long is parsed first by @babel/parser (src/compile/long-lines.ts) wherever smartasync parses
 * the file and, in its own hosts, for every file; its syntax error is a located SA901 and only
 * files that parse reach SWC. Child processes: an abort fails the test.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_DEPTH, MAX_NESTING, type PassNotes, tooDeep } from "../../src/compile/depth.js";
import { checkLimits } from "../../src/compile/limits.js";
import { longLine, MAX_LINE } from "../../src/compile/long-lines.js";
import { cli, tree } from "../cli/helpers.js";

const root = join(import.meta.dirname, "../..");
const LONG_ERROR = `let a = "${"a".repeat(70000)}" @;\n`;
const QUOTES = "'\\".repeat(40000);
const LONG_VALID = `// @smartasync\nexport async function f() { return "${"a".repeat(70000)}".length; }\nexport function g() { return f(); }\n`;

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "smartasync-long-lines-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * smartasync/swc's transformSync on each input, in a child process: what it threw, or "compiled".
 * `marked`: under the mark of smartasync's own hosts (every file held to the limits,
 * swc-plugin/every-file.ts); else a file is held to them where smartasync parses it.
 */
function swcChild(inputs: Record<string, string>, marked = true): Record<string, string> {
  const file = join(scratch, "inputs.json");
  writeFileSync(file, JSON.stringify(inputs));
  const script = `
    import { readFileSync } from "node:fs";
    import { transformSync } from ${JSON.stringify(join(root, "dist/swc-plugin/index.js"))};
    import { checkingEveryFile } from ${JSON.stringify(join(root, "dist/swc-plugin/every-file.js"))};
    const out = {};
    for (const [name, src] of Object.entries(JSON.parse(readFileSync(process.argv[1], "utf8")))) {
      const opts = { filename: "/tmp/" + name, swcrc: false };
      try { const r = transformSync(src, ${marked} ? checkingEveryFile(opts) : opts); out[name] = "compiled " + r.smartasync.functions.length; }
      catch (e) { out[name] = String(e.message).slice(0, 600); }
    }
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script, file], {
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(r.signal).toBeNull();
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, string>;
}

describe("a syntax error on a line longer than 65,535 characters", () => {
  it("finds the first such line, as SWC counts lines", () => {
    expect(longLine(LONG_ERROR)).toBe(1);
    expect(longLine(`a;\r\nb;\u2028${"x".repeat(65536)}`)).toBe(3);
    expect(longLine(`${"x".repeat(65535)}\n${"y".repeat(65535)}`)).toBeUndefined();
  });

  it("the nesting pass bounds the line lengths: a long line hidden in a comment, string or template is still checked", () => {
    const long = "x".repeat(MAX_LINE + 10);
    const short = "y".repeat(MAX_LINE - 10);
    // Each: a syntax error past column MAX_LINE of a line whose start the pass passes over (in
    // a comment, a template, a string continued over a line break) or reads in code.
    const hidden = {
      block: `a;\n/* c\n${long} */ b @;`,
      line: `// c\n${long} @;`,
      template: `t = \`\n${long}\` @;`,
      string: `s = "a\\\n${long}" @;`,
      regex: `r = /${long}/ @;`,
      crlf: `a;\r\n${long} @;\r\nb;`,
    };
    for (const [name, src] of Object.entries(hidden)) {
      const lines: PassNotes = { longest: 0, imports: undefined };
      expect(tooDeep(src, MAX_DEPTH, MAX_NESTING, lines), name).toBeUndefined();
      // Never shorter than the longest stretch between two line feeds of the file.
      const truth = Math.max(...src.split("\n").map((l) => l.length));
      expect(lines.longest, name).toBeGreaterThanOrEqual(truth);
      expect(() => checkLimits(src, `/p/${name}.js`), name).toThrow(/^SA901: syntax error at \/p\//);
    }
    // Short lines (some just under the limit) are not parsed again: no SA901 for the error.
    const lines: PassNotes = { longest: 0, imports: undefined };
    const ok = `a;\n${short}\n/* ${short} */\nb @;`;
    expect(tooDeep(ok, MAX_DEPTH, MAX_NESTING, lines)).toBeUndefined();
    expect(lines.longest).toBeLessThanOrEqual(MAX_LINE);
    expect(() => checkLimits(ok, "/p/ok.js")).not.toThrow();
  });

  it("smartasync/swc throws a located SA901 instead of aborting; a valid long line compiles", () => {
    const out = swcChild({
      "long.js": LONG_ERROR,
      "quotes.js": QUOTES,
      "long.ts": LONG_ERROR,
      "valid.js": LONG_VALID,
    });
    expect(out["long.js"]).toMatch(
      /^SA901: syntax error at \/tmp\/long\.js:1:70011: Missing semicolon\. \(found by @babel\/parser/,
    );
    expect(out["long.ts"]).toMatch(/^SA901: syntax error at \/tmp\/long\.ts:1:\d+: /);
    expect(out["quotes.js"]).toMatch(/^SA901: syntax error at \/tmp\/quotes\.js:1:\d+: /);
    expect(out["valid.js"]).toBe("compiled 1");
    // Without the mark, a file smartasync parses (it holds an annotation) is held to it too.
    const parsed = swcChild(
      { "long.js": `// @smartasync\nexport async function f() {}\n${LONG_ERROR}` },
      false,
    );
    expect(parsed["long.js"]).toMatch(/^SA901: syntax error at \/tmp\/long\.js:3:70011: Missing semicolon\./);
  });

  it("an error on a short line beside a long one is SWC's own (it draws those safely), not SA901", () => {
    const out = swcChild({
      "beside.js": `const s = "${"a".repeat(70000)}";
let b = @;
`,
    });
    expect(out["beside.js"]).not.toMatch(/SA901/);
    expect(out["beside.js"]).toMatch(/beside\.js:2:/);
  });

  it("check --compiler swc reports it and goes on with the other files", () => {
    const dir = tree("security-swc-long-lines", {
      "package.json": '{ "name": "long", "type": "module" }\n',
      "src/good.js":
        "// @smartasync\nexport async function a() { return 1; }\nexport async function h() { a(); }\n",
      "src/long.js": LONG_ERROR,
    });
    const r = cli(["check", "src", "--compiler", "swc", "--format", "github"], dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error file=src\/long\.js,.*SA901.*long\.js:1:70011/m);
    expect(r.stdout).toMatch(/smartasync check: failed: 1 error.*2 files/);
  });

  it("register: the importing program ends with the located error, not a signal", () => {
    const dir = join(scratch, "reg");
    mkdirSync(join(dir, "node_modules"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/smartasync"), "dir");
    writeFileSync(join(dir, "package.json"), '{"name":"reg","type":"module"}\n');
    writeFileSync(join(dir, "long.ts"), `let a: string = "${"a".repeat(70000)}" @;\n`);
    writeFileSync(join(dir, "main.ts"), 'import "./long.ts";\n');
    const r = spawnSync(process.execPath, ["--import", "smartasync/register", "main.ts"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, SMARTASYNC_CACHE: "0" },
    });
    expect(r.signal).toBeNull();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`SA901: syntax error at ${join(dir, "long.ts")}:1:`);
  });
});
