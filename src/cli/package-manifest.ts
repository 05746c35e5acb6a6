/**
 * The package manifest of DESIGN §3.6 that `smartasync build` writes beside its output:
 * `<out-dir>/smartasync.manifest.json`, keyed by compiled file (relative to the out-dir). A
 * package names it in its package.json (`"smartasync": { "manifest": "./dist/…" }`) and
 * importers find each subpath's file through the package's own `exports` (docs/modules.md).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  buildFileManifest,
  fileStamp,
  hasFacts,
  MANIFEST_FILE,
  type ModuleFacts,
} from "../core/module-facts.js";
import type { Report } from "../core/report.js";
import { writeOutput } from "./out-dir.js";

export interface BuiltModule {
  /** Source file, relative to the source directory, `/`-separated. */
  source: string;
  /** Output file, relative to the out-dir, `/`-separated. */
  output: string;
  report: Report;
  exports?: ModuleFacts;
}

export interface ManifestInput {
  /** Absolute source directory. */
  srcDir: string;
  /** Absolute out-dir. */
  outDir: string;
  /** Every module compiled without error, in path order. */
  modules: BuiltModule[];
}

/**
 * Writes the manifest into `outDir` when any compiled module exports a smartasync function,
 * each file with its stamp (`fileStamp`: importers take an entry only while the file is the one
 * described). With nothing to say, a manifest an earlier build left there is rewritten empty
 * (attack26 F04): kept, it would still name the variants of a function the package no longer
 * has. Returns its path (undefined when there was nothing to write).
 */
export async function writePackageManifest(input: ManifestInput): Promise<string | undefined> {
  const files: Record<string, ModuleFacts> = {};
  for (const m of input.modules) {
    // Namespaces count: a module that exports only `export namespace Api {…}` (or `export * as
    // ns`) was once left out, and its importers took it for plain JavaScript.
    if (m.exports && hasFacts(m.exports)) files[m.output] = m.exports;
  }
  const path = join(input.outDir, MANIFEST_FILE);
  if (Object.keys(files).length === 0 && !existsSync(path)) return undefined;
  const manifest = buildFileManifest(files);
  manifest.stamps = Object.fromEntries(Object.keys(files).map((f) => [f, fileStamp(join(input.outDir, f))]));
  // Never through a symbolic link standing at the manifest's place (out-dir.ts).
  writeOutput(input.outDir, path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}
