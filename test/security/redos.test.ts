/**
 * Time bombs in source text (SECURITY.md, "What it scans"): every regular expression in src/ is
 * checked by recheck, a ReDoS checker, which must prove it linear (its automaton checker, not
 * its fuzzer: a fuzzer's "safe" is only "found no attack"). Regexes are found by TypeScript's
 * own scanner, so a new one cannot slip past this test; `new RegExp(…)` is allowed only where
 * listed below with the reason it cannot blow up.
 *
 * Then the hostile inputs that stalled the compilers before (a 3 KB comment holding a run of
 * whitespace took 13 s under Babel, a 10,000-space run 230 s) go through the real code: the
 * annotation parser, the import scanner, Babel 7, Babel 8 and smartasync/swc. Nothing is timed:
 * the inputs are sized so that a quadratic or cubic scan would not finish within the test's
 * timeout, and a linear one takes milliseconds.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import * as babel8 from "@babel/core";
import * as esbuild from "esbuild";
import { checkSync } from "recheck";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import smartasync from "../../src/babel-plugin/index.js";
import { misspelledTag, parseAnnotation } from "../../src/core/annotation.js";
import { scanImports } from "../../src/core/import-scan.js";
import { scanReExports } from "../../src/core/module-facts.js";
import { transformSync as swcTransform } from "../../src/swc-plugin/index.js";
import esbuildPlugin from "../../src/unplugin/esbuild.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SRC = join(ROOT, "src");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

interface Found {
  at: string;
  pattern: string;
  flags: string;
}

/** Every regex literal and every `new RegExp(…)` / `RegExp(…)` call in src/, with its place. */
function regexesInSrc(): { literals: Found[]; constructed: string[] } {
  const literals: Found[] = [];
  const constructed: string[] = [];
  for (const file of sources(SRC)) {
    const text = readFileSync(file, "utf8");
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const place = (n: ts.Node) =>
      `${relative(ROOT, file).split("\\").join("/")}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (n: ts.Node): void => {
      if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const t = n.getText();
        const end = t.lastIndexOf("/");
        literals.push({ at: place(n), pattern: t.slice(1, end), flags: t.slice(end + 1) });
      } else if (
        (ts.isNewExpression(n) || ts.isCallExpression(n)) &&
        ts.isIdentifier(n.expression) &&
        n.expression.text === "RegExp"
      ) {
        constructed.push(`${relative(ROOT, file).split("\\").join("/")}: ${n.getText()}`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { literals, constructed };
}

/**
 * Regexes built at run time, each with why it is safe. A new entry needs a reason of the same
 * kind: a fixed pattern (then it is checked below like a literal), or a pattern that is the
 * user's own configuration, run as the tool it configures would run it.
 */
const CONSTRUCTED: { call: string; why: string; pattern?: string; flags?: string }[] = [
  {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the call's source text, quoted
    call: 'src/cli/transform-swc.ts: new RegExp(`${String.fromCharCode(27)}\\\\[[0-9;]*m`, "g")',
    why: "a fixed pattern (ANSI colour codes), written with the escape character built at run time",
    pattern: "\\u001b\\[[0-9;]*m",
    flags: "g",
  },
  {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the call's source text, quoted
    call: 'src/core/import-scan.ts: new RegExp(`${r.source}|${alt}`, "g")',
    why: "the scan's fixed stops (literals proven here) with the names a file binds to createRequire appended, each an identifier with every metacharacter escaped: one more literal alternative, still a plain search",
  },
  {
    call: 'src/swc-plugin/rust-regex.ts: new RegExp(source, p.caseless ? "iu" : "u")',
    why: "the `test`/`exclude` patterns of the user's own .swcrc, read as the Rust regexes SWC reads and applied to file names as SWC applies them",
  },
  {
    call: 'src/swc-plugin/rust-regex.ts: new RegExp(atom, "u")',
    why: "one Unicode property escape (`\\p{Name}`), compiled only to learn whether JavaScript knows the name a .swcrc pattern uses: no repetition, nothing to backtrack",
  },
  {
    call: "src/core/options.ts: new RegExp(regex, flags)",
    why: "the `find` pattern of a `resolve.alias` entry of the user's own options, compiled once to check it (an invalid one is a located options error), as the host compiles it",
  },
  {
    call: 'src/core/resolve.ts: new RegExp(find.regex, (find.flags ?? "").replace(/[gy]/g, ""))',
    why: "the `find` pattern of a `resolve.alias` entry the user or the host's configuration wrote, matched against import specifiers as the host matches them (the same pattern the host runs)",
  },
  {
    call: "src/unplugin/host-resolve.ts: new RegExp(pair[0])",
    why: "a key of Jest's `moduleNameMapper`, a pattern of the user's Jest configuration, read as Jest reads it",
  },
  {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the call's source text, quoted
    call: "src/unplugin/index.ts: new RegExp(`^${escaped}$`)",
    why: "a glob of the plugin's own include/exclude options with every metacharacter escaped: a literal string, anchored",
  },
];

/**
 * recheck's automaton checker: a proof, or `unknown` for what it cannot analyse (backreferences,
 * lookaround, a pattern too large), which fails too — such a regex is rewritten or hand-scanned.
 */
const PROVE = { checker: "automaton", timeout: 30_000 } as const;

describe("every regex in src/ is linear", () => {
  const { literals, constructed } = regexesInSrc();

  it("finds the regexes (the scan itself works)", () => {
    expect(literals.length).toBeGreaterThan(50);
    expect(literals.some((r) => r.at.startsWith("src/core/module-facts.ts"))).toBe(true);
  });

  it("recheck proves each literal linear", () => {
    const failures: string[] = [];
    for (const r of literals) {
      const result = checkSync(r.pattern, r.flags, PROVE);
      if (result.status !== "safe") {
        const attack = result.status === "vulnerable" ? ` attack: ${result.attack.pattern.slice(0, 80)}` : "";
        const why = result.status === "unknown" ? `not provable (${result.error.kind})` : result.status;
        const summary = "complexity" in result ? result.complexity.summary : "";
        failures.push(`${r.at} /${r.pattern}/${r.flags}: ${why} ${summary}${attack}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("each RegExp built at run time is listed with its reason, and fixed ones are linear", () => {
    const listed = CONSTRUCTED.map((c) => c.call);
    const unlisted = constructed.filter(
      (c) => !listed.some((l) => c.startsWith(l.split(": ")[0]!) && c.includes(l.split(": ")[1]!)),
    );
    expect(unlisted, "a new RegExp(…) needs an entry in CONSTRUCTED with its reason").toEqual([]);
    for (const c of CONSTRUCTED) {
      expect(
        constructed.some((k) => k.includes(c.call.split(": ")[1]!)),
        `stale entry: ${c.call}`,
      ).toBe(true);
      if (c.pattern === undefined) continue;
      expect(checkSync(c.pattern, c.flags ?? "", PROVE).status).toBe("safe");
    }
  });

  it("the checker does find a bomb (the comment regex this test was written for)", () => {
    // The old annotation-margin pattern: cubic in a run of whitespace.
    const result = checkSync("\\s*\\*?\\s*$", "", PROVE);
    expect(result.status).toBe("vulnerable");
  });
});

/** The shape of the 3 KB file that took 13 s: a comment line holding a long run of whitespace. */
function whitespaceRunFile(run: number): string {
  const blanks = " \t".repeat(run / 2);
  return [
    "// @smartasync",
    "export async function load(p) {",
    "  return p;",
    "}",
    `/*${blanks}x${blanks}*/`,
    "/**",
    ` *${blanks}@smartasnyc${blanks}.`,
    ` *${blanks}`,
    " */",
    "export async function main() {",
    "  await load(1);",
    "}",
    "",
  ].join("\n");
}

describe("hostile text through the real scanners and compilers", () => {
  // 200,000 blanks: the old margin regex (cubic) would need ~10^15 steps, the old scanners
  // (quadratic) ~10^10; a linear pass takes a few milliseconds.
  const RUN = 200_000;

  it("the annotation parser reads a whitespace run once", { timeout: 30_000 }, () => {
    const blanks = " ".repeat(RUN);
    expect(parseAnnotation(`${blanks}x${blanks}`, true)).toEqual({ kind: "none" });
    expect(parseAnnotation(`${blanks}@smartasync${blanks}`, false)).toEqual({ kind: "annotation" });
    expect(parseAnnotation(`*${blanks}@smartasync${blanks}*${blanks}`, true)).toEqual({ kind: "annotation" });
    expect(parseAnnotation(`${blanks}@smartasync extra${blanks}*`, true)).toEqual({
      kind: "malformed",
      extra: "extra",
    });
    expect(misspelledTag(`${blanks}*${blanks}@smartasnyc${blanks}`, true)).toBe("@smartasnyc");
    expect(misspelledTag(`${"\t".repeat(RUN)}\u0000`, true)).toBeUndefined();
  });

  it("the import scanner reads runs of unclosed starts once", { timeout: 30_000 }, () => {
    const n = RUN / 10;
    expect(scanImports(`from${"\n\t".repeat(n)}t`)).toEqual([]);
    expect(scanImports(`\timport\r`.repeat(n))).toEqual([]);
    expect(scanImports(`${'export{"'.repeat(n)}`)).toEqual([]);
    expect(scanImports(`/*${" ".repeat(RUN)}`)).toEqual([]);
    expect(scanReExports(`${'export{"'.repeat(n)}`)).toEqual([]);
    expect(
      scanReExports(`export {${" ".repeat(RUN)}a${" ".repeat(RUN)}as${" ".repeat(RUN)}b } from "./x"`),
    ).toEqual([{ from: "./x", names: new Map([["b", "a"]]) }]);
  });

  it("the 3 KB whitespace-run file compiles under Babel 8 and smartasync/swc, the same", {
    timeout: 30_000,
  }, () => {
    for (const size of [3_000, RUN]) {
      const code = whitespaceRunFile(size);
      const b = babel8.transformSync(code, {
        filename: join(ROOT, ".tmp", "redos", "bomb.js"),
        babelrc: false,
        configFile: false,
        plugins: [[smartasync, {}]],
      });
      const s = swcTransform(code, {
        filename: join(ROOT, ".tmp", "redos", "bomb.js"),
        swcrc: false,
        configFile: false,
        jsc: { target: "es2022" },
      });
      const report = (b!.metadata as { smartasync?: unknown }).smartasync;
      expect(report).toEqual(JSON.parse(JSON.stringify(s.smartasync)));
      // The annotated function got its variant; the misspelled tag was reported (SA107).
      expect(b!.code).toContain("loadSync");
      expect(JSON.stringify(report)).toContain("SA107");
    }
  });

  it("the build-tool plugin (real esbuild, SWC and Babel engines) compiles it too", {
    timeout: 60_000,
  }, async () => {
    const dir = join(ROOT, ".tmp", "redos", "esbuild");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "bomb.js"), whitespaceRunFile(RUN));
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    for (const engine of ["swc", "babel"] as const) {
      const out = await esbuild.build({
        absWorkingDir: dir,
        entryPoints: [join(dir, "bomb.js")],
        bundle: true,
        external: ["smartasync/runtime"],
        platform: "node",
        format: "esm",
        write: false,
        logLevel: "silent",
        plugins: [esbuildPlugin({ engine })],
      });
      expect(out.outputFiles[0]!.text, engine).toContain("loadSync");
      expect(out.warnings.map((w) => w.text).join("\n"), engine).toContain("SA107");
    }
  });

  it("a malformed annotation after a whitespace run is a located SA101 in both compilers", {
    timeout: 30_000,
  }, () => {
    const blanks = " \t".repeat(RUN / 2);
    const code = `//${blanks}@smartasync${blanks}-\nexport async function f() {}\n`;
    const filename = join(ROOT, ".tmp", "redos", "malformed.js");
    const errors: string[] = [];
    for (const run of [
      () =>
        babel8.transformSync(code, { filename, babelrc: false, configFile: false, plugins: [smartasync] }),
      () => swcTransform(code, { filename, swcrc: false, configFile: false }),
    ]) {
      try {
        run();
        errors.push("no error");
      } catch (e) {
        const err = e as { code?: string; message: string };
        errors.push(`${err.code} ${/\(([^()\n]*:\d+:\d+)\)/.exec(err.message)?.[1]}`);
      }
    }
    expect(errors).toEqual(["SA101 .tmp/redos/malformed.js:1:1", "SA101 .tmp/redos/malformed.js:1:1"]);
  });
});
