import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { mayContainAnnotation } from "../annotation.js";
import { BoundedMap } from "../bounded.js";
import { currentCompile } from "../compile-run.js";
import { type ScannedImport, scanModule } from "../import-scan.js";
import { planSyncVariant } from "../inline.js";
import { packageFolderOf, packageStampOf } from "../managed.js";
import {
  EMPTY_FACTS,
  type ExportFact,
  FactsCache,
  type FactsJson,
  type FileStamp,
  factsFromJson,
  factsFromManifest,
  factsToJson,
  hasFacts,
  inNodeModules,
  kindOf,
  MANIFEST_FIELD,
  MANIFEST_FILE,
  type ModuleFacts,
  packageTarget,
  packageTargets,
  UNINSTALLED,
  UNREADABLE,
  uninstalledViaResolver,
  young,
} from "../module-facts.js";
import type { Options } from "../options.js";
import { emptyReport } from "../report.js";
import {
  aliasMiss,
  browserMiss,
  conditionsOf,
  forgetResolution,
  type HostResolve,
  hostKey,
  hostPackageEntry,
  isLocalSpecifier,
  type LoadKind,
  pathsConfigName,
  pathsFollowed,
  pathsMapped,
  type Resolution,
  resolveImport,
  resolverShown,
  resolveUnderCondition,
  resolveWithoutPaths,
  selfReferenceMiss,
  uninstalledPackage,
  WITHOUT_CONDITION,
} from "../resolve.js";
import type { FunctionKind } from "../strategy.js";
import type { ParsedFile } from "./analyse.js";
import { sameThreadWhy } from "./arg-escape.js";
import { buildIndex, exportedPlainUnits, type Index, markSyncBodyBlocks } from "./calls.js";
import { collectFunctions } from "./collect.js";
import { type Ctx, createBoundCtx } from "./ctx.js";
import { type ExportNames, exportNamesOf, exportOrigin } from "./export-names.js";
import { type ExportWrites, exportWritesOf, functionWrites, writesDigest } from "./export-writes.js";
import {
  cjsReExports,
  indexExports,
  MAX_REEXPORT_DEPTH,
  type ReExportRule,
  type ValueExport,
} from "./exports.js";
import { type AnalysedModule, moduleFactsOf, shadowingNames } from "./facts.js";
import { statementForms } from "./forms.js";
import { ImportedFns } from "./imported.js";
import { closingForExport, exactOnClosed, type LazyClosing } from "./lazy.js";
import { analyseBody, exportStartsWork } from "./leaves.js";
import type { SaFunction } from "./model.js";
import { Names } from "./names.js";
import { provenQuiet } from "./outside.js";
import { paramUses } from "./param-uses.js";
import type { Node } from "./tree.js";
import { isCommonJsSource } from "./worker-imports.js";

// ——— Facts kept across processes (a host's on-disk cache) ———

/**
 * Where a host keeps the facts of imported modules between processes (compile/facts-store.ts:
 * the CLI's workers and builds, `smartasync/register`, the bundler plugins). An entry is keyed by
 * the module's text (its hash), the graph's options and parser, the report root and
 * smartasync's build; it holds the facts and what computing them read of other modules, which
 * is checked before the entry is used (`Dep`).
 */
export interface FactsStore {
  /** The hash of a file's text, from its stamp, when that stamp was seen with that text before. */
  textHash(path: string, st: FileStamp): string | undefined;
  /** Remembers a file's text hash under its stamp (a stamp too recent to trust is not kept). */
  rememberText(path: string, st: FileStamp, hash: string): void;
  hash(text: string): string;
  read(key: string): StoredFacts | undefined;
  write(key: string, entry: StoredFacts): void;
}

/**
 * What computing a module's facts read besides its text: a resolution (`r`: specifier, importer,
 * outcome), another module's facts (`f`: path, `s`hape or `f`acts, digest), a package's manifest
 * facts (`p`: specifier, importer, digest), the export names an import leads to, read for twins
 * by name (`n`: specifier, importer, digest; an annotated function's strategy depends on them).
 * The facts are a function of these and the text; so is whether a plain export of a module of
 * the project starts async work (`s`: path, export name, `1` or `0`), asked by an inline copy
 * that calls it (`exportStarts`), and what a function a module of the project exports does to its
 * arguments (`w`: path, `new:` and the member path asked, the answer's `writesDigest`), asked by an
 * argument of a function the module offloads that reaches it (`exportWrites`); and what a
 * star's target binds a name to by the texts (`o`: specifier, importer, name, `starOrigin`).
 */
export type Dep =
  | {
      r:
        | [string, string, string]
        | [string, string, string, "require"]
        // Resolved with a condition of the program's own matched (attack26 F05).
        | [string, string, string, LoadKind, string];
    }
  | { s: [string, string, "1" | "0"] }
  | { w: [string, string, string] }
  | { f: [string, "s" | "f", string] }
  | { p: [string, string, string] }
  | { n: [string, string, string] }
  /** `starOrigin`: specifier, importer, name, what the texts bind it to. */
  | { o: [string, string, string, string] };

export interface StoredFacts {
  facts: FactsJson;
  deps: Dep[];
}

let store: FactsStore | undefined;

/** The host's store (or none): used by the graphs that have a `cacheTag`. */
export function useFactsStore(s: FactsStore | undefined): void {
  store = s;
}

/**
 * The computations running now, innermost last, each collecting what it reads. One that met
 * something the store cannot check again — a module in the middle of being computed (an import
 * cycle: the result depends on where the build entered it), a re-export chain cut at its depth
 * limit, a file read outside the graph — is *unclean*: kept in memory as always, never stored,
 * and whatever is computed from it is unclean too.
 */
interface Recorder {
  deps: Dep[];
  unclean: boolean;
  /**
   * While everything read lies in installed packages (managed.ts): their folders and stamps, so
   * the facts hold while those stamps do (`seals`); undefined once anything else was read.
   */
  seal?: Map<string, string> | undefined;
}
const recording: Recorder[] = [];
const uncleanFacts = new WeakSet<ModuleFacts>();
/**
 * What computing facts kept in memory read of other modules (clean facts only): a graph lives
 * for a watch session or a process's builds, and a module's facts change when a module it
 * re-exports from changes, its own text unchanged (attack 16, F13: a barrel's facts kept after
 * the module behind it lost its annotation). Checked once per compile (`checked`).
 */
const depsOf = new WeakMap<ModuleFacts, readonly Dep[]>();
let checked = new WeakSet<ModuleFacts>();
let checkedIn = -1;
const digests = new WeakMap<ModuleFacts, string>();

/**
 * Facts of a module of an installed package that read nothing outside installed packages: texts,
 * resolutions made in them, their other modules' facts (sealed in turn), other packages'
 * manifests. They hold while those packages' stamps do (managed.ts: one stat of a package.json
 * per compile), and their record is not walked again once per compile. Walked, it was most of
 * what a third-party file compiled as it is cost beyond SWC (docs/performance.md, "Files as they
 * are").
 */
const seals = new WeakMap<ModuleFacts, ReadonlyMap<string, string>>();

function observe(dep: Dep, facts?: ModuleFacts, packageDir?: string): void {
  const r = recording[recording.length - 1];
  if (!r) return;
  r.deps.push(dep);
  if (r.seal !== undefined && !sealWith(r.seal, dep, facts, packageDir)) r.seal = undefined;
}

/** The folder and stamp of the installed package `path` lies in, added to `seal`; false if none. */
function sealPackage(seal: Map<string, string>, path: string): boolean {
  const folder = packageFolderOf(path);
  const stamp = folder === undefined ? undefined : packageStampOf(folder);
  if (folder === undefined || stamp === undefined) return false;
  const had = seal.get(folder);
  seal.set(folder, stamp);
  return had === undefined || had === stamp;
}

/** Adds what `dep` read to `seal`; false when it reads outside installed packages. */
function sealWith(
  seal: Map<string, string>,
  dep: Dep,
  facts: ModuleFacts | undefined,
  packageDir: string | undefined,
): boolean {
  // A resolution made in an installed package holds while that package does (`stillValid`
  // skips them); one that leads out of it is followed by an `f` or `p` record.
  if ("r" in dep) return sealPackage(seal, dep.r[1]);
  if ("p" in dep)
    return packageDir !== undefined && sealPackage(seal, dep.p[1]) && sealPackage(seal, packageDir);
  if ("f" in dep) {
    const theirs = facts === undefined ? undefined : seals.get(facts);
    if (theirs === undefined) return false;
    for (const [folder, stamp] of theirs) {
      const had = seal.get(folder);
      if (had !== undefined && had !== stamp) return false;
      seal.set(folder, stamp);
    }
    return true;
  }
  return false;
}

/** Whether sealed facts still hold: every package they read has the stamp it had. */
function sealHolds(seal: ReadonlyMap<string, string>): boolean {
  for (const [folder, stamp] of seal) if (packageStampOf(folder) !== stamp) return false;
  return true;
}

/** The computation running now read something the store cannot check (see Recorder). */
export function taintFacts(): void {
  const r = recording[recording.length - 1];
  if (r) r.unclean = true;
}

function digest(f: ModuleFacts): string {
  let d = digests.get(f);
  if (d === undefined) {
    d = createHash("sha1")
      .update(JSON.stringify(factsToJson(f)))
      .digest("base64");
    digests.set(f, d);
  }
  return d;
}

function outcome(r: Resolution | undefined): string {
  if (!r) return "-";
  // A package's version too: the analysis reads it (p-map's, leaves.ts), and an upgrade in place
  // keeps the folder.
  return r.kind === "file"
    ? `f:${r.path}`
    : `p:${r.dir}\0${r.subpath}\0${String(r.packageJson.version)}\0${r.file ?? ""}`;
}

/** The file a resolution reaches, named from the importing file (undefined: none known). */
function reachedName(r: Resolution | undefined, from: string): string | undefined {
  const path = r?.kind === "file" ? r.path : r?.file;
  return path === undefined ? undefined : relative(dirname(from), path).split(sep).join("/");
}

function namesDigest(n: ExportNames | undefined): string {
  if (!n) return "-";
  return JSON.stringify([
    [...n.names].sort(),
    [...n.async].sort(),
    n.commonjs,
    [...n.node].sort(),
    [...(n.esHidden ?? [])].sort(),
    [...(n.unseen ?? [])].sort(),
  ]);
}

/**
 * In a dependency's condition slot: resolved as a runtime that ignores tsconfig.json `paths`
 * does (resolveWithoutPaths). No package.json condition holds a NUL.
 */
const WITHOUT_PATHS = "\0without-paths";

/** `resolveImport`, noted for the computation running now. */
function resolveSeen(
  settings: HostResolve,
  specifier: string,
  from: string,
  kind: LoadKind = "import",
  condition?: string,
): Resolution | undefined {
  let r: Resolution | undefined;
  try {
    r =
      condition === undefined
        ? resolveImport(specifier, from, kind, settings)
        : condition === WITHOUT_PATHS
          ? resolveWithoutPaths(specifier, from, kind, settings)
          : resolveUnderCondition(specifier, from, kind, condition, settings);
  } catch (e) {
    taintFacts();
    throw e;
  }
  if (recording.length > 0)
    observe({
      r:
        condition !== undefined
          ? [specifier, from, outcome(r), kind, condition]
          : kind === "require"
            ? [specifier, from, outcome(r), kind]
            : [specifier, from, outcome(r)],
    });
  return r;
}

/** Whether two modules' facts give importers the same functions (their files aside). */
function sameForImporters(a: ModuleFacts, b: ModuleFacts): boolean {
  const shape = (f: ModuleFacts): string =>
    JSON.stringify([
      [...f.exports].map(([n, e]) => [n, e.name, e.kind, e.variant, e.unfollowed !== undefined]).sort(),
      [...f.methods].map(([n, k]) => [n, [...k].sort()]).sort(),
      // Which namespaces are objects another module may write (their calls are checked).
      [...(f.namespaces ?? [])].map(([n, ns]) => [n, !!ns.tsNamespace, !!ns.moduleExports]).sort(),
      [...(f.picked?.keys() ?? [])].sort(),
      [...(f.globals?.keys() ?? [])].sort(),
      [...(f.listed ?? [])].map(([n, l]) => [n, l.own, l.prototype]).sort(),
      f.problem !== undefined,
    ]);
  return shape(a) === shape(b);
}

/**
 * The facts of an import that resolves to nothing: a problem (SA204 when a call goes through it)
 * for the project's own files — relative, `#` imports, and a package self-reference whose
 * `"exports"` lead nowhere (attack 15, F24), and a bare name no installed package has (a host's
 * alias) — and nothing for an import that Node might still load (a built-in, `virtual:x`).
 * Code under node_modules never asked for smartasync: its self-references stay quiet.
 */
function unresolved(specifier: string, from: string, settings: HostResolve): ModuleFacts {
  // Through one of the host's aliases (the `resolve` option): said naming the alias (attack26 F11).
  const alias = aliasMiss(specifier, from, settings);
  if (alias !== undefined && !inNodeModules(from)) return { ...EMPTY_FACTS, problem: alias };
  if (isLocalSpecifier(specifier) || !inNodeModules(from)) {
    // Replaced by nothing through the package.json "browser" map of a client build (attack28 F11).
    const browser = browserMiss(specifier, from, settings);
    if (browser !== undefined) return { ...EMPTY_FACTS, problem: browser };
  }
  if (isLocalSpecifier(specifier)) return { ...EMPTY_FACTS, problem: "cannot be found" };
  if (inNodeModules(from)) return EMPTY_FACTS;
  const self = selfReferenceMiss(specifier, from, settings);
  if (self) return { ...EMPTY_FACTS, problem: self };
  // A name no package has, from the project's own files: a host's alias (attack26 F11, fixture
  // diagnostics/sa204-unresolved-bare-specifier), said at a call in sync code.
  if (uninstalledPackage(specifier, from) === undefined) return EMPTY_FACTS;
  // The host's own resolver loads it (Jest's `resolver`): named (attack28 F03).
  const resolver = resolverShown(from, settings);
  return { ...EMPTY_FACTS, problem: resolver ? uninstalledViaResolver(resolver) : UNINSTALLED };
}

/** A package's facts from its manifest, noted for the computation running now. */
function packageSeen(
  specifier: string,
  from: string,
  r: Resolution & { kind: "package" },
  options: Options,
): ModuleFacts {
  const f = packageFacts(from, r, options);
  if (recording.length > 0) observe({ p: [specifier, from, digest(f)] }, undefined, r.dir);
  return f;
}

/**
 * Whether a package file's text holds an annotation, while its size and mtime stay the same:
 * every import of a package the host enters by another field asks (packageFacts).
 */
const annotatedFiles = new BoundedMap<string, { size: number; mtimeMs: number; value: boolean }>(1024);

function annotatedFile(path: string, runtime: string): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return false;
  const key = `${runtime}\0${path}`;
  const kept = annotatedFiles.get(key);
  if (kept && kept.size === st.size && kept.mtimeMs === st.mtimeMs) return kept.value;
  let value = false;
  try {
    value = mayContainAnnotation(readFileSync(path, "utf8"), runtime);
  } catch {
    value = false;
  }
  // A stamp under RACY_MS old does not name the text read under it (a second edit of the same
  // size within the clock's step): asked again next time, as the facts cache does.
  if (!young(st)) annotatedFiles.set(key, { size: st.size, mtimeMs: st.mtimeMs, value });
  return value;
}

/**
 * What a package file may export from other files, resolved once while its size and mtime stay
 * the same: its re-exports (`export * from`, `export { load } from`), and, where it may export
 * what it imports (`import { load } from …; export { load }`, `module.exports = require(…)`,
 * tsc's `__exportStar(require(…), exports)`), its static imports and `require()`s (attack34 F02).
 * Dynamic `import()`s export nothing.
 */
const exportedFrom = new BoundedMap<string, { size: number; mtimeMs: number; next: readonly string[] }>(4096);

function exportedFromFile(path: string, settings: HostResolve): readonly string[] {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st?.isFile()) return [];
  const key = `${hostKey(settings)}\0${path}`;
  const kept = exportedFrom.get(key);
  if (kept && kept.size === st.size && kept.mtimeMs === st.mtimeMs) return kept.next;
  let source = "";
  try {
    source = readFileSync(path, "utf8");
  } catch {
    source = "";
  }
  const scan = scanModule(source);
  const next = new Set<string>();
  const add = (specifier: string, kind: LoadKind, reExport: boolean): void => {
    let r: Resolution | undefined;
    try {
      r = resolveImport(specifier, path, kind, settings);
    } catch {
      r = undefined;
    }
    if (r?.kind === "file") next.add(r.path);
    // `export * from "dep"`: the dependency is read by the same rule, where it ships no
    // manifest (one with a manifest is read from it wherever it is imported directly). Another
    // package a file merely imports is not walked: a CommonJS file `require`s its dependencies
    // beside its `module.exports`, and following them all would read whole dependency trees
    // (issue 16: bench/compare-builds.mjs's installed files).
    else if (
      reExport &&
      r?.kind === "package" &&
      r.packageJson[MANIFEST_FIELD] === undefined &&
      !ownPackage(r.name)
    ) {
      for (const target of packageTargets(r.packageJson, r.subpath)) next.add(join(r.dir, target));
      // The file Node finds (a `"main"` without its extension, a folder: resolve.ts `packageFile`).
      if (r.file !== undefined) next.add(r.file);
    }
  };
  for (const re of scan.reExports) add(re.from, "import", true);
  if (scan.mayExportBindings)
    for (const i of scan.imports)
      if (i.kind !== "dynamic" && !isBare(i.specifier))
        add(i.specifier, i.kind === "require" ? "require" : "import", false);
  const out = [...next];
  exportedFrom.set(key, { size: st.size, mtimeMs: st.mtimeMs, next: out });
  return out;
}

/** A specifier naming a package (not `./`, `../`, `#…`, an absolute path or a URL). */
function isBare(specifier: string): boolean {
  return !isLocalSpecifier(specifier) && !isAbsolute(specifier) && !specifier.includes(":");
}

function ownPackage(name: string): boolean {
  return name === "smartasync" || name.startsWith("smartasync/");
}

/**
 * The walks of `annotatedThrough`, by entry: a barrel (lodash-es's index.js re-exports some 600
 * files) is read once per process, not once per compile (issue 16). An answer holds while the
 * entry's stamp and the stamps of the installed packages it read hold (an install changes a
 * package as a whole: core/managed.ts); files read outside `node_modules` (a linked package)
 * are checked each by their own stamp.
 */
const walks = new BoundedMap<
  string,
  {
    stamps: readonly [string, string | undefined][];
    files: readonly [string, number, number][];
    found: string | undefined;
  }
>(256);

/** A file's size and mtime; `young` where the stamp is too recent to stand for its text (RACY_MS). */
function statStamp(path: string): [number, number, boolean] | undefined {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? [st.size, st.mtimeMs, young(st)] : undefined;
}

/**
 * The first file holding an annotation that a package's entry exports from — itself, or a file
 * its re-exports and exported imports lead to, as deep as re-export chains are followed
 * (MAX_REEXPORT_DEPTH) — or undefined: plain JavaScript (attack34 F02, fixture
 * modules/package-barrel-unlisted).
 */
function annotatedThrough(entry: string, options: Options): string | undefined {
  const key = `${options.runtime}\0${hostKey(options.resolve)}\0${entry}`;
  const kept = walks.get(key);
  if (
    kept?.stamps.every(([dir, stamp]) => packageStampOf(join(dir, "package.json")) === stamp) &&
    kept.files.every(([f, size, mtimeMs]) => {
      const now = statStamp(f);
      return now !== undefined && now[0] === size && now[1] === mtimeMs;
    })
  )
    return kept.found;
  const packages = new Map<string, string | undefined>();
  const files: [string, number, number][] = [];
  let racy = false;
  const seen = new Set<string>();
  const note = (file: string): void => {
    const dir = packageFolderOf(file);
    if (dir !== undefined && packageStampOf(file) !== undefined) {
      if (!packages.has(dir)) packages.set(dir, packageStampOf(file));
      return;
    }
    const now = statStamp(file);
    if (now) files.push([file, now[0], now[1]]);
    if (now?.[2]) racy = true;
  };
  let found: string | undefined;
  const visit = (file: string, depth: number): void => {
    if (found !== undefined || seen.has(file)) return;
    seen.add(file);
    note(file);
    if (annotatedFile(file, options.runtime)) {
      found = file;
      return;
    }
    if (depth >= MAX_REEXPORT_DEPTH) return;
    for (const next of exportedFromFile(file, options.resolve)) visit(next, depth + 1);
  };
  // The entry is stamped by itself too: a package's own package.json need not change with it.
  const own = statStamp(entry);
  if (own) files.push([entry, own[0], own[1]]);
  if (own?.[2]) racy = true;
  visit(entry, 0);
  if (!racy) walks.set(key, { stamps: [...packages], files, found });
  return found;
}

/**
 * A package's facts from its manifest; where the host enters a package without `"exports"` by
 * another file than Node's `"main"` (its `mainFields`, its `"browser"` map: attack28 F06/F11),
 * both are read, for a build may bundle the package or leave it to Node (Vite's SSR externals,
 * webpack's `externals`, esbuild's `external`): followed where they give the same smartasync
 * functions, else SA204 at the import naming both files (fixture modules/host-main-fields). A
 * file of a package without a manifest gives none, unless its text holds an annotation: then
 * its functions are not known to the importer, and differ from a plain file's.
 */
function packageFacts(from: string, r: Resolution & { kind: "package" }, options: Options): ModuleFacts {
  const withManifest = r.packageJson[MANIFEST_FIELD] !== undefined;
  const facts = withManifest ? reachedFacts(r, options) : unlistedAnnotations(r, options);
  const entry = hostPackageEntry(r, from, options.resolve);
  if (!entry) return facts;
  const annotated = (file: string | undefined): boolean =>
    file !== undefined && annotatedThrough(file, options) !== undefined;
  const read = (side: { target: string | undefined; file: string | undefined }): ModuleFacts =>
    side.target === undefined
      ? EMPTY_FACTS
      : withManifest
        ? factsFromManifest(r.name, r.dir, r.subpath, r.packageJson, side.target)
        : annotated(side.file)
          ? { ...EMPTY_FACTS, problem: "annotated" }
          : EMPTY_FACTS;
  const node = withManifest && entry.node.file !== undefined ? facts : read(entry.node);
  const host = read(entry.host);
  // Both plain, or both annotated without a manifest (Node's reading alone says no more).
  if (sameForImporters(node, host) && node.problem === host.problem) return withManifest ? host : facts;
  const file = (f: string | undefined, target: string | undefined): string =>
    f === undefined
      ? target === undefined
        ? "an empty module"
        : `"${target}", which names no file`
      : relative(dirname(from), f).split(sep).join("/");
  const how =
    entry.host.field === "browser"
      ? `its package.json "browser" field (the tool's browser map)`
      : `its package.json "${entry.host.field}" field (the tool's mainFields)`;
  return {
    ...EMPTY_FACTS,
    problem: `leads your build tool, through ${how}, to ${file(entry.host.file, entry.host.target)} and Node, through "main" (what a build leaving the package external loads), to ${file(entry.node.file, entry.node.target)}, which give different smartasync functions${withManifest ? "" : " (one holds @smartasync functions, and the package ships no smartasync manifest saying which)"}; point both fields at files compiled from one source with a manifest for each (smartasync build), or import the file by a relative path`,
  };
}

/**
 * A package's facts from its manifest for the file the load reaches (`r.file`: through
 * `"exports"` under its conditions, resolve.ts), not the file a plain `import` would. A file the
 * manifest does not describe that holds `@smartasync` — the `src` a `development` condition leads
 * to, a `require()`'s `dist/cjs` — is read from the manifest its own build wrote beside it (the
 * nearest `smartasync.manifest.json` above it in the package), else its calls are SA204: its
 * functions have variants the importer cannot know (attack33 F04; test/modules.test.ts).
 */
function reachedFacts(r: Resolution & { kind: "package" }, options: Options): ModuleFacts {
  if (r.file === undefined) return factsFromManifest(r.name, r.dir, r.subpath, r.packageJson);
  const entry = relative(r.dir, r.file).split(sep).join("/");
  const facts = factsFromManifest(r.name, r.dir, r.subpath, r.packageJson, entry);
  if (facts.problem !== undefined || hasFacts(facts)) return facts;
  const field = r.packageJson[MANIFEST_FIELD];
  const named = isRecord(field) && typeof field.manifest === "string" ? field.manifest : undefined;
  // Asked whatever the file's text says: SWC's output of a build keeps no `// @smartasync` line
  // (attack34 F04).
  const own = buildManifestAbove(r.file, r.dir, named === undefined ? undefined : join(r.dir, named));
  if (own !== undefined && isRecord(field)) {
    const json = { ...r.packageJson, [MANIFEST_FIELD]: { ...field, manifest: own } };
    const beside = factsFromManifest(r.name, r.dir, r.subpath, json, entry);
    if (beside.problem !== undefined || hasFacts(beside)) return beside;
  }
  // A barrel of the build re-exporting an annotated file counts as the file itself does, by the
  // rule for packages without a manifest (unlistedAnnotations, attack34 F02).
  if (annotatedThrough(r.file, options) === undefined) {
    // Another tool's build of the same package (a `require()`'s `cjs/index.cjs` with only the
    // async `load`), where the manifest gives the plain import's file smartasync functions: a
    // build without their variants, not a plain module — SA204, as for a linked copy (attack35
    // F03; fixture modules/package-dual-plain-build).
    if (entry !== plainEntry(r) && hasFacts(factsFromManifest(r.name, r.dir, r.subpath, r.packageJson)))
      return { ...EMPTY_FACTS, problem: undescribedBuild(r.name, r.packageJson, entry) };
    return facts;
  }
  return {
    ...EMPTY_FACTS,
    problem: `is the package ${r.name}, whose smartasync manifest${named === undefined ? "" : ` (${named})`} does not describe ${entry}, the file this load reaches ${leadBy(r.packageJson)}, and that file holds @smartasync functions; build it with smartasync build too (the manifest written beside it is read), or point ${pointed(r.packageJson)} at files the manifest describes`,
  };
}

/**
 * The problem of a package file a load reaches under its conditions that the package's manifest
 * does not describe and that holds no `@smartasync` function, where the manifest gives the plain
 * import's file some: installed (reachedFacts) or linked (ofImportAs) alike.
 */
function undescribedBuild(name: string, packageJson: Record<string, unknown>, shown: string): string {
  return `is the package ${name}, which leads this load ${leadBy(packageJson)} to ${shown}, a file its smartasync manifest does not describe and that holds no @smartasync function, while the manifest gives smartasync functions to the file a plain import reaches; build that file with smartasync build too, or point ${pointed(packageJson)} at files the manifest describes`;
}

/**
 * How a package leads a load to its file, as a report says it: its `"exports"` under the load's
 * conditions, or its legacy `"main"` (read as a URL by an import, a path by a require()).
 */
function leadBy(packageJson: Record<string, unknown>): string {
  return packageJson.exports === undefined
    ? 'through its package.json "main"'
    : 'under its conditions (its package.json "exports")';
}

/** What a report asks the package's author to point at other files (`leadBy`). */
function pointed(packageJson: Record<string, unknown>): string {
  return packageJson.exports === undefined ? '"main"' : "that condition";
}

/** The `./`-less path, from the package folder, of the file a plain `import` of the subpath reaches. */
function plainEntry(r: Resolution & { kind: "package" }): string | undefined {
  const target = packageTarget(r.packageJson, r.subpath);
  return target === undefined ? undefined : relative(r.dir, join(r.dir, target)).split(sep).join("/");
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * The `./`-relative path of the nearest `smartasync.manifest.json` above `file` inside the
 * package folder `dir`, other than the one package.json names (`named`).
 */
function buildManifestAbove(file: string, dir: string, named: string | undefined): string | undefined {
  for (let at = dirname(file); at.startsWith(dir); at = dirname(at)) {
    const candidate = join(at, MANIFEST_FILE);
    if (candidate !== named && statSync(candidate, { throwIfNoEntry: false })?.isFile())
      return `./${relative(dir, candidate).split(sep).join("/")}`;
    if (at === dir || dirname(at) === at) break;
  }
  return undefined;
}

/**
 * An installed package without a manifest is plain JavaScript to importers, unless a file its
 * subpath leads to (by `import` or by `require`) holds an annotation (attack33 F03: annotated
 * source under `node_modules`, or a build without its manifest): its functions have variants the
 * importer cannot know, so a call through it is SA204 naming the file, never a silent plain call.
 * The runtime's own package is left out: its texts speak of annotations without being any.
 */
function unlistedAnnotations(r: Resolution & { kind: "package" }, options: Options): ModuleFacts {
  if (r.name === "smartasync" || options.runtime.startsWith(`${r.name}/`)) return EMPTY_FACTS;
  const shown = (f: string) => relative(r.dir, f).split("\\").join("/");
  const files = new Set(packageTargets(r.packageJson, r.subpath).map((t) => join(r.dir, t)));
  // The file this load reaches under its conditions, as Node finds it (resolve.ts).
  if (r.file !== undefined) files.add(r.file);
  for (const file of files) {
    const found = annotatedThrough(file, options);
    if (found === undefined) continue;
    // A barrel's entry names the file it exports from (attack34 F02).
    const whose = found === file ? shown(file) : `${shown(file)} exports from ${shown(found)}, which`;
    return {
      ...EMPTY_FACTS,
      problem: `is the package ${r.name}, whose ${whose} holds @smartasync functions, and it ships no smartasync manifest saying which; build it with smartasync build and name the manifest in its package.json "smartasync" field, or, for your own package, link it from outside node_modules (a workspace, npm link)`,
    };
  }
  return EMPTY_FACTS;
}

/** Parses an imported module with the compiler at hand (Babel's parser, or SWC lowered). */
export type ParseModule = (source: string, path: string) => ParsedFile;

/**
 * A file the host does not compile with smartasync (attack31 F01/F02/F14): a Babel config's
 * `ignore`/`only` or an override turning the plugin off, an `.swcrc` `exclude`, a file outside the
 * folder `smartasync build` compiles. `reason` is the host's word for it ("ignored by the Babel
 * config").
 */
export interface NotCompiled {
  notCompiled: string;
}

/** How a host answers for another file of the build: its options, or why it is not compiled. */
export type FileReading = Options | NotCompiled;

function isNotCompiled(x: object): x is NotCompiled {
  return typeof (x as { notCompiled?: unknown }).notCompiled === "string";
}

/**
 * A module read and analysed apart from the file being compiled; what it imports is read as
 * shapes (`ctx.imported`), and with strategies only where its facts carry them (compute).
 */
type Scanned = Omit<AnalysedModule, "imported">;

/**
 * Answers kept for one synchronous run of JavaScript, forgotten at the next microtask: a graph
 * lives for a watch session or a process's builds, and what they read (a folder's options,
 * another module's text) may change in between (attack 16, F13). A key asked again while its
 * answer is being computed is an import cycle: `get` says so instead of computing it again.
 */
class RunMemo<T> {
  private readonly answers = new Map<string, { value: T } | "pending">();
  private scheduled = false;

  get(key: string, compute: () => T): { value: T } | "cycle" {
    const hit = this.answers.get(key);
    if (hit === "pending") return "cycle";
    if (hit !== undefined) return hit;
    this.answers.set(key, "pending");
    let answer: { value: T };
    try {
      answer = { value: compute() };
    } finally {
      this.answers.delete(key);
    }
    this.answers.set(key, answer);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => {
        this.answers.clear();
        this.scheduled = false;
      });
    }
    return answer;
  }
}

/**
 * The facts of every module a compiled file imports (DESIGN §3.6), computed on demand and cached
 * by path and mtime for the life of the graph (a whole build, or a watch session).
 *
 * Two phases keep import cycles harmless: the *shape* of a module (which exports are smartasync,
 * their kinds and variant names) needs no other module except through re-exports; the *facts*
 * (also each function's sync strategy) need only the shapes of what it imports.
 */
export class ModuleGraph {
  readonly shapes = new FactsCache();
  readonly facts = new FactsCache();
  /** How many imported modules were parsed whole for their facts (for tests and benches). */
  parsedWhole = 0;
  private readonly scanned = new Map<string, Scanned>();
  /** The index of a scanned module's functions (`exportStarts`), built once per scan. */
  private readonly indexes = new WeakMap<Scanned, Index>();
  /** Modules found to reach nothing smartasync (`cycleReaches`), in the compile `reachesNothingIn`. */
  private reachesNothing = new Set<string>();
  private reachesNothingIn = -1;
  /** The parse of a module read lazily for its exports (`lazyScan`), by path, with its text. */
  private readonly parsedForStarts = new Map<string, { source: string; file: ParsedFile }>();
  /** Scans whose functions `compute` analysed with strategies (written onto them). */
  private readonly analysedScans = new WeakSet<Scanned>();
  /** `exportStarts`' answers by path and name: they read other modules. */
  private readonly startsSeen = new RunMemo<boolean>();
  /** `exportWrites`' answers by path and key, as `startsSeen`. */
  private readonly writesSeen = new RunMemo<ExportWrites | undefined>();

  /**
   * Graphs of one build by options (JSON), this one included: a module compiled with other
   * options than the importer's is read by the graph of its own options, so import cycles across
   * them still meet the same graph (and its in-progress marks).
   */
  private readonly family: Map<string, ModuleGraph>;
  /**
   * A file's graph, once asked: options are per folder in the project's files, but per file in a
   * host's config (Babel's `overrides`, `ignore`: attack31 F01).
   */
  private readonly byFile = new RunMemo<ModuleGraph | string | NotCompiled>();
  private readonly key: string;
  /**
   * Which parser reads modules (`swc`, `babel7`, …): set by a host whose facts may be kept in the
   * store (`useFactsStore`); a graph without one never uses it.
   */
  cacheTag: string | undefined;

  constructor(
    /** Also read by worker-imports.ts, which follows what a worker imports. */
    readonly parse: ParseModule,
    private readonly options: Options,
    private readonly rootOf: (file: string) => string,
    /**
     * The options a file is compiled with in this build (its own project's file under the host's
     * options, compile/options.ts): an imported module's variant names and strategies are those
     * of its own options, which may differ from the importer's (another package's `"smartasync"`
     * field, fixture modules/options-per-package), or why the host does not compile it at all.
     * Without it, every file has `options`.
     */
    private readonly ownOptions?: (file: string) => FileReading,
    family?: Map<string, ModuleGraph>,
  ) {
    this.key = JSON.stringify(options);
    this.family = family ?? new Map();
    this.family.set(this.key, this);
  }

  /**
   * The graph that reads `path`: this one, one of other options, why the options fail, or why the
   * host does not compile it.
   */
  private graphOf(path: string): ModuleGraph | string | NotCompiled {
    if (!this.ownOptions) return this;
    const ownOptions = this.ownOptions;
    // Remembered for one synchronous run only, as the options walk is (compile/options.ts): a
    // folder's options may change between builds (attack 16, F13: Rollup's cache, `syncSuffix`
    // edited between two builds). Options are read without reading modules: never a cycle.
    const hit = this.byFile.get(path, () => {
      try {
        const own = ownOptions(path);
        if (isNotCompiled(own)) return own;
        const key = JSON.stringify(own);
        let g = this.family.get(key);
        if (!g) {
          g = new ModuleGraph(this.parse, own, this.rootOf, this.ownOptions, this.family);
          g.cacheTag = this.cacheTag;
        }
        return g;
      } catch (e) {
        return `has smartasync options that cannot be used (${(e as Error).message.split("\n")[0]})`;
      }
    });
    return hit === "cycle" ? this : hit.value;
  }

  /**
   * The graph that reads `path`'s plain code (what an export starts or writes): a module the host
   * does not compile is plain code as it is, read here.
   */
  private readerOf(path: string): ModuleGraph | string {
    const g = this.graphOf(path);
    return typeof g === "object" && isNotCompiled(g) ? this : g;
  }

  /**
   * A module the host does not compile exports none of the variants its text would get: one whose
   * facts name smartasync functions is a problem for its importers (SA204, the call stays plain),
   * one without any is plain code either way (attack31 F02, fixture-free: test/babel/host-config).
   */
  private notCompiled(facts: ModuleFacts, why: NotCompiled): ModuleFacts {
    if (!hasFacts(facts)) return facts;
    return {
      ...EMPTY_FACTS,
      problem: `is not compiled by smartasync (${why.notCompiled}); have the build compile it with smartasync, or remove its @smartasync annotations`,
    };
  }

  /**
   * `resolveImport` for the analysis of a module (leaves.ts reads p-map's version), noted for the
   * computation running now: a stored entry is checked against it.
   */
  resolve(specifier: string, from: string): Resolution | undefined {
    return resolveSeen(this.options.resolve, specifier, from);
  }

  /**
   * The export names `specifier` leads to from `from` (twins by name, export-names.ts), noted for
   * the computation running now: an annotated function's strategy depends on whether the module
   * it calls exports a `…Sync`, so a stored entry is checked against them.
   */
  exportNames(specifier: string, from: string): ExportNames | undefined {
    const names = exportNamesOf(this.parse, specifier, from, this.options.resolve);
    if (recording.length > 0) observe({ n: [specifier, from, namesDigest(names)] });
    return names;
  }

  /**
   * What the module `specifier` names from `from` (an `export *` of `from`) binds `name` to, by
   * the texts (export-names.ts `exportOrigin`, with `from` itself in the resolution: a star
   * leading back into it gives nothing), noted for the computation running now.
   */
  starOrigin(specifier: string, name: string, from: string): string | null | undefined {
    const r = resolveSeen(this.options.resolve, specifier, from);
    const o =
      r?.kind === "file"
        ? exportOrigin(this.parse, r.path, name, this.options.resolve, new Set([`${from}\0${name}`]))
        : undefined;
    if (recording.length > 0) observe({ o: [specifier, from, name, String(o)] });
    return o;
  }

  /**
   * Facts of whatever `specifier` imports from `from`, or a problem to report. A package's own
   * `"exports"` or `"imports"` may lead an import and a `require()` to different files (attack 17,
   * F2). A `require()` is resolved as one; which one an `import` meets is not known here (compiled
   * to CommonJS later, it is a `require`): both are read, followed where they give importers the same functions, else the
   * import's problem (SA204 when a call goes through it).
   */
  ofImport(
    specifier: string,
    from: string,
    phase: "shape" | "facts" = "facts",
    /** A `require()` call: loaded as one, whatever compiles the file. */
    kind?: "require",
    /** A CommonJS transform runs after smartasync: an import may become a `require()`. */
    cjsTransform = false,
  ): ModuleFacts {
    const facts = this.ofImportByKind(specifier, from, phase, kind, cjsTransform);
    if (facts.problem !== undefined || specifier.startsWith(".") || isAbsolute(specifier)) return facts;
    const mapped = this.underPaths(specifier, from, phase, kind ?? "import", facts);
    if (mapped.problem !== undefined) return mapped;
    return this.underConditions(specifier, from, phase, kind ?? "import", facts);
  }

  /** The facts of a module another resolution of `specifier` reaches (a package's, or a file's). */
  private factsOfResolved(
    r: Resolution,
    specifier: string,
    from: string,
    phase: "shape" | "facts",
  ): ModuleFacts {
    if (r.kind === "package") return packageSeen(specifier, from, r, this.options);
    return phase === "shape" ? this.shapeOf(r.path, 0) : this.factsOf(r.path);
  }

  /**
   * `facts`, unless tsconfig.json `paths` lead `specifier` to a file with other smartasync
   * functions than the one the runtime loads without them (attack33 F06: `"@m/lib":
   * ["../lib/src"]`, lib's annotated source, while Node and plain Vite load the package's built
   * `dist` through `node_modules` and its `"exports"`). `paths` are the type checker's: where the
   * host is not known to follow them (the `resolve.tsconfigPaths` option, SWC's `jsc.paths`),
   * that is the import's problem (SA204 when a call goes through it), never a variant the loaded
   * file may lack. A runtime that finds no file without them fails the plain program too: `paths`
   * are followed (fixture modules/tsconfig-paths).
   */
  private underPaths(
    specifier: string,
    from: string,
    phase: "shape" | "facts",
    kind: LoadKind,
    facts: ModuleFacts,
  ): ModuleFacts {
    const problem = this.pathsProblem(specifier, from, phase, kind, facts);
    return problem === undefined ? facts : { ...EMPTY_FACTS, problem };
  }

  /** Why `facts`, read through tsconfig.json `paths`, are not what the runtime loads (underPaths). */
  private pathsProblem(
    specifier: string,
    from: string,
    phase: "shape" | "facts",
    kind: LoadKind,
    facts: ModuleFacts,
  ): string | undefined {
    const settings = this.options.resolve;
    if (settings.tsconfigPaths === true && settings.pathsFor === undefined) return undefined;
    let base: Resolution | undefined;
    let node: Resolution | undefined;
    try {
      // Asked only of a mapped import: whether the host follows them may read the config.
      if (!pathsMapped(specifier, from) || pathsFollowed(settings, from)) return undefined;
      base = resolveSeen(this.options.resolve, specifier, from, kind);
      node = resolveSeen(this.options.resolve, specifier, from, kind, WITHOUT_PATHS);
    } catch {
      return undefined;
    }
    if (!node || outcome(node) === outcome(base)) return undefined;
    const other = this.factsOfResolved(node, specifier, from, phase);
    if (sameForImporters(facts, other) && other.problem === undefined) return undefined;
    const file = (x: Resolution | undefined): string =>
      reachedName(x, from) ?? (x?.kind === "package" ? `the package ${x.name}` : "no file");
    return `is mapped by ${pathsConfigName(from)} "paths" to ${file(base)}, while Node (and a bundler without a tsconfig-paths plugin), which ignores "paths", loads ${file(node)}: they give different smartasync functions; if the program runs where "paths" are followed (tsx, Bun, esbuild bundling, vite-tsconfig-paths, SWC's jsc.paths), say so in smartasync's resolve.tsconfigPaths option, else build the package with smartasync (smartasync build, a manifest) so both give the same functions, or import the file by a relative path${settings.pathsFor === "vite" ? " (Vite's resolve.tsconfigPaths follows a tsconfig.json's \"paths\" only, for a JavaScript file only with compilerOptions.allowJs)" : ""}`;
  }

  /**
   * `facts`, unless a condition of the program's own in the package.json entry `specifier` meets
   * (`node --conditions=development`, a bundler's `browser`) leads to a file with other smartasync
   * functions: the build cannot tell which conditions the program runs with, so that is the
   * import's problem (SA204 when a call goes through it), as for import and require targets
   * (attack26 F05; fixture modules/package-conditions-custom).
   */
  private underConditions(
    specifier: string,
    from: string,
    phase: "shape" | "facts",
    kind: LoadKind,
    facts: ModuleFacts,
  ): ModuleFacts {
    let conditions: string[];
    try {
      conditions = conditionsOf(specifier, from, this.options.resolve);
    } catch {
      return facts;
    }
    if (conditions.length === 0) return facts;
    let base: Resolution | undefined;
    try {
      base = resolveSeen(this.options.resolve, specifier, from, kind);
    } catch {
      return facts;
    }
    for (const condition of conditions) {
      let r: Resolution | undefined;
      try {
        r = resolveSeen(this.options.resolve, specifier, from, kind, condition);
      } catch {
        continue;
      }
      // A branch that leads nowhere fails in Node too, under that condition.
      if (!r || outcome(r) === outcome(base)) continue;
      const other = this.factsOfResolved(r, specifier, from, phase);
      if (sameForImporters(facts, other)) continue;
      const file = (x: Resolution | undefined): string =>
        reachedName(x, from) ?? (x?.kind === "package" ? x.name : "no file");
      if (condition.startsWith(WITHOUT_CONDITION)) {
        const name = condition.slice(WITHOUT_CONDITION.length);
        const flag = name === "node-addons" ? "node --no-addons" : "node --no-experimental-require-module";
        return {
          ...EMPTY_FACTS,
          problem: `leads to ${file(base)} under Node's "${name}" condition and to ${file(r)} when the program runs without it (${flag}), which give different smartasync functions, and the build cannot tell how the program runs; point both branches at files compiled from one source, or import the file by a relative path`,
        };
      }
      return {
        ...EMPTY_FACTS,
        problem: `leads to ${file(r)} under the "${condition}" condition and to ${file(base)} without it (its package.json conditions), which give different smartasync functions, and the build cannot tell which conditions the program runs with (node --conditions, a bundler's conditions); give them in smartasync's resolve.conditions option (the CLI's --conditions; smartasync/register and the bundler plugins pass theirs on), point every condition at files compiled from one source, or import the file by a relative path`,
      };
    }
    return facts;
  }

  private ofImportByKind(
    specifier: string,
    from: string,
    phase: "shape" | "facts",
    kind: "require" | undefined,
    cjsTransform: boolean,
  ): ModuleFacts {
    if (kind) return this.ofImportAs(specifier, from, phase, kind);
    const asImport = this.ofImportAs(specifier, from, phase, "import");
    // An `.mjs`/`.mts` file is an ES module, its imports never require()s — unless this compile
    // makes it CommonJS (smartasync/register on Node 20 compiles an `.mts` a CommonJS module
    // requires to CommonJS): then both are read as for any file (attack35 F09).
    if (specifier.startsWith(".") || isAbsolute(specifier) || (!cjsTransform && /\.m[jt]s$/.test(from)))
      return asImport;
    let i: Resolution | undefined;
    let r: Resolution | undefined;
    try {
      i = resolveSeen(this.options.resolve, specifier, from, "import");
      r = resolveSeen(this.options.resolve, specifier, from, "require");
    } catch {
      return asImport;
    }
    // Where only one of them leads anywhere, a load of the other kind fails in Node too.
    if (!r || outcome(i) === outcome(r)) return asImport;
    const asRequire = this.ofImportAs(specifier, from, phase, "require");
    if (!i) return asRequire;
    if (sameForImporters(asImport, asRequire)) return asImport;
    const file = (x: Resolution | undefined): string => reachedName(x, from) ?? "no file";
    return {
      ...EMPTY_FACTS,
      problem: `leads an import to ${file(i)} and a require() to ${file(r)} (its package.json conditions), which give different smartasync functions, and the build cannot tell which one this call meets; point both conditions at files compiled from one source, or import the file by a relative path`,
    };
  }

  private ofImportAs(specifier: string, from: string, phase: "shape" | "facts", kind: LoadKind): ModuleFacts {
    let r: Resolution | undefined;
    try {
      r = resolveSeen(this.options.resolve, specifier, from, kind);
    } catch {
      r = undefined;
    }
    if (!r) return unresolved(specifier, from, this.options.resolve);
    if (r.kind === "package") return packageSeen(specifier, from, r, this.options);
    const facts = phase === "shape" ? this.shapeOf(r.path, 0) : this.factsOf(r.path);
    if (r.undescribedOf !== undefined && facts.problem === undefined && !hasFacts(facts)) {
      // A linked package's file off its manifest (a `require()`'s `dist/cjs` a tool other than
      // smartasync built) with no smartasync function, where the manifest gives the plain
      // import's file some: a build without its variants, not a plain module (attack33 F04).
      const pkg = r.undescribedOf;
      if (hasFacts(factsFromManifest(pkg.name, pkg.dir, pkg.subpath, pkg.packageJson)))
        return {
          ...EMPTY_FACTS,
          problem: undescribedBuild(pkg.name, pkg.packageJson, reachedName(r, from) ?? r.path),
        };
    }
    if (facts.problem === UNREADABLE) {
      // A remembered resolution whose file is gone: resolve once more (the file may have moved).
      taintFacts();
      forgetResolution(specifier, from, kind, this.options.resolve);
      const again = resolveImport(specifier, from, kind, this.options.resolve);
      if (again?.kind === "file" && again.path !== r.path)
        return phase === "shape" ? this.shapeOf(again.path, 0) : this.factsOf(again.path);
      if (!again) return unresolved(specifier, from, this.options.resolve);
    }
    return facts;
  }

  /**
   * Whether the plain function or class `specifier` exports from `from` as `name` starts async
   * work it does not wait for (leaves.ts `importStarts`, attack20 F1): a module of the project (a
   * file outside node_modules) is read on its own, and only that export's body is walked, by the
   * rule for a helper of the importer's own module (`exportStartsWork`). Asked only by an inline
   * copy that calls the export before an `await` it drops; noted for the computation running now.
   */
  exportStarts(specifier: string, from: string, name: string): boolean {
    let r: Resolution | undefined;
    try {
      r = resolveSeen(this.options.resolve, specifier, from);
    } catch {
      return false;
    }
    if (r?.kind !== "file" || inNodeModules(r.path)) return false;
    return this.exportStartsAt(r.path, name);
  }

  private exportStartsAt(path: string, name: string): boolean {
    const g = this.readerOf(path);
    if (typeof g === "string") return false;
    if (g !== this) return g.exportStartsAt(path, name);
    const got = this.startsSeen.get(`${path}\0${name}`, () => this.computeStarts(path, name));
    if (got === "cycle") {
      // The answer would depend on where the build entered the cycle.
      taintFacts();
      return false;
    }
    const answer = got.value;
    if (recording.length > 0) observe({ s: [path, name, answer ? "1" : "0"] });
    return answer;
  }

  private computeStarts(path: string, name: string): boolean {
    let source: string;
    try {
      source = readFileSync(path, "utf8");
    } catch {
      return false;
    }
    // A module read whole already (analysed for its facts) is asked as it is; another is read
    // lazily first, with only what the export reaches open, and whole only where that tree cannot
    // answer (lazy.ts `exactOnClosed`, as for a compiled file).
    const cached = this.scanned.get(path);
    if (!(cached && cached.ctx.code === source) && !mayContainAnnotation(source, this.options.runtime)) {
      const lazy = this.lazyScan(path, source, name);
      if (lazy === undefined) return false;
      const index = buildIndex(lazy.ctx, []);
      const answer = exportStartsWork(lazy.ctx, index, [], name);
      if (exactOnClosed(lazy.ctx, lazy.closing, [], index) === undefined) return answer;
    }
    const s = this.scan(path, source);
    if (typeof s === "string") return false;
    let index = this.indexes.get(s);
    if (!index) {
      index = buildIndex(s.ctx, s.fns);
      this.indexes.set(s, index);
    }
    return exportStartsWork(s.ctx, index, s.fns, name);
  }

  /**
   * What the function `specifier` exports from `from` at `path` (`["stamp"]`, `["ops", "mark"]`,
   * `["default"]`; constructed: `construct`) does to its arguments' objects (export-writes.ts,
   * r13a), asked by arg-escape.ts for an argument of a function the importer offloads that
   * reaches the call: a module of the project (a file outside node_modules) is read on its own,
   * only what that export reaches opened, by the rule for a function of the importer's module.
   * A package, a module that cannot be found or read, a name it does not show as a function:
   * why not (the importer keeps the argument's function on the calling thread).
   */
  exportWrites(specifier: string, from: string, path: readonly string[], construct = false): ExportWrites {
    return this.writesFrom(specifier, from, path, construct) ?? `\`${specifier}\` does not export it`;
  }

  private writesFrom(
    specifier: string,
    from: string,
    path: readonly string[],
    construct: boolean,
  ): ExportWrites | undefined {
    let r: Resolution | undefined;
    try {
      r = resolveSeen(this.options.resolve, specifier, from);
    } catch {
      return `\`${specifier}\` cannot be resolved`;
    }
    if (!r) return `\`${specifier}\` cannot be found`;
    if (r.kind !== "file" || inNodeModules(r.path))
      return `\`${specifier}\` is a package, whose code the build does not read`;
    return this.exportWritesAt(r.path, path, construct);
  }

  private exportWritesAt(
    path: string,
    names: readonly string[],
    construct: boolean,
  ): ExportWrites | undefined {
    const g = this.readerOf(path);
    if (typeof g === "string") return `its module ${g}`;
    if (g !== this) return g.exportWritesAt(path, names, construct);
    const name = `${construct ? "new:" : ""}${names.join(".")}`;
    const got = this.writesSeen.get(`${path}\0${name}`, () => this.computeWrites(path, names, construct));
    if (got === "cycle") {
      // The answer would depend on where the build entered the cycle.
      taintFacts();
      return "an import cycle leads back to it";
    }
    const answer = got.value;
    if (recording.length > 0) observe({ w: [path, name, writesDigest(answer)] });
    return answer;
  }

  private computeWrites(
    path: string,
    names: readonly string[],
    construct: boolean,
  ): ExportWrites | undefined {
    let source: string;
    try {
      source = readFileSync(path, "utf8");
    } catch {
      return "its module cannot be read";
    }
    const parsed = this.parsedOnce(path, source);
    if (!parsed) return "its module cannot be parsed";
    const follow = (specifier: string, p: readonly string[], c: boolean) =>
      this.writesFrom(specifier, path, p, c);
    // Read lazily first, with only what the export reaches open, and whole only where that tree
    // cannot answer (lazy.ts `exactOnClosed`), each on a context of its own: the answer reads
    // other modules, which may change while this text does not.
    const closing = closingForExport(parsed.program, source, names[0] ?? "");
    const lazy = this.shapeCtx(path, source, parsed, closing);
    let answer = exportWritesOf(lazy, names, construct, follow);
    if (exactOnClosed(lazy, closing, [], buildIndex(lazy, [])) !== undefined)
      answer = exportWritesOf(this.shapeCtx(path, source, parsed), names, construct, follow);
    if (
      answer !== undefined ||
      names.length !== 1 ||
      construct ||
      !mayContainAnnotation(source, this.options.runtime)
    )
      return answer;
    // An annotated function's variant called by its name (`stampSync(t)`): its body, as the
    // function's own (an inline variant runs it; a worker's writes its copies only).
    const s = this.scan(path, source);
    const f = typeof s === "string" ? undefined : s.fns.find((x) => x.variant === names[0]);
    return f && typeof s !== "string" ? functionWrites(s.ctx, f.fn) : undefined;
  }

  /** One parse of a module read for its exports' bodies (`computeStarts`, `computeWrites`), by path, with its text. */
  private parsedOnce(path: string, source: string): ParsedFile | undefined {
    let parsed = this.parsedForStarts.get(path);
    if (parsed?.source !== source) {
      try {
        parsed = { source, file: this.parse(source, path) };
      } catch {
        return undefined;
      }
      this.parsedForStarts.set(path, parsed);
    }
    return parsed.file;
  }

  /** A module without annotations parsed for one export (`computeStarts`), its tree lazy. */
  private lazyScan(
    path: string,
    source: string,
    name: string,
  ): { ctx: Ctx; closing: LazyClosing } | undefined {
    // One parse for every export asked of the same text (each tree is built on its own).
    const file = this.parsedOnce(path, source);
    if (!file) return undefined;
    const closing = closingForExport(file.program, source, name);
    return { ctx: this.shapeCtx(path, source, file, closing), closing };
  }

  /**
   * `from\0name` of every function the module's static imports export whose sync variant runs on
   * a worker or blocks on one: an inline copy calling one blocks too (leafBlocks), as does a sync
   * function's body (markSyncBodyBlocks).
   */
  private blockingImports(
    imports: readonly ScannedImport[],
    path: string,
    fns: SaFunction[],
    /** The module exports plain functions or classes, whose bodies are asked too. */
    plain: boolean,
  ): Set<string> {
    const out = new Set<string>();
    if (
      !plain &&
      !fns.some((f) => (f.syncPlan?.strategy === "inline" && f.leafCallees.size > 0) || f.kind === "sync")
    )
      return out;
    for (const { specifier, kind } of imports) {
      if (kind === "dynamic") continue;
      for (const fact of this.ofImport(specifier, path, "facts").exports.values())
        if (fact.syncStrategy === "worker" || fact.blocksOnWorker) out.add(`${fact.from}\0${fact.name}`);
    }
    return out;
  }

  /** A context on another module's tree, its imports read for their shapes (a closing: lazy). */
  private shapeCtx(
    path: string,
    source: string,
    parsed: Pick<ParsedFile, "program" | "comments">,
    closing?: LazyClosing,
  ): Ctx {
    return createBoundCtx(
      {
        options: this.options,
        fileName: this.report(path),
        filename: path,
        code: source,
        report: emptyReport(this.report(path)),
        program: parsed.program,
        comments: parsed.comments,
        graph: this,
        error: (message) => new Error(message),
      },
      (ctx) => ({ imported: new ImportedFns(ctx, new Names(ctx), "shape"), ...(closing ? { closing } : {}) }),
    ).ctx;
  }

  private report(path: string): string {
    return relative(this.rootOf(path), path).split(sep).join("/");
  }

  private scan(path: string, source: string): Scanned | string {
    const cached = this.scanned.get(path);
    if (cached && cached.ctx.code === source) return cached;
    let parsed: ParsedFile;
    this.parsedWhole++;
    try {
      parsed = this.parse(source, path);
    } catch {
      return "cannot be parsed";
    }
    const ctx = this.shapeCtx(path, source, parsed);
    let fns: SaFunction[];
    try {
      fns = collectFunctions(ctx);
    } catch {
      return "has smartasync errors of its own";
    }
    const values: ValueExport[] = [];
    const uses = indexExports(parsed.program, values);
    const out = { ctx, fns, uses, values };
    this.scanned.set(path, out);
    return out;
  }

  private compute(path: string, source: string, depth: number, withStrategies: boolean): ModuleFacts {
    let problem: string | undefined;
    const problems = new Map<string, string>();
    let commonjs = false;
    const annotated = mayContainAnnotation(source, this.options.runtime);
    // Third-party code that never asked for smartasync has no problem to report (SA204).
    const quiet = !annotated && inNodeModules(path);
    const text = scanModule(source);
    // A module without annotations is parsed only if it may export something it imports and
    // something it imports is smartasync; plain re-exports are read from the text.
    let s =
      annotated || (text.mayExportBindings && this.importsAnything(text.imports, path, withStrategies))
        ? this.scan(path, source)
        : undefined;
    // Facts computed again for an unchanged text (what they read of other modules changed: an
    // imported helper's body, `exportStarts`): the scan's functions hold the first analysis.
    if (withStrategies && s !== undefined && typeof s !== "string" && this.analysedScans.has(s)) {
      this.scanned.delete(path);
      s = this.scan(path, source);
    }
    if (typeof s === "string" && !quiet) return { ...EMPTY_FACTS, problem: s };
    const file = s !== undefined && typeof s !== "string" ? s : undefined;
    let analysed: AnalysedModule | undefined;
    let blocking: Set<string> | undefined;
    if (file) {
      commonjs = isCommonJsSource(file.ctx.program, file.ctx.filename, file.ctx.code);
      // The module's own imports are read as shapes for its leaves (cycles stay harmless); the
      // facts of imported functions it exports again are read with their strategies, as the
      // module's own compile reads them (fixture modules/reexported-import-strategies).
      let imported = file.ctx.imported!;
      if (withStrategies) {
        const index = buildIndex(file.ctx, file.fns);
        for (const f of file.fns) {
          if (f.kind === "async" && !f.syncPlan) {
            analyseBody(file.ctx, index, f);
            statementForms(file.ctx, f);
            f.syncPlan = planSyncVariant(f.located, this.options.unproven);
          }
          // As prove decides it for the module's own compile (checks.ts `decideOffload`).
          if (f.kind === "sync" && !f.asyncStrategy && (f.form === "function" || f.form === "const"))
            f.asyncStrategy = sameThreadWhy(file.ctx, f) === undefined ? "offload" : "same-thread";
          // As prove decides it: importers' offloaded calls read it (outside, parallel).
          if (f.kind === "sync" && provenQuiet(file.ctx, f.fn)) f.quiet = true;
        }
        imported = new ImportedFns(file.ctx, new Names(file.ctx), "facts");
        // As prove decides it (param-uses.ts): importers' calls read it (SA109, SA211). A
        // parameter handed to an imported function is followed through that function's facts,
        // as the module's own compile reads them.
        paramUses(file.ctx, index, file.fns, imported);
        // Which of the functions its imports export block on a worker is asked of their facts
        // here (attack 16, F18).
        const plain = exportedPlainUnits(file.ctx, file.fns, file.uses);
        blocking = this.blockingImports(text.imports, path, file.fns, plain.size > 0);
        // As prove marks them (calls.ts `markSyncBodyBlocks`), the imports read by `blocking`,
        // another module's plain functions by their facts (`imported`, attack20 F7).
        const seen = blocking;
        markSyncBodyBlocks(
          file.ctx,
          index,
          file.fns,
          (f) => seen.has(`${f.from}\0${f.name}`),
          imported,
          plain,
        );
      }
      if (withStrategies) this.analysedScans.add(file);
      analysed = { ctx: file.ctx, fns: file.fns, uses: file.uses, values: file.values, imported };
    }
    // A module that was not parsed is, when an `export *` sits beside its own value exports:
    // the text scan reads the first name of a declaration only (shadowingNames).
    const star = text.reExports.some((re) => !re.names && re.namespace === undefined);
    const parsed = s ?? (star && text.mayExportBindings ? this.scan(path, source) : undefined);
    // CommonJS barrels (`module.exports = require("./lib")`, tsc's `__exportStar` and getters,
    // Babel's `Object.keys(_lib).forEach`) are re-exports as `export … from` are.
    const reExports: ReExportRule[] = [
      ...text.reExports,
      ...(commonjs && file ? cjsReExports(file.ctx) : []),
    ];
    const shadowing = shadowingNames(
      text.ownExports,
      parsed !== undefined && typeof parsed !== "string"
        ? (parsed.ctx.program as unknown as { body: Node[] })
        : undefined,
      path,
      reExports,
    );
    // A chain cut here would read differently entered elsewhere: not kept in the store.
    if (depth >= MAX_REEXPORT_DEPTH && reExports.length > 0) taintFacts();
    const targetOf = (re: ReExportRule): ModuleFacts => {
      const r = resolveSeen(this.options.resolve, re.from, path);
      if (r?.kind === "file") {
        if (this.shapes.inProgress(r.path)) {
          taintFacts();
          return EMPTY_FACTS;
        }
        const target = withStrategies ? this.factsOf(r.path) : this.shapeOf(r.path, depth + 1);
        // Re-exported through tsconfig.json `paths` the runtime may not follow (attack33 F06): each
        // name the mapped file gives is said at an importer's call, as for an import of it.
        const why = quiet
          ? undefined
          : this.pathsProblem(re.from, path, withStrategies ? "facts" : "shape", "import", target);
        if (why === undefined) return target;
        const names = [...target.exports.keys(), ...target.methods.keys()];
        return { ...EMPTY_FACTS, problem: why, problems: new Map(names.map((n) => [n, why])) };
      }
      if (r?.kind === "package") return packageSeen(re.from, path, r, this.options);
      if (isLocalSpecifier(re.from) && !quiet) {
        // Named re-exports concern their names only; `export *` any name not found elsewhere.
        if (re.names)
          for (const [exported, imported] of re.names)
            problems.set(exported, `re-exports ${imported} from ${re.from}, which cannot be found`);
        else if (re.namespace !== undefined)
          problems.set(re.namespace, `re-exports ${re.namespace} from ${re.from}, which cannot be found`);
        else problem ??= `re-exports * from ${re.from}, which cannot be found`;
      }
      return EMPTY_FACTS;
    };
    const facts = moduleFactsOf(analysed, {
      options: this.options,
      withStrategies,
      commonjs,
      reExports: depth < MAX_REEXPORT_DEPTH ? reExports : [],
      targetOf: (re) => {
        const target = targetOf(re);
        if (!re.names && re.namespace === undefined && re.whole && target.problem && !quiet)
          problem ??= `re-exports ${re.from}, which ${target.problem}`;
        return target;
      },
      ownExports: () => text.ownExports,
      shadowed: (name) => shadowing.has(name),
      blocks: (f) => leafBlocks(f, blocking),
      problems,
      esCount: text.reExports.length,
      namesOf: (from) => this.exportNames(from, path)?.names,
      starOrigin: (from, name) => this.starOrigin(from, name, path),
      imports: () => text.imports,
      methodsOf: (specifier) => this.methodsOf(specifier, path),
      globalsOf: (specifier) => this.globalsOf(specifier, path),
    });
    return {
      exports: facts.exports,
      methods: facts.methods,
      ...(problem ? { problem } : {}),
      ...(problems.size ? { problems } : {}),
      ...(facts.namespaces ? { namespaces: facts.namespaces } : {}),
      ...(facts.commonjs ? { commonjs: true } : {}),
      ...(facts.picked ? { picked: facts.picked } : {}),
      ...(facts.blocking ? { blocking: facts.blocking } : {}),
      ...(facts.globals ? { globals: facts.globals } : {}),
      ...(facts.listed ? { listed: facts.listed } : {}),
    };
  }

  /**
   * Whether an import (static or `require`) of the module at `from` leads to anything
   * smartasync. A module in the middle of being computed (an import cycle) counts as yes: the
   * parse then decides, as it always did.
   */
  private importsAnything(
    imports: readonly ScannedImport[],
    from: string,
    /**
     * Read the imports' facts, not their shapes: a module whose only content is a plain function
     * that blocks (`blocking`, decided with strategies) makes its importers' plain exports worth
     * asking too (attack20 F7).
     */
    withStrategies = false,
  ): boolean {
    for (const { specifier, kind } of imports) {
      if (kind === "dynamic") continue;
      const read = this.imported(specifier, from, withStrategies);
      if (read === "cycle" ? this.cycleReaches(specifier, from) : read !== undefined && hasFacts(read))
        return true;
    }
    return false;
  }

  /**
   * Whether the module an import cycle leads back to (`specifier` from `from`, still being
   * computed) reaches anything smartasync: an annotated text, or a package with facts, through
   * static imports and `require`s, read from the texts alone. Before, a cycle counted as yes and
   * each module in one was parsed whole: third-party code that never asked for smartasync, parsed
   * because its chunks import each other (28 modules of a cold build of the real-file bench, ten
   * times plain SWC's time; docs/performance.md "Cold builds"). An annotation anywhere in reach
   * still leads to the parse, as before. What was found to reach nothing is kept for the compile
   * running now (the texts are stamped once per compile, compile-run.ts).
   */
  private cycleReaches(specifier: string, from: string): boolean {
    let r: Resolution | undefined;
    try {
      r = resolveSeen(this.options.resolve, specifier, from);
    } catch {
      return true;
    }
    if (r?.kind !== "file") return true;
    const epoch = currentCompile();
    if (this.reachesNothingIn !== epoch) {
      this.reachesNothing = new Set();
      this.reachesNothingIn = epoch;
    }
    const seen = new Set<string>([r.path]);
    const todo = [r.path];
    for (let at = todo.pop(); at !== undefined; at = todo.pop()) {
      if (this.reachesNothing.has(at)) continue;
      // Another folder's options (its own runtime name), or a module that cannot be read: the
      // parse decides, as before.
      if (this.readerOf(at) !== this) return true;
      let source: string;
      try {
        source = readFileSync(at, "utf8");
      } catch {
        return true;
      }
      if (mayContainAnnotation(source, this.options.runtime)) return true;
      for (const next of scanModule(source).imports) {
        if (next.kind === "dynamic") continue;
        let to: Resolution | undefined;
        try {
          to = resolveSeen(this.options.resolve, next.specifier, at);
        } catch {
          return true;
        }
        if (to?.kind === "package") {
          if (hasFacts(packageSeen(next.specifier, at, to, this.options))) return true;
        } else if (to && !seen.has(to.path)) {
          seen.add(to.path);
          todo.push(to.path);
        }
      }
    }
    // Nothing in reach of the first: nothing in reach of any it reached either.
    for (const p of seen) this.reachesNothing.add(p);
    return false;
  }

  /**
   * The smartasync method names of the module `specifier` names from `from` (its shape, which
   * carries its own imports' in turn: facts.ts `FactsHow.methodsOf`); none from a module still
   * being computed (an import cycle).
   */
  private methodsOf(specifier: string, from: string): Map<string, Set<FunctionKind>> | undefined {
    const read = this.imported(specifier, from, false);
    return read === "cycle" ? undefined : read?.methods;
  }

  /**
   * The globals the module `specifier` names from `from` sets to smartasync functions, its
   * imports' included (facts.ts `FactsHow.globalsOf`); none from a module still being computed.
   */
  private globalsOf(specifier: string, from: string): Map<string, ExportFact> | undefined {
    const read = this.imported(specifier, from, false);
    return read === "cycle" ? undefined : read?.globals;
  }

  /**
   * What an import of `specifier` from `from` reads of its module: a package's facts, a file's
   * shape (its facts `withStrategies`), "cycle" for a module still being computed (what is
   * computed meanwhile is not kept in the store), undefined where it resolves to nothing.
   */
  private imported(
    specifier: string,
    from: string,
    withStrategies: boolean,
  ): ModuleFacts | "cycle" | undefined {
    let r: Resolution | undefined;
    try {
      r = resolveSeen(this.options.resolve, specifier, from);
    } catch {
      r = undefined;
    }
    if (!r) return undefined;
    if (r.kind === "package") return packageSeen(specifier, from, r, this.options);
    if (this.shapes.inProgress(r.path) || this.facts.inProgress(r.path)) {
      taintFacts();
      return "cycle";
    }
    return withStrategies ? this.factsOf(r.path) : this.shapeOf(r.path, 0);
  }

  shapeOf(path: string, depth: number): ModuleFacts {
    const g = this.graphOf(path);
    if (typeof g === "string") return this.seen(path, "s", { ...EMPTY_FACTS, problem: g });
    if (g instanceof ModuleGraph)
      return g === this ? this.seen(path, "s", this.shapeHere(path, depth)) : g.shapeOf(path, depth);
    return this.seen(path, "s", this.notCompiled(this.shapeHere(path, depth), g));
  }

  /** `path`'s shape read by this graph (not noted: the caller notes what it returns). */
  private shapeHere(path: string, depth: number): ModuleFacts {
    if (this.shapes.inProgress(path)) taintFacts();
    return this.shapes.get(
      path,
      (source, st) => this.computeKept(path, source, st, depth, false),
      this.kept(path, false),
      this.stillValid,
    );
  }

  factsOf(path: string): ModuleFacts {
    const g = this.graphOf(path);
    if (typeof g === "string") return this.seen(path, "f", { ...EMPTY_FACTS, problem: g });
    if (g instanceof ModuleGraph) {
      if (g !== this) return g.factsOf(path);
      // Still being computed (an import cycle): its shape, noted as such.
      if (this.facts.inProgress(path)) return this.seen(path, "s", this.factsHere(path));
      return this.seen(path, "f", this.factsHere(path));
    }
    return this.seen(path, "f", this.notCompiled(this.factsHere(path), g));
  }

  /** `path`'s facts read by this graph (its shape within a cycle; the caller notes what it returns). */
  private factsHere(path: string): ModuleFacts {
    if (this.facts.inProgress(path)) {
      taintFacts();
      return this.shapeHere(path, 0);
    }
    return this.facts.get(
      path,
      (source, st) => this.computeKept(path, source, st, 0, true),
      this.kept(path, true),
      this.stillValid,
    );
  }

  /** Notes a module's facts read by the computation running now (and its uncleanness). */
  private seen(path: string, phase: "s" | "f", facts: ModuleFacts): ModuleFacts {
    if (recording.length > 0) {
      if (uncleanFacts.has(facts)) taintFacts();
      observe({ f: [path, phase, digest(facts)] }, facts);
    }
    return facts;
  }

  private storeKey(path: string, textHash: string, withStrategies: boolean): string {
    // The `"type"` of its package too: the same text is another module under another one.
    return `${this.cacheTag}\0${this.key}\0${this.rootOf(path)}\0${path}\0${withStrategies ? "f" : "s"}\0${textHash}\0${kindOf(path)}`;
  }

  /** The store's facts of an unchanged file, found by its stamp (its text not read). */
  private kept(
    path: string,
    withStrategies: boolean,
  ): ((st: FileStamp) => ModuleFacts | undefined) | undefined {
    const s = store;
    if (!s || this.cacheTag === undefined) return undefined;
    return (st) => {
      const h = s.textHash(path, st);
      return h === undefined ? undefined : this.fromStore(s, this.storeKey(path, h, withStrategies));
    };
  }

  /** A stored entry whose dependencies still read as they did; `undefined` if none or changed. */
  private fromStore(s: FactsStore, key: string): ModuleFacts | undefined {
    const entry = s.read(key);
    if (!entry) return undefined;
    const check: Recorder = { deps: [], unclean: false };
    recording.push(check);
    let holds = true;
    try {
      for (const d of entry.deps) {
        if (!this.stillHolds(d)) {
          holds = false;
          break;
        }
      }
    } catch {
      holds = false;
    } finally {
      recording.pop();
    }
    if (!holds || check.unclean) return undefined;
    const facts = factsFromJson(entry.facts);
    depsOf.set(facts, entry.deps);
    return facts;
  }

  /** Whether facts kept in memory still hold (depsOf); facts without a record are kept as before. */
  private readonly stillValid = (facts: ModuleFacts): boolean => {
    const deps = depsOf.get(facts);
    if (deps === undefined || deps.length === 0) return true;
    const seal = seals.get(facts);
    if (seal !== undefined) return sealHolds(seal);
    // Once per compile (compile-run.ts), as the stamps: a host that edits a package.json and
    // compiles again in one synchronous run sees the edit (attack26 F03).
    if (checkedIn !== currentCompile()) {
      checked = new WeakSet();
      checkedIn = currentCompile();
    }
    if (checked.has(facts)) return true;
    checked.add(facts);
    const check: Recorder = { deps: [], unclean: false };
    recording.push(check);
    let holds = true;
    try {
      // A resolution (`r`) is asked again (attack26 F03: a package.json `"imports"` remap, a
      // tsconfig.json `paths` remap, a `./c.js` added beside the `c.ts` it led to): resolve.ts
      // answers from the stats of the compile running now, so that is one walk per import and
      // compile. Not for an importer under node_modules: its resolutions hold while its package
      // does (managed.ts), and its facts are kept by that package's stamp already.
      holds = deps.every((d) => ("r" in d && inNodeModules(d.r[1])) || this.stillHolds(d));
    } catch {
      holds = false;
    } finally {
      recording.pop();
    }
    // Facts of an import cycle read a module in the middle of being computed again when checked:
    // they hold if what they read holds.
    if (!holds || (check.unclean && !uncleanFacts.has(facts))) {
      checked.delete(facts);
      return false;
    }
    return true;
  };

  private stillHolds(d: Dep): boolean {
    if ("w" in d) {
      const [path, key, was] = d.w;
      const construct = key.startsWith("new:");
      return (
        writesDigest(this.exportWritesAt(path, (construct ? key.slice(4) : key).split("."), construct)) ===
        was
      );
    }
    if ("s" in d) {
      const [path, name, was] = d.s;
      return (this.exportStartsAt(path, name) ? "1" : "0") === was;
    }
    if ("r" in d) {
      const [specifier, from, was, kind, condition] = d.r;
      return outcome(resolveSeen(this.options.resolve, specifier, from, kind, condition)) === was;
    }
    if ("n" in d) {
      const [specifier, from, was] = d.n;
      return namesDigest(this.exportNames(specifier, from)) === was;
    }
    if ("o" in d) {
      const [specifier, from, name, was] = d.o;
      return String(this.starOrigin(specifier, name, from)) === was;
    }
    if ("p" in d) {
      const [specifier, from, was] = d.p;
      const r = resolveSeen(this.options.resolve, specifier, from);
      return r?.kind === "package" && digest(packageSeen(specifier, from, r, this.options)) === was;
    }
    const [path, phase, was] = d.f;
    return digest(phase === "s" ? this.shapeOf(path, 0) : this.factsOf(path)) === was;
  }

  /** `compute`, its result kept in the host's store when nothing unclean went into it. */
  private computeKept(
    path: string,
    source: string,
    st: FileStamp,
    depth: number,
    withStrategies: boolean,
  ): ModuleFacts {
    const s = this.cacheTag === undefined ? undefined : store;
    let key: string | undefined;
    let h: string | undefined;
    if (s) {
      h = s.hash(source);
      key = this.storeKey(path, h, withStrategies);
      const hit = this.fromStore(s, key);
      if (hit) {
        s.rememberText(path, st, h);
        return hit;
      }
    }
    const seal = new Map<string, string>();
    const rec: Recorder = { deps: [], unclean: false, seal: sealPackage(seal, path) ? seal : undefined };
    recording.push(rec);
    let facts: ModuleFacts;
    try {
      facts = this.compute(path, source, depth, withStrategies);
    } finally {
      recording.pop();
    }
    // Unclean facts are checked against what they read as clean ones are, in memory: kept
    // unchecked, a module of an import cycle kept what a module it re-exports from no longer
    // exports, or missed what it now does, for as long as the process lived (a watch session; test
    // in test/modules.test.ts "an import cycle's facts follow an edit").
    depsOf.set(facts, rec.deps);
    if (rec.seal !== undefined) seals.set(facts, rec.seal);
    if (rec.unclean) {
      uncleanFacts.add(facts);
      taintFacts();
    } else if (s && key !== undefined && h !== undefined) {
      s.write(key, { facts: factsToJson(facts), deps: rec.deps });
      // The stamp's text hash only leads to a stored entry (kept): for unclean facts, which are
      // never stored, it would be a file that spares nothing (half the records of a cold build
      // of webpack's lib, whose require cycles leave most of its facts unclean).
      s.rememberText(path, st, h);
    }
    return facts;
  }
}

/** Whether an inline copy calls an imported function that blocks on a worker (blockingImports). */
function leafBlocks(f: SaFunction, blocking: Set<string> | undefined): boolean {
  if (!blocking || blocking.size === 0) return false;
  for (const r of f.leafCallees.values())
    if (r.ext && r.shape.kind !== "dispatch" && blocking.has(`${r.ext.fact.from}\0${r.ext.fact.name}`))
      return true;
  return false;
}
