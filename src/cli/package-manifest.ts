/**
 * HOOK for the package manifest of DESIGN §3.6 ("packages compiled with smartasync are consumed
 * the same way: they export fSync/gAsync; a small manifest emitted by `smartasync build` names
 * them"). The cross-module work defines the manifest (`createManifest` of smartasync/babel,
 * docs/modules.md); wiring it here — which package subpaths, from which package.json, map to
 * which sources — is left to that issue. Until then `smartasync build` calls this hook with
 * everything it knows and it writes nothing.
 */
import type { Report } from "../core/report.js";

export interface BuiltModule {
  /** Source file, relative to the source directory, `/`-separated. */
  source: string;
  /** Output file, relative to the out-dir, `/`-separated. */
  output: string;
  report: Report;
}

export interface ManifestInput {
  /** Absolute source directory. */
  srcDir: string;
  /** Absolute out-dir. */
  outDir: string;
  /** Every module compiled without error, in path order. */
  modules: BuiltModule[];
}

/** Writes the package manifest into `outDir`. Not yet defined: writes nothing. */
export async function writePackageManifest(_input: ManifestInput): Promise<void> {}
