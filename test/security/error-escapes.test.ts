/**
 * Errors the compilers, `smartasync/register` and `smartasync/jest` throw are printed by their
 * host (Node, Jest, a bundler, a build script): nothing in them comes raw from a file's name or
 * text (SECURITY.md, "What the compilers' errors print"). One escape rule (src/core/escape.ts)
 * shows each control character as an escape — the name `p␛[31mq␍r‮s.js` as `p\x1b[31mq\rr\u202es.js`
 * — keeps the message's own line breaks, and moves a code frame's carets with the escapes before
 * them. And the CLI's SWC path keeps a syntax error's file:line:col when the file's name holds a
 * line break (it lost the position: the frame's header was split in two).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as babel8 from "@babel/core";
import { afterAll, describe, expect, it } from "vitest";
import smartasync from "../../src/babel-plugin/index.js";
import { escapeErrorMessage, escapeMessage } from "../../src/core/escape.js";
import jest from "../../src/jest/index.js";
import { transformSync as swcTransform } from "../../src/swc-plugin/index.js";
import { cli, ROOT, tree } from "../cli/helpers.js";

const require = createRequire(import.meta.url);
const babel7 = require("babel7-core") as typeof babel8;

/** What no printed error may hold raw: C0 but tab and LF, DEL, C1, U+2028/9, the bidirectional controls. */
const RAW =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: what the test looks for
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const EVIL = "p\u001b[31mq\rr\u202es";
const SHOWN = "p\\x1b[31mq\\rr\\u202es";
/** An SA101 whose line starts with a string of terminal escapes: the carets must move past them. */
const SA101_SOURCE =
  'const s = "\u001b]0;t\u0007"; // @smartasync sync\nasync function f() {\n  return 1;\n}\n';
const SA101_FRAME = [
  '> 1 | const s = "\\x1b]0;t\\x07"; // @smartasync sync',
  // Under `// @smartasync sync`, which starts at column 27 once the escapes are shown.
  `    | ${" ".repeat(26)}${"^".repeat(19)}`,
  "  2 | async function f() {",
  "  3 |   return 1;",
  "  4 | }",
].join("\n");
const SYNTAX_SOURCE = 'const s = "\u001b]8;;http://evil\u0007x";\nlet = (;\n';

const scratch = mkdtempSync(join(tmpdir(), "smartasync-error-escapes-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the one escape rule for messages", () => {
  it("keeps the message's line breaks, escapes the rest, moves the carets", () => {
    const frame = '> 1 | a("\u001b[2J", \u202eb)\n    |             ^';
    // Under `)`, moved by the 3 + 5 characters the two escapes add before it.
    expect(escapeMessage(`x: y\n${frame}`)).toBe(
      `x: y\n> 1 | a("\\x1b[2J", \\u202eb)\n    |${" ".repeat(21)}^`,
    );
    expect(escapeMessage("plain\ntext")).toBe("plain\ntext");
  });

  it("rewrites the error's stack too, keeps its class and fields; a name is escaped whole", () => {
    const e = Object.assign(new SyntaxError(`/x/a\nb.js: bad \u001b[2J`), { code: "SA101", loc: "a\u202eb" });
    const same = escapeErrorMessage(e, { names: ["/x/a\nb.js"], fields: true });
    expect(same).toBe(e);
    expect(e).toBeInstanceOf(SyntaxError);
    expect(e.message).toBe("/x/a\\nb.js: bad \\x1b[2J");
    expect(e.stack!.startsWith("SyntaxError: /x/a\\nb.js: bad \\x1b[2J\n    at ")).toBe(true);
    expect(e).toMatchObject({ code: "SA101", loc: "a\\u202eb" });
  });
});

describe("the compilers' own errors", () => {
  const file = join(scratch, `${EVIL}.js`);

  const swcError = (): Error => {
    try {
      swcTransform(SA101_SOURCE, { filename: file, swcrc: false, configFile: false });
    } catch (e) {
      return e as Error;
    }
    throw new Error("smartasync/swc compiled the file");
  };

  it("smartasync/swc: the name, the message and the frame escaped, carets under the tag", () => {
    const e = swcError();
    expect(e.message).not.toMatch(RAW);
    expect(e.message).toContain(`${join(scratch, SHOWN)}.js: SA101: unexpected \`sync\` after @smartasync.`);
    expect(e.message).toContain(`${SHOWN}.js:1:21)\n${SA101_FRAME}`);
    expect(e.stack).not.toMatch(RAW);
  });

  for (const [name, babel] of [
    ["Babel 8", babel8],
    ["Babel 7", babel7],
  ] as const) {
    it(`${name}: what the plugin writes is escaped, as smartasync/swc's (the name in front is Babel's)`, () => {
      let e: Error | undefined;
      try {
        babel.transformSync(SA101_SOURCE, {
          filename: file,
          babelrc: false,
          configFile: false,
          highlightCode: true,
          plugins: [smartasync],
        });
      } catch (err) {
        e = err as Error;
      }
      expect(e).toBeDefined();
      // Babel prefixes the file name it was given, raw: that part is the host's.
      expect(e!.message.startsWith(`${file}: `)).toBe(true);
      const ours = e!.message.slice(file.length + 2);
      expect(ours).not.toMatch(RAW);
      const swc = swcError().message;
      expect(ours).toBe(swc.slice(swc.indexOf(": ") + 2));
    });
  }

  it("smartasync/jest: an SA error and SWC's syntax error, escaped", () => {
    for (const [source, want] of [
      [SA101_SOURCE, `${SHOWN}.js:1:21)\n${SA101_FRAME}`],
      [SYNTAX_SOURCE, `${join(scratch, SHOWN)}.js:2:1]`],
    ] as const) {
      let e: Error | undefined;
      try {
        jest.process(source, file, {});
      } catch (err) {
        e = err as Error;
      }
      expect(e?.message).toContain(want);
      expect(e!.message).not.toMatch(RAW);
      expect(e!.stack).not.toMatch(RAW);
    }
  });
});

describe("node --import smartasync/register: what Node prints", () => {
  const dir = tree("security-error-escapes-register", {
    "package.json": '{ "type": "module" }\n',
    [`${EVIL}-sa101.ts`]: SA101_SOURCE,
    [`${EVIL}-syntax.ts`]: SYNTAX_SOURCE,
    "line\nbreak.ts": SYNTAX_SOURCE,
  });
  const run = (entry: string) => {
    const r = spawnSync(process.execPath, ["--import", join(ROOT, "dist", "register", "index.js"), entry], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, SMARTASYNC_CACHE_DIR: join(scratch, "cache"), NODE_OPTIONS: "" },
    });
    expect(r.status).toBe(1);
    return r.stderr;
  };

  it("an SA error: the name, the frame and the error's fields escaped", () => {
    const err = run(`./${EVIL}-sa101.ts`);
    expect(err).not.toMatch(RAW);
    expect(err).toContain(`${SHOWN}-sa101.ts: SA101: unexpected \`sync\``);
    expect(err).toContain(SA101_FRAME);
  });

  it("SWC's syntax error: the name escaped in its frame's header, the position kept", () => {
    const err = run(`./${EVIL}-syntax.ts`);
    expect(err).not.toMatch(RAW);
    expect(err).toContain(`${SHOWN}-syntax.ts:2:1]`);
    expect(err).toContain('const s = "\\x1b]8;;http://evil\\x07x";');
    // A line break in the name stays inside the header's one line.
    expect(run("./line\nbreak.ts")).toContain("line\\nbreak.ts:2:1]");
  });
});

describe("the CLI keeps a syntax error's position when the file's name holds a line break", () => {
  const dir = tree("security-error-escapes-cli", {
    "package.json": '{ "type": "module" }\n',
    "x\ny.js": "const a = 1;\nlet = (;\n",
    [`${EVIL}.js`]: "const a = 1;\nlet = (;\n",
    [`${EVIL}-sa101.js`]: SA101_SOURCE,
  });
  for (const compiler of ["babel", "swc"]) {
    it(`--compiler ${compiler}: text and github formats`, () => {
      const text = cli(["check", ".", "--compiler", compiler], dir);
      expect(text.status).toBe(1);
      expect(text.stdout).toMatch(/^x\\ny\.js:2:1: error syntax-error: /m);
      expect(text.stdout).toContain(`${SHOWN}.js:2:1: error syntax-error: `);
      expect(text.stderr).toMatch(/^smartasync: x\\ny\.js: .+ \(2:[01]\)$/m);
      expect(text.stdout + text.stderr).not.toMatch(RAW);
      // The SA error: named once, by its path (the compiler's own prefix taken off), the same frame.
      expect(text.stderr).toContain(
        `smartasync: ${SHOWN}-sa101.js: SA101: unexpected \`sync\` after @smartasync.`,
      );
      expect(text.stderr).toContain(`(${SHOWN}-sa101.js:1:21)\n${SA101_FRAME}`);
      const github = cli(["check", ".", "--compiler", compiler, "--format", "github"], dir);
      expect(github.stdout).toContain("::error file=x%0Ay.js,line=2,col=1,title=syntax-error::");
    });
  }
});
