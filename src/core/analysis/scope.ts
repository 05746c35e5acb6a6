import type { types as t } from "@babel/core";
import { childKeys, holdsCode, isFunction, isNode, mayWriteText, type Node, type Tree } from "./tree.js";

/** Babel's binding kinds, which the rules test (`module` for imports, `hoisted` for functions). */
export type BindingKind = "var" | "let" | "const" | "using" | "param" | "hoisted" | "module" | "local";

export interface Binding {
  name: string;
  kind: BindingKind;
  scope: Scope;
  /**
   * The declaring node, as Babel's `binding.path.node`: the `VariableDeclarator`, the function or
   * class declaration, the import specifier, the parameter, the catch clause.
   */
  node: Node;
  /** Writes after the declaration: assignments, updates, `for (x of …)` heads. */
  violations: Node[];
  /** Later declarations of the same name in the same scope (`function f` twice, `var f = …`). */
  redeclarations?: Node[];
}

export class Scope {
  readonly bindings = new Map<string, Binding>();
  constructor(
    readonly node: Node,
    readonly parent: Scope | undefined,
  ) {}

  /** This scope's binding of `name`, or the nearest enclosing one. */
  lookup(name: string): Binding | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const b = s.bindings.get(name);
      if (b) return b;
    }
    return undefined;
  }

  isProgram(): boolean {
    return this.node.type === "Program";
  }
}

/** Names a pattern binds (`{ a, b: [c] }` → a, c). */
export function patternNames(p: Node | null | undefined, out: t.Identifier[] = []): t.Identifier[] {
  if (!p) return out;
  switch (p.type) {
    case "Identifier":
      out.push(p);
      break;
    case "ObjectPattern":
      for (const prop of p.properties)
        patternNames(prop.type === "RestElement" ? prop : (prop.value as Node), out);
      break;
    case "ArrayPattern":
      for (const e of p.elements) patternNames(e, out);
      break;
    case "AssignmentPattern":
      patternNames(p.left, out);
      break;
    case "RestElement":
      patternNames(p.argument, out);
      break;
    case "TSParameterProperty":
      patternNames(p.parameter, out);
      break;
    default:
      break;
  }
  return out;
}

/** Whether a block is the body of a function or catch clause, which own its declarations. */
function ownsNoScope(n: Node, parent: Node | undefined): boolean {
  return (
    n.type === "BlockStatement" &&
    parent !== undefined &&
    (isFunction(parent) || parent.type === "CatchClause")
  );
}

function createsScope(n: Node, parent: Node | undefined): boolean {
  switch (n.type) {
    case "Program":
    case "CatchClause":
    case "ForStatement":
    case "ForInStatement":
    case "ForOfStatement":
    case "SwitchStatement":
    case "ClassDeclaration":
    case "ClassExpression":
    case "StaticBlock":
    case "TSModuleBlock":
      return true;
    case "BlockStatement":
      return !ownsNoScope(n, parent);
    default:
      return isFunction(n);
  }
}

/** The names a statement of a namespace body declares (`export` or not). */
function declaredNames(st: Node): string[] {
  const d = (st.type === "ExportNamedDeclaration" ? (st.declaration ?? st) : st) as Node;
  switch (d.type) {
    case "FunctionDeclaration":
    case "TSDeclareFunction":
    case "ClassDeclaration":
    case "TSEnumDeclaration":
    case "TSImportEqualsDeclaration":
      return d.id ? [(d.id as t.Identifier).name] : [];
    case "TSModuleDeclaration":
      return d.id.type === "Identifier" ? [d.id.name] : [];
    case "VariableDeclaration":
      return d.declarations.flatMap((v) => patternNames(v.id).map((id) => id.name));
    default:
      return [];
  }
}

/**
 * In a block of a merged namespace (`namespace NS {…} namespace NS { … load() … }`, or a
 * namespace merged into a function, class or enum), a bare name another block of it exports
 * is that member (`NS.load`), as TypeScript and SWC's transform read it — not an outer binding
 * of the same name (attack17 F3: `load()` was rewritten to the *imported* `load`'s variant). So
 * each such name is bound in the block, to the other block's export statement: no rule follows
 * a call through that, and the call stays as written (fixture typescript/namespace-merged-bare-name).
 * The blocks are those of the namespace's whole path (`A.B`), however each is written: `namespace
 * A.B {}`, `namespace A { export namespace B {} }` (fixture
 * typescript/namespace-merged-dotted-bare-name).
 */
function mergedSiblingExports(tree: Tree, decl: t.TSModuleDeclaration): Map<string, Node> {
  const out = new Map<string, Node>();
  const own = new Set<string>();
  const block = decl.body as Node;
  if (block.type !== "TSModuleBlock") return out;
  for (const st of block.body as Node[]) for (const n of declaredNames(st)) own.add(n);
  // The block's path from the statements that hold its outermost namespace.
  let path = dottedPath(decl.id as Node) ?? [];
  let cur: Node = decl as Node;
  let holder: Node | undefined;
  for (let hops = 0; hops < 32; hops++) {
    const p = tree.parent(cur);
    if (p?.type === "TSModuleDeclaration") {
      // Babel 7 nests `namespace A.B {}` as A { B {} }.
      path = [...(dottedPath(p.id as Node) ?? []), ...path];
      cur = p;
      continue;
    }
    const inBlock = p?.type === "ExportNamedDeclaration" ? tree.parent(p) : p;
    const owner = inBlock?.type === "TSModuleBlock" ? tree.parent(inBlock) : undefined;
    if (p?.type === "ExportNamedDeclaration" && owner?.type === "TSModuleDeclaration") {
      // An exported namespace inside another is a member of it: `A { export namespace B {} }`.
      path = [...(dottedPath(owner.id as Node) ?? []), ...path];
      cur = owner;
      continue;
    }
    holder = inBlock;
    break;
  }
  if (path.length === 0 || !holder) return out;
  const body = "body" in holder && Array.isArray(holder.body) ? (holder.body as Node[]) : [];
  for (const st of body) {
    const d = (st.type === "ExportNamedDeclaration" ? st.declaration : st) as Node | null;
    if (d?.type !== "TSModuleDeclaration") continue;
    for (const other of namespaceBlocks(d, path)) {
      if (other === block) continue;
      for (const member of (other as t.TSModuleBlock).body as Node[]) {
        if (member.type !== "ExportNamedDeclaration" && member.type !== "TSImportEqualsDeclaration") continue;
        if (member.type === "TSImportEqualsDeclaration" && !(member as { isExport?: boolean }).isExport)
          continue;
        for (const n of declaredNames(member)) if (!own.has(n) && !out.has(n)) out.set(n, member);
      }
    }
  }
  return out;
}

/** `A.B` → ["A", "B"] (identifiers and non-computed members only). */
export function dottedPath(n: Node): string[] | undefined {
  if (n.type === "Identifier") return [n.name];
  if (n.type === "TSQualifiedName") {
    const left = dottedPath(n.left as Node);
    return left && [...left, n.right.name];
  }
  if (
    (n.type !== "MemberExpression" && n.type !== "OptionalMemberExpression") ||
    n.computed ||
    n.property.type !== "Identifier"
  )
    return undefined;
  const left = dottedPath(n.object as Node);
  return left && [...left, n.property.name];
}

/**
 * The bodies `namespace` declarations give the path `names`: `namespace A.B {}` (one declaration
 * named `A.B` in Babel 8, nested in Babel 7) and `namespace A { export namespace B {} }`.
 */
export function namespaceBlocks(decl: t.TSModuleDeclaration, names: string[]): Node[] {
  const ids = dottedPath(decl.id as Node) ?? [];
  if (ids.some((id, i) => names[i] !== id)) return [];
  const rest = names.slice(ids.length);
  const body = decl.body as Node | null | undefined;
  if (body?.type === "TSModuleDeclaration") return rest.length ? namespaceBlocks(body, rest) : [];
  if (body?.type !== "TSModuleBlock") return [];
  if (rest.length === 0) return [body];
  return body.body.flatMap((st) => {
    const d = st.type === "ExportNamedDeclaration" ? (st.declaration as Node | null) : undefined;
    return d?.type === "TSModuleDeclaration" ? namespaceBlocks(d, rest) : [];
  });
}

/** What a direct `eval` can assign (`const`, imports and a function expression's own name it cannot). */
const ASSIGNABLE = new Set<BindingKind>(["var", "let", "param", "hoisted"]);

const VAR_SCOPES = (n: Node): boolean =>
  n.type === "Program" || n.type === "StaticBlock" || n.type === "TSModuleBlock" || isFunction(n);

/**
 * The bindings of every scope of a file, with Babel's kinds and the same hoisting rules
 * (`var` and function declarations to their function, `let`/`const`/`class` to their block).
 * Its walk also fills the tree's parent links.
 */
export class Scopes {
  private readonly byNode = new Map<Node, Scope>();
  readonly program: Scope;

  constructor(private readonly tree: Tree) {
    this.program = new Scope(tree.program, undefined);
    this.byNode.set(tree.program, this.program);
    const writes: { target: t.Identifier; at: Node; scope: Scope }[] = [];
    const evals: { at: Node; scope: Scope }[] = [];
    // `inParams`: `n` lies in the parameters of the function whose scope is `scope` (`binding`).
    const visit = (
      n: Node,
      parent: Node | undefined,
      scope: Scope,
      varScope: Scope,
      inParams: boolean,
    ): void => {
      let inner = scope;
      let innerVar = varScope;
      if (n !== tree.program && createsScope(n, parent)) {
        inner = new Scope(n, scope);
        this.byNode.set(n, inner);
        if (VAR_SCOPES(n)) innerVar = inner;
        if (n.type === "TSModuleBlock" && parent?.type === "TSModuleDeclaration")
          for (const [name, at] of mergedSiblingExports(tree, parent)) this.declare(inner, name, "local", at);
      }
      // Where `binding` and `scopeOf` start from `n`: its own scope, else the nearest enclosing one.
      const at = tree.indexOf(n)!;
      this.scopeAt[at] = inner;
      this.inParamsAt[at] = inner === scope && inParams;
      switch (n.type) {
        case "VariableDeclaration": {
          const kind =
            n.kind === "var" ? "var" : n.kind === "let" ? "let" : n.kind === "const" ? "const" : "using";
          const target = kind === "var" ? varScope : scope;
          for (const d of n.declarations)
            for (const id of patternNames(d.id)) this.declare(target, id.name, kind, d);
          break;
        }
        case "FunctionDeclaration":
        case "TSDeclareFunction":
          // Babel binds a function in the block that holds it (its var scope at a body's top).
          if (n.id && n.type === "FunctionDeclaration") this.declare(scope, n.id.name, "hoisted", n);
          break;
        case "ClassDeclaration":
          if (n.id) this.declare(scope, n.id.name, "let", n);
          break;
        case "TSEnumDeclaration":
          // A binding, but not mutable state: an enum is never SA302's `let` (fixture typescript/generics-and-enum).
          this.declare(scope, n.id.name, "local", n);
          break;
        case "ImportDeclaration":
          if (n.importKind === "type" || n.importKind === "typeof") break;
          for (const sp of n.specifiers) {
            if (sp.type === "ImportSpecifier" && (sp.importKind === "type" || sp.importKind === "typeof"))
              continue;
            this.declare(this.program, sp.local.name, "module", sp);
          }
          break;
        case "TSImportEqualsDeclaration":
          // `import lib = require("./lib")`: a module object, like `const lib = require(…)`.
          if (n.importKind !== "type") this.declare(scope, n.id.name, "module", n);
          break;
        case "TSModuleDeclaration":
          // `namespace NS {}`: `NS.f()` reaches the functions it exports (fixture typescript/namespace).
          // `declare global {}` names no binding (Babel 7 marks it `global`, Babel 8 `kind`).
          if (!(n as { global?: boolean }).global && n.kind !== "global") {
            // `namespace A.B {}` binds `A` (Babel 8 names the declaration by a qualified name).
            let id = n.id as Node;
            while (id.type === "TSQualifiedName") id = id.left as Node;
            if (id.type === "Identifier") this.declare(scope, id.name, "local", n);
          }
          break;
        case "CatchClause":
          for (const id of patternNames(n.param)) this.declare(inner, id.name, "let", n);
          break;
        case "AssignmentExpression":
          for (const id of patternNames(n.left as Node)) writes.push({ target: id, at: n, scope });
          break;
        case "UpdateExpression":
          if (n.argument.type === "Identifier") writes.push({ target: n.argument, at: n, scope });
          break;
        case "CallExpression":
          if (n.callee.type === "Identifier" && n.callee.name === "eval") evals.push({ at: n, scope });
          break;
        case "ForInStatement":
        case "ForOfStatement":
          if (n.left.type !== "VariableDeclaration")
            for (const id of patternNames(n.left as Node)) writes.push({ target: id, at: n, scope: inner });
          break;
        default:
          break;
      }
      if (
        ((n.type === "ObjectExpression" || n.type === "ArrayExpression") && tree.isCutLiteral(n)) ||
        tree.isCutClassBody(n)
      ) {
        // Its text was not parsed (swc-plugin/skim.ts) and mentions nothing that matters.
        tree.closeLiteral(n);
        return;
      }
      if (n !== tree.program && isFunction(n) && tree.shouldClose(n)) {
        // Mentions nothing that matters: linked, its own name bound above, not entered.
        tree.close(n);
        return;
      }
      if (isFunction(n)) {
        for (const p of n.params) for (const id of patternNames(p)) this.declare(inner, id.name, "param", p);
        if (n.type === "FunctionExpression" && n.id && !inner.bindings.has(n.id.name))
          this.declare(inner, n.id.name, "local", n);
      }
      if (n.type === "ClassExpression" && n.id) this.declare(inner, n.id.name, "local", n);
      const rec = n as unknown as Record<string, unknown>;
      for (const key of childKeys(n)) {
        const v = rec[key];
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) {
            const c = v[i];
            if (isNode(c) && holdsCode(c)) {
              tree.add(c, n, key, i);
              visit(c, n, inner, innerVar, inner === scope ? inParams : key === "params" && isFunction(n));
              tree.leave(c);
            }
          }
        } else if (isNode(v) && holdsCode(v)) {
          tree.add(v, n, key, -1);
          visit(v, n, inner, innerVar, inner === scope ? inParams : key === "params" && isFunction(n));
          tree.leave(v);
        }
      }
    };
    visit(tree.program, undefined, this.program, this.program, false);
    tree.seal();
    this.complete = true;
    for (const w of writes) {
      const b = w.scope.lookup(w.target.name);
      if (b) (this.writes.get(b) ?? b.violations).push(w.at);
    }
    // A direct `eval` may assign any binding it can see, in strict code too (`eval("load = stub")`:
    // attack24 F02, fixture contexts/eval-assigns-binding): each one that can be assigned counts
    // the call as a write. (A sloppy script's `eval` may also declare names: calls.ts, SA205.)
    for (const e of evals) {
      if (e.scope.lookup("eval")) continue;
      for (let s: Scope | undefined = e.scope; s; s = s.parent)
        for (const b of s.bindings.values())
          if (ASSIGNABLE.has(b.kind)) (this.writes.get(b) ?? b.violations).push(e.at);
    }
  }

  /**
   * For each node of the tree, by its place in the walk order (tree.ts `indexOf`): the scope
   * `binding` and `scopeOf` read from — the node's own, else the nearest enclosing one — and
   * whether the node lies in the parameters of that scope's function. Recorded by the walk
   * above, so an identifier's binding is one lookup, not a climb through its parents (each step
   * two map lookups: the climb was 4% of the 5,000-line annotated file). `complete` once the
   * walk is done; nodes outside the open tree (inside a closed function) still climb.
   */
  private readonly scopeAt: Scope[] = [];
  private readonly inParamsAt: boolean[] = [];
  private complete = false;

  /** A tree with closed functions: the writes of each binding, read through a watching getter. */
  private readonly writes = new Map<Binding, Node[]>();

  /**
   * The writes of `b` in the open code, without asking about closed functions' writes. Only for
   * a reader looking for a smartasync function written to `b`: a closed function's body names
   * no smartasync function (nor, checked after the analysis, a second name of one), so what it
   * writes cannot be one (skim test: Babel's lazy `_gensync = function () {…}` needs no second
   * analysis).
   */
  openWrites(b: Binding): readonly Node[] {
    return this.writes.get(b) ?? b.violations;
  }

  private declare(scope: Scope, name: string, kind: BindingKind, node: Node): void {
    const known = scope.bindings.get(name);
    // `var x; var x;` and a function redeclared by `var` stay one binding (the first); a later
    // declaration that gives it a value is remembered (fixture contexts/redeclared-function).
    if (known) {
      if (node.type === "FunctionDeclaration" || (node.type === "VariableDeclarator" && node.init))
        known.redeclarations = [...(known.redeclarations ?? []), node];
      return;
    }
    const binding: Binding = { name, kind, scope, node, violations: [] };
    if (this.tree.closing) {
      // A closed function may write the binding: whoever reads its writes is remembered, and
      // the analysis is redone on the whole tree if a closed function mentions the name.
      const writes: Node[] = [];
      this.writes.set(binding, writes);
      const tree = this.tree;
      Object.defineProperty(binding, "violations", {
        get: () => {
          // Only code inside the binding's scope can write it (view.ts `readsOf` watches its
          // reads the same way).
          tree.watchWritesWithin(name, scope.node);
          return writes;
        },
        enumerable: true,
      });
    }
    scope.bindings.set(name, binding);
  }

  /** The scope `n` is in (its own, for a node that creates one). */
  /** Whether a scope other than the program's declares `name` (it shadows a module binding there). */
  declaredBelowProgram(name: string): boolean {
    this.tree.watched.add(name);
    for (const s of this.byNode.values()) if (s !== this.program && s.bindings.has(name)) return true;
    return false;
  }

  /** Every binding of every scope the walk entered. */
  *all(): Generator<Binding> {
    for (const s of this.byNode.values()) yield* s.bindings.values();
  }

  scopeOf(n: Node): Scope {
    const at = this.complete ? this.tree.indexOf(n) : undefined;
    if (at !== undefined) return this.scopeAt[at]!;
    for (let cur: Node | undefined = n; cur !== undefined; cur = this.tree.parent(cur)) {
      const s = this.byNode.get(cur);
      if (s) return s;
    }
    return this.program;
  }

  /**
   * Babel's `path.scope.getBinding(name)` for the node at `n` — except from a function's
   * parameters: there the body's `var` and function declarations are not in scope (with
   * parameter expressions the body has an environment of its own, ES §10.2.11), so
   * `function h(v = load()) { var load = stub }` calls the outer `load` (adversarial finding F9).
   */
  binding(n: Node, name: string): Binding | undefined {
    const at = this.complete ? this.tree.indexOf(n) : undefined;
    if (at !== undefined) {
      const s = this.scopeAt[at]!;
      if (!this.inParamsAt[at]) return s.lookup(name);
      const own = s.bindings.get(name);
      if (own && (own.kind === "param" || own.node === s.node)) return own;
      return s.parent?.lookup(name);
    }
    let prev: Node | undefined;
    for (let cur: Node | undefined = n; cur !== undefined; prev = cur, cur = this.tree.parent(cur)) {
      const s = this.byNode.get(cur);
      if (!s) continue;
      if (prev !== undefined && isFunction(cur) && this.tree.link(prev)?.key === "params") {
        const own = s.bindings.get(name);
        if (own && (own.kind === "param" || own.node === cur)) return own;
        return s.parent?.lookup(name);
      }
      return s.lookup(name);
    }
    return this.program.lookup(name);
  }
}

/**
 * Whether an identifier is a reference to a binding (Babel's `isReferencedIdentifier`): not a
 * declaration's name, a property key, a member's property or a label.
 */
export function isReference(id: t.Identifier, tree: Tree): boolean {
  const link = tree.link(id);
  if (!link) return false;
  const { parent, key } = link;
  switch (parent.type) {
    case "MemberExpression":
    case "OptionalMemberExpression":
      return key === "object" || parent.computed;
    case "ObjectProperty":
      return key === "value" || parent.computed;
    case "ObjectMethod":
    case "ClassMethod":
    case "ClassPrivateMethod":
    case "ClassProperty":
    case "ClassAccessorProperty":
    case "TSDeclareMethod":
      return key !== "key" || parent.computed;
    case "VariableDeclarator":
      return key === "init";
    case "FunctionDeclaration":
    case "FunctionExpression":
    case "ArrowFunctionExpression":
    case "ClassDeclaration":
    case "ClassExpression":
      return key !== "id" && key !== "params";
    case "ImportSpecifier":
    case "ImportDefaultSpecifier":
    case "ImportNamespaceSpecifier":
    case "ExportNamespaceSpecifier":
    case "ExportDefaultSpecifier":
      return false;
    case "ExportSpecifier":
      return key === "local";
    case "LabeledStatement":
    case "BreakStatement":
    case "ContinueStatement":
    case "MetaProperty":
    case "CatchClause":
    // `#n` of `Counter.#n`: a private field's name, never a variable (attack 18, F8).
    case "PrivateName":
      return false;
    case "AssignmentPattern":
      return key === "right";
    case "RestElement":
    case "ArrayPattern":
    case "ObjectPattern":
      return false;
    default:
      return true;
  }
}

/** Whether `n` writes an identifier named `name` (an assignment, an update, a `for … in/of` head). */
function writesName(n: Node, name: string): boolean {
  switch (n.type) {
    case "AssignmentExpression":
      return patternNames(n.left as Node).some((id) => id.name === name);
    case "UpdateExpression":
      return n.argument.type === "Identifier" && n.argument.name === name;
    case "ForInStatement":
    case "ForOfStatement":
      return (
        n.left.type !== "VariableDeclaration" && patternNames(n.left as Node).some((id) => id.name === name)
      );
    default:
      return false;
  }
}

/**
 * The first of `names` that a closed function may write (it writes an identifier of that name,
 * whichever binding it is): the writes the partial tree counted for it may be incomplete.
 */
export function closedWrite(
  tree: Tree,
  names: Iterable<string>,
  within?: ReadonlyMap<string, readonly (readonly [number, number])[]>,
): string | undefined {
  const code = tree.closing?.code ?? "";
  const skipped = tree.closing?.skipped;
  const patterns = skipped?.patterns ?? [];
  const everywhere = new Set(names);
  // A name watched only within its scopes: the closed functions inside one of them (closed
  // functions never straddle a scope), its text searched there only. One watched everywhere
  // too: every function.
  const onlyWithin = new Map([...(within ?? [])].filter(([name]) => !everywhere.has(name)));
  const mentions = [...tree.closedMentions(everywhere), ...tree.closedMentionsWithin(onlyWithin)];
  for (const [name, mentioning] of mentions) {
    const spans = onlyWithin.get(name);
    const fns = spans
      ? mentioning.filter((fn) => spans.some(([s, e]) => s <= (fn.start ?? -1) && (fn.end ?? -1) <= e))
      : mentioning;
    if (
      fns.length > 0 &&
      tree.closedFind(
        name,
        (n) => writesName(n, name),
        fns,
        (from, to) => mayWriteText(code, name, from, to, patterns, skipped?.leaves, skipped?.defaults),
      )
    )
      return name;
  }
  return undefined;
}
