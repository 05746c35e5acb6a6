/**
 * Paths from packages (SECURITY.md, "What the compilers read"): a dependency's package.json
 * names its smartasync manifest (`"smartasync": "./dist/smartasync.manifest.json"`). A path that
 * leaves the package — `../../x`, an absolute path, a symbolic link inside the package leading
 * out — is refused: the file is never opened, and the importer gets a located SA204 at the
 * import saying why. Shown through Babel 8, Babel 7 and smartasync/swc (same report), and for
 * `smartasync/register`'s cache key (which hashes the manifest: never the outside file).
 *
 * The outside file is a valid manifest that declares `f` a smartasync function: had it been
 * read, the importer's call would have become `fSync()`.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as babel8 from "@babel/core";
import { describe, expect, it } from "vitest";
import smartasync from "../../src/babel-plugin/index.js";
import type { Report } from "../../src/core/report.js";
import { clearDependencyCache, dependencyFingerprint } from "../../src/register/deps.js";
import { transformSync as swcTransform } from "../../src/swc-plugin/index.js";

const require = createRequire(import.meta.url);
const babel7 = require("babel7-core") as typeof babel8;

const ROOT = join(import.meta.dirname, "..", "..");
const DIR = join(ROOT, ".tmp", "security-manifest-paths");

const MANIFEST = JSON.stringify({
  version: 1,
  exports: { ".": { f: { name: "f", kind: "async", variant: "fSync", syncStrategy: "inline" } } },
});
const MAIN = `import { f } from "dep";\nexport function run() {\n  return String(f());\n}\n`;

/**
 * A project whose node_modules/dep names its manifest by `field`: `"inside"` writes the manifest
 * there, `"link"` makes `field` a symbolic link to the outside file, `"none"` writes nothing.
 */
function project(name: string, field: string, place: "inside" | "link" | "none"): string {
  const dir = join(DIR, name);
  rmSync(dir, { recursive: true, force: true });
  const dep = join(dir, "node_modules", "dep");
  mkdirSync(dep, { recursive: true });
  writeFileSync(join(dir, "outside.json"), MANIFEST);
  writeFileSync(join(dep, "index.js"), "export async function f() {}\nexport function fSync() {}\n");
  writeFileSync(
    join(dep, "package.json"),
    JSON.stringify({ name: "dep", main: "index.js", smartasync: { manifest: field } }),
  );
  if (place === "inside") writeFileSync(join(dep, field), MANIFEST);
  if (place === "link") symlinkSync(join(dir, "outside.json"), join(dep, field));
  writeFileSync(join(dir, "main.js"), MAIN);
  return dir;
}

function reports(dir: string): Report[] {
  const filename = join(dir, "main.js");
  const opts = { filename, cwd: dir, babelrc: false, configFile: false, plugins: [smartasync] };
  const b8 = (babel8.transformSync(MAIN, opts)!.metadata as { smartasync: Report }).smartasync;
  const b7 = (babel7.transformSync(MAIN, opts as never)!.metadata as unknown as { smartasync: Report })
    .smartasync;
  const swc = swcTransform(MAIN, { filename, cwd: dir, swcrc: false, configFile: false }).smartasync;
  return [b8, b7, JSON.parse(JSON.stringify(swc)) as Report];
}

describe("a package's manifest path stays inside the package", () => {
  it("a manifest inside the package is read (the control: the call becomes fSync)", () => {
    for (const r of reports(project("inside", "./smartasync.manifest.json", "inside"))) {
      expect(r.calls.map((c) => c.target)).toEqual(["fSync"]);
      expect(r.diagnostics).toEqual([]);
    }
  });

  const refused: [string, string, "link" | "none", string][] = [
    ["parent path", "../../outside.json", "none", "outside its package"],
    ["absolute path", "ABS", "none", "by an absolute path"],
    [
      "symbolic link inside the package",
      "manifest.json",
      "link",
      "that leads outside its package through a symbolic link",
    ],
  ];
  for (const [name, field0, place, why] of refused) {
    it(`${name}: refused, never read, a located SA204 at the import (Babel 8, Babel 7, SWC)`, () => {
      const dir0 = join(DIR, name.replace(/\W+/g, "-"));
      const field = field0 === "ABS" ? join(dir0, "outside.json") : field0;
      const dir = project(name.replace(/\W+/g, "-"), field, place);
      const all = reports(dir);
      for (const r of all) {
        expect(r.calls.map((c) => c.target)).not.toContain("fSync");
        expect(r.diagnostics).toEqual([
          expect.objectContaining({
            code: "SA204",
            loc: "main.js:1:1",
            message: expect.stringContaining(
              `names a smartasync manifest (${field}) ${why}; smartasync reads a manifest only inside its package`,
            ),
          }),
        ]);
      }
      expect(all[2]).toEqual(all[0]);

      // The register/jest cache key does not read it either: editing it changes nothing.
      clearDependencyCache();
      const before = dependencyFingerprint(join(dir, "main.js"), MAIN);
      writeFileSync(join(dir, "outside.json"), MANIFEST.replace("inline", "worker"));
      clearDependencyCache();
      expect(dependencyFingerprint(join(dir, "main.js"), MAIN)).toBe(before);
    });
  }
});
