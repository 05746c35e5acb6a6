/**
 * CI output injection (SECURITY.md, "What the CLI prints"): file names, import specifiers and
 * code excerpts holding line breaks and terminal escapes go through the real CLI (`check`,
 * `inspect` in every format, on stdout and stderr, under Babel and SWC) and through each
 * formatter with random control characters (fast-check): each format's grammar holds — one
 * workflow command per line in github format, valid JSON that reads back the same, no raw
 * control character in text, table and stderr — and a closed pipe ends the CLI quietly.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CheckFinding, formatCheckText } from "../../src/cli/check.js";
import { painter } from "../../src/cli/colour.js";
import { escapeControls, jsonForTerminal } from "../../src/cli/escape.js";
import { type Finding, parseLoc } from "../../src/cli/findings.js";
import { formatGithub } from "../../src/cli/format-github.js";
import { sarifLog } from "../../src/cli/format-sarif.js";
import { formatReportTable } from "../../src/cli/format-table.js";
import type { Report } from "../../src/core/report.js";
import { BIN, cli, tree } from "../cli/helpers.js";

/** A fixed seed, so CI is repeatable (SMARTASYNC_SEED explores others; seed 702693410 found U+061C). */
const SEED = Number(process.env.SMARTASYNC_SEED ?? 20_240_601);
/** What no human-readable output may hold raw: C0 but tab and LF, DEL, C1, U+2028/9, bidi controls. */
const RAW =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: what the test looks for
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: SGR colour codes, the CLI's own
const SGR = /\u001b\[[0-9;]*m/g;

const EVIL_NAME = "evil\n::error file=x::pwned.js";
const ESC_SPEC = "./\u001b]0;pwned\u0007\u001b[8mlib.js";
const FILES: Record<string, string> = {
  "lib.js": "// @smartasync\nexport async function load(p) {\n  return p;\n}\n",
  // The import is on line 2, so a lost position (line 1, or none) shows.
  [EVIL_NAME]: `// a file whose name holds a line break and a workflow command\nimport { x } from "${ESC_SPEC}";\n// @smartasync\nexport async function main() {\n  await x();\n}\n`,
  // A syntax error under a string of terminal escapes: the code frame quotes them (stderr).
  "bad\u001b[2J\u009b.js":
    'const s = "\u001b]8;;http://evil\u0007click\u001b]8;;\u0007\u001b[8m";\nlet = (;\n',
};

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

describe("hostile names and text through the real CLI", () => {
  const dir = tree("security-output", FILES);

  for (const compiler of ["babel", "swc"]) {
    describe(`--compiler ${compiler}`, () => {
      const run = (args: string[], env: Record<string, string> = {}) =>
        cli([...args, "--compiler", compiler], dir, env);

      it("check (text): one line per finding, escapes shown, nothing raw, no line starts a workflow command", () => {
        const r = run(["check", "."]);
        expect(r.status).toBe(1);
        for (const out of [r.stdout, r.stderr]) {
          expect(out).not.toMatch(RAW);
          expect(lines(out).filter((l) => l.startsWith("::"))).toEqual([]);
        }
        expect(r.stdout).toContain("evil\\n::error file=x::pwned.js:2:1: warning SA204:");
        expect(r.stdout).toContain('"./\\x1b]0;pwned\\x07\\x1b[8mlib.js"');
        // The failure's code frame on stderr keeps its lines, its escapes made visible.
        expect(r.stderr).toContain("bad\\x1b[2J\\x9b.js: ");
        expect(r.stderr).toContain('const s = "\\x1b]8;;http://evil\\x07click');
      });

      it("check --format github: exactly one command per finding, positions kept", () => {
        const r = run(["check", ".", "--format", "github"]);
        const out = lines(r.stdout);
        const commands = out.filter((l) => l.startsWith("::"));
        // The syntax error, SA204, and the SA308 hint (the `twins` entry for the awaited `x()`).
        expect(commands).toHaveLength(3);
        expect(out.filter((l) => !l.startsWith("::"))).toEqual([
          expect.stringMatching(/^smartasync check: /),
        ]);
        expect(commands.join("\n")).not.toMatch(RAW);
        const evil = commands.find((c) => c.includes("SA204"))!;
        expect(evil).toMatch(
          /^::warning file=evil%0A%3A%3Aerror file=x%3A%3Apwned\.js,line=2,col=1,title=SA204::/,
        );
        expect(lines(r.stderr).filter((l) => l.startsWith("::"))).toEqual([]);
        expect(r.stderr).not.toMatch(RAW);
      });

      it("inspect (table), --diff, --format json, sarif and github: grammar holds, nothing raw", () => {
        for (const format of ["table", "json", "sarif", "github"]) {
          const r = run(["inspect", ".", "--format", format]);
          expect(r.status, format).toBe(1);
          for (const out of [r.stdout, r.stderr]) {
            expect(out, format).not.toMatch(RAW);
            if (format !== "github")
              expect(
                lines(out).filter((l) => l.startsWith("::")),
                format,
              ).toEqual([]);
          }
          if (format === "json") {
            const reports = JSON.parse(r.stdout) as { file: string; diagnostics: Finding[] }[];
            const evil = reports.find((x) => x.file === EVIL_NAME)!;
            expect(evil.diagnostics[0]!.loc).toBe(`${EVIL_NAME}:2:1`);
            expect(evil.diagnostics[0]!.message).toContain(ESC_SPEC);
          }
          if (format === "sarif") {
            const log = JSON.parse(r.stdout);
            const result = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "SA204");
            const where = result.locations[0].physicalLocation;
            expect(where.artifactLocation.uri).toBe(encodeURIComponent(EVIL_NAME));
            expect(where.region).toEqual({ startLine: 2, startColumn: 1 });
          }
          if (format === "github") expect(lines(r.stdout).every((l) => l.startsWith("::"))).toBe(true);
        }
        const diff = run(["inspect", ".", "--diff"]);
        expect(diff.stdout).not.toMatch(RAW);
        expect(diff.stdout).toContain("b/evil\\n::error file=x::pwned.js");
      });

      it("with colour forced, only the CLI's own colour codes reach the terminal", () => {
        for (const args of [
          ["check", "."],
          ["inspect", "."],
          ["inspect", ".", "--diff"],
        ]) {
          const r = run(args, { FORCE_COLOR: "1" });
          for (const out of [r.stdout, r.stderr]) {
            expect(out, args.join(" ")).toMatch(SGR);
            // The file's own SGR code (`ESC [8m`, hidden text) is shown, not obeyed.
            expect(out.replace(SGR, (m) => (m === "\u001b[8m" ? "\u0000" : ""))).not.toMatch(RAW);
          }
        }
      });
    });
  }

  it("a file named like a workflow command at the project's root does not start a line (check ., inspect .)", () => {
    const root = tree("security-root-names", {
      "package.json": '{ "name": "r", "type": "module" }\n',
      "::error title=Forged,file=README.md,line=1::Approved.js": "let = = ;\n",
      "::warning::w.js":
        "// @smartasync\nexport async function load() {\n  return 1;\n}\nexport async function g() {\n  load();\n}\n",
    });
    for (const args of [
      ["check", "."],
      ["inspect", "."],
      ["inspect", ".", "--diff"],
    ]) {
      const r = cli(args, root);
      const lines = r.stdout.split("\n");
      expect(
        lines.filter((l) => /^\s*::/.test(l)),
        args.join(" "),
      ).toEqual([]);
      if (!args.includes("--diff")) expect(r.stdout, args.join(" ")).toMatch(/\.\/::(error|warning)/);
    }
  });

  it("a closed pipe ends check quietly (check … | head -n 1)", () => {
    const many = tree("security-epipe", {
      // Thousands of floating calls: far more output than a pipe buffers.
      "app.js": `// @smartasync\nexport async function f() {\n  return 1;\n}\nexport async function main() {\n${"  f();\n".repeat(3000)}}\n`,
    });
    const err = join(many, "stderr.txt");
    const r = spawnSync("bash", ["-c", `"${process.execPath}" "${BIN}" check . 2>"${err}" | head -n 1`], {
      cwd: many,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.stdout).toMatch(/^app\.js:\d+:3: warning SA201/);
    expect(readFileSync(err, "utf8")).toBe("");
  });
});

// ——— every formatter, random text ———

/** Strings rich in what breaks outputs: line breaks, ESC/BEL/C1, `::`, `%`, `,`, `:`, bidi marks. */
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "\n",
        "\r",
        "\r\n",
        "\u001b",
        "\u001b[2J",
        "\u001b]0;title\u0007",
        "\u0007",
        "\u009b",
        "\u0085",
        "\u2028",
        "\u202e",
        "\t",
        "::",
        "::error ",
        "%",
        "%0A",
        ",",
        ":",
        ":1:2",
        "\\",
        "\u0000",
        "\u007f",
      ),
      fc.string({ maxLength: 6 }),
      fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(""));

const finding = fc.record({
  code: hostile,
  severity: fc.constantFrom("error", "warning", "hint") as fc.Arbitrary<Finding["severity"]>,
  message: hostile,
  loc: fc.oneof(
    hostile,
    fc.tuple(hostile, fc.nat(9999), fc.nat(9999)).map(([p, l, c]) => `${p}:${l + 1}:${c + 1}`),
  ),
});

/** The GitHub runner's decoding of a command's data and properties. */
const decode = (s: string): string =>
  s
    .replace(/%0D/g, "\r")
    .replace(/%0A/g, "\n")
    .replace(/%3A/g, ":")
    .replace(/%2C/g, ",")
    .replace(/%25/g, "%");

/** An independent oracle: each character as the formats must show it (CR and LF kept here). */
function shown(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const unsafe =
      (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0x061c ||
      c === 0x200e ||
      c === 0x200f ||
      c === 0x2028 ||
      c === 0x2029 ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069);
    out += unsafe
      ? c < 0x100
        ? `\\x${c.toString(16).padStart(2, "0")}`
        : `\\u${c.toString(16).padStart(4, "0")}`
      : ch;
  }
  return out;
}

describe("every bidirectional control is shown, not applied", () => {
  it("the marks U+061C, U+200E, U+200F as well as the overrides and isolates (security review)", () => {
    for (const c of ["\u061c", "\u200e", "\u200f", "\u202e", "\u2067"]) {
      expect(escapeControls(`a${c}b`)).toBe(`a\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}b`);
      expect(jsonForTerminal(JSON.stringify(`a${c}b`))).not.toContain(c);
    }
  });
});

describe("every format keeps its grammar whatever the text (property)", () => {
  it("github: one command per finding; properties and data decode to the text, controls shown", () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 5 }), (findings) => {
        const out = formatGithub(findings);
        const commands = out === "" ? [] : out.split("\n");
        expect(commands).toHaveLength(findings.length);
        findings.forEach((f, i) => {
          const m =
            /^::(error|warning|notice) file=([^,:\r\n]*)(?:,line=(\d+),col=(\d+))?,title=([^,:\r\n]*)::([^\r\n]*)$/.exec(
              commands[i]!,
            );
          expect(m, commands[i]).not.toBeNull();
          expect(commands[i]).not.toMatch(RAW);
          const loc = parseLoc(f.loc);
          expect(decode(m![2]!)).toBe(shown(loc.path));
          expect(m![3] === undefined ? undefined : Number(m![3])).toBe(loc.line);
          expect(decode(m![5]!)).toBe(shown(f.code));
          expect(decode(m![6]!)).toBe(shown(f.message));
        });
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it("check text: one line per finding, nothing raw, colour or not", () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 5 }), fc.boolean(), (findings, colour) => {
        const out = formatCheckText(findings as CheckFinding[], painter(colour)).join("\n");
        expect(out === "" ? [] : out.split("\n")).toHaveLength(findings.length);
        expect(out.replace(SGR, "")).not.toMatch(RAW);
        expect(out.replace(SGR, "")).not.toContain("\u001b");
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it("table: the same number of lines as rows, nothing raw", () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (file, name, reason, message) => {
        const report: Report = {
          version: 1,
          file,
          functions: [
            { name, loc: `${file}:1:1`, kind: "async", variants: { sync: `${name}Sync` }, reasons: [reason] },
          ] as Report["functions"],
          calls: [
            {
              callee: name,
              loc: `${file}:2:1`,
              context: "awaited",
              in: "async",
              strategy: "direct",
              target: name,
              reason,
            },
          ] as Report["calls"],
          diagnostics: [{ code: "SA201", severity: "warning", message, loc: `${file}:3:1` }],
        };
        const out = formatReportTable(report, painter(false));
        // file; calls, header, row; functions, header, row; diagnostics, one line
        expect(out.split("\n")).toHaveLength(9);
        expect(out).not.toMatch(RAW);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it("json and sarif: valid JSON that reads back the same values, nothing raw", () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 4 }), (findings) => {
        for (const value of [findings, sarifLog(findings, "/project")]) {
          const plain = JSON.stringify(value, null, 2);
          const safe = jsonForTerminal(plain);
          expect(safe).not.toMatch(RAW);
          expect(JSON.parse(safe)).toEqual(JSON.parse(plain));
        }
        const log = sarifLog(findings, "/project") as {
          runs: { results: { locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[];
        };
        findings.forEach((f, i) => {
          const line = parseLoc(f.loc).line;
          expect(log.runs[0]!.results[i]!.locations[0]!.physicalLocation.region.startLine).toBe(line ?? 1);
        });
      }),
      { numRuns: 200, seed: SEED },
    );
  });

  it("escapeControls keeps the CLI's own line breaks and colours only when asked", () => {
    expect(escapeControls("a\nb\u001b[31mc\u001b]0;t\u0007", { newlines: true, colours: true })).toBe(
      "a\nb\u001b[31mc\\x1b]0;t\\x07",
    );
    expect(escapeControls("a\nb\u001b[31mc")).toBe("a\\nb\\x1b[31mc");
  });
});
