import { resolve } from "node:path";
import type { PluginAPI } from "@babel/core";
import { ModuleGraph } from "../core/analysis/module-graph.js";
import { buildManifest, type Manifest, type ModuleFacts } from "../core/module-facts.js";
import { validateOptions } from "../core/options.js";
import type { BabelApi } from "./index.js";
import { babelModuleParser } from "./parse.js";

/**
 * The manifest a library ships so that packages compiled with smartasync are consumed like
 * sources (docs/modules.md): `entries` maps each package subpath (`"."`, `"./fs"`) to the *source*
 * file behind it. Write the result next to the build and name it in package.json:
 * `"smartasync": { "manifest": "./dist/smartasync.manifest.json" }`.
 *
 * `babel` is `@babel/core` (7.22+ or 8) itself: its parser reads the sources.
 */
export function createManifest(
  babel: Pick<BabelApi, "types" | "version"> & {
    parseSync(code: string, options: never): unknown;
    File: unknown;
  },
  entries: Record<string, string>,
  options: unknown = {},
): Manifest {
  const opts = validateOptions(options);
  const graph = new ModuleGraph(
    babelModuleParser(babel as unknown as PluginAPI),
    opts,
    () => opts.root ?? process.cwd(),
  );
  const facts: Record<string, ModuleFacts> = {};
  for (const [subpath, file] of Object.entries(entries)) {
    const f = graph.factsOf(resolve(file));
    if (f.problem) throw new Error(`smartasync: ${file} ${f.problem}`);
    // A name that cannot be followed would be left out of the manifest, and importers would
    // take it for plain JavaScript: the same refusal as for the whole module.
    const [name, why] = f.problems?.entries().next().value ?? [];
    if (name !== undefined) throw new Error(`smartasync: ${file} ${why} (export "${name}")`);
    facts[subpath] = f;
  }
  return buildManifest(facts);
}
