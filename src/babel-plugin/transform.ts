import { relative } from "node:path";
import type { File, NodePath, types as t } from "@babel/core";
import { mayContainAnnotation, mayContainMisspelling, misspelledTag } from "../core/annotation.js";
import { planSyncVariant } from "../core/inline.js";
import { MSG } from "../core/messages.js";
import type { ExportFact, ModuleFacts } from "../core/module-facts.js";
import { exportedVariant } from "../core/naming.js";
import type { Options } from "../core/options.js";
import { emptyReport, finishReport, type Report } from "../core/report.js";
import type { FunctionKind } from "../core/strategy.js";
import { buildIndex, planCalls } from "./calls.js";
import {
  checkClash,
  checkTopLevelEffects,
  generatedVariant,
  isProcessed,
  markedTargets,
  sharedState,
} from "./checks.js";
import { collectFunctions } from "./collect.js";
import { type Ctx, fail, locOf, warn } from "./ctx.js";
import { applyEdit, buildVariant, markerSpec } from "./emit.js";
import { exportedNames, indexExports } from "./exports-index.js";
import { ImportedFns } from "./imported.js";
import { Imports, moduleFacts } from "./imports.js";
import { analyseBody } from "./leaves.js";
import type { SaFunction } from "./model.js";
import type { ModuleGraph } from "./module-graph.js";

export function rootOf(file: File, options: Options): string {
  return options.root ?? file.opts.root ?? file.opts.cwd ?? process.cwd();
}

export function reportPath(file: File, options: Options): string {
  const filename = file.opts.filename;
  if (!filename) return "<input>";
  return relative(rootOf(file, options), filename).split("\\").join("/");
}

function atFn(fn: SaFunction): t.Node {
  return { loc: { start: { line: fn.loc.line, column: fn.loc.column - 1 } } } as t.Node;
}

/**
 * Statements to insert after module-level statements, applied in one pass over the body: one
 * `insertAfter` per function re-keys every later sibling, quadratic on large files.
 */
class ProgramInserts {
  private readonly after = new Map<t.Node, t.Statement[]>();
  constructor(private readonly program: NodePath<t.Program>) {}

  add(stmt: NodePath<t.Statement>, nodes: t.Statement[]): void {
    if (!stmt.parentPath?.isProgram()) {
      stmt.insertAfter(nodes);
      return;
    }
    this.addAfterNode(stmt.node, nodes);
  }

  /** After a statement of the program body, known by its node. */
  addAfterNode(node: t.Node, nodes: t.Statement[]): void {
    const list = this.after.get(node) ?? [];
    list.push(...nodes);
    this.after.set(node, list);
  }

  flush(): void {
    if (this.after.size === 0) return;
    const body: t.Statement[] = [];
    const old = this.program.node.body;
    old.forEach((s, i) => {
      body.push(s);
      const extra = this.after.get(s);
      if (!extra) return;
      body.push(...extra);
      // Babel hangs the next statement's leading comments on this one too: printed after the
      // inserted variants they would document the wrong declaration.
      const next = new Set((old[i + 1]?.leadingComments ?? []).map((c) => c.start));
      if (s.trailingComments && next.size)
        s.trailingComments = s.trailingComments.filter((c) => !next.has(c.start));
    });
    this.program.node.body = body;
  }
}

/**
 * A file that re-exports smartasync functions by name re-exports their variants too
 * (`export { f } from "./a"` → `export { f, fSync } from "./a"`); `export *` needs nothing.
 */
function reExportVariants(ctx: Ctx, program: NodePath<t.Program>, imported: ImportedFns): void {
  const t = ctx.t;
  for (const s of program.node.body) {
    if (s.type !== "ExportNamedDeclaration" || !s.source || s.exportKind === "type") continue;
    const facts = imported.factsOf(s.source.value);
    const names = new Set(
      s.specifiers.map((sp) => (sp.exported.type === "Identifier" ? sp.exported.name : sp.exported.value)),
    );
    for (const sp of [...s.specifiers]) {
      if (sp.type !== "ExportSpecifier") continue;
      const local = sp.local.type === "Identifier" ? sp.local.name : sp.local.value;
      const exported = sp.exported.type === "Identifier" ? sp.exported.name : sp.exported.value;
      const fact = facts.exports.get(local);
      if (!fact) continue;
      const as = exportedVariant(exported, local, fact.variant, fact.kind, ctx.options);
      if (names.has(as)) continue;
      names.add(as);
      s.specifiers.push(t.exportSpecifier(t.identifier(fact.variant), t.identifier(as)));
    }
  }
}

function factsOfFile(
  ctx: Ctx,
  program: NodePath<t.Program>,
  fns: SaFunction[],
  imported: ImportedFns,
): ModuleFacts {
  const { options } = ctx;
  const exports = new Map<string, ExportFact>();
  const methods = new Map<string, Set<FunctionKind>>();
  const uses = indexExports(program);
  for (const fn of fns) {
    if (fn.form === "class-method" || fn.form === "object-method") {
      methods.set(fn.name, new Set([...(methods.get(fn.name) ?? []), fn.kind]));
      continue;
    }
    const names = exportedNames(uses.get(fn.name));
    if (fn.exportDecl) names.push(fn.stmt!.isExportDefaultDeclaration() ? "default" : fn.name);
    for (const name of names) {
      exports.set(name, {
        name: fn.display,
        kind: fn.kind,
        variant: exportedVariant(name, fn.name, fn.variant, fn.kind, options),
        ...(fn.kind === "async"
          ? { syncStrategy: fn.syncPlan!.strategy }
          : { asyncStrategy: fn.asyncStrategy }),
        from: ctx.fileName,
      });
    }
  }
  // Re-exports carry the facts of the modules they come from.
  for (const s of program.node.body) {
    if ((s.type !== "ExportNamedDeclaration" && s.type !== "ExportAllDeclaration") || !s.source) continue;
    const facts = imported.factsOf(s.source.value);
    for (const [m, kinds] of facts.methods) methods.set(m, new Set([...(methods.get(m) ?? []), ...kinds]));
    if (s.type === "ExportAllDeclaration") {
      for (const [name, fact] of facts.exports)
        if (name !== "default" && !exports.has(name)) exports.set(name, fact);
      continue;
    }
    for (const sp of s.specifiers) {
      if (sp.type !== "ExportSpecifier") continue;
      const local = sp.local.type === "Identifier" ? sp.local.name : sp.local.value;
      const exported = sp.exported.type === "Identifier" ? sp.exported.name : sp.exported.value;
      const fact = facts.exports.get(local);
      if (!fact) continue;
      exports.set(exported, {
        ...fact,
        variant: exportedVariant(exported, local, fact.variant, fact.kind, options),
      });
    }
  }
  return { exports, methods };
}

/** The whole pass: collect, decide, then edit (DESIGN §2–§4). */
export function transformProgram(
  t: typeof import("@babel/core").types,
  program: NodePath<t.Program>,
  file: File,
  options: Options,
  graph?: ModuleGraph,
  /** For `.d.ts` emit (`smartasync build`): keep `smartasync(...)` wrappers, whose type is the point. */
  keepWrappers = false,
): { report: Report; exports?: ModuleFacts } {
  const report = emptyReport(reportPath(file, options));
  const code = file.code;
  const ctx: Ctx = { t, options, file, fileName: report.file, code, report, graph };
  const imported = new ImportedFns(ctx, program);
  ctx.imported = imported;
  if (mayContainMisspelling(code)) {
    for (const c of (file.ast.comments ?? []) as t.Comment[]) {
      const word = misspelledTag(c.value, c.type === "CommentBlock");
      if (word) warn(ctx, "SA107", c, MSG.misspelled(word));
    }
  }
  // Fast path: no annotation in the text and nothing smartasync imported → not traversed at all.
  const annotated = mayContainAnnotation(code, options.runtime);
  if (!annotated && !(graph && imported.any())) {
    // Nothing to rewrite, but an import that cannot be analysed is still worth a warning.
    if (graph) imported.reportProblems();
    return { report: finishReport(report) };
  }
  const fns = annotated ? collectFunctions(ctx, program) : [];
  const index = buildIndex(fns);
  for (const [m, kinds] of imported.methodKinds()) {
    index.methodKinds.set(m, new Set([...(index.methodKinds.get(m) ?? []), ...kinds]));
  }

  const marked = markedTargets(ctx, program);
  for (const fn of fns) fn.processed = isProcessed(fn, marked);

  // Decide every variant before any call is classified: call strategies name them.
  for (const fn of fns) {
    if (!fn.processed) checkClash(ctx, fn);
    if (fn.kind === "async") {
      analyseBody(ctx, index, fn);
      fn.syncPlan = planSyncVariant(fn.located);
      if (fn.syncPlan.strategy === "worker" && !fn.reachable) {
        fail(ctx, "SA301", atFn(fn), MSG.needsWorker(fn.display, fn.unreachableWhy!, fn.syncPlan.reasons));
      }
    } else {
      fn.asyncStrategy = fn.reachable ? "offload" : "same-thread";
      if (!fn.reachable)
        warn(ctx, "SA304", atFn(fn), MSG.notOffloadable(fn.display, fn.unreachableWhy!, fn.variant));
    }
  }
  const inWorkers = new Set(
    fns.filter((f) => f.syncPlan?.strategy === "worker" || f.asyncStrategy === "offload"),
  );
  for (const fn of inWorkers) {
    const names = sharedState(fn, program);
    if (names.length)
      warn(
        ctx,
        "SA302",
        atFn(fn),
        MSG.sharedState(fn.display, names, fn.kind === "async" ? "worker" : "offloaded"),
      );
  }
  if (inWorkers.size) checkTopLevelEffects(ctx, program);

  const generated = new Set(
    fns
      .filter((f) => f.processed)
      .map(generatedVariant)
      .filter((n) => n !== undefined),
  );
  const edits = planCalls(ctx, program, index, generated);
  const imports = new Imports(ctx, program, moduleFacts(ctx, program));

  // Variants copy the original bodies, so build them before the originals' calls are edited.
  const variants = new Map<SaFunction, t.Node>();
  for (const fn of fns) if (!fn.processed) variants.set(fn, buildVariant(ctx, fn, edits, imports));
  for (const [node, edit] of edits) applyEdit(ctx, node as t.CallExpression, edit, imports);

  const rt = () => t.identifier(imports.runtime());
  const call = (name: string, args: t.Expression[]) =>
    t.expressionStatement(t.callExpression(t.memberExpression(rt(), t.identifier(name)), args));
  const holders = new Map<t.Node, SaFunction[]>();
  const exportIndex = indexExports(program);
  const inserts = new ProgramInserts(program);

  for (const fn of fns) {
    if (fn.processed) continue;
    const variant = variants.get(fn)!;
    const inWorker = inWorkers.has(fn);
    if (fn.form === "function" || fn.form === "const") {
      const decl = variant as t.Statement;
      const after: t.Statement[] = [
        fn.exportDecl ? t.exportNamedDeclaration(decl as t.FunctionDeclaration, []) : decl,
        call("mark", [t.identifier(fn.name), markerSpec(ctx, fn, t.identifier(fn.variant))]),
      ];
      if (fn.wrapper && !keepWrappers) {
        // The typed form: the wrapper goes, its explicit choices stay for code not compiled.
        const declarator = (
          fn.stmt!.isExportNamedDeclaration() ? fn.stmt!.node.declaration : fn.stmt!.node
        ) as t.VariableDeclaration;
        declarator.declarations[0].init = fn.wrapper.arguments[0] as t.Expression;
        const [sync, async] = fn.kind === "async" ? [fn.variant, fn.name] : [fn.name, fn.variant];
        after.push(
          call("explicit", [
            t.identifier(fn.name),
            t.objectExpression([
              t.objectProperty(t.identifier("sync"), t.identifier(sync)),
              t.objectProperty(t.identifier("async"), t.identifier(async)),
            ]),
          ]),
        );
      }
      if (inWorker) {
        after.push(
          call("register", [
            imports.moduleUrl(),
            t.objectExpression([t.objectProperty(t.identifier(fn.name), t.identifier(fn.name), false, true)]),
          ]),
        );
      }
      const exp = fn.exportDecl ? undefined : exportIndex.get(fn.name);
      for (const { decl, exported } of exp?.specifiers ?? []) {
        // `export { f as default }` exports the variant under its own name.
        const as = exportedVariant(exported, fn.name, fn.variant, fn.kind, options);
        decl.specifiers.push(t.exportSpecifier(t.identifier(fn.variant), t.identifier(as)));
      }
      if (exp?.isDefault) {
        after.push(
          t.exportNamedDeclaration(null, [
            t.exportSpecifier(t.identifier(fn.variant), t.identifier(fn.variant)),
          ]),
        );
      }
      for (const c of exp?.cjs ?? []) {
        const as = exportedVariant(c.exported, fn.name, fn.variant, fn.kind, options);
        if (c.kind === "object") {
          c.obj.properties.push(
            t.objectProperty(t.identifier(as), t.identifier(fn.variant), false, as === fn.variant),
          );
        } else {
          inserts.addAfterNode(c.stmt, [
            t.expressionStatement(
              t.assignmentExpression(
                "=",
                t.memberExpression(t.cloneNode(c.target), t.identifier(as)),
                t.identifier(fn.variant),
              ),
            ),
          ]);
        }
      }
      inserts.add(fn.stmt!, after);
      continue;
    }
    fn.member!.insertAfter(variant as t.ClassMethod);
    const list = holders.get(fn.holder!.node) ?? [];
    list.push(fn);
    holders.set(fn.holder!.node, list);
  }

  // Methods are marked (and registered) where their class or object is created.
  for (const list of holders.values()) {
    const holder = list[0].holder!;
    const isClass = list[0].form === "class-method";
    const owner = (self: t.Expression, fn: SaFunction) =>
      isClass && !fn.isStatic ? t.memberExpression(self, t.identifier("prototype")) : self;
    const stmts = (self: () => t.Expression): t.Statement[] => {
      const out: t.Statement[] = [];
      const reg: t.ObjectProperty[] = [];
      for (const fn of list) {
        const o = () => owner(self(), fn);
        out.push(
          call("mark", [
            t.memberExpression(o(), t.identifier(fn.name)),
            markerSpec(ctx, fn, t.memberExpression(o(), t.identifier(fn.variant))),
          ]),
        );
        if (inWorkers.has(fn))
          reg.push(
            t.objectProperty(t.stringLiteral(fn.registerKey), t.memberExpression(o(), t.identifier(fn.name))),
          );
      }
      if (reg.length) out.push(call("register", [imports.moduleUrl(), t.objectExpression(reg)]));
      return out;
    };
    if (isClass) {
      (holder.node as t.Class).body.body.push(t.staticBlock(stmts(() => t.thisExpression())));
      continue;
    }
    const decl = holder.parentPath;
    if (
      decl?.isVariableDeclarator() &&
      decl.node.id.type === "Identifier" &&
      decl.parentPath.parentPath &&
      (decl.parentPath.parentPath.isProgram() ||
        decl.parentPath.parentPath.isBlockStatement() ||
        decl.parentPath.parentPath.isExportNamedDeclaration())
    ) {
      const name = decl.node.id.name;
      const stmt = decl.parentPath.parentPath.isExportNamedDeclaration()
        ? decl.parentPath.parentPath
        : decl.parentPath;
      inserts.add(
        stmt as NodePath<t.Statement>,
        stmts(() => t.identifier(name)),
      );
      continue;
    }
    // An object not bound to a name: mark it where it is created.
    const o = program.scope.generateUidIdentifier("o");
    const body = stmts(() => t.cloneNode(o)).map((s) => (s as t.ExpressionStatement).expression);
    holder.replaceWith(
      t.callExpression(t.arrowFunctionExpression([o], t.sequenceExpression([...body, t.cloneNode(o)])), [
        holder.node as t.Expression,
      ]),
    );
  }

  const exports = factsOfFile(ctx, program, fns, imported);
  reExportVariants(ctx, program, imported);
  inserts.flush();
  imported.flush();
  imports.flush();
  // Other plugins (preset-typescript import elision, the CommonJS transform) read bindings: make
  // the generated imports and variants known to them (fixture contexts/ts-wrappers, Babel 7).
  program.scope.crawl();

  for (const fn of fns) {
    report.functions.push({
      name: fn.display,
      loc: locOf(ctx, atFn(fn)),
      kind: fn.kind,
      variants: fn.kind === "async" ? { sync: fn.variant } : { async: fn.variant },
      ...(fn.kind === "async"
        ? { syncStrategy: fn.syncPlan!.strategy }
        : { asyncStrategy: fn.asyncStrategy }),
      reasons: fn.kind === "async" ? fn.syncPlan!.reasons : fn.reachable ? [] : [fn.unreachableWhy!],
    });
  }
  return { report: finishReport(report), exports };
}
