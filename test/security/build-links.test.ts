/**
 * `smartasync build` and symbolic links (SECURITY.md, "What `build` reads and writes"), with
 * real links and the real CLI under Babel and SWC:
 * - write side: a link standing where build writes a file (code, map, copied file, manifest,
 *   declaration) is replaced by the file, its target untouched; a linked folder inside the
 *   out-dir is refused before anything is written;
 * - read side: a file in <src> that links outside it is refused (exit 2, nothing written)
 *   unless --follow-symlinks; a link that stays inside <src> is read.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tree } from "../cli/helpers.js";

const APP = `// @smartasync\nexport async function load(x: number): Promise<number> {\n  return x;\n}\nexport async function main() {\n  return await load(1);\n}\n`;
const VICTIM = "precious: must not change\n";

/** A project: src/ with a TypeScript module and a JSON file, a victim file outside, an out/ folder. */
function project(name: string): string {
  const dir = tree(name, {
    "src/app.ts": APP,
    "src/data.json": '{"a":1}\n',
    "victim.txt": VICTIM,
    "elsewhere/keep.txt": VICTIM,
    "outside/secret.ts": "export const secret = 'from outside the source tree';\n",
  });
  mkdirSync(join(dir, "out"), { recursive: true });
  return dir;
}

const isLink = (p: string): boolean => lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink() === true;

for (const compiler of ["babel", "swc"]) {
  describe(`build --compiler ${compiler} and symbolic links`, () => {
    const build = (dir: string, extra: string[] = []) =>
      cli(["build", "src", "--out-dir", "out", "--compiler", compiler, "--no-declarations", ...extra], dir);

    it("replaces links where it writes files (code, map, copied file, manifest); their targets are untouched", () => {
      const dir = project(`links-write-${compiler}`);
      // Each output name is a link: to a source file, to a file outside everything, to the victim.
      symlinkSync("../src/app.ts", join(dir, "out/app.js"));
      symlinkSync(join(dir, "victim.txt"), join(dir, "out/app.js.map"));
      symlinkSync(join(dir, "victim.txt"), join(dir, "out/data.json"));
      symlinkSync("../victim.txt", join(dir, "out/smartasync.manifest.json"));
      const r = build(dir);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(dir, "src/app.ts"), "utf8")).toBe(APP);
      expect(readFileSync(join(dir, "victim.txt"), "utf8")).toBe(VICTIM);
      for (const f of ["app.js", "app.js.map", "data.json", "smartasync.manifest.json"]) {
        expect(isLink(join(dir, "out", f)), f).toBe(false);
      }
      expect(readFileSync(join(dir, "out/app.js"), "utf8")).toContain("export function loadSync");
      expect(readFileSync(join(dir, "out/data.json"), "utf8")).toBe('{"a":1}\n');
      expect(JSON.parse(readFileSync(join(dir, "out/smartasync.manifest.json"), "utf8")).version).toBe(1);
      expect(r.stderr).toContain(
        "smartasync build: out/app.js was a symbolic link: replaced by the built file",
      );
    });

    it("refuses a linked folder inside the out-dir before writing anything", () => {
      const dir = project(`links-folder-${compiler}`);
      mkdirSync(join(dir, "src/lib"));
      writeFileSync(join(dir, "src/lib/util.ts"), "export const one = 1;\n");
      symlinkSync(join(dir, "elsewhere"), join(dir, "out/lib"), "dir");
      const r = build(dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(
        "smartasync: out/lib: a symbolic link inside --out-dir out; build never writes through one (remove it, or choose another out-dir)",
      );
      expect(existsSync(join(dir, "elsewhere/util.js"))).toBe(false);
      expect(existsSync(join(dir, "out/app.js"))).toBe(false);
    });

    it("refuses a source file that links outside <src>, unless --follow-symlinks", () => {
      const dir = project(`links-read-${compiler}`);
      symlinkSync(join(dir, "outside/secret.ts"), join(dir, "src/secret.ts"));
      const r = build(dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(
        `smartasync: src/secret.ts: a symbolic link to ${join(dir, "outside/secret.ts")}, outside src; build reads only files inside the source directory (pass --follow-symlinks to read it)`,
      );
      expect(existsSync(join(dir, "out/secret.js"))).toBe(false);
      expect(existsSync(join(dir, "out/app.js"))).toBe(false);

      const followed = build(dir, ["--follow-symlinks"]);
      expect(followed.status, followed.stderr).toBe(0);
      expect(readFileSync(join(dir, "out/secret.js"), "utf8")).toContain("from outside the source tree");
    });

    it("reads a link that stays inside <src>, and refuses a copied file that links outside", () => {
      const dir = project(`links-inside-${compiler}`);
      symlinkSync("app.ts", join(dir, "src/alias.ts"));
      expect(build(dir).status).toBe(0);
      expect(readFileSync(join(dir, "out/alias.js"), "utf8")).toContain("export function loadSync");

      symlinkSync(join(dir, "victim.txt"), join(dir, "src/notes.txt"));
      const r = build(dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("smartasync: src/notes.txt: a symbolic link to ");
    });
  });
}

it("declarations are written without following a link in their place", () => {
  const dir = project("links-declarations");
  symlinkSync(join(dir, "victim.txt"), join(dir, "out/app.d.ts"));
  const r = cli(["build", "src", "--out-dir", "out"], dir);
  expect(r.status, r.stderr).toBe(0);
  expect(readFileSync(join(dir, "victim.txt"), "utf8")).toBe(VICTIM);
  expect(isLink(join(dir, "out/app.d.ts"))).toBe(false);
  expect(readFileSync(join(dir, "out/app.d.ts"), "utf8")).toContain("loadSync");
});
