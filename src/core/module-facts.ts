import { createHash } from "node:crypto";
import { readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { mayContainAnnotation, mayContainTypedForm } from "./annotation.js";
import { BoundedMap } from "./bounded.js";
import { currentCompile, RACY_MS } from "./compile-run.js";
import { type ScannedReExport, scanModule } from "./import-scan.js";
import { packageFolderOf, packageStampOf } from "./managed.js";
import { isIdentifierName } from "./naming.js";
import { declaredKindNow } from "./package-type.js";
import { mainEntry, mapEntry, targetPath } from "./resolve.js";
import type { FunctionKind, SyncStrategy } from "./strategy.js";

/**
 * What another module tells an importer about its smartasync functions (DESIGN §3.6): enough to
 * pick and import the right variant, without re-deciding anything about its body.
 */
export interface ExportFact {
  /** Name in reports (`load`, `Store.get`). */
  name: string;
  kind: FunctionKind;
  /** Exported name of the generated variant (`export { f as g }` exports `gSync`). */
  variant: string;
  /** Named by the annotation (`sync=readBlocking`): the same name under every export. */
  explicit?: true;
  syncStrategy?: SyncStrategy;
  asyncStrategy?: "offload" | "same-thread";
  /**
   * A sync function its module's build proved quiet (no effect outside JS memory, no write to
   * state it did not create): only then are several of its offloaded calls in one `Promise.all`
   * run in parallel, and its offloaded calls not reported `outside` (attack20 F13).
   */
  quiet?: true;
  /** An inline sync variant that blocks on a worker in what it calls (`check --deny sync-worker`). */
  blocksOnWorker?: true;
  /**
   * Why an async function may never finish (a loop around its awaits, a wait for an event): a
   * discarded call of it in an importer's sync code is SA207 (attack25 F15).
   */
  unbounded?: string;
  /** Where the function was found, for reports: a path relative to the root, or a package. */
  from: string;
  /**
   * What the function does with each parameter, in order (analysis/param-uses.ts): sync code
   * that passes a call of an async smartasync function there passes its value, which is the
   * plain program only for an `awaited` one (SA109, SA211). Absent: unknown.
   */
  params?: ParamUse[];
  /**
   * Exported without its variant (TypeScript's `export = f`): importers' calls are not followed,
   * and this says why (SA206).
   */
  unfollowed?: string;
  /**
   * A TypeScript namespace member that is the function under a name with no variant beside it
   * (`namespace Api { export const get = load }`): importers' `Api.get()` dispatches through the
   * marker, which the function carries (`variant` is the function's own, not the member's).
   */
  held?: true;
}

/**
 * What a smartasync function does with one parameter (analysis/param-uses.ts): every read is
 * `await p` (`awaited`), or of a sync function read as a value (`value`); some read uses it otherwise (`promise`: the first such use, quoted, and
 * where it is); or the build cannot read it (`unknown`, why).
 */
export type ParamUse =
  | { use: "awaited" }
  /** Of a sync function, which cannot await: read as a value, never by a promise's own methods. */
  | { use: "value" }
  | { use: "promise"; what: string; at: string }
  | {
      use: "unknown";
      why: string;
      /**
       * A destructured parameter (`{ p }`, `[p]`): the use of each part it names, by property
       * name or element index, and of every other part (`others`: not read, or gathered by a
       * rest element). Read where the argument is an object or array literal (`f({ p: load() })`).
       */
      parts?: Record<string, ParamUse>;
      others?: ParamUse;
    };

/** A manifest's `params`, kept only if well formed (a manifest is a dependency's file). */
export function paramUsesFrom(raw: unknown): ParamUse[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: ParamUse[] = [];
  for (const p of raw as unknown[]) {
    const u = paramUseFrom(p, 0);
    if (!u) return undefined;
    out.push(u);
  }
  return out;
}

/** How deep a manifest's nested `parts` are read (a pattern in a pattern…). */
const MAX_PARTS_DEPTH = 8;

function paramUseFrom(p: unknown, depth: number): ParamUse | undefined {
  const u = p as Record<string, unknown> | null;
  if (u?.use === "awaited" || u?.use === "value") return { use: u.use };
  if (u?.use === "promise" && typeof u.what === "string" && typeof u.at === "string")
    return { use: "promise", what: u.what, at: u.at };
  if (u?.use !== "unknown" || typeof u.why !== "string") return undefined;
  if (u.parts === undefined) return { use: "unknown", why: u.why };
  if (depth >= MAX_PARTS_DEPTH || typeof u.parts !== "object" || u.parts === null || Array.isArray(u.parts))
    return undefined;
  const parts: Record<string, ParamUse> = Object.create(null);
  for (const [k, v] of Object.entries(u.parts)) {
    const part = paramUseFrom(v, depth + 1);
    if (!part) return undefined;
    parts[k] = part;
  }
  const others = paramUseFrom(u.others, depth + 1);
  if (!others) return undefined;
  return { use: "unknown", why: u.why, parts, others };
}

/**
 * A smartasync function an exported array or object literal holds at a place a call picks at
 * run time: an element (`export const handlers = [load]`) or a computed key (`{ [k]: load }`).
 */
export interface PickedHolder {
  /** The function, as reports name it. */
  name: string;
  kind: FunctionKind;
  /** Where the literal is, for reports. */
  from: string;
  /** An array (its elements) rather than an object (its computed keys). */
  array: boolean;
  /** Named keys written after the last computed one that holds it: their calls cannot reach it. */
  keys: string[];
  /** An exported function that returns it (`export function pick() { return load }`): `pick()(x)`. */
  returned?: true;
}

/**
 * A plain (not annotated) function or class a module exports whose call or construction blocks
 * on a worker (its body calls a worker variant, or a function or class that does): importers'
 * calls of it block their thread as much, which `check --deny sync-worker` must see (attack20
 * F7). Only blocking ones get an entry: a module whose plain functions block on nothing keeps
 * the empty facts.
 */
export interface BlockingFact {
  /** Name in reports (the function's or class's own). */
  name: string;
  /** A class: `new Thing(u)` blocks (its construction does). */
  class?: true;
  /** Where it was found, for reports: a path relative to the root, or a package. */
  from: string;
}

/**
 * An object literal or class a module exports that holds annotated methods: the variants the
 * build adds to it, which `Object.getOwnPropertyNames` and its kin list in an importer too
 * (SA213, analysis/object-reflection.ts).
 */
export interface ListedHolder {
  /** The object or class as its module names it (`Store`, `api`). */
  name: string;
  /** A class: `own` is its statics', `prototype` its methods'. */
  class?: true;
  /** The variants on the object itself (an object literal's, a class's static ones). */
  own: string[];
  /** A class's variants on its prototype. */
  prototype: string[];
  /** Where it was found, for reports. */
  from: string;
}

export interface ModuleFacts {
  /** Exported name (or `default`) → the smartasync function behind it, re-exports followed. */
  exports: Map<string, ExportFact>;
  /** Exported name → a plain function or class of the module whose call blocks on a worker. */
  blocking?: Map<string, BlockingFact>;
  /** Kinds of annotated class and object methods by name, for `obj.m()` dispatch. */
  methods: Map<string, Set<FunctionKind>>;
  /**
   * What keeps this module from being analysed (missing, unparsable, a re-export of `*` from a
   * missing module), for a call through it of any name it is not known to export (SA204).
   */
  problem?: string;
  /** Exported name → why it cannot be followed (`export { f } from "./missing"`), for calls of that name. */
  problems?: Map<string, string>;
  /** `export * as ns from "./x"`: the facts of `./x`, reached as `ns.f()` by importers. */
  namespaces?: Map<string, ModuleFacts>;
  /** A CommonJS module: its default import is `module.exports`, so `lib.f()` reaches `f`. */
  commonjs?: boolean;
  /**
   * A TypeScript namespace (`export namespace Api {}`): at run time a plain object any module may
   * write (`Api.load = stub`, `sinon.stub(Api, "load")`), unlike an ES module namespace object;
   * importers' `Api.load()` checks that the member is still the function (calls.ts `own`).
   */
  tsNamespace?: boolean;
  /**
   * An entry of `namespaces` that is a CommonJS module's `module.exports` itself, exported again
   * by an ES module (`import lib from "./lib.cjs"; export default lib`, `export { lib as api }`):
   * a plain object any module may write, as the module object is where it is imported (attack20
   * F11), unlike `export * as ns from "./lib.cjs"`, an ES module namespace object.
   */
  moduleExports?: boolean;
  /** Exported name → the smartasync function its literal holds at a place picked at run time. */
  picked?: Map<string, PickedHolder>;
  /**
   * A global the module sets to a smartasync function (`globalThis.gl = load`, `global.`,
   * `window.`, `self.`) → that function, its `unfollowed` saying where: an importer's bare `gl()`
   * is SA206, never a silent promise (analysis/global-names.ts).
   */
  globals?: Map<string, ExportFact>;
  /** Exported name → the object literal or class it is, holding annotated methods (SA213 in importers). */
  listed?: Map<string, ListedHolder>;
}

export const EMPTY_FACTS: ModuleFacts = { exports: new Map(), methods: new Map() };

/** Whether a module holds anything smartasync for an importer (the fast paths ask this). */
export function hasFacts(facts: ModuleFacts): boolean {
  return (
    facts.exports.size > 0 ||
    facts.methods.size > 0 ||
    (facts.blocking?.size ?? 0) > 0 ||
    (facts.namespaces?.size ?? 0) > 0 ||
    (facts.picked?.size ?? 0) > 0 ||
    (facts.globals?.size ?? 0) > 0
  );
}

/**
 * Why a call of `name` through this module is not followed, if something about the module
 * keeps it from being known (SA204): a problem of that name, or of the whole module for a name
 * it is not known to export (`name` undefined: any call through it).
 */
export function problemOf(facts: ModuleFacts, name: string | undefined): string | undefined {
  const own = name === undefined ? undefined : facts.problems?.get(name);
  if (own) return own;
  return name !== undefined && facts.exports.has(name) ? undefined : facts.problem;
}

/** Whether a call through this module may be worth an SA204 (the fast paths ask this). */
export function hasProblem(facts: ModuleFacts): boolean {
  return facts.problem !== undefined || (facts.problems?.size ?? 0) > 0;
}

/** Whether `path` lies in an installed package (a `node_modules` directory on its way). */
export function inNodeModules(path: string | undefined): boolean {
  return path !== undefined && /[\\/]node_modules[\\/]/.test(path);
}

/**
 * Third-party code that never asked for smartasync — a file under `node_modules` with no
 * annotation — has no problem worth an SA204: not about its own imports when it is compiled
 * (a bundler that compiles dependencies), not about its re-exports or its syntax when another
 * file imports it. A package that ships smartasync functions says so in a manifest, which is
 * read instead of its files.
 */
export function quietProblems(
  path: string | undefined,
  source: string,
  runtime?: string,
  /** The caller found no `@smart…` word in `source` (annotation.ts `mayContainTypedForm`). */
  tagless = false,
): boolean {
  return (
    inNodeModules(path) &&
    !(tagless ? mayContainTypedForm(source, runtime) : mayContainAnnotation(source, runtime))
  );
}

/**
 * The problem of a bare specifier that names no installed package (resolve.ts
 * `uninstalledPackage`): most often an alias a bundler or test runner resolves (`@/lib.js` of
 * Vite's `resolve.alias`, Jest's `moduleNameMapper`), which smartasync does not see (attack26
 * F11). Said only for a call in sync code (`syncOnlyProblem`), where following it would change
 * what the call gives: an import of a host's virtual module called from async code stays quiet.
 */
export const UNINSTALLED =
  "cannot be found: no package of that name is installed (an alias of your bundler or test runner that smartasync was not given: smartasync/vite, webpack, esbuild and jest pass theirs on, other hosts take smartasync's `resolve.alias` option); give it in `resolve.alias`, map it in `compilerOptions.paths` of your tsconfig.json (followed, through `extends` too), or import it by a relative path";

const VIA_RESOLVER =
  "cannot be found: no package of that name is installed, and your test runner resolves it with its own resolver";

/**
 * `UNINSTALLED` where the host resolves imports with a resolver of its own (Jest's `resolver`,
 * the `resolve.resolver` option): the message names it, as it is what loads the module (attack28
 * F03). `shown`: its path from the importing file.
 */
export function uninstalledViaResolver(shown: string): string {
  return `${VIA_RESOLVER} "${shown}", which smartasync cannot follow; give the module in \`resolve.alias\` (a \`moduleNameMapper\` entry), or import it by a relative path`;
}

/** Whether a problem is SA204 only at a call in sync code (`UNINSTALLED`). */
export function syncOnlyProblem(why: string): boolean {
  return why === UNINSTALLED || why.startsWith(VIA_RESOLVER);
}

/** The problem of a file that vanished or cannot be read. */
export const UNREADABLE = "cannot be read";

/**
 * Facts cached by path and stamp (modification and change times, size, inode; a young stamp's
 * text checked): repeated builds and watch mode re-read only what changed, and 500 files
 * importing one module read it once (test cross-module/cache).
 */
/**
 * What of a module's kind its text does not say: the `"type"` of its package for a `.js`/`.ts`
 * file (`""` for none, or for a name that fixes the kind). Part of a kept entry's stamp
 * (FactsCache) and of a stored one's key (module-graph.ts `storeKey`).
 */
export function kindOf(path: string): string {
  return /\.[jt]sx?$/.test(path) ? (declaredKindNow(path) ?? "") : "";
}

// RACY_MS lives in compile-run.ts (resolve.ts reads it too, and this module imports resolve.ts).
export { RACY_MS };

/** Whether `st` was this recent when read (`RACY_MS`); a stamp in the future is too. */
export function young(st: { mtimeMs: number; ctimeMs: number }): boolean {
  return Date.now() - Math.max(st.mtimeMs, st.ctimeMs) < RACY_MS;
}

const textHash = (text: string): string => createHash("sha1").update(text).digest("base64");

export class FactsCache {
  private readonly entries = new Map<
    string,
    {
      mtimeMs: number;
      /**
       * Change time and inode besides the modification time and size: a file replaced by a text
       * of the same size with its modification time kept (`cp -p`, `rsync -a`, `tar x`) has
       * another change time, or inode (attack33 F07: its importer was compiled by the old facts).
       */
      ctimeMs: number;
      ino: number;
      size: number;
      facts: ModuleFacts;
      package?: string | undefined;
      /** The `"type"` the module's package.json gave it then (`kindOf`). */
      kind?: string;
      /**
       * The hash of the text the facts were computed from, where its stamp was young then
       * (`RACY_MS`): the stamp alone does not name that text, so a hit reads it again until the
       * stamp is old (a second write within one clock tick, same size, keeps every stamp field).
       */
      youngText?: string;
    }
  >();
  /**
   * The facts already stamped and checked in the compile running now (compile-run.ts), by path:
   * a module is stamped once per compiled file, not once per lookup of it (the analysis of one
   * file asks for the same module many times). Never longer: a host that writes a module and then
   * compiles its importer, in one synchronous run, gets the module as written.
   */
  private fresh = new Map<string, ModuleFacts>();
  private freshIn = -1;
  /** How many times a file was actually read and analysed (for tests and benches). */
  reads = 0;

  /**
   * The facts of `path`: this cache's if the file is unchanged since, else `stored` (a host's
   * on-disk cache, module-graph.ts `FactsStore`: facts of an unchanged file computed by an
   * earlier build or another worker, its text not read), else `compute` on its text.
   */
  get(
    path: string,
    compute: (source: string, st: FileStamp) => ModuleFacts,
    stored?: (st: FileStamp) => ModuleFacts | undefined,
    /** Whether kept facts still hold: what computing them read of other modules is unchanged. */
    valid?: (facts: ModuleFacts) => boolean,
  ): ModuleFacts {
    if (this.freshIn !== currentCompile()) {
      this.fresh.clear();
      this.freshIn = currentCompile();
    }
    const known = this.fresh.get(path);
    if (known) return known;
    const hit = this.entries.get(path);
    // A module being computed counts as empty for an import cycle back to it, whatever route the
    // cycle took (the callers that care taint the facts first): computing it again would loop
    // (attack23 F2: `import * as self from "./lib.js"`, read by held.ts for escaped namespaces).
    if (hit?.mtimeMs === -1) return hit.facts;
    // A module of an installed package holds while the package does (managed.ts).
    const pkg = packageStampOf(path);
    if (hit && pkg !== undefined && hit.package === pkg && (!valid || valid(hit.facts)))
      return this.checkedNow(path, hit.facts);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return { ...EMPTY_FACTS, problem: UNREADABLE };
    // A `.js`/`.ts` file's kind is its package.json's `"type"` (package-type.ts), which its
    // modification time does not stamp: kept facts of a module whose kind changed are computed
    // again (CommonJS exports are read, an ES module's `exports` is nobody's; test/modules.test.ts).
    const kind = kindOf(path);
    if (
      hit &&
      hit.mtimeMs === st.mtimeMs &&
      hit.ctimeMs === st.ctimeMs &&
      hit.ino === st.ino &&
      hit.size === st.size &&
      hit.kind === kind &&
      this.sameText(path, hit, st) &&
      (!valid || valid(hit.facts))
    ) {
      hit.package = pkg;
      return this.checkedNow(path, hit.facts);
    }
    const stamp = { mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, size: st.size };
    const guard = { mtimeMs: -1, ctimeMs: -1, ino: -1, size: -1, facts: EMPTY_FACTS };
    if (stored) {
      this.entries.set(path, guard);
      let facts: ModuleFacts | undefined;
      try {
        facts = stored(st);
      } finally {
        // A young stamp is not kept (its text was not read here to check it later): the next
        // compile asks the store again, which does not trust a young stamp either.
        if (facts && !young(st)) this.entries.set(path, { ...stamp, facts, package: pkg, kind });
        else this.entries.delete(path);
      }
      if (facts) return this.checkedNow(path, facts);
    }
    this.reads++;
    const source = readFileSync(path, "utf8");
    // Recursion guard: a module being computed counts as empty for cyclic imports of it.
    this.entries.set(path, guard);
    const facts = compute(source, st);
    this.entries.set(path, {
      ...stamp,
      facts,
      package: pkg,
      kind,
      ...(young(st) ? { youngText: textHash(source) } : {}),
    });
    return this.checkedNow(path, facts);
  }

  /**
   * Whether a kept entry's text is the file's now: always where its stamp was old when the text
   * was read; else the file is read and hashed, and once its stamp is old the check is dropped.
   */
  private sameText(
    path: string,
    hit: { youngText?: string },
    st: { mtimeMs: number; ctimeMs: number },
  ): boolean {
    if (hit.youngText === undefined) return true;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return false;
    }
    if (textHash(text) !== hit.youngText) return false;
    if (!young(st)) delete hit.youngText;
    return true;
  }

  /** `facts`, remembered as `path`'s until the compile running now ends (`fresh`). */
  private checkedNow(path: string, facts: ModuleFacts): ModuleFacts {
    this.fresh.set(path, facts);
    return facts;
  }

  /** Whether `path` is being computed right now (an import cycle reached it again). */
  inProgress(path: string): boolean {
    return this.entries.get(path)?.mtimeMs === -1;
  }

  clear(): void {
    this.entries.clear();
    this.fresh.clear();
  }
}

/** What identifies a file's content without reading it (a stamp, as `git status` uses). */
export interface FileStamp {
  mtimeMs: number;
  ctimeMs: number;
  size: number;
  ino: number;
  dev: number;
}

/** ModuleFacts as plain JSON (Maps and Sets as arrays), for an on-disk cache. */
export interface FactsJson {
  e: [string, ExportFact][];
  m: [string, FunctionKind[]][];
  p?: string;
  ps?: [string, string][];
  ns?: [string, FactsJson][];
  c?: true;
  t?: true;
  x?: true;
  pk?: [string, PickedHolder][];
  b?: [string, BlockingFact][];
  g?: [string, ExportFact][];
  l?: [string, ListedHolder][];
}

export function factsToJson(f: ModuleFacts): FactsJson {
  return {
    e: [...f.exports],
    m: [...f.methods].map(([k, v]) => [k, [...v]]),
    ...(f.problem !== undefined ? { p: f.problem } : {}),
    ...(f.problems ? { ps: [...f.problems] } : {}),
    ...(f.namespaces ? { ns: [...f.namespaces].map(([k, v]) => [k, factsToJson(v)]) } : {}),
    ...(f.commonjs ? { c: true as const } : {}),
    ...(f.tsNamespace ? { t: true as const } : {}),
    ...(f.moduleExports ? { x: true as const } : {}),
    ...(f.picked ? { pk: [...f.picked] } : {}),
    ...(f.blocking ? { b: [...f.blocking] } : {}),
    ...(f.globals ? { g: [...f.globals] } : {}),
    ...(f.listed ? { l: [...f.listed] } : {}),
  };
}

export function factsFromJson(j: FactsJson): ModuleFacts {
  return {
    exports: new Map(j.e),
    methods: new Map(j.m.map(([k, v]) => [k, new Set(v)])),
    ...(j.p !== undefined ? { problem: j.p } : {}),
    ...(j.ps ? { problems: new Map(j.ps) } : {}),
    ...(j.ns ? { namespaces: new Map(j.ns.map(([k, v]) => [k, factsFromJson(v)])) } : {}),
    ...(j.c ? { commonjs: true } : {}),
    ...(j.t ? { tsNamespace: true } : {}),
    ...(j.x ? { moduleExports: true } : {}),
    ...(j.pk ? { picked: new Map(j.pk) } : {}),
    ...(j.b ? { blocking: new Map(j.b) } : {}),
    ...(j.g ? { globals: new Map(j.g) } : {}),
    ...(j.l ? { listed: new Map(j.l) } : {}),
  };
}

/** `export * from "x"`, `export { a, b as c } from "x"`, `export { default as f } from "x"`. */
export type ReExport = ScannedReExport;

/**
 * Re-exports found by scanning the text (core/import-scan.ts): enough for barrel files, which
 * carry no annotation and so are never parsed (the fast path of DESIGN §9 depends on not parsing
 * them). A re-export written inside a comment, a string or a template literal is not one.
 */
export function scanReExports(source: string): readonly ReExport[] {
  return scanModule(source).reExports;
}

type FactTable = Record<string, Omit<ExportFact, "from">>;

/** The package manifest a library ships (named by `"smartasync": { "manifest": … }` in its package.json). */
export interface Manifest {
  version: 1;
  /** Package subpath (`"."`, `"./fs"`) → exported name → fact (without `from`). */
  exports?: Record<string, FactTable>;
  /**
   * Or by compiled file, relative to the manifest (what `smartasync build` writes): a subpath is
   * found through the package's own `exports`/`main`.
   */
  files?: Record<string, FactTable>;
  /** Method name → kinds, for dispatch on instances of the package's classes. */
  methods?: Record<string, FunctionKind[]>;
  /**
   * `export * as ns from …` of a subpath (or of a file, beside `files`): namespace name → the
   * table of what it holds, so importers follow `ns.f()` (docs/modules.md, "Routes").
   */
  namespaces?: Record<string, Record<string, FactTable>>;
  /**
   * Namespaces inside those (`export namespace A { export namespace B {…} }`, `export namespace
   * X.Y {}`, a namespace re-exported inside one), keyed like `namespaces`: each the path of names
   * from the outermost one and the table of what it holds, so importers follow `A.B.f()` too.
   * A path, not a dotted key: a namespace re-exported under a string name may hold a dot.
   */
  nested?: Record<string, { path: string[]; exports: FactTable }[]>;
  /**
   * Of a subpath (or of a file, beside `files`): exported name → the smartasync function its
   * array or object literal holds at a place a call picks at run time, so importers' calls
   * through it are reported (SA206) as for the package's source.
   */
  picked?: Record<string, Record<string, Omit<PickedHolder, "from">>>;
  /**
   * Of a subpath (or of a file, beside `files`): exported name → a plain function or class whose
   * call blocks on a worker (`BlockingFact`), so `check --deny sync-worker` sees importers' calls.
   */
  blocking?: Record<string, Record<string, Omit<BlockingFact, "from">>>;
  /**
   * Of a subpath (or of a file, beside `files`): global name → the smartasync function the
   * module sets that global to (`globalThis.gl = load`), so importers' bare calls of it are
   * reported (SA206) as for the package's source.
   */
  globals?: Record<string, FactTable>;
  /**
   * Of a subpath (or of a file, beside `files`): exported name → the object literal or class
   * holding annotated methods it is, with the variants the build adds to it (`ListedHolder`), so
   * importers' listings of its properties are SA213 as for the package's source.
   */
  listed?: Record<string, Record<string, Omit<ListedHolder, "from">>>;
  /**
   * Beside `files`: compiled file → `fileStamp` of it as `smartasync build` wrote it. An entry of
   * `files` is taken only while its file still has that stamp (attack26 F04): a file rebuilt or
   * rewritten since (another build into the same out-dir, a tool run over it) is not what the
   * manifest describes, and calls into it stay plain with SA204 rather than call a variant the
   * file may no longer have. A manifest written by hand has no stamps and is taken at its word.
   */
  stamps?: Record<string, string>;
}

/** The stamp of a compiled file in its package's manifest: a digest of its bytes. */
export function fileStamp(path: string): string {
  return `sha256-${createHash("sha256").update(readFileSync(path)).digest("base64")}`;
}

export const MANIFEST_FIELD = "smartasync";
export const MANIFEST_FILE = "smartasync.manifest.json";

/**
 * The manifest path a package.json names: `"smartasync": { "manifest": "./dist/…" }` (the field
 * also holds the package's own options, which importers ignore). The old form, the field as a
 * string, is refused with what to write instead (compile/options.ts refuses it in a project's
 * own package.json); a field without `manifest` names none.
 */
export function manifestOf(packageJson: Record<string, unknown>): string | { problem: string } | undefined {
  const field = packageJson[MANIFEST_FIELD];
  if (typeof field === "string")
    return {
      problem: `names its smartasync manifest in the old form "smartasync": ${JSON.stringify(field)}; its package.json should say "smartasync": { "manifest": ${JSON.stringify(field)} }`,
    };
  if (typeof field !== "object" || field === null) return undefined;
  const manifest = (field as { manifest?: unknown }).manifest;
  return typeof manifest === "string" && manifest !== "" ? manifest : undefined;
}

/**
 * Where a package's `"smartasync"` manifest path leads, if it stays inside the package: a
 * dependency's package.json is not trusted to make smartasync open files elsewhere (`../../x`,
 * an absolute path, or a symbolic link inside the package that leads out). Otherwise the problem,
 * reported at the import (SECURITY.md; test/security/manifest-paths.test.ts).
 */
export function manifestPath(dir: string, field: string): string | { problem: string } {
  const refuse = (why: string) => ({
    problem: `names a smartasync manifest (${field}) ${why}; smartasync reads a manifest only inside its package`,
  });
  if (isAbsolute(field)) return refuse("by an absolute path");
  const path = resolve(dir, field);
  const inside = (p: string, root: string) => p.startsWith(root.endsWith(sep) ? root : root + sep);
  if (!inside(path, resolve(dir))) return refuse("outside its package");
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return path; // missing: reading it reports that
  }
  if (!inside(real, realpathSync(dir)))
    return refuse("that leads outside its package through a symbolic link");
  return path;
}

/**
 * Stamps of the package files importers checked, by path, while the file's size and mtime stay
 * the same: each lookup of a package reads its manifest, and hashing the file it describes at
 * every lookup would cost a read of that file each time.
 */
const stamps = new BoundedMap<string, { size: number; mtimeMs: number; stamp: string }>(4096);

/** Whether `path` still has the stamp its manifest gives it; an unreadable file has none. */
function sameStamp(path: string, stamp: string): boolean {
  try {
    const st = statSync(path);
    let hit = stamps.get(path);
    if (!hit || hit.size !== st.size || hit.mtimeMs !== st.mtimeMs) {
      hit = { size: st.size, mtimeMs: st.mtimeMs, stamp: fileStamp(path) };
      stamps.set(path, hit);
    }
    return hit.stamp === stamp;
  } catch {
    return false;
  }
}

/** A package's manifest as read (where it is and its JSON), or why it cannot be used. */
type ManifestRead = { where: string; manifest: Manifest } | { problem: string };

/**
 * Manifests of installed packages, by the package's real folder and the path its package.json
 * names, while the package's stamp holds (managed.ts: an install rewrites package.json), with
 * whether each file they describe still has its stamp. Every import of a package asks for its
 * manifest — each file that imports it, in each phase, as an import and as a `require` — and
 * reading it again each time (two real paths, the read, the JSON) was about a third of the
 * compile of a small file importing a package that ships one (docs/performance.md, "A package's
 * manifest"). A linked package (its real folder outside node_modules) is read at every lookup.
 */
const manifestsRead = new BoundedMap<
  string,
  { stamp: string; read: ManifestRead; same: Map<string, boolean> }
>(256);

/** The real folder of each package folder, asked once per compile (compile-run.ts). */
const realFolders = new Map<string, string | undefined>();
let realIn = -1;

function realFolderOf(dir: string): string | undefined {
  if (realIn !== currentCompile()) {
    realFolders.clear();
    realIn = currentCompile();
  }
  if (realFolders.has(dir)) return realFolders.get(dir);
  let real: string | undefined;
  try {
    real = realpathSync(dir);
  } catch {
    real = undefined;
  }
  realFolders.set(dir, real);
  return real;
}

function readManifest(dir: string, field: string): ManifestRead {
  try {
    const where = manifestPath(dir, field);
    if (typeof where !== "string") return { problem: where.problem };
    const manifest = JSON.parse(readFileSync(where, "utf8")) as unknown;
    // A dependency's file: `null`, an array or a number is no manifest (attack35 F14).
    if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest))
      return { problem: `names a smartasync manifest (${field}) that is not a JSON object` };
    return { where, manifest: manifest as Manifest };
  } catch {
    return { problem: `names a smartasync manifest (${field}) that cannot be read` };
  }
}

/** `readManifest`, kept for an installed package while its stamp holds (`manifestsRead`). */
function manifestOfPackage(
  dir: string,
  field: string,
): { read: ManifestRead; same: (path: string, stamp: string) => boolean } {
  const real = realFolderOf(dir);
  const pkg =
    real !== undefined && packageFolderOf(join(real, "package.json")) === real
      ? packageStampOf(join(real, "package.json"))
      : undefined;
  if (pkg === undefined) return { read: readManifest(dir, field), same: sameStamp };
  const key = `${real}\0${field}`;
  let kept = manifestsRead.get(key);
  if (kept?.stamp !== pkg) {
    kept = { stamp: pkg, read: readManifest(dir, field), same: new Map() };
    manifestsRead.set(key, kept);
  }
  const same = kept.same;
  return {
    read: kept.read,
    same: (path, stamp) => {
      const k = `${path}\0${stamp}`;
      let answer = same.get(k);
      if (answer === undefined) {
        answer = sameStamp(path, stamp);
        same.set(k, answer);
      }
      return answer;
    },
  };
}

/** Facts of a package subpath from its manifest; a package without one is plain JavaScript. */
export function factsFromManifest(
  name: string,
  dir: string,
  subpath: string,
  packageJson: Record<string, unknown>,
  /** The file the subpath leads to, where a host enters the package elsewhere than Node (resolve.ts `hostPackageEntry`). */
  entry?: string,
): ModuleFacts {
  const named = manifestOf(packageJson);
  if (named === undefined) return EMPTY_FACTS;
  if (typeof named !== "string") return { ...EMPTY_FACTS, problem: named.problem };
  const field = named;
  const { read, same } = manifestOfPackage(dir, field);
  if ("problem" in read) return { ...EMPTY_FACTS, problem: read.problem };
  const { where, manifest } = read;
  if (
    manifest.version !== 1 ||
    (typeof manifest.exports !== "object" && typeof manifest.files !== "object")
  ) {
    return { ...EMPTY_FACTS, problem: "has a smartasync manifest of an unknown version" };
  }
  // A table by subpath describes the subpath whichever file a host enters it by.
  let table = manifest.exports?.[subpath];
  let key = subpath;
  if (!table && manifest.files) {
    const target = entry ?? packageTarget(packageJson, subpath);
    if (target) {
      const rel = relative(dirname(join(dir, field)), join(dir, target))
        .split(sep)
        .join("/");
      table = manifest.files[rel];
      key = rel;
      const stamp = manifest.stamps?.[rel];
      if (table && typeof stamp === "string" && !same(join(dirname(where), rel), stamp))
        return {
          ...EMPTY_FACTS,
          problem: `has a smartasync manifest (${field}) written for another ${rel} than the one it holds now (the file changed after the manifest was written: build the package again with smartasync build)`,
        };
      if (!table) {
        // An entry the manifest does not describe (attack33 F08: a root `index.js` that is
        // `export * from "./dist/index.js"`): its re-exports are followed into files it does.
        const followed = followUndescribed(
          join(dir, target),
          dirname(where),
          manifest.files,
          same,
          manifest.stamps,
        );
        if (followed !== undefined && "problem" in followed) {
          // Named from the package's folder, as its package.json names them.
          const shown = (p: string) => relative(dir, p).split("\\").join("/");
          const other = shown(join(dirname(where), followed.file));
          const why =
            followed.problem === "stale"
              ? `re-exports ${other}, which changed after the manifest was written; build the package again with smartasync build`
              : `reaches ${other}, which the manifest describes, otherwise than by a re-export (\`export … from\`) the build follows; export it with \`export … from\` in the entry, or make the entry a file smartasync build compiled`;
          return {
            ...EMPTY_FACTS,
            problem: `has a smartasync manifest (${field}) that does not describe ${shown(join(dir, target))}, the file it is entered by, which ${why}`,
          };
        }
        if (followed) {
          table = followed.table;
          if (followed.key !== undefined) key = followed.key;
        }
      }
    }
  }
  try {
    return tablesOf(manifest, table, key, subpath === "." ? name : `${name}${subpath.slice(1)}`);
  } catch (e) {
    // A dependency's file written by hand or by another tool (attack35 F14: `"load": null`, a
    // fact without its variant): its calls are SA204 naming the entry, never a crash of the
    // build nor a call of a variant the package may not have.
    if (!(e instanceof MalformedManifest)) throw e;
    return {
      ...EMPTY_FACTS,
      problem: `has a smartasync manifest (${field}) whose ${e.message}; build the package again with smartasync build`,
    };
  }
}

/** An optional object of a manifest (`{}` where absent); anything else is malformed. */
function record<T extends object>(v: T | undefined, where: string): Partial<T> {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new MalformedManifest(`${where} is not an object`);
  return v;
}

/** A manifest entry smartasync build would not write (`factsFromManifest`). */
class MalformedManifest extends Error {}

const FACT_KINDS: ReadonlySet<unknown> = new Set(["sync", "async"]);

/** Why a manifest's fact (exported as `exported`) is not one smartasync build writes. */
function factProblem(
  exported: string,
  f: Partial<Record<keyof ExportFact, unknown>> | null,
): string | undefined {
  if (typeof f !== "object" || f === null || Array.isArray(f)) return "is not an object";
  if (typeof f.name !== "string" || !FACT_KINDS.has(f.kind) || typeof f.variant !== "string")
    return `lacks its "name", "kind" ("sync" or "async") or "variant"`;
  const variant = f.variant;
  // attack36 F03: a variant named as the function itself is the function (sync code would get its
  // Promise); one that is no name the build gives a variant makes an import of a name the file
  // lacks (a link-time SyntaxError) or, `__proto__`, a CommonJS `{ __proto__: … }` that sets
  // the prototype. The build names a variant `name` + suffix (identifier characters), or by the
  // annotation (an identifier); only a function exported under a string (`export { f as "a-b" }`)
  // has a variant that is no identifier, its exported name + suffix.
  if (variant === exported || variant === f.name)
    return `has "variant" ${JSON.stringify(variant)}, the function's own name`;
  if (
    variant === "__proto__" ||
    (!isIdentifierName(variant) &&
      (isIdentifierName(exported) ||
        !variant.startsWith(exported) ||
        !/^[\w$]+$/.test(variant.slice(exported.length))))
  )
    return `has "variant" ${JSON.stringify(variant)}, a name smartasync build never gives a variant`;
  // A fact's strategy is its variant's: `syncStrategy` for an async function, `asyncStrategy`
  // for a sync one; the other names a variant the function does not have.
  if (f.kind === "sync" && f.syncStrategy !== undefined)
    return `is a sync function with a "syncStrategy" (the strategy of an async function's sync variant)`;
  if (f.kind === "async" && f.asyncStrategy !== undefined)
    return `is an async function with an "asyncStrategy" (the strategy of a sync function's async variant)`;
  if (f.syncStrategy !== undefined && f.syncStrategy !== "inline" && f.syncStrategy !== "worker")
    return `has an unknown "syncStrategy"`;
  if (f.asyncStrategy !== undefined && f.asyncStrategy !== "offload" && f.asyncStrategy !== "same-thread")
    return `has an unknown "asyncStrategy"`;
  return undefined;
}

/** A table of a manifest, each fact checked: the fields importers' rewrites rely on, well-typed. */
function checkedTable(t: unknown, where: string): FactTable {
  if (t === undefined) return {};
  if (typeof t !== "object" || t === null || Array.isArray(t))
    throw new MalformedManifest(`${where} is not an object of exported names`);
  for (const [exported, fact] of Object.entries(t)) {
    const bad = factProblem(exported, fact as Partial<Record<keyof ExportFact, unknown>> | null);
    if (bad !== undefined)
      throw new MalformedManifest(`entry ${JSON.stringify(exported)} of ${where} ${bad}`);
  }
  return t as FactTable;
}

/** The facts of one table of `manifest` (`key`: its subpath or file) and the tables beside it. */
function tablesOf(manifest: Manifest, table: FactTable | undefined, key: string, from: string): ModuleFacts {
  const factsOf = (t: unknown, where = key) =>
    new Map(
      Object.entries(checkedTable(t, where)).map(([exported, fact]) => {
        const { params: raw, quiet, ...rest } = fact;
        const params = paramUsesFrom(raw);
        // A dependency's file: `quiet` is taken only as written by smartasync (`true`).
        return [
          exported,
          { ...rest, ...(params ? { params } : {}), ...(quiet === true ? { quiet } : {}), from },
        ];
      }),
    );
  const methods = new Map<string, Set<FunctionKind>>();
  for (const [m, kinds] of Object.entries(record(manifest.methods, "methods"))) {
    if (!Array.isArray(kinds) || !kinds.every((k) => FACT_KINDS.has(k)))
      throw new MalformedManifest(`methods entry ${JSON.stringify(m)} is not a list of "sync" and "async"`);
    methods.set(m, new Set(kinds));
  }
  const nsTables = Object.entries(record(manifest.namespaces?.[key], `namespaces of ${key}`));
  const namespaces = new Map<string, ModuleFacts>(
    nsTables.map(([ns, t]) => [ns, { exports: factsOf(t, `namespace ${ns} of ${key}`), methods: new Map() }]),
  );
  for (const n of Array.isArray(manifest.nested?.[key]) ? manifest.nested[key] : []) {
    // A manifest is a dependency's file: only well-formed entries are taken.
    const path = n?.path;
    if (!Array.isArray(path) || path.length < 2 || !path.every((p) => typeof p === "string")) continue;
    if (typeof n.exports !== "object" || n.exports === null || Array.isArray(n.exports)) continue;
    let at: Map<string, ModuleFacts> = namespaces;
    let facts: ModuleFacts | undefined;
    for (const name of path) {
      facts = at.get(name) ?? { exports: new Map(), methods: new Map() };
      at.set(name, facts);
      facts.namespaces ??= new Map();
      at = facts.namespaces;
    }
    for (const [exported, fact] of factsOf(n.exports, `nested namespace of ${key}`))
      facts!.exports.set(exported, fact);
  }
  const picked = new Map<string, PickedHolder>();
  for (const [exported, p] of Object.entries(record(manifest.picked?.[key], "picked of " + key))) {
    // A manifest is a dependency's file: only well-formed entries are taken.
    if (typeof p?.name !== "string" || (p.kind !== "sync" && p.kind !== "async")) continue;
    const keys = Array.isArray(p.keys) ? p.keys.filter((k): k is string => typeof k === "string") : [];
    const returned = p.returned === true ? { returned: true as const } : {};
    picked.set(exported, { name: p.name, kind: p.kind, array: p.array === true, keys, from, ...returned });
  }
  const blocking = new Map<string, BlockingFact>();
  for (const [exported, b] of Object.entries(record(manifest.blocking?.[key], "blocking of " + key))) {
    // A manifest is a dependency's file: only well-formed entries are taken.
    if (typeof b?.name !== "string") continue;
    blocking.set(exported, { name: b.name, ...(b.class === true ? { class: true as const } : {}), from });
  }
  const globals = new Map<string, ExportFact>();
  for (const [global, g] of Object.entries(record(manifest.globals?.[key], "globals of " + key))) {
    // A manifest is a dependency's file: only well-formed entries are taken, each a name without
    // its variant (`unfollowed` says why).
    if (typeof g?.name !== "string" || (g.kind !== "sync" && g.kind !== "async")) continue;
    if (typeof g.unfollowed !== "string") continue;
    const variant = typeof g.variant === "string" ? g.variant : g.name;
    globals.set(global, { name: g.name, kind: g.kind, variant, unfollowed: g.unfollowed, from });
  }
  const listed = new Map<string, ListedHolder>();
  const names = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((k): k is string => typeof k === "string") : [];
  for (const [exported, l] of Object.entries(record(manifest.listed?.[key], "listed of " + key))) {
    // A manifest is a dependency's file: only well-formed entries are taken.
    if (typeof l?.name !== "string") continue;
    listed.set(exported, {
      name: l.name,
      ...(l.class === true ? { class: true as const } : {}),
      own: names(l.own),
      prototype: names(l.prototype),
      from,
    });
  }
  return {
    exports: factsOf(table),
    methods,
    ...(namespaces.size ? { namespaces } : {}),
    ...(picked.size ? { picked } : {}),
    ...(blocking.size ? { blocking } : {}),
    ...(globals.size ? { globals } : {}),
    ...(listed.size ? { listed } : {}),
  };
}

/** How deep re-exports of a file a manifest does not describe are followed into files it does. */
const UNDESCRIBED_DEPTH = 8;

/**
 * The exports a package file the manifest does not describe carries from files it does, through
 * its re-exports (`export * from`, `export { a as b } from`, relative, inside the manifest's
 * folder's package), as deep as UNDESCRIBED_DEPTH: the table, and the described file's key where
 * the whole table is that one file's (`export *` of one file: its namespaces and blocking
 * entries come along). A problem where a described file is reached otherwise (an import the file
 * exports again, `export * as ns`) or one it re-exports changed since (`stale`); undefined where
 * no described file is reached (a plain file).
 */
function followUndescribed(
  file: string,
  base: string,
  files: Record<string, FactTable>,
  same: (path: string, stamp: string) => boolean,
  stamps?: Record<string, string>,
  depth = 0,
  seen = new Set<string>(),
):
  | { table: FactTable; key: string | undefined }
  | { problem: "stale" | "unfollowed"; file: string }
  | undefined {
  const relOf = (p: string) => relative(base, p).split("\\").join("/");
  if (depth > UNDESCRIBED_DEPTH || seen.has(file)) return undefined;
  seen.add(file);
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const scan = scanModule(source);
  const table: FactTable = {};
  let key: string | undefined;
  let reached = false;
  const target = (from: string): string | undefined =>
    from.startsWith("./") || from.startsWith("../") ? resolve(dirname(file), from) : undefined;
  for (const re of scan.reExports) {
    const path = target(re.from);
    if (path === undefined) continue;
    const rel = relOf(path);
    let sub: FactTable | undefined;
    let subKey: string | undefined;
    if (Object.hasOwn(files, rel)) {
      const stamp = stamps?.[rel];
      if (typeof stamp === "string" && !same(path, stamp)) return { problem: "stale", file: rel };
      sub = files[rel];
      subKey = rel;
    } else {
      const deeper = followUndescribed(path, base, files, same, stamps, depth + 1, seen);
      if (deeper && "problem" in deeper) return deeper;
      sub = deeper?.table;
      subKey = deeper?.key;
    }
    if (!sub) continue;
    if (re.namespace !== undefined) return { problem: "unfollowed", file: subKey ?? rel };
    reached = true;
    if (re.names === undefined) {
      // `export *` carries no `default`, and never over a name the module exports itself.
      for (const [name, fact] of Object.entries(sub))
        if (name !== "default" && !scan.ownExports.has(name) && !Object.hasOwn(table, name))
          table[name] = fact;
      key = scan.reExports.length === 1 && scan.ownExports.size === 0 ? subKey : undefined;
    } else {
      for (const [exported, imported] of re.names)
        if (Object.hasOwn(sub, imported)) table[exported] = sub[imported];
    }
  }
  // A described file imported and exported again as a binding (`import { load } from
  // "./dist/index.js"; export { load }`): not followed, said.
  if (scan.mayExportBindings)
    for (const i of scan.imports) {
      if (scan.reExports.some((re) => re.from === i.specifier)) continue;
      const path = target(i.specifier);
      if (path !== undefined && Object.hasOwn(files, relOf(path)))
        return { problem: "unfollowed", file: relOf(path) };
    }
  return reached ? { table, key } : undefined;
}

const IMPORT_FIRST = ["import", "node", "default", "require"];
const REQUIRE_FIRST = ["require", "node", "default", "import"];

/**
 * Every file a package subpath may lead to at run time: what `import` reaches and what
 * `require` reaches (one file, or two for a dual package). The build cannot know which one a
 * call will meet — an `import` compiled to CommonJS later is a `require` — so a fact read from
 * the package's text must hold in each (twins by name, analysis/export-names.ts).
 */
export function packageTargets(packageJson: Record<string, unknown>, subpath: string): string[] {
  const out = new Set<string>();
  for (const order of [IMPORT_FIRST, REQUIRE_FIRST]) {
    const t = packageTarget(packageJson, subpath, order);
    if (t !== undefined) out.add(t);
  }
  return [...out];
}

/**
 * An `"exports"` target as the path Node reads it as, a URL for an import and a require() alike
 * (resolve.ts `targetPath`; attack35 F01).
 */
function asPath(target: string | undefined): string | undefined {
  return target === undefined ? undefined : targetPath(target);
}

/** The file a package subpath leads to, through `exports` (ESM conditions first) or `main`. */
export function packageTarget(
  packageJson: Record<string, unknown>,
  subpath: string,
  conditions: readonly string[] = IMPORT_FIRST,
): string | undefined {
  const pick = (v: unknown): string | undefined => {
    if (typeof v === "string") return v;
    // A fallback array: the first target that is one (Node takes the first valid target).
    if (Array.isArray(v)) {
      for (const each of v) {
        const hit = pick(each);
        if (hit) return hit;
      }
      return undefined;
    }
    if (v && typeof v === "object") {
      for (const c of conditions) {
        const hit = pick((v as Record<string, unknown>)[c]);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  const exp = packageJson.exports;
  if (exp !== undefined) {
    if (
      typeof exp === "string" ||
      (typeof exp === "object" && exp && !Object.keys(exp).some((k) => k.startsWith(".")))
    ) {
      return subpath === "." ? asPath(pick(exp)) : undefined;
    }
    // Exact keys, else the `*` pattern with the longest prefix, `*` replaced in the target as
    // Node does (`"./sub/*": "./dist/sub/*.js"`; fixture modules/package-exports-pattern).
    const entry = mapEntry(exp as Record<string, unknown>, subpath);
    const target = entry ? pick(entry.target) : undefined;
    return asPath(
      target !== undefined && entry?.rest !== undefined ? target.replaceAll("*", entry.rest) : target,
    );
  }
  // Node's ES module loader reads `"main"` as a URL, its CommonJS loader as a path (resolve.ts
  // `legacyMainFile`).
  const main = mainEntry(packageJson, subpath);
  if (conditions[0] !== "import") return main;
  // A deep subpath too, where it names a file as a URL (resolve.ts `packageFile`, attack36 F13).
  return subpath === "." ? targetPath(main) : (targetPath(main) ?? main);
}

/** A manifest keyed by compiled file, as `smartasync build` writes it. */
export function buildFileManifest(files: Record<string, ModuleFacts>): Manifest {
  const byFile = buildManifest(files);
  return {
    version: 1,
    files: byFile.exports ?? {},
    ...(byFile.methods ? { methods: byFile.methods } : {}),
    ...(byFile.namespaces ? { namespaces: byFile.namespaces } : {}),
    ...(byFile.nested ? { nested: byFile.nested } : {}),
    ...(byFile.picked ? { picked: byFile.picked } : {}),
    ...(byFile.blocking ? { blocking: byFile.blocking } : {}),
    ...(byFile.globals ? { globals: byFile.globals } : {}),
    ...(byFile.listed ? { listed: byFile.listed } : {}),
  };
}

/** Builds a manifest from the facts of a package's entry modules (used by `smartasync build`). */
export function buildManifest(entries: Record<string, ModuleFacts>): Manifest {
  const manifest: Manifest & { exports: Record<string, FactTable> } = { version: 1, exports: {} };
  const methods: Record<string, FunctionKind[]> = {};
  const tableOf = (facts: ModuleFacts): FactTable => {
    const table: FactTable = {};
    for (const [exported, { from: _from, ...rest }] of facts.exports) table[exported] = rest;
    return table;
  };
  for (const [subpath, facts] of Object.entries(entries)) {
    manifest.exports[subpath] = tableOf(facts);
    if (facts.namespaces?.size) {
      manifest.namespaces ??= {};
      manifest.namespaces[subpath] = Object.fromEntries(
        [...facts.namespaces].map(([ns, f]) => [ns, tableOf(f)]),
      );
      // Deeper ones by their path (they were once left out: `A.B.f()` of a built package was
      // plain JavaScript to its importers).
      const nested: { path: string[]; exports: FactTable }[] = [];
      const walk = (path: string[], f: ModuleFacts): void => {
        for (const [name, inner] of f.namespaces ?? []) {
          nested.push({ path: [...path, name], exports: tableOf(inner) });
          walk([...path, name], inner);
        }
      };
      for (const [ns, f] of facts.namespaces) walk([ns], f);
      if (nested.length) {
        manifest.nested ??= {};
        manifest.nested[subpath] = nested;
      }
    }
    if (facts.picked?.size) {
      manifest.picked ??= {};
      manifest.picked[subpath] = Object.fromEntries(
        [...facts.picked].map(([exported, { from: _from, ...rest }]) => [exported, rest]),
      );
    }
    if (facts.blocking?.size) {
      manifest.blocking ??= {};
      manifest.blocking[subpath] = Object.fromEntries(
        [...facts.blocking].map(([exported, { from: _from, ...rest }]) => [exported, rest]),
      );
    }
    if (facts.globals?.size) {
      manifest.globals ??= {};
      manifest.globals[subpath] = tableOf({ exports: facts.globals, methods: new Map() });
    }
    if (facts.listed?.size) {
      manifest.listed ??= {};
      manifest.listed[subpath] = Object.fromEntries(
        [...facts.listed].map(([exported, { from: _from, ...rest }]) => [exported, rest]),
      );
    }
    for (const [m, kinds] of facts.methods)
      methods[m] = [...new Set([...(methods[m] ?? []), ...kinds])].sort();
  }
  if (Object.keys(methods).length) manifest.methods = methods;
  return manifest;
}
