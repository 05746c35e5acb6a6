import type { types as t } from "@babel/core";
import { type ScannedImport, scanModule } from "../import-scan.js";
import type { BlockingFact, ExportFact, ListedHolder, ModuleFacts, PickedHolder } from "../module-facts.js";
import { exportedVariant } from "../naming.js";
import type { Options } from "../options.js";
import type { FunctionKind } from "../strategy.js";
import {
  blockingExports,
  buildIndex,
  exportedImportedBlocking,
  exportedPlainUnits,
  exportedSecondName,
  exportedValueOf,
  rebound,
} from "./calls.js";
import { unboundedWhy } from "./checks.js";
import { type Ctx, keyName } from "./ctx.js";
import { exportFactOf, unfollowedFactOf } from "./export-fact.js";
import { ownExportNames } from "./export-names.js";
import {
  type Carrying,
  carryReExport,
  cjsReExports,
  declaredExportName,
  type ExportUse,
  equalsFact,
  esReExports,
  excludeAmbiguousStars,
  exportedImports,
  exportedNames,
  exportedNamespaces,
  indexExports,
  type ReExportRule,
  reassignedExportFacts,
  type ValueExport,
  valueExportFacts,
} from "./exports.js";
import { globalFunctionsOf } from "./global-names.js";
import { addKinds, exportedMethods, pickedHolders } from "./held.js";
import type { ImportedFns } from "./imported.js";
import type { SaFunction } from "./model.js";
import { exportedListed } from "./object-reflection.js";
import { type Binding, patternNames } from "./scope.js";
import type { Node } from "./tree.js";
import { tsNamespaceExports } from "./ts-namespaces.js";
import { isExportsObject, memberName, strip } from "./view.js";
import { isCommonJsSource } from "./worker-imports.js";

/**
 * A module whose text was parsed and whose annotations were collected: the file being compiled
 * (analyse.ts, after every pass) or a module an importer reads (module-graph.ts, its bodies
 * analysed only in the facts phase).
 */
export interface AnalysedModule {
  ctx: Ctx;
  fns: SaFunction[];
  /** How module-level names are exported (`indexExports`). */
  uses: Map<string, ExportUse>;
  /** Exports of other expressions (`indexExports`' `values`). */
  values: ValueExport[];
  /**
   * What it imports, for the facts of imported functions it exports again: with their
   * strategies when the facts carry strategies (the graph's own reads of a module's imports are
   * shapes, for its leaves).
   */
  imported: ImportedFns;
}

/** How the facts of a module are computed: what differs between the compile and the graph. */
export interface FactsHow {
  /** The module's own options (its variant names). */
  options: Options;
  /** Whether the facts carry strategies (export-fact.ts: the graph's first phase has none). */
  withStrategies: boolean;
  /** The module is CommonJS: its exports are copies, its barrels `require`s (`isCommonJsSource`). */
  commonjs: boolean;
  /** Its re-exports, ES and CommonJS, in the order they are carried. */
  reExports: readonly ReExportRule[];
  /** The facts of the module a re-export names. */
  targetOf: (re: ReExportRule) => ModuleFacts;
  /** The names the module's text exports by its own declarations (import-scan's `ownExports`). */
  ownExports: () => ReadonlySet<string>;
  /** Names an `export *` does not carry: the module exports them itself (`shadowingNames`). */
  shadowed: (name: string) => boolean;
  /** Whether an inline variant blocks on a worker through an import read as a shape (module-graph.ts). */
  blocks?: (fn: SaFunction) => boolean;
  /** Where the graph keeps why a name cannot be followed; the compile keeps none (a manifest has none). */
  problems?: Map<string, string>;
  /** How many of `reExports`, first, are ES (`export … from`): a CommonJS star copies, first one wins. */
  esCount: number;
  /** Every name a re-exported module exports (a plain module's too), as far as its text proves. */
  namesOf: (from: string) => ReadonlySet<string> | undefined;
  /** What a re-exported module binds a name to, by the texts (`exportOrigin`); absent: not read. */
  starOrigin?: (from: string, name: string) => string | null | undefined;
  /** The module's imports of every kind (static, type-only, `require`, `import()`), by its text. */
  imports: () => readonly ScannedImport[];
  /** The smartasync method names of the module an import names (`methods` of its facts). */
  methodsOf: (specifier: string) => Map<string, Set<FunctionKind>> | undefined;
  /** The globals the module an import names sets to smartasync functions (`globals` of its facts). */
  globalsOf: (specifier: string) => Map<string, ExportFact> | undefined;
}

/**
 * What a module exports to importers: its own annotated functions (under every name it exports
 * them by), imported ones it exports again, its namespaces, the literals that hold one at a
 * place picked at run time, then what its re-exports carry. The one rule for the file being
 * compiled (`factsOfFile`, also what a build's manifest writes) and for the graph's read of an
 * import (module-graph.ts), so an importer of a built package reads what an importer of its
 * source reads. `file` is absent for a module the graph does not parse (its re-exports only,
 * read from its text).
 */
export function moduleFactsOf(file: AnalysedModule | undefined, how: FactsHow): ModuleFacts {
  const exports = new Map<string, ExportFact>();
  const methods = new Map<string, Set<FunctionKind>>();
  const namespaces = new Map<string, ModuleFacts>();
  const picked = new Map<string, PickedHolder>();
  const blocking = new Map<string, BlockingFact>();
  /** Exported names of the module's own annotated functions (their variants are its own too). */
  const local = new Set<string>();
  /** Names re-exported by name from a module where they are not a variant (`export { loadSync } from "./other"`). */
  const foreign = new Set<string>();
  const listed = new Map<string, ListedHolder>();
  if (file) ownFacts(file, how, { exports, methods, namespaces, picked, blocking, listed }, local);
  // Globals it sets to a smartasync function: importers' bare calls of them are SA206 (global-names.ts).
  // A copy: the imports' globals are added below, and the module's own map is global-names.ts's.
  const globals = new Map(
    file ? globalFunctionsOf(file.ctx, file.fns, { buildIndex, exportedValueOf }) : undefined,
  );
  const into: Carrying = {
    exports,
    methods,
    picked,
    namespaces,
    blocking,
    foreign,
    listed,
    ...(how.problems ? { problems: how.problems } : {}),
  };
  // ES `export *`s giving one name from different bindings leave it out (attack 17, F7).
  const stars: { re: ReExportRule; target: ModuleFacts }[] = [];
  for (const [i, re] of how.reExports.entries()) {
    const target = how.targetOf(re);
    carryReExport(into, re, target, how.options, how.shadowed);
    if (i < how.esCount && !re.names && re.namespace === undefined) stars.push({ re, target });
  }
  excludeAmbiguousStars(into, stars, how.shadowed, how.namesOf, how.starOrigin);
  // Objects of the classes an import annotates reach importers through this module (`class Sub
  // extends Base`, `return new Base()`, a parameter typed by an `import type`): their method
  // names are carried with its own, on through the imports, so a module further on dispatches
  // `sub.load()` (attack25 F14, fixture modules/inherited-method-through-import).
  // A name the module exports as its own function comes back only through an import cycle (the
  // other module hands this module's namespace on, `escapedNamespaces`): importers reach it as
  // an export, and the graph, entered at this module, does not see it (fixture
  // modules/cycle-dispatch-unmarked).
  // So do the globals an import sets to a smartasync function, itself or through its own imports:
  // running this module runs it, so a bare `gl()` of a module that imports this one (and of one
  // further on) calls the global without its variant, SA206 as for a direct import (issue 13,
  // fixture modules/global-second-name-indirect). The first setting of a name counts.
  for (const { specifier } of how.imports()) {
    const more = how.methodsOf(specifier);
    if (more) for (const [m, kinds] of more) if (!local.has(m)) addKinds(methods, new Map([[m, kinds]]));
    for (const [name, g] of how.globalsOf(specifier) ?? []) if (!globals.has(name)) globals.set(name, g);
  }
  // A re-exported smartasync function whose variant name the module also declares itself
  // (`export * from "./a"; export function loadSync() {}`) or re-exports from a module where
  // it is no variant (`export { loadSync } from "./other"`): importers would reach that
  // unrelated function for the variant, so the name is not followed through this module, and
  // a call of it is SA204 at the import (the compile adds no variant export there either:
  // exports.ts `reExportVariants`).
  for (const [name, fact] of exports) {
    if (local.has(name) || !fact.variant) continue;
    if (!how.ownExports().has(fact.variant) && !foreign.has(fact.variant)) continue;
    exports.delete(name);
    how.problems?.set(
      name,
      `exports a ${fact.variant} of its own beside ${name}, so the variant of ${name} (from ${fact.from}) cannot be reached through it; import ${name} from where it is defined, or rename that ${fact.variant}`,
    );
  }
  return {
    exports,
    methods,
    ...(namespaces.size ? { namespaces } : {}),
    // A module with nothing smartasync for importers has the empty facts, whatever its module
    // system: the compile's fast path reports none for it (facts-one-rule, fixture
    // cjs/re-exported-module-object's setup.cjs).
    ...(how.commonjs &&
    (exports.size || methods.size || namespaces.size || picked.size || blocking.size || globals.size)
      ? { commonjs: true }
      : {}),
    ...(picked.size ? { picked } : {}),
    ...(blocking.size ? { blocking } : {}),
    ...(globals.size ? { globals } : {}),
    ...(listed.size ? { listed } : {}),
  };
}

/**
 * Exports of a module-level name that may hold a smartasync function under that other name,
 * however it was written (`export const fetchIt = load`, `export let later; later = load`, `export
 * const { load: p } = { load }`, `export const c = cond ? load : null`, `const alias = load;
 * module.exports = { alias }`): importers get a fact that says why their calls are not followed
 * (SA206), as a call of that name in the module is (fixture modules/exported-second-name, attack29
 * F11).
 */
function secondNameExports(
  ctx: Ctx,
  fns: SaFunction[],
  uses: Map<string, ExportUse>,
  values: ValueExport[],
): Map<string, ExportFact> {
  const out = new Map<string, ExportFact>();
  const locals = new Map<string, string[]>();
  const add = (local: string, exported: string[]) =>
    locals.set(local, [...(locals.get(local) ?? []), ...exported]);
  for (const s of ctx.program.body as Node[])
    if (s.type === "ExportNamedDeclaration" && s.declaration?.type === "VariableDeclaration")
      for (const d of s.declaration.declarations)
        for (const id of patternNames(d.id as Node)) add(id.name, [id.name]);
  for (const [local, use] of uses) add(local, exportedNames(use));
  if (locals.size === 0 && values.length === 0) return out;
  const index = buildIndex(ctx, fns);
  const set = (name: string, held: NonNullable<ReturnType<typeof exportedValueOf>>, unfollowed: string) =>
    out.set(name, unfollowedFactOf(held, ctx.fileName, unfollowed));
  for (const [local, names] of locals) {
    const b = ctx.scopes.program.bindings.get(local);
    // A read of the module's own export is told as one first (below): calls.ts reads
    // `exports.load` as an unfollowed member too (`ownExportCalled`), with a vaguer reason.
    const read = b ? ownExportOfBinding(b) : undefined;
    const fn = read && exportedOwn(fns, uses, read.key);
    const held = b && !fn ? exportedSecondName(ctx, index, b) : undefined;
    if (held)
      for (const name of names)
        set(
          name,
          held,
          `it is exported as \`${name}\`, a second name the module gives it (\`${local}\`, line ${held.line}), without its variant; export the function by its own name`,
        );
    // `const l = exports.load; module.exports.a = l`, `const { load: a } = exports; exports.a = a`:
    // a name read back from the module's own exports (fixture cjs/exports-alias-through-local).
    if (read && fn)
      for (const name of names)
        set(
          name,
          { name: fn.display, kind: fn.kind, fn },
          `it is exported as \`${name}\`, a second name the module gives it (\`${local}\`, read from \`${read.text}\` at line ${read.line}), without its variant; export the function by its own name (\`exports.${name} = ${fn.name}\`)`,
        );
  }
  // `export default c ? load : null`, `module.exports = lib.load`: the value of an expression.
  for (const { exported, value } of values) {
    if (out.has(exported)) continue;
    const read = ownExportRead(value);
    const fn = read && exportedOwn(fns, uses, read.key);
    const held = fn ? undefined : exportedValueOf(ctx, index, value);
    if (held)
      set(
        exported,
        held,
        `it is exported as \`${exported}\`, the value of an expression (line ${value.loc?.start.line ?? 0}), without its variant; export the function by its own name`,
      );
    // `exports.alias = exports.load` (`module.exports.` either side, a literal key, `Object.assign(exports,
    // { alias: exports.load })`, `Object.defineProperty(exports, "alias", { value: exports.load })`,
    // `.bind(…)` of it): a second name read back from the module's own exports, whatever
    // `exports.load` holds by then: as `export const alias = load`, its importers' calls are
    // SA206, never silently plain (fixtures cjs/exports-member-alias, cjs/exports-computed-alias,
    // cjs/exports-alias-assign-define).
    if (read && fn)
      set(
        exported,
        { name: fn.display, kind: fn.kind, fn },
        `it is exported as \`${exported}\`, a second name the module gives it (\`${read.text}\`, line ${value.loc?.start.line ?? 0}), without its variant; export the function by its own name (\`exports.${exported} = ${fn.name}\`)`,
      );
  }
  return out;
}

/** A read of the module's own export (`exports.load`, `module.exports["load"]`, `exports.load.bind(x)`): its key, as written. */
function ownExportRead(value: Node): { key: string; text: string } | undefined {
  let v = strip(value);
  // `exports.load.bind(null)`: the same function under another name, as `load.bind(null)` is.
  if (
    v.type === "CallExpression" &&
    (v.callee as Node).type === "MemberExpression" &&
    memberName(v.callee as Node) === "bind"
  )
    v = strip((v.callee as t.MemberExpression).object as Node);
  if (v.type !== "MemberExpression" || !isExportsObject(v.object as Node)) return undefined;
  const key = memberName(v);
  return key === undefined ? undefined : { key, text: `${exportsText(v)}.${key}` };
}

/**
 * The export a module-level name is given from the module's own exports, where it is declared
 * (`const l = exports.load`, `const { load: l } = module.exports`: fixture
 * cjs/exports-alias-through-local) or by a later write (`let l; l = exports.load`, `({ load: l } =
 * exports)`: fixture cjs/exports-alias-later-write); the first such write counts.
 */
function ownExportOfBinding(b: Binding): { key: string; text: string; line: number } | undefined {
  const d = b.node;
  const writes: [Node, Node, Node][] = [];
  if (d.type === "VariableDeclarator" && d.init) writes.push([d.id as Node, d.init as Node, d]);
  for (const v of b.violations)
    if (v.type === "AssignmentExpression" && v.operator === "=")
      writes.push([v.left as Node, v.right as Node, v]);
  for (const [id, value, at] of writes) {
    const read = ownExportReadTo(b.name, id, value);
    if (read) return { ...read, line: at.loc?.start.line ?? 0 };
  }
  return undefined;
}

/** `l = exports.load`, `{ load: l } = module.exports`: the own export `name` is given by `id = value`. */
function ownExportReadTo(name: string, id: Node, value: Node): { key: string; text: string } | undefined {
  if (id.type === "Identifier") return id.name === name ? ownExportRead(value) : undefined;
  const init = strip(value);
  if (id.type !== "ObjectPattern" || !isExportsObject(init)) return undefined;
  for (const p of (id as t.ObjectPattern).properties) {
    if (p.type !== "ObjectProperty") continue;
    const v = (p.value.type === "AssignmentPattern" ? p.value.left : p.value) as Node;
    const key = keyName(p as { key: Node; computed?: boolean });
    if (v.type === "Identifier" && v.name === name && key !== undefined)
      return { key, text: `${init.type === "Identifier" ? "exports" : "module.exports"}.${key}` };
  }
  return undefined;
}

/** The module's own smartasync function exported under `name` (`exports.load = load`, `export { f as load }`). */
function exportedOwn(fns: SaFunction[], uses: Map<string, ExportUse>, name: string): SaFunction | undefined {
  for (const f of fns) {
    if (f.form !== "function" && f.form !== "const") continue;
    if ((f.exportDecl && declaredExportName(f) === name) || exportedNames(uses.get(f.name)).includes(name))
      return f;
  }
  return undefined;
}

/** `exports` or `module.exports`, as the member `v` of the exports object names it. */
function exportsText(v: Node): string {
  return (v as t.MemberExpression).object.type === "Identifier" ? "exports" : "module.exports";
}

/** The facts of a module's own declarations and exports, re-exports aside (moduleFactsOf). */
function ownFacts(
  m: AnalysedModule,
  how: FactsHow,
  into: Pick<Carrying, "exports" | "methods" | "namespaces" | "picked" | "blocking"> & {
    listed: Map<string, ListedHolder>;
  },
  local: Set<string>,
): void {
  const { ctx, fns, uses, values, imported } = m;
  const { exports, methods, namespaces, picked, blocking, listed } = into;
  const ts = tsNamespaceExports(ctx, fns, how.withStrategies);
  // A function annotated inside a TypeScript namespace is reached through the namespace (below),
  // not by its name; a later declaration of a name is the one exported.
  const byName = new Map(
    fns
      .filter((f) => (f.form === "function" || f.form === "const") && !(f.stmt && ts.inside.has(f.stmt)))
      .map((f) => [f.name, f]),
  );
  for (const [name, use] of uses) {
    const f = use.exportEquals ? byName.get(name) : undefined;
    if (f) exports.set("default", equalsFact(f, ctx));
  }
  const exported = new Map<string, SaFunction>();
  for (const f of byName.values()) if (f.exportDecl) exported.set(declaredExportName(f), f);
  for (const [name, f] of byName) for (const e of exportedNames(uses.get(name))) exported.set(e, f);
  let replaced: string | undefined | null = null;
  for (const [name, f] of exported) {
    local.add(name);
    // Asked only of a module that exports a function: the walk reads the whole tree.
    if (how.commonjs && replaced === null) replaced = moduleAsValue(ctx);
    const unfollowed = how.commonjs ? (replaced ?? writtenTwice(m, name, f)) : reboundExport(ctx, f);
    exports.set(
      name,
      exportFactOf(f, ctx.fileName, how.withStrategies, {
        variant: exportedVariant(name, f.name, f.variant, f.kind, how.options, f.explicitVariant),
        blocks: how.blocks?.(f),
        ...(unfollowed !== undefined ? { unfollowed } : {}),
        ...(how.withStrategies ? unboundedOf(ctx, f) : {}),
      }),
    );
  }
  // An annotated function exported only by a write under a condition or in a function (`if
  // (typeof module !== "undefined") module.exports.load = load`, the UMD guard): whether
  // importers get it is decided at run time, so their calls stay plain with SA206, never
  // silently (attack29 F12, fixture cjs/conditional-export).
  if (how.commonjs && byName.size > 0) {
    if (replaced === null) replaced = moduleAsValue(ctx);
    for (const f of byName.values()) {
      const only = new Map<string, number>();
      laterExportWrites(ctx, f.name, only);
      for (const [name, line] of only) {
        if (exported.has(name) || exports.has(name)) continue;
        exports.set(
          name,
          exportFactOf(f, ctx.fileName, how.withStrategies, {
            variant: exportedVariant(name, f.name, f.variant, f.kind, how.options, f.explicitVariant),
            unfollowed:
              replaced ??
              `${ctx.fileName} exports \`${name}\` only at line ${line}, under a condition or in a function, so whether importers get it is decided at run time`,
          }),
        );
      }
    }
  }
  // `import { f } from "./a"; export { f }`: the facts of `./a`'s `f` (fixture modules/export-imported).
  for (const e of exportedImports(ctx, imported, uses))
    if (!exports.has(e.exported)) exports.set(e.exported, { ...e.ref.fact, variant: e.variant });
  for (const [name, facts] of exportedNamespaces(imported, uses)) namespaces.set(name, facts);
  // `export namespace Api {…}`, `export import Inner = Api`, `export import load = Api.load`.
  for (const [name, facts] of ts.namespaces) if (!namespaces.has(name)) namespaces.set(name, facts);
  for (const [name, fact] of ts.aliases) if (!exports.has(name)) exports.set(name, fact);
  // `export = Tools` (a namespace): its members are the module's (attack29 F07).
  if (ts.exportEquals) {
    for (const [name, fact] of ts.exportEquals.exports) if (!exports.has(name)) exports.set(name, fact);
    for (const [name, facts] of ts.exportEquals.namespaces ?? [])
      if (!namespaces.has(name)) namespaces.set(name, facts);
  }
  for (const [name, fact] of valueExportFacts(imported, values))
    if (!exports.has(name)) exports.set(name, fact);
  for (const [name, fact] of reassignedExportFacts(ctx, fns, imported, uses))
    if (!exports.has(name)) exports.set(name, fact);
  for (const [name, fact] of secondNameExports(ctx, fns, uses, values))
    if (!exports.has(name)) exports.set(name, fact);
  addKinds(methods, exportedMethods(ctx, fns, imported));
  // Its exported objects and classes holding annotated methods: an importer's listing of their
  // properties is SA213 (object-reflection.ts).
  for (const [name, l] of exportedListed(ctx, fns, (local) => exportedNames(uses.get(local))))
    listed.set(name, l);
  // Literals holding a smartasync function at a place picked at run time: a built package's
  // manifest carries them, so its importers get SA206 as importers of its source do.
  for (const [name, p] of pickedHolders(ctx, fns, (l) => exportedNames(uses.get(l)))) picked.set(name, p);
  // Plain functions and classes whose call blocks on a worker (calls.ts `markSyncBodyBlocks`,
  // asked with the strategies): only those get an entry (attack20 F7).
  if (how.withStrategies)
    for (const [name, n] of blockingExports(ctx, exportedPlainUnits(ctx, fns, uses)))
      if (!exports.has(name))
        blocking.set(name, {
          name: localNameOf(ctx, n) ?? name,
          ...(n.type === "ClassDeclaration" || n.type === "ClassExpression" ? { class: true as const } : {}),
          from: ctx.fileName,
        });
  // Another module's, exported again (`export { len }` of an import, `export const H3 = { len }`).
  if (how.withStrategies)
    for (const [name, f] of exportedImportedBlocking(ctx, imported, uses))
      if (!exports.has(name) && !blocking.has(name)) blocking.set(name, f);
  for (const f of fns) {
    if (f.form !== "class-method" && f.form !== "object-method") continue;
    const kinds = methods.get(f.name) ?? new Set<FunctionKind>();
    kinds.add(f.kind);
    methods.set(f.name, kinds);
  }
}

/** The name a function or class is declared by (`function f`, `const f = () => …`), if any. */
function localNameOf(ctx: Ctx, n: Node): string | undefined {
  const id = (n as t.FunctionDeclaration | t.ClassDeclaration).id;
  if (id) return id.name;
  const p = ctx.tree.parent(n);
  return p?.type === "VariableDeclarator" && p.id.type === "Identifier" ? p.id.name : undefined;
}

/**
 * Names an `export *` of the module carries none of (ES semantics: the module's own `load`
 * wins over the one `export * from "./a"` would carry): what it exports itself — by the text
 * scan's first name of each declaration, and every name where the module is parsed (`export
 * const version = 1, load = …`: fixture modules/barrel-shadow-second-declarator) — and what it
 * re-exports by name or as a namespace.
 */
export function shadowingNames(
  ownExports: ReadonlySet<string>,
  program: { body: Node[] } | undefined,
  path: string,
  reExports: readonly ReExportRule[],
): Set<string> {
  const out = new Set(ownExports);
  if (program) for (const n of ownExportNames(program, path)) out.add(n);
  for (const re of reExports) {
    if (re.names) for (const exported of re.names.keys()) out.add(exported);
    else if (re.namespace !== undefined) out.add(re.namespace);
  }
  return out;
}

/**
 * What the file being compiled exports that is smartasync, its own functions and what it
 * re-exports: its facts as the graph would read them (moduleFactsOf), from the analysis' own
 * strategies and the facts of its imports.
 */
export function factsOfFile(
  ctx: Ctx,
  fns: SaFunction[],
  imported: ImportedFns,
  uses: Map<string, ExportUse>,
): ModuleFacts {
  const values: ValueExport[] = [];
  indexExports(ctx.program, values);
  const commonjs = isCommonJsSource(ctx.program, ctx.filename, ctx.code);
  const es = esReExports(ctx.program);
  const reExports: ReExportRule[] = [...es, ...(commonjs ? cjsReExports(ctx) : [])];
  const filename = ctx.filename;
  // The text scan is read only where a rule needs it (a re-export, or an imported function
  // exported again): most compiled files have neither.
  let text: ReturnType<typeof scanModule> | undefined;
  const scanned = () => {
    text ??= scanModule(ctx.code);
    return text;
  };
  let shadowing: Set<string> | undefined;
  return moduleFactsOf(
    { ctx, fns, uses, values, imported },
    {
      options: ctx.options,
      withStrategies: true,
      commonjs,
      reExports,
      targetOf: (re) => imported.factsOf(re.from),
      esCount: es.length,
      namesOf: (from) => (filename ? ctx.graph?.exportNames(from, filename)?.names : undefined),
      ...(filename && ctx.graph
        ? { starOrigin: (from: string, name: string) => ctx.graph?.starOrigin(from, name, filename) }
        : {}),
      imports: () => scanned().imports,
      methodsOf: (specifier) => imported.factsOf(specifier).methods,
      globalsOf: (specifier) => imported.factsOf(specifier).globals,
      ownExports: () => scanned().ownExports,
      shadowed: (name) => {
        shadowing ??= shadowingNames(
          scanned().ownExports,
          ctx.program as unknown as { body: Node[] },
          ctx.filename ?? ctx.fileName,
          reExports,
        );
        return shadowing.has(name);
      },
    },
  );
}

// ——— Why an export of the module's own function is not followed ———

/**
 * Why an exported annotated function of an ES module may not be the value importers see when
 * they call it: its module assigns the binding (`load = stub`) or declares it again. An ES export
 * is a live binding, so each importer sees the new value; the importer's calls are then not
 * rewritten to the original's variant (SA206 where a value is wanted), as in the module itself.
 * (A CommonJS export copies the value: reassigning the local later does not reach importers.)
 */
function reboundExport(ctx: Ctx, f: SaFunction): string | undefined {
  if (f.form !== "function" && f.form !== "const") return undefined;
  const binding = ctx.scopes.binding(ctx.program, f.name);
  const why = binding ? rebound(ctx, binding, ctx.program) : undefined;
  return why
    ? `${why} of ${ctx.fileName}, which exports it as a live binding; call a function its module never reassigns`
    : undefined;
}

/**
 * Where a CommonJS module uses `module` as a value (`const m = module`, `Reflect.set(module,
 * "exports", …)`, `f(module)`) rather than reading a member of it: the object it exports may be
 * replaced there, so no export read from its text can be trusted to be the one importers get
 * (their calls stay plain, SA206 where a value is wanted).
 */
function moduleAsValue(ctx: Ctx): string | undefined {
  let found: Node | undefined;
  // The compile's tree may leave functions closed (lazy.ts): the walk passes them by, and the
  // analysis is redone on the whole tree only if one of them mentions `module` (a walk into
  // them would redo it for every CommonJS file that exports a function).
  ctx.tree.watched.add("module");
  ctx.tree.walk(
    ctx.program,
    (n) => {
      if (found) return false;
      if (n.type !== "Identifier" || n.name !== "module") return undefined;
      const p = ctx.tree.parent(n);
      if (!p) return undefined;
      // `module.exports`, `module.id`: a member read or written through `module` itself.
      if ((p.type === "MemberExpression" || p.type === "OptionalMemberExpression") && p.object === n) {
        // `module[key]` may be `module["exports"]`: counted as a value use (a literal key is not).
        if (p.computed && (p.property as Node).type !== "StringLiteral") found = n;
        return undefined;
      }
      // Not a reference: a property key or a member's name (`x.module`, `{ module: 1 }`).
      if ((p.type === "MemberExpression" || p.type === "OptionalMemberExpression") && p.property === n)
        return undefined;
      if (
        (p.type === "ObjectProperty" ||
          p.type === "ClassProperty" ||
          p.type === "ObjectMethod" ||
          p.type === "ClassMethod") &&
        p.key === n &&
        !p.computed
      )
        return undefined;
      if (p.type === "UnaryExpression" && p.operator === "typeof") return undefined;
      // `require.main === module`: compared, not changed.
      if (p.type === "BinaryExpression" && ["===", "!==", "==", "!="].includes(p.operator)) return undefined;
      if (ctx.scopes.binding(n, "module")) return undefined;
      found = n;
      return undefined;
    },
    true,
  );
  if (!found) return undefined;
  const line = found.loc?.start.line ?? 0;
  return `${ctx.fileName} uses \`module\` as a value at line ${line}, so what it exports at run time is not what its text says`;
}

/**
 * Writes of CommonJS export names that the module's top-level export statements (indexExports)
 * do not list: one under a condition or in a function (`if (OFFLINE) module.exports.load = stub`,
 * `function goOffline() { exports.load = stub }`) and `Object.assign(module.exports, c ? { load:
 * stub } : {})`, whose branches are read key by key (attack 17, F5). Whether they run is decided
 * at run time, so the name's value is not proven: exported name → line of the first such write.
 * A write of `fn` itself (`exports.load = load` again) changes nothing and is not one.
 */
function laterExportWrites(ctx: Ctx, fn: string, same?: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of exportWritesOf(ctx)) {
    if (out.has(w.name)) continue;
    if (w.value === fn) {
      if (!same?.has(w.name)) same?.set(w.name, w.line);
      continue;
    }
    out.set(w.name, w.line);
  }
  return out;
}

/** A write of a CommonJS export name outside the top-level export statements (laterExportWrites). */
interface ExportWrite {
  name: string;
  line: number;
  /** The name of the value written, where it is an identifier. */
  value?: string;
}

/** The module's export writes, in tree order, walked once per tree (asked per function and name). */
const exportWrites = new WeakMap<Ctx["tree"], ExportWrite[]>();

function exportWritesOf(ctx: Ctx): ExportWrite[] {
  const kept = exportWrites.get(ctx.tree);
  if (kept) return kept;
  const writes: ExportWrite[] = [];
  const note = (name: string | undefined, at: Node, value: Node | undefined): void => {
    if (name === undefined) return;
    writes.push({
      name,
      line: at.loc?.start.line ?? 0,
      ...(value?.type === "Identifier" ? { value: value.name } : {}),
    });
  };
  const exportsObject = (n: Node): boolean =>
    isExportsObject(n) && !ctx.scopes.binding(n, n.type === "Identifier" ? "exports" : "module");
  const topLevel = (n: Node): boolean => {
    const p = ctx.tree.parent(n);
    return p?.type === "ExpressionStatement" && ctx.tree.parent(p)?.type === "Program";
  };
  // The literal keys an `Object.assign` source may hold, through `?:`, `||`, `&&` and `??`.
  const keys = (n: Node, at: Node): void => {
    const e = strip(n);
    if (e.type === "ConditionalExpression") {
      keys(e.consequent as Node, at);
      keys(e.alternate as Node, at);
    } else if (e.type === "LogicalExpression") {
      keys(e.left as Node, at);
      keys(e.right as Node, at);
    } else if (e.type === "ObjectExpression")
      for (const p of e.properties)
        if ((p.type === "ObjectProperty" || p.type === "ObjectMethod") && !p.computed)
          note(
            p.key.type === "Identifier"
              ? p.key.name
              : p.key.type === "StringLiteral"
                ? p.key.value
                : undefined,
            p as Node,
            p.type === "ObjectProperty" ? (p.value as Node) : undefined,
          );
  };
  // Writes inside functions count: closed functions (lazy.ts) that mention these names make the
  // analysis redo the whole tree, as for moduleAsValue.
  ctx.tree.watched.add("module");
  ctx.tree.watched.add("exports");
  ctx.tree.walk(
    ctx.program,
    (n) => {
      if (n.type === "AssignmentExpression" && !topLevel(n)) {
        const left = n.left as Node;
        if (left.type === "MemberExpression" && exportsObject(left.object as Node))
          note(memberName(left), n, n.right as Node);
      } else if (
        n.type === "CallExpression" &&
        n.callee.type === "MemberExpression" &&
        n.callee.object.type === "Identifier" &&
        n.callee.object.name === "Object" &&
        memberName(n.callee as Node) === "assign" &&
        n.arguments[0] &&
        exportsObject(n.arguments[0] as Node)
      ) {
        // A top-level `Object.assign(module.exports, { … })` is an export statement already.
        for (const a of n.arguments.slice(1))
          if (!(topLevel(n) && (a as Node).type === "ObjectExpression")) keys(a as Node, n);
      }
      return undefined;
    },
    true,
  );
  exportWrites.set(ctx.tree, writes);
  return writes;
}

/**
 * A CommonJS export name the module also writes with another value (`module.exports = { load }`
 * then `Object.assign(module.exports, { load: other })` or `exports.load = other`): which one
 * importers get depends on the order the statements run in, so their calls stay plain (SA206).
 */
function writtenTwice(s: AnalysedModule, name: string, f: SaFunction): string | undefined {
  const value = s.values.find((v) => v.exported === name);
  let other: string | undefined = value
    ? `another value at line ${value.value.loc?.start.line ?? 0}`
    : undefined;
  if (other === undefined)
    for (const [local, use] of s.uses)
      if (local !== f.name && use.cjs.some((c) => c.exported === name)) other = `\`${local}\``;
  if (other === undefined) {
    const line = laterExportWrites(s.ctx, f.name).get(name);
    return line === undefined
      ? undefined
      : `${s.ctx.fileName} may replace its export \`${name}\` at line ${line} (under a condition, or in a function), so which function importers get is decided at run time`;
  }
  return `${s.ctx.fileName} exports \`${name}\` twice (\`${f.name}\` and ${other}), so which one importers get depends on the order its statements run in`;
}

/** The `unbounded` of a function's fact, where its body shows one (SA207 at importers' calls). */
function unboundedOf(ctx: Ctx, f: SaFunction): { unbounded?: string } {
  const why = unboundedWhy(ctx, f);
  return why === undefined ? {} : { unbounded: why };
}
