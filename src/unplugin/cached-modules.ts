/**
 * Rollup's incremental builds (`rollup({ cache: previous.cache })`, and every rebuild of its watch
 * mode) hand back a module whose own code is unchanged without transforming it again — unless a
 * plugin's `shouldTransformCachedModule` asks for it. A smartasync module's output depends on the
 * modules it reaches (which of their functions are smartasync, under which names, with which
 * options; what a plain helper of a third module starts): an importer kept from the cache after
 * its import gained `// @smartasync` would still hand a Promise to sync code (attack 16, F13). So
 * a transform records a stamp of what the facts of its imports are made of — each local module it
 * reaches through its imports (register/deps.ts `reachedModules`, the set smartasync/register's
 * cache is keyed by, and the files the plugin watches) and, for the module and each of those, the
 * files that decide its options (`smartasync.config.json`, package.json's `"smartasync"`) and its
 * module kind (package.json's `"type"`), and what resolving their imports read: each imported
 * package's version, package.json and manifest (attack28 F01: an install adding a manifest kept
 * the plain call) and the tsconfig.json files of `paths` (F08) — and a cached module whose stamp
 * reads otherwise now is transformed again. webpack keeps a module by its file dependencies, in
 * its persistent cache across processes too: the same files (`watchedFiles`) are those (F07). An edit of a module's own options file renames its variants: kept from the
 * cache, it exported the old names while a re-transformed importer called the new ones, an
 * unrelated hand-written function of that name among them (attack26 F02).
 */
import { statSync } from "node:fs";
import { dirname } from "node:path";
import { optionsFiles } from "../compile/options.js";
import { packageTypeFiles } from "../core/package-type.js";
import { type Freshness, type Reached, type ResolveSettings, reachedModules } from "../register/deps.js";

/** More than this many files reached: no stamp, the module is always transformed again. */
const MAX_FILES = 2000;

/**
 * What a module's output depends on (see above), each file read again as `fresh` says; its
 * imports resolved under `settings`, the `resolve` option the module was compiled with, as the
 * analysis resolved them: a module reached through the tool's alias (`@/lib.js`) is watched and
 * stamped too (attack33 F02).
 */
export function dependencies(
  code: string,
  filename: string,
  fresh: Freshness,
  settings: ResolveSettings,
): Reached {
  return reachedModules(filename, code, fresh, settings);
}

function stat(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return "-";
  }
}

/**
 * The files that decide the options and module kind of the modules in `folders` (see above), the
 * absent ones included (one created there changes the answer): the plugin watches them and
 * stamps them.
 */
export function settingsFiles(folders: Iterable<string>): Set<string> {
  const files = new Set<string>();
  for (const folder of folders) {
    for (const f of optionsFiles(folder)) files.add(f);
    for (const f of packageTypeFiles(folder)) files.add(f);
  }
  return files;
}

/** The folders of `filename` and of the modules it reaches. */
export function foldersOf(filename: string, reached: Reached): Set<string> {
  const folders = new Set<string>([dirname(filename)]);
  for (const file of reached.files) folders.add(dirname(file));
  return folders;
}

/**
 * The stamp of what `filename`'s output is made of besides its own text (see above): the text
 * hash of each module it reaches (read once a build: `reachedModules`), `unreadable` for one that
 * is gone, the fingerprint of each package they import (its version and manifest: attack28 F01,
 * an install adding a manifest), and the size and modification time of each settings file of
 * their folders and its own and of each file their resolution read (`reached.read`: package.json,
 * manifest, tsconfig.json; `-` for one that does not exist). `undefined` past MAX_FILES files.
 */
export function dependencyStamp(filename: string, reached: Reached): string | undefined {
  if (reached.files.length + reached.read.length > MAX_FILES) return undefined;
  const parts: string[] = [];
  for (const file of reached.files) parts.push(`${file}=${reached.hashes.get(file)}`);
  for (const pkg of new Set(reached.packages)) parts.push(`package:${pkg}`);
  for (const file of watchedFiles(filename, reached)) parts.push(`${file}=${stat(file)}`);
  return parts.sort().join("\n");
}

/**
 * The files besides the modules that a module's output depends on (see above), which the plugin
 * watches (webpack: its file dependencies, kept with its persistent cache; attack28 F07, F08):
 * the settings files of its folder and of the modules it reaches, and what their resolution read.
 */
export function watchedFiles(filename: string, reached: Reached): Set<string> {
  const files = settingsFiles(foldersOf(filename, reached));
  for (const file of reached.read) files.add(file);
  return files;
}

/** Rollup's hook: transform a cached module again when its stamp reads otherwise now. */
export function transformCachedAgain(
  id: string,
  code: string,
  meta: Record<string, unknown>,
  fresh: Freshness,
): boolean {
  const kept = meta.smartasync as { stamp?: string; resolve?: ResolveSettings } | undefined;
  const recorded = kept?.stamp;
  if (recorded === undefined) return true;
  const filename = id.split("?")[0]!;
  // The `resolve` option it was compiled with, kept with the stamp: an edit of the options that
  // give it (the settings files) changes the stamp by itself.
  return dependencyStamp(filename, dependencies(code, filename, fresh, kept?.resolve)) !== recorded;
}
