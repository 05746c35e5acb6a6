/**
 * What a file's compiled output depends on besides its own text: smartasync rewrites a call by
 * the facts of the module it imports (is `load` a smartasync function, which variants does it
 * have), and those facts can come through re-exports. So a cached output is keyed by the text
 * of every local module the file reaches through its imports (the transitive closure, an
 * over-approximation: any edit in it compiles the file again), by the options each of those is
 * compiled with, and by the manifests of the packages it imports. Edit the annotation of an
 * imported module and each importer is compiled again; it never keeps a stale variant choice.
 * The bundler plugin watches the same set of modules (`reachedModules`, unplugin/cached-modules.ts).
 */
import { createHash } from "node:crypto";
import { readFileSync, realpathSync, statSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, isAbsolute, join } from "node:path";
import { resolveFileOptions } from "../compile/options.js";
import { MAX_EXPORT_DEPTH } from "../core/analysis/export-names.js";
import { scanImports, scanModule } from "../core/import-scan.js";
import { MANIFEST_FIELD, manifestOf, manifestPath, packageTargets } from "../core/module-facts.js";
import {
  type HostResolve,
  isLocalSpecifier,
  pathsMapped,
  resolveImport,
  resolveWithoutPaths,
  tsconfigFiles,
} from "../core/resolve.js";
import { processResolve } from "./conditions.js";

/**
 * How the analysis resolves the imports of the file compiled and of every module it reaches: the
 * file's `resolve` option (the host's aliases, `moduleNameMapper`, `moduleDirectories`, conditions;
 * core/analysis/module-graph.ts resolves each module's imports under the compiled file's options).
 * Undefined: Node's resolution under this process's conditions. The reached set must be resolved
 * the same way, or a module the analysis read through `@/lib.js` is in no cache key and no watch
 * list (attack33 F02, F01: the importer kept its plain call after lib.js was annotated).
 */
export type ResolveSettings = HostResolve | undefined;

/** Each settings object's key in the per-thread caches below (its JSON), computed once. */
const settingsKeys = new WeakMap<HostResolve, string>();

function settingsKey(settings: ResolveSettings): string {
  if (settings === undefined) return "";
  let k = settingsKeys.get(settings);
  if (k === undefined) {
    k = JSON.stringify(settings);
    settingsKeys.set(settings, k);
  }
  return k;
}

export function hash(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The specifiers a file's text names: static and dynamic imports, `export … from`, `require(…)`,
 * read by the same scanner the compilers' fast path uses to decide whether a file's imports
 * matter (core/import-scan.ts), so every import the analysis can see is in the key.
 */
export function specifiersOf(source: string): string[] {
  const out = new Set<string>();
  for (const { specifier } of scanImports(source)) if (!specifier.startsWith("node:")) out.add(specifier);
  return [...out];
}

/**
 * When to look at a file's stamp again: never (`false`: a process that compiles each file once),
 * every time (`true`: Jest's watch mode), or once per set (a bundler plugin's build: a file in the
 * set was looked at in this build already; the plugin starts a set a build and takes out a file
 * its tool reports changed).
 */
export type Freshness = boolean | Set<string>;

function looksAgain(path: string, fresh: Freshness): boolean {
  if (typeof fresh === "boolean") return fresh;
  if (fresh.has(path)) return false;
  fresh.add(path);
  return true;
}

interface FileInfo {
  hash: string;
  /** `mtimeMs:size` when read, to notice an edit where the caller asks (Jest's watch mode). */
  stamp: string;
  /** What each specifier leads to: a local file, a package's fingerprint, or nothing. */
  edges: { file?: string; pkg?: string }[];
  /**
   * The files resolving the specifiers read besides the modules (`Reached.read`), by real path, with
   * their stamps then: an edit of one of them resolves the file's specifiers again.
   */
  read: Map<string, string>;
}

/**
 * Per thread: a file's hash and imports are read once, and read again only when `fresh` asks
 * to look at the file's stamp. The hook compiles each file once per process, so the text it
 * read first is the text it compiles; Jest keeps its workers across watch-mode runs and asks
 * for fresh answers.
 */
const files = new Map<string, FileInfo | null>();
const packages = new Map<string, { fp: string; read: string[]; stamps: string }>();

/** Per thread: the stamp of each file of a `read` list, taken again as `fresh` says. */
const readStamps = new Map<string, string>();

/**
 * A file's stamp for `read`: its change time and inode too, since an install gives every file
 * the same modification time (compile/stamp.ts) and may keep its size.
 */
function readStamp(path: string, fresh: Freshness): string {
  const again = looksAgain(path, fresh);
  const known = readStamps.get(path);
  if (known !== undefined && !again) return known;
  const st = statSync(path, { throwIfNoEntry: false });
  const stamp = st ? `${st.mtimeMs}:${st.ctimeMs}:${st.size}:${st.ino}` : "missing";
  readStamps.set(path, stamp);
  return stamp;
}

/** The real path of `path` where it exists (a linked package's files outside `node_modules`). */
function real(path: string): string {
  let r = reals.get(path);
  if (r === undefined) {
    try {
      r = realpathSync(path);
    } catch {
      return path; // missing: asked again, it may be created
    }
    reals.set(path, r);
  }
  return r;
}

/**
 * Per thread: real paths of files that exist. Kept for the session, a link changed while it runs
 * is missed; a new install (another package.json) still is not.
 */
const reals = new Map<string, string>();

/** Under `node_modules`: an installed package, changed as a whole by an install (core/managed.ts). */
const INSTALLED = /[\\/]node_modules[\\/]/;

function stampsOf(paths: readonly string[], fresh: Freshness): string {
  return paths.map((p) => readStamp(p, fresh)).join("\n");
}

/**
 * A package's fingerprint: its name, version, folder and manifest (attack28 F01, F07: an install
 * that adds a manifest changes its importers' output). `read` gets its package.json and manifest.
 */
function packageFingerprint(
  name: string,
  dir: string,
  packageJson: Record<string, unknown>,
  fresh: Freshness,
  read: string[],
): string {
  const key = `${dir}`;
  const kept = packages.get(key);
  if (kept !== undefined && stampsOf(kept.read, fresh) === kept.stamps) {
    read.push(...kept.read);
    return kept.fp;
  }
  const own = [real(join(dir, "package.json"))];
  const field = manifestOf(packageJson);
  let manifest = typeof field === "object" ? "old-form" : "-";
  if (typeof field === "string") {
    // Only a manifest inside the package is read, as the analysis reads it (module-facts.ts).
    const where = manifestPath(dir, field);
    if (typeof where === "string") own.push(real(where));
    try {
      manifest = typeof where === "string" ? hash(readFileSync(where)) : "refused";
    } catch {
      manifest = "unreadable";
    }
  }
  const fp = `${name}@${String(packageJson.version)}:${dir}:${manifest}`;
  packages.set(key, { fp, read: own, stamps: stampsOf(own, fresh) });
  read.push(...own);
  return fp;
}

/** Per thread: a package file's text hash and the relative modules it re-exports from. */
const reExporters = new Map<string, { stamp: string; hash: string; next: string[] } | null>();

/**
 * A package without a manifest still decides a compile: twins by name read the exports of the
 * file its subpath leads to and of the `export *` chains behind it
 * (core/analysis/export-names.ts). Its name and version miss an edit that keeps the version (an
 * `npm link`ed package changed in place), so the key holds the text of those files: the target
 * and, as deep as the analysis reads, every relative module it re-exports from (any form, a
 * superset of what the analysis follows).
 */
function exportText(
  r: { dir: string; subpath: string; packageJson: Record<string, unknown> },
  from: string,
  fresh: Freshness,
  read: string[],
  settings: ResolveSettings,
): string {
  if (r.packageJson[MANIFEST_FIELD] !== undefined) return "";
  // An installed package changes by an install, which rewrites its package.json (in `read`
  // already; webpack checks its `managedPaths` by the same): its files are watched only for a
  // linked one (real path outside node_modules), edited in place.
  const linked = !INSTALLED.test(real(r.dir));
  const parts: string[] = [];
  const seen = new Set<string>();
  let level: string[] = [];
  // Each entry a call may meet (`import` and `require` ones of a dual package).
  for (const target of packageTargets(r.packageJson, r.subpath)) {
    let start: ReturnType<typeof resolveImport>;
    try {
      start = resolveImport(join(r.dir, target), from);
    } catch {
      start = undefined;
    }
    if (start?.kind === "file") level.push(start.path);
    else parts.push(`no-file:${target}`);
  }
  for (let depth = 0; depth <= MAX_EXPORT_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const file of level) {
      if (seen.has(file)) continue;
      seen.add(file);
      if (linked) read.push(real(file));
      const e = reExporter(file, fresh, settings);
      parts.push(e?.hash ?? "unreadable");
      if (e) next.push(...e.next);
    }
    level = next;
  }
  return `:${hash(parts.join("\n"))}`;
}

function reExporter(
  path: string,
  fresh: Freshness,
  settings: ResolveSettings,
): { hash: string; next: string[] } | null {
  const key = `${settingsKey(settings)}\0${path}`;
  const hit = reExporters.get(key);
  if (hit !== undefined && (!looksAgain(path, fresh) || (hit?.stamp ?? "missing") === stampOf(path)))
    return hit;
  let entry: { stamp: string; hash: string; next: string[] } | null = null;
  try {
    const stamp = stampOf(path);
    const text = readFileSync(path, "utf8");
    const next: string[] = [];
    for (const re of scanModule(text).reExports) {
      if (!isLocalSpecifier(re.from)) continue;
      const f = resolveImport(re.from, path, "import", settings ?? processResolve());
      if (f?.kind === "file") next.push(f.path);
    }
    entry = { stamp, hash: hash(text), next };
  } catch {
    entry = null;
  }
  reExporters.set(key, entry);
  return entry;
}

function stampOf(path: string): string {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? `${st.mtimeMs}:${st.size}` : "missing";
}

/** A bare specifier (a package, or a tsconfig.json `paths` entry), not a built-in. */
function isBare(specifier: string): boolean {
  return !isLocalSpecifier(specifier) && !isAbsolute(specifier) && !isBuiltin(specifier);
}

/** Whether what `hit` read to resolve its specifiers reads the same now (`fresh` says when to look). */
function readHolds(hit: FileInfo, fresh: Freshness): boolean {
  for (const [file, stamp] of hit.read) if (readStamp(file, fresh) !== stamp) return false;
  return true;
}

function info(
  path: string,
  source: string | undefined,
  fresh: Freshness,
  settings: ResolveSettings,
): FileInfo | null {
  const key = `${settingsKey(settings)}\0${path}`;
  let hit = files.get(key);
  const stamp = looksAgain(path, fresh) ? stampOf(path) : undefined;
  if (
    hit !== undefined &&
    (stamp === undefined || (hit?.stamp ?? "missing") === stamp) &&
    (hit === null || readHolds(hit, fresh))
  )
    return hit;
  let text: string;
  try {
    text = source ?? readFileSync(path, "utf8");
  } catch {
    files.set(key, null);
    return null;
  }
  const edges: FileInfo["edges"] = [];
  const read: string[] = [];
  // As the compile resolves: under the file's `resolve` option (its host's aliases, mapped
  // names, module folders, conditions), else this process's conditions (`node -C development`).
  const how = settings ?? processResolve();
  let bare = false;
  for (const specifier of specifiersOf(text)) {
    bare ||= isBare(specifier);
    // Both kinds: the analysis reads an import of a CommonJS module as a `require()` too, whose
    // `"exports"` conditions may lead elsewhere (module-graph.ts `ofImport`).
    const asImport = resolveQuietly(specifier, path, "import", how);
    const asRequire = resolveQuietly(specifier, path, "require", how);
    const targets = sameTarget(asImport, asRequire) ? [asImport] : [asImport, asRequire];
    // What a runtime that ignores tsconfig.json `paths` loads, which the analysis reads too where
    // they map the specifier (module-graph.ts `underPaths`, attack33 F06): its edit decides.
    if (!how?.tsconfigPaths && isBare(specifier) && mappedQuietly(specifier, path))
      for (const kind of ["import", "require"] as const) {
        let r: ReturnType<typeof resolveImport>;
        try {
          r = resolveWithoutPaths(specifier, path, kind, how);
        } catch {
          r = undefined;
        }
        if (r && !targets.some((t) => sameTarget(t, r))) targets.push(r);
      }
    for (const r of targets) {
      if (r?.kind === "file") edges.push({ file: r.path });
      else if (r?.kind === "package")
        edges.push({
          pkg: `${packageFingerprint(r.name, r.dir, r.packageJson, fresh, read)}${exportText(r, path, fresh, read, settings)}`,
        });
      else edges.push({ pkg: `missing:${specifier}` });
    }
  }
  // A bare specifier is looked up in tsconfig.json `paths` first (core/resolve.ts): an edit of
  // them, or of a base they are in, leads it elsewhere (attack28 F08).
  if (bare) for (const f of tsconfigFiles(dirname(path))) read.push(real(f));
  const stamps = new Map<string, string>();
  for (const f of read) stamps.set(f, readStamp(f, fresh));
  hit = { hash: hash(text), stamp: stamp ?? stampOf(path), edges, read: stamps };
  files.set(key, hit);
  return hit;
}

function resolveQuietly(
  specifier: string,
  from: string,
  kind: "import" | "require",
  how: ResolveSettings,
): ReturnType<typeof resolveImport> {
  try {
    return resolveImport(specifier, from, kind, how);
  } catch {
    return undefined;
  }
}

function mappedQuietly(specifier: string, from: string): boolean {
  try {
    return pathsMapped(specifier, from);
  } catch {
    return false;
  }
}

function sameTarget(a: ReturnType<typeof resolveImport>, b: ReturnType<typeof resolveImport>): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind === "file") return b.kind === "file" && a.path === b.path;
  return b.kind === "package" && a.dir === b.dir && a.subpath === b.subpath;
}

/** The edges of the file being compiled, from the text the caller holds (never memoised stale). */
function infoOfText(path: string, source: string, fresh: Freshness, settings: ResolveSettings): FileInfo {
  const key = `${settingsKey(settings)}\0${path}`;
  const known = files.get(key);
  if (known && known.hash === hash(source) && readHolds(known, fresh)) return known;
  files.delete(key);
  return info(path, source, fresh, settings) as FileInfo;
}

/**
 * The smartasync options a reached module is compiled with (its own folder's, compile/options.ts):
 * its variant names and strategies are those of its options, not the importer's, so an edit of
 * its folder's package.json `"smartasync"` or smartasync.config.json changes its importers' output.
 */
function optionsOf(path: string): string {
  try {
    return JSON.stringify(resolveFileOptions(path, undefined, ""));
  } catch (e) {
    return `unusable: ${(e as Error).message}`;
  }
}

/**
 * The local modules a file reaches, in the order met; their text hashes; its packages'
 * fingerprints; what resolving their specifiers read besides.
 */
export interface Reached {
  files: string[];
  /** Each reached file's text hash, `unreadable` for one that cannot be read. */
  hashes: Map<string, string>;
  packages: string[];
  /**
   * By real path, the files their resolution read besides the modules, whose edit can change the
   * output: each imported package's package.json and manifest (and, for a linked one without a
   * manifest, the files it exports from), and the tsconfig.json files whose `paths` a bare specifier is
   * looked up in, through `extends` (the absent ones closer included). A bundler keeping the
   * output between builds depends on them (unplugin/cached-modules.ts; attack28 F01, F04, F07, F08).
   */
  read: string[];
}

/**
 * What `path`'s output depends on outside its own text: each local module it reaches through its
 * imports (the transitive closure), and a fingerprint of each package it or they import. `source`
 * is the file's text when the caller has read it already (it may be newer than what was read
 * before); `fresh` says when to look at each file's stamp again (`Freshness`); `settings` is the
 * compiled file's `resolve` option (`ResolveSettings`), under which every import of the set is
 * resolved, as the analysis resolves them.
 */
export function reachedModules(
  path: string,
  source?: string,
  fresh: Freshness = false,
  settings?: ResolveSettings,
): Reached {
  const seen = new Set<string>([path]);
  const packages: string[] = [];
  const hashes = new Map<string, string>();
  const read = new Set<string>();
  const queue = [path];
  for (let i = 0; i < queue.length; i++) {
    const fi =
      i === 0 && source !== undefined
        ? infoOfText(path, source, fresh, settings)
        : info(queue[i], undefined, fresh, settings);
    if (i > 0) hashes.set(queue[i], fi?.hash ?? "unreadable");
    if (!fi) continue;
    for (const f of fi.read.keys()) read.add(f);
    for (const e of fi.edges) {
      if (e.pkg !== undefined) packages.push(e.pkg);
      else if (e.file !== undefined && !seen.has(e.file)) {
        seen.add(e.file);
        queue.push(e.file);
      }
    }
  }
  return { files: queue.slice(1), packages, hashes, read: [...read] };
}

/**
 * A hash of everything `path`'s output depends on outside its own text (`reachedModules`): each
 * local module it reaches (path, content and options) and each package it imports (version and
 * manifest).
 */
export function dependencyFingerprint(
  path: string,
  source?: string,
  fresh: Freshness = false,
  settings?: ResolveSettings,
): string {
  const { files, packages, hashes } = reachedModules(path, source, fresh, settings);
  const parts = [...packages, ...files.map((f) => `${f}\0${hashes.get(f)}\0${optionsOf(f)}`)];
  parts.sort();
  return hash(parts.join("\n"));
}

/** For tests and long-running tools (Jest's watch mode): read the files again. */
export function clearDependencyCache(): void {
  files.clear();
  packages.clear();
  reExporters.clear();
  readStamps.clear();
  reals.clear();
}
