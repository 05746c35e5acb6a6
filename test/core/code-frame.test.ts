/**
 * `src/core/code-frame.ts` must print exactly what Babel prints, so every check here compares with
 * the real thing: `@babel/code-frame`'s `codeFrameColumns` for raw frames, and errors thrown through
 * `buildCodeFrameError` by Babel 8 and Babel 7 for frames of nodes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { type Options as BabelOptions, codeFrameColumns } from "@babel/code-frame";
import * as babel8 from "@babel/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  babelErrorMessage,
  type CodeFrameOptions,
  codeFrame,
  frameForNode,
  type NodeLocation,
  type Position,
} from "../../src/core/code-frame.js";

const require = createRequire(import.meta.url);
const babel7 = require("babel7-core") as typeof babel8;
const ROOT = join(import.meta.dirname, "..", "..");
const FIXTURES = join(ROOT, "fixtures");

interface Source {
  name: string;
  text: string;
  /** Parser settings for Babel; absent when the text is not a program. */
  parse?: { typescript: boolean; script: boolean };
}

function fixtureInputs(dir = FIXTURES): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...fixtureInputs(path));
    else if (e.name.startsWith("input.")) out.push(path);
  }
  return out.sort();
}

const INPUTS = fixtureInputs();

/** Fixture inputs as written, plus the variants they lack: CRLF line ends, tab indentation. */
const FIXTURE_SOURCES: Source[] = INPUTS.flatMap((file) => {
  const text = readFileSync(file, "utf8");
  const name = relative(FIXTURES, file);
  const parse = { typescript: /\.[mc]?ts$/.test(file), script: /\.c[jt]s$/.test(file) };
  return [
    { name, text, parse },
    { name: `${name} (CRLF)`, text: text.replace(/\n/g, "\r\n"), parse },
    { name: `${name} (tabs)`, text: text.replace(/^( {2})+/gm, (m) => "\t".repeat(m.length / 2)), parse },
  ];
});

const js = { typescript: false, script: false };

/** Programs with what fixtures lack: non-ASCII, tabs inside lines, every kind of line break. */
const PROGRAMS: Source[] = [
  {
    name: "accents",
    text: 'const café = "naïve résumé";\nexport function déjà(été) {\n  return café + été;\n}\n',
    parse: js,
  },
  {
    name: "emoji",
    text: 'const s = "😀😀"; const t = "👍🏽" + s;\n/* 🎉 */ export const f = (x) => x + s + t;\n',
    parse: js,
  },
  { name: "CJK", text: "const 中文 = 1;\nconst 名前 = 中文 + 2; // 漢字\nexport { 名前 };\n", parse: js },
  {
    name: "tabs inside lines",
    text: "export function g(a, b) {\n\tif (a)\t{\n\t\treturn\tb;\t// c\n\t}\n}\n",
    parse: js,
  },
  { name: "lone CR", text: "const a = 1;\rconst b = a;\r\rexport { b };", parse: js },
  { name: "LS and PS", text: "const a = 1;\u2028const b = a;\u2029export { b };\n", parse: js },
  { name: "mixed breaks", text: "let a;\r\nlet b;\nlet c;\rlet d;\u2028let e;\r\n\r\n", parse: js },
  { name: "no final newline", text: "export const a = 1;", parse: js },
  { name: "blank lines", text: "\n\n\nexport const a = 1;\n\n\n\nconst b = 2;\n\n", parse: js },
  {
    // Long enough for the gutter to widen from 1 to 2 to 3 digits inside one window.
    name: "120 lines",
    text: Array.from({ length: 120 }, (_, i) => `const v${i} = ${i};`).join("\n"),
    parse: js,
  },
];

/** Texts that are not programs, for the raw frame only. */
const TEXTS: Source[] = [
  { name: "empty", text: "" },
  { name: "only newlines", text: "\n\n\n" },
  { name: "only CRLF", text: "\r\n\r\n" },
  { name: "whitespace lines", text: "  \n\t\n \t \nx\n" },
  { name: "surrogate halves", text: "a\ud83d\nb\ude00c\n" },
];

const ALL = [...FIXTURE_SOURCES, ...PROGRAMS, ...TEXTS];

/** What a call gives: its text, or that it threw (messages differ on purpose). */
function outcome(run: () => string): string {
  try {
    return run();
  } catch {
    return "<threw>";
  }
}

function babelFrame(source: string, start: Position, end?: Position, options: CodeFrameOptions = {}): string {
  const loc = end ? { start, end } : { start };
  const opts: BabelOptions = { highlightCode: false, ...options };
  return outcome(() => codeFrameColumns(source, loc, opts));
}

function ownFrame(source: string, start: Position, end?: Position, options: CodeFrameOptions = {}): string {
  return outcome(() => codeFrame(source, start, end, options));
}

/** Columns worth trying on a line: its ends, its middle, both sides of each, and past the end. */
function columnsOf(length: number): number[] {
  const half = Math.floor(length / 2);
  const all = [0, 1, half - 1, half, half + 1, length - 1, length, length + 1, length + 40];
  return [...new Set(all.filter((c) => c >= 0))];
}

type Case = { start: Position; end?: Position };

/**
 * Ranges over a source: every line as a point and as same-line ranges; ranges to 1, 2 and 7
 * lines further (past the end too); and lines outside the source.
 */
function casesOf(text: string): Case[] {
  const lengths = text.split(/\r\n|[\n\r\u2028\u2029]/).map((l) => l.length);
  const count = lengths.length;
  const len = (line: number): number => lengths[line - 1] ?? 0;
  const cases: Case[] = [];
  for (let line = 1; line <= count; line++) {
    const columns = columnsOf(len(line));
    for (const column of columns) {
      cases.push({ start: { line, column } });
      for (const to of columns) {
        if (to >= column) cases.push({ start: { line, column }, end: { line, column: to } });
      }
    }
    const few = [0, Math.floor(len(line) / 2), len(line)];
    for (const down of [1, 2, 7]) {
      const endLine = line + down;
      if (endLine > count + 1) continue;
      for (const column of few) {
        for (const to of [0, Math.floor(len(endLine) / 2), len(endLine), len(endLine) + 3]) {
          cases.push({ start: { line, column }, end: { line: endLine, column: to } });
        }
      }
    }
  }
  for (const line of [-1, 0, count + 1, count + 2, count + 5]) {
    cases.push({ start: { line, column: 0 } }, { start: { line, column: 3 } });
  }
  return cases;
}

function describeCase({ start, end }: Case): string {
  const at = (p: Position): string => `${p.line}:${p.column}`;
  return end ? `${at(start)}-${at(end)}` : at(start);
}

describe("codeFrame matches @babel/code-frame (highlightCode: false)", () => {
  it("covers every fixture input", () => {
    // Guards against the fixture walk silently finding nothing.
    expect(INPUTS.length).toBeGreaterThan(100);
    expect(INPUTS.some((f) => /\.[mc]?ts$/.test(f))).toBe(true);
  });

  it.each(ALL.map((s) => [s.name, s] as const))("%s, at many ranges", (_name, source) => {
    const mismatches: string[] = [];
    for (const c of casesOf(source.text)) {
      const want = babelFrame(source.text, c.start, c.end);
      const got = ownFrame(source.text, c.start, c.end);
      if (got !== want) mismatches.push(`${describeCase(c)}\n--- babel\n${want}\n--- ours\n${got}`);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it("applies linesAbove, linesBelow and message as code-frame does", () => {
    const sources = [...FIXTURE_SOURCES.filter((_, i) => i % 9 === 0), ...PROGRAMS];
    const optionSets: CodeFrameOptions[] = [
      { message: "here" },
      { message: "" },
      { linesAbove: 0, linesBelow: 0, message: "m" },
      { linesAbove: 5, linesBelow: 1 },
      { linesAbove: 100, linesBelow: 100, message: "all of it" },
    ];
    const mismatches: string[] = [];
    for (const source of sources) {
      for (const c of casesOf(source.text).filter((_, i) => i % 7 === 0)) {
        for (const options of optionSets) {
          const want = babelFrame(source.text, c.start, c.end, options);
          const got = ownFrame(source.text, c.start, c.end, options);
          if (got !== want) mismatches.push(`${source.name} ${describeCase(c)} ${JSON.stringify(options)}`);
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it("reproduces the format details worth knowing", () => {
    // Tabs are kept before the carets; an empty line has no space after its bar.
    expect(codeFrame("a\n\n\tb = c", { line: 3, column: 1 }, { line: 3, column: 2 })).toBe(
      "  1 | a\n  2 |\n> 3 | \tb = c\n    | \t^",
    );
    // An astral character is two columns; equal start and end still print one caret.
    expect(codeFrame('"😀" + x', { line: 1, column: 7 }, { line: 1, column: 7 })).toBe(
      '> 1 | "😀" + x\n    |        ^',
    );
    // The gutter pads with one space at most, so it is ragged across 1 to 3 digits.
    const long = Array.from({ length: 120 }, (_, i) => `l${i + 1}`).join("\n");
    const lines = codeFrame(long, { line: 5, column: 0 }, { line: 100, column: 1 }).split("\n");
    expect(lines[0]).toBe("   3 | l3");
    expect(lines.at(-5)).toBe("> 100 | l100");
    // A line past the end of the source frames nothing.
    expect(codeFrame("a", { line: 9, column: 0 })).toBe("");
    // Same-line end before start: code-frame throws, and so do we.
    expect(() => codeFrame("abc", { line: 1, column: 2 }, { line: 1, column: 0 })).toThrow(RangeError);
  });

  it("agrees on arbitrary text and ranges (property)", () => {
    const piece = fc.constantFrom(
      "a",
      "bc",
      " ",
      "\t",
      "é",
      "😀",
      "中",
      "\n",
      "\r\n",
      "\r",
      "\u2028",
      "\u2029",
      "\ud83d",
    );
    const text = fc.array(piece, { maxLength: 60 }).map((p) => p.join(""));
    const position = fc.record({
      line: fc.integer({ min: -2, max: 14 }),
      column: fc.integer({ min: -3, max: 20 }),
    });
    const options = fc.record(
      {
        linesAbove: fc.integer({ min: 0, max: 4 }),
        linesBelow: fc.integer({ min: 0, max: 4 }),
        message: fc.constantFrom("", "msg", "two words"),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        text,
        position,
        fc.option(position, { nil: undefined }),
        options,
        (src, start, end, opts) => {
          expect(ownFrame(src, start, end, opts)).toBe(babelFrame(src, start, end, opts));
        },
      ),
      { seed: 20_250_101, numRuns: 3000 },
    );
  });
});

type Babel = typeof babel8;
const VERSIONS: [string, Babel][] = [
  ["Babel 8", babel8],
  ["Babel 7", babel7],
];

function transformOptions(source: Source, plugin: babel8.PluginItem, filename?: string): babel8.InputOptions {
  const parse = source.parse ?? js;
  return {
    babelrc: false,
    configFile: false,
    highlightCode: false,
    ...(filename === undefined ? {} : { filename }),
    sourceType: parse.script ? "script" : "module",
    parserOpts: { plugins: parse.typescript ? ["typescript", "decorators-legacy"] : [] },
    plugins: [plugin],
  };
}

type Located = { loc?: NodeLocation | null };

/**
 * Runs a plugin that asks Babel for the frame of every node and comment (not throwing), and
 * returns how many it checked and where ours differed.
 */
function everyNode(babel: Babel, source: Source): { checked: number; mismatches: string[] } {
  let checked = 0;
  const mismatches: string[] = [];
  const check = (file: babel8.File, node: Located, what: string): void => {
    checked++;
    const want = outcome(() => file.buildCodeFrameError(node as babel8.types.Node, "m").message);
    const frame = outcome(() => frameForNode(source.text, node.loc) ?? "<none>");
    const got = frame === "<none>" ? "m" : `m\n${frame}`;
    if (got !== want) mismatches.push(`${what}\n--- babel\n${want}\n--- ours\n${got}`);
  };
  const plugin = (): babel8.PluginObject => ({
    visitor: {
      Program(path, state) {
        const file = state.file;
        for (const comment of (file.ast.comments ?? []) as Located[]) check(file, comment, "comment");
        check(file, path.node as Located, "Program");
        path.traverse({
          enter(inner) {
            check(file, inner.node as Located, inner.node.type);
          },
        });
      },
    },
  });
  babel.transformSync(source.text, transformOptions(source, plugin));
  return { checked, mismatches };
}

describe("frameForNode matches buildCodeFrameError", () => {
  // Tab-indented fixtures add nothing here: "tabs inside lines" already has tabs before nodes.
  const programs = [...FIXTURE_SOURCES.filter((s) => !s.name.endsWith("(tabs)")), ...PROGRAMS];
  describe.each(VERSIONS)("%s", (_version, babel) => {
    it.each(programs.map((s) => [s.name, s] as const))("every node of %s", (_name, source) => {
      const { checked, mismatches } = everyNode(babel, source);
      expect(checked).toBeGreaterThan(0);
      expect(mismatches.slice(0, 3)).toEqual([]);
    });
  });
});

/** A plugin that throws `path.buildCodeFrameError` at the first node `pick` accepts. */
function thrower(
  pick: (node: babel8.types.Node) => boolean,
  message: string,
  seen: { loc?: NodeLocation | null },
) {
  return (): babel8.PluginObject => ({
    visitor: {
      Program(program) {
        if (pick(program.node)) throw program.buildCodeFrameError(message);
        // A plugin's own visitor cannot hold a catch-all `enter`; a nested traversal can.
        program.traverse({
          enter(path) {
            if (!pick(path.node)) return;
            seen.loc = path.node.loc;
            throw path.buildCodeFrameError(message);
          },
        });
      },
    },
  });
}

function thrownMessage(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the transform to throw");
}

describe("babelErrorMessage matches the error a transform throws", () => {
  const filename = join(ROOT, "src", "app.js");
  const picks: [string, Source, (node: babel8.types.Node) => boolean][] = [
    ["a whole multi-line function", PROGRAMS[0]!, (n) => n.type === "FunctionDeclaration"],
    ["an identifier after accents", PROGRAMS[0]!, (n) => n.type === "Identifier" && n.name === "été"],
    ["a string after emoji", PROGRAMS[1]!, (n) => n.type === "StringLiteral" && n.value === "👍🏽"],
    ["a CJK binary expression", PROGRAMS[2]!, (n) => n.type === "BinaryExpression"],
    ["a return after a tab", PROGRAMS[3]!, (n) => n.type === "ReturnStatement"],
    ["the first statement", PROGRAMS[8]!, (n) => n.type === "ExportNamedDeclaration"],
    ["the last line", PROGRAMS[9]!, (n) => n.type === "NumericLiteral" && n.value === 119],
    ["a line of a lone-CR file", PROGRAMS[4]!, (n) => n.type === "Identifier" && n.name === "b"],
  ];

  describe.each(VERSIONS)("%s", (_version, babel) => {
    it.each(picks)("%s", (_name, source, pick) => {
      const message = "SA999: something about this node";
      const seen: { loc?: NodeLocation | null } = {};
      const got = thrownMessage(() =>
        babel.transformSync(source.text, transformOptions(source, thrower(pick, message, seen), filename)),
      );
      expect(seen.loc).toBeTruthy();
      expect(babelErrorMessage(filename, message, source.text, seen.loc)).toBe(got);
    });

    it("a fixture in CRLF, at a multi-line statement", () => {
      const source = FIXTURE_SOURCES.find((s) => s.name.endsWith("(CRLF)") && s.text.includes("{\r\n"))!;
      const seen: { loc?: NodeLocation | null } = {};
      const pick = (n: babel8.types.Node): boolean =>
        n.type !== "Program" && n.loc !== null && n.loc !== undefined && n.loc.end.line > n.loc.start.line;
      const got = thrownMessage(() =>
        babel.transformSync(source.text, transformOptions(source, thrower(pick, "m", seen), filename)),
      );
      expect(babelErrorMessage(filename, "m", source.text, seen.loc)).toBe(got);
    });

    it("no node: no frame; no filename: `unknown file`", () => {
      const source = PROGRAMS[0]!;
      const plugin = (): babel8.PluginObject => ({
        visitor: {
          Program(_path, state) {
            throw state.file.buildCodeFrameError(null, "SA901: internal");
          },
        },
      });
      const named = thrownMessage(() =>
        babel.transformSync(source.text, transformOptions(source, plugin, filename)),
      );
      expect(babelErrorMessage(filename, "SA901: internal", source.text, null)).toBe(named);
      const anonymous = thrownMessage(() =>
        babel.transformSync(source.text, transformOptions(source, plugin)),
      );
      expect(babelErrorMessage(undefined, "SA901: internal", source.text, undefined)).toBe(anonymous);
    });
  });
});

describe("fixture goldens", () => {
  it("each error.txt frame is the one frameForNode prints at its reported position", () => {
    // The goldens are Babel's output with paths made relative; the `(file:line:col)` at the end of
    // the message gives the start (1-based column), and the carets give the width on that line.
    let checked = 0;
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        if (e.name !== "error.txt") continue;
        const golden = readFileSync(join(dir, e.name), "utf8").trimEnd();
        const [head, ...frameLines] = golden.split("\n");
        const at = /\((?:[^():]+):(\d+):(\d+)\)$/.exec(head!);
        const input = readdirSync(dir).find((n) => n.startsWith("input."));
        if (!at || !input || frameLines.length === 0) continue;
        const text = readFileSync(join(dir, input), "utf8");
        const line = Number(at[1]);
        const column = Number(at[2]) - 1;
        const carets = /\| *(\^+)/.exec(frameLines.find((l) => /^ +\| *\^/.test(l)) ?? "")?.[1]?.length ?? 1;
        const loc = { start: { line, column }, end: { line, column: column + carets } };
        expect(frameForNode(text, loc)?.trimEnd(), dir).toBe(frameLines.join("\n"));
        checked++;
      }
    };
    walk(FIXTURES);
    expect(checked).toBeGreaterThan(10);
  });
});
