import type { types as t } from "@babel/core";
import { invisibleIn, mayContainAnnotation, mayContainMisspelling, misspelledTag } from "../annotation.js";
import { formatLoc } from "../diagnostics.js";
import type { ScannedImport } from "../import-scan.js";
import { type AwaitFact, planSyncVariant, type TwinSuggestion } from "../inline.js";
import { MSG } from "../messages.js";
import { type ModuleFacts, quietProblems } from "../module-facts.js";
import type { Options } from "../options.js";
import { emptyReport, finishReport, type Report } from "../report.js";
import { sameThreadWhy } from "./arg-escape.js";
import { argumentsCallee } from "./arguments-callee.js";
import { planAutobinds } from "./autobind.js";
import { checkCallerState } from "./caller-state.js";
import {
  buildIndex,
  type CallEdit,
  exportedPlainUnits,
  exportedValueOf,
  type Index,
  markSyncBodyBlocks,
  planCalls,
} from "./calls.js";
import {
  checkClash,
  checkExportClash,
  checkModuleLevelWorkerCalls,
  checkTopLevelEffects,
  checkUnboundedDiscards,
  decideOffload,
  generatedVariant,
  markedTargets,
  markOf,
  refuseWorkerArgumentWrites,
  sharedState,
} from "./checks.js";
import { collectFunctions } from "./collect.js";
import { at, type Ctx, createBoundCtx, fail, type Located, locOf, sourceOf, warn } from "./ctx.js";
import { type ErrorClass, errorClassesToRegister, importedErrorClassesToRegister } from "./error-classes.js";
import { type ExportUse, indexExports, type ReExportVariant, reExportVariants } from "./exports.js";
import { factoryReport, resolveFactories } from "./factories.js";
import { factsOfFile } from "./facts.js";
import { statementForms } from "./forms.js";
import { globalFunctionsOf } from "./global-names.js";
import { addKinds } from "./held.js";
import { ImportedFns } from "./imported.js";
import { checkInherited } from "./inherited.js";
import { closingFor, exactOnClosed, type LazyClosing } from "./lazy.js";
import { analyseBody } from "./leaves.js";
import { checkLiteralSources } from "./literal-variants.js";
import type { ProvenFunction, SaFactory, SaFunction } from "./model.js";
import type { ModuleGraph } from "./module-graph.js";
import { Names } from "./names.js";
import { reflectedNamespaces } from "./namespace-reflection.js";
import { reflectedVariants } from "./object-reflection.js";
import { provenQuiet } from "./outside.js";
import { paramUses } from "./param-uses.js";
import { pollingLoops } from "./polling.js";
import { runtimeLocals } from "./runtime-names.js";
import { sameEverywhere, type WorkerRead } from "./same-everywhere.js";
import type { Binding } from "./scope.js";
import { threadBound } from "./thread-bound.js";
import { type Node, requiresOpaquely } from "./tree.js";
import { checkWorkerImports, isCommonJsSource, type ModuleHost } from "./worker-imports.js";

/** A parsed file in Babel's shape: the program and every comment, in source order. */
export interface ParsedFile {
  program: t.Program;
  comments: readonly t.Comment[];
  /**
   * Function bodies the parser was not given (swc-plugin/skim.ts): the program is the file's
   * with those bodies empty. Only the analysis with closed functions may read such a program;
   * `whole` parses the file in full for the analysis on the whole tree.
   */
  skipped?: { starts: number[]; ends: number[]; literals?: number[]; classes?: number[] };
  /** `scanImports` of the file's text, when the parser's caller made it already. */
  imports?: readonly ScannedImport[];
  whole?: () => ParsedFile;
}

export interface AnalysisInput {
  parsed: ParsedFile;
  code: string;
  /** Absolute path of the file, when there is one. */
  filename: string | undefined;
  /** Report path of the file. */
  fileName: string;
  options: Options;
  graph?: ModuleGraph;
  /** Facts of imports (by specifier) the caller read from `graph` already, for this file. */
  importFacts?: Map<string, ModuleFacts>;
  /** `scanImports(code)`, when the caller made it already (swc-plugin/skim.ts). */
  scannedImports?: readonly ScannedImport[];
  /**
   * The imports the nesting pass met in code, when it was sure of its reading and the file holds
   * no JSX (compile/depth.ts `PassNotes`): every import `scanImports` finds is among them, so
   * where none of them leads anywhere the text need not be scanned (imported.ts `noneNoted`).
   */
  codeImports?: readonly ScannedImport[];
  /** A CommonJS transform runs after smartasync (Babel's plugin, SWC's `module.type`). */
  cjsTransform: boolean;
  /**
   * The compiler parses the file as a script because its options say so (not a guess): a
   * CommonJS script (`"commonjs"`: SWC's `isModule: "commonjs"`), or a plain script (`option`
   * names the setting, SWC's `isModule: false`). A script takes no `import` declaration.
   */
  script?: { kind: "script" | "commonjs"; option: string };
  /**
   * A bundler reads the output (worker-imports.ts `ModuleHost`): a `.js` file of a package
   * without `"type"` is an ES module whatever its code. Default: Node reads it.
   */
  bundler?: boolean;
  /**
   * `false`: the caller never reads `Analysis.exports` (`smartasync/swc`'s transform functions,
   * but `transformWithFacts`), so the file's facts are not computed: 3% of the annotated real
   * files' time (docs/performance.md, "2026-12-07"). They feed nothing else — neither the code,
   * the report nor the check after a lazy analysis (facts.ts reads the tree and the imports'
   * facts and writes only the facts it returns) — so the output is the same either way.
   */
  facts?: boolean;
  /** The compiler's located error for a diagnostic. */
  error(message: string, node: Located | null): Error;
}

/** Module-system facts of the file, which decide how generated code imports and names itself. */
export interface ModuleKind {
  /** The input itself is a CommonJS script: generated imports are `require` calls. */
  cjsInput: boolean;
  /** The output will be CommonJS: the module's URL is `__filename` (DESIGN §10). */
  cjsOutput: boolean;
  /**
   * The compiler's option that makes the file a script whose output runs as an ES module: it
   * can take neither an `import` (a script) nor a `require` (not defined there), so a plan that
   * changes the file is refused (SA110).
   */
  unimportable?: string;
}

/** Everything an emitter needs to apply the decisions; nodes are those of the parsed file. */
export interface Plan {
  ctx: Ctx;
  fns: ProvenFunction[];
  /** `// @smartasync factory` functions: each gets a sync twin (a copy with sync methods). */
  factories: SaFactory[];
  /** Functions that run in a worker (sync variant) or the pool (offloaded async variant). */
  inWorkers: Set<ProvenFunction>;
  /**
   * Error classes of the module the output registers after their declarations, so that their
   * errors cross threads as instances of them (error-classes.ts; attack25 F04).
   */
  errorClasses: ErrorClass[];
  /** Call node → its edit; copies of a body apply the edits of the calls they copy. */
  edits: Map<Node, CallEdit>;
  exportIndex: Map<string, ExportUse>;
  reExports: ReExportVariant[];
  imported: ImportedFns;
  names: Names;
  module: ModuleKind;
}

/**
 * Whether applying the plan edits the file: a function or factory not compiled yet, a call to
 * rewrite, a re-export to widen, a variant to import. A file compiled already (a second pass over smartasync's
 * output) has none, and is then handed on untouched by every emitter: the compilers' own
 * printing of it is the output, so the second pass is a no-op.
 */
export function planChanges(plan: Plan): boolean {
  return (
    plan.fns.some((f) => !f.processed) ||
    plan.factories.some((f) => !f.processed) ||
    plan.edits.size > 0 ||
    plan.reExports.length > 0 ||
    // A variant that joins a pattern with no call rewritten (imported.ts `completeRest`).
    plan.imported.pending.length > 0
  );
}

export interface Analysis {
  report: Report;
  exports?: ModuleFacts;
  /** Absent when the file needs no change. */
  plan?: Plan;
}

export function moduleKind(
  ctx: Ctx,
  cjsTransform: boolean,
  host: ModuleHost = "node",
  script?: AnalysisInput["script"],
): ModuleKind {
  let cjsInput = isCommonJsSource(ctx.program, ctx.filename, ctx.code, host);
  // A file the compiler is told is a script cannot take the runtime by an `import` (SWC refused
  // the edited text, reported as SA901 in a `"type": "module"` package: attack31 F04). A CommonJS
  // script, or a script whose output a CommonJS transform makes CommonJS, takes a `require`; a
  // script that stays an ES module (Node reads it by the package's `"type"`) takes neither.
  if (script && !cjsInput) {
    if (script.kind === "commonjs" || cjsTransform) cjsInput = true;
    else return { cjsInput, cjsOutput: false, unimportable: script.option };
  }
  return { cjsInput, cjsOutput: cjsInput || cjsTransform };
}

let lazyTrees = true;

/**
 * Whether the analysis may leave functions that mention nothing smartasync closed (lazy.ts); on
 * by default. Off, every file is analysed on its whole tree: test/lazy-analysis.test.ts compares
 * the two on the fixtures and on real files.
 */
export function setLazyAnalysis(on: boolean): void {
  lazyTrees = on;
}

/**
 * Files whose analysis left functions closed, and files analysed again on the whole tree (with
 * the last reason): for the tests and benches.
 */
export const lazyStats = {
  lazy: 0,
  again: 0,
  /** Files whose analysis was answered from a parse with function bodies skipped. */
  skimmed: 0,
  lastWhy: undefined as string | undefined,
};

/** The input with the file parsed in full, for the analysis on the whole tree. */
function wholeOf(input: AnalysisInput): AnalysisInput {
  return input.parsed.whole ? { ...input, parsed: input.parsed.whole() } : input;
}

/**
 * The whole analysis of one file: collect, decide, plan (DESIGN §2–§4); no edits. The tree may
 * leave closed the functions that mention nothing smartasync (lazy.ts); the result is always the
 * one of the whole tree: where the analysis used something a closed function could hold, or
 * failed, it is done again on the whole tree.
 */
export function analyse(input: AnalysisInput): Analysis {
  if (!lazyTrees) return analyseOnce(wholeOf(input), false).analysis;
  let first: ReturnType<typeof analyseOnce>;
  try {
    first = analyseOnce(input, true);
  } catch {
    // Whatever failed, the whole tree says it (or succeeds).
    lazyStats.again++;
    lazyStats.lastWhy = "an error on the partial tree";
    return analyseOnce(wholeOf(input), false).analysis;
  }
  const why = first.check?.();
  if (why === undefined) {
    if (first.partial?.()) lazyStats.lazy++;
    if (input.parsed.skipped) lazyStats.skimmed++;
    return first.analysis;
  }
  lazyStats.again++;
  lazyStats.lastWhy = why;
  return analyseOnce(wholeOf(input), false).analysis;
}

/**
 * One analysis of the file: the passes of the pipeline, in order, each given what the passes
 * before it returned (src/core/analysis/README.md says which rules each pass owns). The order of
 * their calls is the order diagnostics are raised in, so the first failure stays the first.
 */
function analyseOnce(
  input: AnalysisInput,
  lazy: boolean,
): { analysis: Analysis; check?: () => string | undefined; partial?: () => boolean } {
  const bound = bind(input, lazy);
  const collected = collect(input, bound);
  if (!collected) return { analysis: { report: finishReport(bound.ctx.report) } };
  const resolved = resolve(bound, collected);
  const proven = prove(bound, collected, resolved);
  checkWorkers(input, bound, proven);
  const classified = classify(bound, collected, proven);
  const checked = checkCalls(bound, collected, proven, classified);
  const planned = plan(input, bound, collected, proven, classified, checked);
  const { ctx, closing } = bound;
  const { fns, index } = collected;
  return {
    analysis: planned,
    check: closing ? () => exactOnClosed(ctx, closing, fns, index) : undefined,
    partial: () => ctx.tree.partial,
  };
}

/** What the bind pass decides before any tree: the file's context, its generated names, its imports. */
interface Bound {
  readonly ctx: Ctx;
  readonly names: Names;
  /** Smartasync functions imported into the file, by local binding. */
  readonly imported: ImportedFns;
  /** The functions the tree may leave closed (lazy.ts); undefined: the whole tree. */
  readonly closing: LazyClosing | undefined;
}

/** Bind: the context of the file, the imports it reads facts of, and which functions stay closed. */
function bind(input: AnalysisInput, lazy: boolean): Bound {
  const { code, options, graph } = input;
  const report = emptyReport(input.fileName);
  const init = {
    options,
    fileName: input.fileName,
    filename: input.filename,
    code,
    report,
    program: input.parsed.program,
    comments: input.parsed.comments,
    graph,
    cjsTransform: input.cjsTransform,
    error: input.error,
  };
  // The bind step: what the context holds read-only, decided before its tree is built.
  const { ctx, bound } = createBoundCtx(init, (fresh) => {
    const names = new Names(fresh);
    const imported = new ImportedFns(
      fresh,
      names,
      "facts",
      input.importFacts,
      input.scannedImports,
      input.codeImports,
    );
    const closing = lazy ? closingFor(fresh, imported, input.parsed.skipped) : undefined;
    // A program with skipped bodies is read only with closed functions (analyse: whole tree).
    if (!closing && input.parsed.skipped) throw new Error("a skimmed parse needs closed functions");
    return { names, imported, closing };
  });
  return { ctx, ...bound };
}

/** What the file holds: its annotated functions and factories, and its exports. */
interface Collected {
  readonly fns: SaFunction[];
  readonly factories: SaFactory[];
  /** The functions by binding, owner and name, with the imported methods' kinds. */
  readonly index: Index;
  /** The file's exports by local name. */
  readonly exportIndex: Map<string, ExportUse>;
}

/**
 * Collect: the annotations (SA107 for a misspelt one) and what they annotate, or undefined when
 * the file has nothing to plan (the fast path: no annotation in the text, nothing smartasync
 * imported), where only an import that cannot be analysed is worth a warning.
 */
function collect(input: AnalysisInput, bound: Bound): Collected | undefined {
  const { code, options, graph } = input;
  const { ctx, imported } = bound;
  if (mayContainMisspelling(code)) {
    for (const c of ctx.comments) {
      const word = misspelledTag(c.value, c.type === "CommentBlock");
      if (!word) continue;
      const hidden = invisibleIn(word);
      warn(ctx, "SA107", c, hidden.length > 0 ? MSG.invisibleInTag(word, hidden) : MSG.misspelled(word));
    }
  }
  // Fast path: no annotation in the text and nothing smartasync imported → nothing to plan.
  const annotated = mayContainAnnotation(code, options.runtime);
  // A module required by a computed path may hold smartasync functions (opaque.ts), outside
  // third-party code that never asked for smartasync.
  const opaque =
    graph !== undefined && requiresOpaquely(code) && !quietProblems(ctx.filename, code, options.runtime);
  if (!annotated && !opaque && !(graph && imported.any())) {
    // Nothing to rewrite, but an import that cannot be analysed is still worth a warning.
    if (graph) imported.reportProblems();
    return undefined;
  }
  // SA212: a namespace of a module with generated exports, listed (namespace-reflection.ts).
  if (graph) reflectedNamespaces(ctx, imported);
  const factories: SaFactory[] = [];
  const fns = annotated ? collectFunctions(ctx, factories) : [];
  // SA213: an object or class of the file holding annotated methods, listed with its
  // non-enumerable properties (object-reflection.ts; attack29 F08).
  reflectedVariants(ctx, fns, graph ? imported : undefined);
  const index = buildIndex(ctx, fns);
  addKinds(index.methodKinds, imported.methodKinds());
  const exportIndex = indexExports(ctx.program);
  return { fns, factories, index, exportIndex };
}

/** The functions and factories, each with `processed` decided (and each factory's holders). */
interface Resolved {
  readonly fns: SaFunction[];
  readonly factories: SaFactory[];
}

/**
 * Resolve: which functions and factories were compiled already (their variant and marker are in
 * the file: `processed`), and which methods each factory's returned objects hold.
 */
function resolve(bound: Bound, collected: Collected): Resolved {
  const { ctx } = bound;
  const { fns, factories } = collected;
  const marked = markedTargets(ctx);
  for (const fn of fns) {
    const mark = markOf(ctx, fn, marked);
    fn.processed = mark !== undefined;
    // The marker's kind is the one the first pass read; the output may no longer show it (a
    // stripped `Promise<T>` return type), and the variant then keeps the name the marker holds.
    if (mark?.kind !== undefined && mark.kind !== fn.kind) {
      fn.kind = mark.kind;
      if (mark.variant !== undefined) fn.variant = mark.variant;
      // Taken as async by an unknown declared type (SA108) that the output no longer shows: its
      // returned values were guarded, not taken for the promise, unless the first pass put its
      // sync variant in a worker (fixture typescript/unknown-return-unknown-call, read again).
      if (fn.kind === "async" && !fn.fn.async && !workerStub(ctx, fn)) fn.guardedReturns = true;
    }
  }
  resolveFactories(ctx, factories, fns);
  return { fns, factories };
}

/** `fn`'s sync variant, which a previous pass generated, only calls its worker (`runSync`). */
function workerStub(ctx: Ctx, fn: SaFunction): boolean {
  const variant = generatedVariant(ctx, fn);
  if (variant === undefined) return false;
  // Read as text: the lazy tree may have left the generated body closed.
  const text = sourceOf(ctx, variant);
  return [...runtimeLocals(ctx)].some((local) => text.includes(`${local}.runSync(`));
}

/** The strategy of every function is on it (`syncPlan`, `asyncStrategy`); these run in workers. */
interface Proven {
  /** The functions, their strategy decided (read-only from here). */
  readonly fns: ProvenFunction[];
  /** Functions that run in a worker (sync variant) or the pool (offloaded async variant). */
  readonly inWorkers: Set<ProvenFunction>;
}

/**
 * Prove: the variant of every function, in source order. An async function's await and return
 * leaves are classified and its sync variant proven inline (guarded where not proven) or put in
 * a worker; a sync function's async variant is offloaded or kept on the calling thread. Each
 * function's own checks run beside its proof, in the same loop: a later function's leaves read
 * an earlier one's strategy, and the first failure must stay the first.
 */
function prove(bound: Bound, collected: Collected, resolved: Resolved): Proven {
  const { ctx } = bound;
  const { index, exportIndex } = collected;
  const { fns } = resolved;
  // Decide every variant before any call is classified: call strategies name them.
  for (const fn of fns) {
    if (!fn.processed) {
      checkClash(ctx, fn);
      checkInherited(ctx, fn);
      checkLiteralSources(ctx, fn);
    }
    if (fn.kind === "async") {
      analyseBody(ctx, index, fn);
      statementForms(ctx, fn);
      argumentsCallee(ctx, fn);
      const sleeps = pollingLoops(ctx, fn);
      fn.syncPlan = planSyncVariant(fn.located, ctx.options.unproven);
      // SA309 is about the blocking sleep of an inline copy: a worker variant sleeps on its own thread.
      if (fn.syncPlan.strategy !== "worker") for (const w of sleeps) warn(ctx, "SA309", w.at, w.message);
      if (fn.syncPlan.strategy === "worker" && !fn.reachable)
        fail(ctx, "SA301", at(fn.loc), MSG.needsWorker(fn.display, fn.unreachableWhy!, fn.syncPlan.reasons));
      if (fn.syncPlan.strategy === "worker") suggestTwins(ctx, fn);
      refuseWorkerArgumentWrites(ctx, fn);
    } else {
      fn.asyncStrategy = decideOffload(ctx, fn);
      if (provenQuiet(ctx, fn.fn)) fn.quiet = true;
    }
  }
  // Which sync functions block on a worker in their own body, once every sync variant is decided.
  // Its exported plain functions and classes too, for its facts (attack20 F7).
  markSyncBodyBlocks(
    ctx,
    index,
    fns,
    (f) => f.syncStrategy === "worker" || f.blocksOnWorker === true,
    ctx.imported,
    exportedPlainUnits(ctx, fns, exportIndex),
  );
  // What each function does with its parameters, for the calls that pass a call's value there.
  paramUses(ctx, index, fns);
  const inWorkers = new Set(
    fns.filter((f) => f.syncPlan?.strategy === "worker" || f.asyncStrategy === "offload"),
  );
  return { fns, inWorkers };
}

/**
 * Check, of the functions that run in workers: what does not cross a thread (SA302, SA306,
 * SA314) and what a worker's fresh import of the module runs (top-level effects, worker imports).
 */
function checkWorkers(input: AnalysisInput, bound: Bound, proven: Proven): void {
  const { ctx } = bound;
  const { inWorkers } = proven;
  // The rules of functions that run in workers read the module's top-level code as a fresh import
  // runs it (SA303 follows the functions a declaration calls into their bodies, the worker imports
  // take every top-level `require`, SA302 the objects the module makes), straight from the parsed
  // program: a parse with skipped bodies or literals (swc-plugin/skim.ts) would show them empty.
  if (inWorkers.size && input.parsed.skipped)
    ctx.tree.broken ??= "a function runs in workers: its rules read the module's top-level code in full";
  const workerFns = new Set<Node>([...inWorkers].map((f) => f.fn as Node));
  for (const fn of inWorkers) {
    const where = fn.kind === "async" ? "worker" : "offloaded";
    const reads = new Map<Binding, WorkerRead>();
    const state = sharedState(ctx, fn, reads);
    // What SA302's rule names, then what the proof of "the same in every thread" adds: a write
    // it recognises on a value SA302 does not follow, or a use it cannot prove a read (SA315).
    const { changed, unproven, handles } = sameEverywhere(
      ctx,
      reads,
      state.named,
      workerFns,
      state.reached as ReadonlySet<Node>,
    );
    const shared = [...state.entries, ...changed];
    if (shared.length) warn(ctx, "SA302", at(fn.loc), MSG.sharedState(fn.display, shared, where));
    const notProven = [...state.unproven, ...unproven];
    if (notProven.length) warn(ctx, "SA315", at(fn.loc), MSG.notSameEverywhere(fn.display, notProven, where));
    // A package's object that code of this thread calls methods of: the build cannot tell a
    // database file every thread reaches from an in-memory one each worker makes anew (SA316).
    if (handles.length) warn(ctx, "SA316", at(fn.loc), MSG.handleChanged(fn.display, handles, where));
  }
  for (const fn of inWorkers) {
    const { bound, processOnly } = threadBound(ctx, fn);
    const where = fn.kind === "async" ? "worker" : "offloaded";
    if (bound.length) warn(ctx, "SA306", at(fn.loc), MSG.threadBound(fn.display, bound, where));
    if (processOnly.length) warn(ctx, "SA314", at(fn.loc), MSG.processOnly(fn.display, processOnly, where));
  }
  if (inWorkers.size) {
    checkTopLevelEffects(
      ctx,
      isCommonJsSource(ctx.program, ctx.filename, ctx.code, input.bundler ? "bundler" : "node"),
    );
    checkWorkerImports(ctx);
  }
}

/** Every call of a smartasync function, by node, with its edit. */
interface Classified {
  /** Call node → its edit; copies of a body apply the edits of the calls they copy. */
  readonly edits: Map<Node, CallEdit>;
}

/**
 * Classify: the context of every call of a smartasync function (DESIGN's call-site context) and
 * the strategy it takes, which names the variants prove decided; then the methods taken off an
 * object that must stay bound. Calls in a variant already compiled are not calls of the user's.
 */
function classify(bound: Bound, collected: Collected, proven: Proven): Classified {
  const { ctx } = bound;
  const { index } = collected;
  const { fns } = proven;
  const generated = new Set(
    fns
      .filter((f) => f.processed)
      .map((f) => generatedVariant(ctx, f))
      .filter((n) => n !== undefined),
  );
  const edits = planCalls(ctx, index, generated);
  planAutobinds(ctx, index, edits);
  return { edits };
}

/** The report, with every diagnostic of the file recorded: only the plan is left. */
interface Checked {
  readonly report: Report;
}

/**
 * Check, of the calls as classified and of the exports: module-level calls that would start a
 * worker in every worker, unbounded calls whose value is discarded, caller state a worker would
 * not see, variants whose names an export takes, factories exported by a list.
 */
function checkCalls(bound: Bound, collected: Collected, proven: Proven, classified: Classified): Checked {
  const { ctx } = bound;
  const { factories, index, exportIndex } = collected;
  const { fns, inWorkers } = proven;
  const { edits } = classified;
  checkModuleLevelWorkerCalls(ctx, index, inWorkers, edits);
  checkUnboundedDiscards(ctx, index, edits);
  checkCallerState(ctx, index, edits);
  // A global set to a smartasync function under a computed name is SA206 at the write, reported
  // whether or not the file calls a bare global (fixture modules/global-second-name-computed).
  globalFunctionsOf(ctx, fns, { buildIndex, exportedValueOf });
  for (const fn of fns) checkExportClash(ctx, fn, exportIndex.get(fn.name));
  // A factory exported by a list (`export { createLoader }`) would leave its twin unexported.
  for (const f of factories)
    if (!f.processed && !f.exportDecl && exportIndex.has(f.name))
      fail(ctx, "SA102", at(f.loc), MSG.factoryExportList(f.name, f.variant));
  return { report: ctx.report };
}

/**
 * Plan: the file's facts for its importers, the variants its re-exports add, the report's
 * functions and factories, and the plan the emitters apply.
 */
function plan(
  input: AnalysisInput,
  bound: Bound,
  collected: Collected,
  proven: Proven,
  classified: Classified,
  checked: Checked,
): Analysis {
  const { ctx, imported, names } = bound;
  const { factories, exportIndex } = collected;
  const { fns, inWorkers } = proven;
  const { edits } = classified;
  const { report } = checked;
  const exports = input.facts === false ? undefined : factsOfFile(ctx, fns, imported, exportIndex);
  const reExports = reExportVariants(ctx, imported);

  for (const fn of fns) {
    report.functions.push({
      name: fn.display,
      loc: locOf(ctx, at(fn.loc)),
      kind: fn.kind,
      variants: fn.kind === "async" ? { sync: fn.variant } : { async: fn.variant },
      ...(fn.kind === "async"
        ? { syncStrategy: fn.syncPlan!.strategy }
        : { asyncStrategy: fn.asyncStrategy }),
      reasons:
        fn.kind === "async" ? fn.syncPlan!.reasons : [sameThreadWhy(ctx, fn)].filter((w) => w !== undefined),
      // Only where there are guards, so CI can deny them (`check --deny guarded`).
      ...(fn.kind === "async" && fn.syncPlan!.guards.length > 0 ? { guards: fn.syncPlan!.guards } : {}),
      ...(fn.kind === "async" && fn.syncPlan!.workerCalls ? { workerCalls: fn.syncPlan!.workerCalls } : {}),
    });
  }
  if (factories.length) report.factories = factories.map((f) => factoryReport(ctx, f));
  const analysis: Analysis & { plan: Plan } = {
    report: finishReport(report),
    exports,
    plan: {
      ctx,
      fns,
      factories,
      inWorkers,
      // Only beside functions this pass compiles: a second pass over the output registers nothing
      // again (the generated `register` calls are found by `registeredNames` too).
      // The imported ones first: they are registered after their imports, above the module's own.
      errorClasses: [...inWorkers].some((f) => !f.processed)
        ? [...importedErrorClassesToRegister(ctx), ...errorClassesToRegister(ctx)]
        : [],
      edits,
      exportIndex,
      reExports,
      imported,
      names,
      module: moduleKind(ctx, input.cjsTransform, input.bundler ? "bundler" : "node", input.script),
    },
  };
  refuseUnimportable(analysis.plan);
  return analysis;
}

/**
 * SA110: a plan that changes a file which can import nothing (`ModuleKind.unimportable`), at the
 * first function it compiles (whose marker needs the runtime), else its first rewritten call.
 */
function refuseUnimportable(plan: Plan): void {
  const option = plan.module.unimportable;
  if (option === undefined || !planChanges(plan)) return;
  const fn = plan.fns.find((f) => !f.processed) ?? plan.factories.find((f) => !f.processed);
  const first = fn ? at(fn.loc) : ([...plan.edits.keys()][0] ?? plan.ctx.program.body[0] ?? plan.ctx.program);
  fail(plan.ctx, "SA110", first as Located, MSG.unimportableScript(option));
}

/**
 * SA308: the awaited calls of an imported function that has no twin and so make the sync variant
 * a worker one, with the `twins` entry that would map them (issue 15). Only where the variant is
 * a worker one: in an inline variant the call was mapped or guarded, and nothing needs saying.
 * One hint per function and missing entry, at its first call in source order, saying how many
 * calls it covers (`Promise.all([lib.slow(a), lib.slow(b)])` needs one entry, not two hints).
 */
function suggestTwins(ctx: Ctx, fn: SaFunction): void {
  const byEntry = new Map<string, { first: TwinSuggestion; at: Set<string> }>();
  const key = (p: TwinSuggestion["pos"]) => `${p.line}:${p.column}`;
  const visit = (fact: AwaitFact): void => {
    if (fact.kind === "combinator") for (const e of fact.elements) visit(e);
    if (fact.kind !== "unmappable" || !fact.suggest) return;
    const s = fact.suggest;
    const group = byEntry.get(s.entry);
    if (!group) byEntry.set(s.entry, { first: s, at: new Set([key(s.pos)]) });
    else {
      group.at.add(key(s.pos));
      const f = group.first.pos;
      if (s.pos.line < f.line || (s.pos.line === f.line && s.pos.column < f.column)) group.first = s;
    }
  };
  for (const a of fn.located) visit(a.fact);
  const groups = [...byEntry.values()].sort(
    (a, b) => a.first.pos.line - b.first.pos.line || a.first.pos.column - b.first.pos.column,
  );
  for (const { first: s, at: calls } of groups) {
    // The other calls, in source order, as `file:line:column`.
    const others = [...calls]
      .filter((c) => c !== key(s.pos))
      .map((c) => c.split(":").map(Number) as [number, number])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map(([line, column]) => formatLoc(ctx.fileName, { line, column }));
    warn(ctx, "SA308", at(s.pos), MSG.noTwin(s.text, fn.display, fn.variant, s.entry, s.sameModule, others));
  }
}
