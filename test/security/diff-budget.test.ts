/**
 * `smartasync inspect --diff` on a hostile file (SECURITY.md, "How long one file may take"): a
 * line diff is quadratic when every line changes (40,000 reformatted lines ran for many minutes),
 * so the diff sets aside the shared start and end, diffs only the changed region with a bounded
 * number of edits, and says `diff omitted: too large` when that is not enough; it runs in the
 * file's worker, inside its budget. The bounded diff is the plain one wherever it finishes
 * (fast-check against `createTwoFilesPatch`).
 */
import { applyPatch, createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fileDiff } from "../../src/cli/diff.js";
import { cli, tree } from "../cli/helpers.js";

/** A module with one annotated function and `n` lines Babel and SWC print differently (`a=1` → `a = 1;`). */
function hostile(n: number): string {
  const head =
    "let a;\n// @smartasync\nexport async function f() {\n  return 1;\n}\nexport function g() {\n  return f();\n}\n";
  return head + "a=1\n".repeat(n);
}

describe("the bounded diff", () => {
  /** The number of lines a patch adds or removes. */
  const changed = (patch: string) =>
    patch.split("\n").filter((l) => /^[-+](?![-+]{2} [ab]\/)/.test(l)).length;

  it("is as short as the plain diff and applies (random texts, shared starts and ends, missing final newlines)", () => {
    const line = fc.constantFrom("a", "b", "c", "", "}", "x = 1;", "\r");
    const text = fc
      .tuple(fc.array(line, { maxLength: 30 }), fc.boolean())
      .map(([ls, nl]) => ls.join("\n") + (nl && ls.length > 0 ? "\n" : ""));
    fc.assert(
      fc.property(text, text, text, text, (shared, before, after, end) => {
        const a = shared + before + end;
        const b = shared + after + end;
        const ours = fileDiff("f.js", a, b);
        let b2 = b;
        if (a.endsWith("\n") && !b2.endsWith("\n")) b2 += "\n";
        if (a === b2) {
          expect(ours).toBeUndefined();
          return;
        }
        const plain = createTwoFilesPatch("a/f.js", "b/f.js", a, b2, undefined, undefined, {
          context: 3,
          headerOptions: FILE_HEADERS_ONLY,
        });
        // Where the changed lines could be aligned in more than one way the two may choose
        // differently; both are minimal (setting aside a shared start and end keeps a shortest
        // edit) and both turn the input into the output.
        const patch = (ours as { patch: string }).patch;
        expect(applyPatch(a, patch)).toBe(b2);
        expect(changed(patch)).toBe(changed(plain));
      }),
      { numRuns: 2_000, seed: Number(process.env.SMARTASYNC_SEED ?? 20_240_601) },
    );
  });

  it("a change deep inside a large file: only that region is diffed, line numbers kept", () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `const v${i} = ${i};`);
    const before = `${lines.join("\n")}\n`;
    lines[150_000] = "const changed = true;";
    const d = fileDiff("big.js", before, `${lines.join("\n")}\n`);
    expect(d).toEqual({
      patch: [
        "--- a/big.js",
        "+++ b/big.js",
        "@@ -149998,7 +149998,7 @@",
        " const v149997 = 149997;",
        " const v149998 = 149998;",
        " const v149999 = 149999;",
        "-const v150000 = 150000;",
        "+const changed = true;",
        " const v150001 = 150001;",
        " const v150002 = 150002;",
        " const v150003 = 150003;",
        "",
      ].join("\n"),
    });
  });

  it("every line of 40,000 changed: omitted, saying so, in bounded time", () => {
    const before = "a=1\n".repeat(40_000);
    const t0 = performance.now();
    const d = fileDiff("big.js", before, "a = 1;\n".repeat(40_000));
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(d).toEqual({
      omitted: expect.stringMatching(
        /^diff omitted: too large \(from line 1, 40,000 of the input and 40,000 of the output differ in more than [\d,]+ places;/,
      ),
    });
  });
});

describe("smartasync inspect --diff on a hostile file finishes and says what it did", () => {
  const dir = tree("security-diff-budget", {
    "package.json": '{ "type": "module" }\n',
    "src/big.js": hostile(40_000),
    "src/small.js":
      "// @smartasync\nexport async function h() {\n  return 1;\n}\nexport const x = () => h() * 1;\n",
  });

  for (const compiler of ["babel", "swc"]) {
    for (const budget of ["60", "0"]) {
      it(`--compiler ${compiler} --file-timeout ${budget}`, () => {
        const r = cli(["inspect", "src", "--diff", "--compiler", compiler, "--file-timeout", budget], dir);
        expect(r.status, r.stderr).toBe(0);
        // The large file: its headers and the reason on a line of its own, no hunk.
        const big = r.stdout.slice(r.stdout.indexOf("--- a/src/big.js"));
        expect(big).toMatch(
          /^--- a\/src\/big\.js\n\+\+\+ b\/src\/big\.js\ndiff omitted: too large \(from line \d+, [\d,]+ of the input and [\d,]+ of the output differ in more than [\d,]+ places; diffing them would take time quadratic in their size\)\. `smartasync build` writes the transformed file\./,
        );
        // The other file still gets its diff.
        expect(r.stdout).toContain("+++ b/src/small.js\n@@ ");
        expect(r.stdout).toMatch(/^\+export const x = \(\) ?=> ?hSync\(\) \* 1;$/m);
        expect(r.stderr).toMatch(/smartasync inspect: 2 files/);
      });
    }
  }
});
