/**
 * Source maps survive smartasync: a position in the output of a rewritten call maps back to the
 * call as written, for both compilers (Babel: its own AST edits keep locations; SWC: our text
 * edits' map is chained as SWC's input source map).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as babel from "@babel/core";
import presetTs from "@babel/preset-typescript";
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import swc from "@swc/core";
import MagicString from "magic-string";
import { describe, expect, it } from "vitest";
import smartasync from "../src/babel-plugin/index.js";
import { transformSync as swcTransform, transform as swcTransformAsync } from "../src/swc-plugin/index.js";
import { ROOT } from "./harness.js";

// Non-ASCII text before the call: SWC's spans are UTF-8 bytes, maps count UTF-16 columns.
const SOURCE = `const note: string = "café 🎉 日本";
// @smartasync
export async function load(id: number): Promise<number> {
  return id * 2;
}

export function main(): number {
  const label = "ünïcode 👩‍💻";
  const value: number = load(21);
  return value + label.length;
}
`;
const CALL = { line: 9, column: 24 }; // `load(21)`: 1-based line, 0-based column

/** The original position of the first occurrence of `needle` in `code`. */
function original(code: string, map: string | object, needle: string) {
  const at = code.indexOf(needle);
  expect(at, `${needle} is in the output`).toBeGreaterThan(-1);
  const before = code.slice(0, at).split("\n");
  const pos = { line: before.length, column: before[before.length - 1].length };
  return originalPositionFor(new TraceMap(map as string), pos);
}

describe("source maps point at the rewritten call as written", () => {
  it("Babel", () => {
    const r = babel.transformSync(SOURCE, {
      filename: "/virtual/app.ts",
      babelrc: false,
      configFile: false,
      sourceMaps: true,
      presets: [presetTs],
      plugins: [[smartasync, {}]],
    })!;
    expect(r.code).toContain("loadSync(21)");
    const pos = original(r.code!, r.map!, "loadSync(21)");
    expect({ line: pos.line, column: pos.column }).toEqual(CALL);
  });

  it("SWC", () => {
    const r = swcTransform(SOURCE, {
      filename: "/virtual/app.ts",
      swcrc: false,
      sourceMaps: true,
      jsc: { parser: { syntax: "typescript" }, target: "es2022" },
      smartasync: {},
    });
    expect(r.code).toContain("loadSync(21)");
    const pos = original(r.code, r.map!, "loadSync(21)");
    expect(pos.source).toContain("app.ts");
    expect({ line: pos.line, column: pos.column }).toEqual(CALL);
    // A line the edits did not touch still maps to itself.
    const label = original(r.code, r.map!, "label.length");
    expect({ line: label.line, column: label.column }).toEqual({ line: 10, column: 17 });
  });

  it("SWC composes the input's own map (inputSourceMap, or an inline sourceMappingURL)", () => {
    // The input itself was generated: two banner lines were added in front of SOURCE.
    const gen = new MagicString(SOURCE);
    gen.prepend("// generated\n// by a tool\n");
    const input = gen.toString();
    const inputMap = gen.generateMap({ source: "/virtual/app.ts", includeContent: true, hires: true });
    for (const [label, code, extra] of [
      ["inputSourceMap", input, { inputSourceMap: inputMap.toString() }],
      ["inline comment", `${input}//# sourceMappingURL=${inputMap.toUrl()}\n`, {}],
    ] as const) {
      const r = swcTransform(code, {
        filename: "/virtual/app.gen.ts",
        swcrc: false,
        sourceMaps: true,
        jsc: { parser: { syntax: "typescript" }, target: "es2022" },
        ...extra,
      });
      const pos = original(r.code, r.map!, "loadSync(21)");
      expect({ label, source: pos.source, line: pos.line, column: pos.column }).toEqual({
        label,
        source: "/virtual/app.ts",
        ...CALL,
      });
    }
  });

  it("SWC: an `inputSourceMap` text SWC cannot read fails the file with SWC's own error, as plain SWC does", async () => {
    // It was left out silently on an edited file (suspected in attack31); a stale comment URL
    // SWC skips is still skipped (attack19 F11). Real @swc/core gives the expected error.
    const base = { filename: "/virtual/app.ts", swcrc: false, sourceMaps: true as const };
    const parser = { jsc: { parser: { syntax: "typescript" as const }, target: "es2022" as const } };
    /** SWC's error text without its native backtrace, or "ok". */
    const outcome = (fn: () => unknown): string => {
      try {
        fn();
        return "ok";
      } catch (e) {
        return (e as Error).message.replace(/\n*Stack backtrace:[\s\S]*$/, "");
      }
    };
    const decodes = JSON.stringify({ version: 3, sources: ["a.ts"], mappings: "AAAA" });
    for (const given of [
      "{not json",
      "./app.ts.map",
      "",
      "null",
      '{"version":3,"sources":["a"],"mappings":"!!!"}',
    ]) {
      const opts = { ...base, ...parser, inputSourceMap: given };
      const expected = outcome(() => swc.transformSync(SOURCE, opts));
      expect(expected, given).toMatch(/failed to read input source map/);
      expect(
        outcome(() => swcTransform(SOURCE, opts)),
        given,
      ).toBe(expected);
      const async = await swcTransformAsync(SOURCE, opts).then(
        () => "ok",
        (e: Error) => e.message.replace(/\n*Stack backtrace:[\s\S]*$/, ""),
      );
      expect(async, given).toBe(expected);
      // Without source maps SWC does not read it: neither does smartasync.
      expect(outcome(() => swcTransform(SOURCE, { ...opts, sourceMaps: false }))).toBe("ok");
    }
    // A map SWC reads is composed as before; a bad comment URL is skipped by both.
    expect(outcome(() => swcTransform(SOURCE, { ...base, ...parser, inputSourceMap: decodes }))).toBe("ok");
    const stale = `${SOURCE}//# sourceMappingURL=data:application/json,%7Bnot\n`;
    expect(outcome(() => swcTransform(stale, { ...base, ...parser }))).toBe("ok");
  });
});

/**
 * An error thrown inside each kind of variant points, through the map, at the line that threw:
 * the inline copy `parseSync` (its own text, with mappings of its own under SWC: it used to
 * point at the original's closing brace), the worker variant `slowSync` and the offloaded async
 * variant `checkAsync` (both run the original in a worker, whose stack is kept). The program runs
 * under plain node; its stack's `main.mjs:line:col` is traced back through the map here.
 */
const THROWING = `import { isWorker } from "smartasync/runtime";

// @smartasync
export async function parse(text) {
  const n = Number(text);
  if (Number.isNaN(n)) {
    throw new Error("inline copy");
  }
  return n * (await twice(1));
}

// @smartasync
export async function twice(x) {
  return x * 2;
}

// @smartasync
export async function slow(x) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  if (x > 1) throw new Error("worker variant");
  return x;
}

// @smartasync
export function check(x) {
  if (x > 1) {
    throw new Error("async variant");
  }
  return x;
}

function where(e) {
  const m = /main\\.mjs:(\\d+):(\\d+)/.exec(e.stack);
  return m ? \`\${m[1]}:\${m[2]}\` : "none";
}

if (!isWorker) {
  const out = {};
  try {
    const v = parse("x");
    out.inline = \`no error: \${v}\`;
  } catch (e) {
    out.inline = where(e);
    // The frame as a reader sees it: its name and line (under --enable-source-maps, the map's).
    const frame = /at (\\S+) \\(.*:(\\d+):\\d+\\)/.exec(e.stack.split("\\n")[1]);
    out.frame = frame ? \`\${frame[1]} line \${frame[2]}\` : e.stack;
  }
  try {
    const v = slow(2);
    out.worker = \`no error: \${v}\`;
  } catch (e) {
    out.worker = where(e);
  }
  try {
    await check(2);
  } catch (e) {
    out.async = where(e);
  }
  out.copyLines = String(parseSync).split("\\n").length;
  console.log(JSON.stringify(out));
}

// @smartasync
export async function settle(x) {
  try {
    return twice(x);
  } finally {
    x = 0;
  }
}
`;
/** 1-based lines of THROWING that throw, by variant. */
const THROWS = { inline: 7, worker: 20, async: 27 };

function runThrowing(name: string, code: string, map: string | object): Record<string, string> {
  const dir = join(ROOT, ".tmp", "source-maps", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "main.mjs");
  writeFileSync(file, `${code}\n//# sourceMappingURL=main.mjs.map\n`);
  writeFileSync(`${file}.map`, typeof map === "string" ? map : JSON.stringify(map));
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8", timeout: 60_000 });
  expect(r.stderr).toBe("");
  const out = JSON.parse(r.stdout) as Record<string, string>;
  // Read through the map by Node itself, the inline copy's frame is named after the variant that
  // ran, on the line that threw, in both compilers (attack18 F21: Babel's map said `parse`).
  const mapped = spawnSync(process.execPath, ["--enable-source-maps", file], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(mapped.stderr).toBe("");
  expect((JSON.parse(mapped.stdout) as Record<string, string>).frame).toBe(`parseSync line ${THROWS.inline}`);
  const trace = new TraceMap(map as string);
  const traced: Record<string, string> = {};
  for (const k of Object.keys(THROWS)) {
    const [line, column] = out[k].split(":").map(Number);
    expect(line, `${k}: ${out[k]}`).toBeGreaterThan(0);
    traced[k] = String(originalPositionFor(trace, { line, column: column - 1 }).line);
  }
  return traced;
}

/** Every line of the inline copy `parseSync` maps to the line of `parse` it was copied from. */
function copyLinesMapBack(code: string, map: string | object): void {
  const trace = new TraceMap(map as string);
  const lines = code.split("\n");
  const start = lines.findIndex((l) => /function parseSync\(/.test(l));
  expect(start).toBeGreaterThan(-1);
  const original = THROWING.split("\n");
  for (let i = start; i < lines.length && !/^}/.test(lines[i - 1] ?? "x"); i++) {
    const text = lines[i].trim();
    if (text === "" || text === "}") continue;
    const col = lines[i].length - lines[i].trimStart().length;
    const pos = originalPositionFor(trace, { line: i + 1, column: col });
    expect(pos.line, `output line ${i + 1} \`${text}\` has a mapping`).not.toBeNull();
    // The first word of the line is on the original line it maps to (`async` and `await` go).
    const word = /[A-Za-z_$][\w$]*/.exec(text.replace(/^parseSync\b/, "parse"))?.[0] ?? "";
    expect(original[pos.line! - 1], `output line ${i + 1} \`${text}\``).toContain(word);
  }
}

/**
 * Every line of each generated variant maps somewhere in the input (an inline copy to its own
 * lines, a worker or offload wrapper to its function), the deferred return of `settleSync` too.
 */
function variantLinesMapped(code: string, map: string | object): void {
  const trace = new TraceMap(map as string);
  const lines = code.split("\n");
  for (const name of ["parseSync", "slowSync", "checkAsync", "settleSync"]) {
    const start = lines.findIndex((l) => new RegExp(`function ${name}\\(`).test(l));
    expect(start, name).toBeGreaterThan(-1);
    const indent = /^\s*/.exec(lines[start])![0];
    for (let i = start; i < lines.length; i++) {
      const text = lines[i].trim();
      if (text !== "" && text !== "}") {
        const col = lines[i].length - lines[i].trimStart().length;
        const pos = originalPositionFor(trace, { line: i + 1, column: col });
        expect(pos.line, `${name}: output line ${i + 1} \`${text}\` has a mapping`).not.toBeNull();
      }
      if (i > start && lines[i] === `${indent}}`) break;
    }
  }
}

describe("a throw inside each kind of variant maps to the line that threw", () => {
  const expected = {
    inline: String(THROWS.inline),
    worker: String(THROWS.worker),
    async: String(THROWS.async),
  };

  it("Babel", () => {
    const r = babel.transformSync(THROWING, {
      filename: join(ROOT, ".tmp", "source-maps", "app.mjs"),
      babelrc: false,
      configFile: false,
      sourceMaps: true,
      plugins: [[smartasync, {}]],
    })!;
    expect(r.code).toContain("function parseSync(");
    expect(r.code).toContain("runSync(");
    expect(runThrowing("babel", r.code!, r.map!)).toEqual(expected);
    copyLinesMapBack(r.code!, r.map!);
    variantLinesMapped(r.code!, r.map!);
  });

  it("SWC", () => {
    const r = swcTransform(THROWING, {
      filename: join(ROOT, ".tmp", "source-maps", "app.mjs"),
      swcrc: false,
      sourceMaps: true,
      jsc: { parser: { syntax: "ecmascript" }, target: "es2022" },
      smartasync: {},
    });
    expect(r.code).toContain("function parseSync(");
    expect(r.code).toContain("runSync(");
    expect(runThrowing("swc", r.code, r.map!)).toEqual(expected);
    copyLinesMapBack(r.code, r.map!);
    variantLinesMapped(r.code, r.map!);
  });
});

/**
 * smartasync's own map of its edits counted lines by `\n` alone, SWC's by `\r` too: composed, a
 * file with `\r` line ends mapped every frame to 2:1 (attack32 F05), one stray `\r` lost the
 * columns after it; U+2028 ends a line for Node too. A byte-order mark is no column (F07).
 * Positions are as Node counts them: every line terminator, no BOM.
 */
describe("SWC: lines and columns as Node counts them, whatever ends the lines", () => {
  const swcOpts = {
    filename: "/virtual/app.ts",
    swcrc: false,
    sourceMaps: true,
    jsc: { parser: { syntax: "typescript" as const }, target: "es2022" as const },
    smartasync: {},
  };
  const lf = SOURCE.split("\n");
  const cases: [string, string, { line: number; column: number }][] = [
    ["CR", lf.join("\r"), CALL],
    ["CRLF", lf.join("\r\n"), CALL],
    [
      "one stray CR (a pasted header line)",
      `// pasted\r${SOURCE}`,
      { line: CALL.line + 1, column: CALL.column },
    ],
    ["a U+2028 in a comment", `/* a\u2028b */\n${SOURCE}`, { line: CALL.line + 2, column: CALL.column }],
    ["CR and a U+2029", `/* a\u2029b */\r${lf.join("\r")}`, { line: CALL.line + 2, column: CALL.column }],
    ["a BOM", `\uFEFF${SOURCE}`, CALL],
  ];
  for (const [label, code, call] of cases) {
    it(label, () => {
      const r = swcTransform(code, swcOpts);
      expect(r.code).toContain("loadSync(21)");
      const pos = original(r.code, r.map!, "loadSync(21)");
      expect({ source: pos.source, line: pos.line, column: pos.column }).toEqual({
        source: "/virtual/app.ts",
        ...call,
      });
      // An untouched line (the first: `const note`), its column not shifted by a BOM.
      const note = original(r.code, r.map!, "note");
      expect({ line: note.line, column: note.column }).toEqual({
        line: call.line - CALL.line + 1,
        column: 6,
      });
    });
  }
});
