/**
 * Under `smartasync/swc` the analysis reads which modules a file `require`s and `import()`s from
 * the nesting pass's notes where those say nothing can matter (core/analysis/imported.ts
 * `noneNoted`): the notes hold every import the import scanner finds (compile/depth.ts
 * `PassNotes`, test/compile/pass-imports.test.ts), so when none of the noted `require`s leads to
 * anything smartasync, none the scanner would find does, and the whole text is not scanned again
 * (4% of the annotated real-file bench's time: docs/performance.md, "2026-12-07, evening").
 * Checked here: the scan is skipped where the notes settle it, made where they do not, and the
 * engine gives the same code, report or error with the notes as without them on every fixture
 * that `require`s or `import()`s.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { checkLimits } from "../../src/compile/limits.js";
import { validateOptions } from "../../src/core/options.js";
import { compile, type EngineInput } from "../../src/swc-plugin/engine.js";
import { transformSync } from "../../src/swc-plugin/index.js";

// The real scanner, with the texts it is asked to scan noted.
const scanned = vi.hoisted(() => [] as string[]);
vi.mock("../../src/core/import-scan.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/core/import-scan.js")>();
  return {
    ...real,
    scanImports: (code: string) => {
      scanned.push(code);
      return real.scanImports(code);
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), "sa-import-notes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opts = (filename: string) => ({
  filename,
  swcrc: false,
  isModule: "unknown" as const,
  jsc: { parser: { syntax: "ecmascript" as const }, target: "es2022" as const },
  smartasync: {},
});

/** The file's text was given to the import scanner while it compiled. */
function scannedWhile(code: string, run: () => void): boolean {
  scanned.length = 0;
  run();
  return scanned.includes(code);
}

describe("the nesting pass's imports stand for the scan where nothing they lead to matters", () => {
  writeFileSync(join(dir, "plain.cjs"), "module.exports = { add(a, b) { return a + b; } };\n");
  writeFileSync(
    join(dir, "lib.cjs"),
    "// @smartasync\nasync function load(n) {\n  return n * 2;\n}\nmodule.exports = { load };\n",
  );
  // Padding past the skim's shortest body, so that the file is skimmed as the bench's are.
  const pad = "  const unused = [1, 2, 3].map((x) => x * 2).filter(Boolean);\n";

  it("skips the scan: a `require` of a plain module, `import(` named in a string only", () => {
    const file = join(dir, "plain-user.js");
    const code = `const { add } = require("./plain.cjs");\nconst note = "a lazy import(\\"./x\\") is only named here";\nfunction other() {\n${pad}  return note;\n}\n// @smartasync\nasync function step(n) {\n  return add(n, 1);\n}\nfunction run() {\n  return step(1);\n}\nmodule.exports = { run, other };\n`;
    let out: ReturnType<typeof transformSync> | undefined;
    expect(scannedWhile(code, () => (out = transformSync(code, opts(file))))).toBe(false);
    expect(out!.code).toContain("function stepSync(n)");
  });

  it("scans where a noted `require` leads to something smartasync, and rewrites the call", () => {
    const file = join(dir, "lib-user.js");
    const code = `const { load } = require("./lib.cjs");\nfunction other() {\n${pad}  return 0;\n}\nfunction run() {\n  return load(1) * 2;\n}\nmodule.exports = { run, other };\n`;
    let out: ReturnType<typeof transformSync> | undefined;
    expect(scannedWhile(code, () => (out = transformSync(code, opts(file))))).toBe(true);
    expect(out!.code).toContain("return loadSync(1) * 2;");
  });
});

/** Every fixture input that names `require` or `import(` (where the notes are read), with its options. */
function fixtureInputs(): { file: string; code: string; options: unknown }[] {
  const root = join(import.meta.dirname, "../../fixtures");
  const out: { file: string; code: string; options: unknown }[] = [];
  for (const group of readdirSync(root))
    for (const name of readdirSync(join(root, group))) {
      const folder = join(root, group, name);
      for (const input of ["input.js", "input.ts", "input.mjs", "input.cjs"]) {
        const file = join(folder, input);
        if (!existsSync(file)) continue;
        const code = readFileSync(file, "utf8");
        if (!/require|import\s*\(/.test(code)) continue;
        const optionsFile = join(folder, "options.json");
        const options = existsSync(optionsFile) ? JSON.parse(readFileSync(optionsFile, "utf8")) : {};
        out.push({ file, code, options });
      }
    }
  return out;
}

/** The engine's answer for the file: its code and report, or its error's message. */
function answer(input: EngineInput): string {
  try {
    const out = compile(input);
    return JSON.stringify([out.code, out.report]);
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

describe("the same answer with the notes as without them", () => {
  it("on every fixture that requires or imports", () => {
    let compared = 0;
    let withNotes = 0;
    for (const { file, code, options: raw } of fixtureInputs()) {
      let options: ReturnType<typeof validateOptions>;
      let notes: ReturnType<typeof checkLimits>;
      try {
        options = validateOptions(raw as never);
        notes = checkLimits(code, file);
      } catch {
        continue; // an option or a file the fixture holds to be refused
      }
      // As `smartasync/swc` is most often configured: no JSX, where the notes stand for the file.
      const parser = file.endsWith(".ts")
        ? { syntax: "typescript" as const }
        : { syntax: "ecmascript" as const };
      const input: EngineInput = {
        code,
        filename: file,
        options,
        parser,
        isModule: "unknown",
        cjsOutput: false,
        root: join(file, ".."),
        limitsChecked: true,
        skimBodies: true,
        facts: false,
      };
      expect(answer({ ...input, codeImports: notes }), file).toBe(
        answer({ ...input, codeImports: undefined }),
      );
      compared++;
      if (notes) withNotes++;
    }
    expect(compared).toBeGreaterThan(50);
    expect(withNotes).toBeGreaterThan(50);
  });
});
