import { existsSync, lstatSync, readFileSync, realpathSync, type Stats, statSync } from "node:fs";
import { isBuiltin } from "node:module";
import {
  basename,
  dirname,
  isAbsolute,
  join,
  posix,
  relative as relativePath,
  resolve as resolvePath,
  sep,
} from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { currentCompile, RACY_MS } from "./compile-run.js";
import { packageFolderOf, packageStampOf } from "./managed.js";

/**
 * Where an import leads (DESIGN §3.6): a source file, resolved like Node and TypeScript do, or
 * an installed package. Pure file-system lookups, cached per directory: every file of a build
 * asks the same questions.
 *
 * A resolution holds only while what it was made of holds (attack26 F03: a package.json
 * `"imports"` remap, a `tsconfig.json` `paths` remap, a `./c.js` added beside the `c.ts` an
 * import led to, each missed by the next compile of a watch session). So the caches of the
 * project's own files last one compile (compile-run.ts: one compiled file, or one synchronous
 * run): every file stat is taken once per compile, and a package.json or tsconfig.json is parsed
 * again only when its stat changed (`readJson`). What a file under `node_modules` asks is kept
 * while its package's `package.json` stamp holds, as managed.ts keeps that code (an install
 * rewrites the package's `package.json`; a bundler makes the same assumption of its managed paths).
 */
export type Resolution =
  | {
      kind: "file";
      path: string;
      /**
       * The package with a smartasync manifest whose linked folder holds `path`, a file the
       * manifest does not describe that the load reaches under its own conditions (asLinkedSource).
       */
      undescribedOf?: PackageResolution;
    }
  | {
      kind: "package";
      name: string;
      dir: string;
      subpath: string;
      packageJson: Record<string, unknown>;
      /**
       * The file the package's `"exports"` lead this load to, under its conditions (`import` or
       * `require`, and the program's own: `node -C development`, a bundler's), where the package
       * ships a smartasync manifest: the file whose entry importers read (attack33 F04: the
       * manifest of `dist` is not `src`'s, nor a `require()`'s `dist/cjs`).
       */
      file?: string;
    };

/**
 * What the host resolves that Node does not (the `resolve` option, core/options.ts): its aliases,
 * in order, the first that matches winning (Vite's `resolve.alias`, webpack's `resolve.alias`,
 * esbuild's `alias`, Jest's `moduleNameMapper`), and the conditions the program runs with besides
 * Node's own (`node --conditions`, a bundler's `resolve.conditions`).
 */
export interface HostResolve {
  alias: AliasEntry[];
  conditions: string[];
  /**
   * The package.json fields a package without `"exports"` is entered by, in order, where the
   * host reads others than Node's `"main"` (Vite's and webpack's `resolve.mainFields`, esbuild's
   * `mainFields`: `"module"`, `"browser"`; attack28 F06). Unset: Node's `"main"`.
   */
  mainFields?: string[];
  /**
   * The extensions tried, in order, for a specifier naming no file as written (Vite's and
   * webpack's `resolve.extensions`, esbuild's `resolveExtensions`; attack28 F12: Vite tries `.js`
   * before `.ts`). Unset: Node's and TypeScript's order (EXTENSIONS, REQUIRE_EXTENSIONS).
   */
  extensions?: string[];
  /**
   * The package.json `"browser"` file map is followed (a client build: attack28 F11), as the
   * host follows it: a file or package of the importer's package replaced by another, or by an
   * empty module (`false`).
   */
  browserField?: boolean;
  /**
   * Where a bare specifier is looked for, in order (Jest's `moduleDirectories` then its
   * `modulePaths`, webpack's `resolve.modules`): a folder name is looked for in the importing
   * file's folder and each folder above it, as `node_modules` is (`"src"`: `require("mylib")` is
   * `src/mylib.js`), an absolute path is that folder. Absent: `node_modules` alone, as Node.
   */
  modules?: string[];
  /**
   * The compiled file is read at its real path (`real`) while Node loads it by a link's name
   * (`named`, a workspace package under `--preserve-symlinks`: smartasync/register). Node
   * resolves its relative imports from the link's folder, so they are resolved from there too,
   * then read at their real path as the hook compiles them (attack36 F04: `../shared/x.js` of
   * a linked package was read beside its real folder, a plain file, while Node loaded the
   * annotated one beside the link).
   */
  linked?: { real: string; named: string };
  /**
   * The host resolves imports with a resolver of its own (Jest's `resolver`: a path, or a name):
   * a bare specifier smartasync finds nowhere is SA204 naming it (attack28 F03).
   */
  resolver?: string;
  /**
   * The program runs where tsconfig.json `compilerOptions.paths` are followed (tsx, Bun, SWC's
   * `jsc.paths`, esbuild when bundling, Vite with vite-tsconfig-paths). Unset: they are the type
   * checker's, and the runtime (Node, plain Vite) resolves the specifier its own way: where that
   * leads to a file with other smartasync functions, SA204 (attack33 F06).
   */
  tsconfigPaths?: boolean;
  /**
   * With `tsconfigPaths`: which importers the host follows `paths` for. `"vite"`, Vite 8's own
   * `resolve.tsconfigPaths`: a tsconfig.json's only (never a jsconfig.json's), and for a
   * JavaScript importer only where that tsconfig.json sets `compilerOptions.allowJs` (attack36
   * F09, measured with Vite 8.3 and 8.4); elsewhere they are the type checker's, as without
   * `tsconfigPaths`. Unset: every importer, either file.
   */
  pathsFor?: "vite";
  /**
   * The `paths` table the host applies itself, in place of the tsconfig.json one (SWC's
   * `jsc.paths` with its `jsc.baseUrl`, the config of esbuild's `tsconfig` or `tsconfigRaw`
   * option): the analysis follows this table, not the one on disk
   * (attack35 F02: tsconfig.json mapped `@lib/*` to a plain file, `jsc.paths` to a smartasync
   * one; the output imported the latter while the call stayed as written). Set with
   * `tsconfigPaths`.
   */
  paths?: HostPaths;
}

/** A `paths` table as the host applies it: patterns and targets as in tsconfig.json. */
export interface HostPaths {
  /** The absolute folder the targets are relative to, as the host resolves its base URL. */
  baseUrl: string;
  table: Record<string, string[]>;
}

/**
 * Whether `h` resolves as Node does (no alias, condition or field of a host's own). Conditions
 * Node matches by default that a flag may turn off (`SWITCHABLE`), listed by a host that knows
 * they are on (smartasync/register, running the program itself), leave it Node's.
 */
function nodeLike(h: HostResolve | undefined): boolean {
  return (
    !h ||
    (h.alias.length === 0 &&
      h.conditions.every((c) => SWITCHABLE.has(c) && CONDITIONS.import.has(c)) &&
      h.mainFields === undefined &&
      h.extensions === undefined &&
      h.browserField !== true &&
      !h.modules?.length &&
      !h.resolver &&
      h.tsconfigPaths !== true &&
      h.paths === undefined &&
      h.linked === undefined)
  );
}

/**
 * An alias: `find` a string (the specifier itself, or its prefix before a `/`, as Vite and
 * webpack match) or a regular expression (its source and flags: the options are JSON), and what
 * replaces the match (`$1` for a group). `replacement: null` is an alias the host follows in a
 * way smartasync cannot (a custom resolver, several candidate files): an import through it is
 * SA204 naming the alias.
 */
export interface AliasEntry {
  find: string | { regex: string; flags?: string };
  /**
   * A list: candidates tried in order, the first that names a file winning (Jest's
   * `moduleNameMapper` to an array of paths, attack28 F02).
   */
  replacement: string | string[] | null;
}

/** The host's resolution settings for the resolution running now (resolveImport sets it). */
let host: HostResolve | undefined;
/** Each settings object's cache key (its JSON), computed once. */
const hostKeys = new WeakMap<HostResolve, string>();

export function hostKey(h: HostResolve | undefined): string {
  if (!h) return "";
  // Node's own switchable conditions known on decide `"imports"` branches (conditionsOf).
  if (nodeLike(h)) return h.conditions.length ? `node:${h.conditions.join(",")}` : "";
  let k = hostKeys.get(h);
  if (k === undefined) {
    k = JSON.stringify(h);
    hostKeys.set(h, k);
  }
  return k;
}

/** An alias's candidates, in order (one for a plain replacement). */
function candidates(replacement: string | readonly string[]): readonly string[] {
  return typeof replacement === "string" ? [replacement] : replacement;
}

/**
 * The alias `specifier` matches, and what it becomes: the candidates in order (undefined where
 * the alias is opaque).
 */
function aliasMatch(
  specifier: string,
  h: HostResolve | undefined,
): { entry: AliasEntry; name: string; to: string[] | undefined } | undefined {
  if (!h) return undefined;
  for (const entry of h.alias) {
    const { find } = entry;
    if (typeof find === "string") {
      if (specifier !== find && !specifier.startsWith(find.endsWith("/") ? find : `${find}/`)) continue;
      const to =
        entry.replacement === null
          ? undefined
          : candidates(entry.replacement).map((r) => r + specifier.slice(find.length));
      return { entry, name: find, to };
    }
    let re: RegExp;
    try {
      re = new RegExp(find.regex, (find.flags ?? "").replace(/[gy]/g, ""));
    } catch {
      continue;
    }
    if (!re.test(specifier)) continue;
    const to =
      entry.replacement === null
        ? undefined
        : candidates(entry.replacement).map((r) => specifier.replace(re, r));
    return { entry, name: `/${find.regex}/${find.flags ?? ""}`, to };
  }
  return undefined;
}

/**
 * Why an import through one of the host's aliases leads nowhere, where it is one: an alias
 * smartasync cannot follow, or one whose target names no file (attack26 F11). Undefined for any
 * other specifier.
 */
export function aliasMiss(specifier: string, from: string, h: HostResolve | undefined): string | undefined {
  const m = aliasMatch(specifier, h);
  if (!m) return undefined;
  if (m.to === undefined)
    return `goes through the alias "${m.name}" of your build tool, which resolves it in a way smartasync cannot follow (a custom resolver, or more than one candidate); give the alias one target path, or import the file by a relative path`;
  // An absolute target (a path the host resolved, or one an options file made so) is shown from
  // the importing file: a report holds no machine's paths.
  const shown = m.to.map((to) => {
    if (!isAbsolute(to)) return `"${to}"`;
    const rel = relativePath(dirname(from), to).split(sep).join("/");
    return `"${rel.startsWith(".") ? rel : `./${rel}`}"`;
  });
  const target =
    shown.length === 1
      ? `to ${shown[0]}, which names no file`
      : `to ${shown.join(", ")}, none of which names a file`;
  return `goes through the alias "${m.name}" (the \`resolve.alias\` of smartasync's options, or your build tool's), ${target}; fix the alias, or import the file by a relative path`;
}

/**
 * The host's own resolver (`HostResolve.resolver`) as a report shows it: an absolute path from
 * the importing file (a report holds no machine's paths), a name as it is.
 */
export function resolverShown(from: string, h: HostResolve | undefined): string | undefined {
  const r = h?.resolver;
  if (r === undefined || !isAbsolute(r)) return r;
  const rel = relativePath(dirname(from), r).split(sep).join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
/**
 * A `require()` probes as Node's CommonJS loader does, `.js`, `.json`, `.node` first (its own
 * extensions, in its order), then the TypeScript extensions in the order `smartasync/register`
 * adds them (attack26 F06: `require("./store")` with `store.js` and `store.ts` side by side loads
 * `store.js`; `require("./data")` with `data.json` beside a `data.cts` loads the JSON, fixture
 * modules/require-json-before-ts); the rest last, for bundlers. A `.json` or `.node` module holds
 * no smartasync function: its text has no annotation, so the graph never parses it.
 */
const REQUIRE_EXTENSIONS = [".js", ".json", ".node", ".ts", ".cts", ".mts", ".tsx", ".jsx", ".mjs", ".cjs"];
/** TS ESM writes `./lib.js` for a `./lib.ts` on disk (fixture modules/js-written-ts-on-disk). */
const JS_TO_TS: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
  ".jsx": [".tsx"],
};

/** What resolutions are made of, remembered for as long as they hold (see above). */
interface Caches {
  stats: Map<string, Stats | null>;
  tsconfig: Map<string, TsPaths | null>;
  imports: Map<string, { dir: string; imports: Record<string, unknown> } | null>;
  scope: Map<string, { dir: string; json: Record<string, unknown> } | null>;
  packages: Map<string, PackageResolution | null>;
  files: Map<string, string>;
  /** A package folder's real path (null: none), as `packages` is kept (asLinkedSource). */
  reals: Map<string, string | null>;
  /** `lstat` of probed paths, while a resolution is `remembered` (symbolic links among them). */
  links: Map<string, Stats | null>;
}

function newCaches(): Caches {
  return {
    stats: new Map(),
    tsconfig: new Map(),
    imports: new Map(),
    scope: new Map(),
    packages: new Map(),
    files: new Map(),
    reals: new Map(),
    links: new Map(),
  };
}

/**
 * For a file under `node_modules`: kept while its package is unchanged (managed.ts: its
 * `package.json` stamp), by package folder; a file under `node_modules` outside any package
 * folder shares `managedElse`, kept for the process.
 */
const managed = new Map<string, { stamp: string | undefined; caches: Caches }>();
const managedElse = newCaches();
/** For the project's own files: the compile running now (`perCompileIn`). */
let perCompile = newCaches();
let perCompileIn = -1;
/** When `perCompile` was made (Date.now()): every stat it holds was taken since. */
let perCompileMade = 0;
/** The caches of the resolution running now (resolveImport sets it; resolutions never interleave). */
let caches = managedElse;

function cachesFor(fromDir: string): Caches {
  if (/[\\/]node_modules(?:[\\/]|$)/.test(fromDir)) {
    const folder = packageFolderOf(fromDir);
    if (folder === undefined) return managedElse;
    const stamp = packageStampOf(fromDir);
    const kept = managed.get(folder);
    if (kept && kept.stamp === stamp) return kept.caches;
    const caches = newCaches();
    managed.set(folder, { stamp, caches });
    return caches;
  }
  const now = currentCompile();
  if (perCompileIn !== now) {
    perCompile = newCaches();
    perCompileIn = now;
    perCompileMade = Date.now();
  }
  return perCompile;
}

// `throwIfNoEntry: false`: most probes miss, and a thrown ENOENT costs far more than the stat.
function statOf(p: string): Stats | null {
  let st = caches.stats.get(p);
  if (st === undefined) {
    st = statSync(p, { throwIfNoEntry: false }) ?? null;
    caches.stats.set(p, st);
  }
  if (witness !== undefined) witnessProbe(witness, p, st);
  return st;
}

/*
 * Resolutions of the project's own files, remembered across compiles while what they read holds
 * (issue 16: asking every recorded resolution again each compile, stat by stat, was the largest
 * part of a warm compile's own time on a 300-file tree, docs/performance.md). A resolution reads
 * which names folders hold (each probe: `./x`, `./x.ts`, `./x.js`, …, a `node_modules/<name>`
 * up the tree), the JSON of package.json and tsconfig.json files, and the real path of a linked
 * package. So it is kept with its *witnesses*, checked once per compile (`holds`):
 *
 * - the stamp (modification and change time, inode, size, kind) of each folder it probed in: a
 *   name added, removed or renamed in a folder changes its stamp, and a folder replaced or
 *   reached through another link has another inode;
 * - a probed name that is a symbolic link is stat'ed itself (its folder's stamp does not say
 *   where it leads), and so is a dangling one;
 * - the stamp of each JSON file read (its text, not its name, is what it gives), and each real
 *   path, found again.
 *
 * A stamp younger than `RACY_MS` when the compile's stats began is no witness: a second change
 * within the file system's clock tick keeps it (the folder of a file just written is compiled as
 * before, resolved afresh each compile until its stamp is old). The check is one stat per
 * witness per compile, from the compile's own stats: a host that adds `./c.js` beside the `c.ts`
 * an import led to and compiles again, in one synchronous run, still sees it (attack26 F03).
 */
interface Witness {
  dirs: Map<string, Stats | null>;
  /** Probed names that are symbolic links (or dangling ones): what their stat gave. */
  links: Map<string, Stats | null>;
  jsons: Map<string, Stats | null>;
  reals: Map<string, string | null>;
  /** False once something was read that no stamp can stand for now (a young stamp). */
  ok: boolean;
}

interface Remembered {
  r: Resolution | undefined;
  dirs: [string, Stats | null][];
  links: [string, Stats | null][];
  jsons: [string, Stats | null][];
  reals: [string, string | null][];
  /** The compile that last found its witnesses unchanged. */
  checkedIn: number;
}

/** How many resolutions `remembered` keeps; past it, they are all dropped (made again as asked). */
const REMEMBERED_KEPT = 50_000;
/**
 * By the importer's folder (the one string `importerDir` gives for it, whose hash V8 keeps: a
 * key made anew for each of the thousands of checks a compile makes was most of their cost),
 * then by kind, specifier, the host's settings and the condition.
 */
const remembered = new Map<string, Map<string, Remembered>>();
let rememberedCount = 0;
/** An importer's folder by its path, one string each (see `remembered`); a function of the text. */
const importerDirs = new Map<string, string>();

function importerDir(from: string): string {
  let dir = importerDirs.get(from);
  if (dir === undefined) {
    if (importerDirs.size >= REMEMBERED_KEPT) importerDirs.clear();
    dir = dirname(from);
    importerDirs.set(from, dir);
  }
  return dir;
}
/** The witnesses of the resolution being made (a project file's, `remember`); else undefined. */
let witness: Witness | undefined;
/** How many resolutions `remembered` gave without resolving (for tests). */
let rememberedHits = 0;

/** How many resolutions were answered by `remembered` since the process began (for tests). */
export function rememberedResolutions(): number {
  return rememberedHits;
}

function statRaw(p: string): Stats | null {
  let st = caches.stats.get(p);
  if (st === undefined) {
    st = statSync(p, { throwIfNoEntry: false }) ?? null;
    caches.stats.set(p, st);
  }
  return st;
}

/** Whether two stats name the same thing, unchanged (its stamp): both missing, or alike. */
function sameStamp(a: Stats | null, b: Stats | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.isDirectory() === b.isDirectory() &&
    a.isFile() === b.isFile()
  );
}

/** What a resolution reads of a probed name: none, a file, a folder, something else. */
function kindOfStat(st: Stats | null): string {
  return st === null ? "-" : st.isFile() ? "f" : st.isDirectory() ? "d" : "o";
}

/** A stamp too recent to stand for what was read under it (`RACY_MS`, above). */
function tooYoung(st: Stats | null): boolean {
  return st !== null && Math.max(st.mtimeMs, st.ctimeMs) > perCompileMade - RACY_MS;
}

/** Notes the folder of the probed path `p` (and `p` itself where it is a symbolic link). */
function witnessProbe(w: Witness, p: string, st: Stats | null): void {
  const dir = dirname(p);
  if (dir !== p && !w.dirs.has(dir)) {
    const d = statRaw(dir);
    if (tooYoung(d)) w.ok = false;
    w.dirs.set(dir, d);
  }
  let l = caches.links.get(p);
  if (l === undefined) {
    l = lstatSync(p, { throwIfNoEntry: false }) ?? null;
    caches.links.set(p, l);
  }
  if (l?.isSymbolicLink()) w.links.set(p, st);
  // A missing name that is there all the same (a dangling link, or created since the stat).
  else if ((st === null) !== (l === null)) w.ok = false;
}

/** Whether a remembered resolution's witnesses are as they were (once per compile). */
function holds(m: Remembered): boolean {
  if (m.checkedIn === perCompileIn) return true;
  for (const [d, st] of m.dirs) if (!sameStamp(statRaw(d), st)) return false;
  for (const [p, st] of m.links) if (kindOfStat(statRaw(p)) !== kindOfStat(st)) return false;
  for (const [f, st] of m.jsons) if (!sameStamp(statRaw(f), st)) return false;
  for (const [d, real] of m.reals) if (realOf(d) !== real) return false;
  m.checkedIn = perCompileIn;
  return true;
}

/**
 * `resolve()` for a project file's import, remembered by `key` while its witnesses hold. Only
 * with the compile's own caches (`perCompile`): what a file under `node_modules` asks is kept by
 * its package's stamp already.
 */
function remember(
  fromDir: string,
  key: string,
  resolve: () => Resolution | undefined,
): Resolution | undefined {
  if (caches !== perCompile) return resolve();
  let inDir = remembered.get(fromDir);
  const kept = inDir?.get(key);
  if (kept !== undefined && holds(kept)) {
    rememberedHits++;
    return kept.r;
  }
  const w: Witness = { dirs: new Map(), links: new Map(), jsons: new Map(), reals: new Map(), ok: true };
  witness = w;
  let r: Resolution | undefined;
  try {
    r = resolve();
  } finally {
    witness = undefined;
  }
  if (kept !== undefined) {
    inDir?.delete(key);
    rememberedCount--;
  }
  if (!w.ok) return r;
  if (rememberedCount >= REMEMBERED_KEPT) {
    remembered.clear();
    rememberedCount = 0;
    inDir = undefined;
  }
  if (inDir === undefined) {
    inDir = new Map();
    remembered.set(fromDir, inDir);
  }
  rememberedCount++;
  inDir.set(key, {
    r,
    dirs: [...w.dirs],
    links: [...w.links],
    jsons: [...w.jsons],
    reals: [...w.reals],
    checkedIn: perCompileIn,
  });
  return r;
}

function isFile(p: string): boolean {
  return statOf(p)?.isFile() ?? false;
}

function isDir(p: string): boolean {
  return statOf(p)?.isDirectory() ?? false;
}

/** Parsed JSON files by path, with the stat they were read at: parsed again when it changes. */
const jsonFiles = new Map<string, { mtimeMs: number; size: number; ino: number; value: unknown }>();

/** The JSON of `file` (`strip` for tsconfig.json's comments); throws where it does not parse. */
function readJson(file: string, strip?: (text: string) => string): unknown {
  const st = statOf(file);
  if (witness !== undefined) {
    if (tooYoung(st)) witness.ok = false;
    witness.jsons.set(file, st);
  }
  const kept = jsonFiles.get(file);
  if (st && kept && kept.mtimeMs === st.mtimeMs && kept.size === st.size && kept.ino === st.ino)
    return kept.value;
  const text = readFileSync(file, "utf8");
  const value = JSON.parse(strip ? strip(text) : text) as unknown;
  if (st) jsonFiles.set(file, { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, value });
  return value;
}

/** Package.json objects with `"exports": null`, by the object read: the same object without it. */
const withoutNullExports = new WeakMap<object, Record<string, unknown>>();

/**
 * A package.json read as Node reads it (throws where it does not parse; not an object: not a
 * package.json): `"exports": null` is no `"exports"` at all, Node then loads `"main"` or
 * `index.js` (attack35 F13: a TypeError in every rule that took `null` for a map).
 */
/** Whether this Node reads a package.json that is JSON but no object as `{}` (Node 20 and older). */
const OBJECTLESS_PACKAGE_JSON = Number(process.versions.node.split(".")[0]) < 22;

function readPackageJson(file: string): Record<string, unknown> {
  const json = readJson(file);
  // Node 20 reads a package.json that is JSON but no object (`[]`, `"x"`, `5`, `true`) as `{}`
  // and loads the package's index.js; Node 22 refuses it (ERR_INVALID_PACKAGE_CONFIG), as it and
  // every Node refuse `null`. The Node running the build is the one followed (attack36 F14:
  // `[]` hid an index.js holding `@smartasync` from SA204).
  if (json !== null && (typeof json !== "object" || Array.isArray(json)) && OBJECTLESS_PACKAGE_JSON)
    return {};
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new Error(`${file} is not a JSON object`);
  const record = json as Record<string, unknown>;
  if (record.exports !== null) return record;
  let kept = withoutNullExports.get(record);
  if (kept === undefined) {
    const { exports: _null, ...rest } = record;
    kept = rest;
    withoutNullExports.set(record, kept);
  }
  return kept;
}

function asFile(base: string, kind: LoadKind = "import"): string | undefined {
  if (isFile(base)) return base;
  const ext = /\.[cm]?jsx?$/.exec(base)?.[0];
  if (ext) {
    for (const ts of JS_TO_TS[ext] ?? []) {
      const p = base.slice(0, -ext.length) + ts;
      if (isFile(p)) return p;
    }
  }
  // The host's order where it has its own (Vite: `.js` before `.ts`, attack28 F12, fixture
  // modules/host-extensions-order).
  const extensions = host?.extensions ?? (kind === "require" ? REQUIRE_EXTENSIONS : EXTENSIONS);
  for (const e of extensions) if (isFile(base + e)) return base + e;
  if (isDir(base)) {
    // A directory is its package.json's `main` (`require("..")` from a package's bin/), else its
    // index; for a host with its own `mainFields`, the first of them that names a file.
    const main = packageMain(base);
    const viaMain =
      main === undefined || resolvePath(base, main) === base
        ? undefined
        : asFile(resolvePath(base, main), kind);
    if (viaMain) return viaMain;
    for (const e of extensions) if (isFile(join(base, `index${e}`))) return join(base, `index${e}`);
  }
  return undefined;
}

function packageMain(dir: string): string | undefined {
  const file = join(dir, "package.json");
  if (!isFile(file)) return undefined;
  try {
    const json = readPackageJson(file);
    if (host?.mainFields) return hostMain(json, host).target;
    return typeof json.main === "string" ? json.main : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The entry a host with its own `mainFields` reads in a package.json without `"exports"`, as
 * Vite, webpack and esbuild read it: the first of the fields that names a file (`"browser"` as a
 * string, or its map's `"."`), else `"main"`, else `index.js`; then, where the host follows the
 * `"browser"` map, what the map puts in its place (`false`: an empty module, `target` null).
 */
function hostMain(
  json: Record<string, unknown>,
  h: HostResolve,
): { target: string | undefined; field: string } {
  let target: string | undefined;
  let field = "main";
  for (const f of h.mainFields ?? []) {
    let v = json[f];
    if (f === "browser" && typeof v === "object" && v !== null && !Array.isArray(v))
      v = (v as Record<string, unknown>)["."];
    if (typeof v === "string" && v !== "") {
      target = v;
      field = f;
      break;
    }
  }
  if (target === undefined && typeof json.main === "string" && json.main !== "") target = json.main;
  target ??= "index.js";
  if (h.browserField && isMap(json.browser)) {
    const mapped = browserMapped(json.browser, [target]);
    if (mapped === false) return { target: undefined, field: "browser" };
    if (typeof mapped === "string") return { target: mapped, field: "browser" };
  }
  return { target, field };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * What a package.json `"browser"` map puts in place of one of `paths` (relative to the package,
 * or a bare specifier), as Vite matches its keys: the same path once normalised, or the key
 * without its `.js` or `/index.js`. A string, `false` (an empty module), or undefined: not mapped.
 */
function browserMapped(map: Record<string, unknown>, paths: readonly string[]): string | false | undefined {
  const norm = (p: string): string => posix.normalize(p.split(sep).join("/"));
  for (const p of paths) {
    const path = norm(p);
    for (const [key, value] of Object.entries(map)) {
      const k = norm(key);
      if (
        k === path ||
        (k.endsWith(".js") && k.slice(0, -3) === path) ||
        (k.endsWith("/index.js") && k.slice(0, -9) === path)
      )
        return value === false ? false : typeof value === "string" && value !== "" ? value : undefined;
    }
  }
  return undefined;
}

/**
 * The importer's package.json `"browser"` map applied to `specifier`, for a host that follows it
 * (a client build, attack28 F11): a relative import is matched by the path it names and by the
 * file it found, a bare one by its name (fixture modules/host-browser-field). A Resolution, null
 * for `false` (an empty module), undefined where the map says nothing.
 */
function viaBrowserMap(
  specifier: string,
  found: string | undefined,
  fromDir: string,
  kind: LoadKind,
): Resolution | null | undefined {
  if (!host?.browserField) return undefined;
  const scope = packageScope(fromDir);
  if (!scope || !isMap(scope.json.browser)) return undefined;
  const local = specifier.startsWith(".") || isAbsolute(specifier);
  const inScope = (p: string): string => `./${relativePath(scope.dir, p).split(sep).join("/")}`;
  const paths = local
    ? [inScope(resolvePath(fromDir, specifier)), ...(found ? [inScope(found)] : [])]
    : [specifier];
  const mapped = browserMapped(scope.json.browser, paths);
  if (mapped === undefined) return undefined;
  if (mapped === false) return null;
  if (mapped.startsWith(".")) {
    const file = asFile(resolvePath(scope.dir, mapped), kind);
    return file ? { kind: "file", path: file } : null;
  }
  return resolveAliased(mapped, fromDir, kind, false) ?? null;
}

/**
 * Why an import leads nowhere in a build that follows package.json `"browser"` maps, where it is
 * one the importer's map replaces by an empty module (`false`) or by a file that does not exist.
 */
export function browserMiss(
  specifier: string,
  from: string,
  settings: HostResolve | undefined,
): string | undefined {
  if (!settings?.browserField) return undefined;
  caches = cachesFor(dirname(from));
  host = settings;
  try {
    const r = viaBrowserMap(specifier, undefined, dirname(from), "import");
    return r === null
      ? `is replaced by an empty module or a missing file in this browser build (the "browser" field of its package.json); import the file the browser build loads`
      : undefined;
  } finally {
    host = undefined;
  }
}

/**
 * The file Node enters a package without `"exports"` by for a subpath: `"main"` (an empty one
 * counts as none) or `index.js` for the package itself, the subpath as written otherwise. The one
 * reading for module-facts.ts `packageTarget` and `hostPackageEntry`.
 */
export function mainEntry(packageJson: Record<string, unknown>, subpath: string): string {
  if (subpath !== ".") return subpath;
  return typeof packageJson.main === "string" && packageJson.main !== "" ? packageJson.main : "index.js";
}

/**
 * Where a package without `"exports"` is entered by a host with its own `mainFields` or
 * `"browser"` map, where that is another file than Node's `"main"` (attack28 F06/F11): both,
 * each with its file (undefined where it names none), and the field the host read. Undefined
 * where the host enters it as Node does.
 */
export function hostPackageEntry(
  r: Extract<Resolution, { kind: "package" }>,
  from: string,
  settings: HostResolve | undefined,
):
  | {
      node: { target: string; file: string | undefined };
      host: { target: string | undefined; file: string | undefined; field: string };
    }
  | undefined {
  if (!settings || (settings.mainFields === undefined && !settings.browserField)) return undefined;
  if (r.packageJson.exports !== undefined) return undefined;
  caches = cachesFor(dirname(from));
  host = settings;
  try {
    const nodeTarget = mainEntry(r.packageJson, r.subpath);
    let hostSide: { target: string | undefined; field: string };
    if (r.subpath === ".")
      hostSide = settings.mainFields
        ? hostMain(r.packageJson, settings)
        : hostMain(r.packageJson, { ...settings, mainFields: [] });
    else {
      const mapped =
        settings.browserField && isMap(r.packageJson.browser)
          ? browserMapped(r.packageJson.browser, [r.subpath])
          : undefined;
      hostSide =
        mapped === undefined
          ? { target: r.subpath, field: "main" }
          : { target: mapped === false ? undefined : mapped, field: "browser" };
    }
    // Node's own reading, without the host's extensions: what a build leaving the package
    // external loads.
    const hostFile = hostSide.target === undefined ? undefined : asFile(resolvePath(r.dir, hostSide.target));
    host = undefined;
    const nodeFile = asFile(resolvePath(r.dir, nodeTarget));
    if (hostFile === nodeFile && hostSide.target !== undefined) return undefined;
    return { node: { target: nodeTarget, file: nodeFile }, host: { ...hostSide, file: hostFile } };
  } finally {
    host = undefined;
  }
}

interface TsPaths {
  baseUrl: string;
  paths: [pattern: string, targets: string[]][];
}

function stripJsonComments(text: string): string {
  return (
    text
      // A string is `\x` or a plain character at each step (one way only), and an unclosed string
      // or comment runs to the end: no text is scanned from more than one start (linear).
      .replace(/\\"|"(?:\\[\s\S]|[^"\\])*(?:"|$)|(\/\/.*|\/\*[\s\S]*?(?:\*\/|$))/g, (m, c) => (c ? "" : m))
      .replace(/,(\s*[}\]])/g, "$1")
  );
}

/**
 * `compilerOptions.paths` of the nearest tsconfig.json, read as TypeScript reads it: through its
 * `extends` chain (a relative file, a package's `@tsconfig/node20/tsconfig.json`, an array of
 * them, later ones winning), `paths` and `baseUrl` each taken from the nearest config that sets
 * them, `baseUrl` relative to the file that sets it, `paths` without one relative to the file
 * that sets them, `${configDir}` the folder of the nearest tsconfig.json (fixture
 * modules/tsconfig-paths-extends: an app whose `paths` live in a shared base).
 */
function tsPaths(dir: string): TsPaths | null {
  // While a resolution is witnessed, what it reads is read again (from the compile's stats).
  const cached = witness === undefined ? caches.tsconfig.get(dir) : undefined;
  if (cached !== undefined) return cached;
  let found: TsPaths | null = null;
  const file = configIn(dir);
  if (file !== undefined) {
    try {
      const co = tsCompilerOptions(file, dir, 0);
      if (co.paths)
        found = { baseUrl: co.baseUrl ?? co.pathsDir ?? dir, paths: Object.entries(co.paths.value) };
    } catch {
      found = null;
    }
  } else {
    const up = dirname(dir);
    found = up === dir ? null : tsPaths(up);
  }
  caches.tsconfig.set(dir, found);
  return found;
}

/**
 * A folder's config: its tsconfig.json, else its jsconfig.json — as esbuild, Bun, TypeScript's
 * editor service and vite-tsconfig-paths read them. Reading tsconfig.json alone, an esbuild
 * bundle followed jsconfig.json's `paths` to a smartasync file while the analysis took Node's
 * plain one: sync code got a Promise (attack35 F11; fixture modules/jsconfig-paths).
 */
function configIn(dir: string): string | undefined {
  const ts = join(dir, "tsconfig.json");
  if (isFile(ts)) return ts;
  const js = join(dir, "jsconfig.json");
  return isFile(js) ? js : undefined;
}

/**
 * The tsconfig.json (and jsconfig.json) files `tsPaths` reads for a bare import from `fromDir`: both
 * names in each folder from `fromDir` upward to the first that has one (one created closer changes the answer), then the
 * bases that one `extends`, as deep as it reads them. For the hosts that keep a module's output
 * between builds (unplugin/cached-modules.ts: attack28 F08, a `paths` edit in a base under
 * webpack's persistent cache).
 */
export function tsconfigFiles(fromDir: string): string[] {
  caches = cachesFor(fromDir);
  const files: string[] = [];
  let dir = fromDir;
  let file: string | undefined;
  for (;;) {
    // Both names: a tsconfig.json created beside a jsconfig.json takes its place.
    files.push(join(dir, "tsconfig.json"), join(dir, "jsconfig.json"));
    file = configIn(dir);
    if (file !== undefined) break;
    const up = dirname(dir);
    if (up === dir) return files;
    dir = up;
  }
  const chain = (file: string, depth: number): void => {
    if (depth > MAX_EXTENDS) return;
    let json: { extends?: unknown };
    try {
      json = readJson(file, stripJsonComments) as { extends?: unknown };
    } catch {
      return;
    }
    for (const base of extendsOf(json)) {
      const baseFile = tsconfigFile(base, dirname(file));
      if (baseFile === undefined || files.includes(baseFile)) continue;
      files.push(baseFile);
      chain(baseFile, depth + 1);
    }
  };
  chain(file, 0);
  return files;
}

interface TsOptions {
  /** The absolute `baseUrl`, where a config of the chain sets it. */
  baseUrl?: string;
  /** `paths`, with the folder of the config that set them (their base without a `baseUrl`). */
  paths?: { value: Record<string, string[]> };
  pathsDir?: string;
  /** `compilerOptions.allowJs`, where a config of the chain sets it (HostResolve `pathsFor`). */
  allowJs?: boolean;
}

/** TypeScript's placeholder for the folder of the tsconfig.json a chain starts from (5.5). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript's placeholder, not a template.
const CONFIG_DIR = "${configDir}";

/** The configs a tsconfig.json `extends` (a name or a list of names), in order. */
function extendsOf(json: { extends?: unknown }): string[] {
  const e = json.extends;
  return typeof e === "string"
    ? [e]
    : Array.isArray(e)
      ? e.filter((b): b is string => typeof b === "string")
      : [];
}

/** TypeScript stops an `extends` chain this deep too (a cycle otherwise). */
const MAX_EXTENDS = 32;

/** The `baseUrl` and `paths` `file` gives, through its `extends` chain (see tsPaths). */
function tsCompilerOptions(file: string, configDir: string, depth: number): TsOptions {
  if (depth > MAX_EXTENDS) return {};
  return tsOptionsOf(readJson(file, stripJsonComments) as TsJson, dirname(file), configDir, depth);
}

interface TsJson {
  extends?: unknown;
  compilerOptions?: { baseUrl?: unknown; paths?: unknown; allowJs?: unknown };
}

/** tsCompilerOptions for a config's JSON, read as a file in `dir`. */
function tsOptionsOf(json: TsJson, dir: string, configDir: string, depth: number): TsOptions {
  const out: TsOptions = {};
  for (const base of extendsOf(json)) {
    const baseFile = tsconfigFile(base, dir);
    if (!baseFile) continue;
    const inherited = tsCompilerOptions(baseFile, configDir, depth + 1);
    if (inherited.baseUrl !== undefined) out.baseUrl = inherited.baseUrl;
    if (inherited.allowJs !== undefined) out.allowJs = inherited.allowJs;
    if (inherited.paths !== undefined) {
      out.paths = inherited.paths;
      out.pathsDir = inherited.pathsDir;
    }
  }
  const co = json.compilerOptions ?? {};
  const here = (p: string): string => resolvePath(dir, p.split(CONFIG_DIR).join(configDir));
  if (typeof co.baseUrl === "string") out.baseUrl = here(co.baseUrl);
  if (typeof co.allowJs === "boolean") out.allowJs = co.allowJs;
  if (typeof co.paths === "object" && co.paths !== null && !Array.isArray(co.paths)) {
    const paths: Record<string, string[]> = {};
    for (const [pattern, targets] of Object.entries(co.paths))
      if (Array.isArray(targets))
        paths[pattern] = targets
          .filter((t): t is string => typeof t === "string")
          .map((t) => t.split(CONFIG_DIR).join(configDir));
    out.paths = { value: paths };
    out.pathsDir = dir;
  }
  return out;
}

/**
 * The `paths` table a tool applies from a config it is given instead of the nearest
 * tsconfig.json (esbuild's `tsconfig` file, or its `tsconfigRaw` read as a file in `dir`, its
 * working directory: measured with esbuild 0.28), read as TypeScript reads one (tsPaths): no
 * `paths`, an empty table — the tool applies none. A config that does not read is the tool's error.
 */
export function givenConfigPaths(config: { file: string } | { json: unknown; dir: string }): HostPaths {
  const dir = "file" in config ? dirname(config.file) : config.dir;
  caches = cachesFor(dir);
  let co: TsOptions = {};
  try {
    if ("file" in config) co = tsCompilerOptions(config.file, dir, 0);
    else {
      const json = typeof config.json === "string" ? JSON.parse(stripJsonComments(config.json)) : config.json;
      if (typeof json === "object" && json !== null) co = tsOptionsOf(json as TsJson, dir, dir, 0);
    }
  } catch {
    co = {};
  }
  return co.paths
    ? { baseUrl: co.baseUrl ?? co.pathsDir ?? dir, table: co.paths.value }
    : { baseUrl: co.baseUrl ?? dir, table: {} };
}

/**
 * The file an `extends` names from `dir`, as TypeScript finds it: a path (`.json` added where it
 * has none), else a package's file (`@tsconfig/node20/tsconfig.json`), its package.json
 * `"tsconfig"` or its `tsconfig.json` (`@tsconfig/node20`), from the nearest `node_modules` up.
 */
function tsconfigFile(name: string, dir: string): string | undefined {
  const withJson = (p: string): string | undefined =>
    isFile(p) ? p : !p.endsWith(".json") && isFile(`${p}.json`) ? `${p}.json` : undefined;
  if (name.startsWith("./") || name.startsWith("../") || isAbsolute(name))
    return withJson(resolvePath(dir, name));
  const parts = name.split("/");
  const pkg = name.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  const sub = name.slice(pkg.length + 1);
  for (let d = dir; ; d = dirname(d)) {
    const root = join(d, "node_modules", pkg);
    if (isDir(root)) {
      if (sub) return withJson(join(root, sub));
      let field: unknown;
      try {
        field = (readJson(join(root, "package.json")) as { tsconfig?: unknown }).tsconfig;
      } catch {
        field = undefined;
      }
      return (
        (typeof field === "string" ? withJson(join(root, field)) : undefined) ??
        withJson(join(root, "tsconfig.json"))
      );
    }
    if (dirname(d) === d) return undefined;
  }
}

function viaPaths(specifier: string, fromDir: string): string | undefined {
  const own = host?.paths;
  const cfg = own ? { baseUrl: own.baseUrl, paths: Object.entries(own.table) } : tsPaths(fromDir);
  if (!cfg) return undefined;
  const match = pathsMatch(cfg.paths, specifier);
  if (!match) return undefined;
  for (const t of match.targets) {
    const hit = asFile(resolvePath(cfg.baseUrl, t.replace("*", match.rest)));
    if (hit) return hit;
  }
  return undefined;
}

/**
 * The pattern of a `paths` table `specifier` takes, as TypeScript, esbuild and SWC choose it: the
 * pattern equal to it, else among the `prefix*suffix` ones it matches the one with the longest
 * prefix (`"@lib/x"` takes `"@lib/*"` over `"*"`, whichever comes first); what `*` stands for.
 */
function pathsMatch(
  paths: readonly [pattern: string, targets: string[]][],
  specifier: string,
): { targets: string[]; rest: string } | undefined {
  let best: { targets: string[]; rest: string } | undefined;
  let bestPrefix = -1;
  for (const [pattern, targets] of paths) {
    const star = pattern.indexOf("*");
    if (star < 0) {
      if (pattern === specifier) return { targets, rest: "" };
      continue;
    }
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (
      prefix.length > bestPrefix &&
      specifier.length >= prefix.length + suffix.length &&
      specifier.startsWith(prefix) &&
      specifier.endsWith(suffix)
    ) {
      best = { targets, rest: specifier.slice(star, specifier.length - suffix.length) };
      bestPrefix = prefix.length;
    }
  }
  return best;
}

type PackageResolution = Extract<Resolution, { kind: "package" }>;

function findPackage(name: string, subpath: string, fromDir: string): PackageResolution | undefined {
  const key = `${fromDir}\0${name}`;
  let pkg = witness === undefined ? caches.packages.get(key) : undefined;
  if (pkg === undefined) {
    pkg = null;
    for (let dir = fromDir; ; dir = dirname(dir)) {
      const candidate = join(dir, "node_modules", name, "package.json");
      if (isFile(candidate)) {
        try {
          const packageJson = readPackageJson(candidate);
          pkg = { kind: "package", name, dir: dirname(candidate), subpath: ".", packageJson };
        } catch {
          pkg = null;
        }
        break;
      }
      if (dirname(dir) === dir) break;
    }
    caches.packages.set(key, pkg);
  }
  return pkg ? { ...pkg, subpath } : undefined;
}

/** Resolves `specifier` as imported from the file `from`; undefined for built-ins and misses. */
export function resolveImport(
  specifier: string,
  from: string,
  kind: LoadKind = "import",
  /** The host's aliases and conditions (the `resolve` option); none: Node's resolution. */
  settings?: HostResolve,
): Resolution | undefined {
  if (specifier.startsWith("node:")) return undefined;
  const linked = settings?.linked;
  if (linked !== undefined && from === linked.real && specifier.startsWith(".")) {
    const r = resolveImport(specifier, linked.named, kind, settings);
    return r?.kind === "file" ? { ...r, path: linkedFileTarget(r.path) } : r;
  }
  const fromDir = importerDir(from);
  caches = cachesFor(fromDir);
  if (caches === perCompile)
    return remember(fromDir, `${kind}\0${specifier}\0${hostKey(settings)}`, () => {
      host = settings;
      try {
        return resolveUncached(specifier, fromDir, kind);
      } finally {
        host = undefined;
      }
    });
  // Every file of a directory asks the same questions: remember hits, re-check that they exist.
  // Under the host's settings too: another alias table or condition list is another resolution.
  const key = `${fromDir}\0${kind}\0${specifier}\0${hostKey(settings)}`;
  // The caller stats the file anyway (FactsCache) and calls forgetResolution() if it is gone.
  const known = caches.files.get(key);
  if (known !== undefined) return { kind: "file", path: known };
  host = settings;
  let r: Resolution | undefined;
  try {
    r = resolveUncached(specifier, fromDir, kind);
  } finally {
    host = undefined;
  }
  // A linked package's file off its manifest keeps its package (asLinkedSource): not kept as a path.
  if (r?.kind === "file" && r.undescribedOf === undefined) caches.files.set(key, r.path);
  return r;
}

/**
 * The file a relative import of a linked file (`HostResolve.linked`) reaches, where the hook
 * compiles it: a path under `node_modules` whose real file lies outside every `node_modules` is
 * read at that real path (register/hooks.ts `javaScriptTarget`); an installed one as it is named.
 */
function linkedFileTarget(path: string): string {
  if (!/[\\/]node_modules[\\/]/.test(path)) return path;
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return path;
  }
  return /[\\/]node_modules[\\/]/.test(real) ? path : real;
}

/** Drops a remembered resolution whose file has disappeared. */
export function forgetResolution(
  specifier: string,
  from: string,
  kind: LoadKind = "import",
  settings?: HostResolve,
): void {
  const c = cachesFor(dirname(from));
  c.files.delete(`${dirname(from)}\0${kind}\0${specifier}\0${hostKey(settings)}`);
  if (remembered.get(dirname(from))?.delete(`${kind}\0${specifier}\0${hostKey(settings)}`)) rememberedCount--;
  // Its stats too: the next resolution looks at the file system again.
  c.stats.clear();
}

/**
 * A specifier of the project's own files, which must resolve (a miss is a problem worth SA204
 * when a call goes through it): relative, or a package.json `"imports"` subpath (`#lib/x.js`).
 */
export function isLocalSpecifier(specifier: string): boolean {
  return specifier.startsWith(".") || specifier.startsWith("#");
}

/** How a module is loaded: its `"exports"`/`"imports"` conditions differ (attack 17, F2). */
export type LoadKind = "import" | "require";

/**
 * Node turns on the `module-sync` condition where it can `require()` an ES module (Node ≥ 20.19,
 * ≥ 22.12; `process.features.require_module`), for imports and requires alike. The build reads
 * it off the Node running it, the one that runs the program in the common case.
 */
const MODULE_SYNC = (process.features as { require_module?: boolean }).require_module === true;

/**
 * Conditions Node matches by default that a flag of the program's own run turns off:
 * `node-addons` (`node --no-addons`), `module-sync` (`--no-experimental-require-module`). The
 * build cannot tell how the program will run, so an `"imports"`, self-reference or installed
 * package's `"exports"` branch under one is also resolved without it (conditionsOf), SA204 where
 * the two give different functions (attack35 F05, attack36 F11; fixtures
 * modules/conditions-switchable, modules/package-module-sync-switchable).
 */
const SWITCHABLE: ReadonlySet<string> = new Set(["node-addons", "module-sync"]);

/**
 * In the list conditionsOf returns, before a name: resolve without that condition of Node's own
 * (resolveUnderCondition). No package.json condition holds a NUL.
 */
export const WITHOUT_CONDITION = "\0without:";

/** The conditions Node matches for an import and for a `require()`, as it does (with `node-addons`). */
const CONDITIONS: Record<LoadKind, ReadonlySet<string>> = {
  import: new Set(["import", "node", "node-addons", "default", ...(MODULE_SYNC ? ["module-sync"] : [])]),
  require: new Set(["require", "node", "node-addons", "default", ...(MODULE_SYNC ? ["module-sync"] : [])]),
};

/**
 * The `"imports"` field of the package scope of `dir`: the nearest package.json above it (a
 * package.json without the field ends the search too, as in Node).
 */
function packageImports(dir: string): { dir: string; imports: Record<string, unknown> } | null {
  const cached = witness === undefined ? caches.imports.get(dir) : undefined;
  if (cached !== undefined) return cached;
  let found: { dir: string; imports: Record<string, unknown> } | null = null;
  const file = join(dir, "package.json");
  if (isFile(file)) {
    try {
      const imports = readPackageJson(file).imports;
      if (typeof imports === "object" && imports !== null && !Array.isArray(imports))
        found = { dir, imports: imports as Record<string, unknown> };
    } catch {
      found = null;
    }
  } else {
    const up = dirname(dir);
    found = up === dir ? null : packageImports(up);
  }
  caches.imports.set(dir, found);
  return found;
}

/**
 * `#name` through the package scope's `"imports"`, as Node resolves it: an exact key, else the
 * `*` pattern with the longest prefix; a target is a `./` path inside the package (`*` replaced),
 * a bare package name, an array (the first that resolves) or an object of conditions (import,
 * node, default, require: the first in the object's order that resolves). A target leaving the
 * package (`../`, an absolute path) or `null` resolves to nothing, as in Node.
 */
function viaImports(specifier: string, fromDir: string, kind: LoadKind): Resolution | undefined {
  const scope = packageImports(fromDir);
  if (!scope || specifier === "#" || specifier.startsWith("#/")) return undefined;
  return viaMap(scope.imports, specifier, scope.dir, kind);
}

/**
 * `key` through a subpath map (`"imports"`, or `"exports"` keyed by `./sub`), as Node matches
 * it: an exact key, else the `*` pattern with the longest prefix.
 */
function viaMap(
  map: Record<string, unknown>,
  specifier: string,
  dir: string,
  kind: LoadKind,
): Resolution | undefined {
  const entry = mapEntry(map, specifier);
  return entry ? importTarget(entry.target, entry.rest, dir, kind) : undefined;
}

/**
 * The entry of a subpath map `key` matches (exact, else the longest `*` prefix), and its `*`
 * text: the one matching rule for `"imports"`, a self-reference's `"exports"` and an installed
 * package's (module-facts.ts `packageTarget`; attack29 F02).
 */
export function mapEntry(
  map: Record<string, unknown>,
  specifier: string,
): { key: string; target: unknown; rest: string | undefined } | undefined {
  if (Object.hasOwn(map, specifier) && !specifier.includes("*"))
    return { key: specifier, target: map[specifier], rest: undefined };
  let best: { key: string; rest: string } | undefined;
  for (const key of Object.keys(map)) {
    const star = key.indexOf("*");
    if (star < 0 || key.indexOf("*", star + 1) >= 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    // The `*` stands for one character at least, as Node matches it.
    if (specifier.length < key.length || !specifier.startsWith(prefix) || !specifier.endsWith(suffix))
      continue;
    // Node's order of keys (PATTERN_KEY_COMPARE): the longer text before the `*` wins, then the
    // longer key — `"./*.js"` before `"./*"` (attack34 F01).
    if (best) {
      const bestStar = best.key.indexOf("*");
      if (bestStar > star || (bestStar === star && best.key.length >= key.length)) continue;
    }
    best = { key, rest: specifier.slice(prefix.length, specifier.length - suffix.length) };
  }
  return best ? { key: best.key, target: map[best.key], rest: best.rest } : undefined;
}

/** The nearest package.json at or above `dir`, read (null where there is none or it is unreadable). */
function packageScope(dir: string): { dir: string; json: Record<string, unknown> } | null {
  const cached = witness === undefined ? caches.scope.get(dir) : undefined;
  if (cached !== undefined) return cached;
  let found: { dir: string; json: Record<string, unknown> } | null = null;
  const file = join(dir, "package.json");
  if (isFile(file)) {
    try {
      found = { dir, json: readPackageJson(file) };
    } catch {
      found = null;
    }
  } else {
    const up = dirname(dir);
    found = up === dir ? null : packageScope(up);
  }
  caches.scope.set(dir, found);
  return found;
}

/**
 * A package self-reference (`import { load } from "shop/lib"` inside package "shop"): Node
 * resolves it through the package's own `"exports"` to the program's own file (attack 15, F24).
 * Only where the nearest package.json names the package and has `"exports"`, as in Node.
 */
function viaSelf(name: string, subpath: string, fromDir: string, kind: LoadKind): Resolution | undefined {
  const self = selfExports(name, fromDir);
  if (!self) return undefined;
  const { scope, exports } = self;
  if (self.subpaths) return viaMap(exports as Record<string, unknown>, subpath, scope.dir, kind);
  return subpath === "." ? importTarget(exports, undefined, scope.dir, kind) : undefined;
}

/**
 * The `"exports"` of the package `fromDir` is in when it is named `name` (a self-reference), and
 * whether it maps subpaths (keys starting with `.`) or is the package's one entry.
 */
function selfExports(name: string, fromDir: string) {
  const scope = packageScope(fromDir);
  if (!scope || scope.json.name !== name || scope.json.exports === undefined) return undefined;
  const exports = scope.json.exports;
  const subpaths =
    typeof exports === "object" &&
    exports !== null &&
    !Array.isArray(exports) &&
    Object.keys(exports).some((k) => k.startsWith("."));
  return { scope, exports, subpaths };
}

/**
 * Why a package self-reference resolves to nothing, where `specifier` is one (the nearest
 * package.json names the package and has `"exports"`): no entry for the subpath, an entry whose
 * conditions select no target for `import`/`require`, or a target file that does not exist (a
 * `dist/` not built yet). Said at the import as SA204 (attack 15, F24), never a silent plain
 * call. Undefined for any other specifier, and for one that resolves.
 */
export function selfReferenceMiss(
  specifier: string,
  from: string,
  settings?: HostResolve,
): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("#") || isAbsolute(specifier)) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  const subpath = specifier.length > name.length ? `.${specifier.slice(name.length)}` : ".";
  caches = cachesFor(dirname(from));
  const scope = packageScope(dirname(from));
  if (!scope || scope.json.name !== name || scope.json.exports === undefined) return undefined;
  host = settings;
  try {
    if (viaSelf(name, subpath, dirname(from), "import") || viaSelf(name, subpath, dirname(from), "require"))
      return undefined;
  } finally {
    host = undefined;
  }
  const self = `is a self-reference through this package's "exports"`;
  const exports = scope.json.exports;
  const subpaths =
    typeof exports === "object" &&
    exports !== null &&
    !Array.isArray(exports) &&
    Object.keys(exports).some((k) => k.startsWith("."));
  const entry = subpaths
    ? mapEntry(exports as Record<string, unknown>, subpath)
    : subpath === "."
      ? { key: ".", target: exports, rest: undefined }
      : undefined;
  if (!entry)
    return `${self}, which have no "${subpath}" entry (Node cannot load it either; add the entry, or import the file by a relative path)`;
  const targets: string[] = [];
  const collect = (t: unknown): void => {
    if (typeof t === "string") targets.push(entry.rest === undefined ? t : t.split("*").join(entry.rest));
    else if (Array.isArray(t)) for (const x of t) collect(x);
    else if (typeof t === "object" && t !== null)
      for (const [condition, x] of Object.entries(t))
        if (
          CONDITIONS.import.has(condition) ||
          CONDITIONS.require.has(condition) ||
          settings?.conditions.includes(condition)
        )
          collect(x);
  };
  collect(entry.target);
  if (targets.length === 0) {
    const listed =
      typeof entry.target === "object" && entry.target !== null && !Array.isArray(entry.target)
        ? `it lists ${Object.keys(entry.target)
            .map((k) => `"${k}"`)
            .join(", ")}; `
        : "";
    return `${self}, whose "${entry.key}" entry selects no file for the "import", "require", "node" or "default" conditions (${listed}add an "import" or "default" target, or import the file by a relative path)`;
  }
  return `${self}, whose "${entry.key}" entry points at ${targets.map((t) => `"${t}"`).join(", ")}, a file that does not exist (not built yet? build it first, or import the source file by a relative path)`;
}

function importTarget(
  target: unknown,
  rest: string | undefined,
  dir: string,
  kind: LoadKind,
): Resolution | undefined {
  if (typeof target === "string") {
    const filled = rest === undefined ? target : target.split("*").join(rest);
    if (filled.startsWith("./")) {
      // A URL relative to the package.json, for an import and a require() alike (attack35 F01:
      // `"./a%20b.js"` is `a b.js`, `"./q.js?v=2"` is `q.js`).
      const path = targetFile(filled, dir);
      if (path === undefined) return undefined;
      // Never outside the package (`./x/../../y`), as Node refuses `..` segments.
      if (!path.startsWith(dir + sep) || filled.split(/[\\/]/).includes("..")) return undefined;
      const file = asFile(path);
      return file ? { kind: "file", path: file } : undefined;
    }
    if (
      filled.startsWith("/") ||
      filled.startsWith("../") ||
      filled.startsWith("#") ||
      /^[a-z][\w+.-]*:/i.test(filled)
    )
      return undefined;
    // A bare package name (`"#dep": "some-package"`): found like any import of it.
    return resolveAliased(filled, dir, kind);
  }
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = importTarget(t, rest, dir, kind);
      if (r) return r;
    }
    return undefined;
  }
  if (typeof target === "object" && target !== null) {
    for (const [condition, t] of Object.entries(target)) {
      if (
        (!CONDITIONS[kind].has(condition) || condition === droppedCondition) &&
        condition !== extraCondition &&
        !host?.conditions.includes(condition)
      )
        continue;
      const r = importTarget(t, rest, dir, kind);
      if (r) return r;
    }
  }
  return undefined;
}

/**
 * The file a relative ES module specifier names, read as Node reads it: a URL relative to the
 * importing file (attack 21, F5). Its percent-escapes are decoded (`./dir%20%231/w%C3%B6rk.cjs`
 * is `dir #1/wörk.cjs`: `%23` is the only way to write a `#`, which would start a fragment), a
 * `?query` or `#fragment` names no part of the path; an encoded `/` or `\` (`%2F`, `%5C`) or a
 * malformed escape (`%zz`) fails in Node (ERR_INVALID_MODULE_SPECIFIER, URIError): no file.
 * The caller falls back to the specifier as a path, as a `require` reads it (never decoded), for
 * code that a compiler turns into CommonJS or a bundler resolves as a path. Absolute specifiers
 * stay paths: this module's own callers pass file paths that way.
 */
function esmPath(specifier: string, fromDir: string): string | undefined {
  return isUrlPlain(specifier) ? undefined : urlPath(specifier, fromDir);
}

/** Nothing a URL reading changes: no escape, query, fragment or backslash. */
function isUrlPlain(text: string): boolean {
  return !/[%?#\\]/.test(text);
}

/** `text` read as a URL relative to the folder `dir`, as a path; undefined where Node fails. */
function urlPath(text: string, dir: string): string | undefined {
  try {
    const url = new URL(text, pathToFileURL(join(dir, "/")));
    if (/%2f|%5c/i.test(url.pathname)) return undefined;
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

/**
 * A package's `"exports"` or `"imports"` target (`./…`), or its `"main"` under an import, as the
 * file Node reads it as: a URL relative to the package.json (new URL(target, package.json's URL)),
 * its escapes decoded, its `?query` and `#fragment` no part of the path; undefined where Node
 * fails (an encoded `/`, a malformed escape). A `require()` reads `"main"` as a path.
 */
export function targetFile(target: string, dir: string): string | undefined {
  return isUrlPlain(target) ? resolvePath(dir, target) : urlPath(target, dir);
}

/** `targetFile` as a `./`-relative path with `/` (module-facts.ts `packageTarget`), undefined where it fails. */
export function targetPath(target: string): string | undefined {
  if (isUrlPlain(target)) return target;
  const base = resolvePath(sep, "package");
  const file = urlPath(target, base);
  return file === undefined ? undefined : `./${relativePath(base, file).split(sep).join("/")}`;
}

function resolveUncached(specifier: string, fromDir: string, kind: LoadKind): Resolution | undefined {
  const alias = isAbsolute(specifier) ? undefined : aliasMatch(specifier, host);
  if (alias) {
    // The host replaces the match and resolves what it gets once, from the importing file,
    // without its aliases again: an absolute path, a relative one (Vite and Jest read one from the
    // importer: `"^(\\.{1,2}/.*)\\.js$": "$1"`), or a package (`react` → `preact/compat`).
    // Candidates in order, the first that resolves winning, as Jest tries a mapper's array.
    if (alias.to === undefined) return undefined;
    for (const to of alias.to) {
      const r = resolveAliased(to, fromDir, kind);
      if (r) return r;
    }
    return undefined;
  }
  return resolveAliased(specifier, fromDir, kind);
}

function resolveAliased(
  specifier: string,
  fromDir: string,
  kind: LoadKind,
  browserMap = true,
): Resolution | undefined {
  if (specifier.startsWith("#")) return viaImports(specifier, fromDir, kind);
  if (specifier.startsWith(".") || isAbsolute(specifier)) {
    const url = kind === "import" && specifier.startsWith(".") ? esmPath(specifier, fromDir) : undefined;
    const path =
      (url === undefined ? undefined : asFile(url)) ?? asFile(resolvePath(fromDir, specifier), kind);
    const browser = browserMap ? viaBrowserMap(specifier, path, fromDir, kind) : undefined;
    if (browser !== undefined) return browser ?? undefined;
    return path ? { kind: "file", path } : undefined;
  }
  const browser = browserMap ? viaBrowserMap(specifier, undefined, fromDir, kind) : undefined;
  if (browser !== undefined) return browser ?? undefined;
  const mapped = pathsOff ? undefined : viaPaths(specifier, fromDir);
  if (mapped) return { kind: "file", path: mapped };
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  const rest = specifier.slice(name.length);
  const subpath = rest ? `.${rest}` : ".";
  const modules = host?.modules;
  const self = viaSelf(name, subpath, fromDir, kind);
  if (self) return self;
  const pkg =
    modules?.length && !isBuiltin(specifier)
      ? viaModules(specifier, name, subpath, fromDir, kind, modules)
      : findPackage(name, subpath, fromDir);
  return pkg?.kind === "package" ? asLinkedSource(pkg, kind) : pkg;
}

function realOf(dir: string): string | null {
  let real = caches.reals.get(dir);
  if (real === undefined) {
    try {
      real = realpathSync(dir);
    } catch {
      real = null;
    }
    caches.reals.set(dir, real);
  }
  return real;
}

/**
 * A package whose real folder lies outside every `node_modules` — a workspace package, an
 * `npm link` — is the project's own source (attack33 F03): its subpath leads to the file in that
 * real folder, found through its `"exports"` (the host's conditions too) or `"main"`, and read as
 * a relative import's file is, with that package's own options. Unless it ships a smartasync
 * manifest (or names one in the refused string form): then the manifest is what importers read,
 * as for an installed copy. A subpath that leads to no file stays the package (as before).
 */
function asLinkedSource(pkg: PackageResolution, kind: LoadKind): Resolution {
  // smartasync itself, linked for its own tests or a local checkout: its runtime is no source of
  // the program, whatever its texts say about annotations.
  if (pkg.name === "smartasync") return pkg;
  const field = pkg.packageJson.smartasync;
  // Kept as the package's resolution is: a realpath of every bare import on each compile was 7%
  // of the files-as-they-are path's own time (bench/compare-builds.mjs --as-is --stub-swc).
  const real = realOf(pkg.dir);
  if (witness !== undefined) witness.reals.set(pkg.dir, real);
  const linked = real !== null && !/[\\/]node_modules(?:[\\/]|$)/.test(real);
  // A host with its own main fields or `"browser"` map may enter a package without `"exports"`
  // by another file than Node's `"main"` (attack28 F06/F11): it stays a package, read both ways
  // (module-graph.ts `packageFacts`: SA204 where they differ; test/integrations/bundlers).
  const hostEntered =
    pkg.packageJson.exports === undefined && (host?.mainFields !== undefined || host?.browserField === true);
  if (typeof field === "string" || (isMap(field) && field.manifest !== undefined)) {
    const file = hostEntered ? undefined : packageFile(pkg, pkg.dir, kind);
    if (file === undefined) return pkg;
    // A linked package's file that the load reaches only under its own conditions (`-C
    // development` → `src`, a `require()` → `dist/cjs`), outside the manifest's folder, is not
    // what the manifest describes: it is the project's own source, read as such, in its real
    // folder (attack33 F04). The file Node's plain `import` reaches keeps the manifest (a root
    // shim re-exporting `dist`, attack33 F08, is followed into it: module-facts.ts
    // `followUndescribed`).
    if (linked && typeof field !== "string" && typeof field.manifest === "string") {
      const folder = dirname(resolvePath(pkg.dir, field.manifest));
      if (!file.startsWith(folder + sep) && file !== plainImportFile(pkg))
        return { kind: "file", path: join(real, relativePath(pkg.dir, file)), undescribedOf: pkg };
    }
    return { ...pkg, file };
  }
  if (hostEntered) return pkg;
  if (!linked) {
    // The file Node loads, whose text says whether the package holds smartasync functions
    // (module-graph.ts `unlistedAnnotations`: a `"main"` without its extension, a folder, a
    // condition of the program's own; attack34 F03, F05).
    const file = packageFile(pkg, pkg.dir, kind);
    return file === undefined ? pkg : { ...pkg, file };
  }
  const path = packageFile(pkg, real, kind);
  return path === undefined ? pkg : { kind: "file", path };
}

/**
 * The file a load of `kind` reaches in a package (from its folder `dir`), as Node finds it:
 * through `"exports"` under the load's conditions, else the legacy `"main"` for the package
 * itself (Node's own probes, never a TypeScript file beside it: attack34 F03), else the subpath
 * as a path.
 */
function packageFile(pkg: PackageResolution, dir: string, kind: LoadKind): string | undefined {
  if (pkg.packageJson.exports !== undefined) return exportsFile(pkg, dir, kind);
  // Where Node's probes find nothing, a runtime that loads TypeScript may (`"main": "src/index"`
  // beside `index.ts`, run by a TypeScript loader): the project's probes.
  // A deep subpath is a URL to Node's ES module loader too (new URL(subpath, package.json's
  // URL): `lib/dist/index.js?v=2` and `lib/dist/%69ndex.js` are dist/index.js, attack36 F13), a
  // path to a `require()`; where it names no file as a URL, the path (as for a relative import).
  const url = kind === "import" && pkg.subpath !== "." ? esmPath(pkg.subpath, dir) : undefined;
  return (
    (pkg.subpath === "." ? legacyMainFile(dir, pkg.packageJson, kind) : undefined) ??
    (url === undefined ? undefined : asFile(url, kind)) ??
    asFile(resolvePath(dir, mainEntry(pkg.packageJson, pkg.subpath)), kind)
  );
}

/**
 * Node's legacy main resolution: `main`, with `.js`, `.json`, `.node`, as a folder's `index`
 * of those, else the package's own `index` of those (what Node loads when `main` names
 * nothing: attack34 F05 `"main": "./dist"`).
 */
function legacyMainFile(
  dir: string,
  packageJson: Record<string, unknown>,
  kind: LoadKind,
): string | undefined {
  const tries: string[] = [];
  const written = packageJson.main;
  if (typeof written === "string" && written !== "") {
    // Node's ES module loader reads `"main"` as a URL (`./dist/index.js?v=2` is dist/index.js,
    // `%20` a space: attack35 F01), its CommonJS loader as a path.
    const main = kind === "import" ? targetFile(`./${written}`, dir) : resolvePath(dir, written);
    if (main !== undefined) {
      tries.push(main, `${main}.js`, `${main}.json`, `${main}.node`);
      for (const e of [".js", ".json", ".node"]) tries.push(join(main, `index${e}`));
    }
  }
  for (const e of [".js", ".json", ".node"]) tries.push(join(dir, `index${e}`));
  for (const t of tries) if (isFile(t)) return t;
  return undefined;
}

/** The file a package's `"exports"` lead a load of `kind` to from `dir`, under the load's conditions. */
function exportsFile(pkg: PackageResolution, dir: string, kind: LoadKind): string | undefined {
  const exports = pkg.packageJson.exports;
  if (exports === undefined) return undefined;
  const subpaths = isMap(exports) && Object.keys(exports).some((k) => k.startsWith("."));
  const r = subpaths
    ? viaMap(exports, pkg.subpath, dir, kind)
    : pkg.subpath === "."
      ? importTarget(exports, undefined, dir, kind)
      : undefined;
  return r?.kind === "file" ? r.path : undefined;
}

/** What a plain `import` reaches (Node's conditions only): the file a manifest is read for by default. */
function plainImportFile(pkg: PackageResolution): string | undefined {
  const kept = { host, extraCondition, droppedCondition };
  host = undefined;
  extraCondition = undefined;
  droppedCondition = undefined;
  try {
    return packageFile(pkg, pkg.dir, "import");
  } finally {
    ({ host, extraCondition, droppedCondition } = kept);
  }
}

/**
 * A bare specifier looked for in the host's module folders (`HostResolve.modules`), as Jest looks
 * for it (jest-resolve's `nodeModulesPaths`): in the importing file's folder and each one above
 * it, each folder name of the list in order; then each absolute folder. Under `node_modules` it is
 * a package, its manifest read as Node would find it; in any other folder, a file of the project
 * (`require("mylib")` → `src/mylib.js`, or a folder's `main` or `index`: attack28 F03, test
 * test/integrations/jest.test.ts).
 */
function viaModules(
  specifier: string,
  name: string,
  subpath: string,
  fromDir: string,
  kind: LoadKind,
  modules: readonly string[],
): Resolution | undefined {
  const inFolder = (folder: string): Resolution | undefined => {
    if (!isDir(folder)) return undefined;
    const path = asFile(join(folder, specifier), kind);
    return path ? { kind: "file", path } : undefined;
  };
  for (let dir = fromDir; ; dir = dirname(dir)) {
    for (const m of modules) {
      if (isAbsolute(m)) continue;
      const r = m === "node_modules" ? packageIn(dir, name, subpath) : inFolder(join(dir, m));
      if (r) return r;
    }
    if (dirname(dir) === dir) break;
  }
  for (const m of modules) {
    if (!isAbsolute(m)) continue;
    const r = basename(m) === "node_modules" ? packageIn(dirname(m), name, subpath) : inFolder(m);
    if (r) return r;
  }
  return undefined;
}

/** The package `name` in `dir/node_modules`, if it is there. */
function packageIn(dir: string, name: string, subpath: string): PackageResolution | undefined {
  const candidate = join(dir, "node_modules", name, "package.json");
  if (!isFile(candidate)) return undefined;
  try {
    const packageJson = readPackageJson(candidate);
    return { kind: "package", name, dir: dirname(candidate), subpath, packageJson };
  } catch {
    return undefined;
  }
}

/**
 * The package name of a bare specifier that names nothing Node could load from `from` (attack26
 * F11): not a built-in, not a URL-like host module (`virtual:x`, `bun:sqlite`), and no
 * `node_modules/<name>` in any folder up the tree — what a bundler's or test runner's alias
 * (`@/lib.js`, `~/lib`) is, which the host resolves and smartasync does not see. Undefined
 * otherwise, and under Yarn Plug'n'Play (no `node_modules` to look in). Asked only of a
 * specifier `resolveImport` did not resolve.
 */
export function uninstalledPackage(specifier: string, from: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("#") || isAbsolute(specifier)) return undefined;
  if (isBuiltin(specifier) || /^[a-z][\w+.-]*:/i.test(specifier)) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") && parts.length > 1 ? parts.slice(0, 2).join("/") : parts[0]!;
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules", name)) || existsSync(join(dir, ".pnp.cjs"))) return undefined;
    if (dirname(dir) === dir) return name;
  }
}

/** A condition of the program's own (conditionsOf) matched for one resolution, beside Node's. */
let extraCondition: string | undefined;
/** A condition of Node's own left out of the resolution running now (SWITCHABLE). */
let droppedCondition: string | undefined;

/**
 * The conditions besides Node's that the `"imports"` entry, or the package self-reference's
 * `"exports"` entry, `specifier` meets lists (`development`, `browser`, … nested ones too; not
 * `types`, which no runtime matches): a program run with `node --conditions=development`, or a
 * bundler with its own conditions, may load another file (attack26 F05). For an installed
 * package's `"exports"`, only Node's own switchable conditions (SWITCHABLE, as
 * WITHOUT_CONDITION + name). Empty for any other specifier.
 */
export function conditionsOf(specifier: string, from: string, settings?: HostResolve): string[] {
  const fromDir = dirname(from);
  caches = cachesFor(fromDir);
  let target: unknown;
  let installed = false;
  if (specifier.startsWith("#")) {
    const scope = packageImports(fromDir);
    if (!scope || specifier === "#" || specifier.startsWith("#/")) return [];
    target = mapEntry(scope.imports, specifier)?.target;
  } else if (!specifier.startsWith(".") && !isAbsolute(specifier)) {
    const parts = specifier.split("/");
    const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
    const subpath = specifier.length > name.length ? `.${specifier.slice(name.length)}` : ".";
    const self = selfExports(name, fromDir);
    // An installed package's `"exports"`: only Node's own switchable conditions, whose branches a
    // flag of the program's run takes away (attack36 F11: `"module-sync"` before `"default"`,
    // the other branch another tool's build). Conditions of the program's own there are read as
    // before.
    const exports = self ? self.exports : findPackage(name, subpath, fromDir)?.packageJson.exports;
    if (exports === undefined) return [];
    installed = !self;
    const subpaths = isMap(exports) && Object.keys(exports).some((k) => k.startsWith("."));
    if (subpaths) target = mapEntry(exports as Record<string, unknown>, subpath)?.target;
    else if (subpath === ".") target = exports;
  }
  const found = new Set<string>();
  const collect = (t: unknown): void => {
    if (Array.isArray(t)) for (const x of t) collect(x);
    else if (typeof t === "object" && t !== null)
      for (const [condition, x] of Object.entries(t)) {
        // A condition the program is known to run with (the `resolve.conditions` option) is
        // matched as Node's own are: its branch is followed (fixture modules/conditions-known).
        if (
          !CONDITIONS.import.has(condition) &&
          !CONDITIONS.require.has(condition) &&
          condition !== "types" &&
          !settings?.conditions.includes(condition)
        ) {
          if (!installed) found.add(condition);
        } else if (SWITCHABLE.has(condition) && !settings?.conditions.includes(condition))
          found.add(WITHOUT_CONDITION + condition);
        collect(x);
      }
  };
  collect(target);
  return [...found];
}

/** `resolveImport` with `condition` matched too (conditionsOf), not cached. */
export function resolveUnderCondition(
  specifier: string,
  from: string,
  kind: LoadKind,
  condition: string,
  settings?: HostResolve,
): Resolution | undefined {
  const fromDir = importerDir(from);
  caches = cachesFor(fromDir);
  return remember(fromDir, `${kind}\0${specifier}\0${hostKey(settings)}\0\0${condition}`, () => {
    if (condition.startsWith(WITHOUT_CONDITION)) droppedCondition = condition.slice(WITHOUT_CONDITION.length);
    else extraCondition = condition;
    host = settings;
    try {
      return resolveUncached(specifier, fromDir, kind);
    } finally {
      extraCondition = undefined;
      droppedCondition = undefined;
      host = undefined;
    }
  });
}

/** tsconfig.json `paths` are left out of the resolution running now (resolveWithoutPaths). */
let pathsOff = false;

/**
 * Whether tsconfig.json `compilerOptions.paths` map the bare specifier `specifier` from `from`
 * to a file: the analysis follows them, as TypeScript does, where the runtime may not.
 */
export function pathsMapped(specifier: string, from: string): boolean {
  if (specifier.startsWith(".") || specifier.startsWith("#") || isAbsolute(specifier)) return false;
  const fromDir = dirname(from);
  caches = cachesFor(fromDir);
  return viaPaths(specifier, fromDir) !== undefined;
}

/**
 * Whether the host follows tsconfig.json `paths` for imports of the file `from` (HostResolve
 * `tsconfigPaths`, `pathsFor`): where it does not, they are the type checker's, and an import
 * they lead elsewhere than the host's own resolution is SA204 (module-graph.ts `pathsProblem`).
 */
export function pathsFollowed(h: HostResolve | undefined, from: string): boolean {
  if (h?.tsconfigPaths !== true) return false;
  if (h.pathsFor !== "vite") return true;
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const file = configIn(dir);
    if (file !== undefined) {
      // Vite reads no jsconfig.json, and a tsconfig.json's `paths` for a JavaScript importer only
      // with `allowJs` (attack36 F09: it bundled node_modules' build where smartasync followed them).
      if (basename(file) !== "tsconfig.json") return false;
      if (!/\.[cm]?jsx?$/.test(from)) return true;
      try {
        return tsCompilerOptions(file, dir, 0).allowJs === true;
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) return false;
  }
}

/** The name of the config whose `paths` apply to `from`: tsconfig.json or jsconfig.json (configIn). */
export function pathsConfigName(from: string): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const file = configIn(dir);
    if (file !== undefined) return basename(file);
    if (dirname(dir) === dir) return "tsconfig.json";
  }
}

/**
 * `resolveImport` as a runtime that ignores tsconfig.json `paths` resolves it — Node under
 * smartasync/register, Vite without a tsconfig-paths plugin: through `node_modules`, a package's
 * `"exports"`, the host's aliases (attack33 F06) —, not cached.
 */
export function resolveWithoutPaths(
  specifier: string,
  from: string,
  kind: LoadKind,
  settings?: HostResolve,
): Resolution | undefined {
  caches = cachesFor(dirname(from));
  pathsOff = true;
  host = settings;
  try {
    return resolveUncached(specifier, dirname(from), kind);
  } finally {
    pathsOff = false;
    host = undefined;
  }
}

/** For tests and watch mode: forget what the file system said. */
export function clearResolveCache(): void {
  for (const c of [managedElse, perCompile, ...[...managed.values()].map((m) => m.caches)])
    for (const m of Object.values(c) as Map<string, unknown>[]) m.clear();
  jsonFiles.clear();
  remembered.clear();
  rememberedCount = 0;
}
