import type { NodePath, types as t } from "@babel/core";
import { wordHits } from "../core/analysis/tree.js";

/**
 * Keeps Babel's scope tracker true to smartasync's edits without crawling the whole file again.
 *
 * Plugins that run after smartasync read bindings (preset-typescript elides an import nobody
 * references, the CommonJS transform rewrites references to imports): they must see the
 * generated imports and variants, the calls renamed to a variant, and no reference that an edit
 * took away. `program.scope.crawl()` gives that by walking the whole file a second time, about a
 * sixth of an annotated file's transform. The edits touch few places, so only those are redone:
 *
 * - an original subtree that an edit changes or moves (a rewritten call, an unwrapped
 *   `smartasync(...)`, an object marked where it is created) has its references and
 *   reassignments taken out of their bindings *before any edit* (`changing`), while names and
 *   paths are still those Babel recorded, and put back from what the subtree holds afterwards;
 * - a new node (a variant, a marker statement, a generated import, a specifier or property added
 *   to an existing list) has its declarations registered and its references recorded
 *   (`inserted`).
 *
 * Scopes that are new (a variant's function, a moved callback) are crawled by Babel itself when
 * their path is first set up, which the walks below do. test/babel-scopes.test.ts compares the
 * result, binding by binding, with a full crawl on every fixture, under Babel 7 and 8.
 */
export class ScopeSync {
  private readonly changed: NodePath[] = [];
  private readonly added: NodePath[] = [];
  /** New statements spliced into the program's body without a path. */
  private readonly topLevel = new Set<t.Node>();
  /** New nodes pushed into an original node's list (`export { f, fSync }`), with where. */
  private readonly pushed: { parent: NodePath; key: string; node: t.Node }[] = [];
  /** Original declarations that bind a new name. */
  private readonly redeclare: NodePath[] = [];

  /** Names that were globals before the edits: a new declaration may bind their references. */
  private readonly globalsBefore: Set<string>;
  /** Names the edits declare. */
  private readonly declared = new Set<string>();

  constructor(
    private readonly t: typeof import("@babel/core").types,
    private readonly program: NodePath<t.Program>,
    /** The file's text, where the original nodes' offsets point. */
    private readonly code: string,
  ) {
    this.globalsBefore = new Set(Object.keys(globalsOf(program)));
  }

  /** `path`'s subtree is about to change or move: its references leave their bindings now. */
  changing(path: NodePath): void {
    unregister(path);
    this.changed.push(path);
  }

  /** New nodes now in the tree, with their paths. */
  inserted(paths: NodePath[]): void {
    this.added.push(...paths);
  }

  /** New statements of the program's body, inserted without paths. */
  insertedTopLevel(nodes: Iterable<t.Node>): void {
    for (const n of nodes) this.topLevel.add(n);
  }

  /** A name was added to the pattern at `pattern` (`const { f, fSync } = require(...)`). */
  redeclared(pattern: NodePath, name: string): void {
    this.declared.add(name);
    const declaration = pattern.findParent((p) => p.isVariableDeclaration());
    // `export const { load: l2, ...others } = ns`: the new name is referenced by the export too
    // (fixture modules/destructured-rest).
    const exported = declaration?.parentPath?.isExportNamedDeclaration() ? declaration.parentPath : undefined;
    if (declaration) this.redeclare.push(exported ?? declaration);
  }

  /** `node` was pushed into the list `key` (`specifiers`, `body.body`) of `parent`'s node. */
  pushedInto(parent: NodePath, key: string, node: t.Node): void {
    this.pushed.push({ parent, key, node });
  }

  /** After every edit: records what the changed subtrees and the new nodes now hold. */
  finish(): void {
    // Statements spliced into the program's list leave the keys of the paths after them stale:
    // every statement's path is set up again, as a crawl would.
    for (const path of this.program.get("body") as NodePath[])
      if (this.topLevel.has(path.node)) this.added.push(path);
    for (const { parent, key, node } of this.pushed) {
      const list = key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], parent.node);
      const i = (list as t.Node[]).indexOf(node);
      if (i >= 0) this.added.push(parent.get(`${key}.${i}`) as NodePath);
    }
    // A node inserted with a path that a later edit moved (a method variant of an object then
    // wrapped): Babel crawled its scope at the old place; those references go, the moved
    // subtree is recorded from where it is now.
    const program = this.program.node;
    for (const path of this.added) if (!attached(path, program)) unregister(path);
    const added = this.added.filter((path) => attached(path, program));
    // Declarations first, then references: a variant may call one inserted after it.
    for (const path of added) {
      declare(path);
      for (const name of Object.keys(path.getOuterBindingIdentifiers())) this.declared.add(name);
    }
    for (const path of this.redeclare) declare(path);
    // A changed subtree that another one moved (a call inside an object now wrapped) is reached,
    // with new paths, through that one.
    for (const path of this.changed) if (attached(path, this.program.node)) record(this.program, path);
    for (const path of added) record(this.program, path);
    const globals = globalsOf(this.program);
    // Code that already named a variant (`loadBlocking("b")` written by hand) referred to a
    // global; the variant's declaration binds it now. Its occurrences are found in the text.
    for (const name of this.declared) {
      if (!this.globalsBefore.has(name)) continue;
      let unbound = false;
      for (const at of wordHits(this.code, name))
        for (const ref of this.identifiersAt(at, name)) {
          const binding = ref.scope.getBinding(name);
          if (binding) binding.reference(ref);
          else unbound = true;
        }
      if (!unbound) delete globals[name];
    }
    // A new scope crawled when its path was set up (before every declaration was in) took a
    // name declared later for a global; resolved now, it is none.
    for (const name of Object.keys(globals)) if (this.program.scope.hasOwnBinding(name)) delete globals[name];
  }

  /** The paths of the references named `name` that start at offset `at` (originals and copies). */
  private identifiersAt(at: number, name: string): NodePath<t.Identifier>[] {
    const out: NodePath<t.Identifier>[] = [];
    const down = (path: NodePath) => {
      const node = path.node;
      if (node.type === "Identifier" && node.name === name && node.start === at) {
        if (isCountedReference(path)) out.push(path as NodePath<t.Identifier>);
        return;
      }
      const rec = node as unknown as Record<string, unknown>;
      for (const key of this.t.VISITOR_KEYS[node.type] ?? []) {
        const v = rec[key];
        const list = Array.isArray(v) ? v : [v];
        list.forEach((c, i) => {
          const child = c as t.Node | null | undefined;
          if (!child || typeof child.type !== "string" || child.start == null || child.end == null) return;
          if (child.start <= at && at < child.end)
            down(path.get(Array.isArray(v) ? `${key}.${i}` : key) as NodePath);
        });
      }
    };
    down(this.program);
    return out;
  }
}

/** Whether `path` still leads from the program to its node (no move left it behind). */
function attached(path: NodePath, program: t.Node): boolean {
  let p: NodePath | null = path;
  for (; p?.parentPath; p = p.parentPath) {
    const holder = p.listKey
      ? (p.parentPath.node as unknown as Record<string, unknown>)[p.listKey]
      : p.parentPath.node;
    if (
      p.container !== holder ||
      (p.container as unknown as Record<string | number, unknown>)[p.key!] !== p.node
    )
      return false;
  }
  return p?.node === program;
}

function globalsOf(program: NodePath<t.Program>): Record<string, t.Node> {
  return (program.scope as unknown as { globals: Record<string, t.Node> }).globals;
}

interface State {
  references: NodePath<t.Identifier | t.JSXIdentifier>[];
  assignments: NodePath[];
  violations: NodePath[];
}

/** What Babel's scope collector counts as a reference (`ReferencedIdentifier`, its own exceptions). */
function isCountedReference(path: NodePath): path is NodePath<t.Identifier | t.JSXIdentifier> {
  if (!path.isReferencedIdentifier()) return false;
  const parent = path.parent;
  if (parent.type === "TSQualifiedName" && parent.right === path.node) return false;
  return parent.type !== "TSImportEqualsDeclaration";
}

/** The nodes whose paths Babel records as reassignments of a name (`registerConstantViolation`). */
function isViolation(path: NodePath): boolean {
  const n = path.node;
  return (
    n.type === "AssignmentExpression" ||
    n.type === "UpdateExpression" ||
    (n.type === "UnaryExpression" && n.operator === "delete") ||
    ((n.type === "ForInStatement" || n.type === "ForOfStatement") &&
      (n.left.type === "Identifier" || n.left.type.endsWith("Pattern")))
  );
}

/** The names a reassigning path writes (as Babel reads them for `constantViolations`). */
function writtenNames(path: NodePath): string[] {
  const n = path.node;
  if (n.type === "ForInStatement" || n.type === "ForOfStatement")
    return Object.keys((path.get("left") as NodePath).getBindingIdentifiers());
  return Object.keys(
    (
      path as unknown as { getAssignmentIdentifiers(): Record<string, t.Identifier> }
    ).getAssignmentIdentifiers(),
  );
}

/** Collects a subtree's references and reassignments the way Babel's scope collector does. */
function collect(root: NodePath, withRoot: boolean): State {
  const state: State = { references: [], assignments: [], violations: [] };
  const visit = (path: NodePath) => {
    if (isCountedReference(path)) state.references.push(path);
    else if (isViolation(path))
      (path.node.type === "AssignmentExpression" ? state.assignments : state.violations).push(path);
  };
  if (withRoot) visit(root);
  root.traverse({
    enter(path) {
      // Babel's collector does not enter type annotations.
      if (path.node.type === "TSTypeAnnotation") {
        path.skip();
        return;
      }
      visit(path);
    },
  });
  return state;
}

function unregister(path: NodePath): void {
  const state = collect(path, true);
  for (const ref of state.references) {
    const binding = ref.scope.getBinding(ref.node.name);
    if (!binding) continue;
    const i = binding.referencePaths.indexOf(ref);
    if (i < 0) continue;
    binding.referencePaths.splice(i, 1);
    binding.dereference();
  }
  for (const v of [...state.assignments, ...state.violations]) {
    for (const name of writtenNames(v)) {
      const binding = v.scope.getBinding(name);
      const i = binding ? binding.constantViolations.indexOf(v) : -1;
      if (!binding || i < 0) continue;
      binding.constantViolations.splice(i, 1);
      if (binding.constantViolations.length === 0 && binding.kind !== "var") binding.constant = true;
    }
  }
}

/** The scope a declaration statement binds its names in (Babel's collector, by kind). */
function declare(path: NodePath): void {
  const node = path.node;
  // A function or class declaration is registered by the crawl of its own new scope.
  if (
    node.type === "ImportSpecifier" ||
    node.type === "ImportDefaultSpecifier" ||
    node.type === "ImportNamespaceSpecifier"
  ) {
    // Registers the declaration's names again: the ones already bound are kept.
    declare(path.parentPath!);
    return;
  }
  if (node.type === "ImportDeclaration") {
    path.scope.getBlockParent().registerDeclaration(path);
    return;
  }
  if (node.type === "VariableDeclaration") {
    const scope =
      node.kind === "var"
        ? (path.scope.getFunctionParent() ?? path.scope.getProgramParent())
        : path.scope.getBlockParent();
    scope.registerDeclaration(path);
    return;
  }
  if (node.type === "ExportNamedDeclaration" && node.declaration) {
    const declaration = path.get("declaration") as NodePath;
    declare(declaration);
    // An exported declaration counts as referenced by its export (Babel's collector).
    const ids = Object.keys(declaration.getOuterBindingIdentifiers());
    for (const name of ids) path.scope.getBinding(name)?.reference(path);
  }
}

function record(program: NodePath<t.Program>, path: NodePath): void {
  const state = collect(path, true);
  const programScope = program.scope;
  for (const a of state.assignments) {
    const ids = (
      a as unknown as { getAssignmentIdentifiers(): Record<string, t.Identifier> }
    ).getAssignmentIdentifiers();
    for (const name of Object.keys(ids)) if (!a.scope.getBinding(name)) programScope.addGlobal(ids[name]!);
    a.scope.registerConstantViolation(a);
  }
  for (const ref of state.references) {
    const binding = ref.scope.getBinding(ref.node.name);
    if (binding) binding.reference(ref);
    else programScope.addGlobal(ref.node);
  }
  for (const v of state.violations) v.scope.registerConstantViolation(v);
}
