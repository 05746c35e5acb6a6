/**
 * Rollup's incremental builds (`rollup({ cache: previous.cache })`) hand back a module whose own
 * code is unchanged without transforming it again — unless a plugin's
 * `shouldTransformCachedModule` asks for it. A smartasync module's output depends on the modules
 * it imports (which of their functions are smartasync, under which names, with which options):
 * an importer kept from the cache after its import gained `// @smartasync` would still hand a
 * Promise to sync code (attack 16, F13). So a transform records a stamp of what the facts of its
 * imports are made of — each local module it imports, the modules those re-export from
 * (`export … from`, followed), and their folders' package.json files — and a cached module whose
 * stamp reads otherwise now is transformed again.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { scanImports, scanModule } from "../core/import-scan.js";
import { isLocalSpecifier, resolveImport } from "../core/resolve.js";

/** More than this many files reached: no stamp, the module is always transformed again. */
const MAX_FILES = 2000;

/** The local files a module imports directly (relative specifiers that resolve to a file; core/import-scan.ts). */
export function localImports(code: string, filename: string): string[] {
  const files = new Set<string>();
  for (const { specifier, kind } of scanImports(code)) {
    if (kind === "dynamic" || !isLocalSpecifier(specifier)) continue;
    try {
      const r = resolveImport(specifier, filename);
      if (r?.kind === "file") files.add(r.path);
    } catch {
      // Unresolvable: the compile reported it, and the stamp of the importer covers its text.
    }
  }
  return [...files];
}

function stat(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return "-";
  }
}

/** A module's re-export sources (`export … from`), by path and stamp: each file scanned once a change. */
const reExportsOf = new Map<string, { stamp: string; from: string[] }>();

function reExportSources(file: string, stamp: string): string[] {
  const hit = reExportsOf.get(file);
  if (hit && hit.stamp === stamp) return hit.from;
  let from: string[] = [];
  try {
    const scan = scanModule(readFileSync(file, "utf8"));
    from = scan.reExports.flatMap((re) => {
      if (!isLocalSpecifier(re.from)) return [];
      try {
        const r = resolveImport(re.from, file);
        return r?.kind === "file" ? [r.path] : [];
      } catch {
        return [];
      }
    });
  } catch {
    // Unreadable: its stamp says so.
  }
  reExportsOf.set(file, { stamp, from });
  return from;
}

/**
 * The stamp of what `filename`'s imports' facts are made of (see above): size and modification
 * time of each file, `-` for one that is gone. `undefined` past MAX_FILES files.
 */
export function dependencyStamp(filename: string, imports: readonly string[]): string | undefined {
  const seen = new Set<string>([filename]);
  const folders = new Set<string>([dirname(filename)]);
  const queue = [...imports];
  const parts: string[] = [];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (seen.size > MAX_FILES) return undefined;
    const st = stat(file);
    parts.push(`${file}=${st}`);
    folders.add(dirname(file));
    if (st !== "-") queue.push(...reExportSources(file, st));
  }
  for (const folder of folders) {
    const pkg = join(folder, "package.json");
    parts.push(`${pkg}=${stat(pkg)}`);
  }
  return parts.sort().join("\n");
}

/** Rollup's hook: transform a cached module again when its stamp reads otherwise now. */
export function transformCachedAgain(id: string, code: string, meta: Record<string, unknown>): boolean {
  const recorded = (meta.smartasync as { stamp?: string } | undefined)?.stamp;
  if (recorded === undefined) return true;
  const filename = id.split("?")[0]!;
  return dependencyStamp(filename, localImports(code, filename)) !== recorded;
}
