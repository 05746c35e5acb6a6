/**
 * `.swcrc` `test`/`exclude` patterns are Rust regexes: smartasync must pick the files SWC picks
 * (attack31 F09). Each pattern below is written in `.swcrc` `test` and tried on real files with
 * the real `@swc/core` side by side with smartasync's reading; a pattern with no sure JavaScript
 * reading is refused with SA104 located at the pattern in the `.swcrc`, never taken as another
 * JavaScript regex and never an internal error (SA901).
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import swc from "@swc/core";
import { afterAll, describe, expect, it } from "vitest";
import { readSwcConfig } from "../../src/swc-plugin/config.js";
import * as sa from "../../src/swc-plugin/index.js";

const TMP = realpathSync(mkdtempSync(join(tmpdir(), "smartasync-rust-regex-")));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

let n = 0;
function project(rc: string, files: string[]): string {
  const dir = join(TMP, `p${n++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, ".swcrc"), rc);
  for (const f of files) writeFileSync(join(dir, f), "0;\n");
  return dir;
}

/** Does SWC compile the file (its `.swcrc` entry applies), or refuse it? */
function swcTakes(file: string): boolean {
  try {
    swc.transformSync("0;\n", { filename: file });
    return true;
  } catch {
    return false;
  }
}

function oursTakes(file: string): boolean {
  try {
    readSwcConfig({ filename: file });
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === "SA104") throw e;
    return false;
  }
}

// Files whose names tell the dialects apart: a non-ASCII letter (`é`, a word character for
// Rust's Unicode `\w`/`\b`, not for JavaScript's), an Arabic-Indic digit (Rust's `\d`).
const FILES = ["a.js", "x.js", "b1.js", "1.js", "\u0661.js", "\u00e9b.js", "A.JS", "z.js", "_.js", "-.js"];

// Each reads differently as a JavaScript regex, or not at all.
const TRANSLATED = [
  "[[:alpha:]]\\.js$", // POSIX class (JavaScript: `[` `:` `a` `l` `p` `h` then `]`)
  "^.*/[[:^digit:]]\\.js$",
  "/[a-z--x]\\.js$", // class subtraction
  "/[a-z&&[^b-y]]\\.js$", // intersection, nested class
  "/[a-c~~b-z]\\.js$", // symmetric difference
  "\\.js\\z", // end of text (JavaScript: a `z`)
  "\\A/", // start of text (JavaScript: an `A`)
  "/\\d\\.js$", // Unicode digit
  "/\\w\\.js$", // Unicode word character
  "\\bb\\.js$", // Unicode word boundary
  "(?i)/a\\.js$", // leading inline flag
  "/(?P<n>[ax])\\.js$", // named group, Rust's spelling
  "/\\x{61}\\.js$",
  "/\\pL\\.js$",
  "/\\p{Greek}*\\.js$",
  "(?s)/.\\.js$",
  "(?m)^/|x\\.js$",
  "\\.[[:upper:]]+$",
  "/[]a]\\.js$", // `]` first in a class is a literal
  "/\\-\\.js$", // an escaped punctuation character is itself
];

describe(".swcrc test patterns read as SWC reads them (Rust regexes)", () => {
  it.each(TRANSLATED)("%s picks the files SWC picks", (pattern) => {
    const dir = project(JSON.stringify({ test: pattern }), FILES);
    const picked = FILES.filter((f) => swcTakes(join(dir, f)));
    expect(FILES.filter((f) => oursTakes(join(dir, f)))).toEqual(picked);
  });

  it("the patterns tell the dialects apart (each picks other files than JavaScript's reading)", () => {
    // Guards the table: were the files not discriminating, the test above could not fail.
    const differs = TRANSLATED.filter((pattern) => {
      const dir = project(JSON.stringify({ test: pattern }), FILES);
      let js: RegExp | undefined;
      try {
        js = new RegExp(pattern.replace(/^\(\?i\)/, ""), pattern.startsWith("(?i)") ? "i" : "");
      } catch {
        return true;
      }
      return FILES.some((f) => js.test(join(dir, f)) !== swcTakes(join(dir, f)));
    });
    expect(differs.length).toBeGreaterThanOrEqual(12);
  });

  const REFUSED: [string, string][] = [
    ["(?x) \\.js $", "`(?x)` (verbose mode"],
    ["x(?i)y", "`(?i)` for part of the pattern"],
    ["[\\w&&[^_]]", "`&&` with a Unicode class"],
    ["\\b{start}a", "`\\b{…}`"],
    ["\\<a", "`\\<` (a word edge)"],
    ["(?-u)\\w", "`(?-u)`"],
    ["a{,3}", "the counted repetition"],
  ];

  it.each(REFUSED)("%s is refused with SA104 at the pattern, naming it", (pattern, why) => {
    const rc = `{\n  "module": { "type": "commonjs" },\n  "test": ${JSON.stringify(pattern)}\n}\n`;
    const dir = project(rc, ["a.js"]);
    const file = join(dir, "a.js");
    let error: (Error & { code?: string }) | undefined;
    try {
      sa.transformSync("// @smartasync\nasync function f() {}\n", { filename: file });
    } catch (e) {
      error = e as Error & { code?: string };
    }
    expect(error?.code).toBe("SA104");
    expect(error?.message).toContain(
      `SA104: ${join(dir, ".swcrc")}:3:11: the \`test\` pattern ${JSON.stringify(pattern)} cannot be read as SWC reads it (a Rust regex): ${why}`,
    );
  });
});
