import { relative, sep } from "node:path";
import type { File, NodePath, types as t } from "@babel/core";
import { analyse, type Plan, planChanges } from "../core/analysis/analyse.js";
import { propertyHolding, variantExports } from "../core/analysis/exports.js";
import { twinObjects } from "../core/analysis/factories.js";
import { spreadChecks } from "../core/analysis/literal-variants.js";
import { markerPlace } from "../core/analysis/marker-place.js";
import type { SaFactory, SaFunction } from "../core/analysis/model.js";
import type { ModuleGraph } from "../core/analysis/module-graph.js";
import { moduleUrlCallees } from "../core/analysis/runtime-names.js";
import { parseAnnotation } from "../core/annotation.js";
import type { ModuleFacts } from "../core/module-facts.js";
import { isIdentifierName } from "../core/naming.js";
import type { Options } from "../core/options.js";
import type { Report } from "../core/report.js";
import { cloneWithMap, replaceIn } from "./clone.js";
import {
  applyEdit,
  buildVariant,
  checkSpreads,
  type EmitCtx,
  markerSpec,
  ownVariantStatements,
  pairStatements,
} from "./emit.js";
import { codeFrameError } from "./errors.js";
import { Imports } from "./imports.js";
import { ScopeSync } from "./scope-sync.js";

export function rootOf(file: File, options: Options): string {
  return options.root ?? file.opts.root ?? file.opts.cwd ?? process.cwd();
}

export function reportPath(file: File, options: Options): string {
  const filename = file.opts.filename;
  if (!filename) return "<input>";
  return relative(rootOf(file, options), filename).split(sep).join("/");
}

/**
 * Statements to insert after module-level statements, applied in one pass over the body: one
 * `insertAfter` per function re-keys every later sibling, quadratic on large files.
 */
class ProgramInserts {
  private readonly after = new Map<t.Node, t.Statement[]>();
  constructor(
    private readonly program: NodePath<t.Program>,
    private readonly paths: Map<t.Node, NodePath>,
    private readonly sync: ScopeSync | undefined,
  ) {}

  add(stmt: t.Node, nodes: t.Statement[]): void {
    if (!this.program.node.body.includes(stmt as t.Statement)) {
      const added = this.paths.get(stmt)!.insertAfter(nodes);
      this.sync?.inserted(added);
      return;
    }
    const list = this.after.get(stmt) ?? [];
    list.push(...nodes);
    this.after.set(stmt, list);
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
      this.sync?.insertedTopLevel(extra);
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
 * The paths of the nodes the emitter edits in place (statements inside blocks, members, holders).
 * Each is reached from the program down its parent links in the core's tree (the nodes are
 * Babel's own): no traversal of the whole file, which costs more than the rest of the plugin on
 * a large file. A node the tree does not link falls back to that traversal.
 */
function pathsOf(program: NodePath<t.Program>, nodes: Set<t.Node>, plan: Plan): Map<t.Node, NodePath> {
  const out = new Map<t.Node, NodePath>();
  if (nodes.size === 0) return out;
  const tree = plan.ctx.tree;
  const down = (node: t.Node): NodePath | undefined => {
    const steps: { key: string; index: number }[] = [];
    for (let cur = node; cur !== program.node; ) {
      const link = tree.link(cur);
      if (!link) return undefined;
      steps.push(link);
      cur = link.parent;
    }
    let path: NodePath = program;
    for (let i = steps.length - 1; i >= 0; i--) {
      const { key, index } = steps[i]!;
      // No traversal context (`false`, which Babel 7 and 8 accept though their types do not):
      // the paths are Babel's cached ones, as a traversal would find them.
      const get = path.get as unknown as (this: NodePath, key: string, context: false) => NodePath;
      path = get.call(path, index >= 0 ? `${key}.${index}` : key, false);
    }
    return path.node === node ? path : undefined;
  };
  for (const n of nodes) {
    const path = down(n);
    if (!path) return pathsByTraversal(program, nodes);
    out.set(n, path);
  }
  return out;
}

function pathsByTraversal(program: NodePath<t.Program>, nodes: Set<t.Node>): Map<t.Node, NodePath> {
  const out = new Map<t.Node, NodePath>();
  program.traverse({
    enter(p) {
      if (nodes.has(p.node)) out.set(p.node, p);
    },
  });
  return out;
}

/**
 * The nodes that may carry `comment` as a trailing comment: Babel gives a comment to the node
 * that ends where the whitespace (and comments) before it start, so only the nodes ending at the
 * previous token's end, found by descending through the nodes around that offset.
 */
function trailingCarriers(
  t: typeof import("@babel/core").types,
  program: t.Program,
  comment: t.Comment,
  commentEnds: Map<number, t.Comment>,
  code: string,
): t.Node[] {
  let i = comment.start ?? 0;
  for (;;) {
    while (i > 0 && /\s/.test(code[i - 1]!)) i--;
    const before = commentEnds.get(i);
    if (!before || before.start == null || before.start >= i) break;
    i = before.start;
  }
  const out: t.Node[] = [];
  const stack: t.Node[] = [program];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.end === i) out.push(n);
    const rec = n as unknown as Record<string, unknown>;
    for (const key of t.VISITOR_KEYS[n.type] ?? []) {
      const v = rec[key];
      for (const c of Array.isArray(v) ? v : [v]) {
        const child = c as t.Node | null | undefined;
        if (child && typeof child.type === "string" && child.start != null && child.end != null)
          if (child.start < i && i <= child.end) stack.push(child);
      }
    }
  }
  return out;
}

/**
 * Babel attaches a comment to the node before it (as trailing) and the node after it (as
 * leading). Comments above an annotated function belong to it: variants go in between, so the
 * copy on the statement before is dropped (fixture annotations/comment-placement).
 */
function keepCommentsWithFunctions(
  t: typeof import("@babel/core").types,
  plan: Plan,
  paths: Map<t.Node, NodePath>,
  program: NodePath<t.Program>,
): void {
  const comments = plan.ctx.comments;
  const annotationList = comments.filter(
    (c) => parseAnnotation(c.value, c.type === "CommentBlock").kind === "annotation",
  );
  const annotations = new Set(annotationList.map((c) => c.start));
  const commentEnds = new Map<number, t.Comment>();
  for (const c of comments) if (c.end != null) commentEnds.set(c.end, c);
  for (const c of annotationList) {
    for (const node of trailingCarriers(t, program.node, c, commentEnds, plan.ctx.code)) {
      const trail = node.trailingComments;
      if (trail?.some((x) => annotations.has(x.start))) {
        node.trailingComments = trail.filter((x) => !annotations.has(x.start));
      }
    }
  }
  for (const fn of plan.fns) {
    const annotated = fn.form === "function" || fn.form === "const" ? fn.stmt : fn.member;
    const path = annotated && paths.get(annotated);
    const lead = annotated?.leadingComments;
    if (!path || !lead) continue;
    const prev = path.getPrevSibling();
    const prevTrail = prev.node?.trailingComments;
    if (prevTrail) {
      const own = new Set(lead.map((c) => c.start));
      prev.node!.trailingComments = prevTrail.filter((c) => !own.has(c.start));
    }
  }
}

/** Applies the core's plan to Babel's AST; returns the runtime's name in the output, if it used it. */
function emitPlan(
  t: typeof import("@babel/core").types,
  plan: Plan,
  program: NodePath<t.Program>,
  file: File,
  keepWrappers: boolean,
  syncScopes: boolean,
): string | undefined {
  const { fns, options } = { fns: plan.fns, options: plan.ctx.options };
  // Babel's nodes are edited in place from here: the core's walks read them live.
  plan.ctx.tree.editing();
  const wanted = new Set([
    ...fns.flatMap((f) => [f.stmt, f.member, f.holder].filter((n): n is t.Node => n !== undefined)),
    ...plan.factories.map((f) => f.stmt),
  ]);
  // With other plugins in the pass, Babel's scopes are kept true to the edits (scope-sync.ts):
  // the original nodes that change, or receive new children, are found before any edit.
  const sync = syncScopes ? new ScopeSync(t, program, plan.ctx.code) : undefined;
  if (sync) for (const n of nodesToSync(plan)) wanted.add(n);
  const paths = pathsOf(program, wanted, plan);
  if (sync) {
    for (const call of plan.edits.keys()) sync.changing(paths.get(call as t.Node)!);
    for (const fn of fns) {
      if (fn.processed) continue;
      if ((fn.form === "function" || fn.form === "const") && fn.wrapper && !keepWrappers)
        sync.changing(declaratorOf(paths.get(fn.stmt!)!));
    }
    for (const holder of new Set(fns.filter((f) => !f.processed && f.holder).map((f) => f.holder!)))
      if (markerPlace(plan.ctx.tree, holder).kind === "wrap") sync.changing(paths.get(holder)!);
    for (const spread of checkedSpreads(plan)) sync.changing(paths.get(spread)!);
  }
  keepCommentsWithFunctions(t, plan, paths, program);
  const imports = new Imports(t, plan, program);
  // An exported name need not be an identifier (`export { f as "a-b" }`): then it is a string.
  const nameNode = (name: string) => (isIdentifierName(name) ? t.identifier(name) : t.stringLiteral(name));
  // The declarations pass (keepWrappers) writes TypeScript for TypeScript's checker.
  const ectx: EmitCtx = { t, plan, filename: file.opts.filename ?? undefined, typed: keepWrappers };

  // Variants copy the original bodies, so build them before the originals' calls are edited.
  const variants = new Map<SaFunction, t.Node>();
  for (const fn of fns) if (!fn.processed) variants.set(fn, buildVariant(ectx, fn, plan.edits, imports));

  const rt = () => t.identifier(imports.runtime());
  const call = (name: string, args: t.Expression[]) =>
    t.expressionStatement(t.callExpression(t.memberExpression(rt(), t.identifier(name)), args));
  const holders = new Map<t.Node, SaFunction[]>();
  const inserts = new ProgramInserts(program, paths, sync);
  // The wrapper that marks the methods of an object not bound to a name, by object: a factory's
  // twin leaves it out (factoryTwin).
  const wrappers = new Map<t.Node, t.Node>();

  for (const fn of fns) {
    if (fn.processed) continue;
    const variant = variants.get(fn)!;
    if (fn.form === "function" || fn.form === "const") {
      const decl = variant as t.Statement;
      const unwrap = fn.wrapper !== undefined && !keepWrappers;
      const after: t.Statement[] = [
        fn.exportDecl ? t.exportNamedDeclaration(decl as t.FunctionDeclaration, []) : decl,
        // The typed form: the wrapper goes, its explicit choices stay for code not compiled.
        ...pairStatements(ectx, fn, imports, unwrap),
      ];
      if (unwrap) {
        const stmt = fn.stmt!;
        const declaration = (
          stmt.type === "ExportNamedDeclaration" ? stmt.declaration : stmt
        ) as t.VariableDeclaration;
        // The binding holds the function behind a guard for calls not rewritten, as uncompiled.
        declaration.declarations[0].init = t.callExpression(t.memberExpression(rt(), t.identifier("typed")), [
          fn.wrapper!.arguments[0] as t.Expression,
          t.stringLiteral(fn.name),
        ]);
      }
      if (plan.inWorkers.has(fn)) {
        after.push(
          call("register", [
            imports.moduleUrl(),
            t.objectExpression([t.objectProperty(t.identifier(fn.name), t.identifier(fn.name), false, true)]),
          ]),
        );
      }
      const exp = variantExports(fn, plan.exportIndex.get(fn.name), options);
      for (const { decl, as } of exp.specifiers) {
        const spec = t.exportSpecifier(t.identifier(fn.variant), nameNode(as));
        decl.specifiers.push(spec);
        if (sync) sync.pushedInto(paths.get(decl)!, "specifiers", spec);
      }
      if (exp.statement) {
        after.push(
          t.exportNamedDeclaration(null, [
            t.exportSpecifier(t.identifier(fn.variant), t.identifier(fn.variant)),
          ]),
        );
      }
      for (const { c, as } of exp.cjs) {
        if (c.kind === "object") {
          const prop = t.objectProperty(nameNode(as), t.identifier(fn.variant), false, as === fn.variant);
          c.obj.properties.splice(c.obj.properties.indexOf(propertyHolding(c.obj, c.ref)) + 1, 0, prop);
          if (sync) sync.pushedInto(paths.get(c.obj)!, "properties", prop);
        } else if (c.kind === "define")
          inserts.add(c.stmt, [definedGetter(t, c.target, as, t.identifier(fn.variant))]);
        else {
          inserts.add(c.stmt, [
            t.expressionStatement(
              t.assignmentExpression(
                "=",
                t.memberExpression(t.cloneNode(c.target), nameNode(as), !isIdentifierName(as)),
                t.identifier(fn.variant),
              ),
            ),
          ]);
        }
      }
      inserts.add(fn.stmt!, after);
      continue;
    }
    const added = paths.get(fn.member!)!.insertAfter(variant as t.ClassMethod);
    sync?.inserted(added);
    const list = holders.get(fn.holder!) ?? [];
    list.push(fn);
    holders.set(fn.holder!, list);
  }

  // The module's error classes, registered after their declarations (core error-classes.ts).
  for (const c of plan.errorClasses)
    inserts.add(c.stmt, [
      call("register", [
        imports.moduleUrl(),
        t.objectExpression([t.objectProperty(t.identifier(c.name), t.identifier(c.name), false, true)]),
      ]),
    ]);

  // Methods are marked (and registered) where their class or object is created.
  for (const [holderNode, list] of holders) {
    const holder = paths.get(holderNode)!;
    const isClass = list[0].form === "class-method";
    const owner = (self: t.Expression, fn: SaFunction) =>
      isClass && !fn.isStatic ? t.memberExpression(self, t.identifier("prototype")) : self;
    const stmts = (self: () => t.Expression): t.Statement[] => {
      const out: t.Statement[] = ownVariantStatements(ectx, imports, list, self);
      const reg: t.ObjectProperty[] = [];
      for (const fn of list) {
        const o = () => owner(self(), fn);
        out.push(
          call("mark", [
            t.memberExpression(o(), t.identifier(fn.name)),
            markerSpec(ectx, fn, t.memberExpression(o(), t.identifier(fn.variant))),
          ]),
        );
        if (plan.inWorkers.has(fn))
          reg.push(
            t.objectProperty(t.stringLiteral(fn.registerKey), t.memberExpression(o(), t.identifier(fn.name))),
          );
      }
      if (reg.length) out.push(call("register", [imports.moduleUrl(), t.objectExpression(reg)]));
      return out;
    };
    checkSpreads(ectx, imports, list);
    const place = markerPlace(plan.ctx.tree, holderNode);
    if (place.kind === "class") {
      // First in the class body: its methods exist before any static element runs, and a static
      // block or field that calls one (`this.load()`, `C.load()`) finds it marked (attack25 F02;
      // fixture methods/static-elements-call-methods).
      const block = t.staticBlock(stmts(() => t.thisExpression()));
      const [added] = (holder.get("body") as NodePath<t.ClassBody>).unshiftContainer("body", block);
      sync?.inserted([added]);
      continue;
    }
    if (place.kind === "after") {
      // The declaration, or the `export` around it: one or two levels above the declarator.
      const declaration = holder.parentPath!.parentPath!;
      const stmt = declaration.node === place.statement ? declaration : declaration.parentPath!;
      const name = place.name;
      if (!paths.has(stmt.node)) paths.set(stmt.node, stmt);
      inserts.add(
        stmt.node,
        stmts(() => t.identifier(name)),
      );
      continue;
    }
    // An object not bound to a name: mark it where it is created.
    const o = t.identifier(plan.names.uid("o"));
    const body = stmts(() => t.cloneNode(o)).map((s) => (s as t.ExpressionStatement).expression);
    const wrapper = t.callExpression(
      t.arrowFunctionExpression([o], t.sequenceExpression([...body, t.cloneNode(o)])),
      [holder.node as t.Expression],
    );
    wrappers.set(holder.node, wrapper);
    holder.replaceWith(wrapper);
  }

  // Calls are edited once every holder is wrapped: a dispatch moves its receiver and arguments
  // into new nodes, so a literal wrapped after it would be replaced through a path no longer in
  // the tree (fixture methods/literal-receiver-and-argument, attack25 F09). The edits change
  // call nodes in place and read their children as they are now.
  for (const [node, edit] of plan.edits) applyEdit(ectx, node as t.CallExpression, edit, imports);

  // `// @smartasync factory`: its sync twin, a copy of the factory as compiled above.
  const spreads = new Set(plan.factories.length ? checkedSpreads(plan) : []);
  for (const factory of plan.factories) {
    if (factory.processed) continue;
    inserts.add(factory.stmt, [factoryTwin(t, factory, variants, wrappers, spreads)]);
  }

  // `export { f } from "./a"` → `export { f, fSync } from "./a"`; exports of an imported `f`.
  for (const r of plan.reExports) {
    const local = () => nameNode(r.local) as t.Identifier;
    if (r.kind === "specifier") {
      // A string local (`export { "a-bSync" } from`) is valid syntax Babel 7's builder rejects.
      const spec = t.exportSpecifier(t.identifier("_"), nameNode(r.exported));
      spec.local = local();
      r.decl.specifiers.push(spec);
      if (sync) sync.pushedInto(paths.get(r.decl)!, "specifiers", spec);
    } else if (r.kind === "statement")
      inserts.add(r.after, [
        t.exportNamedDeclaration(null, [t.exportSpecifier(local(), nameNode(r.exported))]),
      ]);
    else if (r.kind === "object") {
      const prop = t.objectProperty(nameNode(r.exported), local(), false, r.exported === r.local);
      r.obj.properties.splice(r.obj.properties.indexOf(propertyHolding(r.obj, r.ref)) + 1, 0, prop);
      if (sync) sync.pushedInto(paths.get(r.obj)!, "properties", prop);
    } else if (r.kind === "getter")
      inserts.add(r.stmt, [
        definedGetter(
          t,
          r.target,
          r.exported,
          t.memberExpression(t.identifier(r.object), nameNode(r.local), !isIdentifierName(r.local)),
        ),
      ]);
    else if (r.kind === "define") inserts.add(r.stmt, [definedGetter(t, r.target, r.exported, local())]);
    else
      inserts.add(r.stmt, [
        t.expressionStatement(
          t.assignmentExpression(
            "=",
            t.memberExpression(t.cloneNode(r.target), nameNode(r.exported), !isIdentifierName(r.exported)),
            local(),
          ),
        ),
      ]);
  }
  // A variant's copy may import a sibling variant while it is built (`await loadUser(id)` in a
  // copy asks for `loadUserSync`), after the paths above were found: its holder is looked up now
  // (fixture modules/named-import-in-copy-with-plugins, attack19 F7).
  const holderPath = (node: t.Node) => paths.get(node) ?? pathsOf(program, new Set([node]), plan).get(node)!;
  // A namespace import takes no named specifiers (`import load, * as ns, { loadSync }` does not
  // parse): its variants come in by a declaration of their own, from the same module, after it
  // (fixture modules/namespace-beside-default, attack29 F17).
  const ownImports = new Map<t.ImportDeclaration, t.ImportDeclaration>();
  for (const v of plan.imported.pending) {
    if (v.holder.kind === "import") {
      const spec = t.importSpecifier(t.identifier(v.local), nameNode(v.imported));
      const decl = v.holder.decl;
      if (decl.specifiers.some((s) => s.type === "ImportNamespaceSpecifier")) {
        const own = ownImports.get(decl);
        if (own) own.specifiers.push(spec);
        else {
          const added = t.importDeclaration([spec], t.cloneNode(decl.source));
          ownImports.set(decl, added);
          paths.set(decl, holderPath(decl));
          inserts.add(decl, [added]);
        }
        continue;
      }
      decl.specifiers.push(spec);
      if (sync) sync.pushedInto(holderPath(decl), "specifiers", spec);
    } else {
      const prop = t.objectProperty(
        nameNode(v.imported),
        t.identifier(v.local),
        false,
        v.imported === v.local,
      );
      // Before a rest element, which must stay last, and whose object must not gain the variant
      // (fixtures modules/destructured-rest, cjs/destructured-rest; attack29 F16).
      const props = v.holder.pattern.properties;
      const rest = props.findIndex((p) => p.type === "RestElement");
      props.splice(rest < 0 ? props.length : rest, 0, prop);
      // The new name is bound by the declaration the pattern is in.
      if (sync) sync.redeclared(holderPath(v.holder.pattern), v.local);
    }
  }
  inserts.flush();
  const generated = imports.flush();
  sync?.insertedTopLevel(generated);
  // Other plugins (preset-typescript import elision, the CommonJS transform) read bindings: the
  // generated imports and variants are made known to them (fixture contexts/ts-wrappers, Babel 7).
  sync?.finish();
  return imports.runtimeUsed();
}

/**
 * `Object.defineProperty(<target>, "<exported>", { enumerable: true, get: function () { return
 * <value>; } })`: a variant's export beside a getter export, read as late as the name's, in the
 * form Node's CommonJS export scan finds for an ES importer (fixture modules/cjs-define-property-exports).
 */
function definedGetter(
  t: typeof import("@babel/core").types,
  target: t.Expression,
  exported: string,
  value: t.Expression,
): t.Statement {
  return t.expressionStatement(
    t.callExpression(t.memberExpression(t.identifier("Object"), t.identifier("defineProperty")), [
      t.cloneNode(target),
      t.stringLiteral(exported),
      t.objectExpression([
        t.objectProperty(t.identifier("enumerable"), t.booleanLiteral(true)),
        t.objectProperty(
          t.identifier("get"),
          t.functionExpression(null, [], t.blockStatement([t.returnStatement(value)])),
        ),
      ]),
    ]),
  );
}

/**
 * The original nodes that get new children, beside those of the functions: export lists,
 * CommonJS export objects, import declarations and `require` patterns that gain a variant.
 */
function nodesToSync(plan: Plan): t.Node[] {
  const out: t.Node[] = [];
  for (const use of plan.exportIndex.values()) {
    for (const s of use.specifiers ?? []) out.push(s.decl);
    for (const c of use.cjs ?? []) if (c.kind === "object") out.push(c.obj);
  }
  for (const r of plan.reExports) {
    if (r.kind === "specifier") out.push(r.decl);
    else if (r.kind === "object") out.push(r.obj);
  }
  for (const v of plan.imported.pending)
    out.push(v.holder.kind === "import" ? v.holder.decl : v.holder.pattern);
  for (const call of plan.edits.keys()) out.push(call as t.Node);
  out.push(...checkedSpreads(plan));
  return out;
}

/**
 * The spreads of object literals, and the computed keys of classes and object literals, that get
 * a run-time check (core/analysis/literal-variants.ts).
 */
function checkedSpreads(plan: Plan): t.Node[] {
  const byHolder = new Map<t.Node, SaFunction[]>();
  for (const fn of plan.fns)
    if (!fn.processed && (fn.form === "object-method" || fn.form === "class-method"))
      byHolder.set(fn.holder!, [...(byHolder.get(fn.holder!) ?? []), fn]);
  return [...byHolder.values()].flatMap((list) =>
    spreadChecks(plan.ctx, list).map((c) => c.spread as t.Node),
  );
}

/** The declarator of `const f = smartasync(...)` (or `export const ...`). */
function declaratorOf(stmt: NodePath): NodePath {
  const decl = stmt.isExportNamedDeclaration() ? (stmt.get("declaration") as NodePath) : stmt;
  return decl.get("declarations.0") as NodePath;
}

/**
 * Whether another plugin could read Babel's scopes after smartasync's visitor: one with a visitor
 * (every plugin of a pass visits the nodes after `Program` enters, before or after smartasync in
 * the list) or a `pre`/`post` hook, in this pass or a later one. `opts.plugins` is the first
 * pass, presets' plugins included; with `passPerPreset` there are more. A plugin with neither
 * (a syntax plugin, the compile service's CommonJS signal) reads nothing.
 */
function othersInPass(file: File): boolean {
  const opts = file.opts as {
    plugins?: { visitor?: object; pre?: unknown; post?: unknown }[];
    passPerPreset?: boolean;
  };
  if (opts.passPerPreset === true) return true;
  // Babel marks a visitor it has prepared with `_exploded`/`_verified` keys.
  const active = (opts.plugins ?? []).filter(
    (p) => p.pre || p.post || Object.keys(p.visitor ?? {}).some((k) => !k.startsWith("_")),
  );
  return active.length !== 1;
}

/**
 * The sync twin of a factory (core: factories.ts): a copy of the factory, already compiled,
 * named after the twin, in which each returned object holds its annotated async methods' sync
 * variants under the methods' own keys, its annotated sync methods without their async variants,
 * and no wrapper marking them: a plain object of sync methods, as a hand-written twin returns.
 * The copy has no comments (an annotation copied into it would annotate the twin's methods).
 */
function factoryTwin(
  t: typeof import("@babel/core").types,
  factory: SaFactory,
  variants: Map<SaFunction, t.Node>,
  wrappers: Map<t.Node, t.Node>,
  spreads: ReadonlySet<t.Node>,
): t.Statement {
  const map = new Map<t.Node, t.Node>();
  const copy = cloneWithMap(factory.fn, map);
  // The twin's objects gain no variant (their methods are the sync ones under their own names):
  // a spread keeps what its source holds, unchecked, as SWC's twin, built from the source text,
  // writes it (fixture methods/factory-twin-spread).
  for (const spread of spreads) {
    const mine = map.get(spread) as (t.SpreadElement & { key?: t.Expression }) | undefined;
    // A checked computed key (`[_sa.keyOf(k, …)]`) is `[k]` again, as a spread is.
    if (mine?.type !== "SpreadElement") {
      if (mine?.key?.type === "CallExpression") mine.key = mine.key.arguments[0] as t.Expression;
    } else if (mine.argument.type === "CallExpression")
      mine.argument = mine.argument.arguments[0] as t.Expression;
  }
  for (const { holder, replaced, kept } of twinObjects(factory)) {
    const object = map.get(holder) as t.ObjectExpression;
    const wrapper = wrappers.get(holder);
    if (wrapper) replaceIn(map.get(wrapper)!, object, copy);
    const drop = new Set<t.Node>();
    for (const fn of kept) drop.add(map.get(variants.get(fn)!)!);
    for (const fn of replaced) {
      const variant = map.get(variants.get(fn)!) as t.ObjectMethod;
      const method = map.get(fn.member!) as t.ObjectMethod;
      variant.key = method.key;
      variant.computed = method.computed;
      drop.add(method);
    }
    object.properties = object.properties.filter((p) => !drop.has(p));
  }
  // The factory's return type describes the async methods.
  copy.returnType = null;
  if (factory.form === "function") {
    const decl = copy as t.FunctionDeclaration;
    decl.id = t.identifier(factory.variant);
    return factory.exportDecl ? t.exportNamedDeclaration(decl, []) : decl;
  }
  const decl = t.variableDeclaration("const", [
    t.variableDeclarator(t.identifier(factory.variant), copy as t.Expression),
  ]);
  return factory.exportDecl ? t.exportNamedDeclaration(decl, []) : decl;
}

/** Babel's module transforms whose output Node runs as CommonJS. */
const CJS_TRANSFORMS = new Set(["transform-modules-commonjs", "transform-modules-umd"]);

/** The whole pass: the core's analysis (collect, decide, plan), then Babel's edits. */
export function transformProgram(
  t: typeof import("@babel/core").types,
  program: NodePath<t.Program>,
  file: File,
  options: Options,
  graph?: ModuleGraph,
  /** For `.d.ts` emit (`smartasync build`): keep `smartasync(...)` wrappers, whose type is the point. */
  keepWrappers = false,
  /** A bundler reads the output (core/analysis/analyse.ts `bundler`). */
  bundler = false,
): { report: Report; exports?: ModuleFacts; urlCallees?: string[] } {
  const plugins = (file.opts.plugins ?? []) as { key?: string }[];
  const analysis = analyse({
    parsed: { program: program.node, comments: (file.ast.comments ?? []) as t.Comment[] },
    code: file.code,
    filename: file.opts.filename ?? undefined,
    fileName: reportPath(file, options),
    options,
    graph,
    // UMD output runs as CommonJS under Node, and Babel's UMD transform leaves `import.meta.url`
    // in place as its CommonJS one does, so generated code uses `__filename` as under SWC's
    // `module.type: "umd"` (attack31 F07; test/babel-plugin.test.ts "UMD").
    cjsTransform: plugins.some((p) => CJS_TRANSFORMS.has(p.key ?? "")),
    bundler,
    error: (message, node) => codeFrameError(file, node as t.Node | null, message),
  });
  // Alone in its pass nothing reads Babel's scopes after this visitor (the generator does not):
  // they are then left as they are.
  if (!analysis.plan) return { report: analysis.report, exports: analysis.exports };
  // A file with nothing to change is not touched (a second pass over the output): moving its
  // comments, as emitPlan does around annotated functions, would lay them out anew. As the SWC
  // engine, it names no calls to point at a worker file (swc-plugin/engine.ts).
  if (!planChanges(analysis.plan)) return { report: analysis.report, exports: analysis.exports };
  // Read before the edits: the file's own names of the runtime, on the tree the analysis read.
  const callees = moduleUrlCallees(analysis.plan.ctx);
  const runtime = emitPlan(t, analysis.plan, program, file, keepWrappers, othersInPass(file));
  return { report: analysis.report, exports: analysis.exports, urlCallees: callees(runtime) };
}
