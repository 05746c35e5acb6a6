import type { types as t } from "@babel/core";
import { type ScannedImport, scanImports } from "../import-scan.js";
import { MSG } from "../messages.js";
import {
  type BlockingFact,
  type ExportFact,
  hasFacts,
  hasProblem,
  type ListedHolder,
  type ModuleFacts,
  type PickedHolder,
  problemOf,
  quietProblems,
  syncOnlyProblem,
} from "../module-facts.js";
import { identifierHint, isIdentifierName } from "../naming.js";
import type { FunctionKind } from "../strategy.js";
import { staticKey } from "./call-argument.js";
import type { Unfollowed } from "./calls.js";
import { type Ctx, keyName, warn } from "./ctx.js";
import { addKinds } from "./held.js";
import type { Names } from "./names.js";
import type { Binding, Scopes } from "./scope.js";
import { dottedPath, isReference } from "./scope.js";
import { peelCallee, strip } from "./transparent.js";
import { isFunction, lowerBound, type Node, stackChildren, type Tree, wordsIn } from "./tree.js";
import { consumerOf, memberName, requireSource, staticString, writtenTargets } from "./view.js";

/** A smartasync function this file imports, as a call site reaches it. */
export interface ImportedRef {
  fact: ExportFact;
  /** `f()` through a named/default import or `require` destructuring, or `ns.f()`. */
  shape: "ident" | "member";
  /** The hand-written variant itself was imported and called (`loadSync()`). */
  explicit: boolean;
  /** Local name to call for the variant; asks for the import on first use. */
  variantRef(): string;
  /**
   * Why calls of this member go through the runtime marker (dispatch), for the report: a
   * CommonJS module object whose member this file replaces or spies on (`lib.load = stub`), or a
   * namespace member that holds the function under a name with no variant (`ExportFact.held`).
   */
  mutable?: string;
  /**
   * A member of an imported TypeScript namespace (`Api.load()`) or of a CommonJS module object
   * (`lib.load()`): an object any module may write, so the call checks the member is still the
   * function (calls.ts `own`).
   */
  ownCheck?: boolean;
}

/** A module object a file holds: `import * as ns`, `require("x")`, `import ns = require("x")`. */
interface ModuleObject {
  facts: ModuleFacts;
  source: string;
  at: Node;
  /** The binding of a CommonJS module object, which code may mutate (`lib.load = stub`). */
  cjs?: Binding;
}

/** Calls that replace or wrap a property of their first argument (`Object.assign`, `jest.spyOn`). */
const MUTATORS = new Set([
  "assign",
  "defineProperty",
  "defineProperties",
  "spyOn",
  "stub",
  "replace",
  "mock",
]);

/** `Reflect` calls that replace or remove a property of their first argument. */
const REFLECT_MUTATORS = new Set(["set", "deleteProperty"]);

/** Where a variant's import goes: beside the function's own import, or in its `require` pattern. */
export type Holder =
  | { kind: "import"; decl: t.ImportDeclaration }
  | { kind: "require"; pattern: t.ObjectPattern };

/** An import the emitter adds: `import { f, fSync as _fSync }` / `const { f, fSync } = require(…)`. */
export interface VariantImport {
  holder: Holder;
  imported: string;
  local: string;
}

/**
 * How a callee reads in a message: `load()`, `lib.load()`, `require("./x").load()`; without the
 * parentheses where it is only read (`{ q: O.top }`).
 */
function calleeText(scopes: Scopes, callee: Node, called = true): string {
  const n = peelCallee(callee);
  const args = called ? "()" : "";
  if (n.type === "Identifier") return `${n.name}${args}`;
  if (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") {
    const o = peelCallee(n.object as Node);
    const src = requireSource(scopes, o);
    const obj =
      o.type === "Identifier" ? o.name : src !== undefined ? `require(${JSON.stringify(src)})` : "…";
    return `${obj}.${memberName(n) ?? "[…]"}${args}`;
  }
  return `…${args}`;
}

/**
 * Whether `n` is what a call calls (`n(…)`, `(n as T)(…)`, `(0, n)(…)`, n\`…\`), as peelCallee
 * reads a callee, and not a value read.
 */
function isCalled(tree: Tree, n: Node): boolean {
  let { outer, parent } = consumerOf(tree, n);
  while (parent?.type === "SequenceExpression" && parent.expressions.at(-1) === outer)
    ({ outer, parent } = consumerOf(tree, parent));
  if (!parent) return false;
  if (parent.type === "TaggedTemplateExpression") return parent.tag === outer;
  return (
    (parent.type === "CallExpression" || parent.type === "OptionalCallExpression") && parent.callee === outer
  );
}

/**
 * Imports of smartasync functions (DESIGN §3.6): which local bindings lead to one, and the
 * variant specifiers to add (`import { f, fSync } from "./lib"`) without duplicates or clashes.
 */
export class ImportedFns {
  private readonly facts: Map<string, ModuleFacts>;
  private readonly locals = new Map<Node, Map<string, string>>();
  /** Variant imports calls now use, for the emitter to add. */
  readonly pending: VariantImport[] = [];
  private readonly warned = new Set<string>();

  constructor(
    private readonly ctx: Ctx,
    private readonly names: Names,
    /** A module scanned for its facts only needs the shapes of what it imports. */
    private readonly phase: "shape" | "facts" = "facts",
    /** Facts the caller read already (phase "facts"), by specifier: not asked of the graph again. */
    known?: Map<string, ModuleFacts>,
    /** `scanImports` of the file's text, when the caller made it already. */
    private readonly scanned?: readonly ScannedImport[],
    /** The nesting pass's imports, a superset of the scan's (analyse.ts `AnalysisInput.codeImports`). */
    private readonly noted?: readonly ScannedImport[],
  ) {
    this.facts = new Map(known);
  }

  /** `kind`: a `require()` call, resolved with the require conditions (module-graph.ts `ofImport`). */
  factsOf(source: string, kind?: "require"): ModuleFacts {
    const key = kind ? `${kind}\0${source}` : source;
    let f = this.facts.get(key);
    if (!f) {
      const filename = this.ctx.filename;
      f =
        filename && this.ctx.graph
          ? this.ctx.graph.ofImport(source, filename, this.phase, kind, this.ctx.cjsTransform === true)
          : { exports: new Map(), methods: new Map() };
      this.facts.set(key, f);
    }
    return f;
  }

  /**
   * SA204, once per import, when a call goes through an import that could not be analysed: the
   * warning names the import, what is wrong with it and the first call through it (the route).
   * Never in third-party code that did not ask for smartasync (module-graph.ts `quietProblems`).
   */
  private problem(
    source: string,
    facts: ModuleFacts,
    at: Node,
    call: Node,
    name: string | undefined,
    /** Known by the caller (`reportProblems` walks calls): no question to a tree that may be lazy. */
    known?: "called",
  ): void {
    const why = problemOf(facts, name);
    if (!why || this.warned.has(source)) return;
    // A bare name no package has (a host's alias, attack26 F11): only a call in sync code is
    // one whose value following it would change; async code gets the promise either way.
    if (syncOnlyProblem(why) && !inSyncCode(this.ctx, call)) return;
    this.warned.add(source);
    this.quiet ??= quietProblems(this.ctx.filename, this.ctx.code, this.ctx.options.runtime);
    if (this.quiet) return;
    // A member held by a class field or an object (`{ q: O.top }`) is read, not called, here.
    const called = known === "called" || isCalled(this.ctx.tree, call);
    warn(
      this.ctx,
      "SA204",
      at,
      MSG.unanalysable(
        source,
        why,
        calleeText(this.ctx.scopes, call, called),
        call.loc?.start.line ?? 0,
        !called,
      ),
    );
  }

  private quiet?: boolean;

  private required?: string[];

  /**
   * Every import of the file, for the fast path and for method dispatch, with `"require"` for a
   * `require()` call (its facts are asked as one: `factsOf`).
   */
  *sources(): Generator<[source: string, kind?: "require"]> {
    for (const s of this.ctx.program.body) {
      if (s.type === "ImportDeclaration" && s.importKind !== "type") yield [s.source.value];
      else if (
        (s.type === "ExportNamedDeclaration" || s.type === "ExportAllDeclaration") &&
        s.source &&
        s.exportKind !== "type"
      ) {
        yield [s.source.value];
      } else if (
        s.type === "TSImportEqualsDeclaration" &&
        s.importKind !== "type" &&
        s.moduleReference.type === "TSExternalModuleReference"
      ) {
        yield [s.moduleReference.expression.value];
      }
    }
    // `require(…)` anywhere: in a function, or called at once (`require("./lib").f()`). Found by
    // the import scanner on the text, so the fast path builds no tree for it.
    // Scanned once per file: the fast path and method dispatch both ask.
    // `...require(` (a spread: `{ ...require("./lib") }`) is a call too; `x.require(` is not.
    // So is `req("./x")` of `const req = createRequire(…)` (attack 21, F6).
    // Where no `require` the nesting pass noted leads anywhere, neither does any the scan finds:
    // every reader of these sources passes one with no facts and no problem by.
    this.required ??=
      !this.noneNoted("require", (f) => !hasFacts(f) && !hasProblem(f)) &&
      (/(?:^|[^\w$.]|\.\.\.)require\s*\(/.test(this.ctx.code) || this.ctx.code.includes("createRequire"))
        ? this.scan()
            .filter((i) => i.kind === "require")
            .map((i) => i.specifier)
        : [];
    for (const source of this.required) yield [source, "require"];
  }

  /**
   * SA204 in a file that is otherwise left alone (no annotation, nothing smartasync imported):
   * only for an import with a problem that some call goes through (`load()` of
   * `import { load }`, `lib.load()` of `import * as lib`). The calls are found by one walk, and
   * only when an import has a problem; an import nothing is called through stays silent.
   */
  reportProblems(): void {
    // Local name → its import; `imported` is undefined for a module object (`ns.f()` names f).
    const through = new Map<
      string,
      { source: string; decl: Node; facts: ModuleFacts; imported: string | undefined }
    >();
    for (const s of this.ctx.program.body) {
      if (s.type !== "ImportDeclaration" || s.importKind === "type" || !s.specifiers.length) continue;
      const facts = this.factsOf(s.source.value);
      if (!hasProblem(facts)) continue;
      for (const sp of s.specifiers) {
        if (sp.type === "ImportSpecifier" && sp.importKind === "type") continue;
        const imported =
          sp.type === "ImportNamespaceSpecifier" || (sp.type === "ImportDefaultSpecifier" && facts.commonjs)
            ? undefined
            : importedName(sp);
        through.set(sp.local.name, { source: s.source.value, decl: s, facts, imported });
      }
    }
    // CommonJS as people write it: `const lib = require("./x")`, `const { f } = require("./x")`
    // anywhere in the file, and `require("./x").f()` (attack23 F9: a required module that cannot
    // be parsed was silent where the same `import` warns). Looked for only when a required
    // module has a problem, so the fast path pays nothing more.
    const required = new Map<string, ModuleFacts>();
    for (const [source, kind] of this.sources())
      if (kind === "require") {
        const facts = this.factsOf(source, "require");
        if (hasProblem(facts)) required.set(source, facts);
      }
    if (required.size) this.requiredThrough(required, through);
    if (!through.size && !required.size) return;
    this.throughSkipped(through.keys());
    const stack: Node[] = [this.ctx.program as Node];
    while (stack.length) {
      const n = stack.pop()!;
      if (
        n.type === "CallExpression" ||
        n.type === "OptionalCallExpression" ||
        n.type === "TaggedTemplateExpression"
      ) {
        const callee = peelCallee((n.type === "TaggedTemplateExpression" ? n.tag : n.callee) as Node);
        const base =
          callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression"
            ? peelCallee(callee.object as Node)
            : callee;
        const requiredFrom = base !== callee ? requireSource(this.ctx.scopes, base) : undefined;
        const requiredFacts = requiredFrom !== undefined ? required.get(requiredFrom) : undefined;
        const hit = base.type === "Identifier" ? through.get(base.name) : undefined;
        if (requiredFacts)
          this.problem(requiredFrom!, requiredFacts, base, callee, memberName(callee), "called");
        else if (hit) {
          // `f()` of `import { f }` names f; `ns.f()` of `import * as ns` names f too.
          const name =
            base === callee ? hit.imported : hit.imported === undefined ? memberName(callee) : hit.imported;
          this.problem(hit.source, hit.facts, hit.decl, callee, name, "called");
        }
      }
      // Source order: the first call through an import is the one the warning names.
      stackChildren(n, stack);
    }
  }

  /**
   * A parse with function bodies left out (swc-plugin/skim.ts) shows them empty, and the walk of
   * `reportProblems` reads the program itself: a call through one of `names` in a skipped body
   * would go unseen. The skim keeps the bodies that name an import's bindings, not always those
   * naming what a `require` binds (`const { load } = require("@app/lib")` called in a function
   * that names neither: SA204 lost under smartasync/swc and smartasync/jest, attack28 F03, fixture
   * diagnostics/sa204-required-alias-in-function). Where one of them is in a skipped body, this
   * throws, and the file is analysed again on its whole tree (analyse.ts `analyse`).
   */
  private throughSkipped(names: Iterable<string>): void {
    const skipped = this.ctx.closing?.skipped;
    if (!skipped?.starts.length) return;
    for (const { at } of wordsIn(this.ctx.code, names)) {
      const k = lowerBound(skipped.starts, at + 1) - 1;
      if (k >= 0 && at < skipped.ends[k]!)
        throw new Error(`a call through an import with a problem may lie in a skipped body (offset ${at})`);
    }
  }

  /** The names a `require` of a module with a problem binds (`reportProblems`), anywhere in the file. */
  private requiredThrough(
    required: Map<string, ModuleFacts>,
    through: Map<string, { source: string; decl: Node; facts: ModuleFacts; imported: string | undefined }>,
  ): void {
    const stack: Node[] = [this.ctx.program as Node];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === "VariableDeclarator" && n.init) {
        const source = requireSource(this.ctx.scopes, strip(n.init as Node));
        const facts = source !== undefined ? required.get(source) : undefined;
        if (source !== undefined && facts) {
          if (n.id.type === "Identifier")
            through.set(n.id.name, { source, decl: n, facts, imported: undefined });
          else if (n.id.type === "ObjectPattern")
            for (const p of n.id.properties) {
              if (p.type !== "ObjectProperty" || p.value.type !== "Identifier") continue;
              const key = p.computed ? undefined : staticKey(p.key as Node);
              if (key !== undefined) through.set(p.value.name, { source, decl: n, facts, imported: key });
            }
        }
      }
      stackChildren(n, stack);
    }
  }

  /** Whether anything imported is smartasync (the fast path for files without annotations). */
  any(): boolean {
    for (const [source, kind] of this.sources()) {
      if (hasFacts(this.factsOf(source, kind))) return true;
    }
    // A type-only or dynamic import counts for its methods alone (`methodKinds`).
    for (const source of this.methodSources()) if (this.factsOf(source).methods.size > 0) return true;
    return false;
  }

  /**
   * Sources read for their method names alone: `import type … from` (no value at run time) and
   * `import("…")` (its functions are read where they are called). Objects of the classes they
   * annotate reach this file all the same: a parameter typed `r: Repo`, `new (await
   * import("./repo.js")).Repo()` (fixtures typescript/type-import-method-dispatch,
   * modules/inherited-method-through-import).
   */
  private *methodSources(): Generator<string> {
    for (const s of this.ctx.program.body)
      if (s.type === "ImportDeclaration" && s.importKind === "type") yield s.source.value;
    yield* this.dynamicSources();
  }

  private dynamic?: string[];

  /** The specifiers of `import("…")`, found once per file (methodKinds is asked several times). */
  private dynamicSources(): string[] {
    const code = this.ctx.code;
    // Every reader of these sources reads their methods alone.
    this.dynamic ??=
      this.noneNoted("dynamic", (f) => f.methods.size === 0) ||
      (!code.includes("import(") && !/import\s+\(/.test(code))
        ? []
        : this.scan()
            .filter((i) => i.kind === "dynamic")
            .map((i) => i.specifier);
    return this.dynamic;
  }

  private scannedHere?: readonly ScannedImport[];
  /** Whether the file's text names `createRequire` (`noneNoted`), once asked. */
  private makesRequire?: boolean;

  /** `scanImports` of the file's text: the caller's, or made once here. */
  private scan(): readonly ScannedImport[] {
    this.scannedHere ??= this.scanned ?? scanImports(this.ctx.code);
    return this.scannedHere;
  }

  /**
   * Whether every import of `kind` the nesting pass noted has facts that say nothing (`empty`):
   * those notes hold every import `scanImports` would find (compile/depth.ts `PassNotes`,
   * test/compile/pass-imports.test.ts), so then none the scan finds says anything either, and the
   * scan of the whole text is not made. On the annotated real-file bench it was 4% of
   * `smartasync/swc`'s time: vite's `build.js` names `import(` only in strings, Babel 7's CommonJS
   * files `require` modules with nothing smartasync (docs/performance.md, "2026-12-07, evening").
   * Not where the scan reads more than the pass: `req("./x")` of `createRequire`.
   */
  private noneNoted(kind: "require" | "dynamic", empty: (facts: ModuleFacts) => boolean): boolean {
    const noted = this.noted;
    // Whether the text says `createRequire` is asked once per file, not at each question (a
    // search of the whole text each time: 0.5% of smartasync/swc's samples on the appended real
    // files, docs/performance.md "(2026-12-08)").
    this.makesRequire ??= this.ctx.code.includes("createRequire");
    if (noted === undefined || this.scanned !== undefined || this.makesRequire) return false;
    for (const i of noted)
      if (i.kind === kind && !empty(this.factsOf(i.specifier, kind === "require" ? kind : undefined)))
        return false;
    return true;
  }

  /**
   * Method names whose calls are dispatched. `escaped`: with the exports of namespace imports
   * used as values (which needs the tree); without, every smartasync export of every namespace
   * import, by the import declarations alone — what the lazy analysis watches before any tree.
   */
  methodKinds(escaped = true): Map<string, Set<FunctionKind>> {
    const out = new Map<string, Set<FunctionKind>>();
    for (const [source, kind] of this.sources()) {
      addKinds(out, this.factsOf(source, kind).methods);
    }
    // `import type { Repo }` brings no value, `import("./repo.js")` none the file names, but an
    // object of that class reaches this file: its methods are dispatched as a value import's are
    // (attack25 F16).
    for (const source of this.methodSources()) addKinds(out, this.factsOf(source).methods);
    addKinds(out, escaped ? this.escapedNamespaces() : this.namespaceExports());
    return out;
  }

  private namespaceExports(): Map<string, Set<FunctionKind>> {
    const out = new Map<string, Set<FunctionKind>>();
    for (const s of this.ctx.program.body) {
      if (s.type !== "ImportDeclaration" || s.importKind === "type") continue;
      if (!s.specifiers.some((x) => x.type === "ImportNamespaceSpecifier")) continue;
      for (const [exported, fact] of this.factsOf(s.source.value).exports) {
        if (fact.unfollowed) continue;
        const kinds = out.get(exported) ?? new Set<FunctionKind>();
        kinds.add(fact.kind);
        out.set(exported, kinds);
      }
    }
    return out;
  }

  /**
   * The smartasync exports of every namespace import the file uses as a value (passed to a
   * function, spread or `Object.assign`-copied, held in an object or array, returned): a call on
   * it elsewhere (`m.load(1)` in `use(m)`) is dispatched by name, as one on a default-exported
   * object is (attack 15, F17). `ns.f`, `ns["f"]`, `const { f } = ns` and `const m = ns` are
   * followed routes and do not count. The module's facts carry them too (held.ts
   * `exportedMethods`): an importer's `services.db.load()` of `export const services = { db }`.
   */
  escapedNamespaces(): Map<string, Set<FunctionKind>> {
    const out = new Map<string, Set<FunctionKind>>();
    for (const s of this.ctx.program.body) {
      if (s.type !== "ImportDeclaration" || s.importKind === "type") continue;
      const spec = s.specifiers.find((x) => x.type === "ImportNamespaceSpecifier");
      if (!spec) continue;
      const facts = this.factsOf(s.source.value);
      if (facts.exports.size === 0) continue;
      // Only now: the tree and scopes are built on first use, which a file without such an
      // import must not pay for (the fast path).
      const { tree, scopes } = this.ctx;
      const name = spec.local.name;
      const b = scopes.binding(spec.local as Node, name);
      if (!b) continue;
      tree.watched.add(name);
      let escapes = false;
      tree.walk(
        tree.program,
        (n) => {
          if (escapes) return false;
          if (n.type !== "Identifier" || n.name !== name || !isReference(n, tree)) return undefined;
          if (scopes.binding(n, name) !== b) return undefined;
          const { outer: cur, parent: p } = consumerOf(tree, n);
          const key = tree.link(cur)?.key;
          const member =
            (p?.type === "MemberExpression" || p?.type === "OptionalMemberExpression") &&
            key === "object" &&
            (!p.computed || staticString(p.property as Node) !== undefined);
          const declared = p?.type === "VariableDeclarator" && key === "init";
          if (!member && !declared && p?.type !== "ExportSpecifier") escapes = true;
          return undefined;
        },
        true,
      );
      if (!escapes) continue;
      for (const [exported, fact] of facts.exports) {
        if (fact.unfollowed) continue;
        const kinds = out.get(exported) ?? new Set<FunctionKind>();
        kinds.add(fact.kind);
        out.set(exported, kinds);
      }
    }
    return out;
  }

  private localFor(holder: Holder, imported: string): string {
    const key = holder.kind === "import" ? holder.decl : holder.pattern;
    const table = this.locals.get(key) ?? new Map<string, string>();
    this.locals.set(key, table);
    const known = table.get(imported);
    if (known) return known;
    // Already imported by hand (or by a previous pass) under some local name?
    if (holder.kind === "import") {
      for (const sp of holder.decl.specifiers) {
        if (sp.type !== "ImportSpecifier") continue;
        const name = sp.imported.type === "Identifier" ? sp.imported.name : sp.imported.value;
        if (name === imported) {
          table.set(imported, sp.local.name);
          return sp.local.name;
        }
      }
    } else {
      for (const p of holder.pattern.properties) {
        if (p.type !== "ObjectProperty" || p.computed || p.value.type !== "Identifier") continue;
        const name =
          p.key.type === "Identifier" ? p.key.name : p.key.type === "StringLiteral" ? p.key.value : "";
        if (name === imported) {
          table.set(imported, p.value.name);
          return p.value.name;
        }
      }
    }
    const local =
      isIdentifierName(imported) && this.names.isFree(imported)
        ? imported
        : this.names.uid(identifierHint(imported));
    this.names.reserve(local);
    table.set(imported, local);
    this.pending.push({ holder, imported, local });
    return local;
  }

  /**
   * The import declaration a variant of `decl`'s module joins. A namespace import takes no named
   * specifiers (`import load, * as ns from "./lib"`): the emitters give its variants a
   * declaration of their own after it, and a second pass finds them in that one, the first
   * import of the same module that takes named specifiers (fixture
   * modules/namespace-beside-default, attack29 F17).
   */
  private variantHome(decl: t.ImportDeclaration): t.ImportDeclaration {
    if (!decl.specifiers.some((sp) => sp.type === "ImportNamespaceSpecifier")) return decl;
    for (const s of this.ctx.program.body)
      if (
        s.type === "ImportDeclaration" &&
        s.source.value === decl.source.value &&
        s.importKind !== "type" &&
        s.importKind !== "typeof" &&
        !s.phase &&
        !s.attributes?.length &&
        s.specifiers.length > 0 &&
        !s.specifiers.some((sp) => sp.type === "ImportNamespaceSpecifier")
      )
        return s;
    return decl;
  }

  /**
   * `export const { load } = ns`: the pattern binds (and so exports) the variant under `local`
   * too. A pattern that binds it already (a previous pass) is left alone; a `local` the file
   * binds otherwise is not taken (the variant is then not exported through this pattern).
   */
  bindInPattern(pattern: t.ObjectPattern, imported: string, local: string): void {
    for (const p of pattern.properties)
      if (p.type === "ObjectProperty" && p.value.type === "Identifier" && p.value.name === local) return;
    if (pattern.properties.some((p) => p.type === "RestElement") || !this.names.isFree(local)) return;
    this.names.reserve(local);
    this.pending.push({ holder: { kind: "require", pattern }, imported, local });
  }

  /**
   * A declaration that takes an object rest out of a module object whose module generates
   * variants (`const { load, ...rest } = ns`; fixture modules/destructured-rest): every generated
   * variant joins the pattern before the rest element (`{ load, loadSync, ...rest }`, added as a
   * variant import is, so the emitters place it), and the rest then holds what it holds
   * uncompiled. Read by SA212 (namespace-reflection.ts), which warns where this is false: a
   * pattern that is not a declaration's (`({ load, ...rest } = ns)` would assign an undeclared
   * name), or an exported one, whose new names would be exports the source does not have.
   */
  completeRest(declarator: t.VariableDeclarator, variants: readonly string[]): boolean {
    const pattern = declarator.id;
    if (pattern.type !== "ObjectPattern") return false;
    const decl = this.ctx.tree.parent(declarator as Node);
    if (decl?.type !== "VariableDeclaration") return false;
    if (this.ctx.tree.parent(decl)?.type === "ExportNamedDeclaration") return false;
    for (const v of variants) this.localFor({ kind: "require", pattern }, v);
    return true;
  }

  /**
   * The plain function (or, for `construct`, also the class) of another module a callee names
   * (`remoteText` of `import { remoteText }`, `H.remoteText` of a module object) whose call blocks
   * on a worker, as that module's facts say (`blocking`, attack20 F7). A class called without
   * `new` throws before its constructor runs: not one.
   */
  blockingOf(callee: Node, construct: boolean): BlockingFact | undefined {
    const n = peelCallee(callee);
    let fact: BlockingFact | undefined;
    if (n.type === "Super") {
      // `super(u)` in a constructor of a class of this file runs its imported base's (attack23 F6).
      const base = this.superHome(n)?.cls.superClass;
      const at = base ? this.importedClass(base as Node, undefined, false) : undefined;
      fact = at?.facts.blocking?.get(at.key);
      return fact?.class ? fact : undefined;
    }
    if (n.type === "Identifier") {
      const binding = this.ctx.scopes.binding(n, n.name);
      const b = binding?.node;
      // `const { len: l2 } = H` of a module object (a namespace import, a `require(…)`): the
      // module's export by its key (attack23 F6).
      if (
        b?.type === "VariableDeclarator" &&
        binding?.kind === "const" &&
        b.id.type === "ObjectPattern" &&
        b.init
      ) {
        const prop = b.id.properties.find(
          (q) => q.type === "ObjectProperty" && q.value.type === "Identifier" && q.value.name === n.name,
        ) as t.ObjectProperty | undefined;
        const key = prop && !prop.computed ? staticKey(prop.key as Node) : undefined;
        fact = key === undefined ? undefined : this.moduleObject(b.init as Node)?.facts.blocking?.get(key);
        return fact && (construct || !fact.class) ? fact : undefined;
      }
      if (b?.type !== "ImportSpecifier" && b?.type !== "ImportDefaultSpecifier") {
        // `new B(u)` of a class of this file with no constructor of its own runs its imported
        // base's (`class B extends A {}`, attack23 F6).
        const at = construct ? this.importedClass(n, undefined, false) : undefined;
        fact = at?.facts.blocking?.get(at.key);
        return fact?.class ? fact : undefined;
      }
      const decl = this.ctx.tree.parent(b) as t.ImportDeclaration;
      if (decl.importKind === "type" || (b.type === "ImportSpecifier" && b.importKind === "type"))
        return undefined;
      fact = this.factsOf(decl.source.value).blocking?.get(importedName(b));
    } else if (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") {
      const name = memberName(n);
      if (name === undefined) return undefined;
      fact = this.moduleObject(n.object as Node)?.facts.blocking?.get(name);
      // A method of an imported class or object: its facts name it `Util.len` (static, attack22
      // F3; `H3.len` of an exported object literal) or `A.prototype.len` (an instance's), also
      // inherited by a class of this file (`B.len(u)`, `new B().len(u)`, `super.len(u)`, attack23 F6).
      if (!fact) {
        const owner = peelCallee(n.object as Node);
        const at = this.methodOwner(owner, name);
        fact = at?.facts.blocking?.get(at.key);
      }
    }
    return fact && (construct || !fact.class) ? fact : undefined;
  }

  /**
   * The imported class or object whose method `owner.name` calls, with its module's facts and the
   * method's key there: `Util.len` of `Util` or `H.Util` (static, or an object's); `A.prototype.len`
   * of an instance made here (`new A(u)`, a `const` bound to one, never reassigned); through a
   * class of this file that inherits it (`class B extends A {}`); `super.len` of a method of
   * such a class.
   */
  private methodOwner(owner: Node, name: string): { facts: ModuleFacts; key: string } | undefined {
    if (owner.type === "Super") {
      const home = this.superHome(owner);
      const base = home?.cls.superClass;
      const at = base ? this.importedClass(base as Node, name, home!.isStatic) : undefined;
      return at && { facts: at.facts, key: `${at.key}.${home!.isStatic ? "" : "prototype."}${name}` };
    }
    let made: Node | undefined;
    if (owner.type === "NewExpression") made = owner.callee as Node;
    else if (owner.type === "Identifier") {
      const binding = this.ctx.scopes.binding(owner, owner.name);
      const b = binding?.node;
      const init = b?.type === "VariableDeclarator" && binding!.kind === "const" && b.init;
      const value = init ? peelCallee(init as Node) : undefined;
      if (value?.type === "NewExpression" && !binding!.violations.length) made = value.callee as Node;
    }
    if (made) {
      const at = this.importedClass(made, name, false);
      return at && { facts: at.facts, key: `${at.key}.prototype.${name}` };
    }
    const at = this.importedClass(owner, name, true);
    return at && { facts: at.facts, key: `${at.key}.${name}` };
  }

  /**
   * The imported class (or object) `node` names, with its module's facts and exported name:
   * `A` of `import { A }`, `H.A` of a module object, or a class of this file extending one
   * without declaring `member` itself (static or on instances, `isStatic`; undefined: without a
   * constructor of its own), followed up its `extends` (attack23 F6).
   */
  private importedClass(
    node: Node,
    member: string | undefined,
    isStatic: boolean,
    depth = 0,
  ): { facts: ModuleFacts; key: string } | undefined {
    const n = peelCallee(node);
    if (depth > 8) return undefined;
    if (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") {
      const name = memberName(n);
      const o = name === undefined ? undefined : this.moduleObject(n.object as Node);
      return o && { facts: o.facts, key: name! };
    }
    if (n.type !== "Identifier") return undefined;
    const binding = this.ctx.scopes.binding(n, n.name);
    const b = binding?.node;
    if (!b) return undefined;
    if (b.type === "ImportSpecifier" || b.type === "ImportDefaultSpecifier") {
      const decl = this.ctx.tree.parent(b) as t.ImportDeclaration;
      if (decl.importKind === "type" || (b.type === "ImportSpecifier" && b.importKind === "type"))
        return undefined;
      return { facts: this.factsOf(decl.source.value), key: importedName(b) };
    }
    if (binding!.violations.length) return undefined;
    const init = b.type === "VariableDeclarator" && binding!.kind === "const" && b.init;
    const cls = b.type === "ClassDeclaration" ? b : init ? peelCallee(init as Node) : undefined;
    if ((cls?.type !== "ClassDeclaration" && cls?.type !== "ClassExpression") || !cls.superClass)
      return undefined;
    const up = this.importedClass(cls.superClass as Node, member, isStatic, depth + 1);
    // Every caller reads only the `blocking` facts of the answer: where the base's module has
    // none, whether the class declares `member` itself changes nothing, and its members are not
    // read. A class body the parse skipped (swc-plugin/skim.ts) guards them, and reading them
    // sends the file to the whole tree: postcss's `module.exports = Container` of `class
    // Container extends Node` did so for every compile (docs/performance.md, "2026-12-07").
    if (!up?.facts.blocking?.size) return up;
    // A member the class declares itself is its own (its calls are reported where written).
    const own = cls.body.body.some((m) =>
      member === undefined
        ? m.type === "ClassMethod" && m.kind === "constructor"
        : (m.type === "ClassMethod" || m.type === "ClassProperty") &&
          !!m.static === isStatic &&
          keyName(m as { key: Node; computed?: boolean }) === member,
    );
    return own ? undefined : up;
  }

  /** The class a `super` is in, and whether in a static member (arrow functions see through). */
  private superHome(n: Node): { cls: t.Class; isStatic: boolean } | undefined {
    for (let cur = this.ctx.tree.parent(n); cur; cur = this.ctx.tree.parent(cur)) {
      if (
        cur.type === "ClassMethod" ||
        cur.type === "ClassPrivateMethod" ||
        cur.type === "ClassProperty" ||
        cur.type === "ClassPrivateProperty" ||
        cur.type === "StaticBlock"
      ) {
        const cls = this.ctx.tree.parent(this.ctx.tree.parent(cur) as Node);
        const isStatic = cur.type === "StaticBlock" || !!(cur as t.ClassMethod).static;
        return cls?.type === "ClassDeclaration" || cls?.type === "ClassExpression"
          ? { cls: cls as t.Class, isStatic }
          : undefined;
      }
      if (isFunction(cur) && cur.type !== "ArrowFunctionExpression") return undefined;
    }
    return undefined;
  }

  /** The imported smartasync function a callee identifier or `ns.f` member leads to. */
  resolve(callee: Node): ImportedRef | undefined {
    const r = this.lookup(callee);
    return r && !("unfollowed" in r) ? r : undefined;
  }

  /**
   * The module object `n` is (docs/modules.md, "Routes"): a namespace import, a `require(…)` call
   * or a `const` bound to one, `import x = require(…)`, or a namespace another module re-exports
   * (`export * as ns from`), also as a member (`lib.ns`).
   */
  private moduleObject(node: Node, depth = 0): ModuleObject | undefined {
    const n = peelCallee(node);
    const src = requireSource(this.ctx.scopes, n);
    if (src !== undefined) return { facts: this.factsOf(src, "require"), source: src, at: n };
    if (depth > 4) return undefined;
    if (n.type === "Identifier") {
      const binding = this.ctx.scopes.binding(n, n.name);
      const b = binding?.node;
      if (!b) return undefined;
      if (
        b.type === "ImportNamespaceSpecifier" ||
        b.type === "ImportSpecifier" ||
        b.type === "ImportDefaultSpecifier"
      ) {
        const decl = this.ctx.tree.parent(b) as t.ImportDeclaration;
        const source = decl.source.value;
        const facts = this.factsOf(source);
        if (b.type === "ImportNamespaceSpecifier") return { facts, source, at: decl };
        // `import lib from "./lib.cjs"`: the default of a CommonJS module is its `module.exports`.
        if (facts.commonjs && importedName(b) === "default") return { facts, source, at: decl, cjs: binding };
        const ns = facts.namespaces?.get(importedName(b));
        // A CommonJS module object another module exports again (`export default lib`) is that
        // module's `module.exports`: written through this name too (`api.load = stub`).
        return ns
          ? { facts: ns, source, at: decl, ...(ns.moduleExports ? { cjs: binding } : {}) }
          : undefined;
      }
      if (b.type === "TSImportEqualsDeclaration" && b.moduleReference.type === "TSExternalModuleReference") {
        const source = b.moduleReference.expression.value;
        return { facts: this.factsOf(source), source, at: b, cjs: binding };
      }
      // `import Local = Api` (or `= Api.Deep`) of an imported namespace: a const alias of it, so
      // `Local.load()` is `Api.load()` (found by the routes differential test).
      if (b.type === "TSImportEqualsDeclaration") {
        const inner = this.moduleObject(b.moduleReference as Node, depth + 1);
        return inner && { ...inner, at: b };
      }
      if (
        b.type === "VariableDeclarator" &&
        b.id.type === "Identifier" &&
        b.init &&
        !binding!.violations.length
      ) {
        const inner = this.moduleObject(b.init as Node, depth + 1);
        return (
          inner && {
            ...inner,
            at: b,
            cjs:
              inner.cjs ?? (requireSource(this.ctx.scopes, peelCallee(b.init as Node)) ? binding : undefined),
          }
        );
      }
      return undefined;
    }
    if (n.type === "TSQualifiedName") {
      // `Api.Deep` in `import D = Api.Deep`: a namespace of the module object `Api`.
      const outer = this.moduleObject(n.left as Node, depth + 1);
      const ns = outer?.facts.namespaces?.get((n.right as t.Identifier).name);
      return outer && ns ? { facts: ns, source: outer.source, at: outer.at } : undefined;
    }
    if (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") {
      const prop = memberName(n);
      const outer = prop === undefined ? undefined : this.moduleObject(n.object as Node, depth + 1);
      const ns = outer?.facts.namespaces?.get(prop!);
      return ns && outer ? { facts: ns, source: outer.source, at: outer.at } : undefined;
    }
    return undefined;
  }

  /** The facts of the module object `node` is (`ns` of `import * as ns`), if it holds any. */
  /**
   * Why the member `ns.f` (`node`) of a module object cannot be known (the module's facts have a
   * problem: missing, unreadable, a manifest of an unknown version), with the module's name.
   */
  memberProblem(node: Node): { source: string; why: string } | undefined {
    if (node.type !== "MemberExpression" && node.type !== "OptionalMemberExpression") return undefined;
    const name = memberName(node);
    const o = name === undefined ? undefined : this.moduleObject(node.object as Node);
    const why = o && problemOf(o.facts, name);
    if (!o || !why) return undefined;
    this.quiet ??= quietProblems(this.ctx.filename, this.ctx.code, this.ctx.options.runtime);
    return this.quiet ? undefined : { source: o.source, why };
  }

  namespaceFacts(node: Node): ModuleFacts | undefined {
    const o = this.moduleObject(node);
    if (!o || !hasFacts(o.facts)) return undefined;
    // A CommonJS module's `module.exports` (`lib` of `import lib from "./lib.cjs"`), exported
    // again, stays a writable object for the importers of this module (attack20 F11).
    return o.cjs && o.facts.commonjs ? { ...o.facts, moduleExports: true } : o.facts;
  }

  /**
   * The smartasync function a module this file imports (or requires) sets the global `name` to
   * (`globalThis.gl = load`, its facts' `globals`): a bare `gl()` here is SA206 (global-names.ts).
   */
  globalFunction(name: string): ExportFact | undefined {
    for (const [source, kind] of this.sources()) {
      const g = this.factsOf(source, kind).globals?.get(name);
      if (g) return g;
    }
    return undefined;
  }

  /** The global names the imported modules set to smartasync functions (the fast path's words). */
  globalNames(): Set<string> {
    const out = new Set<string>();
    for (const [source, kind] of this.sources())
      for (const name of this.factsOf(source, kind).globals?.keys() ?? []) out.add(name);
    return out;
  }

  /**
   * The smartasync function an imported array or object literal holds at a place a call picks
   * at run time (`handlers` of `import { handlers }` for `export const handlers = [load]`, also
   * `ns.handlers` of `import * as ns`): calls through it are reported (fixture
   * modules/element-held-imported).
   */
  pickedHolder(node: Node): PickedHolder | undefined {
    const n = peelCallee(node);
    if (n.type === "Identifier") {
      const binding = this.ctx.scopes.binding(n, n.name);
      const b = binding?.node;
      if (
        binding?.kind !== "module" ||
        (b?.type !== "ImportSpecifier" && b?.type !== "ImportDefaultSpecifier")
      )
        return undefined;
      const decl = this.ctx.tree.parent(b) as t.ImportDeclaration;
      return this.factsOf(decl.source.value).picked?.get(importedName(b));
    }
    if (n.type !== "MemberExpression" && n.type !== "OptionalMemberExpression") return undefined;
    const prop = memberName(n);
    const o = prop === undefined ? undefined : this.moduleObject(n.object as Node);
    return o?.facts.picked?.get(prop!);
  }

  /**
   * The object literal or class holding annotated methods that an import is (`Store` of `import
   * { Store }` for `export class Store`, `ns.Store` of `import * as ns`, `require("./s.cjs").Store`,
   * `const { Store } = require("./s.cjs")`, `require("./solo.cjs")` of `module.exports = Solo`):
   * its generated variants, for SA213 where this file lists its properties (object-reflection.ts;
   * fixtures diagnostics/sa213-imported-reflection, diagnostics/sa213-required-reflection).
   */
  listedHolder(node: Node): ListedHolder | undefined {
    const n = peelCallee(node);
    // `require("./solo.cjs")` of a CommonJS module that is the class (`module.exports = Solo`);
    // an ES module's `require` gives its namespace, never its default.
    const whole = requireSource(this.ctx.scopes, n);
    if (whole !== undefined) {
      const facts = this.factsOf(whole, "require");
      return facts.commonjs ? facts.listed?.get("default") : undefined;
    }
    if (n.type === "Identifier") {
      const binding = this.ctx.scopes.binding(n, n.name);
      const b = binding?.node;
      if (
        binding?.kind === "module" &&
        (b?.type === "ImportSpecifier" || b?.type === "ImportDefaultSpecifier")
      ) {
        const decl = this.ctx.tree.parent(b) as t.ImportDeclaration;
        return this.factsOf(decl.source.value).listed?.get(importedName(b));
      }
      // `const { Store } = require("./store.cjs")` (or of a name bound to a module object).
      if (
        binding?.kind !== "const" ||
        b?.type !== "VariableDeclarator" ||
        b.id.type !== "ObjectPattern" ||
        !b.init
      )
        return undefined;
      const o = this.moduleObject(b.init as Node);
      if (!o) return undefined;
      for (const p of b.id.properties) {
        if (p.type !== "ObjectProperty" || p.value.type !== "Identifier" || p.value.name !== n.name) continue;
        const key = keyName(p as { key: Node; computed?: boolean });
        return key === undefined ? undefined : o.facts.listed?.get(key);
      }
      return undefined;
    }
    if (n.type !== "MemberExpression" && n.type !== "OptionalMemberExpression") return undefined;
    const prop = memberName(n);
    const o = prop === undefined ? undefined : this.moduleObject(n.object as Node);
    return o?.facts.listed?.get(prop!);
  }

  /**
   * Members of CommonJS module objects this file writes (`lib.load = …`), by binding, and by
   * specifier (`src:./lib.cjs`) for a write through another name of the same `module.exports`
   * (`ns.default` of `import * as ns`, `const alias = lib`).
   */
  private mutations?: Map<Binding | string, Map<string, Node>>;

  private mutatedAt(b: Binding, prop: string, source?: string): Node | undefined {
    if (!this.mutations) {
      const out = new Map<Binding | string, Map<string, Node>>();
      const record = (k: Binding | string, key: string, at: Node) => {
        const m = out.get(k) ?? new Map<string, Node>();
        out.set(k, m);
        if (!m.has(key)) m.set(key, at);
      };
      const note = (obj: Node, key: string, at: Node) => {
        const o = peelCallee(obj);
        if (o.type === "MemberExpression" && memberName(o) === "default") {
          // `ns.default.load = …`: `ns.default` of a CommonJS module is its `module.exports`.
          const ns = peelCallee(o.object as Node);
          const nb = ns.type === "Identifier" ? this.ctx.scopes.binding(ns, ns.name)?.node : undefined;
          if (nb?.type === "ImportNamespaceSpecifier") {
            const source = (this.ctx.tree.parent(nb) as t.ImportDeclaration).source.value;
            if (this.factsOf(source).commonjs) record(`src:${source}`, key, at);
          }
          return;
        }
        if (o.type === "MemberExpression" || o.type === "OptionalMemberExpression") {
          // `(A.B as any).f = …`: member `B.f` of `A`'s object, a nested namespace's function
          // (issue 13); `A.B = …` itself is member `B`, recorded as any other.
          const below: string[] = [];
          let root: Node = o;
          while (root.type === "MemberExpression" || root.type === "OptionalMemberExpression") {
            const name = memberName(root);
            if (name === undefined) return;
            below.unshift(name);
            root = peelCallee(root.object as Node);
          }
          const rb = root.type === "Identifier" ? this.ctx.scopes.binding(root, root.name) : undefined;
          if (rb) record(rb, `${below.join(".")}.${key}`, at);
          return;
        }
        if (o.type !== "Identifier") return;
        const ob = this.ctx.scopes.binding(o, o.name);
        if (!ob) return;
        record(ob, key, at);
        // `const alias = lib; alias.load = …` writes `lib`'s object too.
        const mo = this.moduleObject(o);
        if (mo?.cjs && mo.cjs !== ob) record(mo.cjs, key, at);
        if (mo?.cjs) record(`src:${mo.source}`, key, at);
      };
      const member = (target: Node, at: Node) => {
        const m = peelCallee(target);
        if (m.type === "MemberExpression" || m.type === "OptionalMemberExpression")
          note(m.object as Node, memberName(m) ?? "*", at);
      };
      this.ctx.tree.walk(
        this.ctx.program,
        (n) => {
          // Every write place (`lib.f = …`, `[lib.f] = …`, `({ k: lib.f } = …)`, `for (lib.f of …)`,
          // `delete lib.f`: adversarial finding F11), as the proof of values reads them too.
          const targets = writtenTargets(n);
          if (targets.length) for (const target of targets) member(target, n);
          else if (n.type === "CallExpression" && n.arguments.length) {
            const c = peelCallee(n.callee as Node);
            const name =
              c.type === "MemberExpression" || c.type === "OptionalMemberExpression"
                ? memberName(c)
                : undefined;
            const reflect =
              name !== undefined &&
              REFLECT_MUTATORS.has(name) &&
              c.type === "MemberExpression" &&
              (c.object as Node).type === "Identifier" &&
              (c.object as t.Identifier).name === "Reflect" &&
              !this.ctx.scopes.binding(c, "Reflect");
            if (name && (MUTATORS.has(name) || reflect)) {
              const key = n.arguments[1];
              note(n.arguments[0] as Node, key?.type === "StringLiteral" ? key.value : "*", n);
            }
          }
          return undefined;
          // Module objects are named by interesting words; `b` is watched below.
        },
        true,
      );
      this.mutations = out;
    }
    this.ctx.tree.watched.add(b.name);
    const m = this.mutations.get(b);
    const bySource = source === undefined ? undefined : this.mutations.get(`src:${source}`);
    return m?.get(prop) ?? m?.get("*") ?? bySource?.get(prop) ?? bySource?.get("*");
  }

  /**
   * Where the file replaces member `prop` of the object bound to `b` (`(NS as any).f = …`,
   * `Object.assign(NS, …)`), if it does: a TypeScript namespace's functions are dispatched then,
   * like a CommonJS module object's (adversarial finding F10).
   */
  memberWrittenAt(b: Binding, prop: string, below: readonly string[] = []): Node | undefined {
    if (below.length === 0) return this.mutatedAt(b, prop);
    // `A.B.f` is replaced by a write of `A.B` (`A.B = …`, `Object.assign(A, …)`), of `A.B.f`, or
    // of every member of `A.B` (`Object.assign(A.B, …)`).
    const keys = [...below, prop];
    for (let i = 1; i <= keys.length; i++) {
      const prefix = keys.slice(0, i - 1).join(".");
      const at = i === 1 ? this.mutatedAt(b, keys[0]!) : this.mutatedAt(b, `${prefix}.${keys[i - 1]}`);
      if (at) return at;
      if (i > 1) {
        const all = this.mutations?.get(b)?.get(`${prefix}.*`);
        if (all) return all;
      }
    }
    return undefined;
  }

  /** Like resolve, and says why a call of an imported smartasync function is not followed. */
  lookup(callee: Node): ImportedRef | Unfollowed | undefined {
    if (callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression") {
      const name = memberName(callee);
      if (name === undefined) return undefined;
      const o = this.moduleObject(callee.object as Node);
      if (!o) return undefined;
      const ref = this.fromFacts(o.source, o.facts, o.at, name, "member", undefined, callee);
      if (ref && "unfollowed" in ref) return ref;
      const at = ref && o.cjs ? this.mutatedAt(o.cjs, name, o.source) : undefined;
      if (ref && at)
        ref.mutable = `\`${o.cjs!.name}.${name}\` is replaced at line ${at.loc?.start.line ?? 0}`;
      // A TypeScript namespace, and a CommonJS module's `module.exports` (bound to a name or
      // `require(…)` itself; not `import * as ns`, a module namespace object nothing writes),
      // are plain objects another module may write (`sinon.stub(lib, "load")`).
      const writable =
        o.facts.tsNamespace ||
        o.facts.moduleExports ||
        (o.facts.commonjs &&
          (o.cjs !== undefined ||
            requireSource(this.ctx.scopes, peelCallee(callee.object as Node)) !== undefined));
      if (ref && writable && !ref.explicit) ref.ownCheck = true;
      return ref;
    }
    if (callee.type === "CallExpression") return this.wholeModule(callee);
    if (callee.type !== "Identifier") return undefined;
    const binding = this.ctx.scopes.binding(callee, callee.name);
    const b = binding?.node;
    if (!b) return undefined;
    if (
      b.type === "TSImportEqualsDeclaration" ||
      (b.type === "VariableDeclarator" && b.id.type === "Identifier")
    )
      return this.wholeModule(callee);
    if (binding!.kind === "module" && (b.type === "ImportSpecifier" || b.type === "ImportDefaultSpecifier")) {
      const decl = this.ctx.tree.parent(b) as t.ImportDeclaration;
      const source = decl.source.value;
      return this.fromFacts(
        source,
        this.factsOf(source),
        decl,
        importedName(b),
        "ident",
        { kind: "import", decl: this.variantHome(decl) },
        callee,
      );
    }
    // `const { f } = require("./lib")`, `const { f } = ns`, `let { f } = lib` (never assigned).
    if (b.type !== "VariableDeclarator" || b.id.type !== "ObjectPattern" || !b.init) return undefined;
    const pattern = b.id;
    // `{ f }`, `{ f: g }`, or with a default value (`{ f = other }`), which is not followed.
    const local = (v: Node) => (v.type === "AssignmentPattern" ? v.left : v) as Node;
    const prop = pattern.properties.find(
      (p) =>
        p.type === "ObjectProperty" &&
        local(p.value as Node).type === "Identifier" &&
        (local(p.value as Node) as t.Identifier).name === callee.name,
    ) as t.ObjectProperty | undefined;
    if (!prop || prop.computed || (prop.key.type !== "Identifier" && prop.key.type !== "StringLiteral"))
      return undefined;
    const o = this.moduleObject(b.init as Node);
    if (!o) return undefined;
    const name = prop.key.type === "Identifier" ? prop.key.name : prop.key.value;
    const ref = this.fromFacts(
      o.source,
      o.facts,
      b,
      name,
      "ident",
      { kind: "require", pattern },
      callee,
      dottedPath(peelCallee(b.init as Node))?.join("."),
    );
    if (ref && "unfollowed" in ref) return ref;
    if (ref && prop.value.type === "AssignmentPattern") {
      return {
        unfollowed: `\`${callee.name}\` has a default value in its pattern (line ${prop.loc?.start.line ?? 0}); destructure it without a default, or call it as a member of the module object`,
        name: ref.fact.name,
        kind: ref.fact.kind,
        syncStrategy: ref.fact.syncStrategy,
        from: ref.fact.from,
      };
    }
    if (ref && binding!.violations.length) {
      return {
        unfollowed: `\`${callee.name}\` is assigned at line ${binding!.violations[0].loc?.start.line ?? 0}; call the function through a name that is never assigned`,
        name: ref.fact.name,
        kind: ref.fact.kind,
        syncStrategy: ref.fact.syncStrategy,
        from: ref.fact.from,
      };
    }
    return ref;
  }

  /**
   * A CommonJS module that is itself a smartasync function (`module.exports = f`), called as
   * such (`const f = require("./f"); f()`): its variant is a property of it, not followed.
   */
  private wholeModule(n: Node): Unfollowed | undefined {
    const o = this.moduleObject(n);
    const fact = o?.facts.exports.get("default");
    if (!o || !fact || (n.type !== "CallExpression" && !o.cjs)) return undefined;
    const self =
      n.type === "CallExpression" ? `require(${JSON.stringify(o.source)})` : (n as t.Identifier).name;
    return {
      unfollowed:
        fact.unfollowed ??
        `"${o.source}" is itself the function (\`module.exports = ${fact.name}\`); call \`${self}.${fact.variant}()\` for the value`,
      name: fact.name,
      kind: fact.kind,
      syncStrategy: fact.syncStrategy,
      from: fact.from,
    };
  }

  private fromFacts(
    source: string,
    facts: ModuleFacts,
    at: Node,
    name: string,
    shape: ImportedRef["shape"],
    holder: Holder | undefined,
    callee: Node,
    /** The namespace the member is taken out of, as written (`Api` of `const { get } = Api`). */
    namespace?: string,
  ): ImportedRef | Unfollowed | undefined {
    this.problem(source, facts, at, callee, name);
    let fact = facts.exports.get(name);
    let explicit = false;
    if (!fact) {
      fact = [...facts.exports.values()].find((f) => f.variant === name);
      if (!fact) return undefined;
      explicit = true;
    }
    const f = fact;
    // A namespace member that is the function (`export const get = load`, ts-namespaces.ts
    // `holdsItself`): called as a member it dispatches through the marker; taken out of the
    // namespace (`const { get } = Api`), nothing is left to dispatch on.
    const held =
      f.held && !explicit ? `\`${name}\` holds \`${f.name}\` without a variant beside it` : undefined;
    if ((f.unfollowed || (held && shape !== "member")) && !explicit)
      return {
        unfollowed:
          f.unfollowed ??
          `${held}; call it as a member of its namespace${namespace ? ` (\`${namespace}.${name}(…)\`)` : ""}, which is dispatched`,
        name: f.name,
        kind: f.kind,
        syncStrategy: f.syncStrategy,
        from: f.from,
      };
    return {
      fact: f,
      shape,
      explicit,
      variantRef: () => (holder ? this.localFor(holder, f.variant) : f.variant),
      ...(held ? { mutable: held } : {}),
    };
  }
}

/** The name an import specifier imports (`default` for a default import). */
function importedName(b: t.ImportSpecifier | t.ImportDefaultSpecifier): string {
  if (b.type === "ImportDefaultSpecifier") return "default";
  return b.imported.type === "Identifier" ? b.imported.name : b.imported.value;
}

/**
 * Whether `n` runs in sync code: its nearest function is neither async nor an async generator,
 * or it is top-level code not awaited at once (`await load()` at the top of an ES module).
 */
function inSyncCode(ctx: Ctx, n: Node): boolean {
  let child = n;
  for (let p = ctx.tree.parent(n); p; child = p, p = ctx.tree.parent(p)) {
    if (isFunction(p)) return !(p as t.Function).async;
    if (p.type === "AwaitExpression" && p.argument === child) return false;
  }
  return true;
}
