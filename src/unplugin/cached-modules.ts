/**
 * Rollup's incremental builds (`rollup({ cache: previous.cache })`, and every rebuild of its watch
 * mode) hand back a module whose own code is unchanged without transforming it again — unless a
 * plugin's `shouldTransformCachedModule` asks for it. A smartasync module's output depends on the
 * modules it reaches (which of their functions are smartasync, under which names, with which
 * options; what a plain helper of a third module starts): an importer kept from the cache after
 * its import gained `// @smartasync` would still hand a Promise to sync code (attack 16, F13). So
 * a transform records a stamp of what the facts of its imports are made of — each local module it
 * reaches through its imports (register/deps.ts `reachedModules`, the set smartasync/register's
 * cache is keyed by, and the files the plugin watches) and their folders' package.json files —
 * and a cached module whose stamp reads otherwise now is transformed again.
 */
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Freshness, type Reached, reachedModules } from "../register/deps.js";

/** More than this many files reached: no stamp, the module is always transformed again. */
const MAX_FILES = 2000;

/** What a module's output depends on (see above), each file read again as `fresh` says. */
export function dependencies(code: string, filename: string, fresh: Freshness): Reached {
  return reachedModules(filename, code, fresh);
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
 * The stamp of what `filename`'s imports' facts are made of (see above): the text hash of each
 * module (read once a build: `reachedModules`), `unreadable` for one that is gone, and the size
 * and modification time of their folders' package.json. `undefined` past MAX_FILES files.
 */
export function dependencyStamp(filename: string, reached: Reached): string | undefined {
  if (reached.files.length > MAX_FILES) return undefined;
  const folders = new Set<string>([dirname(filename)]);
  const parts: string[] = [];
  for (const file of reached.files) {
    parts.push(`${file}=${reached.hashes.get(file)}`);
    folders.add(dirname(file));
  }
  for (const folder of folders) {
    const pkg = join(folder, "package.json");
    parts.push(`${pkg}=${stat(pkg)}`);
  }
  return parts.sort().join("\n");
}

/** Rollup's hook: transform a cached module again when its stamp reads otherwise now. */
export function transformCachedAgain(
  id: string,
  code: string,
  meta: Record<string, unknown>,
  fresh: Freshness,
): boolean {
  const recorded = (meta.smartasync as { stamp?: string } | undefined)?.stamp;
  if (recorded === undefined) return true;
  const filename = id.split("?")[0]!;
  return dependencyStamp(filename, dependencies(code, filename, fresh)) !== recorded;
}
